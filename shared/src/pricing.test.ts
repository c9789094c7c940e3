import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PRICE_FEN, PLAN_KINDS, type PlanKind } from './payment-plans.js';
import {
  DISCOUNT_KINDS,
  PRICING_REFUSAL_CODES,
  ROUNDING_MODES,
  ROUNDING_UNITS,
  ROUNDING_UNIT_FEN,
  computePrice,
  discountRuleSchema,
  isUnitInRepriceScope,
  pricingPolicySchema,
  quoteDeal,
  repriceAmount,
  repricePreview,
  roundFen,
  type ComputePriceInput,
  type DiscountKind,
  type DiscountRule,
  type PriceBreakdown,
  type PricingPolicyInput,
  type RepriceScope,
  type RepriceUnit,
  type Rounding,
} from './pricing.js';

/** A valid UUID from a small number, so fixtures stay readable. */
const uid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

// A realistic launch (开盘 2026-11-28, Asia/Shanghai) and its discount catalogue.
const LAUNCH_AT = '2026-11-28T09:30:00+08:00';
const PROMO: DiscountRule = {
  id: uid(1),
  code: 'OPEN-DAY',
  kind: 'PROMOTION',
  name: '开盘当日特惠99折',
  nameEn: 'Opening-day 1% off',
  rateBp: 9900,
  validFrom: '2026-11-28T00:00:00+08:00',
  validTo: '2026-11-29T00:00:00+08:00',
};
const LUMP98: DiscountRule = {
  id: uid(2),
  code: 'LUMP98',
  kind: 'PAYMENT_METHOD',
  name: '一次性付款98折',
  nameEn: 'Lump sum 2% off',
  rateBp: 9800,
  paymentMethods: ['LUMP_SUM'],
};
const MORT99: DiscountRule = {
  id: uid(3),
  code: 'MORT99',
  kind: 'PAYMENT_METHOD',
  name: '按揭99折',
  nameEn: 'Mortgage 1% off',
  rateBp: 9900,
  paymentMethods: ['MORTGAGE'],
};
const STAFF: DiscountRule = {
  id: uid(4),
  code: 'STAFF',
  kind: 'IDENTITY',
  name: '员工购房97折',
  nameEn: 'Staff 3% off',
  rateBp: 9700,
  identityTag: 'staff',
};
const OWNER: DiscountRule = {
  id: uid(5),
  code: 'OWNER',
  kind: 'IDENTITY',
  name: '老业主减2万',
  nameEn: 'Returning owner ¥20,000 off',
  amountOffFen: 2_000_000,
  identityTag: 'returning-owner',
};
const PLEDGE: DiscountRule = {
  id: uid(6),
  code: 'PLEDGE',
  kind: 'STANDARD',
  name: '认筹1万抵3万',
  nameEn: 'Registration: ¥30,000 for ¥10,000',
  amountOffFen: 2_000_000,
};
const CATALOGUE = [PROMO, LUMP98, MORT99, STAFF, OWNER, PLEDGE];

const POLICY: PricingPolicyInput = {
  stacking: 'MULTIPLY_IN_ORDER',
  maxTotalDiscountBp: 1000,
  rounding: { unit: 'YUAN', mode: 'HALF_UP' },
};
/** ¥4,215,400.00 */
const LIST = 421_540_000;

function quote(over: Partial<ComputePriceInput>): PriceBreakdown {
  const r = computePrice({
    listPrice: LIST,
    floorPrice: 395_000_000,
    discounts: CATALOGUE,
    selected: [],
    planKind: 'LUMP_SUM',
    identityTags: [],
    at: LAUNCH_AT,
    policy: POLICY,
    ...over,
  });
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.breakdown;
}

function refusal(over: Partial<ComputePriceInput>): string {
  const r = computePrice({
    listPrice: LIST,
    floorPrice: 0,
    discounts: CATALOGUE,
    selected: [],
    planKind: 'LUMP_SUM',
    identityTags: [],
    at: LAUNCH_AT,
    policy: POLICY,
    ...over,
  });
  return r.ok ? 'ok' : r.code;
}

