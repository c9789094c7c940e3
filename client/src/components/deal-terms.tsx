/**
 * The consultant's deal terms 成交条件 on a held unit: payment plan 付款方案, discounts 折扣, the price
 * breakdown (list → each discount → cap/rounding → final) and the payment schedule.
 *
 * The breakdown is computed HERE with the same shared function the server runs (quoteDeal), so it
 * appears instantly; the server's quote follows (debounced) and is what decides whether the price is
 * below the floor 底价 — floor prices are never sent to consultants.
 */
import { For, Show, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import {
  calendarDateInZone,
  discountRuleOf,
  formatYuan,
  quoteDeal,
  toApiError,
  type CatalogUnit,
  type DealQuoteInfo,
  type DiscountRuleInfo,
  type PaymentPlanInfo,
  type PricingTerms,
  type QuoteResult,
} from '@kaipan/shared';
import { api } from '../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, locale, t } from '../lib/i18n';
import './deal-terms.css';

export interface DealChoice {
  planId: string | undefined;
  discountIds: string[];
}

/** What the server said about the current choice: a quote, a refusal, or nothing yet. */
export type ServerQuote =
  | { state: 'idle' | 'checking' }
  | { state: 'ok'; quote: DealQuoteInfo }
  | { state: 'error'; message: string; code: string };

const nameOf = (x: { name: string; nameEn: string }): string => (locale() === 'en' ? x.nameEn : x.name);

/** A rule applies to the plan kind (PAYMENT_METHOD rules only to theirs). */
function fitsPlan(rule: DiscountRuleInfo, plan: PaymentPlanInfo | undefined): boolean {
  return (
    rule.kind !== 'PAYMENT_METHOD' || (plan !== undefined && (rule.paymentMethods ?? []).includes(plan.terms.kind))
  );
}

function activeNow(rule: DiscountRuleInfo, now: number): boolean {
  return (!rule.validFrom || Date.parse(rule.validFrom) <= now) && (!rule.validTo || now < Date.parse(rule.validTo));
}

export function DealTerms(props: {
  unit: CatalogUnit;
  terms: PricingTerms;
  choice: DealChoice;
  onChoice: (choice: DealChoice) => void;
  /** Whose identity discounts apply (the server checks the customer's tags). */
  registrationId?: string | undefined;
  buyerPhone?: string | undefined;
  disabled?: boolean;
  onServerQuote: (quote: ServerQuote) => void;
}): JSX.Element {
  const plans = (): PaymentPlanInfo[] => props.terms.plans;
  const plan = (): PaymentPlanInfo | undefined => plans().find((p) => p.id === props.choice.planId) ?? plans()[0];
  const [now] = createSignal(Date.now());
  const discounts = createMemo(() => props.terms.discounts.filter((d) => activeNow(d, now()) && fitsPlan(d, plan())));

  // A plan change drops payment-method discounts of another plan.
  const choosePlan = (planId: string): void => {
    const next = plans().find((p) => p.id === planId);
    const keep = props.choice.discountIds.filter((id) => {
      const rule = props.terms.discounts.find((d) => d.id === id);
      return rule !== undefined && fitsPlan(rule, next);
    });
    props.onChoice({ planId, discountIds: keep });
  };
  const toggle = (id: string): void => {
    const on = props.choice.discountIds.includes(id);
    props.onChoice({
      ...props.choice,
      discountIds: on ? props.choice.discountIds.filter((x) => x !== id) : [...props.choice.discountIds, id],
    });
  };

  /** The local preview: identity discounts are assumed held (the server checks). Floor unknown here: 0. */
  const local = createMemo<QuoteResult | undefined>(() => {
    const p = plan();
    if (!p) return undefined;
    const selected = props.choice.discountIds;
    const identityTags = props.terms.discounts
      .filter((d) => selected.includes(d.id) && d.identityTag)
      .map((d) => d.identityTag!);
    return quoteDeal({
      listPrice: props.unit.listPrice,
      floorPrice: 0,
      discounts: props.terms.discounts.map(discountRuleOf),
      selected,
      identityTags,
      policy: props.terms.policy,
      plan: p.terms,
      signedAt: new Date().toISOString(),
      timeZone: props.terms.timezone,
    });
  });

  // The server's quote, 250 ms after the last change.
  const [request, setRequest] = createSignal<{ key: string } | undefined>(undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(
      () =>
        [
          props.unit.id,
          plan()?.id,
          props.choice.discountIds.join(','),
          props.registrationId,
          props.buyerPhone,
          props.terms.priceVersion,
        ] as const,
      (key) => {
        props.onServerQuote({ state: 'checking' });
        clearTimeout(timer);
        timer = setTimeout(() => setRequest({ key: key.join('|') }), 250);
      },
    ),
  );
  onCleanup(() => clearTimeout(timer));
  const server = createLoad(request, async () => {
    const body = {
      ...(plan() ? { planId: plan()!.id } : {}),
      discountIds: props.choice.discountIds,
      ...(props.registrationId
        ? { registrationId: props.registrationId }
        : props.buyerPhone
          ? { phone: props.buyerPhone }
          : {}),
    };
    try {
      const quote = await api.quote(props.unit.id, body);
      props.onServerQuote({ state: 'ok', quote });
      return quote;
    } catch (error) {
      const err = toApiError(error);
      props.onServerQuote({ state: 'error', code: err.code, message: describeError(err) });
      return undefined;
    }
  });

  const breakdown = () => {
    const l = local();
    return l?.ok ? l.breakdown : undefined;
  };
  const money = (fen: number): string => formatYuan(fen, locale());
  const offPct = (): string => {
    const b = breakdown();
    if (!b || b.listPrice === 0) return '';
    return `${((b.totalOff / b.listPrice) * 100).toFixed(2)}%`;
  };

  return (
    <section class="dterms" aria-label={t('deal.title')}>
      <Show when={plans().length > 0} fallback={<p class="dterms__note">{t('deal.noPlans')}</p>}>
        <div class="dterms__group" role="radiogroup" aria-label={t('deal.plan')}>
          <span class="dterms__label">{t('deal.plan')}</span>
          <div class="dterms__chips">
            <For each={plans()}>
              {(p) => (
                <button
                  type="button"
                  role="radio"
                  class="dterms-chip deal-chip--plan"
                  classList={{ 'dterms-chip--on': plan()?.id === p.id }}
                  aria-checked={plan()?.id === p.id}
                  disabled={props.disabled}
                  onClick={() => choosePlan(p.id)}
                >
                  {nameOf(p)}
                </button>
              )}
            </For>
          </div>
        </div>
      </Show>

      <div class="dterms__group">
        <span class="dterms__label">{t('deal.discounts')}</span>
        <Show when={discounts().length > 0} fallback={<span class="dterms__note">{t('deal.noDiscounts')}</span>}>
          <div class="dterms__chips">
            <For each={discounts()}>
              {(d) => (
                <button
                  type="button"
                  class="dterms-chip"
                  classList={{ 'dterms-chip--on': props.choice.discountIds.includes(d.id) }}
                  aria-pressed={props.choice.discountIds.includes(d.id)}
                  disabled={props.disabled}
                  onClick={() => toggle(d.id)}
                >
                  <span>{nameOf(d)}</span>
                  <Show when={d.identityTag}>
                    <span class="dterms-chip__hint">{t('deal.identityHint')}</span>
                  </Show>
                  <Show when={d.validTo}>
                    {(to) => (
                      <span class="dterms-chip__hint">
                        {t('deal.validTo', { date: calendarDateInZone(to(), props.terms.timezone) })}
                      </span>
                    )}
                  </Show>
                </button>
              )}
            </For>
          </div>
        </Show>
      </div>

      <Show
        when={breakdown()}
        fallback={
          <Show when={local()}>
            {(l) => (
              <div class="alert alert--error">
                {l().ok ? '' : t('deal.localRefusal', { reason: (l() as { code: string }).code })}
              </div>
            )}
          </Show>
        }
      >
        {(b) => (
          <div class="dterms__price">
            <table class="breakdown">
              <tbody>
                <tr>
                  <th scope="row">{t('deal.listPrice')}</th>
                  <td />
                  <td class="num">{money(b().listPrice)}</td>
                </tr>
                <For each={b().steps}>
                  {(step) => (
                    <tr>
                      <th scope="row">{locale() === 'en' ? step.nameEn : step.name}</th>
                      <td class="num breakdown__off">−{money(step.off)}</td>
                      <td class="num">{money(step.after)}</td>
                    </tr>
                  )}
                </For>
                <Show when={b().capped}>
                  <tr>
                    <th scope="row">{t('deal.cap', { pct: (b().cap.maxTotalDiscountBp / 100).toString() })}</th>
                    <td class="num">+{money(-b().cap.off)}</td>
                    <td class="num">{money(b().cap.after)}</td>
                  </tr>
                </Show>
                <Show when={b().rounding.off !== 0}>
                  <tr>
                    <th scope="row">{t('deal.rounding')}</th>
                    <td class="num breakdown__off">
                      {b().rounding.off > 0 ? '−' : '+'}
                      {money(Math.abs(b().rounding.off))}
                    </td>
                    <td class="num">{money(b().rounding.after)}</td>
                  </tr>
                </Show>
                <tr class="breakdown__final">
                  <th scope="row">{t('deal.finalPrice')}</th>
                  <td class="num breakdown__off">{b().totalOff > 0 ? `−${offPct()}` : ''}</td>
                  <td class="num">{money(b().finalPrice)}</td>
                </tr>
              </tbody>
            </table>
            <Show
              when={
                local()?.ok &&
                (local() as { schedule: { label: string; labelEn: string; amount: number; dueDate: string }[] })
                  .schedule
              }
            >
              {(schedule) => (
                <ol class="schedule">
                  <For each={schedule()}>
                    {(item) => (
                      <li>
                        <span>{locale() === 'en' ? item.labelEn : item.label}</span>
                        <span class="schedule__date">{item.dueDate}</span>
                        <span class="num">{money(item.amount)}</span>
                      </li>
                    )}
                  </For>
                </ol>
              )}
            </Show>
            <Show when={server.loading()}>
              <p class="dterms__note">{t('deal.checking')}</p>
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}
