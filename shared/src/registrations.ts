/**
 * Pre-registration 认筹: one registration per household per project, with a number (R0001) and an
 * entitlement 机会数 — the most units the household may buy. Contracts and pure rules.
 */
import { z } from 'zod';
import type { CustomerStatus } from './customers.js';
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

export const createRegistrationSchema = z.strictObject({
  customerId: idSchema,
  /** Sincerity deposit already received (the cashier records payments; until then a flag). */
  depositPaid: z.boolean().optional(),
  /** Managers only: a different entitlement than the project's default. */
  unitsAllowed: z.number().int().min(1).max(20).optional(),
});
export type CreateRegistrationBody = z.infer<typeof createRegistrationSchema>;

export const registrationRefSchema = z.strictObject({ registrationId: idSchema });
export const depositFlagSchema = z.strictObject({ paid: z.boolean() });
export const entitlementBodySchema = z.strictObject({ unitsAllowed: z.number().int().min(1).max(20) });

export type RegistrationStatus = 'ACTIVE' | 'CANCELLED';

export interface RegistrationInfo {
  id: string;
  projectId: string;
  /** 1, 2, … — shown with formatRegistrationNo. */
  number: number;
  label: string;
  status: RegistrationStatus;
  /**
   * `status` is the customer's (potential → interested → subscribed → signed), for the status colour.
   * `phone` as the privacy rule lets the caller see it (docs/privacy.md): clear, masked
   * (138****5678) or null.
   */
  customer: { id: string; name: string; phone: string | null; ownerName: string | null; status: CustomerStatus };
  depositPaid: boolean;
  unitsAllowed: number;
  unitsUsed: number;
  selectionStartsAt: string | null;
  selectionEndsAt: string | null;
  createdAt: string;
}

export interface RegistrationOverview {
  registrations: RegistrationInfo[];
  /** Active registrations, their total entitlement, and the units that could still be bought. */
  activeCount: number;
  entitledUnits: number;
  /** Released and not sold or withheld (AVAILABLE in the live state, locked or not). */
  availableUnits: number;
  /** More active registrations than available units: some buyers will leave with nothing. */
  oversubscribed: boolean;
}

/** The manager's warning rule (pure): registrations exceed the inventory on sale. */
export function isOversubscribed(activeRegistrations: number, availableUnits: number): boolean {
  return activeRegistrations > availableUnits;
}

/** Is a called buyer's selection window open at `nowMs`? */
export function isSelectionOpen(startsAt: string | Date | null, endsAt: string | Date | null, nowMs: number): boolean {
  if (!startsAt || !endsAt) return false;
  return new Date(startsAt).getTime() <= nowMs && nowMs < new Date(endsAt).getTime();
}
