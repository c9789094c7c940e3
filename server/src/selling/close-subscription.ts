/**
 * The one way a live subscription closes and gives its unit back to sale: 退房 (an approved
 * cancellation), the deposit rule's cancellation (定金时限, by 'system') and the old side of a 换房.
 * The caller holds the subscription's row lock and has checked it is ACTIVE; this makes the writes
 * and their audit events in the caller's transaction and returns the unit's change for the mirror
 * (applied after the commit).
 */
import { AppError } from '@kaipan/shared';
import { Prisma, type Tx } from '../infra/db.js';
import { toAuditRow, type AuditInput, type AuditRow } from '../services/audit.js';
import type { StoredChange } from './mirror.js';
import { transitionUnit } from './unit-transitions.js';

/** The subscription as the caller read it (under its row lock). */
export interface ClosingSubscription {
  id: string;
  unitId: string;
  price: bigint;
  refundState: string;
  registrationId: string | null;
  customerId: string | null;
}

export type SubscriptionClosing =
  /** 退房 or the deposit rule: the buyer gives the unit up; a refund is DUE when money is held. */
  | { status: 'CANCELLED'; refundState: 'DUE' | 'NONE' }
  /** 换房: the deal moves to another unit (`replacedById`, the new subscription). */
  | { status: 'CHANGED'; replacedById: string };

export interface CloseSubscriptionInput {
  projectId: string;
  actor: AuditInput['actor'];
  at: Date;
  subscription: ClosingSubscription;
  closing: SubscriptionClosing;
  /** Why (stored as the subscription's closeReason). */
  reason: string;
  /** What closed it, told by the unit's audit event (`{ changeRequestId }`, `{ reason }` …). */
  cause: Record<string, unknown>;
  /** More for the subscription's audit event (e.g. the deposit deadline, the balance held). */
  auditBefore?: Record<string, unknown>;
  auditAfter?: Record<string, unknown>;
}

export interface ClosedSubscription {
  /** The unit, back to AVAILABLE, for the mirror. */
  change: StoredChange;
  unitCode: string;
  /** A cancelled deal's registration: its units used after the entitlement came back (null without one). */
  unitsUsed: number | null;
}

/**
 * Close the subscription and return its unit (SUBSCRIBED → AVAILABLE, the table's `cancel`). A
 * cancellation also gives the registration its entitlement 机会数 back and turns a customer with no
 * other live deal back to INTERESTED; a 换房 keeps both (the new subscription carries them).
 * CONFLICT when the unit is not SUBSCRIBED (nothing is written: the caller's transaction rolls back).
 */
export async function closeSubscription(tx: Tx, input: CloseSubscriptionInput): Promise<ClosedSubscription> {
  const { projectId, actor, at, subscription: sub, closing } = input;
  const cancelled = closing.status === 'CANCELLED';
  const closed = await tx.subscription.updateMany({
    where: { id: sub.id, status: 'ACTIVE' },
    data: cancelled
      ? {
          status: 'CANCELLED',
          refundState: closing.refundState,
          closedAt: at,
          closeReason: input.reason,
          version: { increment: 1 },
        }
      : { status: 'CHANGED', closedAt: at, closeReason: input.reason, version: { increment: 1 } },
  });
  if (closed.count === 0)
    throw new AppError('INVALID_TRANSITION', 'The subscription is no longer active; nothing was changed.');
  const unit = await transitionUnit(tx, {
    projectId,
    unitId: sub.unitId,
    action: 'cancel',
    actor,
    at,
    auditAction: cancelled ? 'unit.cancel' : 'unit.change_out',
    before: { subscriptionId: sub.id },
    after: input.cause,
  });
  if (!unit)
    throw new AppError('CONFLICT', 'The subscription’s unit is not in the subscribed state; nothing was changed.');

  const audits: AuditRow[] = [
    cancelled
      ? toAuditRow({
          projectId,
          actor,
          action: 'subscription.cancel',
          entity: 'subscription',
          entityId: sub.id,
          at,
          before: { status: 'ACTIVE', refundState: sub.refundState, unitCode: unit.code, ...input.auditBefore },
          after: {
            status: 'CANCELLED',
            refundState: closing.refundState,
            reason: input.reason,
            price: Number(sub.price),
            ...input.auditAfter,
          },
        })
      : toAuditRow({
          projectId,
          actor,
          action: 'subscription.changed',
          entity: 'subscription',
          entityId: sub.id,
          at,
          before: { status: 'ACTIVE', unitCode: unit.code, ...input.auditBefore },
          after: { status: 'CHANGED', replacedById: closing.replacedById, reason: input.reason, ...input.auditAfter },
        }),
  ];
  let unitsUsed: number | null = null;
  if (cancelled && sub.registrationId) {
    const reg = await tx.$queryRaw<{ units_used: number }[]>`
      UPDATE registrations SET units_used = greatest(units_used - 1, 0) WHERE id = ${sub.registrationId}::uuid RETURNING units_used`;
    unitsUsed = reg[0]?.units_used ?? null;
    if (unitsUsed !== null) {
      audits.push(
        toAuditRow({
          projectId,
          actor,
          action: 'registration.units_used',
          entity: 'registration',
          entityId: sub.registrationId,
          at,
          before: { unitsUsed: unitsUsed + 1 },
          after: { unitsUsed, subscriptionId: sub.id },
        }),
      );
    }
  }
  if (cancelled && sub.customerId)
    audits.push(
      ...(await customerAfterLoss(tx, { projectId, actor, at, customerId: sub.customerId, subscriptionId: sub.id })),
    );
  await insertAudits(tx, audits);
  return { change: unit.change, unitCode: unit.code, unitsUsed };
}

/**
 * A customer who lost a deal (cancelled, or handed to another buyer by 更名) and has no other live
 * subscription goes back from SUBSCRIBED to INTERESTED. The audit rows to write are returned.
 */
export async function customerAfterLoss(
  tx: Tx,
  input: { projectId: string; actor: AuditInput['actor']; at: Date; customerId: string; subscriptionId: string },
): Promise<AuditRow[]> {
  const { projectId, actor, at, customerId, subscriptionId } = input;
  const others = await tx.subscription.count({
    where: { customerId, id: { not: subscriptionId }, status: { in: ['ACTIVE', 'CONTRACTED'] } },
  });
  if (others > 0) return [];
  const updated = await tx.customer.updateMany({
    where: { id: customerId, status: 'SUBSCRIBED' },
    data: { status: 'INTERESTED', version: { increment: 1 }, lastActivityAt: at },
  });
  if (updated.count === 0) return [];
  return [
    toAuditRow({
      projectId,
      actor,
      action: 'customer.status',
      entity: 'customer',
      entityId: customerId,
      at,
      before: { status: 'SUBSCRIBED' },
      after: { status: 'INTERESTED', subscriptionId },
    }),
  ];
}

function insertAudits(tx: Tx, rows: AuditRow[]): Promise<unknown> {
  return tx.auditEvent.createMany({
    data: rows.map((r) => ({ ...r, before: r.before ?? Prisma.DbNull, after: r.after ?? Prisma.DbNull })),
  });
}
