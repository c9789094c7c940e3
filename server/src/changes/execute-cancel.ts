/**
 * 退房 CANCEL: the buyer gives the unit up. The subscription closes CANCELLED with a refund DUE and
 * the unit returns to sale, through the one selling core (selling/close-subscription.ts).
 */
import type { UserPrincipal } from '../domain/principal.js';
import { closeSubscription } from '../selling/close-subscription.js';
import { TX_OPTIONS, activeSubscription, executedAudit, json, type Execution } from './execution.js';

export async function executeCancel(
  ex: Execution,
  user: UserPrincipal,
  request: { id: string; projectId: string; subscriptionId: string; reason: string },
): Promise<void> {
  const projectId = request.projectId;
  const change = await ex.db.$transaction(async (tx) => {
    await ex.claim(tx, request.id, user);
    const sub = await activeSubscription(tx, request.subscriptionId);
    const at = new Date();
    const closed = await closeSubscription(tx, {
      projectId,
      actor: user,
      at,
      subscription: sub,
      closing: { status: 'CANCELLED', refundState: 'DUE' },
      reason: request.reason,
      cause: { changeRequestId: request.id },
    });
    const result = {
      refund: 'DUE',
      unitId: sub.unitId,
      unitCode: closed.unitCode,
      price: Number(sub.price),
      ...(closed.unitsUsed !== null ? { unitsUsed: closed.unitsUsed } : {}),
    };
    await tx.changeRequest.update({ where: { id: request.id }, data: { result: json(result) } });
    await tx.auditEvent.create({
      data: executedAudit(projectId, user, request.id, at, result),
    });
    return closed.change;
  }, TX_OPTIONS);
  await ex.keeper.applyCommitted(projectId, [change]);
}
