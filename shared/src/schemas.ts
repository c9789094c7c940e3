/**
 * Validation schemas of the payloads clients send over HTTP, and the pieces hub commands share
 * (the commands' own schemas are in socket-events.ts).
 * Objects are strict: unknown fields are rejected, so a typo never passes silently.
 */
import { z } from 'zod';
import { lineText } from './text.js';
import { mobilePhoneSchema } from './phone.js';

export const idSchema = z.uuid({ message: 'must be a UUID' });

/**
 * A client-chosen key for one press of a button that changes something: a double click, a retry after
 * a timeout or a reconnect sends the same key, and the server acts once and answers the first result.
 */
export const idempotencyKeySchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _');

/** Fencing token of a lock: a decimal string (at most 15 digits) from Redis' monotonic counter. */
export const lockTokenSchema = z.string().regex(/^[1-9][0-9]{0,14}$/, 'must be a lock token');

export const loginBodySchema = z.strictObject({
  username: lineText(64),
  password: z.string().min(1).max(128),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const projectRefSchema = z.strictObject({ projectId: idSchema });
export type ProjectRef = z.infer<typeof projectRefSchema>;

export const unitRefSchema = z.strictObject({ unitId: idSchema });
export type UnitRef = z.infer<typeof unitRefSchema>;

/** The buyer of a deal: a name and a mainland mobile number (the one phone rule, phone.ts). */
export const buyerSchema = z.strictObject({
  name: lineText(50),
  phone: mobilePhoneSchema,
});
export type Buyer = z.infer<typeof buyerSchema>;

/** Most discounts one deal may select. */
export const MAX_SELECTED_DISCOUNTS = 20;
/** The discounts a consultant selects for a deal (rule ids; order does not matter). */
export const selectedDiscountIdsSchema = z.array(idSchema).max(MAX_SELECTED_DISCOUNTS);

/**
 * Deal terms (docs/pricing.md), all optional for compatibility: no `planId` = the project's default
 * plan (first active by sort order); no `discountIds` = none; no `priceVersion` = the version the
 * server reads. `priceVersion` is the price-list version the consultant's quote used: confirm refuses
 * PRICE_VERSION_STALE when another became active meanwhile. `approvalId`: the manager's approval of a
 * below-floor price (APPROVAL_REQUIRED without it).
 */
export const dealTermsShape = {
  planId: idSchema.optional(),
  discountIds: selectedDiscountIdsSchema.optional(),
  priceVersion: z.number().int().min(1).max(1_000_000).optional(),
  approvalId: idSchema.optional(),
};
export const dealTermsSchema = z.strictObject(dealTermsShape);
export type DealTerms = z.infer<typeof dealTermsSchema>;

/** HTTP bodies (the unit id comes from the path). */
export const releaseBodySchema = z.strictObject({ token: lockTokenSchema });
export const lockBodySchema = z.strictObject({ registrationId: idSchema.optional() });
export const confirmBodySchema = z.strictObject({
  token: lockTokenSchema,
  buyer: buyerSchema.optional(),
  ...dealTermsShape,
});
export const emptyBodySchema = z.strictObject({});

export const withholdChannelSchema = z.enum(['VIP', 'STAFF', 'AGENT', 'OTHER']);
export type WithholdChannel = z.infer<typeof withholdChannelSchema>;
/** `channel`: who the unit is kept for (optional); the unit stays visible as withheld. */
export const withholdBodySchema = z.strictObject({ reason: lineText(200), channel: withholdChannelSchema.optional() });
export type WithholdBody = z.infer<typeof withholdBodySchema>;

/**
 * Withhold 保留 many units at once (the manager console's selection): each unit steps through the
 * selling code on its own — one audit event per unit withheld, and a unit that cannot be withheld
 * (locked, sold, not released) is refused by itself while the others are withheld. A repeated
 * `idempotencyKey` (double click, retry after a lost answer) returns the first result.
 */
export const bulkWithholdBodySchema = z.strictObject({
  unitIds: z.array(idSchema).min(1).max(500),
  reason: lineText(200),
  channel: withholdChannelSchema.optional(),
  idempotencyKey: idempotencyKeySchema,
});
export type BulkWithholdBody = z.infer<typeof bulkWithholdBodySchema>;

/** Put many withheld units back on sale (the bulk form of unwithhold; same rules as bulk withhold). */
export const bulkUnwithholdBodySchema = z.strictObject({
  unitIds: z.array(idSchema).min(1).max(500),
  idempotencyKey: idempotencyKeySchema,
});
export type BulkUnwithholdBody = z.infer<typeof bulkUnwithholdBodySchema>;

export const createBatchBodySchema = z.strictObject({
  name: lineText(60),
  unitIds: z.array(idSchema).min(1).max(5000),
  /** Release immediately (推盘 now) instead of keeping the batch pending. Default false. */
  release: z.boolean().optional(),
  /** Scheduled 推盘: ISO instant in the future (not together with `release`). */
  releaseAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateBatchBody = z.infer<typeof createBatchBodySchema>;

/** PATCH of a PENDING batch: rename, replace its units, (re)schedule (`releaseAt`) or unschedule (null). */
export const updateBatchBodySchema = z
  .strictObject({
    name: lineText(60),
    unitIds: z.array(idSchema).min(1).max(5000),
    releaseAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'at least one field');
export type UpdateBatchBody = z.infer<typeof updateBatchBodySchema>;

/** Manager's project settings (PATCH: any subset; at least one field). */
export const projectSettingsSchema = z
  .strictObject({
    /** Lock window, seconds. */
    lockTtlSeconds: z.number().int().min(30).max(1800),
    maxLocksPerConsultant: z.number().int().min(1).max(20),
    /** Units one registration may buy (机会数); existing registrations keep theirs. */
    entitlementPerRegistration: z.number().int().min(1).max(20),
    requireRegistration: z.boolean(),
    requireCalled: z.boolean(),
    /** A called buyer's selection window, minutes. */
    selectionMinutes: z.number().int().min(1).max(240),
    noShowRule: z.enum(['REQUEUE', 'DROP']),
    noShowRequeueAfter: z.number().int().min(1).max(100),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'at least one setting');
export type ProjectSettingsBody = z.infer<typeof projectSettingsSchema>;

export const batchRefSchema = z.strictObject({ batchId: idSchema });

/** `?limit=` of list endpoints (deals, audit log): 1–200, default 20. */
export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

export interface ValidationIssue {
  path: string;
  message: string;
}

/** Flatten zod issues into a stable `{path, message}` list for error details. */
export function describeIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message.length > 200 ? `${i.message.slice(0, 200)}…` : i.message,
  }));
}
