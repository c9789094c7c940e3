/**
 * 调价 PRICE_CHANGE: a sold unit's price changes (no status change). The subscription's price and
 * payment schedule are rewritten, and the unit's version moves so the mirror (board totals, sold
 * prices) takes the new price (selling/unit-transitions.ts `repriceSoldUnit`).
 */
import { AppError } from '@kaipan/shared';
import { Prisma } from '../infra/db.js';
import type { UserPrincipal } from '../domain/principal.js';
import { repriceSoldUnit } from '../selling/unit-transitions.js';
import { toAuditRow } from '../services/audit.js';
import { TX_OPTIONS, activeSubscription, executedAudit, json, type Execution } from './execution.js';
import { asObject } from './views.js';

export async function executePriceChange(
  ex: Execution,
  user: UserPrincipal,
  request: { id: string; projectId: string; subscriptionId: string; payload: Prisma.JsonValue; reason: string },
): Promise<void> {
  const projectId = request.projectId;
  const finalPrice = Number(asObject(request.payload)?.finalPrice);
  if (!Number.isSafeInteger(finalPrice) || finalPrice <= 0)
    throw new AppError('INTERNAL', 'The stored price change is incomplete.');
  const change = await ex.db.$transaction(async (tx) => {
    await ex.claim(tx, request.id, user);
    const sub = await activeSubscription(tx, request.subscriptionId);
    const schedule = await ex.pricing.scheduleFor(sub, finalPrice);
    const at = new Date();
    await tx.subscription.update({
      where: { id: sub.id },
      data: {
        price: BigInt(finalPrice),
        schedule: schedule === null ? Prisma.DbNull : json(schedule),
        version: { increment: 1 },
      },
    });
    // The unit's version moves too, so the mirror (board totals, sold prices) takes the new price.
    const unit = await repriceSoldUnit(tx, { projectId, unitId: sub.unitId, price: finalPrice });
    if (!unit)
      throw new AppError('CONFLICT', 'The subscription’s unit is not in the subscribed state; nothing was changed.');
    const oldPrice = Number(sub.price);
    const result = { oldPrice, newPrice: finalPrice, adjustment: oldPrice - finalPrice, reason: request.reason };
    await tx.changeRequest.update({ where: { id: request.id }, data: { result: json(result) } });
    await tx.auditEvent.createMany({
      data: [
        toAuditRow({
          projectId,
          actor: user,
          action: 'subscription.price_change',
          entity: 'subscription',
          entityId: sub.id,
          at,
          before: { price: oldPrice, schedule: sub.schedule },
          after: { price: finalPrice, schedule, reason: request.reason },
        }),
        executedAudit(projectId, user, request.id, at, result),
      ].map((r) => ({ ...r, before: r.before ?? Prisma.DbNull, after: r.after ?? Prisma.DbNull })),
    });
    return unit;
  }, TX_OPTIONS);
  await ex.keeper.applyCommitted(projectId, [change]);
}
