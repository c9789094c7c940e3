/**
 * Discount rules 优惠规则: the list (value as 折 and %, or yuan off; validity window in the project
 * time zone; conditions) and an add/edit dialog with the kind-specific fields. The form is checked
 * with the same shared schemas as the server (discountRuleBodySchema + discountRuleSchema), so what
 * the server would refuse is shown before sending. Rules are never deleted: deactivate them.
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import {
  DISCOUNT_KINDS,
  PLAN_KINDS,
  discountRuleBodySchema,
  discountRuleSchema,
  type DiscountKind,
  type DiscountRuleBody,
  type DiscountRuleInfo,
  type PlanKind,
} from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { describeError, locale, t, type MessageKey } from '../lib/i18n';
import { fromZonedInput, toZonedInput } from '../lib/zoned-time';
import { showToast } from '../stores/toasts';
import { EmptyState, ErrorAlert, Spinner } from './ui';
import {
  FormDialog,
  bpToPercentText,
  dateTimeText,
  discountKindLabel,
  fenToYuanText,
  money,
  percentToBp,
  planKindLabel,
  rateText,
  revealError,
  yuanToFen,
} from './prices-common';
import './prices-discounts.css';

const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

interface Draft {
  id: string | null;
  code: string;
  kind: DiscountKind;
  name: string;
  nameEn: string;
  valueKind: 'rate' | 'amount';
  /** Pay percent, e.g. "98" (= 98折). */
  rate: string;
  /** Yuan off. */
  amount: string;
  validFrom: string;
  validTo: string;
  paymentMethods: PlanKind[];
  identityTag: string;
  active: boolean;
  sortOrder: string;
}

function draftOf(rule: DiscountRuleInfo | null, timeZone: string): Draft {
  if (!rule) {
    return {
      id: null,
      code: '',
      kind: 'STANDARD',
      name: '',
      nameEn: '',
      valueKind: 'rate',
      rate: '',
      amount: '',
      validFrom: '',
      validTo: '',
      paymentMethods: [],
      identityTag: '',
      active: true,
      sortOrder: '0',
    };
  }
  return {
    id: rule.id,
    code: rule.code,
    kind: rule.kind,
    name: rule.name,
    nameEn: rule.nameEn,
    valueKind: rule.rateBp !== undefined ? 'rate' : 'amount',
    rate: rule.rateBp !== undefined ? bpToPercentText(rule.rateBp) : '',
    amount: rule.amountOffFen !== undefined ? fenToYuanText(rule.amountOffFen) : '',
    validFrom: rule.validFrom ? toZonedInput(rule.validFrom, timeZone) : '',
    validTo: rule.validTo ? toZonedInput(rule.validTo, timeZone) : '',
    paymentMethods: [...(rule.paymentMethods ?? [])],
    identityTag: rule.identityTag ?? '',
    active: rule.active,
    sortOrder: String(rule.sortOrder),
  };
}

const ISSUE_KEYS: [RegExp, MessageKey][] = [
  [/^code/, 'prices.d.badCode'],
  [/^(name|nameEn)/, 'prices.d.needName'],
  [/^(rateBp|amountOffFen)/, 'prices.d.badValue'],
  [/^(validFrom|validTo)/, 'prices.d.badWindow'],
  [/^paymentMethods/, 'prices.d.needMethods'],
  [/^identityTag/, 'prices.d.badTag'],
  [/^sortOrder/, 'prices.d.badSort'],
];

