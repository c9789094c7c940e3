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
  labelText,
  PAYMENT_KIND_LABELS,
  PAYMENT_METHOD_LABELS,
  PAYMENT_STATUS_LABELS,
  type Label,
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

/** A stored code's words in the desk's language (its table: shared/src/labels.ts). */
export { label } from './i18n';

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

/** Payment codes in the desk's language (the words: shared/src/labels.ts). */
const pick = (label: Label): string => labelText(label, locale());

export const kindName = (k: PaymentKind): string => pick(PAYMENT_KIND_LABELS[k]);
export const methodName = (m: PaymentMethod): string => pick(PAYMENT_METHOD_LABELS[m]);
export const paymentStatusName = (s: PaymentStatus): string => pick(PAYMENT_STATUS_LABELS[s]);
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
