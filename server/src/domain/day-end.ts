/**
 * Day-end 日结 of one cashier and business day, from the day's payment rows. Pure (no I/O): the
 * service loads the rows, this adds them up, the CSV export writes them out.
 *
 * Rules (docs/cashier.md):
 * - a VOIDED payment moves no money: it is left out of every total, its receipt counts as voided;
 * - a conversion 诚意金转定金 (a DEPOSIT whose only method is CONVERSION) moves no money either: it is
 *   listed under byMethod.CONVERSION and nowhere else (not in byKind, not in net);
 * - a REFUND is money out: byKind.REFUND shows it (positive), byMethod subtracts its lines, so each
 *   method's amount is what the drawer / terminal should hold for the day (it can be negative);
 * - a payment later CONVERTED or REFUNDED still counts on its own day: its money did come in then;
 * - net = money in − refunds = Σ byKind (incoming kinds) − byKind.REFUND = Σ byMethod without CONVERSION;
 * - receiptsIssued counts every number used that day (voided ones too); first/last by issue order.
 */
import {
  bilingual,
  PAYMENT_KIND_LABELS,
  PAYMENT_METHOD_LABELS,
  PAYMENT_STATUS_LABELS,
  type DayEndLine,
  type DayEndTotals,
  type PaymentKind,
  type PaymentMethod,
  type PaymentStatus,
} from '@kaipan/shared';

export interface DayEndRow {
  id: string;
  kind: PaymentKind;
  status: PaymentStatus;
  amount: number;
  lines: { method: PaymentMethod; amount: number; reference?: string | null }[];
  convertedFromId: string | null;
  createdAt: string;
  receipt: { label: string; number: number; status: 'ISSUED' | 'VOIDED'; issuedAt: string } | null;
}

export type DayEndSums = Pick<
  DayEndTotals,
  'byKind' | 'byMethod' | 'net' | 'receiptsIssued' | 'receiptsVoided' | 'firstReceipt' | 'lastReceipt'
>;

/** A conversion moves no money: its lines are all CONVERSION (and it names the sincerity deposit). */
export function isConversion(row: Pick<DayEndRow, 'convertedFromId' | 'lines'>): boolean {
  return row.convertedFromId !== null || (row.lines.length > 0 && row.lines.every((l) => l.method === 'CONVERSION'));
}

function add<K extends string>(into: Partial<Record<K, DayEndLine>>, key: K, amount: number): void {
  const line = into[key] ?? { count: 0, amount: 0 };
  into[key] = { count: line.count + 1, amount: line.amount + amount };
}

export function dayEndSums(rows: readonly DayEndRow[]): DayEndSums {
  const byKind: Partial<Record<PaymentKind, DayEndLine>> = {};
  const byMethod: Partial<Record<PaymentMethod, DayEndLine>> = {};
  let net = 0;
  for (const row of rows) {
    if (row.status === 'VOIDED') continue;
    if (isConversion(row)) {
      add(byMethod, 'CONVERSION', row.amount);
      continue;
    }
    const sign = row.kind === 'REFUND' ? -1 : 1;
    add(byKind, row.kind, row.amount);
    for (const line of row.lines) add(byMethod, line.method, sign * line.amount);
    net += sign * row.amount;
  }
  const receipts = rows
    .flatMap((r) => (r.receipt ? [r.receipt] : []))
    .sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.number - b.number || a.label.localeCompare(b.label));
  return {
    byKind,
    byMethod,
    net,
    receiptsIssued: receipts.length,
    receiptsVoided: receipts.filter((r) => r.status === 'VOIDED').length,
    firstReceipt: receipts[0]?.label ?? null,
    lastReceipt: receipts[receipts.length - 1]?.label ?? null,
  };
}

// ── CSV ─────────────────────────────────────────────────────────────────────────────────────────

export interface DayEndCsvRow extends DayEndRow {
  payerName: string;
  /** Unit code or registration number (R0007), '' when neither. */
  subject: string;
}

