/**
 * Deal price math 价格计算: discounts 折扣 on a unit's list price 表价, the project's stacking rule,
 * the discount cap, the rounding rule and the floor-price 底价 check; and the repricing 调价 preview.
 *
 * Pure and deterministic: no I/O, no clock (`at` is a parameter), integer fen only — every product
 * is computed exactly in BigInt and rounded by an explicit rule. The client preview and the server's
 * confirm call the same functions, so they agree to the fen. docs/pricing.md states the rules.
 */
import { z } from 'zod';
import { lineText } from './text.js';
import {
  BP_ONE,
  MAX_PRICE_FEN,
  PLAN_KINDS,
  buildSchedule,
  isoInstantSchema,
  type PaymentPlan,
  type PlanKind,
  type ScheduleItem,
  type ScheduleRefusalCode,
} from './payment-plans.js';
import { idSchema, selectedDiscountIdsSchema } from './schemas.js';

// ── Vocabulary ──────────────────────────────────────────────────────────────────────────────────

/** 常规 / 身份 / 优惠方案 (time-bounded) / 付款方式. */
export const DISCOUNT_KINDS = ['STANDARD', 'IDENTITY', 'PROMOTION', 'PAYMENT_METHOD'] as const;
export type DiscountKind = (typeof DISCOUNT_KINDS)[number];
/** Default application order of MULTIPLY_IN_ORDER. */
export const DEFAULT_DISCOUNT_ORDER: readonly DiscountKind[] = DISCOUNT_KINDS;

/**
 * MULTIPLY_IN_ORDER: every selected discount applies, one after the other, in the policy's kind
 * order. BEST_SINGLE: only the selected discount giving the lowest price applies.
 */
export const STACKING_RULES = ['MULTIPLY_IN_ORDER', 'BEST_SINGLE'] as const;
export type StackingRule = (typeof STACKING_RULES)[number];

export const ROUNDING_UNITS = ['FEN', 'YUAN', 'HUNDRED_YUAN'] as const;
export type RoundingUnit = (typeof ROUNDING_UNITS)[number];
/** Size of each rounding unit, fen. */
export const ROUNDING_UNIT_FEN: Readonly<Record<RoundingUnit, number>> = { FEN: 1, YUAN: 100, HUNDRED_YUAN: 10_000 };

/** HALF_UP: to the nearest unit, halves up. DOWN: toward zero (prices are never negative: toward the buyer). */
export const ROUNDING_MODES = ['HALF_UP', 'DOWN'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

export const roundingSchema = z.strictObject({
  unit: z.enum(ROUNDING_UNITS),
  mode: z.enum(ROUNDING_MODES),
});
export type Rounding = z.infer<typeof roundingSchema>;

/** Most discounts one deal may select. */

// ── Discount rules and policy ───────────────────────────────────────────────────────────────────

/** Discount code, e.g. LUMP98, STAFF, NOV-PROMO: capitals, digits, - and _. */
export const discountCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, 'must be 1–32 capitals, digits, - or _');

/** Identity tag a customer may hold, e.g. staff, returning-owner: lowercase, digits, - and _. */
export const identityTagSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1–32 lowercase letters, digits, - or _');

/**
 * One discount a project offers. Exactly one of `rateBp` (the price is multiplied by rateBp/10000:
 * 9800 = 98 % = 2 % off) or `amountOffFen` (that many fen off). `validFrom` (inclusive) and
 * `validTo` (exclusive) bound when it may be selected (meant for PROMOTION, honoured for any kind).
 * PAYMENT_METHOD rules name the plan kinds they apply to; IDENTITY rules name the tag a buyer
 * must hold.
 */
