/**
 * The refusal precedence of computePrice is the one docs/pricing.md documents ("Refusals"): the
 * table is read from the page, and every pair of refusal reasons — built in every way the kinds allow,
 * under every order of the policy's kinds, with the selection listed both ways — answers the reason
 * listed first. Found by an independent re-computation of the documented quotes (issue 13): an
 * identity rule the buyer lacks used to win over a payment-method rule for another plan, and over an
 * expired promotion, depending on the policy's kind order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DISCOUNT_KINDS,
  PRICING_REFUSAL_CODES,
  computePrice,
  type ComputePriceInput,
  type DiscountKind,
  type DiscountRule,
  type PriceResult,
  type PricingRefusalCode,
} from './pricing.js';

/** The codes of docs/pricing.md's refusal table, top to bottom. */
function documentedOrder(): string[] {
  const doc = readFileSync(new URL('../../docs/pricing.md', import.meta.url), 'utf8');
  const section = doc.split('### Refusals')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
}

const uid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

// The deal every scenario prices: lump sum at the launch, a buyer who holds the tag `staff`.
const AT = '2026-11-28T09:30:00+08:00';
const PLAN = 'LUMP_SUM';
const HELD_TAG = 'staff';

/** A rule of `kind` that applies to that deal (right plan kind, tag held, no window). */
function applicable(n: number, kind: DiscountKind): DiscountRule {
  return {
    id: uid(n),
    code: `R${n}`,
    kind,
    name: `规则${n}`,
    nameEn: `Rule ${n}`,
    rateBp: 9900,
    ...(kind === 'PAYMENT_METHOD' ? { paymentMethods: [PLAN] } : {}),
    ...(kind === 'IDENTITY' ? { identityTag: HELD_TAG } : {}),
  };
}

/** One reason to refuse, as catalogue entries, selected ids and the kind a DUPLICATE_KIND is about. */
interface Part {
  label: string;
  discounts: unknown[];
  selected: string[];
  /** DUPLICATE_KIND only: the kind the policy allows once (every other kind may repeat). */
  onceKind?: DiscountKind;
  /** ABOVE_FILED_PRICE only: the unit's filed price 备案价 (fen), below what the deal comes to. */
  filedPrice?: number;
}

/** Every way to build each reason (ids from `base`, so two parts never share one). */
function partsOf(code: PricingRefusalCode, base: number): Part[] {
  switch (code) {
    case 'INVALID_INPUT':
      return [
        {
          label: 'a malformed rule in the catalogue',
          discounts: [{ ...applicable(base, 'STANDARD'), amountOffFen: 100 }],
          selected: [],
        },
        { label: 'a selected id that is not a UUID', discounts: [], selected: ['not-a-uuid'] },
      ];
    case 'DUPLICATE_SELECTION':
      return DISCOUNT_KINDS.map((kind) => ({
        label: `a ${kind} rule selected twice`,
        discounts: [applicable(base, kind)],
        selected: [uid(base), uid(base)],
      }));
    case 'UNKNOWN_DISCOUNT':
      return [{ label: 'an id the project does not offer', discounts: [], selected: [uid(base)] }];
    case 'DISCOUNT_NOT_ACTIVE':
      return DISCOUNT_KINDS.flatMap((kind) => [
        {
          label: `an expired ${kind} rule`,
          discounts: [{ ...applicable(base, kind), validTo: '2026-11-28T00:00:00+08:00' }],
          selected: [uid(base)],
        },
        {
          label: `a future ${kind} rule`,
          discounts: [{ ...applicable(base, kind), validFrom: '2026-12-01T00:00:00+08:00' }],
          selected: [uid(base)],
        },
      ]);
    case 'PAYMENT_METHOD_MISMATCH':
      return [
        {
          label: 'a payment-method rule for another plan',
          discounts: [{ ...applicable(base, 'PAYMENT_METHOD'), paymentMethods: ['MORTGAGE'] }],
          selected: [uid(base)],
        },
      ];
    case 'IDENTITY_NOT_HELD':
      return [
        {
          label: 'an identity rule the buyer lacks',
          discounts: [{ ...applicable(base, 'IDENTITY'), identityTag: 'returning-owner' }],
          selected: [uid(base)],
        },
      ];
    case 'DUPLICATE_KIND':
      return DISCOUNT_KINDS.map((kind) => ({
        label: `two ${kind} rules`,
        discounts: [applicable(base, kind), applicable(base + 1, kind)],
        selected: [uid(base), uid(base + 1)],
        onceKind: kind,
      }));
    case 'ABOVE_FILED_PRICE':
      return [
        {
          label: 'a filed price below the list price, no discount',
          discounts: [],
          selected: [],
          filedPrice: 300_000_000,
        },
        ...DISCOUNT_KINDS.map((kind) => ({
          label: `a filed price below the deal after a ${kind} discount`,
          discounts: [applicable(base, kind)],
          selected: [uid(base)],
          // 421 540 000 × 0.99 = 417 324 600: still above.
          filedPrice: 417_000_000,
        })),
      ];
  }
}

