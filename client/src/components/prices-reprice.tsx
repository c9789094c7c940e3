/**
 * New repricing 调价: scope (buildings, floor range, layouts from the catalog), the change (% or
 * yuan, on the list price and optionally the floor price), rounding; the server's preview (the
 * shared repricePreview over the active prices) must be seen before the request is sent with a
 * note. The request becomes a PENDING version another manager approves.
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import {
  ROUNDING_MODES,
  ROUNDING_UNITS,
  repriceBodySchema,
  type BuildingInfo,
  type CatalogUnit,
  type PriceListInfo,
  type RepriceBody,
  type RepriceRow,
  type RoundingMode,
  type RoundingUnit,
} from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { describeError, t } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import { ErrorAlert, Spinner } from './ui';
import {
  DiffTable,
  deltaPercent,
  percentToBp,
  roundingModeLabel,
  roundingUnitLabel,
  signedMoney,
  yuanToFen,
} from './prices-common';
import './prices-reprice.css';

export function RepriceForm(props: {
  projectId: string;
  buildings: readonly BuildingInfo[];
  units: readonly CatalogUnit[];
  buildingName: (b: BuildingInfo) => string;
  pendingIds: ReadonlySet<string>;
  onRequested: (v: PriceListInfo) => void;
}): JSX.Element {
  const [buildingIds, setBuildingIds] = createSignal<ReadonlySet<string>>(new Set());
  const [layouts, setLayouts] = createSignal<ReadonlySet<string>>(new Set());
  const [floorFrom, setFloorFrom] = createSignal('');
  const [floorTo, setFloorTo] = createSignal('');
  const [kind, setKind] = createSignal<'PERCENT' | 'AMOUNT'>('PERCENT');
  const [value, setValue] = createSignal('');
  const [applyToFloor, setApplyToFloor] = createSignal(true);
  const [unit, setUnit] = createSignal<RoundingUnit>('YUAN');
  const [mode, setMode] = createSignal<RoundingMode>('HALF_UP');
  const [note, setNote] = createSignal('');

  const [preview, setPreview] = createSignal<{ key: string; rows: RepriceRow[]; floorAboveList: number } | null>(null);
  const [previewing, setPreviewing] = createSignal(false);
  const [submitting, setSubmitting] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const layoutOptions = createMemo(() => {
    const seen = new Map<string, string>();
    for (const u of props.units) if (!seen.has(u.layout)) seen.set(u.layout, u.layoutName);
    return [...seen.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  });
  const floorBounds = createMemo(() => {
    const floors = props.units.map((u) => u.floor);
    return floors.length ? { min: Math.min(...floors), max: Math.max(...floors) } : { min: 1, max: 1 };
  });

  const toggle = (set: ReadonlySet<string>, id: string): Set<string> => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  };

  /** The body from the form, or the reason it is not valid yet. */
  const body = createMemo((): { ok: true; body: RepriceBody } | { ok: false; reason: string } => {
    const change =
      kind() === 'PERCENT'
        ? (() => {
            const bp = percentToBp(value());
            return bp === null ? null : ({ kind: 'PERCENT', bp } as const);
          })()
        : (() => {
            const fen = yuanToFen(value());
            return fen === null ? null : ({ kind: 'AMOUNT', fen } as const);
          })();
    if (value().trim() === '') return { ok: false, reason: t('prices.reprice.needValue') };
    if (!change || (change.kind === 'PERCENT' ? change.bp === 0 : change.fen === 0))
      return { ok: false, reason: t('prices.reprice.badValue') };
    const from = floorFrom().trim() === '' ? undefined : Number(floorFrom());
    const to = floorTo().trim() === '' ? undefined : Number(floorTo());
    const candidate = {
      scope: {
        ...(buildingIds().size > 0 ? { buildingIds: [...buildingIds()] } : {}),
        ...(from !== undefined ? { floorFrom: from } : {}),
        ...(to !== undefined ? { floorTo: to } : {}),
        ...(layouts().size > 0 ? { layouts: [...layouts()] } : {}),
      },
      change,
      applyToFloor: applyToFloor(),
      rounding: { unit: unit(), mode: mode() },
    };
    const parsed = repriceBodySchema.safeParse(candidate);
    if (!parsed.success) {
      const path = parsed.error.issues[0]?.path.join('.') ?? '';
      return {
        ok: false,
        reason: path.startsWith('scope') ? t('prices.reprice.badFloors') : t('prices.reprice.badValue'),
      };
    }
    return { ok: true, body: parsed.data };
  });
  const bodyKey = (): string | null => {
    const b = body();
    return b.ok ? JSON.stringify(b.body) : null;
  };
  /** The preview shown belongs to the form as it is now. */
  const current = () => {
    const p = preview();
    return p && p.key === bodyKey() ? p : null;
  };

  const runPreview = async (): Promise<void> => {
    const b = body();
    if (!b.ok) {
      setError(b.reason);
      return;
    }
    setError(null);
    setPreviewing(true);
    try {
      const res = await api.previewReprice(props.projectId, b.body);
      setPreview({ key: JSON.stringify(b.body), ...res });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setPreviewing(false);
    }
  };

  const stats = createMemo(() => {
    const p = current();
    if (!p || p.rows.length === 0) return null;
    const deltas = p.rows.map((r) => r.after.list - r.before.list);
    const pct = p.rows.map((r) => (r.before.list ? (r.after.list - r.before.list) / r.before.list : 0));
    const minI = pct.indexOf(Math.min(...pct));
    const maxI = pct.indexOf(Math.max(...pct));
    return {
      count: p.rows.length,
      changed: p.rows.filter((r) => r.after.list !== r.before.list || r.after.floor !== r.before.floor).length,
      minFen: Math.min(...deltas),
      maxFen: Math.max(...deltas),
      minPct: deltaPercent(p.rows[minI]!.before.list, p.rows[minI]!.after.list),
      maxPct: deltaPercent(p.rows[maxI]!.before.list, p.rows[maxI]!.after.list),
      total: deltas.reduce((a, b) => a + b, 0),
    };
  });

  const canSubmit = (): boolean => {
    const p = current();
    return !!p && p.rows.length > 0 && p.floorAboveList === 0 && note().trim().length > 0 && !submitting();
  };

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const b = body();
    if (!b.ok || !canSubmit()) return;
    setSubmitting(true);
    setError(null);
    try {
      const v = await api.requestReprice(props.projectId, { ...b.body, note: note().trim() });
      showToast(
        'success',
        props.pendingIds.has(v.id)
          ? t('prices.reprice.alreadyPending', { v: v.version })
          : t('prices.reprice.requested', { v: v.version }),
      );
      setPreview(null);
      setNote('');
      setValue('');
      props.onRequested(v);
    } catch (err) {
      const ae = toApiError(err);
      const details = ae.details as { reason?: string; units?: string[] } | undefined;
      if (ae.code === 'VALIDATION_FAILED' && details?.reason === 'FLOOR_ABOVE_LIST') {
        setError(t('prices.reprice.floorAboveListRefused', { units: (details.units ?? []).slice(0, 8).join(', ') }));
      } else if (ae.code === 'VALIDATION_FAILED' && details?.reason === 'EMPTY_SCOPE') {
        setError(t('prices.reprice.emptyScope'));
      } else setError(describeError(ae));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form class="prices-reprice" onSubmit={(e) => void submit(e)} novalidate>
      <section class="panel">
        <h2 class="panel__title">{t('prices.reprice.scope')}</h2>
        <div class="prices-fieldset">
          <span class="field__label">{t('prices.reprice.buildings')}</span>
          <div class="prices-chips" role="group" aria-label={t('prices.reprice.buildings')}>
            <For each={props.buildings}>
              {(b) => (
                <button
                  type="button"
                  class="prices-chipbtn"
                  aria-pressed={buildingIds().has(b.id)}
                  onClick={() => setBuildingIds(toggle(buildingIds(), b.id))}
                >
                  {props.buildingName(b)}
                </button>
              )}
            </For>
          </div>
          <span class="field__hint prices-hint">
            {buildingIds().size === 0 ? t('prices.reprice.allBuildingsHint') : ''}
          </span>
        </div>
        <div class="prices-row2">
          <label class="field">
            <span class="field__label">{t('prices.reprice.floorFrom')}</span>
            <input
              class="input input--sm"
              type="number"
              inputmode="numeric"
              min={-20}
              max={300}
              placeholder={String(floorBounds().min)}
              value={floorFrom()}
              onInput={(e) => setFloorFrom(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span class="field__label">{t('prices.reprice.floorTo')}</span>
            <input
              class="input input--sm"
              type="number"
              inputmode="numeric"
              min={-20}
              max={300}
              placeholder={String(floorBounds().max)}
              value={floorTo()}
              onInput={(e) => setFloorTo(e.currentTarget.value)}
            />
          </label>
        </div>
        <div class="prices-fieldset">
          <span class="field__label">{t('prices.reprice.layouts')}</span>
          <div class="prices-chips" role="group" aria-label={t('prices.reprice.layouts')}>
            <For each={layoutOptions()}>
              {([code, name]) => (
                <button
                  type="button"
                  class="prices-chipbtn"
                  aria-pressed={layouts().has(code)}
                  onClick={() => setLayouts(toggle(layouts(), code))}
                >
                  {code} <span class="prices-muted">{name}</span>
                </button>
              )}
            </For>
          </div>
          <span class="field__hint prices-hint">{layouts().size === 0 ? t('prices.reprice.allLayoutsHint') : ''}</span>
        </div>
      </section>

      <section class="panel">
        <h2 class="panel__title">{t('prices.reprice.change')}</h2>
        <div class="prices-row2 prices-row2--change">
          <div class="segmented" role="radiogroup" aria-label={t('prices.reprice.change')}>
            <button type="button" role="radio" aria-checked={kind() === 'PERCENT'} onClick={() => setKind('PERCENT')}>
              {t('prices.reprice.percent')}
            </button>
            <button type="button" role="radio" aria-checked={kind() === 'AMOUNT'} onClick={() => setKind('AMOUNT')}>
              {t('prices.reprice.amount')}
            </button>
          </div>
          <label class="field prices-value">
            <span class="field__label">
              {kind() === 'PERCENT' ? t('prices.reprice.percentLabel') : t('prices.reprice.amountLabel')}
            </span>
            <div class="prices-affix">
              <input
                class="input input--sm"
                inputmode="decimal"
                placeholder={kind() === 'PERCENT' ? '3 / -1.5' : '20000 / -5000'}
                value={value()}
                onInput={(e) => setValue(e.currentTarget.value)}
              />
              <span class="prices-affix__unit">{kind() === 'PERCENT' ? '%' : t('prices.yuan')}</span>
            </div>
          </label>
        </div>
        <label class="prices-check">
          <input type="checkbox" checked={applyToFloor()} onChange={(e) => setApplyToFloor(e.currentTarget.checked)} />
          <span>{t('prices.reprice.applyToFloor')}</span>
        </label>
        <div class="prices-row2">
          <label class="field">
            <span class="field__label">{t('prices.roundingUnit')}</span>
            <select
              class="input input--sm"
              value={unit()}
              onChange={(e) => setUnit(e.currentTarget.value as RoundingUnit)}
            >
              <For each={ROUNDING_UNITS}>{(u) => <option value={u}>{roundingUnitLabel(u)}</option>}</For>
            </select>
          </label>
          <label class="field">
            <span class="field__label">{t('prices.roundingMode')}</span>
            <select
              class="input input--sm"
              value={mode()}
              onChange={(e) => setMode(e.currentTarget.value as RoundingMode)}
            >
              <For each={ROUNDING_MODES}>{(m) => <option value={m}>{roundingModeLabel(m)}</option>}</For>
            </select>
          </label>
        </div>
        <div class="panel__actions">
          <button type="button" class="btn btn--secondary" disabled={previewing()} onClick={() => void runPreview()}>
            <Show when={previewing()}>
              <Spinner size="sm" />
            </Show>
            {t('prices.reprice.preview')}
          </button>
        </div>
        <Show when={preview() && !current()}>
          <p class="prices-muted">{t('prices.reprice.previewOutdated')}</p>
        </Show>
      </section>

      <Show when={current()}>
        {(p) => (
          <section class="panel">
            <h2 class="panel__title">{t('prices.reprice.previewTitle')}</h2>
            <Show
              when={p().rows.length > 0}
              fallback={<div class="alert prices-warn">{t('prices.reprice.emptyScope')}</div>}
            >
              <Show when={stats()}>
                {(s) => (
                  <dl class="prices-facts prices-facts--stats">
                    <div>
                      <dt>{t('prices.reprice.inScope')}</dt>
                      <dd>{t('common.units', { n: s().count })}</dd>
                    </div>
                    <div>
                      <dt>{t('prices.reprice.changedUnits')}</dt>
                      <dd>{t('common.units', { n: s().changed })}</dd>
                    </div>
                    <div>
                      <dt>{t('prices.reprice.rangeAmount')}</dt>
                      <dd>
                        {s().minFen === s().maxFen
                          ? signedMoney(s().minFen)
                          : `${signedMoney(s().minFen)} … ${signedMoney(s().maxFen)}`}
                      </dd>
                    </div>
                    <div>
                      <dt>{t('prices.reprice.rangePercent')}</dt>
                      <dd>{s().minPct === s().maxPct ? s().minPct : `${s().minPct} … ${s().maxPct}`}</dd>
                    </div>
                    <div>
                      <dt>{t('prices.reprice.totalChange')}</dt>
                      <dd>{signedMoney(s().total)}</dd>
                    </div>
                  </dl>
                )}
              </Show>
              <Show when={p().floorAboveList > 0}>
                <div class="alert alert--error" role="alert">
                  {t('prices.reprice.floorAboveList', { n: p().floorAboveList })}
                </div>
              </Show>
              <DiffTable rows={p().rows} limit={25} warnFloor />
              <label class="field">
                <span class="field__label">{t('prices.reprice.note')}</span>
                <input
                  class="input input--sm"
                  maxLength={200}
                  value={note()}
                  placeholder={t('prices.reprice.notePlaceholder')}
                  onInput={(e) => setNote(e.currentTarget.value)}
                  aria-required="true"
                />
              </label>
              <p class="prices-muted">{t('prices.reprice.fourEyesHint')}</p>
            </Show>
          </section>
        )}
      </Show>

      <ErrorAlert message={error()} />
      <div class="prices-submitbar">
        <button type="submit" class="btn btn--primary" disabled={!canSubmit()}>
          <Show when={submitting()}>
            <Spinner size="sm" />
          </Show>
          {t('prices.reprice.submit')}
        </button>
      </div>
    </form>
  );
}
