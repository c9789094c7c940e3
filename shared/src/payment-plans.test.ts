import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_PRICE_FEN,
  SCHEDULE_REFUSAL_CODES,
  addCalendarDays,
  buildSchedule,
  calendarDateInZone,
  paymentPlanSchema,
  type PaymentPlan,
  type ScheduleItem,
} from './payment-plans.js';

const SIGNED = '2026-11-28T09:30:00+08:00';
const TZ = 'Asia/Shanghai';
/** ¥4,089,781.00: ¥4,215,400 × 99 % × 98 %, rounded to the yuan (see pricing.test.ts). */
const FINAL = 408_978_100;

function schedule(plan: PaymentPlan, finalPrice = FINAL, signedAt = SIGNED, timeZone = TZ): ScheduleItem[] {
  const r = buildSchedule(plan, finalPrice, signedAt, timeZone);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.schedule;
}
const rows = (s: ScheduleItem[]): [string, number, string][] => s.map((i) => [i.kind, i.amount, i.dueDate]);
const codeOf = (plan: PaymentPlan, finalPrice = FINAL, signedAt = SIGNED, timeZone = TZ): string => {
  const r = buildSchedule(plan, finalPrice, signedAt, timeZone);
  return r.ok ? 'ok' : r.code;
};

describe('buildSchedule — examples', () => {
  it('lump sum 一次性: ¥50,000 deposit today, the balance within 7 days', () => {
    const s = schedule({ kind: 'LUMP_SUM', depositFen: 5_000_000, balanceDueDays: 7 });
    expect(rows(s)).toEqual([
      ['DEPOSIT', 5_000_000, '2026-11-28'],
      ['BALANCE', 403_978_100, '2026-12-05'],
    ]);
    expect(s.map((i) => [i.label, i.labelEn])).toEqual([
      ['定金', 'Deposit'],
      ['尾款', 'Balance'],
    ]);
  });

  it('mortgage 按揭: 30 % down (deposit included) within 30 days, the loan for the rest', () => {
    const s = schedule({
      kind: 'MORTGAGE',
      depositFen: 5_000_000,
      downPaymentBp: 3000,
      downPaymentDueDays: 30,
      loanNote: '招商银行',
    });
    expect(rows(s)).toEqual([
      ['DEPOSIT', 5_000_000, '2026-11-28'],
      ['DOWN_PAYMENT', 117_693_430, '2026-12-28'], // 122,693,430 − 5,000,000
      ['LOAN', 286_284_670, '2026-12-28'],
    ]);
    expect(s[2]!.note).toBe('招商银行');
    expect(s[1]!.note).toBeUndefined();
  });

  it('mortgage: the down payment is rounded UP to the fen, never below the stated share', () => {
    // 100,000,001 × 35 % = 35,000,000.35 → 35,000,001
    const s = schedule(
      { kind: 'MORTGAGE', depositFen: 1_000_000, downPaymentBp: 3500, downPaymentDueDays: 15 },
      100_000_001,
    );
    expect(s.map((i) => i.amount)).toEqual([1_000_000, 34_000_001, 65_000_000]);
  });

  it('installments 分期: 30 % at signing (deposit included), 30 % in 90 days, 40 % in 180 days', () => {
    const s = schedule({
      kind: 'INSTALLMENTS',
      depositFen: 5_000_000,
      installments: [
        { bp: 3000, dueDays: 0 },
        { bp: 3000, dueDays: 90 },
        { bp: 4000, dueDays: 180 },
      ],
    });
    expect(rows(s)).toEqual([
      ['DEPOSIT', 5_000_000, '2026-11-28'],
      ['INSTALLMENT', 117_693_430, '2026-11-28'],
      ['INSTALLMENT', 122_693_430, '2027-02-26'],
      ['INSTALLMENT', 163_591_240, '2027-05-27'],
    ]);
    expect(s.map((i) => i.labelEn)).toEqual([
      'Deposit',
      'Installment 1 (less deposit)',
      'Installment 2',
      'Installment 3',
    ]);
  });

  it('installments: shares round down to the fen, the last takes the remainder', () => {
    const s = schedule(
      {
        kind: 'INSTALLMENTS',
        depositFen: 0,
        installments: [
          { bp: 3333, dueDays: 0 },
          { bp: 3333, dueDays: 30 },
          { bp: 3334, dueDays: 60 },
        ],
      },
      100_000_001,
    );
    // 100,000,001 × 33.33 % = 33,330,000.33 → 33,330,000 (twice); the last: 33,340,001.
    expect(s.map((i) => i.amount)).toEqual([0, 33_330_000, 33_330_000, 33_340_001]);
  });

  it('dates are calendar days in the project time zone', () => {
    const plan: PaymentPlan = { kind: 'LUMP_SUM', depositFen: 1, balanceDueDays: 30 };
    // 16:30 UTC on the 27th is already the 28th in Shanghai, still the 27th in New York.
    expect(rows(schedule(plan, FINAL, '2026-11-27T16:30:00Z', 'Asia/Shanghai'))[0]![2]).toBe('2026-11-28');
    expect(rows(schedule(plan, FINAL, '2026-11-27T16:30:00Z', 'America/New_York'))[0]![2]).toBe('2026-11-27');
    // Month ends and leap years: Jan 31 + 30 days = Mar 2 (2026) / Mar 1 (2028).
    expect(schedule(plan, FINAL, '2026-01-31T10:00:00+08:00')[1]!.dueDate).toBe('2026-03-02');
    expect(schedule(plan, FINAL, '2028-01-31T10:00:00+08:00')[1]!.dueDate).toBe('2028-03-01');
    // A New York signing across the spring DST change stays on calendar days.
    expect(
      schedule({ ...plan, balanceDueDays: 1 }, FINAL, '2026-03-08T04:30:00Z', 'America/New_York').map((i) => i.dueDate),
    ).toEqual(['2026-03-07', '2026-03-08']);
  });

  it('a deposit equal to the price leaves a zero balance line', () => {
    expect(rows(schedule({ kind: 'LUMP_SUM', depositFen: FINAL, balanceDueDays: 0 }))).toEqual([
      ['DEPOSIT', FINAL, '2026-11-28'],
      ['BALANCE', 0, '2026-11-28'],
    ]);
  });
});

