/**
 * Amounts in Chinese capital numerals 大写金额, as receipts and subscription agreements print them
 * (人民币壹拾万元整). Rules of 《支付结算办法》 附件一 (正确填写票据和结算凭证的基本规定):
 * - digits 零壹贰叁肆伍陆柒捌玖, places 拾佰仟, sections 万 亿, then 元 角 分;
 * - a run of zeros inside the number is written as ONE 零; trailing zeros of a section are not written;
 *   a zero section between two non-zero ones, or a section starting with zero, gives one 零;
 * - an amount that ends at 元 or 角 ends with 整; one that has 分 does not;
 * - 元 followed by 0 角 and a non-zero 分 writes 零 (壹佰元零伍分); with non-zero 角 no 零 is added;
 * - 10 is written 壹拾 (financial style: every place has its digit).
 * Input: integer fen, 0 ≤ fen ≤ 99,999,999,999 (¥999,999,999.99).
 */

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const PLACES = ['仟', '佰', '拾', ''] as const;
const SECTIONS = ['亿', '万', ''] as const;

/** Largest amount written: ¥999,999,999.99. */
export const MAX_CAPITALS_FEN = 99_999_999_999;

/** One 4-digit section (1…9999) without leading 零. */
function section(n: number): string {
  const digits = [Math.floor(n / 1000), Math.floor(n / 100) % 10, Math.floor(n / 10) % 10, n % 10];
  let out = '';
  let zero = false;
  let started = false;
  digits.forEach((d, i) => {
    if (d === 0) {
      if (started) zero = true;
      return;
    }
    if (zero) out += '零';
    out += DIGITS[d] + PLACES[i]!;
    zero = false;
    started = true;
  });
  return out;
}

/** "壹拾万元整" (without the 人民币 prefix). */
export function chineseCapitals(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0 || fen > MAX_CAPITALS_FEN) {
    throw new RangeError(`amount must be whole fen in [0, ${MAX_CAPITALS_FEN}], got ${fen}`);
  }
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  const groups = [Math.floor(yuan / 100_000_000), Math.floor(yuan / 10_000) % 10_000, yuan % 10_000];
  let out = '';
  let started = false;
  let gap = false;
  groups.forEach((g, i) => {
    if (g === 0) {
      if (started) gap = true;
      return;
    }
    if (started && (gap || g < 1000)) out += '零';
    out += section(g) + SECTIONS[i]!;
    started = true;
    gap = false;
  });
  if (jiao === 0 && cents === 0) return `${started ? out : '零'}元整`;
  if (started) out += '元';
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (started) out += '零';
  out += cents > 0 ? `${DIGITS[cents]}分` : '整';
  return out;
}

/** "人民币壹拾万元整": the form printed on receipts and agreements. */
export function amountInCapitals(fen: number): string {
  return `人民币${chineseCapitals(fen)}`;
}
