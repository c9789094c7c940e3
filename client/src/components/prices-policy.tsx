/**
 * The project's pricing policy 定价策略: stacking (multiply in order / best single), the kind
 * order, kinds that may apply several rules, the total-discount cap, the final rounding, and how
 * long a lock is held while a below-floor price waits for approval. Saved together (PATCH,
 * audited); a worked example (shared computePrice) shows the effect before saving.
 */
import { For, Show, createEffect, createMemo, createSignal, on, type JSX } from 'solid-js';
import {
  DISCOUNT_KINDS,
  ROUNDING_MODES,
  ROUNDING_UNITS,
  STACKING_RULES,
  computePrice,
  pricingSettingsSchema,
  type DiscountKind,
  type PricingPolicy,
  type PricingTerms,
  type RoundingMode,
  type RoundingUnit,
  type StackingRule,
} from '@kaipan/shared';
import { api } from '../lib/api';
import { describeError, locale, t, type MessageKey } from '../lib/i18n';
import { showToast } from '../stores/toasts';
import { ErrorAlert, Spinner } from './ui';
import {
  bpToPercentText,
  discountKindLabel,
  money,
  percentToBp,
  roundingModeLabel,
  roundingUnitLabel,
} from './prices-common';
import './prices-policy.css';

const STACKING_KEYS: Record<StackingRule, MessageKey> = {
  MULTIPLY_IN_ORDER: 'prices.pol.MULTIPLY_IN_ORDER',
  BEST_SINGLE: 'prices.pol.BEST_SINGLE',
};
const STACKING_HINTS: Record<StackingRule, MessageKey> = {
  MULTIPLY_IN_ORDER: 'prices.pol.MULTIPLY_IN_ORDER_hint',
  BEST_SINGLE: 'prices.pol.BEST_SINGLE_hint',
};

interface Draft {
  stacking: StackingRule;
  order: DiscountKind[];
  multiplePerKind: DiscountKind[];
  cap: string;
  unit: RoundingUnit;
  mode: RoundingMode;
  holdMinutes: string;
}

function draftOf(terms: PricingTerms): Draft {
  return {
    stacking: terms.policy.stacking,
    order: [...terms.policy.order],
    multiplePerKind: [...terms.policy.multiplePerKind],
    cap: bpToPercentText(terms.policy.maxTotalDiscountBp),
    unit: terms.policy.rounding.unit,
    mode: terms.policy.rounding.mode,
    holdMinutes: String(Math.round(terms.approvalHoldSeconds / 60)),
  };
}

function policyOf(d: Draft): PricingPolicy | null {
  const cap = percentToBp(d.cap);
  if (cap === null) return null;
  return {
    stacking: d.stacking,
    order: d.order,
    multiplePerKind: d.multiplePerKind,
    maxTotalDiscountBp: cap,
    rounding: { unit: d.unit, mode: d.mode },
  };
}