/** All 24 orders of the four kinds. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
const KIND_ORDERS = permutations(DISCOUNT_KINDS);

/**
 * Prices a combination of parts under every kind order, with the selection listed as built and
 * reversed: one list of results per selection order.
 */
function price(parts: Part[], stacking: 'MULTIPLY_IN_ORDER' | 'BEST_SINGLE'): PriceResult[][] {
  const onceKind = parts.find((p) => p.onceKind)?.onceKind;
  const selected = parts.flatMap((p) => p.selected);
  const filed = parts.flatMap((p) => (p.filedPrice === undefined ? [] : [p.filedPrice]));
  const base: Omit<ComputePriceInput, 'policy' | 'selected'> = {
    listPrice: 421_540_000,
    floorPrice: 0,
    discounts: parts.flatMap((p) => p.discounts) as DiscountRule[],
    planKind: PLAN,
    identityTags: [HELD_TAG],
    at: AT,
    filedPrice: filed.length > 0 ? Math.min(...filed) : null,
  };
  return [selected, [...selected].reverse()].map((sel) =>
    KIND_ORDERS.map((order) =>
      computePrice({
        ...base,
        selected: sel,
        policy: {
          stacking,
          order,
          multiplePerKind: DISCOUNT_KINDS.filter((k) => k !== onceKind),
          maxTotalDiscountBp: 1000,
          rounding: { unit: 'YUAN', mode: 'HALF_UP' },
        },
      }),
    ),
  );
}

/**
 * The one refusal code of a scenario. Under every kind order the refusal is identical (code and
 * message); listing the selection the other way keeps the code (a malformed id's message names
 * its position in the list as sent).
 */
function onlyRefusal(bySelectionOrder: PriceResult[][], scenario: string): string {
  const codes = bySelectionOrder.map((results) => {
    const [first, ...rest] = results;
    if (!first || first.ok) throw new Error(`${scenario}: priced instead of refused`);
    for (const r of rest) expect(r, `${scenario}: the same refusal under every kind order`).toEqual(first);
    return first.code;
  });
  expect(new Set(codes).size, `${scenario}: the same code whatever the selection order (${codes.join(', ')})`).toBe(1);
  return codes[0]!;
}

const ORDER = documentedOrder();
const reasons = PRICING_REFUSAL_CODES;
const BASES = new Map(reasons.map((code, i) => [code, 100 * (i + 1)]));
const partsFor = (code: PricingRefusalCode): Part[] => partsOf(code, BASES.get(code)!);
const stackingsFor = (codes: PricingRefusalCode[]) =>
  codes.includes('DUPLICATE_KIND') ? (['MULTIPLY_IN_ORDER'] as const) : (['MULTIPLY_IN_ORDER', 'BEST_SINGLE'] as const);

