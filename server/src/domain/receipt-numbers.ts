/**
 * Receipt books 收据本: which labels a book can print, and whether two books could ever print the
 * same label. Pure rules (no I/O); the service checks new books against the project's books under
 * the project's row lock.
 */

export interface BookRange {
  prefix: string;
  firstNumber: number;
  lastNumber: number;
  /** Numbers are zero-padded to this width; lastNumber never has more digits (shared receiptBookSchema). */
  digits: number;
}

/**
 * True when some label of `a` equals some label of `b`. Labels are prefix + number padded to
 * `digits`, so every label of a book has length prefix.length + digits. Two books can collide only
 * when those lengths agree and one prefix starts the other: "KP" with 7 digits and "KP0" with 6
 * digits both print KP0000001. The longer prefix's extra characters must then be digits, and its
 * range maps into the shorter book's number space as extra × 10^digits + n.
 */
export function labelsCollide(a: BookRange, b: BookRange): boolean {
  if (a.prefix.length + a.digits !== b.prefix.length + b.digits) return false;
  const [short, long] = a.prefix.length <= b.prefix.length ? [a, b] : [b, a];
  if (!long.prefix.startsWith(short.prefix)) return false;
  const extra = long.prefix.slice(short.prefix.length);
  if (extra !== '' && !/^[0-9]+$/.test(extra)) return false;
  const base = extra === '' ? 0n : BigInt(extra) * 10n ** BigInt(long.digits);
  const from = base + BigInt(long.firstNumber);
  const to = base + BigInt(long.lastNumber);
  return from <= BigInt(short.lastNumber) && BigInt(short.firstNumber) <= to;
}

/** Numbers a book still has (0 = exhausted). */
export function remainingNumbers(book: { nextNumber: number; lastNumber: number }): number {
  return Math.max(0, book.lastNumber - book.nextNumber + 1);
}
