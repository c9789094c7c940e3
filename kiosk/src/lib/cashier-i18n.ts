/**
 * The cashier desk's words (kiosk/src/i18n/cashier-*.ts, zh-CN and en side by side) bound to the
 * kiosk's language (lib/i18n.ts: toggle, remembered on the device), its error texts (the one table
 * of both apps, or the refusal's reason when the server gives one), and display helpers: money,
 * payment kinds and methods, times in the project's time zone.
 */
import { createRoot, createSignal } from 'solid-js';
import {
  ERROR_MESSAGES,
  formatYuan,
  type ClientErrorCode,
  type DocumentJobInfo,
  type PaymentKind,
  type PaymentMethod,
  type PaymentStatus,
  type ProjectSummary,
  formatZonedDateTime,
} from '@kaipan/shared';
import { createTranslator } from '@kaipan/web/i18n/runtime';
import { errorTextIn } from '@kaipan/web/i18n/errors';
import { cashierMessages, type CashierKey } from '../i18n';
import { toApiError } from './api';
import type { AmountProblem } from './cashier-money';
import { locale } from './i18n';

export type { CashierKey } from '../i18n';

const translator = createTranslator(locale, cashierMessages);

/** Translate (reactive: follows the language toggle). */
export const ct: (key: CashierKey, params?: Record<string, string | number>) => string = translator.t;

/** The message for an error code: the one table of both apps (shared/web/i18n/errors.ts). */
export function errorMessage(code: ClientErrorCode): string {
  return errorTextIn(locale(), code);
}

const REASONS = [
  'NO_RECEIPT_BOOK',
  'RECEIPT_BOOK_EXHAUSTED',
  'DAY_CLOSED',
  'IDEMPOTENCY_KEY_REUSED',
  'REFUND_AMOUNT',
  'VOID_PENDING',
  'VOIDS_PENDING',
  'ALREADY_CONVERTED',
  'ALREADY_REFUNDED',
  'CONVERTED',
  'REFUNDED',
  'CONVERSION',
  'LIVE_DEAL',
] as const;
type Reason = (typeof REASONS)[number];

/** The cashier refusals' `details.reason` (docs/cashier.md "API"), when it is one the desk explains. */
function reasonOf(error: unknown): Reason | null {
  const details = toApiError(error).details;
  const reason = typeof details === 'object' && details !== null ? (details as { reason?: unknown }).reason : undefined;
  return typeof reason === 'string' && (REASONS as readonly string[]).includes(reason) ? (reason as Reason) : null;
}

/** The message for anything thrown by the API (the specific reason when the server gives one). */
export function describe(error: unknown): string {
  const reason = reasonOf(error);
  return reason ? ct(`reason.${reason}`) : errorMessage(toApiError(error).code);
}

/**
 * The server's own words when they say more than the code's generic text (e.g. "a manager other
 * than the requester must decide", "the day is closed"). English only: shown small under the message.
 */
export function detailOf(error: unknown): string | null {
  if (reasonOf(error)) return null;
  const e = toApiError(error);
  if (e.status === 0 || e.status >= 500) return null;
  const generic = (ERROR_MESSAGES as Record<string, string>)[e.code];
  return e.message && e.message !== generic ? e.message : null;
}

export function amountProblemText(p: AmountProblem): string {
  return ct(`amount.${p}`);
}

export function documentStateText(state: DocumentJobInfo['state'] | 'requested'): string {
  return ct(`doc.state.${state}`);
}

const KIND_NAMES: Record<PaymentKind, [string, string]> = {
  SINCERITY: ['诚意金', 'Sincerity deposit'],
  DEPOSIT: ['定金', 'Deposit'],
  DOWN_PAYMENT: ['首付款', 'Down payment'],
  OTHER: ['其他', 'Other'],
  REFUND: ['退款', 'Refund'],
};
const METHOD_NAMES: Record<PaymentMethod, [string, string]> = {
  CASH: ['现金', 'Cash'],
  BANK_CARD: ['银行卡', 'Bank card'],
  TRANSFER: ['银行转账', 'Bank transfer'],
  WECHAT: ['微信支付', 'WeChat Pay'],
  ALIPAY: ['支付宝', 'Alipay'],
  CHEQUE: ['支票', 'Cheque'],
  CONVERSION: ['诚意金转入', 'Converted'],
};
const STATUS_NAMES: Record<PaymentStatus, [string, string]> = {
  RECORDED: ['已收款', 'Recorded'],
  VOIDED: ['已作废', 'Voided'],
  CONVERTED: ['已转定金', 'Converted'],
  REFUNDED: ['已退款', 'Refunded'],
};
const pick = (pair: [string, string]): string => (locale() === 'en' ? pair[1] : pair[0]);

export const kindName = (k: PaymentKind): string => pick(KIND_NAMES[k]);
export const methodName = (m: PaymentMethod): string => pick(METHOD_NAMES[m]);
export const paymentStatusName = (s: PaymentStatus): string => pick(STATUS_NAMES[s]);
export const projectName = (p: ProjectSummary): string => (locale() === 'en' ? p.nameEn || p.name : p.name);

/** ¥1,234,567 / ¥1,234,567.89 */
export const money = (fen: number): string => formatYuan(fen, locale());

const tz = createRoot(() => createSignal('Asia/Shanghai'));
/** Times on the desk are shown in the project's time zone. */
export function setDisplayTimeZone(timeZone: string): void {
  tz[1](timeZone);
}

/** 14:05 (today) — HH:mm in the project's time zone. */
export function timeOf(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: tz[0](),
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

/** 2026-03-08 14:05 in the project's time zone. */
export function dateTimeOf(iso: string): string {
  return formatZonedDateTime(iso, tz[0]());
}

/** 11-28 14:05 — the short form for tables. */
export function shortDateTimeOf(iso: string): string {
  return dateTimeOf(iso).slice(5);
}

/** The business day (YYYY-MM-DD) of an instant in a time zone. */
export function businessDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** 2026-03-08 ± n days (calendar arithmetic in UTC: no time-zone or DST drift). */
export function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}
