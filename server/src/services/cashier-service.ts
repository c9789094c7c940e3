/**
 * The cashier 收银台 (issue 6), server side: one entry point (`services.cashier`) for the kiosk's API.
 * - books: receipt books 收据本 (receipt-book-service.ts)
 * - payments: record 收款, 诚意金转定金, 退款 with idempotency keys (payment-service.ts)
 * - receipts: voids 作废 with four-eyes approval, print counting (receipt-service.ts)
 * - dayEnd: 日结 totals, close, CSV (day-end-service.ts)
 * and here: finding a deal at the counter, the cashier's view of a subscription or registration,
 * the project's money settings, and the optional deposit rule 定金时限 (BullMQ `deposits` queue).
 * docs/cashier.md is the specification.
 */
import {
  AppError,
  type CashierSettings,
  formatRegistrationNo,
  idSchema,
  maskName,
  personView,
  showName,
  showPhone,
  normalizePhone,
  parseRegistrationNo,
  phoneDigits,
  type CashierLookup,
  type CashierRegistration,
  type CashierSubscription,
  type PaymentInfo,
  type SubscriptionCancelledEvent,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import type { StoredChange } from '../selling/mirror.js';
import { closeSubscription } from '../selling/close-subscription.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import type { DepositJobs } from '../jobs/deposits.js';
import type { DealEvents } from './deal-events.js';
import type { DocumentRefresher } from '../documents/index.js';
import { toAuditRow } from './audit.js';
import {
  TX_OPTIONS,
  chainIds,
  lockSubscription,
  managerOf,
  moneyStaff,
  requiredDeposit,
  settleDeposit,
  subscriptionMoney,
  type Client,
} from './cashier-common.js';
import { DayEndService } from './day-end-service.js';
import type { Logger } from './logger.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import { PaymentService } from './payment-service.js';
import type { ProjectDirectory } from './project-directory.js';
import { ReceiptBookService } from './receipt-book-service.js';
import { ReceiptService } from './receipt-service.js';
import { RefreshingCache } from './refreshing-cache.js';

/** Why the deposit rule cancels a subscription (its closeReason). */
export const DEPOSIT_CLOSE_REASON = 'deposit not received';
const isValidUuid = (s: string): boolean => idSchema.safeParse(s).success;

/** Results per kind in a lookup. */
const LOOKUP_LIMIT = 10;

export interface DepositOutcome {
  outcome: 'cancelled' | 'paid' | 'closed' | 'not-due' | 'no-deadline';
  /** With not-due: the stored deadline. */
  dueAt?: Date;
}

const subscriptionSelect = {
  id: true,
  projectId: true,
  unitId: true,
  status: true,
  consultantId: true,
  buyerName: true,
  buyerPhone: true,
  price: true,
  schedule: true,
  depositPaidAt: true,
  depositDueAt: true,
  refundState: true,
  registrationId: true,
  createdAt: true,
  unit: { select: { code: true } },
  project: { select: { requiredDepositFen: true } },
} as const;

/** How long a project's deposit window may be served from the cache, ms. */
const WINDOW_CACHE_MS = 5_000;

export class CashierService {
  readonly books: ReceiptBookService;
  readonly payments: PaymentService;
  readonly receipts: ReceiptService;
  readonly dayEnd: DayEndService;

  /** The deposit window 定金时限 of each project, minutes (null: no rule). */
  private readonly windows: RefreshingCache<string, number | null>;

  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly keeper: MirrorKeeper,
    private readonly depositJobs: DepositJobs,
    private readonly log: Logger,
    /** Re-renders a printed 认购书 whose deposits or status changed (never waited for). */
    private readonly docs: DocumentRefresher | null = null,
    /** `subscription:cancelled` to the consultant and the managers when the deposit rule cancels. */
    private readonly events: DealEvents | null = null,
  ) {
    this.books = new ReceiptBookService(db, directory);
    this.payments = new PaymentService(db, directory, depositJobs, docs);
    this.receipts = new ReceiptService(db, directory, depositJobs, docs);
    this.dayEnd = new DayEndService(db, directory);
    this.windows = new RefreshingCache(
      async (projectId: string) =>
        (await db.project.findUnique({ where: { id: projectId }, select: { depositWindowMinutes: true } }))
          ?.depositWindowMinutes ?? null,
      // Checked after every confirm: cached (a change through this process applies at once; one made
      // through another process within WINDOW_CACHE_MS).
      { freshMs: WINDOW_CACHE_MS, maxStaleMs: WINDOW_CACHE_MS },
    );
  }

  // ── The cashier's view of a deal ─────────────────────────────────────────────────────────────

  /** Deals as `viewer` may see them: the buyer per the privacy rule, the deal's consultant owning the record. */
  private async subscriptionInfos(
    client: Client,
    ids: string[],
    viewer: UserPrincipal,
  ): Promise<CashierSubscription[]> {
    if (ids.length === 0) return [];
    const rows = await client.subscription.findMany({ where: { id: { in: ids } }, select: subscriptionSelect });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: CashierSubscription[] = [];
    for (const id of ids) {
      const s = byId.get(id);
      if (!s) continue;
      const money = await subscriptionMoney(client, await chainIds(client, s.id));
      const view = personView(viewer, { consultantId: s.consultantId });
      out.push({
        id: s.id,
        unitId: s.unitId,
        unitCode: s.unit.code,
        status: s.status,
        buyerName: showName(view.name, s.buyerName),
        buyerPhone: showPhone(view.phone, s.buyerPhone),
        price: Number(s.price),
        depositRequired: requiredDeposit(s.schedule, s.project.requiredDepositFen),
        depositPaid: money.depositPaid,
        depositPaidAt: s.depositPaidAt?.toISOString() ?? null,
        depositDueAt: s.depositDueAt?.toISOString() ?? null,
        refundState: s.refundState,
        balanceHeld: money.balanceHeld,
        registrationId: s.registrationId,
        createdAt: s.createdAt.toISOString(),
      });
    }
    return out;
  }

  /** Registrations as `viewer` may see them: the customer per the privacy rule, its owner owning the record. */
  private async registrationInfos(ids: string[], viewer: UserPrincipal): Promise<CashierRegistration[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.registration.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        number: true,
        status: true,
        customer: { select: { name: true, phone: true, ownerId: true } },
      },
    });
    const held = await this.db.payment.groupBy({
      by: ['registrationId'],
      where: { registrationId: { in: ids }, kind: 'SINCERITY', status: 'RECORDED' },
      _sum: { amount: true },
    });
    const sums = new Map(held.map((h) => [h.registrationId, Number(h._sum.amount ?? 0n)]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      const view = personView(viewer, { ownerId: r.customer.ownerId });
      return [
        {
          id: r.id,
          label: formatRegistrationNo(r.number),
          status: r.status,
          customerName: showName(view.name, r.customer.name),
          customerPhone: showPhone(view.phone, r.customer.phone),
          sincerityHeld: sums.get(r.id) ?? 0,
        },
      ];
    });
  }

  async subscription(
    principal: Principal,
    subscriptionId: string,
  ): Promise<CashierSubscription & { payments: PaymentInfo[] }> {
    const row = await this.db.subscription.findUnique({ where: { id: subscriptionId }, select: { projectId: true } });
    if (!row) throw new AppError('NOT_FOUND', 'No such subscription.');
    const { user } = await moneyStaff(this.directory, principal, row.projectId, 'read');
    const [info] = await this.subscriptionInfos(this.db, [subscriptionId], user);
    return { ...info!, payments: await this.payments.ofSubscriptions(await chainIds(this.db, subscriptionId), user) };
  }

  async registration(
    principal: Principal,
    registrationId: string,
  ): Promise<CashierRegistration & { payments: PaymentInfo[] }> {
    const row = await this.db.registration.findUnique({ where: { id: registrationId }, select: { projectId: true } });
    if (!row) throw new AppError('NOT_FOUND', 'No such registration.');
    const { user } = await moneyStaff(this.directory, principal, row.projectId, 'read');
    const [info] = await this.registrationInfos([registrationId], user);
    return { ...info!, payments: await this.payments.ofRegistration(registrationId, user) };
  }

  /**
   * Find what the buyer at the counter is here for: by unit code (exact; or without the building
   * prefix when that is unique), buyer phone, queue ticket (A012), registration number (R0007),
   * receipt number (KP2026-000012), or an id printed on a receipt or document (QR). A household
   * found by one side brings the other (a registration brings its live subscriptions and back), so
   * a conversion has both ends on screen.
   */
  async lookup(principal: Principal, projectId: string, query: string): Promise<CashierLookup> {
    // The desk's search (by phone, name, unit…): the cashiers' tool, not finance's (it answers the
    // phone it was given, in clear).
    const { user } = await moneyStaff(this.directory, principal, projectId);
    const q = query.trim();
    const subs = new Set<string>();
    const regs = new Set<string>();
    const pays = new Set<string>();
    const customers = new Set<string>();
    const phones = new Set<string>();

    if (isValidUuid(q)) {
      const [receipt, payment, document, sub, reg] = await Promise.all([
        this.db.receipt.findFirst({ where: { id: q, projectId }, select: { paymentId: true } }),
        this.db.payment.findFirst({ where: { id: q, projectId }, select: { id: true } }),
        this.db.document.findFirst({ where: { id: q, projectId }, select: { kind: true, entityId: true } }),
        this.db.subscription.findFirst({ where: { id: q, projectId }, select: { id: true } }),
        this.db.registration.findFirst({ where: { id: q, projectId }, select: { id: true } }),
      ]);
      if (receipt) pays.add(receipt.paymentId);
      if (payment) pays.add(payment.id);
      if (sub) subs.add(sub.id);
      if (reg) regs.add(reg.id);
      if (document?.kind === 'RECEIPT') {
        const r = await this.db.receipt.findFirst({
          where: { id: document.entityId, projectId },
          select: { paymentId: true },
        });
        if (r) pays.add(r.paymentId);
      } else if (document?.kind === 'AGREEMENT') {
        subs.add(document.entityId);
      }
    }
    if (q.length >= 2) {
      const receipts = await this.db.receipt.findMany({
        where: { projectId, label: { equals: q, mode: 'insensitive' } },
        select: { paymentId: true },
        take: LOOKUP_LIMIT,
      });
      for (const r of receipts) pays.add(r.paymentId);
    }
    if (/^[Rr]\d{1,9}$/.test(q)) {
      const n = parseRegistrationNo(q);
      if (n !== null) {
        const reg = await this.db.registration.findUnique({
          where: { projectId_number: { projectId, number: n } },
          select: { id: true },
        });
        if (reg) regs.add(reg.id);
      }
    }
    if (/^[A-Za-z]\d{1,6}$/.test(q)) {
      const tickets = await this.db.queueTicket.findMany({
        where: { projectId, label: { equals: q, mode: 'insensitive' } },
        select: { phone: true, customerId: true, registrationId: true },
        take: LOOKUP_LIMIT,
      });
      for (const t of tickets) {
        phones.add(t.phone);
        if (t.customerId) customers.add(t.customerId);
        if (t.registrationId) regs.add(t.registrationId);
      }
    }
    // Unit code: exact, else the only unit whose code ends with "-<q>" (without the building prefix).
    let unitIds: string[] = [];
    const exact = await this.db.unit.findMany({
      where: { projectId, code: { equals: q, mode: 'insensitive' } },
      select: { id: true },
      take: 2,
    });
    if (exact.length > 0) unitIds = exact.map((u) => u.id);
    else if (/^[A-Za-z0-9]{1,10}$/.test(q)) {
      const suffix = await this.db.unit.findMany({
        where: { projectId, code: { endsWith: `-${q}`, mode: 'insensitive' } },
        select: { id: true },
        take: 2,
      });
      if (suffix.length === 1) unitIds = [suffix[0]!.id];
    }
    if (unitIds.length > 0) {
      const rows = await this.db.subscription.findMany({
        where: { projectId, unitId: { in: unitIds } },
        select: { id: true },
        orderBy: { createdAt: 'desc' },
        take: LOOKUP_LIMIT,
      });
      for (const r of rows) subs.add(r.id);
    }
    const digits = phoneDigits(q);
    if (digits && digits.length >= 7) {
      phones.add(digits);
      const normal = normalizePhone(q);
      if (normal) phones.add(normal);
    }
    if (phones.size > 0) {
      const list = [...phones];
      const found = await this.db.customer.findMany({
        where: { projectId, phone: { in: list } },
        select: { id: true },
        take: LOOKUP_LIMIT,
      });
      for (const c of found) customers.add(c.id);
      const rows = await this.db.subscription.findMany({
        where: { projectId, buyerPhone: { in: list } },
        select: { id: true },
        orderBy: { createdAt: 'desc' },
        take: LOOKUP_LIMIT,
      });
      for (const r of rows) subs.add(r.id);
    }
    if (customers.size > 0) {
      const regRows = await this.db.registration.findMany({
        where: { projectId, customerId: { in: [...customers] } },
        select: { id: true },
        take: LOOKUP_LIMIT,
      });
      for (const r of regRows) regs.add(r.id);
      const subRows = await this.db.subscription.findMany({
        where: { projectId, customerId: { in: [...customers] } },
        select: { id: true },
        orderBy: { createdAt: 'desc' },
        take: LOOKUP_LIMIT,
      });
      for (const r of subRows) subs.add(r.id);
    }
    // Payments found bring their deal and registration.
    const payments = await this.payments.byIds([...pays].slice(0, LOOKUP_LIMIT), user);
    for (const p of payments) {
      if (p.subscriptionId) subs.add(p.subscriptionId);
      if (p.registrationId) regs.add(p.registrationId);
    }
    // The household on both sides: a registration's live subscriptions, a subscription's registration.
    if (regs.size > 0) {
      const live = await this.db.subscription.findMany({
        where: { projectId, registrationId: { in: [...regs] }, status: { in: ['ACTIVE', 'CONTRACTED'] } },
        select: { id: true },
        take: LOOKUP_LIMIT,
      });
      for (const r of live) subs.add(r.id);
    }
    const subIds = [...subs].slice(0, LOOKUP_LIMIT);
    if (subIds.length > 0) {
      const rows = await this.db.subscription.findMany({
        where: { id: { in: subIds }, registrationId: { not: null } },
        select: { registrationId: true },
      });
      for (const r of rows) if (r.registrationId) regs.add(r.registrationId);
    }
    return {
      query: q,
      subscriptions: await this.subscriptionInfos(this.db, subIds, user),
      registrations: await this.registrationInfos([...regs].slice(0, LOOKUP_LIMIT), user),
      payments,
    };
  }

  // ── Settings ─────────────────────────────────────────────────────────────────────────────────

  async settings(principal: Principal, projectId: string): Promise<CashierSettings> {
    await moneyStaff(this.directory, principal, projectId, 'read');
    const p = await this.db.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { depositWindowMinutes: true, requiredDepositFen: true },
    });
    return { depositWindowMinutes: p.depositWindowMinutes, requiredDepositFen: Number(p.requiredDepositFen) };
  }

  /** Managers: the deposit rule's window (null = off) and the project's required deposit. Applies to new subscriptions. */
  async updateSettings(
    principal: Principal,
    projectId: string,
    body: Partial<CashierSettings>,
  ): Promise<CashierSettings> {
    const user = await managerOf(this.directory, principal, projectId);
    const saved = await this.db.$transaction(async (tx) => {
      const before = await tx.project.findUniqueOrThrow({
        where: { id: projectId },
        select: { depositWindowMinutes: true, requiredDepositFen: true },
      });
      const after = await tx.project.update({
        where: { id: projectId },
        data: {
          ...(body.depositWindowMinutes !== undefined ? { depositWindowMinutes: body.depositWindowMinutes } : {}),
          ...(body.requiredDepositFen !== undefined ? { requiredDepositFen: BigInt(body.requiredDepositFen) } : {}),
        },
        select: { depositWindowMinutes: true, requiredDepositFen: true },
      });
      const shape = (p: typeof after): CashierSettings => ({
        depositWindowMinutes: p.depositWindowMinutes,
        requiredDepositFen: Number(p.requiredDepositFen),
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'project.cashier_settings',
          entity: 'project',
          entityId: projectId,
          before: shape(before),
          after: shape(after),
        }),
      });
      return shape(after);
    }, TX_OPTIONS);
    this.windows.delete(projectId);
    return saved;
  }

  // ── The deposit rule 定金时限 ─────────────────────────────────────────────────────────────────

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
  async pendingDeposits(): Promise<{ subscriptionId: string; dueAt: Date }[]> {
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
  async enforceDeposit(subscriptionId: string): Promise<DepositOutcome> {
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
