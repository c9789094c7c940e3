/**
 * Setup section "Presale permits 预售许可证": the permits entered and the units each covers (whole
 * buildings and/or single units typed by code). Once a project has any permit, a batch holding a unit
 * outside every permit is not released (UNIT_NOT_PERMITTED names the units); without permits
 * nothing is blocked (docs/setup.md).
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import type { PermitInfo, ProjectCatalog } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, locale, t } from '../../lib/i18n';
import { showToast } from '../../stores/toasts';
import { ConfirmDialog, EmptyState, ErrorAlert, ErrorState, LoadingState } from '../../components/ui';
import { parseUnitCodes } from './unit-codes';
import type { SetupSectionProps } from './section-props';
import { describeSetupError } from './errors';
import { createBusy } from '../../lib/busy';

export default function PermitsSection(props: SetupSectionProps): JSX.Element {
  const permits = createLoad(() => api.permits(props.projectId));
  const catalog = createLoad(() => api.catalog(props.projectId));
  const [deleting, setDeleting] = createSignal<PermitInfo | null>(null);
  const { busy, run: runRemove } = createBusy();

  const buildingName = (id: string): string => {
    const b = catalog.value()?.buildings.find((x) => x.id === id);
    if (!b) return '—';
    return locale() === 'en' ? b.nameEn || b.name : b.name;
  };
  const unitCodes = (ids: string[]): string => {
    const byId = new Map(catalog.value()?.units.map((u) => [u.id, u.code]) ?? []);
    return ids.map((id) => byId.get(id) ?? '?').join(', ');
  };

  const remove = (): Promise<void> =>
    runRemove(async () => {
      const p = deleting();
      if (!p) return;
      await api.deletePermit(p.id);
      setDeleting(null);
      void permits.refetch();
    });

  return (
    <>
      <section class="panel setup-section">
        <h2 class="panel__title">{t('setup.section.permits')}</h2>
        <p class="setup-hint">{t('setup.permits.rule')}</p>
        <Show when={permits.error()}>
          <ErrorState
            title={t('grid.errorTitle')}
            message={describeError(permits.error())}
            onRetry={() => void permits.refetch()}
          />
        </Show>
        <Show when={permits.loading() && !permits.value()}>
          <LoadingState />
        </Show>
        <Show when={permits.value()?.length === 0}>
          <EmptyState title={t('setup.permits.none')} hint={t('setup.permits.noneHint')} />
        </Show>
        <Show when={permits.value()?.length}>
          <ul class="setup-list">
            <For each={permits.value()}>
              {(p) => (
                <li class="setup-list__item" data-testid="permit-row">
                  <div class="setup-list__main">
                    <span class="setup-list__title">{p.number}</span>
                    <span class="setup-list__meta">
                      {t('setup.permits.issuedOn', { date: p.issuedOn })} ·{' '}
                      {t('setup.permits.unitCount', { n: p.unitCount })}
                    </span>
                    <Show when={p.buildingIds.length > 0}>
                      <span class="setup-list__meta">
                        {t('setup.permits.buildings')}: {p.buildingIds.map(buildingName).join('、')}
                      </span>
                    </Show>
                    <Show when={p.unitIds.length > 0}>
                      <span class="setup-list__meta setup-list__codes">
                        {t('setup.permits.units')}: {unitCodes(p.unitIds)}
                      </span>
                    </Show>
                  </div>
                  <button
                    type="button"
                    class="btn btn--ghost btn--sm"
                    disabled={props.project.archived}
                    onClick={() => setDeleting(p)}
                  >
                    {t('setup.permits.delete')}
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
      <Show when={!props.project.archived}>
        <Show when={catalog.value()}>
          {(c) => <PermitForm projectId={props.projectId} catalog={c()} onSaved={() => void permits.refetch()} />}
        </Show>
      </Show>
      <ConfirmDialog
        open={deleting() !== null}
        title={t('setup.permits.deleteTitle')}
        body={t('setup.permits.deleteBody', { number: deleting()?.number ?? '' })}
        confirmLabel={t('setup.permits.delete')}
        danger
        busy={busy()}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      />
    </>
  );
}

function PermitForm(props: { projectId: string; catalog: ProjectCatalog; onSaved: () => void }): JSX.Element {
  const [number, setNumber] = createSignal('');
  const [issuedOn, setIssuedOn] = createSignal('');
  const [buildings, setBuildings] = createSignal<ReadonlySet<string>>(new Set());
  const [codes, setCodes] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const parsed = createMemo(() => parseUnitCodes(codes(), props.catalog.units));

  const toggle = (id: string): void => {
    const next = new Set(buildings());
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setBuildings(next);
  };

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const units = parsed();
    if (units.unknown.length > 0) {
      setError(t('setup.permits.unknownCodes', { codes: units.unknown.join(', ') }));
      return;
    }
    if (!number().trim() || !issuedOn() || buildings().size + units.ids.length === 0) {
      setError(t('setup.permits.incomplete'));
      return;
    }
    setError(null);
    setSaving(true);
    try {
      await api.createPermit(props.projectId, {
        number: number().trim(),
        issuedOn: issuedOn(),
        buildingIds: [...buildings()],
        unitIds: units.ids,
      });
      setNumber('');
      setIssuedOn('');
      setBuildings(new Set<string>());
      setCodes('');
      showToast('success', t('setup.permits.saved'));
      props.onSaved();
    } catch (err) {
      setError(describeSetupError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="panel setup-section setup-form" onSubmit={(e) => void save(e)} novalidate>
      <h2 class="panel__title">{t('setup.permits.add')}</h2>
      <div class="setup-grid">
        <label class="field">
          <span class="field__label">{t('setup.permits.number')}</span>
          <input
            class="input"
            name="number"
            value={number()}
            maxLength={80}
            placeholder={t('setup.permits.numberPlaceholder')}
            onInput={(e) => setNumber(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('setup.permits.date')}</span>
          <input
            class="input"
            name="issued-on"
            type="date"
            value={issuedOn()}
            onInput={(e) => setIssuedOn(e.currentTarget.value)}
          />
        </label>
      </div>
      <fieldset class="setup-fieldset">
        <legend class="field__label">{t('setup.permits.buildings')}</legend>
        <Show
          when={props.catalog.buildings.length > 0}
          fallback={<p class="setup-hint">{t('setup.permits.noBuildings')}</p>}
        >
          <div class="setup-checks">
            <For each={props.catalog.buildings}>
              {(b) => (
                <label class="setup-check">
                  <input
                    type="checkbox"
                    name="building"
                    value={b.code}
                    checked={buildings().has(b.id)}
                    onChange={() => toggle(b.id)}
                  />
                  <span>{locale() === 'en' ? b.nameEn || b.name : b.name}</span>
                </label>
              )}
            </For>
          </div>
        </Show>
      </fieldset>
      <label class="field">
        <span class="field__label">{t('setup.permits.unitCodes')}</span>
        <textarea
          class="input setup-textarea"
          rows={3}
          value={codes()}
          placeholder={t('setup.permits.unitCodesPlaceholder')}
          onInput={(e) => setCodes(e.currentTarget.value)}
        />
        <span class="setup-hint">
          {t('setup.permits.unitCodesFound', { n: parsed().ids.length })}
          <Show when={parsed().unknown.length > 0}>
            {' · '}
            {t('setup.permits.unknownCodes', { codes: parsed().unknown.join(', ') })}
          </Show>
        </span>
      </label>
      <ErrorAlert message={error()} />
      <div class="setup-actions">
        <span class="setup-actions__spacer" />
        <button type="submit" class="btn btn--primary" disabled={saving()}>
          {saving() ? t('settings.saving') : t('setup.permits.save')}
        </button>
      </div>
    </form>
  );
}
