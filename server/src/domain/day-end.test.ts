import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DayEndTotals, PaymentKind, PaymentMethod, PaymentStatus } from '@kaipan/shared';
import { csvField, dayEndCsv, dayEndSums, yuanText, type DayEndCsvRow, type DayEndRow } from './day-end.js';
import { labelsCollide, remainingNumbers } from './receipt-numbers.js';

let seq = 0;
function row(kind: PaymentKind, lines: [PaymentMethod, number][], extra: Partial<DayEndRow> = {}): DayEndRow {
  seq += 1;
  return {
    id: `p${seq}`,
    kind,
    status: 'RECORDED',
    amount: lines.reduce((s, [, a]) => s + a, 0),
    lines: lines.map(([method, amount]) => ({ method, amount })),
    convertedFromId: null,
    createdAt: `2026-11-28T0${Math.min(9, seq % 10)}:00:00.000Z`,
    receipt: {
      label: `KP-${String(seq).padStart(4, '0')}`,
      number: seq,
      status: 'ISSUED',
      issuedAt: `2026-11-28T01:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    },
    ...extra,
  };
}

describe('day-end sums', () => {
  it('adds money in by kind and method, subtracts refunds, leaves out voids and lists conversions apart', () => {
    seq = 0;
    const rows = [
      row('SINCERITY', [['CASH', 20_000_00]]),
      row('DEPOSIT', [
        ['WECHAT', 30_000_00],
        ['BANK_CARD', 20_000_00],
      ]),
      row('DEPOSIT', [['CONVERSION', 20_000_00]], { convertedFromId: 'p1' }),
      row('REFUND', [['TRANSFER', 5_000_00]]),
      row('OTHER', [['CASH', 100_00]], {
        status: 'VOIDED',
        receipt: { label: 'KP-0005', number: 5, status: 'VOIDED', issuedAt: '2026-11-28T01:00:05.000Z' },
      }),
      // Converted and refunded later: their money still came in on this day.
      row('SINCERITY', [['ALIPAY', 10_000_00]], { status: 'CONVERTED' }),
      row('SINCERITY', [['CASH', 5_000_00]], { status: 'REFUNDED' }),
    ];
    const sums = dayEndSums(rows);
    expect(sums.byKind).toEqual({
      SINCERITY: { count: 3, amount: 35_000_00 },
      DEPOSIT: { count: 1, amount: 50_000_00 },
      REFUND: { count: 1, amount: 5_000_00 },
    });
    expect(sums.byMethod).toEqual({
      CASH: { count: 2, amount: 25_000_00 },
      WECHAT: { count: 1, amount: 30_000_00 },
      BANK_CARD: { count: 1, amount: 20_000_00 },
      ALIPAY: { count: 1, amount: 10_000_00 },
      TRANSFER: { count: 1, amount: -5_000_00 },
      CONVERSION: { count: 1, amount: 20_000_00 },
    });
    expect(sums.net).toBe(35_000_00 + 50_000_00 - 5_000_00);
    expect(sums).toMatchObject({
      receiptsIssued: 7,
      receiptsVoided: 1,
      firstReceipt: 'KP-0001',
      lastReceipt: 'KP-0007',
    });
  });

  it('an empty day is all zeros', () => {
    expect(dayEndSums([])).toEqual({
      byKind: {},
      byMethod: {},
      net: 0,
      receiptsIssued: 0,
      receiptsVoided: 0,
      firstReceipt: null,
      lastReceipt: null,
    });
  });

  it('net = Σ incoming kinds − refunds = Σ methods without CONVERSION, for any day (property)', () => {
    const kinds: PaymentKind[] = ['SINCERITY', 'DEPOSIT', 'DOWN_PAYMENT', 'OTHER', 'REFUND'];
    const methods: PaymentMethod[] = ['CASH', 'BANK_CARD', 'TRANSFER', 'WECHAT', 'ALIPAY', 'CHEQUE'];
    const statuses: PaymentStatus[] = ['RECORDED', 'VOIDED', 'CONVERTED', 'REFUNDED'];
    const arbRow = fc.record({
      kind: fc.constantFrom(...kinds),
      status: fc.constantFrom(...statuses),
      conversion: fc.boolean(),
      lines: fc.array(fc.tuple(fc.constantFrom(...methods), fc.integer({ min: 1, max: 1_000_000_00 })), {
        minLength: 1,
        maxLength: 6,
      }),
    });
    fc.assert(
      fc.property(fc.array(arbRow, { maxLength: 40 }), (specs) => {
        const rows = specs.map((s) =>
          s.conversion
            ? row('DEPOSIT', [['CONVERSION', s.lines[0]![1]]], {
                convertedFromId: 'x',
                status: s.status === 'VOIDED' ? 'VOIDED' : 'RECORDED',
              })
            : row(s.kind, s.lines, { status: s.status }),
        );
        const sums = dayEndSums(rows);
        const byKind = Object.entries(sums.byKind).reduce(
          (s, [k, l]) => s + (k === 'REFUND' ? -l.amount : l.amount),
          0,
        );
        const byMethod = Object.entries(sums.byMethod).reduce(
          (s, [m, l]) => s + (m === 'CONVERSION' ? 0 : l.amount),
          0,
        );
        expect(sums.net).toBe(byKind);
        expect(sums.net).toBe(byMethod);
        const live = rows.filter((r) => r.status !== 'VOIDED');
        expect(sums.byMethod.CONVERSION?.count ?? 0).toBe(live.filter((r) => r.convertedFromId !== null).length);
        expect(sums.receiptsIssued).toBe(rows.length);
        expect(sums.receiptsVoided).toBe(0);
      }),
    );
  });
});

describe('day-end CSV', () => {
  it('has a BOM, CRLF lines, one row per payment and the totals; formulas are defused', () => {
    seq = 0;
    const base = [row('SINCERITY', [['CASH', 20_000_00]]), row('REFUND', [['TRANSFER', 1_234_56]])];
    const rows: DayEndCsvRow[] = [
      { ...base[0]!, payerName: '=HYPERLINK("x")', subject: 'R0007', createdAt: '2026-11-28T01:02:03.000Z' },
      {
        ...base[1]!,
        payerName: '王, 丽华',
        subject: '1-2502',
        createdAt: '2026-11-28T02:00:00.000Z',
        lines: [{ method: 'TRANSFER', amount: 1_234_56, reference: 'T-1' }],
      },
    ];
    const totals: DayEndTotals = {
      businessDate: '2026-11-28',
      cashierId: 'c',
      cashier: '出纳',
      ...dayEndSums(rows),
      closed: false,
      closedAt: null,
      closedBy: null,
      dayCloseId: null,
    };
    const csv = dayEndCsv(totals, rows, 'Asia/Shanghai');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[2]).toBe(
      `KP-0001,09:02:03,诚意金 Sincerity deposit,现金 Cash 20000.00,20000.00,"'=HYPERLINK(""x"")",R0007,已收款 Recorded`,
    );
    expect(lines[3]).toBe(
      `KP-0002,10:00:00,退款 Refund,银行转账 Bank transfer 1234.56 (T-1),-1234.56,"王, 丽华",1-2502,已收款 Recorded`,
    );
    expect(csv).toContain('净额 Net,,18765.44');
    expect(csv).toContain('类型 退款 Refund,1,-1234.56');
    expect(csv).toContain('方式 银行转账 Bank transfer,1,-1234.56');
    // Words, never the stored codes.
    expect(csv).not.toMatch(/\b(SINCERITY|REFUND|CASH|TRANSFER|RECORDED)\b/);
    expect(csv).toContain('首张 First receipt,KP-0001,');
  });

  it('writes yuan with two decimals and quotes only when needed', () => {
    expect(yuanText(0)).toBe('0.00');
    expect(yuanText(5)).toBe('0.05');
    expect(yuanText(-5)).toBe('-0.05');
    expect(yuanText(99_999_999_999)).toBe('999999999.99');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('-1.00', false)).toBe('-1.00');
    expect(csvField('-1')).toBe("'-1");
  });
});

describe('receipt book labels', () => {
  const book = (prefix: string, firstNumber: number, lastNumber: number, digits = 6) => ({
    prefix,
    firstNumber,
    lastNumber,
    digits,
  });

  it('same prefix and width: ranges must not overlap', () => {
    expect(labelsCollide(book('KP-', 1, 100), book('KP-', 100, 200))).toBe(true);
    expect(labelsCollide(book('KP-', 1, 100), book('KP-', 101, 200))).toBe(false);
    expect(labelsCollide(book('KP-', 50, 60), book('KP-', 1, 100))).toBe(true);
  });

  it('different widths or unrelated prefixes never collide', () => {
    expect(labelsCollide(book('KP-', 1, 100, 6), book('KP-', 1, 100, 7))).toBe(false);
    expect(labelsCollide(book('KP-', 1, 100), book('XP-', 1, 100))).toBe(false);
    expect(labelsCollide(book('KP', 1, 100, 7), book('KPA', 1, 100, 6))).toBe(false);
  });

  it('a longer prefix ending in digits can print the shorter book’s labels', () => {
    // KP + 0000001 (7 digits) = KP0 + 000001 (6 digits)
    expect(labelsCollide(book('KP', 1, 10, 7), book('KP0', 1, 10, 6))).toBe(true);
    // KP1 + 000001 = KP + 1000001
    expect(labelsCollide(book('KP', 1, 999_999, 7), book('KP1', 1, 10, 6))).toBe(false);
    expect(labelsCollide(book('KP', 1_000_000, 1_000_005, 7), book('KP1', 5, 10, 6))).toBe(true);
  });

  it('agrees with brute force on small books (property)', () => {
    const arb = fc.record({
      prefix: fc.constantFrom('A', 'A0', 'A1', 'A01', 'B', 'A-'),
      firstNumber: fc.integer({ min: 0, max: 150 }),
      span: fc.integer({ min: 0, max: 60 }),
      digits: fc.integer({ min: 3, max: 4 }),
    });
    const labels = (b: ReturnType<typeof book>) => {
      const out = new Set<string>();
      for (let n = b.firstNumber; n <= b.lastNumber; n += 1) out.add(`${b.prefix}${String(n).padStart(b.digits, '0')}`);
      return out;
    };
    fc.assert(
      fc.property(arb, arb, (x, y) => {
        const a = book(x.prefix, x.firstNumber, x.firstNumber + x.span, x.digits);
        const b = book(y.prefix, y.firstNumber, y.firstNumber + y.span, y.digits);
        const la = labels(a);
        const brute = [...labels(b)].some((l) => la.has(l));
        expect(labelsCollide(a, b)).toBe(brute);
      }),
    );
  });

  it('counts what is left', () => {
    expect(remainingNumbers({ nextNumber: 1, lastNumber: 3 })).toBe(3);
    expect(remainingNumbers({ nextNumber: 4, lastNumber: 3 })).toBe(0);
  });
});
