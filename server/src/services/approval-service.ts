/**
 * Below-floor approvals 底价审批. A deal priced below the unit's floor price is never refused
 * silently and never confirmed without a manager:
 *
 *   consultant holds the lock → request (the server prices the deal; it must be below the floor)
 *     → the lock is held until `holdUntil` (now + the project's approvalHoldSeconds; bounded)
 *     → managers see it live ('approval:changed') → approve / reject (four-eyes: not the requester)
 *       through the approval workflow (server/src/approvals, docs/approvals.md)
 *     → the consultant confirms with `approvalId`; kaipan_confirm consumes the approval only for this
 *       lock, this final price and this price-list version (else APPROVAL_REQUIRED).
 *
 * A request whose lock ended (released, expired, sold) is closed as CANCELLED when next looked at.
 */
import {
  ALREADY_DECIDED,
  personView,
  showName,
  AppError,
  type Buyer,
  type DecisionBody,
  type PriceApprovalInfo,
  type PriceApprovalRequestBody,
  type PriceBreakdown,
  redactFloor,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { UnitMirror } from '../selling/mirror.js';
import { canManage, canSell, type Principal } from '../domain/principal.js';
import { ApprovalWorkflow, type ApprovalKind } from '../approvals/workflow.js';
import { PRICE_APPROVAL } from '../approvals/kinds.js';
import { toAuditRow } from './audit.js';
import type { DealEvents } from './deal-events.js';
import type { PricingService } from './pricing-service.js';
import type { ProjectDirectory } from './project-directory.js';
import type { RegistrationService } from './registration-service.js';

/** After an approval the consultant has at least this long to confirm (the hold never shrinks). */
const CONFIRM_WINDOW_AFTER_APPROVAL_MS = 120_000;

type ApprovalRow = Awaited<ReturnType<Db['priceApproval']['findUniqueOrThrow']>>;

export class ApprovalService {
  constructor(
    private readonly db: Db,
    private readonly mirror: UnitMirror,
    private readonly directory: ProjectDirectory,
    private readonly pricing: PricingService,
    private readonly registrations: RegistrationService,
    private readonly events: DealEvents,
  ) {
    this.workflow = new ApprovalWorkflow(db, directory);
  }

  private readonly workflow: ApprovalWorkflow;

  /** Below-floor approvals in the approval workflow: what deciding them checks and does. */
  private readonly kind: ApprovalKind = {
    ...PRICE_APPROVAL,
    // Deciding for a lock that ended is pointless: the request is closed instead.
    precheck: async (request) => {
      const row = await this.row(request.id);
      if (await this.lockStillHeld(row)) return;
      const closed = await this.close(row, 'CANCELLED', null, 'The lock ended before the decision.');
      throw new AppError(
        'INVALID_TRANSITION',
        `The consultant's lock on this unit has ended; the request was closed (${closed.status}).`,
        {
          reason: ALREADY_DECIDED,
          status: closed.status,
        },
      );
    },
    // Approved: the consultant has at least CONFIRM_WINDOW_AFTER_APPROVAL_MS to confirm with it.
    afterApproval: async (request) => {
      const row = await this.row(request.id);
      await this.hold(row, Math.max(row.holdUntil.getTime(), Date.now() + CONFIRM_WINDOW_AFTER_APPROVAL_MS));
    },
    announce: async (request) => {
      await this.publish(await this.row(request.id));
    },
  };

  private row(id: string): Promise<ApprovalRow> {
    return this.db.priceApproval.findUniqueOrThrow({ where: { id } });
  }

  /** The consultant asks for a below-floor price on the unit they hold (lock `token`). */
  async request(
    principal: Principal,
    unitId: string,
    body: PriceApprovalRequestBody,
  ): Promise<{ approval: PriceApprovalInfo; created: boolean }> {
    const { projectId } = await this.directory.resolveUnit(unitId);
    await this.directory.assertAccess(principal, projectId);
    if (!canSell(principal)) throw new AppError('FORBIDDEN', 'Only sales staff can ask for a price approval.');
    const lock = await this.mirror.getLock(projectId, unitId);
    if (!lock || lock.t !== body.token || lock.h !== principal.id) throw new AppError('LOCK_EXPIRED');
    const registrationId = lock.r ?? null;
    // The registered buyer may have been handed to another consultant since the lock: asked again.
    const buyer: Buyer | undefined = registrationId
      ? await this.registrations.buyerFor(principal, registrationId)
      : body.buyer;
    const quote = await this.pricing.quote(unitId, body, { registrationId, phone: buyer?.phone ?? null }, new Date());
    if (body.priceVersion !== undefined && body.priceVersion !== quote.priceVersion)
      throw new AppError('PRICE_VERSION_STALE');
    if (!quote.breakdown.belowFloor) {
      throw new AppError(
        'CONFLICT',
        'This price is not below the floor price: confirm it directly, no approval is needed.',
      );
    }
    if (!quote.plan)
      throw new AppError('PLAN_NOT_APPLICABLE', 'The project has no payment plan.', { reason: 'NO_PLAN' });
    const project = await this.db.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { approvalHoldSeconds: true },
    });
    const discountIds = [...body.discountIds].sort();

    // Pressing twice: the same pending request comes back; a different one replaces nothing (CONFLICT).
    const pending = await this.db.priceApproval.findFirst({
      where: { unitId, lockToken: BigInt(body.token), status: 'PENDING' },
    });
    if (pending) {
      const same =
        pending.planId === quote.plan.id &&
        pending.finalPrice === BigInt(quote.breakdown.finalPrice) &&
        sameIds(pending.discountIds, discountIds);
      if (!same)
        throw new AppError('CONFLICT', 'A different approval request for this lock is pending; withdraw it first.');
      return { approval: await this.info(pending, canManage(principal)), created: false };
    }

    const holdUntil = new Date(Date.now() + project.approvalHoldSeconds * 1000);
    const created = await this.workflow.request(this.kind, principal, async (tx) => {
      const row = await tx.priceApproval.create({
        data: {
          projectId,
          unitId,
          lockToken: BigInt(body.token),
          consultantId: principal.id,
          registrationId,
          buyerName: buyer?.name ?? null,
          planId: quote.plan!.id,
          discountIds,
          identityTags: quote.identityTags,
          priceVersion: quote.priceVersion,
          listPrice: BigInt(quote.listPrice),
          floorPrice: BigInt(quote.floorPrice),
          finalPrice: BigInt(quote.breakdown.finalPrice),
          breakdown: quote.breakdown as object,
          note: body.note,
          holdUntil,
        },
      });
      return {
        id: row.id,
        projectId,
        after: {
          unitId,
          token: body.token,
          finalPrice: quote.breakdown.finalPrice,
          floorPrice: quote.floorPrice,
          belowFloorBy: quote.breakdown.belowFloorBy,
          priceVersion: quote.priceVersion,
          note: body.note,
          holdUntil: holdUntil.toISOString(),
        },
      };
    });
    if (!created) {
      // The partial unique index (one pending request per lock) caught a simultaneous double press.
      const winner = await this.db.priceApproval.findFirstOrThrow({
        where: { unitId, lockToken: BigInt(body.token), status: 'PENDING' },
      });
      return { approval: await this.info(winner, canManage(principal)), created: false };
    }
    const row = await this.row(created.id);
    await this.hold(row, holdUntil.getTime());
    return { approval: await this.info(row, canManage(principal)), created: true };
  }

  /** A manager approves or rejects (not their own request): the approval workflow (docs/approvals.md). */
  async decide(principal: Principal, approvalId: string, body: DecisionBody): Promise<PriceApprovalInfo> {
    await this.workflow.decide(principal, this.kind, approvalId, body);
    return this.info(await this.row(approvalId));
  }

  /** The consultant withdraws their pending request (CANCELLED). */
  async withdraw(principal: Principal, approvalId: string): Promise<PriceApprovalInfo> {
    await this.workflow.withdraw(principal, this.kind, approvalId);
    return this.info(await this.row(approvalId), canManage(principal));
  }

  async get(principal: Principal, approvalId: string): Promise<PriceApprovalInfo> {
    return this.info(await this.closeIfLockEnded(await this.load(principal, approvalId)), canManage(principal));
  }

  /** Managers: the project's requests (pending first, then the latest decided); consultants: their own. */
  async list(
    principal: Principal,
    projectId: string,
    status?: PriceApprovalInfo['status'],
  ): Promise<PriceApprovalInfo[]> {
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
    await this.directory.assertAccess(principal, projectId);
    const me = principal.id;
    const manager = canManage(principal);
    const rows = await this.db.priceApproval.findMany({
      where: { projectId, ...(status ? { status } : {}), ...(manager ? {} : { consultantId: me }) },
      orderBy: { requestedAt: 'desc' },
      take: 100,
    });
    const fresh = await Promise.all(rows.map((r) => this.closeIfLockEnded(r)));
    const infos = await Promise.all(fresh.map((r) => this.info(r, manager)));
    return infos.sort((a, b) => Number(b.status === 'PENDING') - Number(a.status === 'PENDING'));
  }

  /** Managers and the requester read a request. */
  private async load(principal: Principal, approvalId: string): Promise<ApprovalRow> {
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
    const row = await this.db.priceApproval.findUnique({ where: { id: approvalId } });
    if (!row) throw new AppError('NOT_FOUND', 'No such approval request.');
    await this.directory.assertAccess(principal, row.projectId);
    if (row.consultantId !== principal.id && !canManage(principal))
      throw new AppError('FORBIDDEN', 'This is not your request.');
    return row;
  }

  private async lockStillHeld(row: ApprovalRow): Promise<boolean> {
    const lock = await this.mirror.getLock(row.projectId, row.unitId);
    return lock !== null && lock.t === row.lockToken.toString() && lock.h === row.consultantId;
  }

  /** PENDING or APPROVED requests whose lock is gone can never be used: close them. */
  private async closeIfLockEnded(row: ApprovalRow): Promise<ApprovalRow> {
    if ((row.status !== 'PENDING' && row.status !== 'APPROVED') || (await this.lockStillHeld(row))) return row;
    // An approved one may have just been used by its confirm (the lock is deleted after the commit).
    const used = await this.db.priceApproval.findUniqueOrThrow({ where: { id: row.id } });
    if (used.status !== row.status) return used;
    return this.close(row, 'CANCELLED', null, 'The lock ended.');
  }

  private async close(
    row: ApprovalRow,
    status: 'CANCELLED',
    actor: Principal | null,
    why: string,
  ): Promise<ApprovalRow> {
    return this.db.$transaction(async (tx) => {
      const updated = await tx.priceApproval.updateMany({
        where: { id: row.id, status: row.status },
        data: { status },
      });
      if (updated.count > 0) {
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId: row.projectId,
            actor: actor ?? 'system',
            action: 'price_approval.cancel',
            entity: 'price_approval',
            entityId: row.id,
            before: { status: row.status },
            after: { status, why },
          }),
        });
      }
      return tx.priceApproval.findUniqueOrThrow({ where: { id: row.id } });
    });
  }

  /** Hold the consultant's lock until `untilMs` (bounded by the project's approvalHoldSeconds at request). */
  private async hold(row: ApprovalRow, untilMs: number): Promise<void> {
    const result = await this.mirror.extend(
      row.projectId,
      row.unitId,
      row.lockToken.toString(),
      row.consultantId,
      untilMs,
    );
    if (!result.ok && result.code !== 'LOCK_EXPIRED' && result.code !== 'CONFLICT') {
      throw new AppError('SERVICE_UNAVAILABLE', 'The lock could not be held; try again.');
    }
  }

  private async publish(row: ApprovalRow): Promise<PriceApprovalInfo> {
    const info = await this.info(row);
    this.events.publish({ type: 'approval:changed', payload: info });
    return info;
  }

  /** `showFloor`: managers see floor prices; consultants get them redacted (redactFloor). */
  private async info(row: ApprovalRow, showFloor = true): Promise<PriceApprovalInfo> {
    const [unit, consultant, decider] = await Promise.all([
      this.directory.resolveUnit(row.unitId),
      this.db.user.findUnique({ where: { id: row.consultantId }, select: { displayName: true } }),
      row.decidedById
        ? this.db.user.findUnique({ where: { id: row.decidedById }, select: { displayName: true } })
        : null,
    ]);
    return {
      id: row.id,
      projectId: row.projectId,
      unitId: row.unitId,
      unitCode: unit.unit.code,
      lockToken: row.lockToken.toString(),
      consultant: consultant?.displayName ?? '',
      consultantId: row.consultantId,
      // Read by its consultant and the project's managers only (load, list): the buyer as the
      // consultant who asked may see them is the narrowest view among its readers (privacy rule).
      buyerName:
        row.buyerName === null
          ? null
          : showName(
              personView({ kind: 'user', id: row.consultantId, role: 'CONSULTANT' }, { consultantId: row.consultantId })
                .name,
              row.buyerName,
            ),
      planId: row.planId,
      discountIds: row.discountIds,
      priceVersion: row.priceVersion,
      listPrice: Number(row.listPrice),
      floorPrice: showFloor ? Number(row.floorPrice) : 0,
      finalPrice: Number(row.finalPrice),
      breakdown: showFloor
        ? (row.breakdown as unknown as PriceBreakdown)
        : redactFloor(row.breakdown as unknown as PriceBreakdown),
      note: row.note,
      status: row.status,
      holdUntil: row.holdUntil.toISOString(),
      requestedAt: row.requestedAt.toISOString(),
      decidedBy: decider?.displayName ?? null,
      decidedAt: row.decidedAt?.toISOString() ?? null,
      decisionNote: row.decisionNote,
    };
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((id, i) => id === b[i]);
}
