/**
 * What the customer registry's page and components share (pages/customers.tsx and the customer-*
 * components): paging, the shortlist refresh period and how dates, idle days, budgets and errors read.
 */
import {
  formatYuan,
  labelText,
  SOURCE_CHANNEL_LABELS,
  type CustomerInfo,
  type DuplicateCustomerDetails,
  type SourceChannel,
} from '@kaipan/shared';
import { toApiError } from './api';
import { describeError, locale, t, type MessageKey } from './i18n';

/** Which customers screen: consultants on a phone, managers on a laptop. */
export type CustomerVariant = 'consultant' | 'manager';
export const PAGE_SIZE = 30;
const DAY_MS = 86_400_000;
/** While a customer's sheet is open, its shortlist statuses are refreshed this often, ms. */
export const SHORTLIST_POLL_MS = 5_000;

/** Translate a key built at run time (customer statuses, kinds, channels). */
export const tk = (key: string): string => t(key as MessageKey);

/** A source channel in the screen's language (the words: shared/src/labels.ts). */
export const channelName = (c: SourceChannel): string => labelText(SOURCE_CHANNEL_LABELS[c], locale());

export function idleDaysOf(iso: string): number {
  return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / DAY_MS));
}

export function activityText(iso: string): string {
  const days = idleDaysOf(iso);
  return days === 0 ? t('customers.today') : t('customers.idleDays', { n: days });
}

export function formatDateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

export function budgetText(c: CustomerInfo): string {
  const fmt = (fen: number) => formatYuan(fen, locale());
  if (c.budgetMin !== null && c.budgetMax !== null) return `${fmt(c.budgetMin)} – ${fmt(c.budgetMax)}`;
  if (c.budgetMin !== null) return `≥ ${fmt(c.budgetMin)}`;
  if (c.budgetMax !== null) return `≤ ${fmt(c.budgetMax)}`;
  return t('customers.unset');
}

/** The error text for a failed create/edit, naming the owner of a duplicate phone. */
export function customerErrorText(error: unknown): string {
  const e = toApiError(error);
  if (e.code === 'DUPLICATE_CUSTOMER') {
    const d = e.details as DuplicateCustomerDetails | undefined;
    return d?.owner ? t('customers.duplicateOwner', { owner: d.owner.displayName }) : t('customers.duplicatePool');
  }
  return describeError(e);
}