describe('buildSchedule — refusals', () => {
  it('refuses with a code', () => {
    expect(codeOf({ kind: 'LUMP_SUM', depositFen: FINAL + 1, balanceDueDays: 7 })).toBe('DEPOSIT_EXCEEDS_PRICE');
    expect(codeOf({ kind: 'MORTGAGE', depositFen: 200_000_000, downPaymentBp: 3000, downPaymentDueDays: 30 })).toBe(
      'DEPOSIT_EXCEEDS_DOWN_PAYMENT',
    );
    expect(
      codeOf({
        kind: 'INSTALLMENTS',
        depositFen: 50_000_000,
        installments: [
          { bp: 1000, dueDays: 0 },
          { bp: 9000, dueDays: 60 },
        ],
      }),
    ).toBe('DEPOSIT_EXCEEDS_FIRST_INSTALLMENT');
    expect(codeOf({ kind: 'LUMP_SUM', depositFen: 1, balanceDueDays: 7 }, FINAL, SIGNED, 'Mars/Olympus')).toBe(
      'INVALID_TIMEZONE',
    );
    expect(codeOf({ kind: 'LUMP_SUM', depositFen: 1, balanceDueDays: 7 }, FINAL, '2026-02-30T10:00:00+08:00')).toBe(
      'INVALID_SIGNED_AT',
    );
    expect(codeOf({ kind: 'LUMP_SUM', depositFen: 1, balanceDueDays: 7 }, FINAL, '2026-11-28 09:30')).toBe(
      'INVALID_SIGNED_AT',
    );
    expect(codeOf({ kind: 'LUMP_SUM', depositFen: 1, balanceDueDays: 7 }, 1.5)).toBe('INVALID_PRICE');
    expect(codeOf({ kind: 'LUMP_SUM', depositFen: 1, balanceDueDays: 7 }, -100)).toBe('INVALID_PRICE');
    expect(codeOf({ kind: 'LUMP_SUM', depositFen: 1, balanceDueDays: -1 })).toBe('INVALID_PLAN');
  });

  it('the schema refuses installments not summing to 100 % or going back in time', () => {
    const plan = (installments: { bp: number; dueDays: number }[]) => ({
      kind: 'INSTALLMENTS',
      depositFen: 0,
      installments,
    });
    expect(
      paymentPlanSchema.safeParse(
        plan([
          { bp: 5000, dueDays: 0 },
          { bp: 4999, dueDays: 30 },
        ]),
      ).success,
    ).toBe(false);
    expect(
      paymentPlanSchema.safeParse(
        plan([
          { bp: 5000, dueDays: 30 },
          { bp: 5000, dueDays: 0 },
        ]),
      ).success,
    ).toBe(false);
    expect(
      paymentPlanSchema.safeParse(
        plan([
          { bp: 5000, dueDays: 0 },
          { bp: 5000, dueDays: 30 },
        ]),
      ).success,
    ).toBe(true);
    expect(
      paymentPlanSchema.safeParse({ kind: 'MORTGAGE', depositFen: 0, downPaymentBp: 10_000, downPaymentDueDays: 0 })
        .success,
    ).toBe(false);
    expect(
      codeOf({
        kind: 'INSTALLMENTS',
        depositFen: 0,
        installments: [
          { bp: 5000, dueDays: 0 },
          { bp: 4000, dueDays: 30 },
        ],
      }),
    ).toBe('INVALID_PLAN');
  });
});

