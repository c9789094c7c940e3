import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_PAYMENT_FEN, paymentLineSchema } from '@kaipan/shared';
import {
  checkLines,
  fenToDisplay,
  fenToInput,
  nextMethod,
  parseYuan,
  remainder,
  type LineDraft,
} from './cashier-money';

const fen = (text: string): number | string => {
  const r = parseYuan(text);
  return r.ok ? r.fen : r.problem;
};

describe('yuan text → fen (no floats)', () => {
  it('reads plain, grouped, signed-with-¥ and decimal amounts exactly', () => {
    expect(fen('50000')).toBe(5_000_000);
    expect(fen('50,000.00')).toBe(5_000_000);
    expect(fen('¥1,234,567.89')).toBe(123_456_789);
    expect(fen('￥ 12 345.6')).toBe(1_234_560);
    expect(fen('0.29')).toBe(29); // 0.29 * 100 is 28.999999999999996 as a float
    expect(fen('0.07')).toBe(7);
    expect(fen('1.1')).toBe(110);
    expect(fen('.5')).toBe(50);
    expect(fen('5.')).toBe(500);
    expect(fen('007.10')).toBe(710);
    expect(fen('1.500')).toBe(150); // trailing zeros beyond fen are harmless
  });

  it('reads full-width digits from a Chinese IME and the 万 suffix', () => {
    expect(fen('５０００．５')).toBe(500_050);
    expect(fen('１２，０００')).toBe(1_200_000);
    expect(fen('10万')).toBe(10_000_000); // ¥100,000
    expect(fen('1.5万')).toBe(1_500_000);
    expect(fen('0.000001万')).toBe(1);
    expect(fen('1.0000001万')).toBe('decimals');
  });

  it('refuses what is not a fen amount, and says why', () => {
    expect(fen('')).toBe('empty');
    expect(fen('   ')).toBe('empty');
    expect(fen('abc')).toBe('invalid');
    expect(fen('1,2345')).toBe('invalid');
    expect(fen('12,34.5')).toBe('invalid');
    expect(fen('-5')).toBe('invalid');
    expect(fen('1e5')).toBe('invalid');
    expect(fen('.')).toBe('invalid');
    expect(fen('1.2.3')).toBe('invalid');
    expect(fen('0.001')).toBe('decimals');
    expect(fen('1.234')).toBe('decimals');
    expect(fen('0')).toBe('zero');
    expect(fen('0.00')).toBe('zero');
    expect(fen('100000000.01')).toBe('tooLarge');
    expect(fen('100000000')).toBe(MAX_PAYMENT_FEN);
    expect(fen('99999999999999999999')).toBe('tooLarge');
  });

  it('round-trips every fen amount through its input text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_PAYMENT_FEN }), (n) => {
        expect(parseYuan(fenToInput(n))).toEqual({ ok: true, fen: n });
        // …and with thousands separators as people type them.
        expect(parseYuan(fenToDisplay(n))).toEqual({ ok: true, fen: n });
      }),
    );
  });

  it('formats fen for an input and for reading back', () => {
    expect(fenToDisplay(5_000_000)).toBe('50,000.00');
    expect(fenToDisplay(123_456_789)).toBe('1,234,567.89');
    expect(fenToDisplay(99_900)).toBe('999.00');
    expect(fenToInput(5_000_000)).toBe('50000.00');
    expect(fenToInput(7)).toBe('0.07');
    expect(fenToInput(123_456_789)).toBe('1234567.89');
  });
});

describe('split payment lines', () => {
  const line = (method: LineDraft['method'], amountText: string, reference = ''): LineDraft => ({
    method,
    amountText,
    reference,
  });

  it('builds API lines the server schema accepts, with the live total', () => {
    const check = checkLines([line('CASH', '30,000'), line('WECHAT', '20000.50', ' 4200001234 ')]);
    expect(check.total).toBe(5_000_050);
    expect(check.lines).toEqual([
      { method: 'CASH', amount: 3_000_000 },
      { method: 'WECHAT', amount: 2_000_050, reference: '4200001234' },
    ]);
    for (const l of check.lines ?? []) expect(paymentLineSchema.safeParse(l).success).toBe(true);
  });

  it('needs a reference for every method but cash, and counts what parses in the total', () => {
    const check = checkLines([line('CASH', '100'), line('BANK_CARD', '50'), line('ALIPAY', 'x', 'T1')]);
    expect(check.lines).toBeNull();
    expect(check.total).toBe(15_000);
    expect(check.problems).toEqual([
      [],
      [{ field: 'reference', problem: 'required' }],
      [{ field: 'amount', problem: 'invalid' }],
    ]);
  });

  it('refuses no lines, more than six, a too-long reference and a total above the largest payment', () => {
    expect(checkLines([]).overall).toBe('none');
    const seven = Array.from({ length: 7 }, () => line('CASH', '1'));
    expect(checkLines(seven).overall).toBe('tooMany');
    expect(checkLines(seven).lines).toBeNull();
    expect(checkLines([line('CHEQUE', '1', 'x'.repeat(61))]).problems[0]).toEqual([
      { field: 'reference', problem: 'tooLong' },
    ]);
    const big = checkLines([line('CASH', '60000000'), line('CASH', '60000000')]);
    expect(big.overall).toBe('tooLarge');
    expect(big.lines).toBeNull();
  });

  it('offers an unused method for a new line and the remainder to reach what is due', () => {
    expect(nextMethod([])).toBe('CASH');
    expect(nextMethod([line('CASH', '1')])).toBe('BANK_CARD');
    expect(remainder(5_000_000, [line('CASH', '30000')])).toBe(2_000_000);
    expect(remainder(5_000_000, [line('CASH', '60000')])).toBe(0);
  });
});
