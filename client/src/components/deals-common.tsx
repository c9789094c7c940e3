/**
 * Shared bits of the deals pages (/manager/:projectId/deals, /p/:projectId/deals): money and time
 * formatting, status chips, the price breakdown (list → each discount → cap → rounding → final),
 * the payment schedule, a one-line summary of a change request, and the side drawer.
 */
import { For, Show, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import {
  formatYuan,
  type ChangeKind,
  type ChangeRequestInfo,
  type ChangeStatus,
  type PriceBreakdown,
  type ScheduleItem,
  type SubscriptionInfo,
  CHANGE_KIND_LABELS,
  CHANGE_STATUS_LABELS,
  SUBSCRIPTION_STATUS_LABELS,
  REFUND_STATE_LABELS,
} from '@kaipan/shared';
import { locale, t, label } from '../lib/i18n';
import { useModal } from '../lib/modal';
import './deals-common.css';

export const money = (fen: number): string => formatYuan(fen, locale());

/** Signed difference: +¥1,000 / −¥500 / ¥0. */
export function signedMoney(fen: number): string {
  if (fen === 0) return money(0);
  return `${fen > 0 ? '+' : '−'}${money(Math.abs(fen))}`;
}

/** "2,000,000.5" / "¥1 880 000" → fen; null unless a positive amount with at most 2 decimals. */
export function parseYuan(text: string): number | null {
  const s = text.replace(/[,\s，¥￥]/g, '');
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) && fen > 0 ? fen : null;
}

