/**
 * What every executor of an approved change request shares: its dependencies, the claim that makes
 * it run exactly once, the subscription's row lock, and the audit event of the execution itself.
 * The executors, one per kind: execute-unit-change.ts (换房), execute-cancel.ts (退房),
 * execute-buyer-change.ts (更名), execute-price-change.ts (调价).
 */
import { AppError } from '@kaipan/shared';
import type { Db, Prisma, Tx } from '../infra/db.js';
import type { UserPrincipal } from '../domain/principal.js';
import type { UnitMirror } from '../selling/mirror.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import { toAuditRow, type AuditRow } from '../services/audit.js';
import type { ChangePricing } from './pricing.js';
import { subscriptionInclude, type SubscriptionRow } from './views.js';

/** Interactive transactions wait for a racing executor's row lock (a connection: db.ts's default wait). */
export const TX_OPTIONS = { timeout: 20_000 } as const;

export const json = (v: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

/** Thrown inside the execute transaction when another executor claimed the request first. */
export class ClaimLost extends Error {}

/** An approved request as stored (what an executor reads of it). */
export interface ApprovedRequest {
  id: string;
  projectId: string;
  subscriptionId: string;
  payload: Prisma.JsonValue;
  preview: Prisma.JsonValue;
  reason: string;
}

/** What the executors need; the change service builds it once. */
export interface Execution {
  db: Db;
  mirror: UnitMirror;
  keeper: MirrorKeeper;
  pricing: ChangePricing;
  /**
   * First statement of every execute transaction: `APPROVED → EXECUTED` under the request's row lock
   * (the lock serialises racing executors); throws ClaimLost when another executor won.
   */
  claim(tx: Tx, requestId: string, user: UserPrincipal): Promise<void>;
}

/** Lock the subscription's row and read it; INVALID_TRANSITION unless it is ACTIVE. */
export async function activeSubscription(tx: Tx, subscriptionId: string): Promise<SubscriptionRow> {
  const locked = await tx.$queryRaw<{ status: string }[]>`
    SELECT status::text AS status FROM subscriptions WHERE id = ${subscriptionId}::uuid FOR UPDATE`;
  if (locked[0]?.status !== 'ACTIVE') {
    throw new AppError(
      'INVALID_TRANSITION',
      `The subscription is ${locked[0]?.status.toLowerCase() ?? 'gone'}; only active subscriptions can change.`,
    );
  }
  return tx.subscription.findUniqueOrThrow({ where: { id: subscriptionId }, include: subscriptionInclude });
}

/** The audit event `change.execute` (APPROVED → EXECUTED, with what the execution did). */
export function executedAudit(
  projectId: string,
  user: UserPrincipal,
  requestId: string,
  at: Date,
  result: unknown,
): AuditRow {
  return toAuditRow({
    projectId,
    actor: user,
    action: 'change.execute',
    entity: 'change_request',
    entityId: requestId,
    at,
    before: { status: 'APPROVED' },
    after: { status: 'EXECUTED', result },
  });
}
