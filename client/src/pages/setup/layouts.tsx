/**
 * /setup/:projectId/layouts — layouts 户型 of the project (户型资料): code, name, gross and net area
 * (m², two decimals), orientation, rooms. Editing a layout updates its units not sold; sold units
 * keep their facts (the answer says how many of each). docs/buildings.md.
 */
import { For, Show, createSignal, type JSX } from 'solid-js';
import { formatArea, orientationLabel, type LayoutBody, type LayoutInfo } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, locale, t } from '../../lib/i18n';
import { showToast } from '../../stores/toasts';
import { ErrorAlert, Spinner, Loaded } from '../../components/ui';
import type { SetupSectionProps } from './section-props';
import './setup-buildings.css';

const EMPTY: LayoutBody = { code: '', name: '', nameEn: '', grossArea: 0, netArea: 0, orientation: '南', rooms: 3 };

export default function LayoutsSection(props: SetupSectionProps): JSX.Element {
  const list = createLoad(
    () => props.projectId,
    (id) => api.layouts(id),
  );
  const [editing, setEditing] = createSignal<LayoutInfo | null>(null);
  const [form, setForm] = createSignal<LayoutBody>({ ...EMPTY });
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const edit = (l: LayoutInfo): void => {
    setEditing(l);
    setError(null);
    setForm({
      code: l.code,
      name: l.name,
      nameEn: l.nameEn,
      grossArea: l.grossArea,
      netArea: l.netArea,
      orientation: l.orientation,
      rooms: l.rooms,
    });
  };
  const reset = (): void => {
    setEditing(null);
    setError(null);
    setForm({ ...EMPTY });
  };
  const set = <K extends keyof LayoutBody>(key: K, value: LayoutBody[K]): void => {
    setForm((f) => ({ ...f, [key]: value }));
  };

  const save = async (): Promise<void> => {
    setSaving(true);
    setError(null);
    const body = { ...form(), nameEn: form().nameEn?.trim() || undefined };
    try {
      const current = editing();
      if (current) {
        const res = await api.updateLayout(current.id, body);
        showToast(
          'success',
          t('setupB.layoutSaved', { code: res.code, updated: res.unitsUpdated, kept: res.unitsKept }),
        );
      } else {
        const res = await api.createLayout(props.projectId, body);
        showToast('success', t('setupB.layoutCreated', { code: res.code }));
      }
      reset();
      void list.refetch();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const area = (e: { currentTarget: HTMLInputElement }): number =>
    Math.round(Number(e.currentTarget.value) * 100) / 100;

  return (
    <div class="sb__cols">
      <section class="panel" aria-labelledby="sb-layouts-title">
        <h2 id="sb-layouts-title" class="panel__title">
          {t('setup.section.layouts')}
        </h2>
        <Loaded load={list} errorTitle={t('setupB.loadFailed')}>
          {(layouts) => (
            <Show when={layouts().length > 0} fallback={<p class="panel__empty">{t('setupB.noLayouts')}</p>}>
              <div class="table-wrap">
                <table class="table sb-table sb-table--cards">
                  <thead>
                    <tr>
                      <th>{t('setupB.l.code')}</th>
                      <th>{t('setupB.l.name')}</th>
                      <th class="num">{t('setupB.l.gross')}</th>
                      <th class="num">{t('setupB.l.net')}</th>
                      <th>{t('setupB.l.orientation')}</th>
                      <th class="num">{t('setupB.l.units')}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    <For each={layouts()}>
                      {(l) => (
                        <tr
                          classList={{ 'sb-table__on': editing()?.id === l.id }}
                          data-testid="layout-row"
                          data-code={l.code}
                        >
                          <td class="sb-mono sb-table__title" data-label={t('setupB.l.code')}>
                            {l.code}
                          </td>
                          <td class="sb-table__title" data-label={t('setupB.l.name')}>
                            {locale() === 'en' ? l.nameEn || l.name : l.name}
                          </td>
                          <td class="num" data-label={t('setupB.l.gross')}>
                            {formatArea(l.grossArea, locale())}
                          </td>
                          <td class="num" data-label={t('setupB.l.net')}>
                            {formatArea(l.netArea, locale())}
                          </td>
                          <td data-label={t('setupB.l.orientation')}>{orientationLabel(l.orientation, locale())}</td>
                          <td class="num" data-label={t('setupB.l.units')}>
                            {l.unitCount}
                          </td>
                          <td class="sb-table__action">
                            <button type="button" class="btn btn--ghost btn--sm" onClick={() => edit(l)}>
                              {t('setupB.edit')}
                            </button>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          )}
        </Loaded>
      </section>
      <section class="panel" aria-labelledby="sb-layout-form-title">
        <h2 id="sb-layout-form-title" class="panel__title">
          {editing() ? t('setupB.editLayout', { code: editing()?.code ?? '' }) : t('setupB.newLayout')}
        </h2>
        <form
          class="sb-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div class="sb-form__row">
            <label class="field sb-form__narrow">
              <span class="field__label">{t('setupB.l.code')}</span>
              <input
                class="input sb-mono"
                name="code"
                required
                value={form().code}
                placeholder="A89"
                onInput={(e) => set('code', e.currentTarget.value)}
              />
            </label>
            <label class="field">
              <span class="field__label">{t('setupB.l.name')}</span>
              <input
                class="input"
                name="name"
                required
                value={form().name}
                placeholder="3室2厅2卫"
                onInput={(e) => set('name', e.currentTarget.value)}
              />
            </label>
            <label class="field">
              <span class="field__label">{t('setupB.l.nameEn')}</span>
              <input
                class="input"
                name="name-en"
                value={form().nameEn ?? ''}
                placeholder="3 bed"
                onInput={(e) => set('nameEn', e.currentTarget.value)}
              />
            </label>
          </div>
          <div class="sb-form__row">
            <label class="field sb-form__narrow">
              <span class="field__label">{t('setupB.l.gross')}</span>
              <input
                class="input"
                type="number"
                step="0.01"
                min="0"
                required
                name="gross-area"
                value={form().grossArea}
                onInput={(e) => set('grossArea', area(e))}
              />
            </label>
            <label class="field sb-form__narrow">
              <span class="field__label">{t('setupB.l.net')}</span>
              <input
                class="input"
                type="number"
                step="0.01"
                min="0"
                required
                name="net-area"
                value={form().netArea}
                onInput={(e) => set('netArea', area(e))}
              />
            </label>
            <label class="field sb-form__narrow">
              <span class="field__label">{t('setupB.l.orientation')}</span>
              <input
                class="input"
                name="orientation"
                required
                value={form().orientation}
                onInput={(e) => set('orientation', e.currentTarget.value)}
              />
            </label>
            <label class="field sb-form__narrow">
              <span class="field__label">{t('setupB.l.rooms')}</span>
              <input
                class="input"
                type="number"
                min="0"
                max="20"
                value={form().rooms}
                onInput={(e) => set('rooms', Math.max(0, Math.trunc(Number(e.currentTarget.value) || 0)))}
              />
            </label>
          </div>
          <Show when={editing()}>
            <p class="field__hint">{t('setupB.layoutEditHint')}</p>
          </Show>
          <ErrorAlert message={error()} />
          <div class="sb-form__actions">
            <button type="submit" class="btn btn--primary" disabled={saving()}>
              <Show when={saving()}>
                <Spinner size="sm" />
              </Show>
              {editing() ? t('setupB.save') : t('setupB.addLayout')}
            </button>
            <Show when={editing()}>
              <button type="button" class="btn btn--secondary" onClick={reset}>
                {t('common.cancel')}
              </button>
            </Show>
          </div>
        </form>
      </section>
    </div>
  );
}
