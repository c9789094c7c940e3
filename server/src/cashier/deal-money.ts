/**
 * A deal's money: the subscriptions of its 换房 chain, the deposit paid and the balance held, the
 * deposit it requires, and marking it paid (or unpaid after a void). What decides "paid" and
 * "refund done". docs/cashier.md.
 */
import type { ScheduleItem } from '@kaipan/shared';
import type { Prisma, Tx } from '../infra/db.js';
import type { UserPrincipal } from '../domain/principal.js';
import { toAuditRow } from '../services/audit.js';
import type { Client } from './common.js';

/**
 * The subscription and every one it replaced (换房 chain, newest first): money paid on an earlier
 * unit of the same deal counts for the deal.
 */
export async function chainIds(client: Client, subscriptionId: string): Promise<string[]> {
  const rows = await client.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE back(id, replaces_id, depth) AS (
      SELECT id, replaces_id, 0 FROM subscriptions WHERE id = ${subscriptionId}::uuid
      UNION ALL
      SELECT s.id, s.replaces_id, b.depth + 1 FROM subscriptions s JOIN back b ON s.id = b.replaces_id WHERE b.depth < 50
    )
    SELECT id::text AS id FROM back ORDER BY depth`;
  return rows.map((r) => r.id);
}

/** The newest subscription of the deal a subscription belongs to (itself unless replaced by 换房). */
export async function chainHead(client: Client, subscriptionId: string): Promise<string> {
  const rows = await client.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE fwd(id, depth) AS (
      SELECT id, 0 FROM subscriptions WHERE id = ${subscriptionId}::uuid
      UNION ALL
      SELECT s.id, f.depth + 1 FROM subscriptions s JOIN fwd f ON s.replaces_id = f.id WHERE f.depth < 50
    )
    SELECT id::text AS id FROM fwd ORDER BY depth DESC LIMIT 1`;
  return rows[0]?.id ?? subscriptionId;
}

export interface SubscriptionMoney {
  /** DEPOSIT payments not voided (conversions included), fen. */
  depositPaid: number;
  /** Money in still held (RECORDED, not refunded/converted/voided), fen. */
  balanceHeld: number;
}

export async function subscriptionMoney(client: Client, ids: string[]): Promise<SubscriptionMoney> {
  if (ids.length === 0) return { depositPaid: 0, balanceHeld: 0 };
  const rows = await client.$queryRaw<{ deposit_paid: bigint; held: bigint }[]>`
    SELECT coalesce(sum(amount) FILTER (WHERE kind = 'DEPOSIT' AND status <> 'VOIDED'), 0)::bigint AS deposit_paid,
           coalesce(sum(amount) FILTER (WHERE kind <> 'REFUND' AND status = 'RECORDED'), 0)::bigint AS held
    FROM payments WHERE subscription_id = ANY(${ids}::uuid[])`;
  return { depositPaid: Number(rows[0]?.deposit_paid ?? 0), balanceHeld: Number(rows[0]?.held ?? 0) };
}

/** The deposit a subscription requires: its plan's DEPOSIT line (when > 0), else the project's. */
export function requiredDeposit(schedule: Prisma.JsonValue | null, projectFen: bigint): number {
  if (Array.isArray(schedule)) {
    const line = (schedule as unknown as ScheduleItem[]).find((i) => i && i.kind === 'DEPOSIT');
    if (line && Number.isSafeInteger(line.amount) && line.amount > 0) return line.amount;
  }
  return Number(projectFen);
}

/**
 * After a deposit was recorded or voided: mark the subscription paid when its deposits reach the
 * required deposit, or unpaid again when a void took them below (audited). Call with the
 * subscription row locked. Returns the change, if any.
 */
export async function settleDeposit(
  tx: Tx,
  actor: UserPrincipal | 'system',
  subscriptionId: string,
  at: Date,
): Promise<'paid' | 'unpaid' | null> {
  const sub = await tx.subscription.findUniqueOrThrow({
    where: { id: subscriptionId },
    select: {
      id: true,
      projectId: true,
      schedule: true,
      depositPaidAt: true,
      status: true,
      project: { select: { requiredDepositFen: true } },
    },
  });
  const required = requiredDeposit(sub.schedule, sub.project.requiredDepositFen);
  const { depositPaid } = await subscriptionMoney(tx, await chainIds(tx, subscriptionId));
  if (depositPaid >= required && !sub.depositPaidAt && sub.status === 'ACTIVE') {
    await tx.subscription.update({ where: { id: sub.id }, data: { depositPaidAt: at } });
    await tx.auditEvent.create({
      data: toAuditRow({
        projectId: sub.projectId,
        actor,
        action: 'subscription.deposit_paid',
        entity: 'subscription',
        entityId: sub.id,
        at,
        before: { depositPaidAt: null },
        after: { depositPaidAt: at.toISOString(), depositPaid, required },
      }),
    });
    return 'paid';
  }
  if (depositPaid < required && sub.depositPaidAt) {
    await tx.subscription.update({ where: { id: sub.id }, data: { depositPaidAt: null } });
    await tx.auditEvent.create({
      data: toAuditRow({
        projectId: sub.projectId,
        actor,
        action: 'subscription.deposit_unpaid',
        entity: 'subscription',
        entityId: sub.id,
        at,
        before: { depositPaidAt: sub.depositPaidAt.toISOString() },
        after: { depositPaidAt: null, depositPaid, required },
      }),
    });
    return 'unpaid';
  }
  return null;
}
