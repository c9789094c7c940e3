/**
 * 更名 BUYER_CHANGE: the subscription gets another buyer (name, phone). The buyer's customer record
 * follows: the old one turns back to INTERESTED when it has no other live deal, the new one (when the
 * project knows the phone) becomes SUBSCRIBED.
 */
import { AppError, normalizePhone, type Buyer } from '@kaipan/shared';
import { Prisma } from '../infra/db.js';
import type { UserPrincipal } from '../domain/principal.js';
import { customerAfterLoss } from '../selling/close-subscription.js';
import { toAuditRow } from '../services/audit.js';
import { TX_OPTIONS, activeSubscription, executedAudit, json, type Execution } from './execution.js';
import { asObject } from './views.js';

export async function executeBuyerChange(
  ex: Execution,
  user: UserPrincipal,
  request: { id: string; projectId: string; subscriptionId: string; payload: Prisma.JsonValue },
): Promise<void> {
  const projectId = request.projectId;
  const buyer = asObject(request.payload)?.buyer as Buyer | undefined;
  if (!buyer?.name || !buyer.phone) throw new AppError('INTERNAL', 'The stored buyer change is incomplete.');
  await ex.db.$transaction(async (tx) => {
    await ex.claim(tx, request.id, user);
    const sub = await activeSubscription(tx, request.subscriptionId);
    const phone = normalizePhone(buyer.phone) ?? buyer.phone;
    const customer = await tx.customer.findUnique({
      where: { projectId_phone: { projectId, phone } },
      select: { id: true, status: true },
    });
    const at = new Date();
    await tx.subscription.update({
      where: { id: sub.id },
      data: {
        buyerName: buyer.name,
        buyerPhone: buyer.phone,
        customerId: customer?.id ?? null,
        version: { increment: 1 },
      },
    });
    const old = { name: sub.buyerName, phone: sub.buyerPhone, customerId: sub.customerId };
    const next = { name: buyer.name, phone: buyer.phone, customerId: customer?.id ?? null };
    const audits = [
      toAuditRow({
        projectId,
        actor: user,
        action: 'subscription.buyer_change',
        entity: 'subscription',
        entityId: sub.id,
        at,
        before: old,
        after: next,
      }),
    ];
    if (sub.customerId && sub.customerId !== customer?.id) {
      audits.push(
        ...(await customerAfterLoss(tx, {
          projectId,
          actor: user,
          at,
          customerId: sub.customerId,
          subscriptionId: sub.id,
        })),
      );
    }
    if (
      customer &&
      customer.id !== sub.customerId &&
      (customer.status === 'POTENTIAL' || customer.status === 'INTERESTED')
    ) {
      await tx.customer.update({
        where: { id: customer.id },
        data: { status: 'SUBSCRIBED', version: { increment: 1 }, lastActivityAt: at },
      });
      audits.push(
        toAuditRow({
          projectId,
          actor: user,
          action: 'customer.status',
          entity: 'customer',
          entityId: customer.id,
          at,
          before: { status: customer.status },
          after: { status: 'SUBSCRIBED', subscriptionId: sub.id },
        }),
      );
    }
    const result = {
      old: { name: old.name, phone: old.phone },
      new: { name: next.name, phone: next.phone },
      customerId: next.customerId,
    };
    await tx.changeRequest.update({ where: { id: request.id }, data: { result: json(result) } });
    audits.push(executedAudit(projectId, user, request.id, at, result));
    await tx.auditEvent.createMany({
      data: audits.map((r) => ({ ...r, before: r.before ?? Prisma.DbNull, after: r.after ?? Prisma.DbNull })),
    });
  }, TX_OPTIONS);
}
