/**
 * The review step 核对 before a subscription 认购 is confirmed. A confirm is undone only by a 退房
 * request with four-eyes approval, so the consultant and the buyer read, together, exactly what is
 * about to be signed — the unit, the buyer, the payment plan, the discounts and the final price in
 * figures and in Chinese capitals 大写 — before "确认认购" sends it.
 *
 * The price shown is the server's quote for exactly the terms that will be confirmed (asked afresh
 * here, so a price list or identity check that changed since the form was filled shows now, not on
 * the agreement). The lock's countdown stays on the sheet above; if the lock ends while the review
 * is open, the review says so and offers no confirm.
 */
import { For, Match, Show, Switch, createMemo, type JSX } from 'solid-js';
import {
  amountInCapitals,
  formatArea,
  formatYuan,
  maskPhone,
  MAX_CAPITALS_FEN,
  type CatalogUnit,
  type DealQuoteInfo,
  type QuoteBody,
} from '@kaipan/shared';
import { api } from '../lib/api';
import { describeError, locale, t } from '../lib/i18n';
import { layoutName } from '../lib/display';
import { createLoad } from '@kaipan/web/resource';
import { Spinner } from './ui';
import './confirm-review.css';

/** Who the subscription is for, as the review shows it. */
export interface ReviewBuyer {
  /** Registration number (R0007) when the lock is for a registered buyer. */
  label?: string | undefined;
  name: string;
  /** Full or already masked; the review shows it masked (138****5678); null when the caller may not see it. */
  phone: string | null;
}

export interface ConfirmReviewProps {
  unit: CatalogUnit;
  buildingLabel: string;
  buyer: ReviewBuyer | undefined;
  /** What the quote is asked for: the same plan, discounts and buyer the confirm will send. */
  quote: QuoteBody;
  /** A manager approved this below-floor price (the confirm carries the approval). */
  approved: boolean;
  /** The lock is still mine (or the confirm is in flight). False: it lapsed while reviewing. */
  lockHeld: boolean;
  /** The confirm is being sent. */
  sending: boolean;
  /** Why the last confirm was refused, if it was. */
  error: string | null;
  /** Why no confirm can be sent now (sales paused, the system degraded), or null. */
  stopped: string | null;
  onBack: () => void;
  onConfirm: () => void;
}

const yuan = (fen: number): string => formatYuan(fen, locale());

/** 大写 of an amount, or nothing when it is outside what capitals are written for. */
function capitals(fen: number): string {
  return fen >= 0 && fen <= MAX_CAPITALS_FEN && Number.isSafeInteger(fen) ? amountInCapitals(fen) : '';
}

