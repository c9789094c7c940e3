/**
 * What paper prints, as plain functions: money, areas, local times and payment labels. No pdfkit
 * here, so the hub process (document-service) can use them without loading the PDF stack — the
 * renderers run in a worker thread (server/src/jobs/render-thread.ts).
 */
import { formatZonedDateTime, type PaymentKind, type PaymentMethod } from '@kaipan/shared';

/** ¥100,000.00 — always two decimals (paper shows cents), integer arithmetic only. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** 100.25 m² */
export function formatM2(m2: number): string {
  return `${m2.toFixed(2)} m²`;
}

export const KIND_LABELS: Readonly<Record<PaymentKind, { zh: string; en: string }>> = {
  SINCERITY: { zh: '诚意金', en: 'Sincerity deposit' },
  DEPOSIT: { zh: '定金', en: 'Subscription deposit' },
  DOWN_PAYMENT: { zh: '首付款', en: 'Down payment' },
  OTHER: { zh: '其他', en: 'Other' },
  REFUND: { zh: '退款', en: 'Refund' },
};

export const METHOD_LABELS: Readonly<Record<PaymentMethod, { zh: string; en: string }>> = {
  CASH: { zh: '现金', en: 'Cash' },
  BANK_CARD: { zh: '银行卡', en: 'Bank card' },
  TRANSFER: { zh: '银行转账', en: 'Bank transfer' },
  WECHAT: { zh: '微信支付', en: 'WeChat Pay' },
  ALIPAY: { zh: '支付宝', en: 'Alipay' },
  CHEQUE: { zh: '支票', en: 'Cheque' },
  CONVERSION: { zh: '诚意金转入', en: 'Converted sincerity deposit' },
};

export const bilingual = (l: { zh: string; en: string }): string => `${l.zh} ${l.en}`;

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * "2026-11-28 09:03" in the project's IANA time zone: paper shows local wall-clock time while the
 * system stores UTC. Strings must be ISO 8601 with `Z` or an offset; a bare local time would be
 * read in the server's zone and print the wrong hour.
 */
export function formatProjectTime(at: Date | string, timeZone: string = DEFAULT_TIME_ZONE): string {
  if (typeof at === 'string' && !/(Z|[+-]\d{2}:?\d{2})$/i.test(at)) {
    throw new RangeError(`Time "${at}" has no UTC offset`);
  }
  return formatZonedDateTime(at, timeZone);
}
