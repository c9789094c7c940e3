/**
 * The optional deposit rule 定金时限: with the project's deposit window set, a subscription whose
 * deposit 定金 is not recorded in time is cancelled (by 'system') and its unit returns to sale. The
 * deadline is set after each confirm and enforced by a delayed job of the BullMQ `deposits` queue
 * (jobs/deposits-worker.ts). The cancellation goes through the one selling core
 * (selling/close-subscription.ts). docs/cashier.md "The deposit rule".
 */
import { maskName, type SubscriptionCancelledEvent } from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import type { DocumentRefresher } from '../documents/index.js';
import type { DepositJobs } from '../jobs/deposits.js';
import { closeSubscription } from '../selling/close-subscription.js';
import type { StoredChange } from '../selling/mirror.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import { toAuditRow } from '../services/audit.js';
import type { DealEvents } from '../services/deal-events.js';
import type { Logger } from '../services/logger.js';
import { RefreshingCache } from '../services/refreshing-cache.js';
import { TX_OPTIONS, lockSubscription } from './common.js';
import { chainIds, settleDeposit, subscriptionMoney } from './deal-money.js';

/** Why the deposit rule cancels a subscription (its closeReason). */
export const DEPOSIT_CLOSE_REASON = 'deposit not received';

/** How long a project's deposit window may be served from the cache, ms. */
const WINDOW_CACHE_MS = 5_000;

export interface DepositOutcome {
  outcome: 'cancelled' | 'paid' | 'closed' | 'not-due' | 'no-deadline';
  /** With not-due: the stored deadline. */
  dueAt?: Date;
}

export class DepositRule {
  /** The deposit window 定金时限 of each project, minutes (null: no rule). */
  private readonly windows: RefreshingCache<string, number | null>;

  constructor(
    private readonly db: Db,
    private readonly keeper: MirrorKeeper,
    private readonly depositJobs: DepositJobs,
    private readonly log: Logger,
    /** Re-renders a printed 认购书 whose subscription the rule cancelled (never waited for). */
    private readonly docs: DocumentRefresher | null = null,
    /** `subscription:cancelled` to the consultant and the managers when the rule cancels. */
    private readonly events: DealEvents | null = null,
  ) {
    this.windows = new RefreshingCache(
      async (projectId: string) =>
        (await db.project.findUnique({ where: { id: projectId }, select: { depositWindowMinutes: true } }))
          ?.depositWindowMinutes ?? null,
      // Checked after every confirm: cached (a change through this process applies at once; one made
      // through another process within WINDOW_CACHE_MS).
      { freshMs: WINDOW_CACHE_MS, maxStaleMs: WINDOW_CACHE_MS },
    );
  }

  /** The project's window changed through this process (cashier settings): read it again. */
  forgetWindow(projectId: string): void {
    this.windows.delete(projectId);
  }

  /**
   * Call after a confirm committed. With the project's deposit window set: the subscription's
   * deposit is due at createdAt + window (stored, audited) and a delayed job enforces it. Never
   * throws (the sale is done whatever happens here); returns the deadline, or null without one.
   * Calling it twice is harmless.
   */
  async afterConfirm(projectId: string, subscriptionId: string, createdAt: Date): Promise<Date | null> {
    try {
      const windowMinutes = await this.windows.get(projectId);
      if (!windowMinutes) return null;
      const dueAt = new Date(createdAt.getTime() + windowMinutes * 60_000);
      const deadline = await this.db.$transaction(async (tx) => {
        const set = await tx.$queryRaw<{ id: string }[]>`
          UPDATE subscriptions SET deposit_due_at = ${dueAt}
          WHERE id = ${subscriptionId}::uuid AND project_id = ${projectId}::uuid AND status = 'ACTIVE'
            AND deposit_paid_at IS NULL AND deposit_due_at IS NULL
          RETURNING id::text AS id`;
        if (set[0]) {
          await tx.auditEvent.create({
            data: toAuditRow({
              projectId,
              actor: 'system',
              action: 'subscription.deposit_due',
              entity: 'subscription',
              entityId: subscriptionId,
              before: { depositDueAt: null },
              after: { depositDueAt: dueAt.toISOString(), windowMinutes },
            }),
          });
          return dueAt;
        }
        const sub = await tx.subscription.findUnique({
          where: { id: subscriptionId },
          select: { status: true, depositPaidAt: true, depositDueAt: true },
        });
        return sub?.status === 'ACTIVE' && !sub.depositPaidAt ? sub.depositDueAt : null;
      }, TX_OPTIONS);
      if (deadline) await this.depositJobs.schedule(subscriptionId, deadline);
      return deadline;
    } catch (error) {
      this.log.error(
        { err: error, subscriptionId },
        'could not set the deposit deadline (the worker re-enqueues stored ones on start)',
      );
      return null;
    }
  }

