/**
 * Customer registry 客户: one customer (household) per phone per project, owned by a consultant or
 * in the public pool 公共池. Contracts (schemas, response shapes) and pure rules (ID-number
 * validation and masking, status colours; the phone rule is phone.ts).
 *
 * A customer's status never comes from a client: it follows from what happens (a registration makes
 * INTERESTED, a subscription SUBSCRIBED, a contract SIGNED). Client objects are strict, so a `status`
 * field is a VALIDATION_FAILED error.
 */
import { z } from 'zod';
import { blockText, lineText } from './text.js';
import { idSchema } from './schemas.js';
import { mobilePhoneSchema } from './phone.js';
import { registrationStatusSchema } from './registration-status.js';
import { UNIT_STATUSES } from './unit-status.js';

export const CUSTOMER_STATUSES = ['POTENTIAL', 'INTERESTED', 'SUBSCRIBED', 'SIGNED'] as const;
/** potential 潜在 → interested 意向 → subscribed 认购 → signed 签约. */
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** Display and sort order (the funnel, earliest stage first). */
export const CUSTOMER_STATUS_ORDER: readonly CustomerStatus[] = CUSTOMER_STATUSES;

/**
 * One colour per status for every place a customer's name appears (chip, table, detail). Chosen
 * apart from the unit board colours (green/amber/red) so a customer chip is never read as a unit.
 */
export const CUSTOMER_STATUS_COLORS: Record<CustomerStatus, { bg: string; fg: string }> = {
  POTENTIAL: { bg: '#94a3b8', fg: '#0f172a' },
  INTERESTED: { bg: '#2563eb', fg: '#ffffff' },
  SUBSCRIBED: { bg: '#7c3aed', fg: '#ffffff' },
  SIGNED: { bg: '#0f766e', fg: '#ffffff' },
};

/** Has the customer reached `stage` (or gone beyond it)? */
export function hasReachedStatus(status: CustomerStatus, stage: CustomerStatus): boolean {
  return CUSTOMER_STATUS_ORDER.indexOf(status) >= CUSTOMER_STATUS_ORDER.indexOf(stage);
}

/** Intent class: A hot, B warm, C cold. */
export const INTENT_CLASSES = ['A', 'B', 'C'] as const;
export type IntentClass = (typeof INTENT_CLASSES)[number];

/** 自住 own use / 投资 investment / 改善 upgrade. */
export const DEMAND_TYPES = ['OWN_USE', 'INVESTMENT', 'UPGRADE'] as const;
export type DemandType = (typeof DEMAND_TYPES)[number];

/** How the customer found the project. */
export const SOURCE_CHANNELS = ['WALK_IN', 'REFERRAL', 'ONLINE', 'ADVERTISING', 'AGENT', 'OTHER'] as const;
export type SourceChannel = (typeof SOURCE_CHANNELS)[number];

