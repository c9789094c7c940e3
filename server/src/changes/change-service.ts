/**
 * Change requests on a subscription 认购变更: 换房 UNIT_CHANGE, 退房 CANCEL, 更名 BUYER_CHANGE,
 * 调价 PRICE_CHANGE. Request → approve/reject (four-eyes, approvals/workflow.ts) → execute, each step
 * audited in the same transaction and published as `change:changed`. docs/change-requests.md is the
 * specification; ./README.md maps it to the files.
 *
 * This service coordinates: who may ask and execute, one open request per subscription, the
 * announcements. Reading is reads.ts, prices and previews pricing.ts, and what execution does is the
 * kind's executor (execute-*.ts), each through the selling core (selling/) for every unit change.
 */
import {
  AppError,
  type ChangeKind,
  type ChangeRequestBody,
  type ChangeRequestInfo,
  type ChangeStatus,
  type DecisionBody,
  type SubscriptionDetail,
  type SubscriptionInfo,
  type UserViewer,
} from '@kaipan/shared';
import type { Db, Prisma, Tx } from '../infra/db.js';
import type { UnitMirror } from '../selling/mirror.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import { canManage, canSell, type Principal, type UserPrincipal } from '../domain/principal.js';
import { ApprovalWorkflow, type ApprovalKind } from '../approvals/workflow.js';
import { CHANGE_REQUEST } from '../approvals/kinds.js';
import type { DealEvents } from '../services/deal-events.js';
import type { DocumentRefresher } from '../documents/index.js';
import type { PricingService } from '../services/pricing-service.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import { executeBuyerChange } from './execute-buyer-change.js';
import { executeCancel } from './execute-cancel.js';
import { executePriceChange } from './execute-price-change.js';
import { executeUnitChange } from './execute-unit-change.js';
import { ClaimLost, json, type Execution } from './execution.js';
import { ChangePricing } from './pricing.js';
import { ChangeReads, requestAs, type SubscriptionQuery } from './reads.js';
import { redactRequest, requestFor, subscriptionInclude } from './views.js';

/** Stable JSON of a payload (sorted keys), to tell "the same request pressed twice" from another. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The kind-specific part of a request body, as stored. */
function payloadOf(body: ChangeRequestBody): Record<string, unknown> {
  switch (body.kind) {
    case 'UNIT_CHANGE':
      return { targetUnitId: body.targetUnitId };
    case 'CANCEL':
      return {};
    case 'BUYER_CHANGE':
      return { buyer: { name: body.buyer.name, phone: body.buyer.phone } };
    case 'PRICE_CHANGE':
      return { finalPrice: body.finalPrice };
  }
}

export class ChangeService {
  private readonly workflow: ApprovalWorkflow;
  private readonly reads: ChangeReads;
  private readonly pricing: ChangePricing;
  private readonly execution: Execution;

  constructor(
    private readonly db: Db,
    mirror: UnitMirror,
    keeper: MirrorKeeper,
    private readonly directory: ProjectDirectory,
    pricing: PricingService,
    private readonly events: DealEvents,
    /** Re-renders a printed 认购书 whose subscription a change altered (never waited for). */
    private readonly docs: DocumentRefresher | null = null,
  ) {
    this.workflow = new ApprovalWorkflow(db, directory);
    this.reads = new ChangeReads(db, directory);
    this.pricing = new ChangePricing(db, pricing, directory);
    this.execution = {
      db,
      mirror,
      keeper,
      pricing: this.pricing,
      claim: (tx, requestId, user) => this.claim(tx, requestId, user),
    };
  }

  /** Change requests in the approval workflow; approval is followed by `execute` (a step of its own). */
  private readonly kind: ApprovalKind = {
    ...CHANGE_REQUEST,
    announce: async (request) => {
      if (request.requestedById) this.publish(await this.reads.info(request.id), request.requestedById);
    },
  };

  // ── Reading (reads.ts) ─────────────────────────────────────────────────────────────────────

  listSubscriptions(principal: Principal, projectId: string, query: SubscriptionQuery): Promise<SubscriptionInfo[]> {
    return this.reads.listSubscriptions(principal, projectId, query);
  }

