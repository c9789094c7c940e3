/**
 * 换房 UNIT_CHANGE: the deal moves to another unit. The buyer must never end with zero or two units:
 * 1. The target unit is locked FIRST in Redis (the same Lua script as a consultant's lock), so no
 *    consultant can start a confirm on it while the change commits.
 * 2. ONE PostgreSQL transaction claims the request (`… WHERE status = 'APPROVED'`: exactly one
 *    executor wins), takes the target with `… WHERE status = 'AVAILABLE'` (a confirm that got there
 *    first makes it UNIT_NOT_AVAILABLE and everything rolls back), closes the old subscription
 *    (selling/close-subscription.ts), returns the old unit and opens the new subscription. The
 *    partial unique index subscriptions_one_live_per_unit stays the last line of defence.
 * 3. Only after the commit does the mirror learn both unit changes (every screen updates); a failed
 *    transaction releases the Redis lock (compare-and-delete on its token).
 */
import { randomUUID } from 'node:crypto';
import { AppError, broadcastName, type DealInfo } from '@kaipan/shared';
import { Prisma } from '../infra/db.js';
import type { UserPrincipal } from '../domain/principal.js';
import { closeSubscription } from '../selling/close-subscription.js';
import type { MirrorFailure, StoredChange } from '../selling/mirror.js';
import { transitionUnit } from '../selling/unit-transitions.js';
import { toAuditRow } from '../services/audit.js';
import {
  TX_OPTIONS,
  activeSubscription,
  executedAudit,
  json,
  type ApprovedRequest,
  type Execution,
} from './execution.js';
import type { UnitChangePreview } from './pricing.js';
import { asObject, subscriptionInclude } from './views.js';

/** How long the target unit of a 换房 stays locked while the transaction commits, ms (released or consumed long before). */
const CHANGE_LOCK_TTL_MS = 60_000;

function mirrorFailure(code: MirrorFailure): AppError {
  if (code === 'MIRROR_MISSING') return new AppError('SERVICE_UNAVAILABLE', 'Sales state is being rebuilt; try again.');
  if (code === 'LOCK_HELD')
    return new AppError('LOCK_HELD', 'Someone holds the target unit right now; try again or withdraw the request.');
  if (code === 'UNIT_NOT_AVAILABLE')
    return new AppError('UNIT_NOT_AVAILABLE', 'The target unit is no longer available.');
  return new AppError(code);
}