describe('computePrice refusal precedence = docs/pricing.md "Refusals"', () => {
  it('the page documents every refusal code once, in the order PRICING_REFUSAL_CODES lists them', () => {
    expect(ORDER).toEqual([...PRICING_REFUSAL_CODES]);
  });

  it('each reason alone is refused with its own code', () => {
    for (const code of reasons) {
      for (const part of partsFor(code)) {
        for (const stacking of stackingsFor([code])) {
          expect(onlyRefusal(price([part], stacking), `${part.label} (${stacking})`), part.label).toBe(code);
        }
      }
    }
  });

  it('of every pair of reasons, the one listed first wins — whatever the kinds, the kind order and the selection order', () => {
    const wrong: string[] = [];
    for (const [i, a] of reasons.entries()) {
      for (const b of reasons.slice(i + 1)) {
        const winner = ORDER.indexOf(a) < ORDER.indexOf(b) ? a : b;
        for (const pa of partsFor(a)) {
          for (const pb of partsFor(b)) {
            for (const stacking of stackingsFor([a, b])) {
              const scenario = `${pa.label} + ${pb.label} (${stacking})`;
              const got = onlyRefusal(price([pa, pb], stacking), scenario);
              if (got !== winner) wrong.push(`${scenario}: ${got}, documented ${winner}`);
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('with every reason at once, the first documented one wins', () => {
    const byDocument = [...reasons].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    const all = byDocument.map((code) => partsFor(code).at(-1)!);
    expect(onlyRefusal(price(all, 'MULTIPLY_IN_ORDER'), 'every reason')).toBe(ORDER[0]);
    expect(onlyRefusal(price(all.slice(1), 'MULTIPLY_IN_ORDER'), 'every reason but the first')).toBe(ORDER[1]);
  });

  it('the cases found by the re-computation', () => {
    const [mismatch] = partsFor('PAYMENT_METHOD_MISMATCH');
    const [notHeld] = partsFor('IDENTITY_NOT_HELD');
    const expiredPromotion = partsFor('DISCOUNT_NOT_ACTIVE').find((p) => p.label === 'an expired PROMOTION rule')!;
    expect(onlyRefusal(price([mismatch!, notHeld!], 'MULTIPLY_IN_ORDER'), 'mismatch + identity')).toBe(
      'PAYMENT_METHOD_MISMATCH',
    );
    expect(onlyRefusal(price([expiredPromotion, notHeld!], 'MULTIPLY_IN_ORDER'), 'expired + identity')).toBe(
      'DISCOUNT_NOT_ACTIVE',
    );
  });
});

describe('the filed price 备案价', () => {
  const deal = (filedPrice: number | null, selected: string[] = []): PriceResult =>
    computePrice({
      listPrice: 421_540_000,
      floorPrice: 0,
      discounts: [applicable(1, 'STANDARD')],
      selected,
      planKind: PLAN,
      identityTags: [],
      at: AT,
      filedPrice,
      policy: { stacking: 'MULTIPLY_IN_ORDER', maxTotalDiscountBp: 1000, rounding: { unit: 'YUAN', mode: 'HALF_UP' } },
    });

  it('a final price equal to the filed price is allowed; one fen above is refused', () => {
    expect(deal(421_540_000).ok).toBe(true);
    expect(deal(421_539_999)).toMatchObject({ ok: false, code: 'ABOVE_FILED_PRICE' });
    expect(deal(null).ok).toBe(true);
  });

  it('the final price (after discounts and rounding) is what is compared, not the list price', () => {
    // 421 540 000 × 0.99 = 417 324 600 fen.
    expect(deal(417_324_600, [uid(1)]).ok).toBe(true);
    expect(deal(417_324_599, [uid(1)])).toMatchObject({ ok: false, code: 'ABOVE_FILED_PRICE' });
  });
});