  /** Deadlines still to enforce (the worker re-enqueues them on start). */
  async pending(): Promise<{ subscriptionId: string; dueAt: Date }[]> {
    const rows = await this.db.subscription.findMany({
      where: { status: 'ACTIVE', depositPaidAt: null, depositDueAt: { not: null } },
      select: { id: true, depositDueAt: true },
      take: 100_000,
    });
    return rows.map((r) => ({ subscriptionId: r.id, dueAt: r.depositDueAt! }));
  }

  /**
   * The deadline of one subscription, when its job fires. Still ACTIVE, deposit not recorded, due:
   * cancelled like a 退房 but by 'system' (closeReason 'deposit not received'; a refund is DUE only
   * if money is held), the unit returns to sale through the mirror (every screen, the board and the
   * consultant's, sees it), the registration gets its entitlement back. Anything else: left alone.
   */
  async enforce(subscriptionId: string): Promise<DepositOutcome> {
    let change: { projectId: string; stored: StoredChange; event: SubscriptionCancelledEvent } | null = null;
    const outcome = await this.db.$transaction(async (tx): Promise<DepositOutcome> => {
      await lockSubscription(tx, subscriptionId);
      const sub = await tx.subscription.findUnique({
        where: { id: subscriptionId },
        select: {
          id: true,
          projectId: true,
          unitId: true,
          status: true,
          depositPaidAt: true,
          depositDueAt: true,
          registrationId: true,
          customerId: true,
          price: true,
          refundState: true,
          consultantId: true,
          buyerName: true,
          createdAt: true,
        },
      });
      if (!sub || sub.status !== 'ACTIVE') return { outcome: 'closed' };
      if (sub.depositPaidAt) return { outcome: 'paid' };
      if (!sub.depositDueAt) return { outcome: 'no-deadline' };
      const at = new Date();
      if (sub.depositDueAt > at) return { outcome: 'not-due', dueAt: sub.depositDueAt };
      // Enough may have been recorded without the mark (e.g. the required deposit was lowered since).
      if ((await settleDeposit(tx, 'system', sub.id, at)) === 'paid') return { outcome: 'paid' };
      const cancelled = await this.cancelUnpaid(tx, sub, at);
      // The window this deal was given (stored with its deadline; the project's may have changed since).
      const dueAudit = await tx.auditEvent.findFirst({
        where: { entity: 'subscription', entityId: sub.id, action: 'subscription.deposit_due' },
        orderBy: { id: 'desc' },
        select: { after: true },
      });
      const given = (dueAudit?.after as { windowMinutes?: unknown } | null)?.windowMinutes;
      change = {
        projectId: sub.projectId,
        stored: cancelled.stored,
        event: {
          projectId: sub.projectId,
          subscriptionId: sub.id,
          unitId: sub.unitId,
          unitCode: cancelled.unitCode,
          consultantId: sub.consultantId,
          buyerName: maskName(sub.buyerName),
          reason: 'DEPOSIT_NOT_RECEIVED',
          windowMinutes:
            typeof given === 'number'
              ? given
              : Math.max(0, Math.round((sub.depositDueAt.getTime() - sub.createdAt.getTime()) / 60_000)),
          dueAt: sub.depositDueAt.toISOString(),
          at: at.toISOString(),
        },
      };
      return { outcome: 'cancelled' };
    }, TX_OPTIONS);
    const committed = change as { projectId: string; stored: StoredChange; event: SubscriptionCancelledEvent } | null;
    if (committed) {
      await this.keeper.applyCommitted(committed.projectId, [committed.stored]);
      // Committed: the consultant is told personally (screens see the unit return via units:changed),
      // and a printed 认购书 of the deal is voided.
      this.events?.publish({ type: 'subscription:cancelled', payload: committed.event });
      this.docs?.refreshFor('AGREEMENT', committed.event.subscriptionId, 'system', 'deposit.not_received');
    }
    return outcome;
  }

  /** The deposit rule's cancellation: a refund is DUE only if money is held (selling/close-subscription.ts). */
  private async cancelUnpaid(
    tx: Tx,
    sub: {
      id: string;
      projectId: string;
      unitId: string;
      depositDueAt: Date | null;
      registrationId: string | null;
      customerId: string | null;
      price: bigint;
      refundState: string;
    },
    at: Date,
  ): Promise<{ stored: StoredChange; unitCode: string }> {
    const { balanceHeld } = await subscriptionMoney(tx, await chainIds(tx, sub.id));
    const closed = await closeSubscription(tx, {
      projectId: sub.projectId,
      actor: 'system',
      at,
      subscription: sub,
      closing: { status: 'CANCELLED', refundState: balanceHeld > 0 ? 'DUE' : 'NONE' },
      reason: DEPOSIT_CLOSE_REASON,
      cause: { reason: DEPOSIT_CLOSE_REASON },
      auditBefore: { depositDueAt: sub.depositDueAt?.toISOString() ?? null },
      auditAfter: { balanceHeld },
    });
    return { stored: closed.change, unitCode: closed.unitCode };
  }
}
