/** Money on setup screens: typed and shown in yuan (up to 2 decimals), sent and stored in fen. */

/** "50000" / "50,000.5" → 5000050 fen; null for anything else (negative, 3 decimals, letters). */
export function fenOfYuanText(text: string): number | null {
  const clean = text.replace(/[,，\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  const [whole, frac = ''] = clean.split('.') as [string, string?];
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** 5000050 fen → "50000.50"; whole yuan without decimals ("50000"). */
export function yuanTextOfFen(fen: number): string {
  const yuan = Math.floor(fen / 100);
  const rest = fen % 100;
  return rest === 0 ? String(yuan) : `${yuan}.${String(rest).padStart(2, '0')}`;
}