describe('computePrice — worked examples', () => {
  it('¥4,215,400 × 99 % opening day × 98 % lump sum, to the yuan: ¥4,089,781', () => {
    // The client lists the payment discount first; the policy order puts the promotion first.
    const b = quote({ selected: [LUMP98.id, PROMO.id] });
    expect(b.steps.map((s) => [s.code, s.before, s.after, s.off])).toEqual([
      ['OPEN-DAY', 421_540_000, 417_324_600, 4_215_400],
      ['LUMP98', 417_324_600, 408_978_108, 8_346_492],
    ]);
    expect(b.discountedPrice).toBe(408_978_108); // ¥4,089,781.08
    expect(b.cap).toEqual({
      maxTotalDiscountBp: 1000,
      limit: 379_386_000,
      before: 408_978_108,
      after: 408_978_108,
      off: 0,
    });
    expect(b.capped).toBe(false);
    expect(b.rounding).toEqual({ unit: 'YUAN', mode: 'HALF_UP', before: 408_978_108, after: 408_978_100, off: 8 });
    expect(b.finalPrice).toBe(408_978_100); // ¥4,089,781.00
    expect(b.totalOff).toBe(12_561_900);
    expect(b.belowFloor).toBe(false);
    expect(b.belowFloorBy).toBe(0);
    expect(b.unusedRuleIds).toEqual([]);
  });

  it('rounding to the hundred yuan, DOWN: ¥4,089,700', () => {
    const b = quote({
      selected: [PROMO.id, LUMP98.id],
      policy: { ...POLICY, rounding: { unit: 'HUNDRED_YUAN', mode: 'DOWN' } },
    });
    expect(b.discountedPrice).toBe(408_978_108);
    expect(b.finalPrice).toBe(408_970_000);
    expect(b.rounding.off).toBe(8_108);
  });

  it('DOWN also rounds every step to the fen downward', () => {
    // 421,540,000 × 0.97 = 408,893,800; × 0.99 = 404,804,862; × 0.98 = 396,708,764.76
    const half = quote({
      selected: [STAFF.id, PROMO.id, LUMP98.id],
      identityTags: ['staff'],
      policy: { ...POLICY, maxTotalDiscountBp: 10_000, rounding: { unit: 'FEN', mode: 'HALF_UP' } },
    });
    const down = quote({
      selected: [STAFF.id, PROMO.id, LUMP98.id],
      identityTags: ['staff'],
      policy: { ...POLICY, maxTotalDiscountBp: 10_000, rounding: { unit: 'FEN', mode: 'DOWN' } },
    });
    expect(half.steps.map((s) => s.after)).toEqual([408_893_800, 404_804_862, 396_708_765]);
    expect(down.steps.map((s) => s.after)).toEqual([408_893_800, 404_804_862, 396_708_764]);
    expect(half.finalPrice).toBe(396_708_765);
    expect(down.finalPrice).toBe(396_708_764);
  });

  it('the cap (5 %) stops staff × promotion × lump sum at ¥4,004,630', () => {
    const b = quote({
      selected: [STAFF.id, PROMO.id, LUMP98.id],
      identityTags: ['staff'],
      policy: { ...POLICY, maxTotalDiscountBp: 500 },
      floorPrice: 405_000_000,
    });
    expect(b.discountedPrice).toBe(396_708_765);
    expect(b.capped).toBe(true);
    expect(b.cap).toEqual({
      maxTotalDiscountBp: 500,
      limit: 400_463_000,
      before: 396_708_765,
      after: 400_463_000,
      off: -3_754_235,
    });
    expect(b.finalPrice).toBe(400_463_000); // ¥4,004,630 = exactly 95 % of the list price
    expect(b.belowFloor).toBe(true);
    expect(b.belowFloorBy).toBe(4_537_000);
  });

  it('amount-off rules subtract at their place in the order', () => {
    // STANDARD (−¥20,000) → IDENTITY (−¥20,000) → PAYMENT_METHOD (× 99 %, mortgage)
    const b = quote({
      selected: [MORT99.id, OWNER.id, PLEDGE.id],
      identityTags: ['returning-owner'],
      planKind: 'MORTGAGE',
    });
    expect(b.steps.map((s) => [s.code, s.after])).toEqual([
      ['PLEDGE', 419_540_000],
      ['OWNER', 417_540_000],
      ['MORT99', 413_364_600],
    ]);
    expect(b.finalPrice).toBe(413_364_600);
  });

  it('a policy order changes the result only through rounding and amount rules, and is recorded', () => {
    const order: DiscountKind[] = ['PAYMENT_METHOD', 'PROMOTION', 'IDENTITY', 'STANDARD'];
    const b = quote({ selected: [PLEDGE.id, LUMP98.id], policy: { ...POLICY, order } });
    // ×98 % first, then −¥20,000 (the other order would give 411,149,200).
    expect(b.steps.map((s) => s.code)).toEqual(['LUMP98', 'PLEDGE']);
    expect(b.finalPrice).toBe(411_109_200);
    expect(b.order).toEqual(order);
  });

  it('several rules of one kind (when allowed) apply by code, then id — not by catalogue or client order', () => {
    const rate: DiscountRule = {
      id: uid(9),
      code: 'B-RATE',
      kind: 'STANDARD',
      name: '开盘99折',
      nameEn: 'Opening 1% off',
      rateBp: 9900,
    };
    const amount: DiscountRule = {
      id: uid(10),
      code: 'A-AMOUNT',
      kind: 'STANDARD',
      name: '减2万',
      nameEn: '¥20,000 off',
      amountOffFen: 2_000_000,
    };
    for (const selected of [
      [rate.id, amount.id],
      [amount.id, rate.id],
    ]) {
      const b = quote({ discounts: [rate, amount], selected, policy: { ...POLICY, multiplePerKind: ['STANDARD'] } });
      // (421,540,000 − 2,000,000) × 99 % = 415,344,600 (by id the rate would go first: 415,324,600).
      expect(b.steps.map((s) => s.code)).toEqual(['A-AMOUNT', 'B-RATE']);
      expect(b.finalPrice).toBe(415_344_600);
    }
  });

  it('BEST_SINGLE applies only the deepest discount', () => {
    const b = quote({
      selected: [LUMP98.id, STAFF.id, PROMO.id],
      identityTags: ['staff'],
      policy: { ...POLICY, stacking: 'BEST_SINGLE' },
    });
    expect(b.steps.map((s) => s.code)).toEqual(['STAFF']);
    expect(b.unusedRuleIds).toEqual([PROMO.id, LUMP98.id]);
    expect(b.finalPrice).toBe(408_893_800);
  });

  it('no discount: the list price (already on the yuan grid)', () => {
    const b = quote({});
    expect(b.steps).toEqual([]);
    expect(b.finalPrice).toBe(LIST);
    expect(b.totalOff).toBe(0);
  });

  it('rounding never lifts a price above the list price, nor below the cap limit', () => {
    // ¥4,215,400.50 with no discount: HALF_UP would give ¥4,215,401 > list, so the lower yuan.
    expect(quote({ listPrice: 421_540_050 }).finalPrice).toBe(421_540_000);
    // With a 0 % cap no yuan lies in [list, list]: the price stays at the fen.
    expect(
      quote({ listPrice: 421_540_050, policy: { ...POLICY, maxTotalDiscountBp: 0 }, selected: [PLEDGE.id] }).finalPrice,
    ).toBe(421_540_050);
    // Cap limit 95 % of ¥100,000.10 = ¥95,000.095 → 9,500,010 fen; DOWN would give ¥95,000 < limit → ¥95,001.
    const b = quote({
      listPrice: 10_000_010,
      floorPrice: 0,
      selected: [STAFF.id, PROMO.id, LUMP98.id],
      identityTags: ['staff'],
      policy: { ...POLICY, maxTotalDiscountBp: 500, rounding: { unit: 'YUAN', mode: 'DOWN' } },
    });
    expect(b.cap.limit).toBe(9_500_010);
    expect(b.capped).toBe(true);
    expect(b.finalPrice).toBe(9_500_100);
  });

  it('a price below the floor price is reported, not refused', () => {
    const b = quote({ selected: [PROMO.id, LUMP98.id], floorPrice: 410_000_000 });
    expect(b.belowFloor).toBe(true);
    expect(b.belowFloorBy).toBe(1_021_900);
  });
});