  getSubscription(principal: Principal, subscriptionId: string): Promise<SubscriptionDetail> {
    return this.reads.getSubscription(principal, subscriptionId);
  }

  listRequests(principal: Principal, projectId: string, status?: ChangeStatus): Promise<ChangeRequestInfo[]> {
    return this.reads.listRequests(principal, projectId, status);
  }

  /**
   * The event goes to managers, the requester and the deal's consultant alike: without floor prices
   * (screens re-read the details), and with the buyer as the deal's own consultant may see it — the
   * narrowest view among them (a request is made by a manager or by the deal's consultant).
   */
  private publish(info: ChangeRequestInfo, requesterId: string): void {
    const dealConsultant: UserViewer = { kind: 'user', id: info.consultantId, role: 'CONSULTANT' };
    this.events.publish({
      type: 'change:changed',
      payload: redactRequest(requestFor(dealConsultant, info)),
      requesterId,
    });
  }

  /** A request and the project access of the caller (NOT_FOUND when it does not exist). */
  private async load(principal: Principal, requestId: string) {
    const row = await this.db.changeRequest.findUnique({ where: { id: requestId } });
    if (!row) throw new AppError('NOT_FOUND', 'No such change request.');
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Only staff can act on change requests.');
    await this.directory.assertAccess(principal, row.projectId);
    return { row, user: principal };
  }

  // ── Request ────────────────────────────────────────────────────────────────────────────────

  /**
   * Ask for a change on an ACTIVE subscription (its consultant or a manager). One open request per
   * subscription: the same kind and payload again returns the open one (`created: false`), anything
   * else is CONFLICT. The preview is computed now and shown to the approver.
   */
  async request(
    principal: Principal,
    body: ChangeRequestBody,
  ): Promise<{ created: boolean; request: ChangeRequestInfo }> {
    const { created, request } = await this.doRequest(principal, body);
    return { created, request: requestAs(principal, request) };
  }

  private async doRequest(
    principal: Principal,
    body: ChangeRequestBody,
  ): Promise<{ created: boolean; request: ChangeRequestInfo }> {
    const sub = await this.db.subscription.findUnique({
      where: { id: body.subscriptionId },
      include: subscriptionInclude,
    });
    if (!sub) throw new AppError('NOT_FOUND', 'No such subscription.');
    await this.directory.assertAccess(principal, sub.projectId);
    if (!canSell(principal)) throw new AppError('FORBIDDEN', 'Only sales staff can request changes.');
    const userId = principal.id;
    if (!canManage(principal) && sub.consultantId !== userId) {
      throw new AppError('FORBIDDEN', 'Only the deal’s consultant or a manager can request a change.');
    }
    const payload = payloadOf(body);
    const open = await this.openRequest(sub.id);
    if (open) return { created: false, request: await this.sameOrConflict(open, body.kind, payload) };
    if (sub.status !== 'ACTIVE')
      throw new AppError(
        'INVALID_TRANSITION',
        `The subscription is ${sub.status.toLowerCase()}; only active subscriptions can change.`,
      );

    const preview = await this.pricing.preview(sub, body);
    const created = await this.workflow.request(this.kind, principal, async (tx) => {
      const row = await tx.changeRequest.create({
        data: {
          projectId: sub.projectId,
          subscriptionId: sub.id,
          kind: body.kind,
          reason: body.reason,
          payload: json(payload),
          preview: json(preview),
          requestedById: principal.id,
        },
      });
      return {
        id: row.id,
        projectId: sub.projectId,
        after: {
          kind: body.kind,
          status: 'PENDING',
          subscriptionId: sub.id,
          unitCode: sub.unit.code,
          reason: body.reason,
          payload,
          preview,
        },
      };
    });
    if (!created) {
      // Pressed twice at the same instant: the partial unique index let one through.
      const winner = await this.openRequest(sub.id);
      if (!winner) throw new AppError('CONFLICT', 'Another request on this subscription was just made; reload.');
      return { created: false, request: await this.sameOrConflict(winner, body.kind, payload) };
    }
    return { created: true, request: await this.reads.info(created.id) };
  }

