/**
 * Receipts 收据 after they were issued: void 作废 (the cashier asks, a manager who is not the asker
 * decides — four-eyes; the receipt keeps its number) and print counting (every print after the
 * first is a reprint, stamped COPY / 重打 by the document renderer). docs/cashier.md.
 */
import {
  personView,
  showName,
  AppError,
  formatRegistrationNo,
  type DecisionBody,
  type PaymentInfo,
  type ReceiptInfo,
  type VoidRequestInfo,
  type VoidRequestStatus,
} from '@kaipan/shared';
import type { Db, Prisma, Tx } from '../infra/db.js';
import { ApprovalWorkflow, type ApprovalKind } from '../approvals/workflow.js';
import { RECEIPT_VOID } from '../approvals/kinds.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import type { DepositJobs } from '../jobs/deposits.js';
import type { DocumentRefresher } from '../documents/index.js';
import { toAuditRow } from '../services/audit.js';
import { dateText, lockDay } from './business-day.js';
import { TX_OPTIONS, lockPayment, lockSubscription, moneyStaff } from './common.js';
import { chainHead, chainIds, settleDeposit } from './deal-money.js';
import { paymentInfo, toReceiptInfo, userNames } from './payment-views.js';
import { reinstateAfterVoidedRefund } from './sincerity.js';
import type { ProjectDirectory } from '../services/project-directory.js';

const voidInclude = {
  receipt: {
    select: {
      id: true,
      label: true,
      payment: {
        select: {
          id: true,
          kind: true,
          amount: true,
          payerName: true,
          cashierId: true,
          businessDate: true,
          subscription: { select: { consultantId: true, unit: { select: { code: true } } } },
          registration: { select: { number: true, customer: { select: { ownerId: true } } } },
        },
      },
    },
  },
} satisfies Prisma.VoidRequestInclude;

type VoidRow = Prisma.VoidRequestGetPayload<{ include: typeof voidInclude }>;

const receiptInclude = { voidRequests: { where: { status: 'PENDING' } } } satisfies Prisma.ReceiptInclude;

type Voidable = {
  status: string;
  kind: string;
  convertedFromId: string | null;
  dayCloseId: string | null;
  receiptStatus: string;
};

/** Why a receipt cannot be voided (INVALID_TRANSITION), or nothing. */
function assertVoidable(p: Voidable): void {
  if (p.receiptStatus === 'VOIDED' || p.status === 'VOIDED')
    throw new AppError('INVALID_TRANSITION', 'The receipt is already voided.');
  if (p.dayCloseId) {
    throw new AppError('INVALID_TRANSITION', 'The day is closed — record a refund/correction instead of voiding.', {
      reason: 'DAY_CLOSED',
    });
  }
  if (p.status === 'CONVERTED') {
    throw new AppError(
      'INVALID_TRANSITION',
      'This sincerity deposit was converted into a subscription deposit; a converted sincerity deposit cannot be voided.',
      { reason: 'CONVERTED' },
    );
  }
  if (p.status === 'REFUNDED')
    throw new AppError('INVALID_TRANSITION', 'This payment was refunded; void the refund first.', {
      reason: 'REFUNDED',
    });
  if (p.convertedFromId) {
    throw new AppError(
      'INVALID_TRANSITION',
      'A conversion (诚意金转定金) moved no money and cannot be voided; it stays linked to its sincerity deposit.',
      { reason: 'CONVERSION' },
    );
  }
}

/** What an approved void changed beyond the receipt, acted on after the commit. */
interface VoidEffects {
  /** A deposit voided before its deadline: the deadline applies again. */
  reschedule: { subscriptionId: string; dueAt: Date } | null;
  /** The deal whose deposit received changed (its printed 认购书 is re-rendered). */
  agreementOf: string | null;
}

