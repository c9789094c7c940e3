/**
 * The add-customer form 新增客户 (with co-buyers), validated by the shared schema before it is sent.
 */
import { For, Show, createEffect, createSignal, on, type JSX } from 'solid-js';
import {
  DEMAND_TYPES,
  INTENT_CLASSES,
  SOURCE_CHANNELS,
  createCustomerSchema,
  normalizePhone,
  type CustomerInfo,
  DEMAND_TYPE_LABELS,
} from '@kaipan/shared';
import { api, toApiError } from '../lib/api';
import { t, type MessageKey, label } from '../lib/i18n';
import { BottomSheet } from './bottom-sheet';
import { Spinner } from './ui';
import { channelName, customerErrorText } from '../lib/customers-display';
import './customer-form.css';

interface CoBuyerDraft {
  name: string;
  phone: string;
  relation: string;
}

const FIELD_ERROR_KEYS: Record<string, MessageKey> = {
  name: 'customers.invalidName',
  phone: 'customers.invalidPhone',
  idNumber: 'customers.invalidId',
  budgetMax: 'customers.invalidBudget',
  budgetMin: 'customers.invalidBudget',
  coBuyers: 'customers.invalidPhone',
};

export function CustomerForm(props: {
  open: boolean;
  projectId: string;
  onClose: () => void;
  onCreated: (c: CustomerInfo) => void;
}): JSX.Element {
  const [name, setName] = createSignal('');
  const [phone, setPhone] = createSignal('');
  const [idNumber, setIdNumber] = createSignal('');
  const [intent, setIntent] = createSignal<(typeof INTENT_CLASSES)[number] | ''>('');
  const [demand, setDemand] = createSignal<(typeof DEMAND_TYPES)[number] | ''>('');
  const [channel, setChannel] = createSignal<(typeof SOURCE_CHANNELS)[number]>('WALK_IN');
  const [budgetMin, setBudgetMin] = createSignal('');
  const [budgetMax, setBudgetMax] = createSignal('');
  const [layouts, setLayouts] = createSignal('');
  const [coBuyers, setCoBuyers] = createSignal<CoBuyerDraft[]>([]);
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [serverError, setServerError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let requestId = crypto.randomUUID();

  const reset = (): void => {
    setName('');
    setPhone('');
    setIdNumber('');
    setIntent('');
    setDemand('');
    setChannel('WALK_IN');
    setBudgetMin('');
    setBudgetMax('');
    setLayouts('');
    setCoBuyers([]);
    setErrors({});
    setServerError(null);
    requestId = crypto.randomUUID();
  };
  createEffect(
    on(
      () => props.open,
      (open) => {
        if (open) reset();
      },
    ),
  );

  /** 万元 text → fen, undefined when empty, NaN when not a number. */
  const wanToFen = (s: string): number | undefined => {
    const v = s.trim();
    if (v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? Math.round(n * 10_000 * 100) : Number.NaN;
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const body = {
      id: requestId,
      name: name(),
      phone: phone(),
      ...(idNumber().trim() ? { idNumber: idNumber() } : {}),
      ...(intent() ? { intent: intent() } : {}),
      ...(demand() ? { demand: demand() } : {}),
      channel: channel(),
      ...(wanToFen(budgetMin()) !== undefined ? { budgetMin: wanToFen(budgetMin()) } : {}),
      ...(wanToFen(budgetMax()) !== undefined ? { budgetMax: wanToFen(budgetMax()) } : {}),
      ...(layouts().trim()
        ? {
            preferredLayouts: layouts()
              .split(/[,，、;；]/)
              .map((s) => s.trim())
              .filter(Boolean),
          }
        : {}),
      ...(coBuyers().length > 0
        ? {
            coBuyers: coBuyers().map((b) => ({
              name: b.name,
              ...(b.phone.trim() ? { phone: b.phone } : {}),
              ...(b.relation.trim() ? { relation: b.relation } : {}),
            })),
          }
        : {}),
    };
    // The same contract the server validates with.
    const parsed = createCustomerSchema.safeParse(body);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '');
        const key = FIELD_ERROR_KEYS[field];
        if (!next[field]) next[field] = key ? t(key) : issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    setServerError(null);
    setBusy(true);
    try {
      props.onCreated(await api.createCustomer(props.projectId, parsed.data));
    } catch (err) {
      const apiErr = toApiError(err);
      if (apiErr.code === 'DUPLICATE_CUSTOMER') setErrors({ phone: customerErrorText(apiErr) });
      else setServerError(customerErrorText(apiErr));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (f: string) => errors()[f];
  /** The one phone rule, live: once 11 digits are typed a wrong number says so before submitting. */
  const phoneError = (): string | undefined =>
    fieldError('phone') ??
    (phone().replace(/\D/g, '').length >= 11 && normalizePhone(phone()) === null
      ? t('customers.invalidPhone')
      : undefined);

  return (
    <BottomSheet open={props.open} onClose={() => !busy() && props.onClose()} title={t('customers.add')}>
      <form class="form cust-form" onSubmit={(e) => void submit(e)} novalidate>
        <label class="field">
          <span class="field__label">{t('customers.name')} *</span>
          <input
            class="input"
            value={name()}
            maxlength="50"
            autocomplete="off"
            aria-invalid={!!fieldError('name')}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <Show when={fieldError('name')}>{(m) => <span class="field__error">{m()}</span>}</Show>
        </label>
        <label class="field">
          <span class="field__label">{t('customers.phone')} *</span>
          <input
            class="input"
            type="tel"
            inputmode="tel"
            value={phone()}
            maxlength="20"
            autocomplete="off"
            placeholder="138 1234 5678"
            aria-invalid={!!phoneError()}
            onInput={(e) => setPhone(e.currentTarget.value)}
          />
          <Show when={phoneError()}>{(m) => <span class="field__error">{m()}</span>}</Show>
        </label>
        <label class="field">
          <span class="field__label">{t('customers.idNumber')}</span>
          <input
            class="input"
            value={idNumber()}
            maxlength="40"
            autocomplete="off"
            aria-invalid={!!fieldError('idNumber')}
            onInput={(e) => setIdNumber(e.currentTarget.value)}
          />
          <span class="field__hint">{t('customers.idNumberHint')}</span>
          <Show when={fieldError('idNumber')}>{(m) => <span class="field__error">{m()}</span>}</Show>
        </label>
        <div class="field">
          <span class="field__label">{t('customers.intent')}</span>
          <div class="segmented" role="radiogroup" aria-label={t('customers.intent')}>
            <For each={INTENT_CLASSES}>
              {(i) => (
                <button
                  type="button"
                  role="radio"
                  aria-checked={intent() === i}
                  onClick={() => setIntent(intent() === i ? '' : i)}
                >
                  {i}
                </button>
              )}
            </For>
          </div>
        </div>
        <div class="cust-form__row">
          <label class="field">
            <span class="field__label">{t('customers.demand')}</span>
            <select
              class="input"
              value={demand()}
              onChange={(e) => setDemand(e.currentTarget.value as (typeof DEMAND_TYPES)[number] | '')}
            >
              <option value="">{t('customers.unset')}</option>
              <For each={DEMAND_TYPES}>{(d) => <option value={d}>{label(DEMAND_TYPE_LABELS, d)}</option>}</For>
            </select>
          </label>
          <label class="field">
            <span class="field__label">{t('customers.channel')}</span>
            <select
              class="input"
              value={channel()}
              onChange={(e) => setChannel(e.currentTarget.value as (typeof SOURCE_CHANNELS)[number])}
            >
              <For each={SOURCE_CHANNELS}>{(c) => <option value={c}>{channelName(c)}</option>}</For>
            </select>
          </label>
        </div>
        <div class="cust-form__row">
          <label class="field">
            <span class="field__label">{t('customers.budgetMin')}</span>
            <input
              class="input"
              type="number"
              inputmode="decimal"
              min="0"
              step="1"
              value={budgetMin()}
              onInput={(e) => setBudgetMin(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span class="field__label">{t('customers.budgetMax')}</span>
            <input
              class="input"
              type="number"
              inputmode="decimal"
              min="0"
              step="1"
              value={budgetMax()}
              aria-invalid={!!fieldError('budgetMax')}
              onInput={(e) => setBudgetMax(e.currentTarget.value)}
            />
          </label>
        </div>
        <Show when={fieldError('budgetMax') ?? fieldError('budgetMin')}>
          {(m) => <span class="field__error">{m()}</span>}
        </Show>
        <label class="field">
          <span class="field__label">{t('customers.layouts')}</span>
          <input
            class="input"
            value={layouts()}
            placeholder={t('customers.layoutsPlaceholder')}
            onInput={(e) => setLayouts(e.currentTarget.value)}
          />
        </label>
        <div class="field">
          <span class="field__label">{t('customers.coBuyers')}</span>
          <For each={coBuyers()}>
            {(b, index) => (
              <div class="cust-cobuyer">
                <input
                  class="input input--sm"
                  placeholder={t('customers.coBuyerName')}
                  value={b.name}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setCoBuyers((list) => list.map((x, i) => (i === index() ? { ...x, name: v } : x)));
                  }}
                />
                <input
                  class="input input--sm"
                  type="tel"
                  placeholder={t('customers.coBuyerPhone')}
                  value={b.phone}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setCoBuyers((list) => list.map((x, i) => (i === index() ? { ...x, phone: v } : x)));
                  }}
                />
                <input
                  class="input input--sm"
                  placeholder={t('customers.coBuyerRelation')}
                  value={b.relation}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setCoBuyers((list) => list.map((x, i) => (i === index() ? { ...x, relation: v } : x)));
                  }}
                />
                <button
                  type="button"
                  class="icon-btn"
                  aria-label={t('customers.remove')}
                  onClick={() => setCoBuyers((list) => list.filter((_, i) => i !== index()))}
                >
                  ×
                </button>
              </div>
            )}
          </For>
          <Show when={fieldError('coBuyers')}>{(m) => <span class="field__error">{m()}</span>}</Show>
          <Show when={coBuyers().length < 5}>
            <button
              type="button"
              class="btn btn--ghost btn--sm cust-form__add"
              onClick={() => setCoBuyers((list) => [...list, { name: '', phone: '', relation: '' }])}
            >
              ＋ {t('customers.addCoBuyer')}
            </button>
          </Show>
        </div>
        <Show when={serverError()}>
          {(m) => (
            <div class="alert alert--error" role="alert">
              {m()}
            </div>
          )}
        </Show>
        <button type="submit" class="btn btn--primary btn--lg btn--block" disabled={busy()}>
          <Show when={busy()}>
            <Spinner size="sm" />
          </Show>
          {busy() ? t('customers.saving') : t('customers.save')}
        </button>
      </form>
    </BottomSheet>
  );
}
