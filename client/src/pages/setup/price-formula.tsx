/**
 * /setup/:projectId/prices — list prices by formula 公式定价: base price per m² (or per unit, for
 * parking and storage) + 层差 per floor + position factors, rounded by the project's precision, with
 * floor 底价 and filed 备案价 prices as shares of the list price; previewed, then applied to the
 * units never on sale. And the project's rule refusing deals above the filed price. docs/buildings.md.
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import { formatYuan, UNIT_KINDS, type PriceFormulaInput, type UnitKind, UNIT_KIND_LABELS } from '@kaipan/shared';
import { createLoad } from '@kaipan/web/resource';
import { api } from '../../lib/api';
import { describeError, locale, t, label } from '../../lib/i18n';
import { showToast } from '../../stores/toasts';
import { ErrorAlert, Spinner } from '../../components/ui';
import type { SetupSectionProps } from './section-props';
import './setup-buildings.css';

type PreviewResult = Awaited<ReturnType<typeof api.previewFormula>>;

/** "1:1.02, 4:1.02" → {"1": 10200, "4": 10200}. */
export function parseFactors(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(/[\s,，;；]+/).filter(Boolean)) {
    const [pos, factor] = part.split(/[:：=]/);
    const bp = Math.round(Number(factor) * 10_000);
    if (pos && /^\d{1,2}$/.test(pos) && Number.isFinite(bp) && bp > 0) out[pos] = bp;
  }
  return out;
}

const yuanToFen = (text: string): number => Math.round(Number(text || '0') * 100);

export default function PricesSection(props: SetupSectionProps): JSX.Element {
  return (
    <div class="sb__cols sb__cols--main-first">
      <Formula projectId={props.projectId} />
      <FiledRule projectId={props.projectId} />
    </div>
  );
}

