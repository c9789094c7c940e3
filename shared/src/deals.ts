/**
 * Deals (issue 5): the price book 价目表, the project's pricing terms (discounts, payment plans,
 * policy), below-floor approvals 底价审批 and change requests 换房/退房/更名/调价 — request bodies
 * and response shapes. The price math itself is in pricing.ts and payment-plans.ts.
 * Money: integer fen. Times: ISO-8601 UTC strings.
 */
import { z } from 'zod';
import { blockText, lineText } from './text.js';
import { buyerSchema, idSchema, lockTokenSchema, selectedDiscountIdsSchema } from './schemas.js';
import { mobilePhoneSchema } from './phone.js';
import {
  DISCOUNT_KINDS,
  discountCodeSchema,
  identityTagSchema,
  priceBreakdownSchema,
  pricingPolicySchema,
  repriceBodySchema,
  repriceRowSchema,
  type DiscountRule,
  type PriceBreakdown,
} from './pricing.js';
import { PLAN_KINDS, isoInstantSchema, paymentPlanSchema, scheduleItemSchema } from './payment-plans.js';

// ── Quotes ─────────────────────────────────────────────────────────────────────────────────────

/** POST /api/units/:unitId/quote — price a deal without locking (置业计划 preview, consultant sheet). */
export const quoteBodySchema = z.strictObject({
  planId: idSchema.optional(),
  discountIds: selectedDiscountIdsSchema.default([]),
  /** Whose identity discounts apply: a registration, or a buyer's phone (the project's customer). */
  registrationId: idSchema.optional(),
  phone: mobilePhoneSchema.optional(),
});
export type QuoteBody = z.infer<typeof quoteBodySchema>;

/** A server quote. Floor prices 底价 are for managers: consultants get 0 in floorPrice and belowFloorBy (see belowFloor). */
/** The payment plan of a deal, as quotes and subscriptions name it. */
const dealPlanSchema = z.object({ id: z.string(), code: z.string(), name: z.string(), nameEn: z.string() });

export const dealQuoteInfoSchema = z.object({
  unitId: z.string(),
  priceVersion: z.number().int(),
  plan: dealPlanSchema.nullable(),
  breakdown: priceBreakdownSchema,
  schedule: z.array(scheduleItemSchema).nullable(),
  /** The final price is below the floor price: confirming needs a manager's approval. */
  belowFloor: z.boolean(),
});
export type DealQuoteInfo = z.infer<typeof dealQuoteInfoSchema>;

/** What sales consultants see of a breakdown: the floor price and the distance to it are removed. */
export function redactFloor(breakdown: PriceBreakdown): PriceBreakdown {
  return { ...breakdown, floorPrice: 0, belowFloorBy: 0 };
}

// ── Pricing terms of a project (what the consultant's preview needs) ───────────────────────────

/** A discount as the API shows it (the DiscountRule of pricing.ts plus bookkeeping). */
export const discountRuleInfoSchema = z.object({
  id: z.string(),
  code: z.string(),
  kind: z.enum(DISCOUNT_KINDS),
  name: z.string(),
  nameEn: z.string(),
  rateBp: z.number().int().optional(),
  amountOffFen: z.number().int().optional(),
  validFrom: z.string().optional(),
  validTo: z.string().optional(),
  paymentMethods: z.array(z.enum(PLAN_KINDS)).optional(),
  identityTag: z.string().optional(),
  active: z.boolean(),
  sortOrder: z.number().int(),
});
export type DiscountRuleInfo = z.infer<typeof discountRuleInfoSchema>;

/** The pure rule of a DiscountRuleInfo, as computePrice / quoteDeal take it (bookkeeping removed). */
export function discountRuleOf(info: DiscountRuleInfo): DiscountRule {
  const { active: _active, sortOrder: _sortOrder, ...rule } = info;
  return rule;
}

export const paymentPlanInfoSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  terms: paymentPlanSchema,
  active: z.boolean(),
  sortOrder: z.number().int(),
});
export type PaymentPlanInfo = z.infer<typeof paymentPlanInfoSchema>;

/** GET /api/projects/:id/pricing — everything a quote needs except the unit's prices. */
export const pricingTermsSchema = z.object({
  projectId: z.string(),
  timezone: z.string(),
  /** Active price-list version. */
  priceVersion: z.number().int(),
  policy: pricingPolicySchema,
  /** Active rules and plans (managers also get inactive ones with ?all=1). */
  discounts: z.array(discountRuleInfoSchema),
  plans: z.array(paymentPlanInfoSchema),
  /** Seconds a lock is held while a below-floor request waits. */
  approvalHoldSeconds: z.number().int(),
});
export type PricingTerms = z.infer<typeof pricingTermsSchema>;