export const discountRuleSchema = z
  .strictObject({
    id: idSchema,
    code: discountCodeSchema,
    kind: z.enum(DISCOUNT_KINDS),
    name: lineText(40),
    nameEn: lineText(80),
    /** Multiplier in basis points, 1–9999 (9800 = pay 98 %). */
    rateBp: z
      .number()
      .int()
      .min(1)
      .max(BP_ONE - 1)
      .optional(),
    /** Fixed reduction, fen. */
    amountOffFen: z.number().int().min(1).max(MAX_PRICE_FEN).optional(),
    validFrom: isoInstantSchema.optional(),
    validTo: isoInstantSchema.optional(),
    paymentMethods: z.array(z.enum(PLAN_KINDS)).min(1).max(PLAN_KINDS.length).optional(),
    identityTag: identityTagSchema.optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.rateBp === undefined) === (r.amountOffFen === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of rateBp or amountOffFen', path: ['rateBp'] });
    }
    if (r.validFrom !== undefined && r.validTo !== undefined && Date.parse(r.validFrom) >= Date.parse(r.validTo)) {
      ctx.addIssue({ code: 'custom', message: 'validFrom must be before validTo', path: ['validTo'] });
    }
    if ((r.kind === 'PAYMENT_METHOD') !== (r.paymentMethods !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'paymentMethods is required for, and only for, PAYMENT_METHOD',
        path: ['paymentMethods'],
      });
    }
    if (r.paymentMethods !== undefined && new Set(r.paymentMethods).size !== r.paymentMethods.length) {
      ctx.addIssue({ code: 'custom', message: 'paymentMethods must not repeat', path: ['paymentMethods'] });
    }
    if ((r.kind === 'IDENTITY') !== (r.identityTag !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'identityTag is required for, and only for, IDENTITY',
        path: ['identityTag'],
      });
    }
  });
export type DiscountRule = z.infer<typeof discountRuleSchema>;

const isPermutationOfKinds = (order: readonly DiscountKind[]): boolean =>
  order.length === DISCOUNT_KINDS.length && DISCOUNT_KINDS.every((k) => order.includes(k));

/** A project's pricing policy. */
export const pricingPolicySchema = z.strictObject({
  stacking: z.enum(STACKING_RULES),
  /**
   * MULTIPLY_IN_ORDER application order (and BEST_SINGLE tie-break): a permutation of the four
   * kinds. Default STANDARD → IDENTITY → PROMOTION → PAYMENT_METHOD.
   */
  order: z
    .array(z.enum(DISCOUNT_KINDS))
    .refine(isPermutationOfKinds, 'order must list each discount kind exactly once')
    .default([...DEFAULT_DISCOUNT_ORDER]),
  /** Kinds of which MULTIPLY_IN_ORDER may apply more than one rule. Default none (one per kind). */
  multiplePerKind: z.array(z.enum(DISCOUNT_KINDS)).max(DISCOUNT_KINDS.length).default([]),
  /** Cap on the total discount, basis points of the list price (1000 = at most 10 % off). 10000 = no cap. */
  maxTotalDiscountBp: z.number().int().min(0).max(BP_ONE),
  /** Rounding of the final price (and of each step to the fen, see computePrice). */
  rounding: roundingSchema,
});
/** A parsed policy (defaults filled in). */
export type PricingPolicy = z.infer<typeof pricingPolicySchema>;
/** A policy as stored or sent (order and multiplePerKind may be omitted). */
export type PricingPolicyInput = z.input<typeof pricingPolicySchema>;

// ── Exact rounding ──────────────────────────────────────────────────────────────────────────────

/** round(num / den) by `mode`, exactly, for num ≥ 0, den > 0. */
function divRound(num: bigint, den: bigint, mode: RoundingMode): bigint {
  return mode === 'HALF_UP' ? (2n * num + den) / (2n * den) : num / den;
}

/**
 * Rounds an amount of fen (≥ 0) to the rounding unit: HALF_UP to the nearest multiple (halves up),
 * DOWN to the multiple at or below. Idempotent; the result is within half a unit (HALF_UP) or less
 * than one unit (DOWN) of the input.
 */