describe('computePrice — refusals', () => {
  it('refuses invalid selections with a code', () => {
    expect(refusal({ selected: [uid(99)] })).toBe('UNKNOWN_DISCOUNT');
    expect(refusal({ selected: [PROMO.id, PROMO.id] })).toBe('DUPLICATE_SELECTION');
    expect(refusal({ selected: [PROMO.id], at: '2026-11-29T00:00:00+08:00' })).toBe('DISCOUNT_NOT_ACTIVE'); // validTo is exclusive
    expect(refusal({ selected: [PROMO.id], at: '2026-11-27T23:59:59+08:00' })).toBe('DISCOUNT_NOT_ACTIVE');
    expect(refusal({ selected: [PROMO.id], at: '2026-11-27T16:00:00Z' })).toBe('ok'); // = 00:00 +08:00, inclusive
    expect(refusal({ selected: [LUMP98.id], planKind: 'MORTGAGE' })).toBe('PAYMENT_METHOD_MISMATCH');
    expect(refusal({ selected: [STAFF.id], identityTags: ['returning-owner'] })).toBe('IDENTITY_NOT_HELD');
    expect(refusal({ selected: [STAFF.id, OWNER.id], identityTags: ['staff', 'returning-owner'] })).toBe(
      'DUPLICATE_KIND',
    );
    expect(
      refusal({
        selected: [STAFF.id, OWNER.id],
        identityTags: ['staff', 'returning-owner'],
        policy: { ...POLICY, multiplePerKind: ['IDENTITY'] },
      }),
    ).toBe('ok');
    // BEST_SINGLE chooses among several of a kind.
    expect(
      refusal({
        selected: [STAFF.id, OWNER.id],
        identityTags: ['staff', 'returning-owner'],
        policy: { ...POLICY, stacking: 'BEST_SINGLE' },
      }),
    ).toBe('ok');
  });

  it('refuses malformed input as INVALID_INPUT', () => {
    expect(refusal({ listPrice: 1.5 })).toBe('INVALID_INPUT');
    expect(refusal({ listPrice: -1 })).toBe('INVALID_INPUT');
    expect(refusal({ floorPrice: MAX_PRICE_FEN + 1 })).toBe('INVALID_INPUT');
    expect(refusal({ at: 'yesterday' })).toBe('INVALID_INPUT');
    expect(refusal({ policy: { ...POLICY, order: ['STANDARD', 'STANDARD', 'PROMOTION', 'IDENTITY'] } })).toBe(
      'INVALID_INPUT',
    );
    expect(refusal({ policy: { ...POLICY, maxTotalDiscountBp: 10_001 } })).toBe('INVALID_INPUT');
    expect(refusal({ discounts: [...CATALOGUE, { ...PROMO }] })).toBe('INVALID_INPUT'); // duplicate id
    expect(refusal({ discounts: [{ ...LUMP98, amountOffFen: 100 }] })).toBe('INVALID_INPUT');
  });

  it('every code returned is registered', () => {
    for (const code of [
      'UNKNOWN_DISCOUNT',
      'DUPLICATE_SELECTION',
      'DISCOUNT_NOT_ACTIVE',
      'PAYMENT_METHOD_MISMATCH',
      'IDENTITY_NOT_HELD',
      'DUPLICATE_KIND',
      'INVALID_INPUT',
    ]) {
      expect(PRICING_REFUSAL_CODES).toContain(code);
    }
  });
});

describe('discount rule schema', () => {
  it('accepts the catalogue and requires exactly one of rate or amount, and the kind-specific fields', () => {
    for (const r of CATALOGUE) expect(discountRuleSchema.safeParse(r).success).toBe(true);
    const { rateBp: _rate, ...noValue } = PROMO;
    expect(discountRuleSchema.safeParse(noValue).success).toBe(false);
    expect(discountRuleSchema.safeParse({ ...PROMO, amountOffFen: 100 }).success).toBe(false);
    expect(discountRuleSchema.safeParse({ ...PROMO, rateBp: 10_000 }).success).toBe(false);
    expect(discountRuleSchema.safeParse({ ...PROMO, validTo: PROMO.validFrom }).success).toBe(false);
    const { paymentMethods: _pm, ...noMethods } = LUMP98;
    expect(discountRuleSchema.safeParse(noMethods).success).toBe(false);
    expect(discountRuleSchema.safeParse({ ...PROMO, identityTag: 'staff' }).success).toBe(false);
    expect(discountRuleSchema.safeParse({ ...PROMO, extra: 1 }).success).toBe(false);
  });

  it('fills the policy defaults', () => {
    const p = pricingPolicySchema.parse(POLICY);
    expect(p.order).toEqual(['STANDARD', 'IDENTITY', 'PROMOTION', 'PAYMENT_METHOD']);
    expect(p.multiplePerKind).toEqual([]);
  });
});