/** Create or replace a discount rule (the id is the server's). */
export const discountRuleBodySchema = z.strictObject({
  code: discountCodeSchema,
  kind: z.enum(DISCOUNT_KINDS),
  name: lineText(40),
  nameEn: lineText(80),
  rateBp: z.number().int().min(1).max(9999).optional(),
  amountOffFen: z.number().int().min(1).max(1_000_000_000_000).optional(),
  validFrom: isoInstantSchema.optional(),
  validTo: isoInstantSchema.optional(),
  paymentMethods: z.array(z.enum(PLAN_KINDS)).min(1).max(PLAN_KINDS.length).optional(),
  identityTag: identityTagSchema.optional(),
  active: z.boolean().default(true),
  sortOrder: z.number().int().min(0).max(10_000).default(0),
});
export type DiscountRuleBody = z.infer<typeof discountRuleBodySchema>;

export const paymentPlanBodySchema = z.strictObject({
  code: discountCodeSchema,
  name: lineText(40),
  nameEn: lineText(80),
  terms: paymentPlanSchema,
  active: z.boolean().default(true),
  sortOrder: z.number().int().min(0).max(10_000).default(0),
});
export type PaymentPlanBody = z.infer<typeof paymentPlanBodySchema>;

export const pricingSettingsSchema = z
  .strictObject({
    policy: pricingPolicySchema,
    approvalHoldSeconds: z.number().int().min(60).max(3600),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'at least one field');
export type PricingSettingsBody = z.infer<typeof pricingSettingsSchema>;

/** Identity tags of a customer (managers): replaces the list. */
export const identityTagsBodySchema = z.strictObject({ tags: z.array(identityTagSchema).max(10) });

// ── Price book 价目表 ───────────────────────────────────────────────────────────────────────────

/** WITHDRAWN: taken back by whoever proposed it before a decision. */
export const priceListStatusSchema = z.enum(['PENDING', 'ACTIVE', 'SUPERSEDED', 'REJECTED', 'WITHDRAWN']);
export type PriceListStatus = z.infer<typeof priceListStatusSchema>;
export const priceListSourceSchema = z.enum(['INITIAL', 'REPRICE', 'IMPORT']);
export type PriceListSource = z.infer<typeof priceListSourceSchema>;

export const priceListInfoSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  status: priceListStatusSchema,
  source: priceListSourceSchema,
  note: z.string().nullable(),
  /** What was asked: a repricing, or an imported file. */
  request: z.union([repriceBodySchema, z.object({ fileName: z.string(), rows: z.number().int() })]).nullable(),
  baseVersion: z.number().int().nullable(),
  unitCount: z.number().int(),
  changedCount: z.number().int(),
  /** Who proposed it (null: the initial version); they may withdraw it while PENDING, never decide it. */
  requestedById: z.string().nullable(),
  requestedBy: z.string().nullable(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  activatedAt: z.string().nullable(),
});
export type PriceListInfo = z.infer<typeof priceListInfoSchema>;

/** One unit's change in a price-list version against its base version. */
export const priceListChangeSchema = z.object({
  unitId: z.string(),
  code: z.string(),
  before: z.object({ list: z.number().int(), floor: z.number().int() }),
  after: z.object({ list: z.number().int(), floor: z.number().int() }),
});
export type PriceListChange = z.infer<typeof priceListChangeSchema>;

/** POST /api/projects/:id/price-lists — a repricing 调价 request: a new PENDING version. */
export const repriceRequestSchema = repriceBodySchema.extend({ note: blockText(200, 1) });
export type RepriceRequestBody = z.infer<typeof repriceRequestSchema>;

/** Approve (activates it) or reject a pending version; or a below-floor request; or a change request. */
export const decisionBodySchema = z.strictObject({
  approve: z.boolean(),
  note: blockText(200).optional(),
});
export type DecisionBody = z.infer<typeof decisionBodySchema>;

// ── Below-floor approvals 底价审批 ──────────────────────────────────────────────────────────────

/** POST /api/units/:unitId/price-approvals — the consultant holds the lock `token`. */
export const priceApprovalRequestSchema = z.strictObject({
  token: lockTokenSchema,
  planId: idSchema.optional(),
  discountIds: selectedDiscountIdsSchema.default([]),
  priceVersion: z.number().int().min(1).optional(),
  buyer: buyerSchema.optional(),
  note: blockText(200, 1),
});
export type PriceApprovalRequestBody = z.infer<typeof priceApprovalRequestSchema>;

export const approvalStatusSchema = z.enum(['PENDING', 'APPROVED', 'REJECTED', 'USED', 'CANCELLED']);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

export const priceApprovalInfoSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  unitId: z.string(),
  unitCode: z.string(),
  /** The lock the request is for (its fencing token). */
  lockToken: z.string(),
  consultant: z.string(),
  consultantId: z.string(),
  buyerName: z.string().nullable(),
  planId: z.string(),
  discountIds: z.array(z.string()),
  priceVersion: z.number().int(),
  listPrice: z.number().int(),
  floorPrice: z.number().int(),
  finalPrice: z.number().int(),
  breakdown: priceBreakdownSchema,
  note: z.string(),
  status: approvalStatusSchema,
  /** The lock is held until then while the request is pending. */
  holdUntil: z.string(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});
export type PriceApprovalInfo = z.infer<typeof priceApprovalInfoSchema>;