/** Date and time in the project's zone, e.g. 11-28 09:30. */
export function dateTimeText(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

export const kindLabel = (kind: ChangeKind): string => label(CHANGE_KIND_LABELS, kind);
export const changeStatusLabel = (status: ChangeStatus): string => label(CHANGE_STATUS_LABELS, status);
export const subStatusLabel = (status: SubscriptionInfo['status']): string => label(SUBSCRIPTION_STATUS_LABELS, status);

export function SubStatusChip(props: { status: SubscriptionInfo['status'] }): JSX.Element {
  return <span class={`deals-chip deals-chip--sub-${props.status.toLowerCase()}`}>{subStatusLabel(props.status)}</span>;
}

export function ChangeStatusChip(props: { status: ChangeStatus }): JSX.Element {
  return (
    <span class={`deals-chip deals-chip--ch-${props.status.toLowerCase()}`}>{changeStatusLabel(props.status)}</span>
  );
}

export function KindChip(props: { kind: ChangeKind }): JSX.Element {
  return (
    <span class={`deals-kind deals-kind--${props.kind.toLowerCase().replace('_', '-')}`}>{kindLabel(props.kind)}</span>
  );
}

export function RefundChip(props: { state: SubscriptionInfo['refundState'] }): JSX.Element {
  return (
    <Show when={props.state !== 'NONE'}>
      <span
        class="deals-chip"
        classList={{
          'deals-chip--refund-due': props.state === 'DUE',
          'deals-chip--refund-done': props.state === 'DONE',
        }}
      >
        {label(REFUND_STATE_LABELS, props.state)}
      </span>
    </Show>
  );
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const numOr = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** What the request will do (or did), one line: 换房 A-0101 → A-0202 · ¥x → ¥y. */
export function requestSummary(r: ChangeRequestInfo): string {
  const p = r.preview ?? {};
  const res = r.result ?? {};
  switch (r.kind) {
    case 'UNIT_CHANGE': {
      const to = str(p.targetUnitCode) || str(res.newUnitCode) || '?';
      const oldPrice = numOr(p.oldPrice);
      const newPrice = numOr(p.finalPrice);
      const prices = oldPrice !== null && newPrice !== null ? ` · ${money(oldPrice)} → ${money(newPrice)}` : '';
      return `${r.unitCode} → ${to}${prices}`;
    }
    case 'CANCEL':
      return t('deals.summary.cancel', { unit: r.unitCode });
    case 'BUYER_CHANGE': {
      const o = (p.old ?? {}) as { name?: string };
      const n = (p.new ?? {}) as { name?: string };
      return `${o.name ?? '?'} → ${n.name ?? '?'}`;
    }
    case 'PRICE_CHANGE': {
      const oldPrice = numOr(p.oldPrice);
      const newPrice = numOr(p.newPrice);
      return oldPrice !== null && newPrice !== null
        ? `${money(oldPrice)} → ${money(newPrice)} (${signedMoney(newPrice - oldPrice)})`
        : '';
    }
  }
}

/** The price computation, line by line; the floor line only when the viewer may see it (managers). */
export function BreakdownView(props: { breakdown: PriceBreakdown; finalPrice?: number }): JSX.Element {
  const b = (): PriceBreakdown => props.breakdown;
  const name = (s: { name: string; nameEn: string }): string => (locale() === 'en' ? s.nameEn : s.name);
  const adjusted = (): boolean => props.finalPrice !== undefined && props.finalPrice !== b().finalPrice;
  return (
    <table class="deals-breakdown">
      <tbody>
        <tr>
          <th scope="row">{t('deals.bd.list')}</th>
          <td class="num">{money(b().listPrice)}</td>
        </tr>
        <For each={b().steps}>
          {(s) => (
            <tr>
              <th scope="row">{name(s)}</th>
              <td class="num deals-breakdown__off">−{money(s.off)}</td>
            </tr>
          )}
        </For>
        <Show when={b().cap.off !== 0}>
          <tr>
            <th scope="row">{t('deals.bd.cap', { pct: (b().cap.maxTotalDiscountBp / 100).toString() })}</th>
            <td class="num">{signedMoney(-b().cap.off)}</td>
          </tr>
        </Show>
        <Show when={b().rounding.off !== 0}>
          <tr>
            <th scope="row">{t('deals.bd.rounding')}</th>
            <td class="num">{signedMoney(-b().rounding.off)}</td>
          </tr>
        </Show>
        <tr class="deals-breakdown__total">
          <th scope="row">{t(adjusted() ? 'deals.bd.computed' : 'deals.bd.final')}</th>
          <td class="num">{money(b().finalPrice)}</td>
        </tr>
        <Show when={adjusted()}>
          <tr class="deals-breakdown__total deals-breakdown__adjusted">
            <th scope="row">{t('deals.bd.adjusted')}</th>
            <td class="num">{money(props.finalPrice ?? 0)}</td>
          </tr>
        </Show>
        <Show when={b().floorPrice > 0}>
          <tr class="deals-breakdown__floor">
            <th scope="row">{t('deals.bd.floor')}</th>
            <td class="num">{money(b().floorPrice)}</td>
          </tr>
        </Show>
      </tbody>
    </table>
  );
}

export function ScheduleView(props: { schedule: ScheduleItem[] }): JSX.Element {
  return (
    <table class="deals-schedule">
      <thead>
        <tr>
          <th>{t('deals.sched.item')}</th>
          <th>{t('deals.sched.due')}</th>
          <th class="num">{t('deals.sched.amount')}</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.schedule}>
          {(i) => (
            <tr>
              <td>{locale() === 'en' ? i.labelEn : i.label}</td>
              <td class="deals-schedule__date">{i.dueDate}</td>
              <td class="num">{money(i.amount)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}

/** A panel from the right on wide screens, a bottom sheet on phones. */
export function Drawer(props: {
  open: boolean;
  title: JSX.Element;
  subtitle?: JSX.Element;
  onClose: () => void;
  children: JSX.Element;
}): JSX.Element {
  useModal({ open: () => props.open, onClose: () => props.onClose() });
  return (
    <Show when={props.open}>
      <Portal>
        <div class="deals-drawer-backdrop" onClick={() => props.onClose()}>
          <section
            class="deals-drawer"
            role="dialog"
            aria-modal="true"
            aria-labelledby="deals-drawer-title"
            onClick={(e) => e.stopPropagation()}
          >
            <header class="deals-drawer__header">
              <div class="deals-drawer__titles">
                <h2 id="deals-drawer-title" class="deals-drawer__title">
                  {props.title}
                </h2>
                <Show when={props.subtitle}>
                  <div class="deals-drawer__subtitle">{props.subtitle}</div>
                </Show>
              </div>
              <button type="button" class="icon-btn" aria-label={t('common.close')} onClick={() => props.onClose()}>
                <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                  <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
                </svg>
              </button>
            </header>
            <div class="deals-drawer__body">{props.children}</div>
          </section>
        </div>
      </Portal>
    </Show>
  );
}

/** The four-eyes note shown instead of decide buttons on one's own request. */
export function FourEyesNote(): JSX.Element {
  return (
    <div class="deals-foureyes" role="note">
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
        <circle cx="7.5" cy="12" r="3.5" fill="none" stroke="currentColor" stroke-width="2" />
        <circle cx="16.5" cy="12" r="3.5" fill="none" stroke="currentColor" stroke-width="2" />
        <path d="M11 12h2" stroke="currentColor" stroke-width="2" />
      </svg>
      <span>{t('deals.fourEyes')}</span>
    </div>
  );
}
