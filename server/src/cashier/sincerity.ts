/**
 * 退筹: a registration whose sincerity deposit 诚意金 was refunded is withdrawn, and put back when
 * that refund is voided. docs/cashier.md "Flows".
 */
import type { Tx } from '../infra/db.js';
import type { UserPrincipal } from '../domain/principal.js';
import { toAuditRow } from '../services/audit.js';
import { SINCERITY_HELD_WHERE } from '../services/registration-service.js';
import { lockRegistration } from './common.js';

/**
 * 退筹: after a sincerity refund, a registration that holds no sincerity deposit any more is withdrawn
 * (ACTIVE → CANCELLED, audited as registration.withdraw with the refund): the household took its
 * money back and selects no more units under it. Returns the registration id when it was withdrawn.
 * The caller holds the registration's row lock (lockRegistration).
 */
export async function withdrawWithoutSincerity(
  tx: Tx,
  actor: UserPrincipal,
  projectId: string,
  registrationId: string,
  refundId: string,
  at: Date,
): Promise<string | null> {
  const held = await tx.payment.count({ where: { registrationId, ...SINCERITY_HELD_WHERE } });
  if (held > 0) return null;
  const changed = await tx.registration.updateMany({
    where: { id: registrationId, status: 'ACTIVE' },
    data: { status: 'CANCELLED' },
  });
  if (changed.count === 0) return null;
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId,
      actor,
      action: 'registration.withdraw',
      entity: 'registration',
      entityId: registrationId,
      at,
      before: { status: 'ACTIVE' },
      after: { status: 'CANCELLED', refundId, reason: 'SINCERITY_REFUNDED' },
    }),
  });
  return registrationId;
}

/**
 * A voided refund voucher puts its sincerity deposit back: when that refund had withdrawn the
 * registration (and nothing changed it since), the registration is ACTIVE again (audited).
 */
export async function reinstateAfterVoidedRefund(
  tx: Tx,
  actor: UserPrincipal,
  projectId: string,
  registrationId: string,
  refundId: string,
  at: Date,
): Promise<void> {
  await lockRegistration(tx, registrationId);
  const last = await tx.auditEvent.findFirst({
    where: {
      entity: 'registration',
      entityId: registrationId,
      action: { in: ['registration.withdraw', 'registration.cancel'] },
    },
    orderBy: { createdAt: 'desc' },
    select: { action: true, after: true },
  });
  const byThisRefund =
    last?.action === 'registration.withdraw' && (last.after as { refundId?: string } | null)?.refundId === refundId;
  if (!byThisRefund) return;
  const changed = await tx.registration.updateMany({
    where: { id: registrationId, status: 'CANCELLED' },
    data: { status: 'ACTIVE' },
  });
  if (changed.count === 0) return;
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId,
      actor,
      action: 'registration.reinstate',
      entity: 'registration',
      entityId: registrationId,
      at,
      before: { status: 'CANCELLED' },
      after: { status: 'ACTIVE', voidedRefundId: refundId },
    }),
  });
}