// ── Properties ──────────────────────────────────────────────────────────────────────────────────

const arbDays = fc.integer({ min: 0, max: 3650 });
const arbInstallments = fc
  .record({
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { maxLength: 11 }),
    days: fc.array(arbDays, { minLength: 12, maxLength: 12 }),
  })
  .map(({ cuts, days }) => {
    const points = [0, ...[...cuts].sort((a, b) => a - b), 10_000];
    const sortedDays = [...days].sort((a, b) => a - b);
    return points.slice(1).map((p, i) => ({ bp: p - points[i]!, dueDays: sortedDays[i]! }));
  });
const arbDeposit = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: MAX_PRICE_FEN }));
const arbPlan: fc.Arbitrary<PaymentPlan> = fc.oneof(
  fc.record({ kind: fc.constant('LUMP_SUM' as const), depositFen: arbDeposit, balanceDueDays: arbDays }),
  fc.record({
    kind: fc.constant('MORTGAGE' as const),
    depositFen: arbDeposit,
    downPaymentBp: fc.integer({ min: 1, max: 9999 }),
    downPaymentDueDays: arbDays,
  }),
  fc.record({ kind: fc.constant('INSTALLMENTS' as const), depositFen: arbDeposit, installments: arbInstallments }),
);
const arbFinal = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 2_000_000_000 }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: MAX_PRICE_FEN }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 1000 }), weight: 1 },
);
const arbInstant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) })
  .map((ms) => new Date(ms).toISOString());
const arbZone = fc.constantFrom(
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Urumqi',
  'America/New_York',
  'Europe/London',
  'Pacific/Auckland',
);