export function roundFen(fen: number, rounding: Rounding): number {
  assertFen(fen, 'amount');
  const unit = BigInt(ROUNDING_UNIT_FEN[rounding.unit]);
  return Number(divRound(BigInt(fen), unit, rounding.mode) * unit);
}

/** `fen × bp / 10000` rounded to the fen by `mode`, exactly. */
export function applyRateBp(fen: number, bp: number, mode: RoundingMode): number {
  return Number(divRound(BigInt(fen) * BigInt(bp), BigInt(BP_ONE), mode));
}

function assertFen(fen: number, what: string): void {
  if (!Number.isSafeInteger(fen) || fen < 0 || fen > MAX_PRICE_FEN) {
    throw new RangeError(`${what} must be whole fen in [0, ${MAX_PRICE_FEN}], got ${fen}`);
  }
}
const isFen = (fen: number): boolean => Number.isSafeInteger(fen) && fen >= 0 && fen <= MAX_PRICE_FEN;

// ── computePrice ────────────────────────────────────────────────────────────────────────────────

/**
 * Coded refusals of `computePrice` (the server maps them to its error registry), in order of
 * precedence: when a selection has several problems, the first of this list that applies is the
 * answer — whatever order the client listed the ids in and whatever the policy's kind order
 * (docs/pricing.md "Refusals" is this list, checked by pricing-refusals.test.ts).
 */
export const PRICING_REFUSAL_CODES = [
  /** Malformed input: a price, a rule, the policy, `at` or the selection fails its schema. */
  'INVALID_INPUT',
  /** The same rule id is selected twice. */
  'DUPLICATE_SELECTION',
  /** A selected id is not one of the project's discount rules. */
  'UNKNOWN_DISCOUNT',
  /** The rule's validity window [validFrom, validTo) does not contain `at`. */
  'DISCOUNT_NOT_ACTIVE',
  /** A PAYMENT_METHOD rule that does not apply to the chosen plan kind. */
  'PAYMENT_METHOD_MISMATCH',
  /** An IDENTITY rule whose tag the buyer does not hold. */
  'IDENTITY_NOT_HELD',
  /** MULTIPLY_IN_ORDER: two rules of a kind the policy allows only once. */
  'DUPLICATE_KIND',
  /**
   * The final price is above the unit's filed price 备案价 (only when the caller passes `filedPrice`:
   * the project refuses such deals). Last: it depends on the whole computation, so every problem of
   * the selection is reported first.
   */
  'ABOVE_FILED_PRICE',
] as const;
export type PricingRefusalCode = (typeof PRICING_REFUSAL_CODES)[number];

export interface ComputePriceInput {
  /** List price 表价, fen. */
  listPrice: number;
  /** Floor price 底价, fen: the lowest price allowed without approval. */
  floorPrice: number;
  /** The project's discount rules (the catalogue the selection refers to). */
  discounts: readonly DiscountRule[];
  /** Selected rule ids. Their order is irrelevant: the policy decides the order. */
  selected: readonly string[];
  /** Kind of the payment plan of the deal (decides PAYMENT_METHOD rules). */
  planKind: PlanKind;
  /** Identity tags the buyer holds (decides IDENTITY rules). */
  identityTags: readonly string[];
  /** The pricing instant, ISO-8601 (decides PROMOTION windows). The server passes its clock. */
  at: string;
  policy: PricingPolicyInput;
  /**
   * Filed price 备案价, fen: when given (the project refuses deals above it and the unit has one), a
   * final price above it is refused ABOVE_FILED_PRICE. Absent or null: no such check.
   */
  filedPrice?: number | null | undefined;
}

/** One discount applied: `after = before − off`. */
export const priceStepSchema = z.object({
  ruleId: z.string(),
  code: z.string(),
  kind: z.enum(DISCOUNT_KINDS),
  name: z.string(),
  nameEn: z.string(),
  rateBp: z.number().int().nullable(),
  amountOffFen: z.number().int().nullable(),
  /** Fen. */
  before: z.number().int(),
  /** Fen: rate rules round(before × rateBp / 10000) to the fen by the policy mode; amount rules max(0, before − amount). */
  after: z.number().int(),
  /** before − after, fen (≥ 0). */
  off: z.number().int(),
});
export type PriceStep = z.infer<typeof priceStepSchema>;