/** The request body from the draft, or the (translated) reason it would be refused. */
function bodyOf(d: Draft, timeZone: string): { ok: true; body: DiscountRuleBody } | { ok: false; reason: string } {
  const rateBp = d.valueKind === 'rate' ? percentToBp(d.rate) : null;
  const amountOffFen = d.valueKind === 'amount' ? yuanToFen(d.amount) : null;
  if (d.valueKind === 'rate' && (rateBp === null || rateBp <= 0 || rateBp >= 10_000))
    return { ok: false, reason: t('prices.d.badValue') };
  if (d.valueKind === 'amount' && (amountOffFen === null || amountOffFen <= 0))
    return { ok: false, reason: t('prices.d.badValue') };
  const validFrom = d.validFrom ? fromZonedInput(d.validFrom, timeZone) : undefined;
  const validTo = d.validTo ? fromZonedInput(d.validTo, timeZone) : undefined;
  if (validFrom === null || validTo === null) return { ok: false, reason: t('prices.d.badWindow') };
  const candidate = {
    code: d.code.trim().toUpperCase(),
    kind: d.kind,
    name: d.name.trim(),
    nameEn: d.nameEn.trim(),
    ...(rateBp !== null ? { rateBp } : {}),
    ...(amountOffFen !== null ? { amountOffFen } : {}),
    ...(validFrom ? { validFrom } : {}),
    ...(validTo ? { validTo } : {}),
    ...(d.kind === 'PAYMENT_METHOD' ? { paymentMethods: d.paymentMethods } : {}),
    ...(d.kind === 'IDENTITY' ? { identityTag: d.identityTag.trim() } : {}),
    active: d.active,
    sortOrder: Number(d.sortOrder || '0'),
  };
  const parsed = discountRuleBodySchema.safeParse(candidate);
  const reasonOf = (path: string): string => t(ISSUE_KEYS.find(([re]) => re.test(path))?.[1] ?? 'prices.d.invalid');
  if (!parsed.success) return { ok: false, reason: reasonOf(parsed.error.issues[0]?.path.join('.') ?? '') };
  const { active: _a, sortOrder: _s, ...rule } = parsed.data;
  const consistent = discountRuleSchema.safeParse({ id: d.id ?? PLACEHOLDER_ID, ...rule });
  if (!consistent.success) return { ok: false, reason: reasonOf(consistent.error.issues[0]?.path.join('.') ?? '') };
  return { ok: true, body: parsed.data };
}