/** Days between two YYYY-MM-DD dates. */
const daysBetween = (a: string, b: string): number =>
  (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

describe('buildSchedule — properties', () => {
  it('amounts sum exactly to the final price, are ≥ 0, and due dates never decrease', () => {
    fc.assert(
      fc.property(arbPlan, arbFinal, arbInstant, arbZone, (plan, finalPrice, signedAt, zone) => {
        const r = buildSchedule(plan, finalPrice, signedAt, zone);
        if (!r.ok) {
          expect(SCHEDULE_REFUSAL_CODES).toContain(r.code);
          return;
        }
        const s = r.schedule;
        expect(s.reduce((sum, i) => sum + i.amount, 0)).toBe(finalPrice);
        for (const i of s) {
          expect(Number.isSafeInteger(i.amount)).toBe(true);
          expect(i.amount).toBeGreaterThanOrEqual(0);
          expect(i.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        }
        for (let k = 1; k < s.length; k++) expect(s[k]!.dueDate >= s[k - 1]!.dueDate).toBe(true);
        const day0 = calendarDateInZone(signedAt, zone);
        expect(s[0]).toMatchObject({ kind: 'DEPOSIT', amount: plan.depositFen, dueDays: 0, dueDate: day0 });
        for (const i of s) expect(daysBetween(day0, i.dueDate)).toBe(i.dueDays);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses exactly when the deposit does not fit', () => {
    fc.assert(
      fc.property(arbPlan, arbFinal, (plan, finalPrice) => {
        const r = buildSchedule(plan, finalPrice, SIGNED, TZ);
        const bp =
          plan.kind === 'MORTGAGE'
            ? plan.downPaymentBp
            : plan.kind === 'INSTALLMENTS'
              ? plan.installments[0]!.bp
              : 10_000;
        const single = plan.kind === 'INSTALLMENTS' && plan.installments.length === 1;
        // The deposit must fit in the price, then in the down payment (ceil) / the first installment (floor).
        const share = BigInt(finalPrice) * BigInt(bp);
        const room =
          plan.kind === 'MORTGAGE'
            ? (share + 9999n) / 10_000n
            : plan.kind === 'INSTALLMENTS' && !single
              ? share / 10_000n
              : BigInt(finalPrice);
        const expected =
          plan.depositFen > finalPrice
            ? 'DEPOSIT_EXCEEDS_PRICE'
            : BigInt(plan.depositFen) > room
              ? plan.kind === 'MORTGAGE'
                ? 'DEPOSIT_EXCEEDS_DOWN_PAYMENT'
                : 'DEPOSIT_EXCEEDS_FIRST_INSTALLMENT'
              : 'ok';
        expect(r.ok ? 'ok' : r.code).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('mortgage: down payment = ceil(final × bp), the loan is the rest', () => {
    fc.assert(
      fc.property(arbFinal, fc.integer({ min: 1, max: 9999 }), (finalPrice, downPaymentBp) => {
        const s = schedule({ kind: 'MORTGAGE', depositFen: 0, downPaymentBp, downPaymentDueDays: 30 }, finalPrice);
        const down = BigInt(s[0]!.amount + s[1]!.amount);
        const exact = BigInt(finalPrice) * BigInt(downPaymentBp); // × 1/10000
        expect(down * 10_000n >= exact && down * 10_000n < exact + 10_000n).toBe(true);
        expect(s[2]).toMatchObject({ kind: 'LOAN', amount: finalPrice - Number(down) });
      }),
    );
  });

  it('installments: each but the last is its share rounded down; the last is within n fen of its share', () => {
    fc.assert(
      fc.property(arbInstallments, arbFinal, (installments, finalPrice) => {
        const s = schedule({ kind: 'INSTALLMENTS', depositFen: 0, installments }, finalPrice).slice(1);
        const n = installments.length;
        installments.forEach((it, k) => {
          const share = BigInt(finalPrice) * BigInt(it.bp); // × 1/10000
          const got = BigInt(s[k]!.amount) * 10_000n;
          if (k < n - 1) expect(got <= share && got > share - 10_000n).toBe(true);
          else expect(got >= share && got < share + BigInt(n) * 10_000n).toBe(true);
        });
      }),
    );
  });

  it('is deterministic and JSON-stable', () => {
    fc.assert(
      fc.property(arbPlan, arbFinal, arbInstant, arbZone, (plan, finalPrice, signedAt, zone) => {
        const a = buildSchedule(plan, finalPrice, signedAt, zone);
        const b = buildSchedule(JSON.parse(JSON.stringify(plan)) as PaymentPlan, finalPrice, signedAt, zone);
        expect(b).toEqual(a);
        expect(JSON.parse(JSON.stringify(a))).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });
});

describe('calendar helpers — properties', () => {
  it('calendarDateInZone matches a fixed-offset reference for zones without DST', () => {
    fc.assert(
      fc.property(arbInstant, (iso) => {
        const ms = Date.parse(iso);
        expect(calendarDateInZone(iso, 'Asia/Shanghai')).toBe(new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10));
        expect(calendarDateInZone(iso, 'UTC')).toBe(iso.slice(0, 10));
      }),
      { numRuns: 500 },
    );
  });

  it('addCalendarDays composes and counts days exactly', () => {
    fc.assert(
      fc.property(arbInstant, arbDays, arbDays, (iso, a, b) => {
        const d = iso.slice(0, 10);
        expect(addCalendarDays(addCalendarDays(d, a), b)).toBe(addCalendarDays(d, a + b));
        expect(daysBetween(d, addCalendarDays(d, a))).toBe(a);
      }),
      { numRuns: 500 },
    );
  });
});