/** An adjustment line: `after = before − off`; `off` may be negative (money given back). */
const priceAdjustmentShape = {
  before: z.number().int(),
  after: z.number().int(),
  off: z.number().int(),
};
export const priceAdjustmentSchema = z.object(priceAdjustmentShape);
export type PriceAdjustment = z.infer<typeof priceAdjustmentSchema>;

/**
 * The complete price computation, stored with the subscription and printed on documents.
 * Identity: `listPrice − Σ steps.off − cap.off − rounding.off = finalPrice`, and the lines chain:
 * listPrice = steps[0].before, steps[i].after = steps[i+1].before, last after = discountedPrice =
 * cap.before, cap.after = rounding.before, rounding.after = finalPrice.
 */
export const priceBreakdownSchema = z.object({
  listPrice: z.number().int(),
  floorPrice: z.number().int(),
  stacking: z.enum(STACKING_RULES),
  /** Kind order used (MULTIPLY_IN_ORDER application order, BEST_SINGLE tie-break). */
  order: z.array(z.enum(DISCOUNT_KINDS)),
  planKind: z.enum(PLAN_KINDS),
  /** The pricing instant the windows were checked at. */
  at: z.string(),
  steps: z.array(priceStepSchema),
  /** BEST_SINGLE: the selected rules that were not the best, in policy order. Empty otherwise. */
  unusedRuleIds: z.array(z.string()),
  /** Price after the steps, before cap and rounding, fen. */
  discountedPrice: z.number().int(),
  /** The cap: `limit` = ceil(listPrice × (10000 − maxTotalDiscountBp) / 10000); after = max(before, limit). */
  cap: z.object({ ...priceAdjustmentShape, maxTotalDiscountBp: z.number().int(), limit: z.number().int() }),
  /** True when the cap raised the price (the discounts asked for more than the cap allows). */
  capped: z.boolean(),
  /** The project rounding, applied once, at the end. */
  rounding: z.object({ ...priceAdjustmentShape, unit: z.enum(ROUNDING_UNITS), mode: z.enum(ROUNDING_MODES) }),
  /** Final price, fen. */
  finalPrice: z.number().int(),
  /** listPrice − finalPrice, fen. */
  totalOff: z.number().int(),
  /** finalPrice < floorPrice: the deal needs approval 审批. */
  belowFloor: z.boolean(),
  /** max(0, floorPrice − finalPrice), fen. */
  belowFloorBy: z.number().int(),
});
export type PriceBreakdown = z.infer<typeof priceBreakdownSchema>;

export type PriceResult =
  | { ok: true; breakdown: PriceBreakdown }
  | { ok: false; code: PricingRefusalCode; message: string };

const refuse = (code: PricingRefusalCode, message: string): PriceResult => ({ ok: false, code, message });

function issueText(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  const path = issue?.path.length ? `${what}.${issue.path.join('.')}` : what;
  return `${path}: ${issue?.message ?? 'invalid'}`;
}

/** Code-unit order (locale-independent, identical on every machine). */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byCodeThenId = (a: DiscountRule, b: DiscountRule): number => cmp(a.code, b.code) || cmp(a.id, b.id);

/** One rule applied to `before`. */
function applyRule(rule: DiscountRule, before: number, mode: RoundingMode): PriceStep {
  const after =
    rule.rateBp !== undefined ? applyRateBp(before, rule.rateBp, mode) : Math.max(0, before - (rule.amountOffFen ?? 0));
  return {
    ruleId: rule.id,
    code: rule.code,
    kind: rule.kind,
    name: rule.name,
    nameEn: rule.nameEn,
    rateBp: rule.rateBp ?? null,
    amountOffFen: rule.amountOffFen ?? null,
    before,
    after,
    off: before - after,
  };
}