  private openRequest(subscriptionId: string) {
    return this.db.changeRequest.findFirst({ where: { subscriptionId, status: { in: ['PENDING', 'APPROVED'] } } });
  }

  private async sameOrConflict(
    open: { id: string; kind: ChangeKind; payload: Prisma.JsonValue },
    kind: ChangeKind,
    payload: Record<string, unknown>,
  ): Promise<ChangeRequestInfo> {
    if (open.kind === kind && canonical(open.payload) === canonical(payload)) return this.reads.info(open.id);
    throw new AppError(
      'CONFLICT',
      'This subscription already has an open change request; decide or withdraw it first.',
      { requestId: open.id },
    );
  }

  // ── Decide / withdraw ──────────────────────────────────────────────────────────────────────

  /** Managers, four-eyes: the approval workflow (docs/approvals.md). */
  async decide(principal: Principal, requestId: string, body: DecisionBody): Promise<ChangeRequestInfo> {
    await this.workflow.decide(principal, this.kind, requestId, body);
    return requestAs(principal, await this.reads.info(requestId));
  }

  /** The requester takes the request back while it is open (PENDING or APPROVED). */
  async withdraw(principal: Principal, requestId: string): Promise<ChangeRequestInfo> {
    await this.workflow.withdraw(principal, this.kind, requestId);
    return requestAs(principal, await this.reads.info(requestId));
  }

  // ── Execute ────────────────────────────────────────────────────────────────────────────────

  /**
   * Carry out an APPROVED request, exactly once (a manager or the requester). Pressed twice or raced:
   * one transaction claims it; the others answer the EXECUTED request, or INVALID_TRANSITION when it
   * was not executed. A failed 换房 (target taken, prices changed) leaves the request APPROVED.
   */
  async execute(principal: Principal, requestId: string): Promise<ChangeRequestInfo> {
    return requestAs(principal, await this.doExecute(principal, requestId));
  }

  private async doExecute(principal: Principal, requestId: string): Promise<ChangeRequestInfo> {
    const { row, user } = await this.load(principal, requestId);
    if (!canManage(user) && row.requestedById !== principal.id) {
      throw new AppError('FORBIDDEN', 'Only a manager or the person who asked can execute a change.');
    }
    if (row.status === 'EXECUTED') return this.reads.info(requestId);
    if (row.status !== 'APPROVED')
      throw new AppError('INVALID_TRANSITION', `The request is ${row.status.toLowerCase()}, not approved.`);
    try {
      switch (row.kind) {
        case 'UNIT_CHANGE':
          await executeUnitChange(this.execution, user, row);
          break;
        case 'CANCEL':
          await executeCancel(this.execution, user, row);
          break;
        case 'BUYER_CHANGE':
          await executeBuyerChange(this.execution, user, row);
          break;
        case 'PRICE_CHANGE':
          await executePriceChange(this.execution, user, row);
          break;
      }
    } catch (error) {
      // Raced: whoever claimed it first decides the answer.
      const current = await this.db.changeRequest.findUnique({ where: { id: requestId }, select: { status: true } });
      if (current?.status === 'EXECUTED') return this.reads.info(requestId);
      if (error instanceof ClaimLost)
        throw new AppError(
          'INVALID_TRANSITION',
          `The request is ${current?.status.toLowerCase() ?? 'gone'}, not approved.`,
        );
      throw error;
    }
    // Committed by this call: a printed 认购书 of the subscription no longer tells the truth. 更名/调价
    // → a new version supersedes it; 换房 (old subscription CHANGED) and 退房 → it is voided.
    this.docs?.refreshFor('AGREEMENT', row.subscriptionId, user, `change.${row.kind}`);
    const info = await this.reads.info(requestId);
    this.publish(info, row.requestedById);
    return info;
  }

  /** First statement of every execute transaction: the row lock serialises racing executors. */
  private async claim(tx: Tx, requestId: string, user: UserPrincipal): Promise<void> {
    if (!(await this.workflow.claimExecution(tx, this.kind, requestId, user, 'EXECUTED'))) throw new ClaimLost();
  }
}
