/**
 * Pre-registration 认筹: one registration per household per project, with a number (R0001) and an
 * entitlement 机会数 — the most units the household may buy. Contracts and pure rules.
 */
import { z } from 'zod';
import { customerStatusSchema } from './customers.js';
import { registrationStatusSchema } from './registration-status.js';
import { idSchema } from './schemas.js';

/** Registration numbers are shown as R + 4 digits (R0007); more digits past 9999. */
export function formatRegistrationNo(n: number): string {
  return `R${String(n).padStart(4, '0')}`;
}

/** Parse "R0007" / "r7" / "7" back to 7; null when it is not a registration number. */
export function parseRegistrationNo(text: string): number | null {
  const m = /^\s*[Rr]?0*(\d{1,9})\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * POST /api/projects/:projectId/registrations. There is no deposit field: whether the sincerity
 * deposit 诚意金 is held follows from the cashier's payments (`RegistrationInfo.depositPaid`).
 */
export const createRegistrationSchema = z.strictObject({
  customerId: idSchema,
  /** Managers only: a different entitlement than the project's default. */
  unitsAllowed: z.number().int().min(1).max(20).optional(),
});
export type CreateRegistrationBody = z.infer<typeof createRegistrationSchema>;

export const registrationRefSchema = z.strictObject({ registrationId: idSchema });
export const entitlementBodySchema = z.strictObject({ unitsAllowed: z.number().int().min(1).max(20) });

export const registrationInfoSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  /** 1, 2, … — shown with formatRegistrationNo. */
  number: z.number().int(),
  label: z.string(),
  status: registrationStatusSchema,
  /**
   * `status` is the customer's (potential → interested → subscribed → signed), for the status colour.
   * `phone` as the privacy rule lets the caller see it (docs/privacy.md): clear, masked
   * (138****5678) or null. `ownerId`: the consultant who may select units for this buyer (null: the
   * public pool) — see canSelectFor.
   */
  customer: z.object({
    id: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    ownerId: z.string().nullable(),
    ownerName: z.string().nullable(),
    status: customerStatusSchema,
  }),
  /**
   * The sincerity deposit 诚意金 is held: derived from the cashier's payments (a SINCERITY payment
   * recorded or converted into a deposit; refunded or voided ones do not count). Never set by a client.
   */
  depositPaid: z.boolean(),
  unitsAllowed: z.number().int(),
  unitsUsed: z.number().int(),
  selectionStartsAt: z.string().nullable(),
  selectionEndsAt: z.string().nullable(),
  createdAt: z.string(),
});
export type RegistrationInfo = z.infer<typeof registrationInfoSchema>;

export const registrationOverviewSchema = z.object({
  registrations: z.array(registrationInfoSchema),
  /** Active registrations, their total entitlement, and the units that could still be bought. */
  activeCount: z.number().int(),
  entitledUnits: z.number().int(),
  /** Released and not sold or withheld (AVAILABLE in the live state, locked or not). */
  availableUnits: z.number().int(),
  /** More active registrations than available units: some buyers will leave with nothing. */
  oversubscribed: z.boolean(),
});
export type RegistrationOverview = z.infer<typeof registrationOverviewSchema>;

/** The manager's warning rule (pure): registrations exceed the inventory on sale. */
export function isOversubscribed(activeRegistrations: number, availableUnits: number): boolean {
  return activeRegistrations > availableUnits;
}

/** Is a called buyer's selection window open at `nowMs`? */
export function isSelectionOpen(startsAt: string | Date | null, endsAt: string | Date | null, nowMs: number): boolean {
  if (!startsAt || !endsAt) return false;
  return new Date(startsAt).getTime() <= nowMs && nowMs < new Date(endsAt).getTime();
}

/**
 * Why someone may not select units for a registered buyer: the buyer is in the public pool (claim the
 * customer first), or belongs to another consultant.
 */
export type SelectForRefusal = 'POOL' | 'OTHER_OWNER';

/** The outcome of canSelectFor. `actingFor`: a manager selecting for another consultant's (or the pool's) buyer. */
export type SelectForDecision = { allowed: true; actingFor: boolean } | { allowed: false; reason: SelectForRefusal };

/**
 * Who may select units for a registered buyer — lock for them, confirm, quote with their identity
 * discounts, ask for a below-floor price: the customer's owner consultant, or a manager acting for
 * them (the server audits it as acting for the owner). A consultant claims a pool customer first.
 * Pure: the server enforces it on every path that names a registration; the consultant's "selecting
 * for" bar offers only the buyers it allows.
 */
export function canSelectFor(actor: { id: string; manager: boolean }, ownerId: string | null): SelectForDecision {
  if (ownerId !== null && ownerId === actor.id) return { allowed: true, actingFor: false };
  if (actor.manager) return { allowed: true, actingFor: true };
  return { allowed: false, reason: ownerId === null ? 'POOL' : 'OTHER_OWNER' };
}