export function PolicyTab(props: { projectId: string; terms: PricingTerms; onSaved: () => void }): JSX.Element {
  const [draft, setDraft] = createSignal<Draft>(draftOf(props.terms));
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  createEffect(
    on(
      () => props.terms,
      (terms) => setDraft(draftOf(terms)),
      { defer: true },
    ),
  );

  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    setDraft({ ...draft(), [key]: value });
    setError(null);
  };
  const move = (i: number, by: -1 | 1): void => {
    const order = [...draft().order];
    const j = i + by;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j]!, order[i]!];
    set('order', order);
  };
  const body = createMemo(() => {
    const policy = policyOf(draft());
    const hold = /^\d+$/.test(draft().holdMinutes.trim()) ? Number(draft().holdMinutes) * 60 : Number.NaN;
    const parsed = pricingSettingsSchema.safeParse({ ...(policy ? { policy } : {}), approvalHoldSeconds: hold });
    return policy && parsed.success ? parsed.data : null;
  });
  const dirty = (): boolean => JSON.stringify(draft()) !== JSON.stringify(draftOf(props.terms));

  /** The active discounts applied together to ¥3,000,000 under the draft policy (lump sum, now). */
  const example = createMemo(() => {
    const policy = policyOf(draft());
    if (!policy) return null;
    const discounts = props.terms.discounts.filter(
      (d) => d.active && d.kind !== 'IDENTITY' && d.kind !== 'PAYMENT_METHOD',
    );
    const picked: typeof discounts = [];
    for (const kind of DISCOUNT_KINDS) {
      const ofKind = discounts.filter((d) => d.kind === kind);
      picked.push(
        ...(policy.stacking === 'MULTIPLY_IN_ORDER' && !policy.multiplePerKind.includes(kind)
          ? ofKind.slice(0, 1)
          : ofKind),
      );
    }
    if (picked.length === 0) return null;
    const at = new Date().toISOString();
    const usable = picked.filter((d) => (!d.validFrom || d.validFrom <= at) && (!d.validTo || at < d.validTo));
    if (usable.length === 0) return null;
    const rules = usable.map(({ active: _a, sortOrder: _s, ...rule }) => rule);
    const result = computePrice({
      listPrice: 300_000_000,
      floorPrice: 0,
      discounts: rules,
      selected: usable.map((d) => d.id),
      planKind: 'LUMP_SUM',
      identityTags: [],
      at,
      policy,
    });
    return result.ok ? { breakdown: result.breakdown, codes: usable.map((d) => d.code) } : null;
  });

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const b = body();
    if (!b) {
      setError(t('prices.pol.invalid'));
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await api.updatePricing(props.projectId, b);
      showToast('success', t('prices.pol.saved'));
      props.onSaved();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="panel prices-policy" onSubmit={(e) => void save(e)} novalidate>
      <h2 class="panel__title">{t('prices.pol.title')}</h2>
      <div class="prices-fieldset">
        <span class="field__label">{t('prices.pol.stacking')}</span>
        <div class="prices-radios">
          <For each={STACKING_RULES}>
            {(rule) => (
              <label class="prices-radio" classList={{ 'prices-radio--on': draft().stacking === rule }}>
                <input
                  type="radio"
                  name="stacking"
                  checked={draft().stacking === rule}
                  onChange={() => set('stacking', rule)}
                />
                <span>
                  <strong>{t(STACKING_KEYS[rule])}</strong>
                  <span class="prices-muted">{t(STACKING_HINTS[rule])}</span>
                </span>
              </label>
            )}
          </For>
        </div>
      </div>
      <div class="prices-fieldset">
        <span class="field__label">
          {draft().stacking === 'MULTIPLY_IN_ORDER' ? t('prices.pol.order') : t('prices.pol.tieBreak')}
        </span>
        <ol class="prices-order">
          <For each={draft().order}>
            {(kind, i) => (
              <li class="prices-order__item">
                <span class="prices-order__n">{i() + 1}</span>
                <span class="prices-order__kind">{discountKindLabel(kind)}</span>
                <Show when={draft().stacking === 'MULTIPLY_IN_ORDER'}>
                  <label class="prices-check prices-check--sm">
                    <input
                      type="checkbox"
                      checked={draft().multiplePerKind.includes(kind)}
                      onChange={(e) =>
                        set(
                          'multiplePerKind',
                          e.currentTarget.checked
                            ? [...draft().multiplePerKind, kind]
                            : draft().multiplePerKind.filter((k) => k !== kind),
                        )
                      }
                    />
                    <span>{t('prices.pol.several')}</span>
                  </label>
                </Show>
                <span class="prices-order__moves">
                  <button
                    type="button"
                    class="icon-btn prices-order__btn"
                    aria-label={t('prices.pol.up')}
                    disabled={i() === 0}
                    onClick={() => move(i(), -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="icon-btn prices-order__btn"
                    aria-label={t('prices.pol.down')}
                    disabled={i() === draft().order.length - 1}
                    onClick={() => move(i(), 1)}
                  >
                    ↓
                  </button>
                </span>
              </li>
            )}
          </For>
        </ol>
      </div>
      <div class="prices-row2">
        <label class="field">
          <span class="field__label">{t('prices.pol.cap')}</span>
          <div class="prices-affix">
            <input
              class="input input--sm"
              inputmode="decimal"
              value={draft().cap}
              onInput={(e) => set('cap', e.currentTarget.value)}
            />
            <span class="prices-affix__unit">%</span>
          </div>
          <span class="field__hint prices-hint">{t('prices.pol.capHint')}</span>
        </label>
        <label class="field">
          <span class="field__label">{t('prices.pol.hold')}</span>
          <div class="prices-affix">
            <input
              class="input input--sm"
              inputmode="numeric"
              value={draft().holdMinutes}
              onInput={(e) => set('holdMinutes', e.currentTarget.value)}
            />
            <span class="prices-affix__unit">{t('settings.minutes')}</span>
          </div>
          <span class="field__hint prices-hint">{t('prices.pol.holdHint')}</span>
        </label>
      </div>
      <div class="prices-row2">
        <label class="field">
          <span class="field__label">{t('prices.roundingUnit')}</span>
          <select
            class="input input--sm"
            value={draft().unit}
            onChange={(e) => set('unit', e.currentTarget.value as RoundingUnit)}
          >
            <For each={ROUNDING_UNITS}>{(u) => <option value={u}>{roundingUnitLabel(u)}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span class="field__label">{t('prices.roundingMode')}</span>
          <select
            class="input input--sm"
            value={draft().mode}
            onChange={(e) => set('mode', e.currentTarget.value as RoundingMode)}
          >
            <For each={ROUNDING_MODES}>{(m) => <option value={m}>{roundingModeLabel(m)}</option>}</For>
          </select>
        </label>
      </div>
      <Show when={example()}>
        {(ex) => (
          <div class="prices-example">
            <p class="field__label">
              {t('prices.pol.example', { price: money(300_000_000), codes: ex().codes.join(' + ') })}
            </p>
            <ol class="prices-example__steps">
              <For each={ex().breakdown.steps}>
                {(s) => (
                  <li>
                    <span>{locale() === 'en' ? s.nameEn : s.name}</span>
                    <span class="num">−{money(s.off)}</span>
                  </li>
                )}
              </For>
              <Show when={ex().breakdown.capped}>
                <li class="prices-warn-text">
                  <span>{t('prices.pol.capped')}</span>
                  <span class="num">+{money(ex().breakdown.cap.after - ex().breakdown.cap.before)}</span>
                </li>
              </Show>
              <Show when={ex().breakdown.rounding.off !== 0}>
                <li>
                  <span>{t('prices.pol.rounding')}</span>
                  <span class="num">
                    {ex().breakdown.rounding.off > 0 ? '−' : '+'}
                    {money(Math.abs(ex().breakdown.rounding.off))}
                  </span>
                </li>
              </Show>
              <li class="prices-example__total">
                <span>{t('prices.pol.final')}</span>
                <span class="num">{money(ex().breakdown.finalPrice)}</span>
              </li>
            </ol>
          </div>
        )}
      </Show>
      <ErrorAlert message={error()} />
      <Show when={dirty() && !body()}>
        <div class="alert alert--error" role="alert">
          {t('prices.pol.invalid')}
        </div>
      </Show>
      <div class="panel__actions">
        <button
          type="button"
          class="btn btn--secondary"
          disabled={!dirty() || saving()}
          onClick={() => setDraft(draftOf(props.terms))}
        >
          {t('settings.reset')}
        </button>
        <button type="submit" class="btn btn--primary" disabled={!dirty() || !body() || saving()}>
          <Show when={saving()}>
            <Spinner size="sm" />
          </Show>
          {t('prices.pol.save')}
        </button>
      </div>
    </form>
  );
}