describe('quoteDeal', () => {
  it('prices with the plan kind at the signing instant and schedules the final price', () => {
    const r = quoteDeal({
      listPrice: LIST,
      floorPrice: 395_000_000,
      discounts: CATALOGUE,
      selected: [PROMO.id, LUMP98.id],
      identityTags: [],
      policy: POLICY,
      plan: { kind: 'LUMP_SUM', depositFen: 5_000_000, balanceDueDays: 7 },
      signedAt: LAUNCH_AT,
      timeZone: 'Asia/Shanghai',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.breakdown.finalPrice).toBe(408_978_100);
    expect(r.schedule.map((i) => [i.kind, i.amount, i.dueDate])).toEqual([
      ['DEPOSIT', 5_000_000, '2026-11-28'],
      ['BALANCE', 403_978_100, '2026-12-05'],
    ]);
  });

  it('passes refusals of either part through', () => {
    const base = {
      listPrice: LIST,
      floorPrice: 0,
      discounts: CATALOGUE,
      identityTags: [],
      policy: POLICY,
      signedAt: LAUNCH_AT,
      timeZone: 'Asia/Shanghai',
    };
    const mortgage = { kind: 'MORTGAGE', depositFen: 5_000_000, downPaymentBp: 3000, downPaymentDueDays: 30 } as const;
    expect(quoteDeal({ ...base, selected: [LUMP98.id], plan: mortgage })).toMatchObject({
      ok: false,
      code: 'PAYMENT_METHOD_MISMATCH',
    });
    expect(quoteDeal({ ...base, selected: [], plan: { ...mortgage, depositFen: 200_000_000 } })).toMatchObject({
      ok: false,
      code: 'DEPOSIT_EXCEEDS_DOWN_PAYMENT',
    });
  });
});

// ── Properties ──────────────────────────────────────────────────────────────────────────────────

const arbRounding: fc.Arbitrary<Rounding> = fc.record({
  unit: fc.constantFrom(...ROUNDING_UNITS),
  mode: fc.constantFrom(...ROUNDING_MODES),
});
const arbOrder = fc.shuffledSubarray([...DISCOUNT_KINDS], { minLength: 4, maxLength: 4 });
const arbPrice = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 2_000_000_000 }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: MAX_PRICE_FEN }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 100_000 }), weight: 1 },
);
const arbValue = fc.oneof(
  fc.record({ rateBp: fc.integer({ min: 1, max: 9999 }) }),
  fc.record({ rateBp: fc.integer({ min: 9000, max: 9999 }) }),
  fc.record({ amountOffFen: fc.integer({ min: 1, max: 50_000_000 }) }),
);

/** Valid rules (ids 1…n) that the buyer, plan and time below always satisfy. */
const arbCatalogue: fc.Arbitrary<DiscountRule[]> = fc
  .array(fc.tuple(fc.constantFrom(...DISCOUNT_KINDS), arbValue), { maxLength: 8 })
  .map((shapes) => shapes.map(([kind, value], i) => applicableRule(i + 1, kind, value)));

function applicableRule(
  n: number,
  kind: DiscountKind,
  value: { rateBp: number } | { amountOffFen: number },
): DiscountRule {
  return {
    id: uid(n),
    code: `R${n}`,
    kind,
    name: `规则${n}`,
    nameEn: `Rule ${n}`,
    ...value,
    ...(kind === 'PROMOTION' ? { validFrom: '2026-11-01T00:00:00+08:00', validTo: '2026-12-01T00:00:00+08:00' } : {}),
    ...(kind === 'PAYMENT_METHOD' ? { paymentMethods: [...PLAN_KINDS] } : {}),
    ...(kind === 'IDENTITY' ? { identityTag: 'staff' } : {}),
  };
}

interface Scenario {
  input: ComputePriceInput;
  cap: number;
  rounding: Rounding;
}

const arbScenario = (stacking?: 'MULTIPLY_IN_ORDER' | 'BEST_SINGLE'): fc.Arbitrary<Scenario> =>
  fc
    .record({
      catalogue: arbCatalogue,
      list: arbPrice,
      floorRatio: fc.integer({ min: 0, max: 11_000 }),
      stacking: stacking
        ? fc.constant(stacking)
        : fc.constantFrom('MULTIPLY_IN_ORDER' as const, 'BEST_SINGLE' as const),
      order: arbOrder,
      cap: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(0, 500, 1000, 10_000)),
      rounding: arbRounding,
      planKind: fc.constantFrom<PlanKind>(...PLAN_KINDS),
    })
    .chain((s) =>
      fc.shuffledSubarray(s.catalogue.map((r) => r.id)).map((selected) => {
        const policy: PricingPolicyInput = {
          stacking: s.stacking,
          order: s.order,
          multiplePerKind: [...DISCOUNT_KINDS],
          maxTotalDiscountBp: s.cap,
          rounding: s.rounding,
        };
        return {
          cap: s.cap,
          rounding: s.rounding,
          input: {
            listPrice: s.list,
            floorPrice: Math.min(MAX_PRICE_FEN, Math.floor((s.list * s.floorRatio) / 10_000)),
            discounts: s.catalogue,
            selected,
            planKind: s.planKind,
            identityTags: ['staff'],
            at: LAUNCH_AT,
            policy,
          },
        };
      }),
    );

function mustPrice(input: ComputePriceInput): PriceBreakdown {
  const r = computePrice(input);
  if (!r.ok) throw new Error(`unexpected refusal ${r.code}: ${r.message}`);
  return r.breakdown;
}

/** Independent reference: round(n / d) for n ≥ 0. */
const refRound = (n: bigint, d: bigint, mode: 'HALF_UP' | 'DOWN'): bigint => {
  const q = n / d;
  const r = n - q * d;
  return mode === 'DOWN' ? q : 2n * r >= d ? q + 1n : q;
};