/** Fen as yuan with two decimals, no grouping: 123456 → "1234.56", −5 → "-0.05". */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** One CSV field: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvField(value: string | number, text = true): string {
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function clock(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

const KIND_ORDER: PaymentKind[] = ['SINCERITY', 'DEPOSIT', 'DOWN_PAYMENT', 'OTHER', 'REFUND'];
const METHOD_ORDER: PaymentMethod[] = ['CASH', 'BANK_CARD', 'TRANSFER', 'WECHAT', 'ALIPAY', 'CHEQUE', 'CONVERSION'];

/**
 * The day-end as CSV: UTF-8 with a BOM (so spreadsheet programs read the Chinese), CRLF line ends.
 * One row per payment in issue order, then the totals. Kinds, methods and statuses in words, both
 * languages (shared/src/labels.ts), as the headers: never the stored codes.
 */
export function dayEndCsv(totals: DayEndTotals, rows: readonly DayEndCsvRow[], timeZone: string): string {
  const out: string[][] = [];
  const t = (s: string) => csvField(s);
  const n = (v: number | string) => csvField(v, false);
  out.push([
    t('日结 Day-end'),
    t(totals.businessDate),
    t(totals.cashier),
    t(totals.closed ? '已结 closed' : '未结 open'),
  ]);
  out.push(
    [
      '收据 Receipt',
      '时间 Time',
      '类型 Kind',
      '方式 Methods',
      '金额 Amount (CNY)',
      '付款人 Payer',
      '房号/认筹 Unit/Registration',
      '状态 Status',
    ].map(t),
  );
  const ordered = [...rows].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || (a.receipt?.number ?? 0) - (b.receipt?.number ?? 0),
  );
  for (const r of ordered) {
    const methods = r.lines
      .map(
        (l) =>
          `${bilingual(PAYMENT_METHOD_LABELS[l.method])} ${yuanText(l.amount)}${l.reference ? ` (${l.reference})` : ''}`,
      )
      .join('; ');
    out.push([
      t(r.receipt?.label ?? ''),
      n(clock(r.createdAt, timeZone)),
      t(
        isConversion(r)
          ? `${bilingual(PAYMENT_KIND_LABELS.DEPOSIT)} (${bilingual(PAYMENT_METHOD_LABELS.CONVERSION)})`
          : bilingual(PAYMENT_KIND_LABELS[r.kind]),
      ),
      t(methods),
      n(yuanText(r.kind === 'REFUND' ? -r.amount : r.amount)),
      t(r.payerName),
      t(r.subject),
      t(bilingual(PAYMENT_STATUS_LABELS[r.receipt?.status === 'VOIDED' ? 'VOIDED' : r.status])),
    ]);
  }
  out.push([]);
  out.push([t('合计 Totals'), t('笔数 Count'), t('金额 Amount (CNY)')]);
  for (const kind of KIND_ORDER) {
    const line = totals.byKind[kind];
    if (line)
      out.push([
        t(`类型 ${bilingual(PAYMENT_KIND_LABELS[kind])}`),
        n(line.count),
        n(yuanText(kind === 'REFUND' ? -line.amount : line.amount)),
      ]);
  }
  for (const method of METHOD_ORDER) {
    const line = totals.byMethod[method];
    if (line)
      out.push([t(`方式 ${bilingual(PAYMENT_METHOD_LABELS[method])}`), n(line.count), n(yuanText(line.amount))]);
  }
  out.push([t('净额 Net'), '', n(yuanText(totals.net))]);
  out.push([t('收据 Receipts issued'), n(totals.receiptsIssued), '']);
  out.push([t('作废 Receipts voided'), n(totals.receiptsVoided), '']);
  out.push([t('首张 First receipt'), t(totals.firstReceipt ?? ''), '']);
  out.push([t('末张 Last receipt'), t(totals.lastReceipt ?? ''), '']);
  return `\uFEFF${out.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}
