/**
 * /setup/:projectId/units — the unit grid editor: a building's units as a grid (floors × positions),
 * select many (tap cells, or a whole floor), then set layout, kind, list or filed price 备案价, or
 * delete them (批量删除). Layout, kind and list price change only on units never on sale; the filed
 * price on any unit not sold; deletion only of units never on sale — the server refuses the rest with
 * the codes named. docs/buildings.md.
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import {
  floorLabel,
  formatYuan,
  UNIT_KIND_LABELS,
  UNIT_KINDS,
  type EditUnitsBody,
  type SetupUnit,
  type UnitKind,
} from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, label, locale, t } from '../../lib/i18n';
import { showToast } from '../../stores/toasts';
import { ConfirmDialog, ErrorState, LoadingState, Spinner } from '../../components/ui';
import type { SetupSectionProps } from './section-props';
import './setup-buildings.css';

export default function UnitsSection(props: SetupSectionProps): JSX.Element {
  const buildings = createLoad(
    () => props.projectId,
    (id) => api.buildings(id),
  );
  const layouts = createLoad(
    () => props.projectId,
    (id) => api.layouts(id),
  );
  const [buildingId, setBuildingId] = createSignal<string | null>(null);
  const current = (): string | null => buildingId() ?? buildings.value()?.[0]?.id ?? null;
  const units = createLoad(current, (id) => api.setupUnits(props.projectId, id));
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [busy, setBusy] = createSignal(false);
  const [confirmDelete, setConfirmDelete] = createSignal(false);
  const [layoutId, setLayoutId] = createSignal('');
  const [kind, setKind] = createSignal<UnitKind | ''>('');
  const [price, setPrice] = createSignal('');
  const [filed, setFiled] = createSignal('');

  const grid = createMemo(() => {
    const all = units.value() ?? [];
    const floors = [...new Set(all.map((u) => u.floor))].sort((a, b) => b - a);
    const columns = Math.max(1, ...all.map((u) => u.position));
    const at = new Map(all.map((u) => [`${u.floor}|${u.position}`, u]));
    return { floors, columns, at };
  });
  const toggle = (ids: string[]): void => {
    setSelected((s) => {
      const next = new Set(s);
      const allOn = ids.every((id) => next.has(id));
      for (const id of ids) allOn ? next.delete(id) : next.add(id);
      return next;
    });
  };
  const done = (message: string): void => {
    showToast('success', message);
    setSelected(new Set<string>());
    void units.refetch();
    void buildings.refetch();
  };
  const edit = async (body: Omit<EditUnitsBody, 'unitIds'>): Promise<void> => {
    setBusy(true);
    try {
      const res = await api.editUnits(props.projectId, { unitIds: [...selected()], ...body });
      done(t('setupB.u.edited', { n: res.count }));
    } catch (error) {
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (): Promise<void> => {
    setBusy(true);
    try {
      const res = await api.deleteUnits(props.projectId, [...selected()]);
      setConfirmDelete(false);
      done(t('setupB.u.deleted', { n: res.count }));
    } catch (error) {
      setConfirmDelete(false);
      showToast('error', describeError(error));
    } finally {
      setBusy(false);
    }
  };
  const fen = (text: string): number => Math.round(Number(text) * 100);
  const validMoney = (text: string): boolean =>
    text.trim() !== '' && Number.isFinite(Number(text)) && Number(text) >= 0;
  const short = (code: string): string => code.split(/[-#/\s]+/).at(-1) ?? code;
  const cellTitle = (u: SetupUnit): string =>
    [
      u.code,
      label(UNIT_KIND_LABELS, u.kind),
      u.layout,
      formatYuan(u.listPrice, locale()),
      u.filedPrice === null ? '' : `${t('setupB.p.filed')} ${formatYuan(u.filedPrice, locale())}`,
    ]
      .filter(Boolean)
      .join(' · ');

  return (
    <div class="sb-units">
      <section class="panel">
        <div class="sb-units__head">
          <label class="field">
            <span class="field__label">{t('setupB.p.building')}</span>
            <select
              class="input"
              value={current() ?? ''}
              onChange={(e) => {
                setBuildingId(e.currentTarget.value);
                setSelected(new Set<string>());
              }}
            >
              <For each={buildings.value() ?? []}>
                {(b) => <option value={b.id}>{locale() === 'en' ? b.nameEn || b.name : b.name}</option>}
              </For>
            </select>
          </label>
          <span class="sb-units__count">{t('setupB.u.selected', { n: selected().size })}</span>
          <button
            type="button"
            class="btn btn--ghost btn--sm"
            disabled={selected().size === 0}
            onClick={() => setSelected(new Set<string>())}
          >
            {t('setupB.u.clear')}
          </button>
        </div>
        <Show when={units.error() && !units.value()}>
          <ErrorState
            title={t('setupB.loadFailed')}
            message={describeError(units.error())}
            onRetry={() => void units.refetch()}
          />
        </Show>
        <Show when={units.value()} fallback={<Show when={!units.error() && current()}>{<LoadingState />}</Show>}>
          <div class="sb-preview__grid">
            <div class="sb-grid" style={{ '--cols': String(grid().columns) }}>
              <For each={grid().floors}>
                {(floor) => (
                  <div class="sb-grid__row">
                    <button
                      type="button"
                      class="sb-grid__floor sb-units__floorbtn"
                      aria-label={t('setupB.u.selectFloor', { floor: floorLabel(floor) })}
                      onClick={() => toggle((units.value() ?? []).filter((u) => u.floor === floor).map((u) => u.id))}
                    >
                      {floorLabel(floor)}
                    </button>
                    <For each={Array.from({ length: grid().columns }, (_, i) => i + 1)}>
                      {(position) => (
                        <Show when={grid().at.get(`${floor}|${position}`)} fallback={<div class="sb-grid__void" />}>
                          {(u) => (
                            <button
                              type="button"
                              class={`sb-grid__cell sb-units__cell sb-kind--${u().kind.toLowerCase()}`}
                              classList={{
                                'sb-units__cell--on': selected().has(u().id),
                                'sb-units__cell--locked': !u().editable,
                                'sb-grid__cell--duplex': u().floorSpan === 2,
                              }}
                              aria-pressed={selected().has(u().id)}
                              title={cellTitle(u())}
                              onClick={() => toggle([u().id])}
                            >
                              {short(u().code)}
                            </button>
                          )}
                        </Show>
                      )}
                    </For>
                  </div>
                )}
              </For>
            </div>
          </div>
          <p class="field__hint">{t('setupB.u.hint')}</p>
        </Show>
      </section>
      <section class="panel sb-units__actions" aria-label={t('setupB.u.actions')}>
        <div class="sb-form__row">
          <label class="field">
            <span class="field__label">{t('setup.section.layouts')}</span>
            <select class="input" value={layoutId()} onChange={(e) => setLayoutId(e.currentTarget.value)}>
              <option value="">—</option>
              <For each={layouts.value() ?? []}>{(l) => <option value={l.id}>{`${l.code} ${l.name}`}</option>}</For>
            </select>
          </label>
          <button
            type="button"
            class="btn btn--secondary"
            disabled={busy() || !layoutId() || selected().size === 0}
            onClick={() => void edit({ layoutId: layoutId() })}
          >
            {t('setupB.u.set')}
          </button>
        </div>
        <div class="sb-form__row">
          <label class="field">
            <span class="field__label">{t('setupB.f.kind')}</span>
            <select class="input" value={kind()} onChange={(e) => setKind(e.currentTarget.value as UnitKind | '')}>
              <option value="">—</option>
              <For each={UNIT_KINDS}>{(k) => <option value={k}>{label(UNIT_KIND_LABELS, k)}</option>}</For>
            </select>
          </label>
          <button
            type="button"
            class="btn btn--secondary"
            disabled={busy() || !kind() || selected().size === 0}
            onClick={() => void edit({ kind: kind() as UnitKind })}
          >
            {t('setupB.u.set')}
          </button>
        </div>
        <div class="sb-form__row">
          <label class="field">
            <span class="field__label">{t('setupB.u.listPrice')}</span>
            <input
              class="input"
              type="number"
              min="0"
              step="0.01"
              value={price()}
              onInput={(e) => setPrice(e.currentTarget.value)}
            />
          </label>
          <button
            type="button"
            class="btn btn--secondary"
            disabled={busy() || !validMoney(price()) || selected().size === 0}
            onClick={() => void edit({ listPrice: fen(price()), floorPrice: fen(price()) })}
          >
            {t('setupB.u.set')}
          </button>
        </div>
        <div class="sb-form__row">
          <label class="field">
            <span class="field__label">{t('setupB.u.filedPrice')}</span>
            <input
              class="input"
              type="number"
              min="0"
              step="0.01"
              value={filed()}
              onInput={(e) => setFiled(e.currentTarget.value)}
            />
          </label>
          <button
            type="button"
            class="btn btn--secondary"
            disabled={busy() || !validMoney(filed()) || selected().size === 0}
            onClick={() => void edit({ filedPrice: fen(filed()) })}
          >
            {t('setupB.u.set')}
          </button>
        </div>
        <button
          type="button"
          class="btn btn--danger"
          disabled={busy() || selected().size === 0}
          onClick={() => setConfirmDelete(true)}
        >
          <Show when={busy()}>
            <Spinner size="sm" />
          </Show>
          {t('setupB.u.delete', { n: selected().size })}
        </button>
      </section>
      <ConfirmDialog
        open={confirmDelete()}
        title={t('setupB.u.deleteTitle')}
        body={t('setupB.u.deleteBody', { n: selected().size })}
        confirmLabel={t('setupB.delete')}
        danger
        busy={busy()}
        onConfirm={() => void remove()}
        onCancel={() => setConfirmDelete(false)}
      />
    </div>
  );
}