export class ReceiptService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly depositJobs: DepositJobs,
    /** Re-renders a printed 认购书 whose deposit received changed (never waited for). */
    private readonly docs: DocumentRefresher | null = null,
  ) {
    this.workflow = new ApprovalWorkflow(db, directory);
  }

  private readonly workflow: ApprovalWorkflow;

  /** Receipt voids in the approval workflow: approving one voids the receipt (`voidReceipt`). */
  private readonly kind: ApprovalKind<VoidEffects> = {
    ...RECEIPT_VOID,
    // Approving takes the shared day lock first, like every money write of that day: a day-end
    // close of that day either committed before (→ frozen, refused) or waits for the void.
    lockFirst: async (tx, request, approve) => {
      if (!approve) return;
      const { receipt } = await tx.voidRequest.findUniqueOrThrow({
        where: { id: request.id },
        select: { receipt: { select: { payment: { select: { cashierId: true, businessDate: true } } } } },
      });
      await lockDay(tx, request.projectId, receipt.payment.cashierId, dateText(receipt.payment.businessDate), false);
    },
    execute: async (tx, request, actor, at) => ({ result: await this.voidReceipt(tx, request.id, actor, at) }),
    afterApproval: async (_request, effects, actor) => {
      if (effects?.reschedule)
        await this.depositJobs
          .schedule(effects.reschedule.subscriptionId, effects.reschedule.dueAt)
          .catch(() => undefined);
      if (effects?.agreementOf) this.docs?.refreshFor('AGREEMENT', effects.agreementOf, actor, 'receipt.void');
    },
  };

  /** Void requests as `viewer` may see them (the payer's name per the privacy rule). */
  private async infos(rows: VoidRow[], viewer: UserPrincipal): Promise<VoidRequestInfo[]> {
    const names = await userNames(
      this.db,
      rows.flatMap((r) => [r.requestedById, r.decidedById, r.receipt.payment.cashierId]),
    );
    const name = (id: string | null) => (id ? (names.get(id) ?? '?') : null);
    return rows.map((r) => {
      const p = r.receipt.payment;
      return {
        id: r.id,
        projectId: r.projectId,
        receiptId: r.receiptId,
        receiptLabel: r.receipt.label,
        paymentId: p.id,
        paymentKind: p.kind,
        amount: Number(p.amount),
        payerName: showName(
          personView(viewer, { consultantId: p.subscription?.consultantId, ownerId: p.registration?.customer.ownerId })
            .name,
          p.payerName,
        ),
        unitCode: p.subscription?.unit.code ?? null,
        registrationNo: p.registration ? formatRegistrationNo(p.registration.number) : null,
        cashierId: p.cashierId,
        cashier: name(p.cashierId) ?? '?',
        businessDate: dateText(p.businessDate),
        reason: r.reason,
        status: r.status,
        requestedById: r.requestedById,
        requestedBy: name(r.requestedById) ?? '?',
        requestedAt: r.requestedAt.toISOString(),
        decidedById: r.decidedById,
        decidedBy: name(r.decidedById),
        decidedAt: r.decidedAt?.toISOString() ?? null,
        decisionNote: r.decisionNote,
      };
    });
  }

  private async info(id: string, viewer: UserPrincipal): Promise<VoidRequestInfo> {
    const row = await this.db.voidRequest.findUnique({ where: { id }, include: voidInclude });
    if (!row) throw new AppError('NOT_FOUND', 'No such void request.');
    return (await this.infos([row], viewer))[0]!;
  }

  private async loadReceipt(receiptId: string) {
    const receipt = await this.db.receipt.findUnique({
      where: { id: receiptId },
      include: {
        payment: {
          select: { id: true, cashierId: true, status: true, kind: true, convertedFromId: true, dayCloseId: true },
        },
      },
    });
    if (!receipt) throw new AppError('NOT_FOUND', 'No such receipt.');
    return receipt;
  }

  // ── Void: request ────────────────────────────────────────────────────────────────────────────

  /**
   * Ask to void a receipt (a cashier: their own receipts; managers: any). One pending request per
   * receipt: asking again with the same reason returns it (`created: false`).
   */
  async requestVoid(
    principal: Principal,
    receiptId: string,
    reason: string,
  ): Promise<{ created: boolean; request: VoidRequestInfo }> {
    const receipt = await this.loadReceipt(receiptId);
    const { user, manager } = await moneyStaff(this.directory, principal, receipt.projectId);
    if (!manager && receipt.payment.cashierId !== user.id)
      throw new AppError('FORBIDDEN', 'A cashier can ask to void only their own receipts.');
    const same = async (open: { id: string; reason: string }) => {
      if (open.reason !== reason) {
        throw new AppError('CONFLICT', 'A void request for this receipt is already waiting for a manager.', {
          reason: 'VOID_PENDING',
          requestId: open.id,
        });
      }
      return { created: false, request: await this.info(open.id, user) };
    };
    const open = await this.db.voidRequest.findFirst({ where: { receiptId, status: 'PENDING' } });
    if (open) return same(open);
    assertVoidable({ ...receipt.payment, receiptStatus: receipt.status });
    const created = await this.workflow.request(this.kind, user, async (tx) => {
      const row = await tx.voidRequest.create({
        data: { projectId: receipt.projectId, receiptId, reason, requestedById: user.id },
      });
      return {
        id: row.id,
        projectId: receipt.projectId,
        after: { status: 'PENDING', receiptId, receipt: receipt.label, paymentId: receipt.payment.id, reason },
      };
    });
    if (!created) {
      // The partial unique index (one pending void per receipt) caught a simultaneous twin.
      const winner = await this.db.voidRequest.findFirst({ where: { receiptId, status: 'PENDING' } });
      if (!winner) throw new AppError('CONFLICT', 'The receipt changed meanwhile; reload.');
      return same(winner);
    }
    return { created: true, request: await this.info(created.id, user) };
  }

  /** Whoever asked takes a pending void request back (WITHDRAWN): the approval workflow. */
  async withdrawVoid(principal: Principal, requestId: string): Promise<VoidRequestInfo> {
    const { actor } = await this.workflow.withdraw(principal, this.kind, requestId);
    return this.info(requestId, actor);
  }

  /** Managers: the project's void requests (pending first), optionally of one status. */
  async listVoids(principal: Principal, projectId: string, status?: VoidRequestStatus): Promise<VoidRequestInfo[]> {
    const { user, readsAll } = await moneyStaff(this.directory, principal, projectId, 'read');
    if (!readsAll) throw new AppError('FORBIDDEN', 'Only a manager can do this.');
    const rows = await this.db.voidRequest.findMany({
      where: { projectId, ...(status ? { status } : {}) },
      include: voidInclude,
      orderBy: [{ requestedAt: 'desc' }],
      take: 500,
    });
    const rank: Record<VoidRequestStatus, number> = { PENDING: 0, APPROVED: 1, REJECTED: 1, WITHDRAWN: 1 };
    return (await this.infos(rows, user)).sort((a, b) => rank[a.status] - rank[b.status]);
  }

  // ── Void: decision ───────────────────────────────────────────────────────────────────────────

  /**
   * A manager other than the asker decides, through the approval workflow (docs/approvals.md):
   * deciding the same way twice returns the current state; otherwise a decided request →
   * INVALID_TRANSITION. Approving runs `voidReceipt` in the decision's transaction.
   */
  async decideVoid(principal: Principal, requestId: string, body: DecisionBody): Promise<VoidRequestInfo> {
    const { actor } = await this.workflow.decide(principal, this.kind, requestId, body);
    return this.info(requestId, actor);
  }

  /**
   * The executor of an approved void, in the decision's transaction: the receipt is VOIDED (it keeps
   * its number; reason and time recorded), its payment VOIDED, and what followed from the payment is
   * undone (a voided deposit may make the subscription unpaid again; a voided refund puts the
   * refunded payment back and the refund DUE again). A receipt that can no longer be voided refuses
   * (INVALID_TRANSITION) and the request stays pending.
   */
  private async voidReceipt(tx: Tx, requestId: string, user: UserPrincipal, at: Date): Promise<VoidEffects> {
    const request = await tx.voidRequest.findUniqueOrThrow({
      where: { id: requestId },
      include: { receipt: { include: { payment: { select: { id: true } } } } },
    });
    const projectId = request.projectId;
    const payment0 = request.receipt.payment;
    await lockPayment(tx, payment0.id);
    const payment = await tx.payment.findUniqueOrThrow({ where: { id: payment0.id } });
    const receipt = await tx.receipt.findUniqueOrThrow({
      where: { id: request.receiptId },
      select: { status: true, label: true, number: true },
    });
    assertVoidable({ ...payment, receiptStatus: receipt.status });
    await tx.receipt.update({
      where: { id: request.receiptId },
      data: { status: 'VOIDED', voidReason: request.reason, voidedAt: at },
    });
    await tx.payment.update({ where: { id: payment.id }, data: { status: 'VOIDED', voidedAt: at } });
    // The printed receipt's documents now verify as voided.
    await tx.document.updateMany({
      where: { kind: 'RECEIPT', entityId: request.receiptId, status: 'CURRENT' },
      data: { status: 'VOIDED' },
    });
    const audits = [
      toAuditRow({
        projectId,
        actor: user,
        action: 'receipt.void',
        entity: 'receipt',
        entityId: request.receiptId,
        at,
        before: { status: 'ISSUED', label: receipt.label },
        after: {
          status: 'VOIDED',
          label: receipt.label,
          number: receipt.number,
          reason: request.reason,
          approvedBy: user.username,
          requestId,
        },
      }),
      toAuditRow({
        projectId,
        actor: user,
        action: 'payment.void',
        entity: 'payment',
        entityId: payment.id,
        at,
        before: { status: payment.status, kind: payment.kind, amount: Number(payment.amount) },
        after: { status: 'VOIDED', requestId },
      }),
    ];
    const effects: VoidEffects = { reschedule: null, agreementOf: null };
    if (payment.kind === 'REFUND' && payment.correctsId) {
      // The refunded payment is held again; its deal owes the refund again.
      const original = await tx.payment.findUnique({
        where: { id: payment.correctsId },
        select: { id: true, status: true, kind: true, subscriptionId: true, registrationId: true },
      });
      if (original?.status === 'REFUNDED') {
        await tx.payment.update({ where: { id: original.id }, data: { status: 'RECORDED' } });
        audits.push(
          toAuditRow({
            projectId,
            actor: user,
            action: 'payment.refund_voided',
            entity: 'payment',
            entityId: original.id,
            at,
            before: { status: 'REFUNDED' },
            after: { status: 'RECORDED', voidedRefundId: payment.id },
          }),
        );
        if (original.kind === 'SINCERITY' && original.registrationId) {
          await reinstateAfterVoidedRefund(tx, user, projectId, original.registrationId, payment.id, at);
        }
        if (original.subscriptionId) {
          const head = await chainHead(tx, original.subscriptionId);
          await lockSubscription(tx, head);
          const updated = await tx.subscription.updateMany({
            where: { id: head, refundState: 'DONE' },
            data: { refundState: 'DUE' },
          });
          if (updated.count > 0) {
            audits.push(
              toAuditRow({
                projectId,
                actor: user,
                action: 'subscription.refund_due',
                entity: 'subscription',
                entityId: head,
                at,
                before: { refundState: 'DONE' },
                after: { refundState: 'DUE', voidedRefundId: payment.id },
              }),
            );
          }
        }
      }
    }
    if (payment.kind === 'DEPOSIT' && payment.subscriptionId) {
      const head = await chainHead(tx, payment.subscriptionId);
      effects.agreementOf = head;
      await lockSubscription(tx, head);
      if ((await settleDeposit(tx, user, head, at)) === 'unpaid') {
        const sub = await tx.subscription.findUniqueOrThrow({
          where: { id: head },
          select: { status: true, depositDueAt: true },
        });
        if (sub.status === 'ACTIVE' && sub.depositDueAt && sub.depositDueAt > at)
          effects.reschedule = { subscriptionId: head, dueAt: sub.depositDueAt };
      }
    }
    if (payment.kind !== 'REFUND' && payment.subscriptionId) {
      // A cancelled deal whose last held payment was voided owes nothing more.
      const head = await chainHead(tx, payment.subscriptionId);
      await lockSubscription(tx, head);
      const deal = await tx.subscription.findUniqueOrThrow({ where: { id: head }, select: { refundState: true } });
      if (deal.refundState === 'DUE') {
        const held = await tx.payment.count({
          where: { subscriptionId: { in: await chainIds(tx, head) }, kind: { not: 'REFUND' }, status: 'RECORDED' },
        });
        if (held === 0) {
          await tx.subscription.update({ where: { id: head }, data: { refundState: 'DONE' } });
          audits.push(
            toAuditRow({
              projectId,
              actor: user,
              action: 'subscription.refund_done',
              entity: 'subscription',
              entityId: head,
              at,
              before: { refundState: 'DUE' },
              after: { refundState: 'DONE', voidedPaymentId: payment.id },
            }),
          );
        }
      }
    }
    await tx.auditEvent.createMany({ data: audits });
    return effects;
  }

  // ── Printing and reading ─────────────────────────────────────────────────────────────────────

  /** Count a print of the receipt: the first is 'receipt.print', later ones 'receipt.reprint' (COPY / 重打). */
  async print(principal: Principal, receiptId: string): Promise<ReceiptInfo> {
    const receipt = await this.db.receipt.findUnique({
      where: { id: receiptId },
      select: { projectId: true, label: true },
    });
    if (!receipt) throw new AppError('NOT_FOUND', 'No such receipt.');
    const { user } = await moneyStaff(this.directory, principal, receipt.projectId);
    await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ print_count: number }[]>`
        UPDATE receipts SET print_count = print_count + 1 WHERE id = ${receiptId}::uuid AND status = 'ISSUED' RETURNING print_count`;
      const count = rows[0]?.print_count;
      if (count === undefined) throw new AppError('INVALID_TRANSITION', 'A voided receipt is not printed.');
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: receipt.projectId,
          actor: user as UserPrincipal,
          action: count === 1 ? 'receipt.print' : 'receipt.reprint',
          entity: 'receipt',
          entityId: receiptId,
          before: { printCount: count - 1 },
          after: { printCount: count, label: receipt.label },
        }),
      });
    }, TX_OPTIONS);
    return this.receiptInfo(receiptId);
  }

  private async receiptInfo(receiptId: string): Promise<ReceiptInfo> {
    const row = await this.db.receipt.findUniqueOrThrow({ where: { id: receiptId }, include: receiptInclude });
    const names = await userNames(
      this.db,
      row.voidRequests.map((v) => v.requestedById),
    );
    return toReceiptInfo(row, names);
  }

  async get(principal: Principal, receiptId: string): Promise<ReceiptInfo & { payment: PaymentInfo }> {
    const row = await this.db.receipt.findUnique({
      where: { id: receiptId },
      select: { projectId: true, paymentId: true },
    });
    if (!row) throw new AppError('NOT_FOUND', 'No such receipt.');
    const { user } = await moneyStaff(this.directory, principal, row.projectId, 'read');
    return { ...(await this.receiptInfo(receiptId)), payment: await paymentInfo(this.db, row.paymentId, user) };
  }
}
