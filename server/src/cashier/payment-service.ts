/**
 * Money at the cashier 收银: record a payment 收款, convert a sincerity deposit into the subscription
 * deposit 诚意金转定金, refund 退款. Every command:
 * - carries the client's idempotency key: the unique index (project, key) decides; a replay (also a
 *   concurrent one) answers the first result, the same key with another submission is a CONFLICT;
 * - runs in ONE transaction with its receipt number (issue-receipt.ts issueReceipt: gapless,
 *   unique) and its audit events — a refusal writes nothing;
 * - lands on the cashier's business day (project time zone), which must still be open.
 * docs/cashier.md.
 */
import {
  AppError,
  type ConvertSincerityBody,
  type PaymentInfo,
  type PaymentKind,
  type PaymentLineBody,
  type RecordPaymentBody,
  type RefundBody,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import type { DepositJobs } from '../jobs/deposits.js';
import type { DocumentRefresher } from '../documents/index.js';
import { toAuditRow } from '../services/audit.js';
import { dbDate, openDay, projectMoneySettings, todayIn } from './business-day.js';
import {
  TX_OPTIONS,
  canonical,
  isUniqueViolation,
  lockPayment,
  lockRegistration,
  lockSubscription,
  moneyStaff,
} from './common.js';
import { chainHead, chainIds, settleDeposit } from './deal-money.js';
import { issueReceipt } from './issue-receipt.js';
import { paymentInclude, paymentInfo, sortedLines, toPaymentInfos, type PaymentRow } from './payment-views.js';
import { withdrawWithoutSincerity } from './sincerity.js';
import type { ProjectDirectory } from '../services/project-directory.js';

/** What identifies a submission, compared on a replay of its idempotency key (keys present only). */
interface Fingerprint {
  cashierId: string;
  kind: PaymentKind;
  subscriptionId?: string | null;
  registrationId?: string | null;
  convertedFromId?: string | null;
  correctsId?: string | null;
  lines?: { method: string; amount: number; reference: string | null }[];
  note?: string | null;
  payerName?: string;
  payerPhone?: string;
}

function fingerprintOf(row: PaymentRow): Required<Fingerprint> {
  return {
    cashierId: row.cashierId,
    kind: row.kind,
    subscriptionId: row.subscriptionId,
    registrationId: row.registrationId,
    convertedFromId: row.convertedFromId,
    correctsId: row.correctsId,
    lines: sortedLines(row.lines.map((l) => ({ method: l.method, amount: Number(l.amount), reference: l.reference }))),
    note: row.note,
    payerName: row.payerName,
    payerPhone: row.payerPhone ?? '',
  };
}

const bodyLines = (lines: PaymentLineBody[]) =>
  sortedLines(lines.map((l) => ({ method: l.method, amount: l.amount, reference: l.reference ?? null })));

const total = (lines: PaymentLineBody[]): number => lines.reduce((s, l) => s + l.amount, 0);

export interface Recorded {
  /** false: a replay of the idempotency key (the first result). */
  created: boolean;
  payment: PaymentInfo;
}

export interface PaymentQuery {
  date?: string | undefined;
  cashierId?: string | undefined;
  kind?: PaymentKind | undefined;
}

export class PaymentService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly depositJobs: DepositJobs,
    /** Re-renders a printed 认购书 whose deposit received changed (never waited for). */
    private readonly docs: DocumentRefresher | null = null,
  ) {}

  // ── Idempotency ──────────────────────────────────────────────────────────────────────────────

  private byKey(projectId: string, idempotencyKey: string) {
    return this.db.payment.findUnique({
      where: { projectId_idempotencyKey: { projectId, idempotencyKey } },
      include: paymentInclude,
    });
  }

  /** The first result of this key — unless the key was used for another submission (CONFLICT). */
  private async replay(row: PaymentRow, expected: Fingerprint, viewer: UserPrincipal): Promise<PaymentInfo> {
    const stored = fingerprintOf(row) as unknown as Record<string, unknown>;
    const mismatch = Object.entries(expected).find(([k, v]) => canonical(stored[k]) !== canonical(v));
    if (mismatch) {
      throw new AppError(
        'CONFLICT',
        'This idempotency key was already used for a different submission; start a new one.',
        {
          reason: 'IDEMPOTENCY_KEY_REUSED',
          paymentId: row.id,
          field: mismatch[0],
        },
      );
    }
    return (await toPaymentInfos(this.db, [row], viewer))[0]!;
  }

  /**
   * Run `write` once per key: a key seen before answers its first result; a concurrent duplicate
   * loses on the unique index (its transaction, receipt number included, rolls back) and answers
   * the winner's result.
   */
  private async once(
    viewer: UserPrincipal,
    projectId: string,
    key: string,
    expected: Fingerprint,
    write: () => Promise<string>,
    onOtherUnique?: () => AppError,
  ): Promise<Recorded> {
    const prior = await this.byKey(projectId, key);
    if (prior) return { created: false, payment: await this.replay(prior, expected, viewer) };
    let id: string;
    try {
      id = await write();
    } catch (error) {
      // A concurrent press with this key may have won — on the unique index, or earlier, on a state
      // check it changed (e.g. "already converted"): then its result is the answer.
      const winner = await this.byKey(projectId, key).catch(() => null);
      if (winner) return { created: false, payment: await this.replay(winner, expected, viewer) };
      if (!isUniqueViolation(error)) throw error;
      throw onOtherUnique?.() ?? new AppError('CONFLICT', 'A concurrent change got there first; reload and try again.');
    }
    return { created: true, payment: await paymentInfo(this.db, id, viewer) };
  }

  /** After a commit that marked a subscription paid: its deposit deadline job is moot. */
  private async paid(subscriptionId: string | null, outcome: string | null): Promise<void> {
    if (subscriptionId && outcome === 'paid') await this.depositJobs.unschedule(subscriptionId).catch(() => undefined);
  }

  /** A new payment row and its lines (the receipt comes last: issueReceipt). */
  private async insert(
    tx: Tx,
    user: UserPrincipal,
    projectId: string,
    date: string,
    at: Date,
    data: {
      kind: PaymentKind;
      lines: { method: PaymentLineBody['method'] | 'CONVERSION'; amount: number; reference: string | null }[];
      payerName: string;
      payerPhone: string | null;
      subscriptionId: string | null;
      registrationId: string | null;
      idempotencyKey: string;
      note: string | null;
      convertedFromId?: string;
      correctsId?: string;
    },
  ): Promise<{ id: string; amount: number }> {
    const amount = data.lines.reduce((s, l) => s + l.amount, 0);
    const payment = await tx.payment.create({
      data: {
        projectId,
        kind: data.kind,
        amount: BigInt(amount),
        payerName: data.payerName,
        payerPhone: data.payerPhone,
        subscriptionId: data.subscriptionId,
        registrationId: data.registrationId,
        idempotencyKey: data.idempotencyKey,
        cashierId: user.id,
        businessDate: dbDate(date),
        note: data.note,
        createdAt: at,
        ...(data.convertedFromId ? { convertedFromId: data.convertedFromId } : {}),
        ...(data.correctsId ? { correctsId: data.correctsId } : {}),
      },
      select: { id: true },
    });
    await tx.paymentLine.createMany({
      data: data.lines.map((l) => ({
        paymentId: payment.id,
        method: l.method,
        amount: BigInt(l.amount),
        reference: l.reference,
      })),
    });
    return { id: payment.id, amount };
  }

  // ── Record ───────────────────────────────────────────────────────────────────────────────────

  async record(principal: Principal, projectId: string, body: RecordPaymentBody): Promise<Recorded> {
    const { user } = await moneyStaff(this.directory, principal, projectId);
    if (body.kind === 'SINCERITY' && body.subscriptionId) {
      throw new AppError(
        'VALIDATION_FAILED',
        'A sincerity deposit belongs to the registration, not to a subscription.',
        [{ path: 'subscriptionId', message: 'not allowed for SINCERITY' }],
      );
    }
    const expected: Fingerprint = {
      cashierId: user.id,
      kind: body.kind,
      subscriptionId: body.subscriptionId ?? null,
      registrationId: body.registrationId ?? null,
      convertedFromId: null,
      correctsId: null,
      lines: bodyLines(body.lines),
      note: body.note ?? null,
      ...(body.payerName !== undefined ? { payerName: body.payerName } : {}),
      ...(body.payerPhone !== undefined ? { payerPhone: body.payerPhone } : {}),
    };
    let deposit: 'paid' | 'unpaid' | null = null;
    const result = await this.once(user, projectId, body.idempotencyKey, expected, () =>
      this.db.$transaction(async (tx) => {
        const at = new Date();
        const project = await projectMoneySettings(tx, projectId);
        const date = todayIn(project.timezone, at);
        await openDay(tx, projectId, user.id, date);
        let payerName: string | undefined;
        let payerPhone: string | null | undefined;
        let sub: { registrationId: string | null; customerId: string | null; unitCode: string } | null = null;
        if (body.subscriptionId) {
          await lockSubscription(tx, body.subscriptionId);
          const row = await tx.subscription.findUnique({
            where: { id: body.subscriptionId },
            select: {
              projectId: true,
              status: true,
              buyerName: true,
              buyerPhone: true,
              registrationId: true,
              customerId: true,
              unit: { select: { code: true } },
            },
          });
          if (!row || row.projectId !== projectId)
            throw new AppError('NOT_FOUND', 'No such subscription in this project.');
          if (row.status !== 'ACTIVE') {
            throw new AppError(
              'INVALID_TRANSITION',
              `The subscription is ${row.status.toLowerCase()}; money is recorded only on active subscriptions.`,
            );
          }
          sub = { registrationId: row.registrationId, customerId: row.customerId, unitCode: row.unit.code };
          payerName = row.buyerName;
          payerPhone = row.buyerPhone;
        }
        if (body.registrationId) {
          const reg = await tx.registration.findUnique({
            where: { id: body.registrationId },
            select: {
              projectId: true,
              status: true,
              customerId: true,
              customer: { select: { name: true, phone: true } },
            },
          });
          if (!reg || reg.projectId !== projectId)
            throw new AppError('NOT_FOUND', 'No such registration in this project.');
          if (reg.status !== 'ACTIVE')
            throw new AppError('INVALID_TRANSITION', 'The registration is cancelled; no money is taken on it.');
          if (sub && sub.registrationId !== body.registrationId && sub.customerId !== reg.customerId) {
            throw new AppError('VALIDATION_FAILED', 'The registration is not the household of this subscription.', [
              { path: 'registrationId', message: 'another household' },
            ]);
          }
          if (!sub) {
            payerName = reg.customer.name;
            payerPhone = reg.customer.phone;
          }
        }
        const issued = await this.insert(tx, user, projectId, date, at, {
          kind: body.kind,
          lines: body.lines.map((l) => ({ method: l.method, amount: l.amount, reference: l.reference ?? null })),
          payerName: body.payerName ?? payerName ?? '?',
          payerPhone: body.payerPhone ?? payerPhone ?? null,
          subscriptionId: body.subscriptionId ?? null,
          registrationId: body.registrationId ?? null,
          idempotencyKey: body.idempotencyKey,
          note: body.note ?? null,
        });
        if (body.kind === 'DEPOSIT' && body.subscriptionId)
          deposit = await settleDeposit(tx, user, body.subscriptionId, at);
        // The number last: the book's row lock is held only from here to the commit.
        const receipt = await issueReceipt(tx, projectId, user.id, issued.id, at);
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId,
            actor: user,
            action: 'payment.record',
            entity: 'payment',
            entityId: issued.id,
            at,
            before: null,
            after: {
              kind: body.kind,
              amount: issued.amount,
              lines: expected.lines,
              receipt: receipt.label,
              businessDate: date,
              subscriptionId: body.subscriptionId ?? null,
              unitCode: sub?.unitCode ?? null,
              registrationId: body.registrationId ?? null,
              payerName: body.payerName ?? payerName ?? null,
              ...(deposit ? { deposit } : {}),
            },
          }),
        });
        return issued.id;
      }, TX_OPTIONS),
    );
    if (result.created) await this.paid(body.subscriptionId ?? null, deposit);
    // The 认购书 prints the deposit received.
    if (result.created && body.kind === 'DEPOSIT' && body.subscriptionId)
      this.docs?.refreshFor('AGREEMENT', body.subscriptionId, user, 'payment.record');
    return result;
  }

  // ── 诚意金转定金 ──────────────────────────────────────────────────────────────────────────────

  /**
   * A RECORDED sincerity deposit becomes the deposit of an ACTIVE subscription of the same household:
   * a new DEPOSIT with one CONVERSION line of the full amount (no money moves), linked both ways,
   * with its own receipt; the sincerity deposit becomes CONVERTED.
   */
  async convert(principal: Principal, paymentId: string, body: ConvertSincerityBody): Promise<Recorded> {
    const source = await this.db.payment.findUnique({ where: { id: paymentId }, select: { projectId: true } });
    if (!source) throw new AppError('NOT_FOUND', 'No such payment.');
    const projectId = source.projectId;
    const { user } = await moneyStaff(this.directory, principal, projectId);
    const expected: Fingerprint = {
      cashierId: user.id,
      kind: 'DEPOSIT',
      convertedFromId: paymentId,
      subscriptionId: body.subscriptionId,
      correctsId: null,
    };
    let deposit: 'paid' | 'unpaid' | null = null;
    const alreadyConverted = () =>
      new AppError('INVALID_TRANSITION', 'This sincerity deposit was already converted.', {
        reason: 'ALREADY_CONVERTED',
      });
    const result = await this.once(
      user,
      projectId,
      body.idempotencyKey,
      expected,
      () =>
        this.db.$transaction(async (tx) => {
          const at = new Date();
          const project = await projectMoneySettings(tx, projectId);
          const date = todayIn(project.timezone, at);
          await openDay(tx, projectId, user.id, date);
          await lockPayment(tx, paymentId);
          const src = await tx.payment.findUniqueOrThrow({
            where: { id: paymentId },
            include: {
              receipt: { select: { label: true } },
              convertedTo: { select: { id: true } },
              registration: { select: { id: true, customerId: true } },
            },
          });
          if (src.kind !== 'SINCERITY' || !src.registration) {
            throw new AppError(
              'INVALID_TRANSITION',
              'Only a sincerity deposit 诚意金 can be converted into a subscription deposit.',
            );
          }
          if (src.status === 'CONVERTED') {
            throw new AppError('INVALID_TRANSITION', 'This sincerity deposit was already converted.', {
              reason: 'ALREADY_CONVERTED',
              convertedToId: src.convertedTo?.id ?? null,
            });
          }
          if (src.status !== 'RECORDED')
            throw new AppError(
              'INVALID_TRANSITION',
              `The sincerity deposit is ${src.status.toLowerCase()}; it cannot be converted.`,
            );
          await lockSubscription(tx, body.subscriptionId);
          const sub = await tx.subscription.findUnique({
            where: { id: body.subscriptionId },
            select: {
              projectId: true,
              status: true,
              registrationId: true,
              customerId: true,
              unit: { select: { code: true } },
            },
          });
          if (!sub || sub.projectId !== projectId)
            throw new AppError('NOT_FOUND', 'No such subscription in this project.');
          if (sub.status !== 'ACTIVE')
            throw new AppError(
              'INVALID_TRANSITION',
              `The subscription is ${sub.status.toLowerCase()}; convert onto an active subscription.`,
            );
          if (
            sub.registrationId !== src.registration.id &&
            (!sub.customerId || sub.customerId !== src.registration.customerId)
          ) {
            throw new AppError(
              'VALIDATION_FAILED',
              'The subscription is not this household’s: a sincerity deposit converts only onto its own household’s subscription.',
              [{ path: 'subscriptionId', message: 'another household' }],
            );
          }
          const amount = Number(src.amount);
          const issued = await this.insert(tx, user, projectId, date, at, {
            kind: 'DEPOSIT',
            lines: [{ method: 'CONVERSION', amount, reference: src.receipt?.label ?? null }],
            payerName: src.payerName,
            payerPhone: src.payerPhone,
            subscriptionId: body.subscriptionId,
            registrationId: src.registration.id,
            idempotencyKey: body.idempotencyKey,
            note: null,
            convertedFromId: src.id,
          });
          await tx.payment.update({ where: { id: src.id }, data: { status: 'CONVERTED' } });
          deposit = await settleDeposit(tx, user, body.subscriptionId, at);
          const receipt = await issueReceipt(tx, projectId, user.id, issued.id, at);
          await tx.auditEvent.createMany({
            data: [
              toAuditRow({
                projectId,
                actor: user,
                action: 'payment.convert',
                entity: 'payment',
                entityId: issued.id,
                at,
                before: null,
                after: {
                  kind: 'DEPOSIT',
                  amount,
                  method: 'CONVERSION',
                  receipt: receipt.label,
                  convertedFromId: src.id,
                  convertedFromReceipt: src.receipt?.label ?? null,
                  subscriptionId: body.subscriptionId,
                  unitCode: sub.unit.code,
                  businessDate: date,
                  ...(deposit ? { deposit } : {}),
                },
              }),
              toAuditRow({
                projectId,
                actor: user,
                action: 'payment.converted',
                entity: 'payment',
                entityId: src.id,
                at,
                before: { status: 'RECORDED' },
                after: { status: 'CONVERTED', convertedToId: issued.id, receipt: receipt.label },
              }),
            ],
          });
          return issued.id;
        }, TX_OPTIONS),
      alreadyConverted,
    );
    if (result.created) await this.paid(body.subscriptionId, deposit);
    if (result.created) this.docs?.refreshFor('AGREEMENT', body.subscriptionId, user, 'payment.convert');
    return result;
  }

  // ── 退款 ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Pay back a RECORDED payment in full, as a REFUND with its own receipt (the refund voucher):
   * any payment of a subscription cancelled by 退房 (refund DUE; DONE once nothing is held), or a
   * household's payment on its registration (the sincerity deposit 诚意金) while the household holds
   * no live deal (ACTIVE or CONTRACTED subscription) — whatever became of the registration — unless a
   * manager overrides (`overrideLiveDeal`, audited with the reason and the deals). Refunding the
   * household's last held sincerity deposit withdraws its registration (退筹: CANCELLED, audited).
   *
   * Against a concurrent confirm for the same registration the registration's row lock decides:
   * kaipan_confirm raises units_used under that lock, so a confirm either committed first (its deal
   * is counted here: LIVE_DEAL) or runs after this refund and finds the registration withdrawn.
   */
  async refund(principal: Principal, paymentId: string, body: RefundBody): Promise<Recorded> {
    const source = await this.db.payment.findUnique({ where: { id: paymentId }, select: { projectId: true } });
    if (!source) throw new AppError('NOT_FOUND', 'No such payment.');
    const projectId = source.projectId;
    const { user, manager } = await moneyStaff(this.directory, principal, projectId);
    if (body.overrideLiveDeal && !manager) {
      throw new AppError('FORBIDDEN', 'Only a manager can refund a sincerity deposit against a live deal.');
    }
    let override: { subscriptionIds: string[]; unitCodes: string[]; reason: string } | null = null;
    let withdrawn: string | null = null;
    const expected: Fingerprint = {
      cashierId: user.id,
      kind: 'REFUND',
      correctsId: paymentId,
      convertedFromId: null,
      lines: bodyLines(body.lines),
      note: body.reason,
    };
    const result = await this.once(
      user,
      projectId,
      body.idempotencyKey,
      expected,
      () =>
        this.db.$transaction(async (tx) => {
          override = null;
          withdrawn = null;
          const at = new Date();
          const project = await projectMoneySettings(tx, projectId);
          const date = todayIn(project.timezone, at);
          await openDay(tx, projectId, user.id, date);
          await lockPayment(tx, paymentId);
          const src = await tx.payment.findUniqueOrThrow({
            where: { id: paymentId },
            include: { receipt: { select: { label: true } } },
          });
          if (src.kind === 'REFUND')
            throw new AppError('INVALID_TRANSITION', 'A refund cannot be refunded; ask to void it instead.');
          if (src.status === 'REFUNDED')
            throw new AppError('INVALID_TRANSITION', 'This payment was already refunded.', {
              reason: 'ALREADY_REFUNDED',
            });
          if (src.status !== 'RECORDED')
            throw new AppError(
              'INVALID_TRANSITION',
              `The payment is ${src.status.toLowerCase()}; there is nothing to refund.`,
            );
          let head: string | null = null;
          if (src.subscriptionId) {
            head = await chainHead(tx, src.subscriptionId);
            await lockSubscription(tx, head);
            const deal = await tx.subscription.findUniqueOrThrow({
              where: { id: head },
              select: { refundState: true },
            });
            if (deal.refundState !== 'DUE') {
              throw new AppError(
                'INVALID_TRANSITION',
                'Money paid on a subscription is refunded only after the subscription was cancelled (退房) with a refund due.',
              );
            }
          } else if (src.registrationId) {
            // The registration's row lock orders this refund against a confirm for the household (above).
            await lockRegistration(tx, src.registrationId);
            const reg = await tx.registration.findUniqueOrThrow({
              where: { id: src.registrationId },
              select: { id: true, customerId: true },
            });
            const live = await tx.subscription.findMany({
              where: {
                projectId,
                status: { in: ['ACTIVE', 'CONTRACTED'] },
                OR: [{ registrationId: reg.id }, { customerId: reg.customerId }],
              },
              select: { id: true, unit: { select: { code: true } } },
              orderBy: { createdAt: 'asc' },
            });
            if (live.length > 0) {
              const deals = { subscriptionIds: live.map((s) => s.id), unitCodes: live.map((s) => s.unit.code) };
              if (!body.overrideLiveDeal) {
                throw new AppError(
                  'INVALID_TRANSITION',
                  `The household holds a live deal (${deals.unitCodes.join(', ')}): convert the sincerity deposit (诚意金转定金), or close the deal (退房) first; only a manager can refund it anyway.`,
                  { reason: 'LIVE_DEAL', ...deals },
                );
              }
              override = { ...deals, reason: body.reason };
            }
          }
          const refundable = Number(src.amount);
          if (total(body.lines) !== refundable) {
            throw new AppError(
              'CONFLICT',
              `A refund pays back the whole payment: ${refundable} fen, not ${total(body.lines)}.`,
              { reason: 'REFUND_AMOUNT', refundable },
            );
          }
          const issued = await this.insert(tx, user, projectId, date, at, {
            kind: 'REFUND',
            lines: body.lines.map((l) => ({ method: l.method, amount: l.amount, reference: l.reference ?? null })),
            payerName: src.payerName,
            payerPhone: src.payerPhone,
            subscriptionId: src.subscriptionId,
            registrationId: src.registrationId,
            idempotencyKey: body.idempotencyKey,
            note: body.reason,
            correctsId: src.id,
          });
          await tx.payment.update({ where: { id: src.id }, data: { status: 'REFUNDED' } });
          if (src.kind === 'SINCERITY' && src.registrationId)
            withdrawn = await withdrawWithoutSincerity(tx, user, projectId, src.registrationId, issued.id, at);
          let done = false;
          if (head) {
            const held = await tx.payment.count({
              where: { subscriptionId: { in: await chainIds(tx, head) }, kind: { not: 'REFUND' }, status: 'RECORDED' },
            });
            if (held === 0) {
              await tx.subscription.update({ where: { id: head }, data: { refundState: 'DONE' } });
              done = true;
            }
          }
          const receipt = await issueReceipt(tx, projectId, user.id, issued.id, at);
          const audits = [
            toAuditRow({
              projectId,
              actor: user,
              action: 'payment.refund',
              entity: 'payment',
              entityId: issued.id,
              at,
              before: null,
              after: {
                kind: 'REFUND',
                amount: refundable,
                lines: expected.lines,
                receipt: receipt.label,
                correctsId: src.id,
                correctsReceipt: src.receipt?.label ?? null,
                reason: body.reason,
                businessDate: date,
                ...(override ? { overrideLiveDeal: override } : {}),
                ...(withdrawn ? { withdrewRegistrationId: withdrawn } : {}),
              },
            }),
            toAuditRow({
              projectId,
              actor: user,
              action: 'payment.refunded',
              entity: 'payment',
              entityId: src.id,
              at,
              before: { status: 'RECORDED' },
              after: { status: 'REFUNDED', refundId: issued.id, receipt: receipt.label },
            }),
          ];
          if (head && done) {
            audits.push(
              toAuditRow({
                projectId,
                actor: user,
                action: 'subscription.refund_done',
                entity: 'subscription',
                entityId: head,
                at,
                before: { refundState: 'DUE' },
                after: { refundState: 'DONE', lastRefundId: issued.id },
              }),
            );
          }
          await tx.auditEvent.createMany({ data: audits });
          return issued.id;
        }, TX_OPTIONS),
      () => new AppError('INVALID_TRANSITION', 'This payment was just refunded.', { reason: 'ALREADY_REFUNDED' }),
    );
    return result;
  }

  // ── Reading ──────────────────────────────────────────────────────────────────────────────────

  async get(principal: Principal, paymentId: string): Promise<PaymentInfo> {
    const row = await this.db.payment.findUnique({ where: { id: paymentId }, include: paymentInclude });
    if (!row) throw new AppError('NOT_FOUND', 'No such payment.');
    const { user } = await moneyStaff(this.directory, principal, row.projectId, 'read');
    return (await toPaymentInfos(this.db, [row], user))[0]!;
  }

  /** Managers: any cashier's payments; a cashier: their own. Newest first, at most 500. */
  async list(principal: Principal, projectId: string, query: PaymentQuery): Promise<PaymentInfo[]> {
    const { user, readsAll: manager } = await moneyStaff(this.directory, principal, projectId, 'read');
    if (!manager && query.cashierId && query.cashierId !== user.id)
      throw new AppError('FORBIDDEN', 'A cashier sees their own payments.');
    const cashierId = manager ? query.cashierId : user.id;
    const rows = await this.db.payment.findMany({
      where: {
        projectId,
        ...(cashierId ? { cashierId } : {}),
        ...(query.date ? { businessDate: dbDate(query.date) } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
      },
      include: paymentInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: 500,
    });
    return toPaymentInfos(this.db, rows, user);
  }

  /** Payments of a deal (its 换房 chain included) or of a registration, newest first. */
  async ofSubscriptions(ids: string[], viewer: UserPrincipal): Promise<PaymentInfo[]> {
    const rows = await this.db.payment.findMany({
      where: { subscriptionId: { in: ids } },
      include: paymentInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: 500,
    });
    return toPaymentInfos(this.db, rows, viewer);
  }

  async ofRegistration(registrationId: string, viewer: UserPrincipal): Promise<PaymentInfo[]> {
    const rows = await this.db.payment.findMany({
      where: { registrationId },
      include: paymentInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: 500,
    });
    return toPaymentInfos(this.db, rows, viewer);
  }

  async byIds(ids: string[], viewer: UserPrincipal): Promise<PaymentInfo[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.payment.findMany({
      where: { id: { in: ids } },
      include: paymentInclude,
      orderBy: { createdAt: 'desc' },
    });
    return toPaymentInfos(this.db, rows, viewer);
  }
}