// ── Change requests 换房 / 退房 / 更名 / 调价 ───────────────────────────────────────────────────

export const CHANGE_KINDS = ['UNIT_CHANGE', 'CANCEL', 'BUYER_CHANGE', 'PRICE_CHANGE'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export const changeStatusSchema = z.enum(['PENDING', 'APPROVED', 'REJECTED', 'EXECUTED', 'WITHDRAWN']);
export type ChangeStatus = z.infer<typeof changeStatusSchema>;

export const changeRequestBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('UNIT_CHANGE'),
    subscriptionId: idSchema,
    targetUnitId: idSchema,
    reason: blockText(200, 1),
  }),
  z.strictObject({ kind: z.literal('CANCEL'), subscriptionId: idSchema, reason: blockText(200, 1) }),
  z.strictObject({
    kind: z.literal('BUYER_CHANGE'),
    subscriptionId: idSchema,
    buyer: buyerSchema,
    reason: blockText(200, 1),
  }),
  z.strictObject({
    kind: z.literal('PRICE_CHANGE'),
    subscriptionId: idSchema,
    /** New final price, fen. */
    finalPrice: z.number().int().min(1).max(1_000_000_000_000),
    reason: blockText(200, 1),
  }),
]);
export type ChangeRequestBody = z.infer<typeof changeRequestBodySchema>;

const jsonObjectSchema = z.record(z.string(), z.unknown());

export const changeRequestInfoSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  subscriptionId: z.string(),
  unitCode: z.string(),
  kind: z.enum(CHANGE_KINDS),
  status: changeStatusSchema,
  reason: z.string(),
  payload: jsonObjectSchema,
  preview: jsonObjectSchema.nullable(),
  requestedById: z.string(),
  requestedBy: z.string(),
  /** The consultant of the subscription (hears the request's progress live too). */
  consultantId: z.string(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  executedBy: z.string().nullable(),
  executedAt: z.string().nullable(),
  result: jsonObjectSchema.nullable(),
});
export type ChangeRequestInfo = z.infer<typeof changeRequestInfoSchema>;

/** A subscription as the deal screens show it (with its price breakdown and schedule). */
export const subscriptionInfoSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  unitId: z.string(),
  unitCode: z.string(),
  status: z.enum(['ACTIVE', 'CANCELLED', 'CONTRACTED', 'CHANGED']),
  buyerName: z.string(),
  /** As the privacy rule lets the caller see it (docs/privacy.md): clear, masked or null. */
  buyerPhone: z.string().nullable(),
  consultant: z.string(),
  price: z.number().int(),
  listPrice: z.number().int().nullable(),
  floorPrice: z.number().int().nullable(),
  priceVersion: z.number().int().nullable(),
  plan: dealPlanSchema.nullable(),
  breakdown: priceBreakdownSchema.nullable(),
  schedule: z.array(scheduleItemSchema).nullable(),
  approvalId: z.string().nullable(),
  replacesId: z.string().nullable(),
  replacedById: z.string().nullable(),
  refundState: z.enum(['NONE', 'DUE', 'DONE']),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  closeReason: z.string().nullable(),
  /** Deposit rule (定金时限): the deposit must be recorded by then (UTC ISO) or the deal is cancelled; null without a rule. */
  depositDueAt: z.string().nullable().optional(),
  /** When the deposit 定金 was recorded (UTC ISO), else null. */
  depositPaidAt: z.string().nullable().optional(),
});
export type SubscriptionInfo = z.infer<typeof subscriptionInfoSchema>;

// ── Real-time events for managers and the requesting consultant ─────────────────────────────────

/** `approval:changed` — to the project's managers and to the consultant who asked. */
export type ApprovalChangedEvent = PriceApprovalInfo;
/** `change:changed` — to the project's managers and the requester. */
export type ChangeRequestChangedEvent = ChangeRequestInfo;
/** `prices:changed` — a price-list version became active: re-read the catalog and the pricing terms. */
export interface PricesChangedEvent {
  projectId: string;
  priceVersion: number;
}

/** GET /api/units/:id/price-history: the unit's prices across price-list versions. */
export const unitPriceHistoryRowSchema = z.object({
  version: z.number().int(),
  status: priceListStatusSchema,
  listPrice: z.number().int(),
  floorPrice: z.number().int(),
  activatedAt: z.string().nullable(),
});
export type UnitPriceHistoryRow = z.infer<typeof unitPriceHistoryRowSchema>;

/** POST /api/projects/:id/price-lists/preview: what a repricing would change. */
export const repricePreviewResultSchema = z.object({
  rows: z.array(repriceRowSchema),
  /** Rows whose new floor price would be above the new list price (the request would be refused). */
  floorAboveList: z.number().int(),
});
export type RepricePreviewResult = z.infer<typeof repricePreviewResultSchema>;

/** GET /api/subscriptions/:id: a subscription with its change requests. */
export const subscriptionDetailSchema = subscriptionInfoSchema.extend({ changes: z.array(changeRequestInfoSchema) });
export type SubscriptionDetail = z.infer<typeof subscriptionDetailSchema>;