export function DiscountsTab(props: {
  projectId: string;
  timeZone: string;
  discounts: DiscountRuleInfo[];
  onSaved: () => void;
}): JSX.Element {
  const [editing, setEditing] = createSignal<Draft | null>(null);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [touched, setTouched] = createSignal(false);
  const tags = createMemo(() => [...new Set(props.discounts.flatMap((d) => (d.identityTag ? [d.identityTag] : [])))]);

  const open = (rule: DiscountRuleInfo | null): void => {
    setError(null);
    setTouched(false);
    setEditing(draftOf(rule, props.timeZone));
  };
  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    const d = editing();
    if (d) setEditing({ ...d, [key]: value });
    setError(null);
  };
  const check = createMemo(() => {
    const d = editing();
    return d ? bodyOf(d, props.timeZone) : null;
  });

  const save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    const d = editing();
    const c = check();
    if (!d || !c) return;
    if (!c.ok) {
      setError(c.reason);
      revealError();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      if (d.id) await api.updateDiscount(d.id, c.body);
      else await api.createDiscount(props.projectId, c.body);
      showToast('success', t('prices.d.saved', { code: c.body.code }));
      setEditing(null);
      props.onSaved();
    } catch (err) {
      const ae = toApiError(err);
      revealError();
      setError(ae.code === 'CONFLICT' ? t('prices.d.codeTaken', { code: c.body.code }) : describeError(ae));
    } finally {
      setSaving(false);
    }
  };

  const valueText = (d: DiscountRuleInfo): string =>
    d.rateBp !== undefined ? rateText(d.rateBp) : t('prices.d.amountOff', { amount: money(d.amountOffFen ?? 0) });
  const windowText = (d: DiscountRuleInfo): string => {
    if (!d.validFrom && !d.validTo) return t('prices.d.always');
    return `${d.validFrom ? dateTimeText(d.validFrom, props.timeZone) : '…'} – ${d.validTo ? dateTimeText(d.validTo, props.timeZone) : '…'}`;
  };
  const conditionText = (d: DiscountRuleInfo): string => {
    if (d.kind === 'PAYMENT_METHOD') return (d.paymentMethods ?? []).map(planKindLabel).join('、');
    if (d.kind === 'IDENTITY') return t('prices.d.tagCondition', { tag: d.identityTag ?? '' });
    return '—';
  };

  return (
    <section class="panel prices-rules">
      <div class="panel__head">
        <h2 class="panel__title">{t('prices.d.title')}</h2>
        <button type="button" class="btn btn--primary btn--sm" onClick={() => open(null)}>
          + {t('prices.d.add')}
        </button>
      </div>
      <p class="prices-muted">{t('prices.d.hint')}</p>
      <Show
        when={props.discounts.length > 0}
        fallback={<EmptyState title={t('prices.d.empty')} hint={t('prices.d.emptyHint')} />}
      >
        <ul class="prices-cards">
          <For each={props.discounts}>
            {(d) => (
              <li class="prices-card" classList={{ 'prices-card--off': !d.active }}>
                <div class="prices-card__main">
                  <div class="prices-card__top">
                    <span class="code">{d.code}</span>
                    <span class={`prices-kind prices-kind--${d.kind.toLowerCase()}`}>{discountKindLabel(d.kind)}</span>
                    <Show when={!d.active}>
                      <span class="prices-chip prices-chip--off">{t('prices.inactive')}</span>
                    </Show>
                  </div>
                  <div class="prices-card__name">{locale() === 'en' ? d.nameEn : d.name}</div>
                  <div class="prices-card__value">{valueText(d)}</div>
                  <div class="prices-card__meta">
                    <span>{windowText(d)}</span>
                    <Show when={d.kind === 'PAYMENT_METHOD' || d.kind === 'IDENTITY'}>
                      <span>· {conditionText(d)}</span>
                    </Show>
                    <span>
                      · {t('prices.sortOrder')} {d.sortOrder}
                    </span>
                  </div>
                </div>
                <button type="button" class="btn btn--secondary btn--sm" onClick={() => open(d)}>
                  {t('prices.edit')}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>

      <FormDialog
        open={editing() !== null}
        title={editing()?.id ? t('prices.d.editTitle', { code: editing()?.code ?? '' }) : t('prices.d.addTitle')}
        busy={saving()}
        onClose={() => setEditing(null)}
        actions={
          <>
            <button type="button" class="btn btn--secondary" disabled={saving()} onClick={() => setEditing(null)}>
              {t('common.cancel')}
            </button>
            <button type="submit" form="prices-discount-form" class="btn btn--primary" disabled={saving()}>
              <Show when={saving()}>
                <Spinner size="sm" />
              </Show>
              {t('prices.save')}
            </button>
          </>
        }
      >
        <Show when={editing()}>
          {(d) => (
            <form id="prices-discount-form" class="form prices-form" onSubmit={(e) => void save(e)} novalidate>
              <div class="prices-row2">
                <label class="field">
                  <span class="field__label">{t('prices.d.code')}</span>
                  <input
                    class="input input--sm prices-upper"
                    value={d().code}
                    maxLength={32}
                    placeholder="LUMP98"
                    onInput={(e) => set('code', e.currentTarget.value.toUpperCase())}
                  />
                </label>
                <label class="field">
                  <span class="field__label">{t('prices.d.kind')}</span>
                  <select
                    class="input input--sm"
                    value={d().kind}
                    onChange={(e) => set('kind', e.currentTarget.value as DiscountKind)}
                  >
                    <For each={DISCOUNT_KINDS}>{(k) => <option value={k}>{discountKindLabel(k)}</option>}</For>
                  </select>
                </label>
              </div>
              <div class="prices-row2">
                <label class="field">
                  <span class="field__label">{t('prices.nameZh')}</span>
                  <input
                    class="input input--sm"
                    value={d().name}
                    maxLength={40}
                    placeholder="一次性付款 98折"
                    onInput={(e) => set('name', e.currentTarget.value)}
                  />
                </label>
                <label class="field">
                  <span class="field__label">{t('prices.nameEn')}</span>
                  <input
                    class="input input--sm"
                    value={d().nameEn}
                    maxLength={80}
                    placeholder="Lump sum 2% off"
                    onInput={(e) => set('nameEn', e.currentTarget.value)}
                  />
                </label>
              </div>
              <div class="prices-fieldset">
                <span class="field__label">{t('prices.d.value')}</span>
                <div class="prices-row2 prices-row2--change">
                  <div class="segmented" role="radiogroup" aria-label={t('prices.d.value')}>
                    <button
                      type="button"
                      role="radio"
                      aria-checked={d().valueKind === 'rate'}
                      onClick={() => set('valueKind', 'rate')}
                    >
                      {t('prices.d.rate')}
                    </button>
                    <button
                      type="button"
                      role="radio"
                      aria-checked={d().valueKind === 'amount'}
                      onClick={() => set('valueKind', 'amount')}
                    >
                      {t('prices.d.amount')}
                    </button>
                  </div>
                  <Show
                    when={d().valueKind === 'rate'}
                    fallback={
                      <div class="prices-affix">
                        <input
                          class="input input--sm"
                          inputmode="decimal"
                          value={d().amount}
                          placeholder="20000"
                          aria-label={t('prices.d.amount')}
                          onInput={(e) => set('amount', e.currentTarget.value)}
                        />
                        <span class="prices-affix__unit">{t('prices.yuan')}</span>
                      </div>
                    }
                  >
                    <div class="prices-affix">
                      <input
                        class="input input--sm"
                        inputmode="decimal"
                        value={d().rate}
                        placeholder="98"
                        aria-label={t('prices.d.rate')}
                        onInput={(e) => set('rate', e.currentTarget.value)}
                      />
                      <span class="prices-affix__unit">%</span>
                    </div>
                  </Show>
                </div>
                <span class="field__hint prices-hint">
                  {(() => {
                    if (d().valueKind === 'rate') {
                      const bp = percentToBp(d().rate);
                      return bp !== null && bp > 0 && bp < 10_000 ? rateText(bp) : t('prices.d.rateHint');
                    }
                    const fen = yuanToFen(d().amount);
                    return fen !== null && fen > 0
                      ? t('prices.d.amountOff', { amount: money(fen) })
                      : t('prices.d.amountHint');
                  })()}
                </span>
              </div>
              <Show when={d().kind === 'PAYMENT_METHOD'}>
                <div class="prices-fieldset">
                  <span class="field__label">{t('prices.d.methods')}</span>
                  <div class="prices-chips">
                    <For each={PLAN_KINDS}>
                      {(k) => (
                        <label class="prices-check">
                          <input
                            type="checkbox"
                            checked={d().paymentMethods.includes(k)}
                            onChange={(e) =>
                              set(
                                'paymentMethods',
                                e.currentTarget.checked
                                  ? [...d().paymentMethods, k]
                                  : d().paymentMethods.filter((x) => x !== k),
                              )
                            }
                          />
                          <span>{planKindLabel(k)}</span>
                        </label>
                      )}
                    </For>
                  </div>
                </div>
              </Show>
              <Show when={d().kind === 'IDENTITY'}>
                <label class="field">
                  <span class="field__label">{t('prices.d.tag')}</span>
                  <input
                    class="input input--sm"
                    list="prices-tags"
                    value={d().identityTag}
                    maxLength={32}
                    placeholder="staff"
                    onInput={(e) => set('identityTag', e.currentTarget.value.toLowerCase())}
                  />
                  <datalist id="prices-tags">
                    <For each={tags()}>{(tag) => <option value={tag} />}</For>
                  </datalist>
                  <span class="field__hint prices-hint">{t('prices.d.tagHint')}</span>
                </label>
              </Show>
              <div class="prices-fieldset">
                <span class="field__label">
                  {t('prices.d.window')} <span class="prices-muted">({props.timeZone})</span>
                </span>
                <div class="prices-row2">
                  <label class="field">
                    <span class="field__hint prices-hint">{t('prices.d.from')}</span>
                    <input
                      class="input input--sm"
                      type="datetime-local"
                      value={d().validFrom}
                      onInput={(e) => set('validFrom', e.currentTarget.value)}
                    />
                  </label>
                  <label class="field">
                    <span class="field__hint prices-hint">{t('prices.d.to')}</span>
                    <input
                      class="input input--sm"
                      type="datetime-local"
                      value={d().validTo}
                      onInput={(e) => set('validTo', e.currentTarget.value)}
                    />
                  </label>
                </div>
                <span class="field__hint prices-hint">{t('prices.d.windowHint')}</span>
              </div>
              <div class="prices-row2">
                <label class="prices-check">
                  <input
                    type="checkbox"
                    checked={d().active}
                    onChange={(e) => set('active', e.currentTarget.checked)}
                  />
                  <span>{t('prices.activeLabel')}</span>
                </label>
                <label class="field prices-sort">
                  <span class="field__label">{t('prices.sortOrder')}</span>
                  <input
                    class="input input--sm"
                    type="number"
                    inputmode="numeric"
                    min={0}
                    max={10000}
                    value={d().sortOrder}
                    onInput={(e) => set('sortOrder', e.currentTarget.value)}
                  />
                </label>
              </div>
              <Show when={touched() && check() && !check()!.ok && !error()}>
                <div class="alert alert--error" role="alert">
                  {(check() as { reason: string }).reason}
                </div>
              </Show>
              <ErrorAlert message={error()} />
            </form>
          )}
        </Show>
      </FormDialog>
    </section>
  );
}