export const FOLLOW_UP_KINDS = ['CALL', 'VISIT', 'MESSAGE', 'NOTE'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

/** Most units on one shortlist 意向房源. */
export const SHORTLIST_MAX = 20;
/** Default idle threshold (days without activity) of "move idle customers to the pool". */
export const DEFAULT_IDLE_DAYS = 14;

// ---------------------------------------------------------------------------------------------
// Pure rules

/** Digits of a search text when it looks like (part of) a phone number, else null. */
export function phoneDigits(text: string): string | null {
  let stripped = text.trim().replace(/[\s\-.()]/g, '');
  if (stripped.startsWith('+86')) stripped = stripped.slice(3);
  else if (stripped.startsWith('0086')) stripped = stripped.slice(4);
  else if (stripped.length === 13 && stripped.startsWith('861')) stripped = stripped.slice(2);
  return /^[0-9]{3,11}$/.test(stripped) ? stripped : null;
}

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_ID_CHECK = '10X98765432';

/** Shape of an 18-character resident ID (居民身份证): 17 digits + a digit or X. */
export function looksLikeResidentId(id: string): boolean {
  return /^[0-9]{17}[0-9X]$/.test(id);
}

/** GB 11643 checksum of an 18-character resident ID (upper-case X). */
export function isValidResidentId(id: string): boolean {
  if (!looksLikeResidentId(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(id[i]) * (RESIDENT_ID_WEIGHTS[i] ?? 0);
  return RESIDENT_ID_CHECK[sum % 11] === id[17];
}

/** Canonical form of an ID number: no spaces, upper case. */
export function canonicalIdNumber(input: string): string {
  return input.replace(/\s/g, '').toUpperCase();
}

/**
 * What everyone but a manager sees: 110101199003071234 → 110***********1234. Other documents keep
 * the first 3 and last 4 characters; anything shorter than 8 is masked entirely.
 */
export function maskIdNumber(idNumber: string): string {
  const id = canonicalIdNumber(idNumber);
  if (id.length < 8) return '*'.repeat(id.length);
  return `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
}

// ---------------------------------------------------------------------------------------------
// Schemas

/**
 * ID number: an 18-character resident ID must pass its checksum; other documents (passport, HK/Macau
 * permits, old 15-digit IDs) are 6–20 letters and digits.
 */
export const idNumberSchema = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const id = canonicalIdNumber(s);
    if (looksLikeResidentId(id)) {
      if (!isValidResidentId(id)) ctx.addIssue({ code: 'custom', message: 'resident ID checksum does not match' });
    } else if (!/^[A-Z0-9]{6,20}$/.test(id)) {
      ctx.addIssue({ code: 'custom', message: 'must be a resident ID or 6–20 letters and digits' });
    }
    return id;
  });

/** Money in fen, integer ≥ 0. */
const fenSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const coBuyerSchema = z.strictObject({
  name: lineText(50),
  phone: mobilePhoneSchema.optional(),
  /** e.g. spouse 配偶, parent 父母. */
  relation: lineText(20).optional(),
});
export type CoBuyer = z.infer<typeof coBuyerSchema>;

const customerFields = {
  name: lineText(50),
  phone: mobilePhoneSchema,
  idNumber: idNumberSchema,
  coBuyers: z.array(coBuyerSchema).max(5),
  intent: z.enum(INTENT_CLASSES).nullable(),
  demand: z.enum(DEMAND_TYPES).nullable(),
  /** Budget range, fen. */
  budgetMin: fenSchema.nullable(),
  budgetMax: fenSchema.nullable(),
  /** Layout names or codes the customer likes, e.g. 3室2厅2卫. */
  preferredLayouts: z.array(lineText(40)).max(10),
  channel: z.enum(SOURCE_CHANNELS),
};

function budgetInOrder(v: { budgetMin?: number | null; budgetMax?: number | null }): boolean {
  return v.budgetMin == null || v.budgetMax == null || v.budgetMin <= v.budgetMax;
}
const budgetOrderIssue = { message: 'budgetMin must not exceed budgetMax', path: ['budgetMax'] };

export const createCustomerSchema = z
  .strictObject({
    /** Client-chosen id: a repeated create with the same id answers the customer it made (idempotency). */
    id: idSchema.optional(),
    name: customerFields.name,
    phone: customerFields.phone,
    idNumber: customerFields.idNumber.optional(),
    coBuyers: customerFields.coBuyers.optional(),
    intent: customerFields.intent.optional(),
    demand: customerFields.demand.optional(),
    budgetMin: customerFields.budgetMin.optional(),
    budgetMax: customerFields.budgetMax.optional(),
    preferredLayouts: customerFields.preferredLayouts.optional(),
    /** Default WALK_IN. */
    channel: customerFields.channel.optional(),
    /** Managers only: owner consultant (null = public pool). Default: the caller. */
    ownerId: idSchema.nullable().optional(),
  })
  .refine(budgetInOrder, budgetOrderIssue);
export type CreateCustomerBody = z.infer<typeof createCustomerSchema>;

/** PATCH: any subset of the fields, with the `version` the editor saw (optimistic concurrency). */
export const updateCustomerSchema = z
  .strictObject({
    version: z.number().int().min(1),
    name: customerFields.name.optional(),
    phone: customerFields.phone.optional(),
    /** null removes the stored ID number. */
    idNumber: customerFields.idNumber.nullable().optional(),
    coBuyers: customerFields.coBuyers.optional(),
    intent: customerFields.intent.optional(),
    demand: customerFields.demand.optional(),
    budgetMin: customerFields.budgetMin.optional(),
    budgetMax: customerFields.budgetMax.optional(),
    preferredLayouts: customerFields.preferredLayouts.optional(),
    channel: customerFields.channel.optional(),
  })
  .refine(budgetInOrder, budgetOrderIssue);
export type UpdateCustomerBody = z.infer<typeof updateCustomerSchema>;

export const createFollowUpSchema = z.strictObject({
  /** Client-chosen id: a repeated post with the same id answers the entry it made (idempotency). */
  id: idSchema.optional(),
  kind: z.enum(FOLLOW_UP_KINDS),
  note: blockText(1000, 1),
  /** When it happened (default now); a call logged afterwards may be in the past, never the future. */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type CreateFollowUpBody = z.infer<typeof createFollowUpSchema>;

/** PUT the whole ranked shortlist: first = rank 1. Duplicates are dropped (first occurrence kept). */
export const shortlistBodySchema = z.strictObject({
  unitIds: z
    .array(idSchema)
    .max(SHORTLIST_MAX * 2)
    .transform((ids) => [...new Set(ids)])
    .pipe(z.array(idSchema).max(SHORTLIST_MAX, `at most ${SHORTLIST_MAX} units`)),
});
export type ShortlistBody = z.infer<typeof shortlistBodySchema>;

export const reassignCustomersSchema = z.strictObject({
  customerIds: z.array(idSchema).min(1).max(500),
  /** New owner consultant, or null to put them in the public pool. */
  ownerId: idSchema.nullable(),
});
export type ReassignCustomersBody = z.infer<typeof reassignCustomersSchema>;

export const moveIdleSchema = z.strictObject({
  /** Customers with no activity for at least this many days (default 14). */
  days: z.number().int().min(1).max(365).default(DEFAULT_IDLE_DAYS),
});
export type MoveIdleBody = z.infer<typeof moveIdleSchema>;

export const customerRefSchema = z.strictObject({ customerId: idSchema });

/**
 * GET list query. `owner`: 'me', 'pool', or a consultant id (managers). `q`: part of a name, or
 * 3+ digits of a phone. `idleDays`: only customers without activity for that many days.
 */
export const customerListQuerySchema = z.strictObject({
  q: lineText(50, 0).optional(),
  owner: z.union([z.enum(['me', 'pool']), idSchema]).optional(),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  intent: z.enum(INTENT_CLASSES).optional(),
  idleDays: z.coerce.number().int().min(1).max(365).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
});
export type CustomerListQuery = z.infer<typeof customerListQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Responses (z.object: the server's answers, checked by the tests against the route table)

export const customerStatusSchema = z.enum(CUSTOMER_STATUSES);

export const customerOwnerSchema = z.object({
  id: z.string(),
  displayName: z.string(),
});
export type CustomerOwner = z.infer<typeof customerOwnerSchema>;

/** Details of a DUPLICATE_CUSTOMER error. */
export interface DuplicateCustomerDetails {
  customerId: string;
  owner: CustomerOwner | null;
}

export const customerRegistrationSummarySchema = z.object({
  id: z.string(),
  number: z.number().int(),
  /** R0007 */
  label: z.string(),
  status: registrationStatusSchema,
  depositPaid: z.boolean(),
  unitsAllowed: z.number().int(),
  unitsUsed: z.number().int(),
});
export type CustomerRegistrationSummary = z.infer<typeof customerRegistrationSummarySchema>;

/** A co-buyer as answered: names and phones under the same privacy rule as the buyer's. */
const coBuyerInfoSchema = z.object({
  name: z.string(),
  phone: z.string().optional(),
  relation: z.string().optional(),
});

export const customerInfoSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  /**
   * As the privacy rule lets the caller see it (docs/privacy.md): 11 digits, masked (138****5678 —
   * e.g. a consultant looking at a pool customer) or null.
   */
  phone: z.string().nullable(),
  /**
   * e.g. 110***********1234; null when absent or hidden from the caller (a consultant looking at a
   * pool customer). The clear number only via GET …/id-number (managers, audited).
   */
  idNumberMasked: z.string().nullable(),
  /** Names and phones under the same rule as the buyer's. */
  coBuyers: z.array(coBuyerInfoSchema),
  intent: z.enum(INTENT_CLASSES).nullable(),
  demand: z.enum(DEMAND_TYPES).nullable(),
  /** Budget range, fen. */
  budgetMin: z.number().int().nullable(),
  budgetMax: z.number().int().nullable(),
  preferredLayouts: z.array(z.string()),
  channel: z.enum(SOURCE_CHANNELS),
  status: customerStatusSchema,
  /** null = public pool. */
  owner: customerOwnerSchema.nullable(),
  /** Send back with PATCH. */
  version: z.number().int(),
  lastActivityAt: z.string(),
  createdAt: z.string(),
  registration: customerRegistrationSummarySchema.nullable(),
});
export type CustomerInfo = z.infer<typeof customerInfoSchema>;

export const customerPageSchema = z.object({
  customers: z.array(customerInfoSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type CustomerPage = z.infer<typeof customerPageSchema>;

export const followUpInfoSchema = z.object({
  id: z.string(),
  kind: z.enum(FOLLOW_UP_KINDS),
  note: z.string(),
  at: z.string(),
  consultant: customerOwnerSchema,
});
export type FollowUpInfo = z.infer<typeof followUpInfoSchema>;

/** A shortlisted unit with its live status (from the same mirror as the board). */
export const shortlistEntrySchema = z.object({
  unitId: z.string(),
  /** 1 = first choice. */
  rank: z.number().int(),
  code: z.string(),
  buildingId: z.string(),
  floor: z.number().int(),
  layoutName: z.string(),
  grossArea: z.number(),
  /** List price, fen. */
  listPrice: z.number().int(),
  status: z.enum(UNIT_STATUSES),
  /** Open for a lock right now (AVAILABLE, no lock). */
  available: z.boolean(),
  lock: z.object({ holderName: z.string(), expiresAt: z.string(), ttlMs: z.number() }).optional(),
});
export type ShortlistEntry = z.infer<typeof shortlistEntrySchema>;

export const customerShortlistSchema = z.object({
  customerId: z.string(),
  /** Mirror seq the statuses reflect. */
  seq: z.number().int(),
  serverTime: z.string(),
  items: z.array(shortlistEntrySchema),
  availableCount: z.number().int(),
});
export type CustomerShortlist = z.infer<typeof customerShortlistSchema>;

export const customerDetailSchema = customerInfoSchema.extend({
  /** Newest first (at most 100). */
  followUps: z.array(followUpInfoSchema),
  shortlist: customerShortlistSchema,
});
export type CustomerDetail = z.infer<typeof customerDetailSchema>;

export const reassignResultSchema = z.object({
  customerIds: z.array(z.string()),
  owner: customerOwnerSchema.nullable(),
});
export type ReassignResult = z.infer<typeof reassignResultSchema>;

export const moveIdleResultSchema = z.object({
  days: z.number().int(),
  /** Customers moved to the pool. */
  customerIds: z.array(z.string()),
});
export type MoveIdleResult = z.infer<typeof moveIdleResultSchema>;

export const idNumberRevealSchema = z.object({
  customerId: z.string(),
  idNumber: z.string().nullable(),
});
export type IdNumberReveal = z.infer<typeof idNumberRevealSchema>;
