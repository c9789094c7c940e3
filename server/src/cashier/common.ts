/**
 * What every cashier service shares: who may handle money (cashiers and managers of the project),
 * the interactive-transaction limits, the row locks that serialise one deal, one registration or one
 * payment, and "the same submission again" (canonical JSON). The rest has a file of its own:
 * business-day.ts, issue-receipt.ts, payment-views.ts, deal-money.ts, sincerity.ts. docs/cashier.md.
 */
import { AppError, CASHIER_ROLES, MONEY_READER_ROLES, isManagerRole } from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import { type Prisma, pgErrorCode } from '../infra/db.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import type { ProjectDirectory } from '../services/project-directory.js';

/** Interactive transactions wait for the row locks of a racing cashier (a connection: db.ts's default wait). */
export const TX_OPTIONS = { timeout: 30_000 } as const;

export type Client = Db | Tx;

export interface Staff {
  user: UserPrincipal;
  /** ADMIN or MANAGER in the project: sees and decides everything of the project. */
  manager: boolean;
  /** Reads every cashier's money (managers and finance); a cashier reads their own. */
  readsAll: boolean;
}

/**
 * Cashiers and managers of the project handle money (`handle`); finance also reads it (`read`);
 * consultants, viewers and devices do neither. The role is the caller's role in `projectId`.
 */
export async function moneyStaff(
  directory: ProjectDirectory,
  principal: Principal,
  projectId: string,
  need: 'handle' | 'read' = 'handle',
): Promise<Staff> {
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Only cashiers and managers handle money.');
  const user: UserPrincipal = principal;
  await directory.assertAccess(user, projectId);
  const roles = need === 'read' ? MONEY_READER_ROLES : CASHIER_ROLES;
  if (user.role === null || !roles.includes(user.role))
    throw new AppError('FORBIDDEN', 'Only cashiers and managers handle money.');
  const manager = isManagerRole(user.role);
  return { user, manager, readsAll: manager || user.role === 'FINANCE' };
}

export async function managerOf(
  directory: ProjectDirectory,
  principal: Principal,
  projectId: string,
): Promise<UserPrincipal> {
  const staff = await moneyStaff(directory, principal, projectId);
  if (!staff.manager) throw new AppError('FORBIDDEN', 'Only a manager can do this.');
  return staff.user;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === '23505' || code === 'P2002';
}

// ── Row locks ───────────────────────────────────────────────────────────────────────────────────

/** Lock a payment row and return its current state (NOT_FOUND when gone). */
export async function lockPayment(tx: Tx, paymentId: string): Promise<void> {
  const rows = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id::text AS id FROM payments WHERE id = ${paymentId}::uuid FOR UPDATE`;
  if (!rows[0]) throw new AppError('NOT_FOUND', 'No such payment.');
}

/**
 * Lock a registration row: serialises a sincerity refund with a confirm for the same household
 * (kaipan_confirm raises units_used under this row lock).
 */
export async function lockRegistration(tx: Tx, registrationId: string): Promise<void> {
  await tx.$queryRaw`SELECT id::text AS id FROM registrations WHERE id = ${registrationId}::uuid FOR UPDATE`;
}

/** Lock a subscription row (serialises deposits, voids and the deposit deadline of one deal). */
export async function lockSubscription(tx: Tx, subscriptionId: string): Promise<void> {
  await tx.$queryRaw`SELECT id::text AS id FROM subscriptions WHERE id = ${subscriptionId}::uuid FOR UPDATE`;
}

/** Stable JSON (sorted keys): "the same submission again" compares equal. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const json = (v: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;