function Formula(props: { projectId: string }): JSX.Element {
  const buildings = createLoad(
    () => props.projectId,
    (id) => api.buildings(id),
  );
  const [buildingId, setBuildingId] = createSignal('');
  const [kind, setKind] = createSignal<UnitKind | ''>('RESIDENCE');
  const [basis, setBasis] = createSignal<'PER_M2' | 'PER_UNIT'>('PER_M2');
  const [base, setBase] = createSignal('20000');
  const [baseFloor, setBaseFloor] = createSignal(1);
  const [increment, setIncrement] = createSignal('50');
  const [factors, setFactors] = createSignal('');
  const [floorPct, setFloorPct] = createSignal('97');
  const [filedPct, setFiledPct] = createSignal('');
  const [result, setResult] = createSignal<{ body: string; preview: PreviewResult } | null>(null);
  const [busy, setBusy] = createSignal<'preview' | 'apply' | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const body = createMemo(
    (): PriceFormulaInput => ({
      ...(buildingId() ? { buildingIds: [buildingId()] } : {}),
      ...(kind() ? { kinds: [kind() as UnitKind] } : {}),
      basis: basis(),
      baseFen: yuanToFen(base()),
      baseFloor: baseFloor(),
      floorIncrementFen: yuanToFen(increment()),
      positionFactorsBp: parseFactors(factors()),
      floorPriceBp: Math.min(10_000, Math.max(1, Math.round(Number(floorPct() || '100') * 100))),
      ...(filedPct().trim() ? { filedPriceBp: Math.round(Number(filedPct()) * 100) } : {}),
    }),
  );
  /** The preview shown is for exactly this form: Apply is offered only then. */
  const fresh = (): boolean => result()?.body === JSON.stringify(body());

  const preview = async (): Promise<void> => {
    setBusy('preview');
    setError(null);
    const sent = JSON.stringify(body());
    try {
      setResult({ body: sent, preview: await api.previewFormula(props.projectId, body()) });
    } catch (err) {
      setResult(null);
      setError(describeError(err));
    } finally {
      setBusy(null);
    }
  };
  const apply = async (): Promise<void> => {
    setBusy('apply');
    setError(null);
    try {
      const res = await api.applyFormula(props.projectId, body());
      showToast('success', t('setupB.applied', { n: res.count }));
      await preview();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(null);
    }
  };
  const money = (fen: number): string => formatYuan(fen, locale());

  return (
    <section class="panel sb-formula" aria-labelledby="sb-formula-title">
      <h2 id="sb-formula-title" class="panel__title">
        {t('setupB.formula')}
      </h2>
      <form
        class="sb-form"
        onSubmit={(e) => {
          e.preventDefault();
          void preview();
        }}
      >
        <div class="sb-form__row">
          <label class="field">
            <span class="field__label">{t('setupB.p.building')}</span>
            <select
              class="input"
              name="building"
              value={buildingId()}
              onChange={(e) => setBuildingId(e.currentTarget.value)}
            >
              <option value="">{t('setupB.p.allBuildings')}</option>
              <For each={buildings.value() ?? []}>
                {(b) => <option value={b.id}>{locale() === 'en' ? b.nameEn || b.name : b.name}</option>}
              </For>
            </select>
          </label>
          <label class="field">
            <span class="field__label">{t('setupB.f.kind')}</span>
            <select
              class="input"
              name="kind"
              value={kind()}
              onChange={(e) => setKind(e.currentTarget.value as UnitKind | '')}
            >
              <option value="">{t('setupB.p.allKinds')}</option>
              <For each={UNIT_KINDS}>{(k) => <option value={k}>{label(UNIT_KIND_LABELS, k)}</option>}</For>
            </select>
          </label>
          <label class="field">
            <span class="field__label">{t('setupB.p.basis')}</span>
            <select
              class="input"
              name="basis"
              value={basis()}
              onChange={(e) => setBasis(e.currentTarget.value as 'PER_M2' | 'PER_UNIT')}
            >
              <option value="PER_M2">{t('setupB.p.perM2')}</option>
              <option value="PER_UNIT">{t('setupB.p.perUnit')}</option>
            </select>
          </label>
        </div>
        <div class="sb-form__row">
          <label class="field">
            <span class="field__label">{basis() === 'PER_M2' ? t('setupB.p.baseM2') : t('setupB.p.baseUnit')}</span>
            <input
              class="input"
              type="number"
              min="0"
              step="0.01"
              name="base"
              value={base()}
              onInput={(e) => setBase(e.currentTarget.value)}
            />
          </label>
          <label class="field sb-form__narrow">
            <span class="field__label">{t('setupB.p.baseFloor')}</span>
            <input
              class="input"
              type="number"
              name="base-floor"
              value={baseFloor()}
              onInput={(e) => setBaseFloor(Math.trunc(Number(e.currentTarget.value) || 1))}
            />
          </label>
          <label class="field">
            <span class="field__label">{t('setupB.p.increment')}</span>
            <input
              class="input"
              type="number"
              step="0.01"
              name="increment"
              value={increment()}
              onInput={(e) => setIncrement(e.currentTarget.value)}
            />
          </label>
        </div>
        <div class="sb-form__row">
          <label class="field">
            <span class="field__label">{t('setupB.p.factors')}</span>
            <input
              class="input"
              value={factors()}
              placeholder="1:1.02, 4:1.02"
              onInput={(e) => setFactors(e.currentTarget.value)}
            />
          </label>
          <label class="field sb-form__narrow">
            <span class="field__label">{t('setupB.p.floorPct')}</span>
            <input
              class="input"
              type="number"
              min="1"
              max="100"
              step="0.01"
              value={floorPct()}
              onInput={(e) => setFloorPct(e.currentTarget.value)}
            />
          </label>
          <label class="field sb-form__narrow">
            <span class="field__label">{t('setupB.p.filedPct')}</span>
            <input
              class="input"
              type="number"
              min="1"
              max="300"
              step="0.01"
              value={filedPct()}
              placeholder="—"
              onInput={(e) => setFiledPct(e.currentTarget.value)}
            />
          </label>
        </div>
        <p class="field__hint">{t('setupB.p.hint')}</p>
        <ErrorAlert message={error()} />
        <div class="sb-form__actions">
          <button type="submit" class="btn btn--primary" data-testid="formula-preview" disabled={busy() !== null}>
            <Show when={busy() === 'preview'}>
              <Spinner size="sm" />
            </Show>
            {t('setupB.p.preview')}
          </button>
          <button
            type="button"
            class="btn btn--go"
            data-testid="formula-apply"
            disabled={busy() !== null || !fresh() || (result()?.preview.rows.length ?? 0) === 0}
            onClick={() => void apply()}
          >
            <Show when={busy() === 'apply'}>
              <Spinner size="sm" />
            </Show>
            {t('setupB.p.apply', { n: fresh() ? (result()?.preview.rows.length ?? 0) : 0 })}
          </button>
        </div>
      </form>
      <Show when={result()}>
        {(r) => (
          <div class="sb-formula__result" aria-live="polite">
            <p class="sb-preview__summary">
              {t('setupB.p.summary', { n: r().preview.rows.length, skipped: r().preview.skippedCodes.length })}
            </p>
            <div class="table-wrap sb-formula__table">
              <table class="table sb-table sb-table--cards">
                <thead>
                  <tr>
                    <th>{t('setupB.p.unit')}</th>
                    <th class="num">{t('setupB.p.list')}</th>
                    <th class="num">{t('setupB.p.before')}</th>
                    <th class="num">{t('setupB.p.floor')}</th>
                    <th class="num">{t('setupB.p.filed')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={r().preview.rows.slice(0, 200)}>
                    {(row) => (
                      <tr data-testid="formula-row" data-code={row.code} data-list={row.listPrice}>
                        <td class="sb-mono sb-table__title" data-label={t('setupB.p.unit')}>
                          {row.code}
                        </td>
                        <td class="num sb-table__key" data-label={t('setupB.p.list')}>
                          {money(row.listPrice)}
                        </td>
                        <td class="num" data-label={t('setupB.p.before')}>
                          {money(row.currentListPrice)}
                        </td>
                        <td class="num" data-label={t('setupB.p.floor')}>
                          {money(row.floorPrice)}
                        </td>
                        <td class="num" data-label={t('setupB.p.filed')}>
                          {row.filedPrice === null ? '—' : money(row.filedPrice)}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={r().preview.rows.length > 200}>
              <p class="field__hint">{t('setupB.p.more', { n: r().preview.rows.length - 200 })}</p>
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}

function FiledRule(props: { projectId: string }): JSX.Element {
  const rule = createLoad(
    () => props.projectId,
    (id) => api.filedPriceRule(id),
  );
  const [saving, setSaving] = createSignal(false);
  const toggle = async (on: boolean): Promise<void> => {
    setSaving(true);
    try {
      await api.setFiledPriceRule(props.projectId, on);
      showToast('success', on ? t('setupB.rule.on') : t('setupB.rule.off'));
      void rule.refetch();
    } catch (err) {
      showToast('error', describeError(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <section class="panel sb-rule" aria-labelledby="sb-rule-title">
      <h2 id="sb-rule-title" class="panel__title">
        {t('setupB.rule.title')}
      </h2>
      <label class="sb-rule__toggle">
        <input
          type="checkbox"
          checked={rule.value()?.refuseAboveFiledPrice ?? false}
          disabled={saving() || !rule.value()}
          onChange={(e) => void toggle(e.currentTarget.checked)}
        />
        <span>{t('setupB.rule.label')}</span>
      </label>
      <p class="field__hint">{t('setupB.rule.hint')}</p>
      <Show when={rule.error()}>
        <ErrorAlert message={describeError(rule.error())} />
      </Show>
    </section>
  );
}