/**
 * The final rounding: the grid neighbour of `value` chosen by the mode; if it falls outside
 * [lowest, highest] the other neighbour; if that too falls outside (no multiple of the unit lies in
 * the range), `value` unchanged. `lowest ≤ value ≤ highest` on entry.
 */
function roundWithinBounds(value: number, rounding: Rounding, lowest: number, highest: number): number {
  const unit = ROUNDING_UNIT_FEN[rounding.unit];
  const down = value - (value % unit);
  const up = down === value ? value : down + unit;
  const preferred = roundFen(value, rounding);
  const other = preferred === down ? up : down;
  const inBounds = (v: number): boolean => v >= lowest && v <= highest;
  if (inBounds(preferred)) return preferred;
  if (inBounds(other)) return other;
  return value;
}

/**
 * Computes a deal's price. Rules (docs/pricing.md):
 * 1. Selection checks, one reason after the other in the order of PRICING_REFUSAL_CODES (duplicates,
 *    unknown ids, windows, payment methods, identities, and for MULTIPLY_IN_ORDER at most one rule
 *    per kind unless the policy allows several): the answer depends on neither the client's order of
 *    `selected` nor the policy's kind order.
 * 2. Rules sort by (policy kind order, code, id). MULTIPLY_IN_ORDER applies them all in that order;
 *    BEST_SINGLE applies the one whose single step gives the lowest price (ties: the first).
 *    Each step's result is rounded to the fen with the policy's rounding mode, so every printed
 *    line can be recomputed from the line before it.
 * 3. Cap: the price is raised to `ceil(list × (10000 − cap) / 10000)` if the steps went lower.
 * 4. Rounding to the policy unit, once, at the end, never above the list price nor below the cap
 *    limit (see roundWithinBounds).
 * 5. A final price above `filedPrice` (when given) is refused ABOVE_FILED_PRICE.
 * 6. belowFloor ⇔ final < floor price. Such a deal is not refused here: it needs approval.
 */