export async function executeUnitChange(ex: Execution, user: UserPrincipal, request: ApprovedRequest): Promise<void> {
  const projectId = request.projectId;
  const targetUnitId = String(asObject(request.payload)?.targetUnitId ?? '');
  const approved = asObject(request.preview) as unknown as UnitChangePreview | null;
  if (!targetUnitId || !approved) throw new AppError('INTERNAL', 'The stored unit change is incomplete.');

  // (1) The target first, in Redis: the lock belongs to the request, so its executors (a manager
  // and the requester pressing at once) share one token; nobody else can lock or confirm it now.
  const holder = { id: `change:${request.id}`, name: user.displayName };
  let grant = await ex.mirror.lock(projectId, targetUnitId, holder, CHANGE_LOCK_TTL_MS, 1, undefined);
  if (!grant.ok && grant.code === 'MIRROR_MISSING') {
    await ex.keeper.rebuild(projectId);
    grant = await ex.mirror.lock(projectId, targetUnitId, holder, CHANGE_LOCK_TTL_MS, 1, undefined);
  }
  if (!grant.ok) throw mirrorFailure(grant.code);
  const token = grant.value.token;

  let committed: StoredChange[];
  try {
    const sub0 = await ex.db.subscription.findUniqueOrThrow({
      where: { id: request.subscriptionId },
      include: subscriptionInclude,
    });
    const quote = await ex.pricing.quoteTarget(sub0, targetUnitId, new Date());
    committed = await ex.db.$transaction(async (tx) => {
      await ex.claim(tx, request.id, user);
      const sub = await activeSubscription(tx, request.subscriptionId);
      if (quote.finalPrice !== approved.finalPrice || (quote.plan?.id ?? null) !== (approved.plan?.id ?? null)) {
        throw new AppError('CONFLICT', 'Prices changed since the request was approved; request the change again.', {
          approvedPrice: approved.finalPrice,
          currentPrice: quote.finalPrice,
        });
      }
      const active = await tx.$queryRaw<{ price_version: number; terms_version: number }[]>`
        SELECT price_version, terms_version FROM projects WHERE id = ${projectId}::uuid`;
      const at = new Date();
      const newSubscriptionId = randomUUID();
      // The target: AVAILABLE (held by our lock) → SUBSCRIBED, only at the prices it was quoted at.
      const target = await transitionUnit(tx, {
        projectId,
        unitId: targetUnitId,
        action: 'confirm',
        actor: user,
        at,
        auditAction: 'unit.change_in',
        lockToken: token,
        prices: { listPrice: quote.listPrice, floorPrice: quote.floorPrice },
        before: { token },
        after: {
          subscriptionId: newSubscriptionId,
          price: quote.finalPrice,
          changeRequestId: request.id,
          movedFrom: sub.unit.code,
        },
      });
      if (!target) {
        const still = await tx.unit.findUnique({ where: { id: targetUnitId }, select: { status: true } });
        if (still?.status === 'AVAILABLE')
          throw new AppError('CONFLICT', 'Prices changed since the request was approved; request the change again.');
        throw new AppError('UNIT_NOT_AVAILABLE', 'The target unit was sold or withdrawn meanwhile.');
      }
      if (active[0]?.price_version !== quote.priceVersion) {
        throw new AppError('CONFLICT', 'A new price list became active; request the change again.');
      }
      if (active[0]?.terms_version !== quote.termsVersion) {
        // Priced from terms another process changed: read them again for the next attempt.
        ex.pricing.forgetTerms(projectId);
        throw new AppError('CONFLICT', 'The discount rules or payment plans changed; execute again to re-price.');
      }
      // The old subscription closes (CHANGED) and returns its unit to sale; the new one opens.
      const old = await closeSubscription(tx, {
        projectId,
        actor: user,
        at,
        subscription: sub,
        closing: { status: 'CHANGED', replacedById: newSubscriptionId },
        reason: request.reason,
        cause: { changeRequestId: request.id, movedTo: target.code },
      });
      const created = await tx.subscription.create({
        data: {
          id: newSubscriptionId,
          projectId,
          unitId: targetUnitId,
          consultantId: sub.consultantId,
          buyerName: sub.buyerName,
          buyerPhone: sub.buyerPhone,
          price: BigInt(quote.finalPrice),
          lockToken: BigInt(token),
          status: 'ACTIVE',
          customerId: sub.customerId,
          registrationId: sub.registrationId,
          priceVersion: quote.priceVersion,
          listPrice: BigInt(quote.listPrice),
          floorPrice: BigInt(quote.floorPrice),
          planId: quote.plan?.id ?? sub.planId,
          breakdown: json(quote.breakdown),
          schedule: quote.schedule === null ? Prisma.DbNull : json(quote.schedule),
          replacesId: sub.id,
        },
        select: { id: true, createdAt: true },
      });
      const result = {
        newSubscriptionId: created.id,
        oldSubscriptionId: sub.id,
        oldUnitId: sub.unitId,
        oldUnitCode: old.unitCode,
        newUnitId: targetUnitId,
        newUnitCode: target.code,
        oldPrice: Number(sub.price),
        newPrice: quote.finalPrice,
      };
      await tx.changeRequest.update({ where: { id: request.id }, data: { result: json(result) } });
      const audit = (action: string, entity: string, entityId: string, before: unknown, after: unknown) =>
        toAuditRow({ projectId, actor: user, action, entity, entityId, before, after, at });
      await tx.auditEvent.createMany({
        data: [
          audit('subscription.create', 'subscription', created.id, null, {
            status: 'ACTIVE',
            replacesId: sub.id,
            unitCode: target.code,
            price: quote.finalPrice,
            priceVersion: quote.priceVersion,
            buyerName: sub.buyerName,
          }),
          executedAudit(projectId, user, request.id, at, result),
        ].map((r) => ({ ...r, before: r.before ?? Prisma.DbNull, after: r.after ?? Prisma.DbNull })),
      });
      const deal: DealInfo = {
        subscriptionId: created.id,
        unitId: targetUnitId,
        unitCode: target.code,
        buyer: broadcastName(sub.buyerName),
        consultant: sub.consultant.displayName,
        price: quote.finalPrice,
        at: created.createdAt.toISOString(),
      };
      return [old.change, { ...target.change, price: quote.finalPrice, deal }];
    }, TX_OPTIONS);
  } catch (error) {
    // Nothing committed. The lock is ours to give back — unless a racing executor of this same
    // request (same holder, same token) committed with it: then its mirror update consumes it.
    const executed = await ex.db.changeRequest
      .findUnique({ where: { id: request.id }, select: { status: true } })
      .catch(() => null);
    if (executed?.status !== 'EXECUTED') {
      await ex.mirror.release(projectId, targetUnitId, token, holder.id, false).catch(() => undefined);
    }
    throw error;
  }

  // (3) Committed: both units reach the mirror and every screen; the token consumes our lock.
  await ex.keeper.applyCommitted(projectId, committed);
}