export function ConfirmReview(props: ConfirmReviewProps): JSX.Element {
  // Keyed by content: the same terms are priced once, however often the props are rebuilt.
  const request = createMemo(() => JSON.stringify([props.unit.id, props.quote]));
  const quote = createLoad(request, () => api.quote(props.unit.id, props.quote));
  const current = (): DealQuoteInfo | undefined => quote.value();
  /** Below the floor without an approval: the confirm would be refused; go back and ask. */
  const blocked = (): boolean => current()?.belowFloor === true && !props.approved;
  const canConfirm = (): boolean =>
    props.lockHeld && !props.sending && !props.stopped && current() !== undefined && !quote.loading() && !blocked();

  return (
    <section class="review" aria-labelledby="review-title" data-testid="confirm-review">
      {/* In place of the lock timer, which is gone with the lock. */}
      <Show when={!props.lockHeld}>
        <div class="alert alert--error review__ended" role="alert" data-testid="review-expired">
          {t('review.lockEnded')}
        </div>
      </Show>
      <div class="review__head">
        <h3 class="review__title" id="review-title">
          {t('review.title')}
        </h3>
        <p class="review__hint">{t('review.hint')}</p>
      </div>

      <dl class="review__rows">
        <div class="review__row">
          <dt>{t('review.unit')}</dt>
          <dd>
            <strong data-testid="review-unit">{props.unit.code}</strong>
            <span class="review__sub">
              {props.buildingLabel} · {t('grid.floor', { n: props.unit.floor })}
            </span>
            <span class="review__sub">
              {layoutName(props.unit, locale())}
              <Show when={props.unit.layout && props.unit.layout !== layoutName(props.unit, locale())}>
                {' '}
                · {props.unit.layout}
              </Show>
              {' · '}
              {t('review.area', {
                gross: formatArea(props.unit.grossArea, locale()),
                net: formatArea(props.unit.netArea, locale()),
              })}
            </span>
          </dd>
        </div>
        <div class="review__row">
          <dt>{t('review.buyer')}</dt>
          <dd>
            <Show when={props.buyer} fallback={<span>{t('common.dash')}</span>}>
              {(b) => (
                <>
                  <strong data-testid="review-buyer">
                    <Show when={b().label}>
                      <span class="review__tag">{b().label}</span>{' '}
                    </Show>
                    {b().name}
                  </strong>
                  <Show when={b().phone}>
                    {(phone) => (
                      <span class="review__sub" data-testid="review-phone">
                        {maskPhone(phone())}
                      </span>
                    )}
                  </Show>
                </>
              )}
            </Show>
          </dd>
        </div>
        <Switch>
          <Match when={quote.error()}>
            {(err) => (
              <div class="alert alert--error review__problem" role="alert">
                <span>
                  {t('review.quoteFailed')} {describeError(err())}
                </span>
                <button type="button" class="btn btn--ghost btn--sm" onClick={() => quote.refetch()}>
                  {t('common.retry')}
                </button>
              </div>
            )}
          </Match>
          <Match when={!current()}>
            <div class="review__loading">
              <Spinner size="sm" />
              <span>{t('review.pricing')}</span>
            </div>
          </Match>
          <Match when={current()}>
            {(q) => (
              <>
                <div class="review__row">
                  <dt>{t('review.plan')}</dt>
                  <dd data-testid="review-plan">
                    {q().plan ? (locale() === 'en' ? q().plan!.nameEn : q().plan!.name) : t('common.dash')}
                  </dd>
                </div>
                <div class="review__row">
                  <dt>{t('review.discounts')}</dt>
                  <dd>
                    <Show when={q().breakdown.steps.length > 0} fallback={<span>{t('review.noDiscounts')}</span>}>
                      <ul class="review__discounts">
                        <For each={q().breakdown.steps}>
                          {(step) => (
                            <li>
                              <span>{locale() === 'en' ? step.nameEn : step.name}</span>
                              <span class="num">−{yuan(step.off)}</span>
                            </li>
                          )}
                        </For>
                      </ul>
                    </Show>
                    <Show when={q().breakdown.capped}>
                      <span class="review__sub">
                        {t('deal.cap', { pct: (q().breakdown.cap.maxTotalDiscountBp / 100).toString() })}
                      </span>
                    </Show>
                  </dd>
                </div>
                <div class="review__total">
                  <span class="review__total-label">{t('review.finalPrice')}</span>
                  <span class="review__total-figures num" data-testid="review-final">
                    {yuan(q().breakdown.finalPrice)}
                  </span>
                  <span class="review__total-words" data-testid="review-capitals" lang="zh-CN">
                    {capitals(q().breakdown.finalPrice)}
                  </span>
                  <span class="review__sub">
                    {t('review.fromList', { list: yuan(q().breakdown.listPrice), off: yuan(q().breakdown.totalOff) })}
                  </span>
                  <Show when={props.approved}>
                    <span class="review__approved">{t('review.approved')}</span>
                  </Show>
                </div>
              </>
            )}
          </Match>
        </Switch>
      </dl>

      <Show when={blocked() && props.lockHeld}>
        <div class="alert alert--warn" role="alert">
          {t('review.belowFloor')}
        </div>
      </Show>
      <Show when={props.lockHeld && props.error}>
        {(msg) => (
          <div class="alert alert--error" role="alert">
            {msg()}
          </div>
        )}
      </Show>

      <Show when={props.lockHeld && props.stopped}>
        {(reason) => (
          <div class="alert alert--warn" role="status" data-testid="review-stopped">
            {reason()}
          </div>
        )}
      </Show>

      <div class="sheet__actions review__actions">
        <button
          type="button"
          class="btn btn--secondary btn--lg"
          disabled={props.sending}
          onClick={() => props.onBack()}
        >
          {props.lockHeld ? t('review.back') : t('common.back')}
        </button>
        <Show when={props.lockHeld}>
          <button
            type="button"
            class="btn btn--primary btn--lg btn--grow"
            data-testid="review-confirm"
            disabled={!canConfirm()}
            onClick={() => props.onConfirm()}
          >
            <Show when={props.sending}>
              <Spinner size="sm" />
            </Show>
            {props.sending ? t('sheet.confirming') : t('review.confirm')}
          </button>
        </Show>
      </div>
    </section>
  );
}