export function computePrice(input: ComputePriceInput): PriceResult {
  const policyParse = pricingPolicySchema.safeParse(input.policy);
  if (!policyParse.success) return refuse('INVALID_INPUT', issueText(policyParse.error, 'policy'));
  const policy = policyParse.data;
  if (!isFen(input.listPrice)) return refuse('INVALID_INPUT', `listPrice must be whole fen in [0, ${MAX_PRICE_FEN}]`);
  if (!isFen(input.floorPrice)) return refuse('INVALID_INPUT', `floorPrice must be whole fen in [0, ${MAX_PRICE_FEN}]`);
  const filedPrice = input.filedPrice ?? null;
  if (filedPrice !== null && !isFen(filedPrice)) {
    return refuse('INVALID_INPUT', `filedPrice must be whole fen in [0, ${MAX_PRICE_FEN}]`);
  }
  if (!(PLAN_KINDS as readonly string[]).includes(input.planKind)) {
    return refuse('INVALID_INPUT', `unknown plan kind "${input.planKind}"`);
  }
  if (!isoInstantSchema.safeParse(input.at).success) {
    return refuse('INVALID_INPUT', `at "${input.at}" is not an ISO-8601 instant`);
  }
  const selParse = selectedDiscountIdsSchema.safeParse(input.selected);
  if (!selParse.success) return refuse('INVALID_INPUT', issueText(selParse.error, 'selected'));
  const catalogue = new Map<string, DiscountRule>();
  for (const [i, raw] of input.discounts.entries()) {
    const parsed = discountRuleSchema.safeParse(raw);
    if (!parsed.success) return refuse('INVALID_INPUT', issueText(parsed.error, `discounts.${i}`));
    if (catalogue.has(parsed.data.id)) return refuse('INVALID_INPUT', `discount id ${parsed.data.id} appears twice`);
    catalogue.set(parsed.data.id, parsed.data);
  }

  // 1. Selection checks, one reason at a time in the order of PRICING_REFUSAL_CODES, each over every
  // selected rule; the rule named is the first by (code, id). Neither the client's order nor the
  // policy's kind order can change the answer.
  const ids = [...selParse.data].sort();
  for (let i = 1; i < ids.length; i++) {
    if (ids[i] === ids[i - 1]) return refuse('DUPLICATE_SELECTION', `discount ${ids[i]} is selected twice`);
  }
  const unknown = ids.find((id) => !catalogue.has(id));
  if (unknown !== undefined) return refuse('UNKNOWN_DISCOUNT', `discount ${unknown} is not offered by this project`);
  const chosen = ids.flatMap((id) => catalogue.get(id) ?? []).sort(byCodeThenId);
  const atMs = Date.parse(input.at);
  const inactive = chosen.find(
    (r) =>
      (r.validFrom !== undefined && atMs < Date.parse(r.validFrom)) ||
      (r.validTo !== undefined && atMs >= Date.parse(r.validTo)),
  );
  if (inactive) {
    const window = `${inactive.validFrom ?? '…'} – ${inactive.validTo ?? '…'}`;
    return refuse('DISCOUNT_NOT_ACTIVE', `${inactive.code} is valid ${window}, not at ${input.at}`);
  }
  const otherPlan = chosen.find((r) => r.paymentMethods !== undefined && !r.paymentMethods.includes(input.planKind));
  if (otherPlan) {
    return refuse(
      'PAYMENT_METHOD_MISMATCH',
      `${otherPlan.code} applies to ${otherPlan.paymentMethods?.join('/')}, not ${input.planKind}`,
    );
  }
  const tags = new Set(input.identityTags);
  const notHeld = chosen.find((r) => r.identityTag !== undefined && !tags.has(r.identityTag));
  if (notHeld) return refuse('IDENTITY_NOT_HELD', `${notHeld.code} requires identity "${notHeld.identityTag}"`);
  if (policy.stacking === 'MULTIPLY_IN_ORDER') {
    // Kinds in their fixed vocabulary order, not the policy's.
    for (const kind of DISCOUNT_KINDS) {
      const [first, second] = chosen.filter((r) => r.kind === kind);
      if (first && second && !policy.multiplePerKind.includes(kind)) {
        return refuse('DUPLICATE_KIND', `only one ${kind} discount may apply (${first.code}, ${second.code})`);
      }
    }
  }
  // Application order: the policy's kind order, then code, then id.
  const rank = (k: DiscountKind): number => policy.order.indexOf(k);
  const rules = [...chosen].sort((a, b) => rank(a.kind) - rank(b.kind) || byCodeThenId(a, b));

  // 2. Steps.
  const mode = policy.rounding.mode;
  const list = input.listPrice;
  let steps: PriceStep[] = [];
  let unusedRuleIds: string[] = [];
  if (policy.stacking === 'MULTIPLY_IN_ORDER') {
    let price = list;
    for (const r of rules) {
      const step = applyRule(r, price, mode);
      steps.push(step);
      price = step.after;
    }
  } else if (rules.length > 0) {
    const singles = rules.map((r) => applyRule(r, list, mode));
    let best = singles[0]!;
    for (const s of singles) if (s.after < best.after) best = s;
    steps = [best];
    unusedRuleIds = singles.filter((s) => s !== best).map((s) => s.ruleId);
  }
  const discountedPrice = steps.length > 0 ? steps[steps.length - 1]!.after : list;

  // 3. Cap.
  const capBp = policy.maxTotalDiscountBp;
  const limit = Number((BigInt(list) * BigInt(BP_ONE - capBp) + BigInt(BP_ONE - 1)) / BigInt(BP_ONE));
  const cappedPrice = Math.max(discountedPrice, limit);

  // 4. Rounding, once.
  const finalPrice = roundWithinBounds(cappedPrice, policy.rounding, limit, list);

  // 5. The filed price 备案价: a deal may not be above it when the project says so.
  if (filedPrice !== null && finalPrice > filedPrice) {
    return refuse('ABOVE_FILED_PRICE', `the final price ${finalPrice} fen is above the filed price ${filedPrice} fen`);
  }

  return {
    ok: true,
    breakdown: {
      listPrice: list,
      floorPrice: input.floorPrice,
      stacking: policy.stacking,
      order: [...policy.order],
      planKind: input.planKind,
      at: input.at,
      steps,
      unusedRuleIds,
      discountedPrice,
      cap: {
        maxTotalDiscountBp: capBp,
        limit,
        before: discountedPrice,
        after: cappedPrice,
        off: discountedPrice - cappedPrice,
      },
      capped: cappedPrice !== discountedPrice,
      rounding: { ...policy.rounding, before: cappedPrice, after: finalPrice, off: cappedPrice - finalPrice },
      finalPrice,
      totalOff: list - finalPrice,
      belowFloor: finalPrice < input.floorPrice,
      belowFloorBy: Math.max(0, input.floorPrice - finalPrice),
    },
  };
}

