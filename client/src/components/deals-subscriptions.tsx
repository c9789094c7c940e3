/**
 * The subscriptions 认购 list: a table on laptops, cards on phones (the same rows). A row opens the
 * deal's drawer. Status chips: active / contracted / changed (换房) / cancelled (退房), a DUE refund
 * and the open change request, if any.
 */
import { CHANGE_STATUS_LABELS } from '@kaipan/shared';
import { For, Show, type JSX } from 'solid-js';
import type { ChangeRequestInfo, SubscriptionInfo } from '@kaipan/shared';
import { locale, t, label } from '../lib/i18n';
import { KindChip, RefundChip, SubStatusChip, dateTimeText, money } from './deals-common';
import { DepositChip } from './deposit-deadline';
import './deals-subscriptions.css';

function planName(s: SubscriptionInfo): string {
  if (!s.plan) return t('common.dash');
  return locale() === 'en' ? s.plan.nameEn : s.plan.name;
}

function Chips(props: { sub: SubscriptionInfo; open: ChangeRequestInfo | undefined; timeZone: string }): JSX.Element {
  return (
    <span class="deals-chips">
      <SubStatusChip status={props.sub.status} />
      <RefundChip state={props.sub.refundState} />
      <DepositChip
        status={props.sub.status}
        dueAt={props.sub.depositDueAt}
        paidAt={props.sub.depositPaidAt}
        timeZone={props.timeZone}
      />
      <Show when={props.open}>
        {(o) => (
          <span class="deals-pending" title={label(CHANGE_STATUS_LABELS, o().status)}>
            <KindChip kind={o().kind} />
            <span class="deals-pending__state">
              {t(o().status === 'PENDING' ? 'deals.awaiting' : 'deals.toExecute')}
            </span>
          </span>
        )}
      </Show>
    </span>
  );
}

export function SubscriptionList(props: {
  rows: SubscriptionInfo[];
  /** Open change request by subscription id. */
  openBySub: ReadonlyMap<string, ChangeRequestInfo>;
  manager: boolean;
  timeZone: string;
  selectedId: string | null;
  onOpen: (id: string) => void;
}): JSX.Element {
  return (
    <>
      <div class="table-wrap deals-table-wrap">
        <table class="table deals-table">
          <thead>
            <tr>
              <th>{t('deals.col.unit')}</th>
              <th>{t('deals.col.buyer')}</th>
              <Show when={props.manager}>
                <th>{t('deals.col.consultant')}</th>
              </Show>
              <th class="num">{t('deals.col.price')}</th>
              <th>{t('deals.col.plan')}</th>
              <th>{t('deals.col.status')}</th>
              <th>{t('deals.col.date')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>
              {(s) => (
                <tr
                  class="deals-table__row"
                  classList={{
                    'deals-table__row--closed': s.status === 'CHANGED' || s.status === 'CANCELLED',
                    'deals-table__row--selected': props.selectedId === s.id,
                  }}
                  tabIndex={0}
                  onClick={() => props.onOpen(s.id)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      props.onOpen(s.id);
                    }
                  }}
                >
                  <td class="deals-table__unit">{s.unitCode}</td>
                  <td>
                    <span class="deals-table__buyer">{s.buyerName}</span>
                    <span class="deals-table__phone num">{s.buyerPhone}</span>
                  </td>
                  <Show when={props.manager}>
                    <td>{s.consultant}</td>
                  </Show>
                  <td class="num deals-table__price">
                    <span>{money(s.price)}</span>
                    <Show when={s.listPrice !== null && s.listPrice !== s.price}>
                      <span class="deals-table__list">{money(s.listPrice ?? 0)}</span>
                    </Show>
                  </td>
                  <td>{planName(s)}</td>
                  <td>
                    <Chips sub={s} open={props.openBySub.get(s.id)} timeZone={props.timeZone} />
                  </td>
                  <td class="num deals-table__date">{dateTimeText(s.createdAt, props.timeZone)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>

      <ul class="deals-cards">
        <For each={props.rows}>
          {(s) => (
            <li>
              <button
                type="button"
                class="deals-card"
                classList={{ 'deals-card--closed': s.status === 'CHANGED' || s.status === 'CANCELLED' }}
                onClick={() => props.onOpen(s.id)}
              >
                <span class="deals-card__top">
                  <span class="deals-card__unit">{s.unitCode}</span>
                  <span class="deals-card__price num">{money(s.price)}</span>
                </span>
                <span class="deals-card__buyer">
                  {s.buyerName} <span class="num muted">{s.buyerPhone}</span>
                </span>
                <span class="deals-card__meta">
                  {planName(s)} · {dateTimeText(s.createdAt, props.timeZone)}
                  <Show when={props.manager}> · {s.consultant}</Show>
                </span>
                <Chips sub={s} open={props.openBySub.get(s.id)} timeZone={props.timeZone} />
              </button>
            </li>
          )}
        </For>
      </ul>
    </>
  );
}