const deepFreeze = <T>(v: T): T => {
  if (v && typeof v === 'object') {
    Object.values(v).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
};

describe('computePrice — properties', () => {
  it('final ≤ list and final ≥ list × (1 − cap), exactly', () => {
    fc.assert(
      fc.property(arbScenario(), ({ input, cap }) => {
        const b = mustPrice(input);
        expect(b.finalPrice).toBeLessThanOrEqual(input.listPrice);
        expect(BigInt(b.finalPrice) * 10_000n >= BigInt(input.listPrice) * BigInt(10_000 - cap)).toBe(true);
        expect(b.finalPrice).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });

  it('the lines chain and sum exactly to the final price', () => {
    fc.assert(
      fc.property(arbScenario(), ({ input }) => {
        const b = mustPrice(input);
        let price = b.listPrice;
        for (const s of b.steps) {
          expect(s.before).toBe(price);
          expect(s.after).toBe(s.before - s.off);
          expect(s.off).toBeGreaterThanOrEqual(0);
          price = s.after;
        }
        expect(b.discountedPrice).toBe(price);
        expect(b.cap.before).toBe(b.discountedPrice);
        expect(b.cap.after).toBe(b.cap.before - b.cap.off);
        expect(b.cap.off).toBeLessThanOrEqual(0);
        expect(b.capped).toBe(b.cap.off < 0);
        expect(b.rounding.before).toBe(b.cap.after);
        expect(b.rounding.after).toBe(b.finalPrice);
        const sumOff = b.steps.reduce((s, x) => s + x.off, 0) + b.cap.off + b.rounding.off;
        expect(b.listPrice - sumOff).toBe(b.finalPrice);
        expect(b.totalOff).toBe(sumOff);
      }),
      { numRuns: 500 },
    );
  });

  it('every step multiplies (or subtracts) exactly as printed', () => {
    fc.assert(
      fc.property(arbScenario(), ({ input, rounding }) => {
        const b = mustPrice(input);
        for (const s of b.steps) {
          if (s.rateBp !== null) {
            expect(BigInt(s.after)).toBe(refRound(BigInt(s.before) * BigInt(s.rateBp), 10_000n, rounding.mode));
          } else {
            expect(s.after).toBe(Math.max(0, s.before - (s.amountOffFen ?? Number.NaN)));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('MULTIPLY_IN_ORDER applies every selected rule in the policy order, whatever the client order', () => {
    fc.assert(
      fc.property(
        arbScenario('MULTIPLY_IN_ORDER').chain((s) =>
          fc
            .shuffledSubarray([...s.input.selected], { minLength: s.input.selected.length })
            .map((perm) => ({ ...s, perm })),
        ),
        ({ input, perm }) => {
          const b = mustPrice(input);
          expect(mustPrice({ ...input, selected: perm })).toEqual(b);
          expect(b.steps.map((s) => s.ruleId).sort()).toEqual([...input.selected].sort());
          const order = pricingPolicySchema.parse(input.policy).order;
          const ranks = b.steps.map((s) => order.indexOf(s.kind));
          expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('BEST_SINGLE picks the single rule giving the minimum', () => {
    fc.assert(
      fc.property(arbScenario('BEST_SINGLE'), ({ input }) => {
        const b = mustPrice(input);
        const singles = input.selected.map((id) => mustPrice({ ...input, selected: [id] }).discountedPrice);
        expect(b.discountedPrice).toBe(singles.length ? Math.min(...singles) : input.listPrice);
        expect(b.steps.length).toBe(Math.min(1, input.selected.length));
        expect(b.unusedRuleIds.length).toBe(Math.max(0, input.selected.length - 1));
      }),
      { numRuns: 300 },
    );
  });

  it('the discounted price is within ½ fen (HALF_UP) or 1 fen (DOWN) per step of the exact rational value', () => {
    fc.assert(
      fc.property(arbScenario('MULTIPLY_IN_ORDER'), ({ input, rounding }) => {
        const b = mustPrice(input);
        // Exact value num/den without any intermediate rounding.
        let num = BigInt(b.listPrice);
        let den = 1n;
        for (const s of b.steps) {
          if (s.rateBp !== null) {
            num *= BigInt(s.rateBp);
            den *= 10_000n;
          } else {
            const next = num - BigInt(s.amountOffFen ?? 0) * den;
            num = next > 0n ? next : 0n;
          }
        }
        const err = BigInt(b.discountedPrice) * den - num; // in units of 1/den fen
        const abs = err < 0n ? -err : err;
        const n = BigInt(b.steps.length);
        if (rounding.mode === 'HALF_UP') expect(2n * abs <= n * den).toBe(true);
        else {
          expect(err <= 0n).toBe(true); // DOWN never rounds a step up
          expect(abs <= n * den).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the final rounding stays within one unit and lands on the grid when the bounds allow', () => {
    fc.assert(
      fc.property(arbScenario(), ({ input, rounding }) => {
        const b = mustPrice(input);
        const unit = ROUNDING_UNIT_FEN[rounding.unit];
        expect(Math.abs(b.rounding.off)).toBeLessThan(unit);
        const lowestGrid = Math.ceil(b.cap.limit / unit) * unit;
        if (lowestGrid <= b.listPrice) {
          expect(b.finalPrice % unit).toBe(0);
          expect(roundFen(b.finalPrice, rounding)).toBe(b.finalPrice);
        } else {
          expect(b.finalPrice).toBe(b.rounding.before);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('belowFloor ⇔ final < floor, by exactly the shortfall', () => {
    fc.assert(
      fc.property(arbScenario(), ({ input }) => {
        const b = mustPrice(input);
        expect(b.belowFloor).toBe(b.finalPrice < input.floorPrice);
        expect(b.belowFloorBy).toBe(b.belowFloor ? input.floorPrice - b.finalPrice : 0);
      }),
    );
  });

  it('is deterministic, leaves its input untouched and survives JSON (client and server agree)', () => {
    fc.assert(
      fc.property(arbScenario(), ({ input }) => {
        const copy = structuredClone(input);
        const frozen = deepFreeze(structuredClone(input));
        const b1 = mustPrice(frozen);
        const b2 = mustPrice(JSON.parse(JSON.stringify(input)) as ComputePriceInput);
        expect(b2).toEqual(b1);
        expect(JSON.parse(JSON.stringify(b1))).toEqual(b1);
        expect(frozen).toEqual(copy);
      }),
      { numRuns: 200 },
    );
  });

  it('refusals, too, do not depend on the order of the selection', () => {
    // Rules that may or may not apply: windows, plan kinds, identity tags, unknown ids.
    const arbRules: fc.Arbitrary<DiscountRule[]> = fc
      .array(
        fc.record({
          kind: fc.constantFrom(...DISCOUNT_KINDS),
          value: arbValue,
          window: fc.boolean(),
          methods: fc.subarray([...PLAN_KINDS], { minLength: 1 }),
          tag: fc.constantFrom('staff', 'returning-owner'),
        }),
        { minLength: 1, maxLength: 6 },
      )
      .map((shapes) =>
        shapes.map(({ kind, value, window, methods, tag }, i): DiscountRule => {
          const n = i + 1;
          return {
            id: uid(n),
            code: `R${n}`,
            kind,
            name: `规则${n}`,
            nameEn: `Rule ${n}`,
            ...value,
            ...(window ? { validFrom: '2026-11-28T00:00:00+08:00', validTo: '2026-11-29T00:00:00+08:00' } : {}),
            ...(kind === 'PAYMENT_METHOD' ? { paymentMethods: methods } : {}),
            ...(kind === 'IDENTITY' ? { identityTag: tag } : {}),
          };
        }),
      );
    const arb = fc
      .record({
        rules: arbRules,
        extra: fc.constantFrom([], [uid(77)], [uid(1)]),
        at: fc.constantFrom(LAUNCH_AT, '2026-12-01T10:00:00+08:00'),
        planKind: fc.constantFrom<PlanKind>(...PLAN_KINDS),
        tags: fc.subarray(['staff', 'returning-owner']),
        stacking: fc.constantFrom('MULTIPLY_IN_ORDER' as const, 'BEST_SINGLE' as const),
      })
      .chain((s) =>
        fc
          .shuffledSubarray([...s.rules.map((r) => r.id), ...s.extra])
          .chain((selected) =>
            fc.shuffledSubarray(selected, { minLength: selected.length }).map((perm) => ({ ...s, selected, perm })),
          ),
      );
    fc.assert(
      fc.property(arb, (s) => {
        const input: ComputePriceInput = {
          listPrice: LIST,
          floorPrice: 0,
          discounts: s.rules,
          selected: s.selected,
          planKind: s.planKind,
          identityTags: s.tags,
          at: s.at,
          policy: { ...POLICY, stacking: s.stacking },
        };
        const r = computePrice(input);
        expect(computePrice({ ...input, selected: s.perm })).toEqual(r);
        if (!r.ok) expect(PRICING_REFUSAL_CODES).toContain(r.code);
      }),
      { numRuns: 300 },
    );
  });
});

describe('roundFen — properties', () => {
  it('is idempotent, on the grid, and within one unit (DOWN: below, HALF_UP: within half)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_PRICE_FEN }), arbRounding, (fen, rounding) => {
        const unit = ROUNDING_UNIT_FEN[rounding.unit];
        const r = roundFen(fen, rounding);
        expect(roundFen(r, rounding)).toBe(r);
        expect(r % unit).toBe(0);
        if (rounding.mode === 'DOWN') {
          expect(r).toBeLessThanOrEqual(fen);
          expect(fen - r).toBeLessThan(unit);
        } else {
          expect(2 * Math.abs(r - fen)).toBeLessThanOrEqual(unit);
          if (2 * Math.abs(r - fen) === unit) expect(r).toBeGreaterThan(fen); // halves go up
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('examples', () => {
    expect(roundFen(408_978_150, { unit: 'YUAN', mode: 'HALF_UP' })).toBe(408_978_200);
    expect(roundFen(408_978_149, { unit: 'YUAN', mode: 'HALF_UP' })).toBe(408_978_100);
    expect(roundFen(408_978_199, { unit: 'YUAN', mode: 'DOWN' })).toBe(408_978_100);
    expect(roundFen(408_975_000, { unit: 'HUNDRED_YUAN', mode: 'HALF_UP' })).toBe(408_980_000);
    expect(() => roundFen(-1, { unit: 'FEN', mode: 'DOWN' })).toThrow(RangeError);
  });
});

// ── Repricing ───────────────────────────────────────────────────────────────────────────────────

const B1 = uid(101);
const B2 = uid(102);
const UNITS: RepriceUnit[] = [
  {
    id: uid(201),
    code: '1-0301',
    buildingId: B1,
    floor: 3,
    layout: 'A3',
    listPrice: 421_540_000,
    floorPrice: 400_000_000,
  },
  {
    id: uid(202),
    code: '1-0302',
    buildingId: B1,
    floor: 3,
    layout: 'B2',
    listPrice: 318_760_000,
    floorPrice: 300_000_000,
  },
  {
    id: uid(203),
    code: '1-1201',
    buildingId: B1,
    floor: 12,
    layout: 'A3',
    listPrice: 436_120_000,
    floorPrice: 415_000_000,
  },
  {
    id: uid(204),
    code: '2-0801',
    buildingId: B2,
    floor: 8,
    layout: 'A3',
    listPrice: 428_300_000,
    floorPrice: 407_000_000,
  },
];

describe('repricePreview — examples', () => {
  it('+3 % on building 1, floors 10–20, list and floor, to the yuan', () => {
    const rows = repricePreview({
      units: UNITS,
      scope: { buildingIds: [B1], floorFrom: 10, floorTo: 20 },
      change: { kind: 'PERCENT', bp: 300 },
      applyToFloor: true,
      rounding: { unit: 'YUAN', mode: 'HALF_UP' },
    });
    expect(rows).toEqual([
      {
        unitId: uid(203),
        code: '1-1201',
        before: { list: 436_120_000, floor: 415_000_000 },
        after: { list: 449_203_600, floor: 427_450_000 },
        floorAboveList: false,
      },
    ]);
  });

  it('−1.5 % on layout A3, list only, to the hundred yuan DOWN', () => {
    const rows = repricePreview({
      units: UNITS,
      scope: { layouts: ['A3'] },
      change: { kind: 'PERCENT', bp: -150 },
      applyToFloor: false,
      rounding: { unit: 'HUNDRED_YUAN', mode: 'DOWN' },
    });
    // 421,540,000 × 0.985 = 415,216,900 → 415,210,000 ; 436,120,000 × 0.985 = 429,578,200 → 429,570,000 ;
    // 428,300,000 × 0.985 = 421,875,500 → 421,870,000
    expect(rows.map((r) => [r.code, r.after.list, r.after.floor])).toEqual([
      ['1-0301', 415_210_000, 400_000_000],
      ['1-1201', 429_570_000, 415_000_000],
      ['2-0801', 421_870_000, 407_000_000],
    ]);
  });

  it('−¥30,000 per unit, never below zero, and flags a floor price above the new list price', () => {
    const rows = repricePreview({
      units: [
        ...UNITS,
        {
          id: uid(205),
          code: 'P-001',
          buildingId: B2,
          floor: 1,
          layout: 'CAR',
          listPrice: 1_500_000,
          floorPrice: 1_000_000,
        },
      ],
      scope: { floorTo: 3 },
      change: { kind: 'AMOUNT', fen: -3_000_000 },
      applyToFloor: false,
      rounding: { unit: 'YUAN', mode: 'HALF_UP' },
    });
    expect(rows.map((r) => [r.code, r.after.list, r.floorAboveList])).toEqual([
      ['1-0301', 418_540_000, false],
      ['1-0302', 315_760_000, false],
      ['P-001', 0, true],
    ]);
  });

  it('rejects an invalid change', () => {
    const base = { units: UNITS, scope: {}, applyToFloor: false, rounding: { unit: 'YUAN', mode: 'HALF_UP' } } as const;
    expect(() => repricePreview({ ...base, change: { kind: 'PERCENT', bp: 0 } })).toThrow(RangeError);
    expect(() => repricePreview({ ...base, change: { kind: 'PERCENT', bp: -10_000 } })).toThrow(RangeError);
    expect(() => repricePreview({ ...base, change: { kind: 'AMOUNT', fen: 1.5 } })).toThrow(RangeError);
    expect(() =>
      repricePreview({ ...base, scope: { floorFrom: 5, floorTo: 4 }, change: { kind: 'AMOUNT', fen: 100 } }),
    ).toThrow(RangeError);
  });
});

describe('repricePreview — properties', () => {
  /** Up to ¥4 billion, so that +100 % stays within MAX_PRICE_FEN. */
  const arbRepricePrice = fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 2_000_000_000 }), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 400_000_000_000 }), weight: 1 },
    { arbitrary: fc.integer({ min: 0, max: 100_000 }), weight: 1 },
  );
  const buildings = [uid(101), uid(102), uid(103)];
  const layouts = ['A3', 'B2', 'C4'];
  const arbUnits = fc
    .uniqueArray(
      fc.record({
        n: fc.integer({ min: 1, max: 100_000 }),
        buildingId: fc.constantFrom(...buildings),
        floor: fc.integer({ min: -2, max: 40 }),
        layout: fc.constantFrom(...layouts),
        listPrice: arbRepricePrice,
        floorRatio: fc.integer({ min: 8000, max: 10_000 }),
      }),
      { selector: (u) => u.n, maxLength: 30 },
    )
    .map((us) =>
      us.map(
        (u): RepriceUnit => ({
          id: uid(u.n),
          code: `U${u.n}`,
          buildingId: u.buildingId,
          floor: u.floor,
          layout: u.layout,
          listPrice: u.listPrice,
          floorPrice: Math.floor((u.listPrice * u.floorRatio) / 10_000),
        }),
      ),
    );
  const arbScope: fc.Arbitrary<RepriceScope> = fc
    .record(
      {
        buildingIds: fc.subarray(buildings, { minLength: 1 }),
        floorFrom: fc.integer({ min: -2, max: 40 }),
        floorTo: fc.integer({ min: -2, max: 40 }),
        layouts: fc.subarray(layouts, { minLength: 1 }),
      },
      { requiredKeys: [] },
    )
    .map((s) =>
      s.floorFrom !== undefined && s.floorTo !== undefined && s.floorFrom > s.floorTo
        ? { ...s, floorFrom: s.floorTo, floorTo: s.floorFrom }
        : s,
    );
  const arbChange = fc.oneof(
    fc
      .integer({ min: -9999, max: 10_000 })
      .filter((bp) => bp !== 0)
      .map((bp) => ({ kind: 'PERCENT' as const, bp })),
    fc
      .integer({ min: -500_000_000, max: 500_000_000 })
      .filter((fen) => fen !== 0)
      .map((fen) => ({ kind: 'AMOUNT' as const, fen })),
  );

  it('touches exactly the units in scope, in input order, never negative', () => {
    fc.assert(
      fc.property(
        arbUnits,
        arbScope,
        arbChange,
        fc.boolean(),
        arbRounding,
        (units, scope, change, applyToFloor, rounding) => {
          const rows = repricePreview({ units, scope, change, applyToFloor, rounding });
          const expected = units.filter(
            (u) =>
              (!scope.buildingIds || scope.buildingIds.includes(u.buildingId)) &&
              (scope.floorFrom === undefined || u.floor >= scope.floorFrom) &&
              (scope.floorTo === undefined || u.floor <= scope.floorTo) &&
              (!scope.layouts || scope.layouts.includes(u.layout)),
          );
          expect(rows.map((r) => r.unitId)).toEqual(expected.map((u) => u.id));
          for (const [i, r] of rows.entries()) {
            const u = expected[i]!;
            expect(isUnitInRepriceScope(u, scope)).toBe(true);
            expect(r.before).toEqual({ list: u.listPrice, floor: u.floorPrice });
            expect(r.after.list).toBeGreaterThanOrEqual(0);
            expect(r.after.floor).toBe(applyToFloor ? repriceAmount(u.floorPrice, change, rounding) : u.floorPrice);
            expect(r.after.list % ROUNDING_UNIT_FEN[rounding.unit]).toBe(0);
            expect(r.floorAboveList).toBe(r.after.floor > r.after.list);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('each new price is the exact change rounded once (within one unit)', () => {
    fc.assert(
      fc.property(arbRepricePrice, arbChange, arbRounding, (price, change, rounding) => {
        const unit = BigInt(ROUNDING_UNIT_FEN[rounding.unit]);
        const got = BigInt(repriceAmount(price, change, rounding));
        // exact = num / den
        const [num, den] =
          change.kind === 'PERCENT'
            ? [BigInt(price) * BigInt(10_000 + change.bp), 10_000n]
            : [BigInt(Math.max(0, price + change.fen)), 1n];
        const diff = got * den - num;
        if (rounding.mode === 'DOWN') {
          expect(diff <= 0n && -diff < unit * den).toBe(true);
        } else {
          expect(2n * (diff < 0n ? -diff : diff) <= unit * den).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the direction of the change for prices on the rounding grid', () => {
    fc.assert(
      fc.property(arbRepricePrice, arbChange, arbRounding, (raw, change, rounding) => {
        const price = roundFen(raw, { unit: rounding.unit, mode: 'DOWN' });
        const after = repriceAmount(price, change, rounding);
        const up = change.kind === 'PERCENT' ? change.bp > 0 : change.fen > 0;
        if (up) expect(after).toBeGreaterThanOrEqual(price);
        else expect(after).toBeLessThanOrEqual(price);
      }),
      { numRuns: 500 },
    );
  });

  it('AMOUNT +a then −a restores a grid price exactly', () => {
    fc.assert(
      fc.property(
        arbRepricePrice,
        fc.integer({ min: 1, max: 100_000 }),
        arbRounding,
        fc.boolean(),
        (raw, k, rounding, upFirst) => {
          const unit = ROUNDING_UNIT_FEN[rounding.unit];
          const price = roundFen(raw, { unit: rounding.unit, mode: 'DOWN' });
          const a = k * unit;
          fc.pre(upFirst ? price + a <= MAX_PRICE_FEN : price >= a);
          const there = repriceAmount(price, { kind: 'AMOUNT', fen: upFirst ? a : -a }, rounding);
          expect(repriceAmount(there, { kind: 'AMOUNT', fen: upFirst ? -a : a }, rounding)).toBe(price);
        },
      ),
      { numRuns: 500 },
    );
  });

  // Pairs (bp1, bp2) with (10000 + bp1) × (10000 + bp2) = 10000²: exact inverses, e.g. +25 % / −20 %.
  const INVERSE_PAIRS: [number, number][] = [];
  for (let i = 0; i <= 8; i++) {
    for (let j = 0; j <= 8; j++) {
      const f = 2 ** i * 5 ** j;
      if (f >= 1 && f <= 20_000 && f !== 10_000 && 100_000_000 % f === 0) {
        const g = 100_000_000 / f;
        if (g >= 1 && g <= 20_000) INVERSE_PAIRS.push([f - 10_000, g - 10_000]);
      }
    }
  }

  it('a PERCENT change followed by its exact inverse returns within ½ unit × (1 + r₂) (HALF_UP) or 1 unit × (1 + r₂) (DOWN)', () => {
    expect(INVERSE_PAIRS).toContainEqual([2500, -2000]);
    fc.assert(
      fc.property(arbRepricePrice, fc.constantFrom(...INVERSE_PAIRS), arbRounding, (price, [bp1, bp2], rounding) => {
        const there = repriceAmount(price, { kind: 'PERCENT', bp: bp1 }, rounding);
        const back = repriceAmount(there, { kind: 'PERCENT', bp: bp2 }, rounding);
        const unit = BigInt(ROUNDING_UNIT_FEN[rounding.unit]);
        // |back − price| ≤ u/2 + r₂·u/2 (HALF_UP) or < u + r₂·u (DOWN), r₂ = (10000 + bp2) / 10000.
        const diff = BigInt(back - price) * 20_000n;
        const abs = diff < 0n ? -diff : diff;
        const bound = unit * (10_000n + BigInt(10_000 + bp2)) * (rounding.mode === 'HALF_UP' ? 1n : 2n);
        expect(abs <= bound).toBe(true);
        // With FEN rounding and a first step that is exact, the round trip is exact.
        if (rounding.unit === 'FEN' && (BigInt(price) * BigInt(10_000 + bp1)) % 10_000n === 0n)
          expect(back).toBe(price);
      }),
      { numRuns: 1000 },
    );
  });
});