// ── quoteDeal: price + schedule in one call ────────────────────────────────────────────────────

export interface QuoteDealInput extends Omit<ComputePriceInput, 'planKind' | 'at'> {
  plan: PaymentPlan;
  /** Signing instant, ISO-8601: the pricing instant and day 0 of the schedule. */
  signedAt: string;
  /** Project time zone (IANA), for due dates. */
  timeZone: string;
}

export type QuoteResult =
  | { ok: true; breakdown: PriceBreakdown; schedule: ScheduleItem[] }
  | { ok: false; code: PricingRefusalCode | ScheduleRefusalCode; message: string };

/**
 * What confirm stores and the preview shows: the price breakdown for the plan's kind at `signedAt`,
 * then the plan's schedule of the final price.
 */
export function quoteDeal(input: QuoteDealInput): QuoteResult {
  const { plan, signedAt, timeZone, ...rest } = input;
  const price = computePrice({ ...rest, planKind: plan.kind, at: signedAt });
  if (!price.ok) return price;
  const schedule = buildSchedule(plan, price.breakdown.finalPrice, signedAt, timeZone);
  if (!schedule.ok) return schedule;
  return { ok: true, breakdown: price.breakdown, schedule: schedule.schedule };
}

// ── Repricing 调价 preview ─────────────────────────────────────────────────────────────────────

/** Which units a repricing touches: every given criterion must match (an omitted one matches all). */
export const repriceScopeSchema = z
  .strictObject({
    buildingIds: z.array(idSchema).min(1).max(500).optional(),
    /** Inclusive. */
    floorFrom: z.number().int().min(-20).max(300).optional(),
    /** Inclusive. */
    floorTo: z.number().int().min(-20).max(300).optional(),
    /** Layout codes 户型. */
    layouts: z.array(lineText(40)).min(1).max(200).optional(),
  })
  .refine((s) => s.floorFrom === undefined || s.floorTo === undefined || s.floorFrom <= s.floorTo, {
    message: 'floorFrom must not be above floorTo',
    path: ['floorTo'],
  });
export type RepriceScope = z.infer<typeof repriceScopeSchema>;

/** PERCENT: bp of the current price (+300 = +3 %, −150 = −1.5 %). AMOUNT: fen added (negative: removed). */
export const repriceChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('PERCENT'),
    bp: z
      .number()
      .int()
      .min(-(BP_ONE - 1))
      .max(BP_ONE)
      .refine((v) => v !== 0, 'must not be 0'),
  }),
  z.strictObject({
    kind: z.literal('AMOUNT'),
    fen: z
      .number()
      .int()
      .min(-MAX_PRICE_FEN)
      .max(MAX_PRICE_FEN)
      .refine((v) => v !== 0, 'must not be 0'),
  }),
]);
export type RepriceChange = z.infer<typeof repriceChangeSchema>;

