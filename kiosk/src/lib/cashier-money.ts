/**
 * Money as the cashier types it. Amounts are typed in yuan (at most 2 decimals, optional thousands
 * commas, a leading ¥, full-width digits from a Chinese IME, or a 万 suffix: "1.5万" = ¥15,000) and
 * become integer fen by string arithmetic — never through a float, so "0.29" is 29 fen, not 28.999….
 * Plus the validation of split payment lines (what recordPaymentSchema / paymentLineSchema accept).
 */
import { MAX_PAYMENT_FEN, MAX_PAYMENT_LINES, PAYMENT_METHODS, type PaymentLineBody } from '@kaipan/shared';

export type AmountProblem = 'empty' | 'invalid' | 'decimals' | 'zero' | 'tooLarge';
export type ParsedAmount = { ok: true; fen: number } | { ok: false; problem: AmountProblem };

const FULL_WIDTH = /[０-９．，]/g;

/** Full-width ０-９ ． ， (Chinese IME) to ASCII. */
function toAscii(text: string): string {
  return text.replace(FULL_WIDTH, (c) => {
    if (c === '．') return '.';
    if (c === '，') return ',';
    return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
  });
}

/**
 * "12,345.60" → 1234560; "¥0.29" → 29; "1.5万" → 1500000 (fen). Thousands commas must be where
 * commas go ("1,2345" is refused: a typo is safer refused than guessed).
 */
export function parseYuan(text: string): ParsedAmount {
  let s = toAscii(text).replace(/\s+/g, '');
  if (s === '') return { ok: false, problem: 'empty' };
  s = s.replace(/^[¥￥]/, '');
  let shift = 2; // decimal places from yuan to fen
  if (/[万w]$/i.test(s)) {
    s = s.slice(0, -1);
    shift = 6; // 1万 = 10,000 yuan = 1,000,000 fen
  }
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === undefined && (m[2] === undefined || m[2] === ''))) return { ok: false, problem: 'invalid' };
  const whole = (m[1] ?? '0').replace(/,/g, '');
  const frac = m[2] ?? '';
  if (frac.length > shift) {
    // More precision than a fen: only trailing zeros may be dropped ("1.500" is ¥1.50).
    if (/[^0]/.test(frac.slice(shift))) return { ok: false, problem: 'decimals' };
  }
  const digits = (whole + frac.slice(0, shift).padEnd(shift, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 16) return { ok: false, problem: 'tooLarge' };
  const fen = Number(digits);
  if (fen === 0) return { ok: false, problem: 'zero' };
  if (fen > MAX_PAYMENT_FEN) return { ok: false, problem: 'tooLarge' };
  return { ok: true, fen };
}

/** 1234560 → "12345.60" (what goes back into an input: no commas, always 2 decimals). */
export function fenToInput(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 1234560 → "12,345.60" (an amount read back after typing: grouped, always 2 decimals). */
export function fenToDisplay(fen: number): string {
  const [whole, frac] = fenToInput(fen).split('.') as [string, string];
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

export type PaymentMethodChoice = (typeof PAYMENT_METHODS)[number];

/** One line of the form as typed. */
export interface LineDraft {
  method: PaymentMethodChoice;
  amountText: string;
  reference: string;
}

export type LineProblem =
  | { field: 'amount'; problem: AmountProblem }
  | { field: 'reference'; problem: 'required' | 'tooLong' };

export interface LinesCheck {
  /** Valid lines as the API takes them (only when every line is valid). */
  lines: PaymentLineBody[] | null;
  /** Sum of the amounts that parse (what the live total shows while typing), fen. */
  total: number;
  /** Problems per line index. */
  problems: LineProblem[][];
  /** The lines together: too many, or the total above the largest payment. */
  overall: 'tooMany' | 'tooLarge' | 'none' | null;
}

/** References the same length as paymentLineSchema's (1–60 after trim). */
export const MAX_REFERENCE = 60;

/** Check split lines the way the server will; the total counts what already parses. */
export function checkLines(drafts: readonly LineDraft[]): LinesCheck {
  const problems: LineProblem[][] = [];
  const lines: PaymentLineBody[] = [];
  let total = 0;
  for (const d of drafts) {
    const p: LineProblem[] = [];
    const amount = parseYuan(d.amountText);
    if (amount.ok) total += amount.fen;
    else p.push({ field: 'amount', problem: amount.problem });
    const reference = d.reference.trim();
    if (d.method !== 'CASH' && reference === '') p.push({ field: 'reference', problem: 'required' });
    if (reference.length > MAX_REFERENCE) p.push({ field: 'reference', problem: 'tooLong' });
    problems.push(p);
    if (p.length === 0 && amount.ok) {
      lines.push(
        reference === ''
          ? { method: d.method, amount: amount.fen }
          : { method: d.method, amount: amount.fen, reference },
      );
    }
  }
  let overall: LinesCheck['overall'] = null;
  if (drafts.length === 0) overall = 'none';
  else if (drafts.length > MAX_PAYMENT_LINES) overall = 'tooMany';
  else if (total > MAX_PAYMENT_FEN) overall = 'tooLarge';
  const valid = overall === null && problems.every((p) => p.length === 0);
  return { lines: valid ? lines : null, total, problems, overall };
}

/** The next method to offer when a line is added: one not used yet, cash first. */
export function nextMethod(drafts: readonly LineDraft[]): PaymentMethodChoice {
  const used = new Set(drafts.map((d) => d.method));
  return PAYMENT_METHODS.find((m) => !used.has(m)) ?? 'CASH';
}

/** What remains to reach `target` after the lines typed so far (never negative), fen. */
export function remainder(target: number, drafts: readonly LineDraft[]): number {
  return Math.max(0, target - checkLines(drafts).total);
}
