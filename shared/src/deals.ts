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
  pricingPolicySchema,
  repriceBodySchema,
  type DiscountKind,
  type DiscountRule,
  type PriceBreakdown,
  type PricingPolicy,
  type RepriceBody,
  type RepriceRow,
} from './pricing.js';
import {
  PLAN_KINDS,
  isoInstantSchema,
  paymentPlanSchema,
  type PaymentPlan,
  type ScheduleItem,
} from './payment-plans.js';

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
export interface DealQuoteInfo {
  unitId: string;
  priceVersion: number;
  plan: { id: string; code: string; name: string; nameEn: string } | null;
  breakdown: PriceBreakdown;
  schedule: ScheduleItem[] | null;
  /** The final price is below the floor price: confirming needs a manager's approval. */
  belowFloor: boolean;
}

/** What sales consultants see of a breakdown: the floor price and the distance to it are removed. */
export function redactFloor(breakdown: PriceBreakdown): PriceBreakdown {
  return { ...breakdown, floorPrice: 0, belowFloorBy: 0 };
}

// ── Pricing terms of a project (what the consultant's preview needs) ───────────────────────────

/** A discount as the API shows it (the DiscountRule of pricing.ts plus bookkeeping). */
export interface DiscountRuleInfo {
  id: string;
  code: string;
  kind: DiscountKind;
  name: string;
  nameEn: string;
  rateBp?: number;
  amountOffFen?: number;
  validFrom?: string;
  validTo?: string;
  paymentMethods?: (typeof PLAN_KINDS)[number][];
  identityTag?: string;
  active: boolean;
  sortOrder: number;
}

/** The pure rule of a DiscountRuleInfo, as computePrice / quoteDeal take it (bookkeeping removed). */
export function discountRuleOf(info: DiscountRuleInfo): DiscountRule {
  const { active: _active, sortOrder: _sortOrder, ...rule } = info;
  return rule;
}

export interface PaymentPlanInfo {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  terms: PaymentPlan;
  active: boolean;
  sortOrder: number;
}

/** GET /api/projects/:id/pricing — everything a quote needs except the unit's prices. */
export interface PricingTerms {
  projectId: string;
  timezone: string;
  /** Active price-list version. */
  priceVersion: number;
  policy: PricingPolicy;
  /** Active rules and plans (managers also get inactive ones with ?all=1). */
  discounts: DiscountRuleInfo[];
  plans: PaymentPlanInfo[];
  /** Seconds a lock is held while a below-floor request waits. */
  approvalHoldSeconds: number;
}

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
export type PriceListStatus = 'PENDING' | 'ACTIVE' | 'SUPERSEDED' | 'REJECTED' | 'WITHDRAWN';
export type PriceListSource = 'INITIAL' | 'REPRICE' | 'IMPORT';

export interface PriceListInfo {
  id: string;
  version: number;
  status: PriceListStatus;
  source: PriceListSource;
  note: string | null;
  request: RepriceBody | { fileName: string; rows: number } | null;
  baseVersion: number | null;
  unitCount: number;
  changedCount: number;
  /** Who proposed it (null: the initial version); they may withdraw it while PENDING, never decide it. */
  requestedById: string | null;
  requestedBy: string | null;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  activatedAt: string | null;
}

/** One unit's change in a price-list version against its base version. */
export interface PriceListChange {
  unitId: string;
  code: string;
  before: { list: number; floor: number };
  after: { list: number; floor: number };
}

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

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'USED' | 'CANCELLED';

export interface PriceApprovalInfo {
  id: string;
  projectId: string;
  unitId: string;
  unitCode: string;
  /** The lock the request is for (its fencing token). */
  lockToken: string;
  consultant: string;
  consultantId: string;
  buyerName: string | null;
  planId: string;
  discountIds: string[];
  priceVersion: number;
  listPrice: number;
  floorPrice: number;
  finalPrice: number;
  breakdown: PriceBreakdown;
  note: string;
  status: ApprovalStatus;
  /** The lock is held until then while the request is pending. */
  holdUntil: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

// ── Change requests 换房 / 退房 / 更名 / 调价 ───────────────────────────────────────────────────

export const CHANGE_KINDS = ['UNIT_CHANGE', 'CANCEL', 'BUYER_CHANGE', 'PRICE_CHANGE'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export type ChangeStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXECUTED' | 'WITHDRAWN';

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

export interface ChangeRequestInfo {
  id: string;
  projectId: string;
  subscriptionId: string;
  unitCode: string;
  kind: ChangeKind;
  status: ChangeStatus;
  reason: string;
  payload: Record<string, unknown>;
  preview: Record<string, unknown> | null;
  requestedById: string;
  requestedBy: string;
  /** The consultant of the subscription (hears the request's progress live too). */
  consultantId: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  executedBy: string | null;
  executedAt: string | null;
  result: Record<string, unknown> | null;
}

/** A subscription as the deal screens show it (with its price breakdown and schedule). */
export interface SubscriptionInfo {
  id: string;
  projectId: string;
  unitId: string;
  unitCode: string;
  status: 'ACTIVE' | 'CANCELLED' | 'CONTRACTED' | 'CHANGED';
  buyerName: string;
  /** As the privacy rule lets the caller see it (docs/privacy.md): clear, masked or null. */
  buyerPhone: string | null;
  consultant: string;
  price: number;
  listPrice: number | null;
  floorPrice: number | null;
  priceVersion: number | null;
  plan: { id: string; code: string; name: string; nameEn: string } | null;
  breakdown: PriceBreakdown | null;
  schedule: ScheduleItem[] | null;
  approvalId: string | null;
  replacesId: string | null;
  replacedById: string | null;
  refundState: 'NONE' | 'DUE' | 'DONE';
  createdAt: string;
  closedAt: string | null;
  closeReason: string | null;
  /** Deposit rule (定金时限): the deposit must be recorded by then (UTC ISO) or the deal is cancelled; null without a rule. */
  depositDueAt?: string | null;
  /** When the deposit 定金 was recorded (UTC ISO), else null. */
  depositPaidAt?: string | null;
}

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
export interface UnitPriceHistoryRow {
  version: number;
  status: PriceListInfo['status'];
  listPrice: number;
  floorPrice: number;
  activatedAt: string | null;
}

/** POST /api/projects/:id/price-lists/preview: what a repricing would change. */
export interface RepricePreviewResult {
  rows: RepriceRow[];
  /** Rows whose new floor price would be above the new list price (the request would be refused). */
  floorAboveList: number;
}

/** GET /api/subscriptions/:id: a subscription with its change requests. */
export interface SubscriptionDetail extends SubscriptionInfo {
  changes: ChangeRequestInfo[];
}