/** Body of a repricing request (preview and apply): the units come from the database. */
export const repriceBodySchema = z.strictObject({
  scope: repriceScopeSchema,
  change: repriceChangeSchema,
  /** Change the floor price 底价 the same way; otherwise it stays. */
  applyToFloor: z.boolean(),
  rounding: roundingSchema,
});
export type RepriceBody = z.infer<typeof repriceBodySchema>;

export interface RepriceUnit {
  id: string;
  code: string;
  buildingId: string;
  floor: number;
  /** Layout code 户型. */
  layout: string;
  listPrice: number;
  floorPrice: number;
}

export const repriceRowSchema = z.object({
  unitId: z.string(),
  code: z.string(),
  before: z.object({ list: z.number().int(), floor: z.number().int() }),
  after: z.object({ list: z.number().int(), floor: z.number().int() }),
  /** The new floor price is above the new list price (worth a warning before applying). */
  floorAboveList: z.boolean(),
});
export type RepriceRow = z.infer<typeof repriceRowSchema>;

export interface RepricePreviewInput extends RepriceBody {
  units: readonly RepriceUnit[];
}

export function isUnitInRepriceScope(
  unit: Pick<RepriceUnit, 'buildingId' | 'floor' | 'layout'>,
  scope: RepriceScope,
): boolean {
  return (
    (scope.buildingIds === undefined || scope.buildingIds.includes(unit.buildingId)) &&
    (scope.floorFrom === undefined || unit.floor >= scope.floorFrom) &&
    (scope.floorTo === undefined || unit.floor <= scope.floorTo) &&
    (scope.layouts === undefined || scope.layouts.includes(unit.layout))
  );
}

/**
 * A price after a repricing change, rounded ONCE to the rounding unit: PERCENT rounds the exact
 * `price × (10000 + bp) / 10000`; AMOUNT rounds `max(0, price + fen)`. Never negative.
 */
export function repriceAmount(price: number, change: RepriceChange, rounding: Rounding): number {
  assertFen(price, 'price');
  const unit = BigInt(ROUNDING_UNIT_FEN[rounding.unit]);
  const result =
    change.kind === 'PERCENT'
      ? divRound(BigInt(price) * BigInt(BP_ONE + change.bp), BigInt(BP_ONE) * unit, rounding.mode) * unit
      : divRound(BigInt(Math.max(0, price + change.fen)), unit, rounding.mode) * unit;
  const n = Number(result);
  if (n > MAX_PRICE_FEN) throw new RangeError(`repriced amount ${n} exceeds ${MAX_PRICE_FEN} fen`);
  return n;
}

/**
 * Preview of a repricing 调价: one row per unit in scope, in the order given, nothing else. Each
 * changed price is rounded once (repriceAmount). Throws RangeError on input that fails
 * `repriceBodySchema` or a unit price that is not whole fen (validate the body first).
 */
export function repricePreview(input: RepricePreviewInput): RepriceRow[] {
  const body = repriceBodySchema.safeParse({
    scope: input.scope,
    change: input.change,
    applyToFloor: input.applyToFloor,
    rounding: input.rounding,
  });
  if (!body.success) throw new RangeError(issueText(body.error, 'reprice'));
  const { scope, change, applyToFloor, rounding } = body.data;
  const rows: RepriceRow[] = [];
  for (const u of input.units) {
    if (!isUnitInRepriceScope(u, scope)) continue;
    const list = repriceAmount(u.listPrice, change, rounding);
    assertFen(u.floorPrice, 'floorPrice');
    const floor = applyToFloor ? repriceAmount(u.floorPrice, change, rounding) : u.floorPrice;
    rows.push({
      unitId: u.id,
      code: u.code,
      before: { list: u.listPrice, floor: u.floorPrice },
      after: { list, floor },
      floorAboveList: floor > list,
    });
  }
  return rows;
}
