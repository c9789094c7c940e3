/**
 * Change requests on a subscription 认购变更: 换房 UNIT_CHANGE, 退房 CANCEL, 更名 BUYER_CHANGE,
 * 调价 PRICE_CHANGE. Request → approve/reject (four-eyes) → execute, each step audited in the same
 * transaction and published as `change:changed`. docs/change-requests.md is the specification.
 *
 * Safety of 换房 (the buyer must never end with zero or two units):
 * 1. The target unit is locked FIRST in Redis (the same Lua script as a consultant's lock), so no
 *    consultant can start a confirm on it while the change commits.
 * 2. ONE PostgreSQL transaction claims the request (`… WHERE status = 'APPROVED'`: exactly one
 *    executor wins), takes the target with `… WHERE status = 'AVAILABLE'` (a confirm that got there
 *    first makes it UNIT_NOT_AVAILABLE and everything rolls back), closes the old subscription,
 *    returns the old unit and opens the new subscription. The partial unique index
 *    subscriptions_one_live_per_unit stays the last line of defence.
 * 3. Only after the commit does the mirror learn both unit changes (every screen updates); a failed
 *    transaction releases the Redis lock (compare-and-delete on its token).
 */
import {
  AppError,
  buildSchedule,
  broadcastName,
  normalizePhone,
  paymentPlanSchema,
  personView,
  redactFloor,
  redactPersonalJson,
  showName,
  showPhone,
  type Buyer,
  type ChangeKind,
  type ChangeRequestBody,
  type ChangeRequestInfo,
  type ChangeStatus,
  type DealInfo,
  type DecisionBody,
  type PriceBreakdown,
  type ScheduleItem,
  type SubscriptionInfo,
  type UserViewer,
  type SubscriptionDetail,
} from '@kaipan/shared';
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../infra/db.js';
import { Prisma } from '../infra/db.js';
import type { MirrorFailure, StoredChange, UnitMirror } from '../selling/mirror.js';
import { closeSubscription, customerAfterLoss } from '../selling/close-subscription.js';
import { repriceSoldUnit, transitionUnit } from '../selling/unit-transitions.js';
import { canManage, canSell, type Principal, type UserPrincipal } from '../domain/principal.js';
import { ApprovalWorkflow, type ApprovalKind } from '../approvals/workflow.js';
import { CHANGE_REQUEST } from '../approvals/kinds.js';
import { toAuditRow } from './audit.js';
import type { DealEvents } from './deal-events.js';
import type { DocumentRefresher } from '../documents/index.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import type { PricingService } from './pricing-service.js';
import type { ProjectDirectory } from './project-directory.js';

/** How long the target unit of a 换房 stays locked while the transaction commits, ms (released or consumed long before). */
const CHANGE_LOCK_TTL_MS = 60_000;
/** Interactive transactions wait for a pooled connection and for a racing executor's row lock. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

export type SubscriptionStatusFilter = SubscriptionInfo['status'];

export interface SubscriptionQuery {
  status?: SubscriptionStatusFilter | undefined;
  /** Unit code, buyer name or phone (contains, case-insensitive). */
  q?: string | undefined;
  limit: number;
}

/** 换房 preview: the target unit quoted with the subscription's plan and discounts. */
export interface UnitChangePreview {
  targetUnitId: string;
  targetUnitCode: string;
  oldPrice: number;
  priceVersion: number;
  /** The pricing-terms version it was priced with (absent in previews stored before it existed). */
  termsVersion?: number;
  listPrice: number;
  floorPrice: number;
  finalPrice: number;
  belowFloor: boolean;
  plan: { id: string; code: string; name: string; nameEn: string } | null;
  discountIds: string[];
  breakdown: PriceBreakdown;
  schedule: ScheduleItem[] | null;
}

const subscriptionInclude = {
  unit: { select: { code: true } },
  consultant: { select: { displayName: true } },
  plan: { select: { id: true, code: true, name: true, nameEn: true, terms: true } },
  replacedBy: { select: { id: true } },
} satisfies Prisma.SubscriptionInclude;

type SubscriptionRow = Prisma.SubscriptionGetPayload<{ include: typeof subscriptionInclude }>;

const requestInclude = {
  subscription: { select: { consultantId: true, unit: { select: { code: true } } } },
} satisfies Prisma.ChangeRequestInclude;

type RequestRow = Prisma.ChangeRequestGetPayload<{ include: typeof requestInclude }>;

const num = (v: bigint | null): number | null => (v === null ? null : Number(v));
const asObject = (v: Prisma.JsonValue | null): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const json = (v: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

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

/** The discount rules a stored breakdown was computed with (applied steps + BEST_SINGLE's unused). */
function discountIdsOf(breakdown: unknown): string[] {
  const b = breakdown as Partial<PriceBreakdown> | null;
  if (!b) return [];
  const ids = [...(b.steps ?? []).map((s) => s.ruleId), ...(b.unusedRuleIds ?? [])];
  return [...new Set(ids)];
}

/** A subscription as `viewer` may see it: the buyer per the privacy rule, the deal's consultant owning the record. */
function toSubscriptionInfo(viewer: UserViewer, s: SubscriptionRow): SubscriptionInfo {
  const view = personView(viewer, { consultantId: s.consultantId });
  return {
    id: s.id,
    projectId: s.projectId,
    unitId: s.unitId,
    unitCode: s.unit.code,
    status: s.status,
    buyerName: showName(view.name, s.buyerName),
    buyerPhone: showPhone(view.phone, s.buyerPhone),
    consultant: s.consultant.displayName,
    price: Number(s.price),
    listPrice: num(s.listPrice),
    floorPrice: num(s.floorPrice),
    priceVersion: s.priceVersion,
    plan: s.plan ? { id: s.plan.id, code: s.plan.code, name: s.plan.name, nameEn: s.plan.nameEn } : null,
    breakdown: (s.breakdown as PriceBreakdown | null) ?? null,
    schedule: (s.schedule as ScheduleItem[] | null) ?? null,
    approvalId: s.approvalId,
    replacesId: s.replacesId,
    replacedById: s.replacedBy?.id ?? null,
    refundState: s.refundState,
    createdAt: s.createdAt.toISOString(),
    closedAt: s.closedAt?.toISOString() ?? null,
    closeReason: s.closeReason,
    depositDueAt: s.depositDueAt?.toISOString() ?? null,
    depositPaidAt: s.depositPaidAt?.toISOString() ?? null,
  };
}

/** What sales consultants see of a preview: the floor price 底价 is for managers (belowFloor stays). */
function redactPreview(preview: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!preview) return preview;
  const { floorPrice: _floor, ...rest } = preview;
  const breakdown = rest.breakdown as PriceBreakdown | undefined;
  return breakdown ? { ...rest, breakdown: redactFloor(breakdown) } : rest;
}

/** A change request as a consultant sees it. */
export function redactRequest(info: ChangeRequestInfo): ChangeRequestInfo {
  return { ...info, preview: redactPreview(info.preview) };
}

/**
 * A change request's buyers (an 更名's old and new name and phone in payload, preview and result;
 * anything typed into the reason) as `viewer` may see them: the deal's consultant owns the record.
 */
export function requestFor(viewer: UserViewer, info: ChangeRequestInfo): ChangeRequestInfo {
  return redactPersonalJson(personView(viewer, { consultantId: info.consultantId }), info);
}

/** A subscription as a consultant sees it: no floor price. */
export function redactSubscription<T extends SubscriptionInfo>(info: T): T {
  return { ...info, floorPrice: null, breakdown: info.breakdown ? redactFloor(info.breakdown) : null };
}

/** Thrown inside the execute transaction when another executor claimed the request first. */
class ClaimLost extends Error {}

function mirrorFailure(code: MirrorFailure): AppError {
  if (code === 'MIRROR_MISSING') return new AppError('SERVICE_UNAVAILABLE', 'Sales state is being rebuilt; try again.');
  if (code === 'LOCK_HELD')
    return new AppError('LOCK_HELD', 'Someone holds the target unit right now; try again or withdraw the request.');
  if (code === 'UNIT_NOT_AVAILABLE')
    return new AppError('UNIT_NOT_AVAILABLE', 'The target unit is no longer available.');
  return new AppError(code);
}

export class ChangeService {
  constructor(
    private readonly db: Db,
    private readonly mirror: UnitMirror,
    private readonly keeper: MirrorKeeper,
    private readonly directory: ProjectDirectory,
    private readonly pricing: PricingService,
    private readonly events: DealEvents,
    /** Re-renders a printed 认购书 whose subscription a change altered (never waited for). */
    private readonly docs: DocumentRefresher | null = null,
  ) {
    this.workflow = new ApprovalWorkflow(db, directory);
  }

  private readonly workflow: ApprovalWorkflow;

  /** Change requests in the approval workflow; approval is followed by `execute` (a step of its own). */
  private readonly kind: ApprovalKind = {
    ...CHANGE_REQUEST,
    announce: async (request) => {
      if (request.requestedById) this.publish(await this.info(request.id), request.requestedById);
    },
  };

  // ── Reading ────────────────────────────────────────────────────────────────────────────────

  /** Sales staff only; managers see every deal of the project, consultants their own. */
  private async reader(principal: Principal, projectId: string): Promise<{ user: UserPrincipal; all: boolean }> {
    await this.directory.assertAccess(principal, projectId);
    if (!canSell(principal)) throw new AppError('FORBIDDEN', 'Only sales staff can see subscriptions.');
    return { user: principal, all: canManage(principal) };
  }

  async listSubscriptions(
    principal: Principal,
    projectId: string,
    query: SubscriptionQuery,
  ): Promise<SubscriptionInfo[]> {
    const { user, all } = await this.reader(principal, projectId);
    const q = query.q?.trim();
    const digits = q ? q.replace(/[\s-]/g, '') : '';
    const rows = await this.db.subscription.findMany({
      where: {
        projectId,
        ...(all ? {} : { consultantId: user.id }),
        ...(query.status ? { status: query.status } : {}),
        ...(q
          ? {
              OR: [
                { unit: { code: { contains: q, mode: 'insensitive' } } },
                { buyerName: { contains: q, mode: 'insensitive' } },
                ...(/^\+?[0-9]{3,}$/.test(digits) ? [{ buyerPhone: { contains: digits } }] : []),
              ],
            }
          : {}),
      },
      include: subscriptionInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
    return rows.map((r) => (all ? toSubscriptionInfo(user, r) : redactSubscription(toSubscriptionInfo(user, r))));
  }

  async getSubscription(principal: Principal, subscriptionId: string): Promise<SubscriptionDetail> {
    const row = await this.db.subscription.findUnique({ where: { id: subscriptionId }, include: subscriptionInclude });
    if (!row) throw new AppError('NOT_FOUND', 'No such subscription.');
    const { user, all } = await this.reader(principal, row.projectId);
    if (!all && row.consultantId !== user.id) throw new AppError('FORBIDDEN', 'This is another consultant’s deal.');
    // The deal's history spans its 换房 chain: requests on the subscriptions it replaced or was replaced by.
    const chain = await this.db.$queryRaw<{ id: string }[]>`
      WITH RECURSIVE back(id, replaces_id, depth) AS (
        SELECT id, replaces_id, 0 FROM subscriptions WHERE id = ${subscriptionId}::uuid
        UNION ALL
        SELECT s.id, s.replaces_id, b.depth + 1 FROM subscriptions s JOIN back b ON s.id = b.replaces_id WHERE b.depth < 50
      ), fwd(id, depth) AS (
        SELECT id, 0 FROM subscriptions WHERE id = ${subscriptionId}::uuid
        UNION ALL
        SELECT s.id, f.depth + 1 FROM subscriptions s JOIN fwd f ON s.replaces_id = f.id WHERE f.depth < 50
      )
      SELECT id::text AS id FROM back UNION SELECT id::text FROM fwd`;
    const changes = await this.db.changeRequest.findMany({
      where: { subscriptionId: { in: chain.map((c) => c.id) } },
      include: requestInclude,
      orderBy: { requestedAt: 'desc' },
    });
    const detail = {
      ...toSubscriptionInfo(user, row),
      changes: (await this.toInfos(changes)).map((c) => requestFor(user, c)),
    };
    return all ? detail : { ...redactSubscription(detail), changes: detail.changes.map(redactRequest) };
  }

  /** Managers: every request of the project; consultants: the ones they made or on their deals. Open ones first. */
  async listRequests(principal: Principal, projectId: string, status?: ChangeStatus): Promise<ChangeRequestInfo[]> {
    const { user, all } = await this.reader(principal, projectId);
    const rows = await this.db.changeRequest.findMany({
      where: {
        projectId,
        ...(all ? {} : { OR: [{ requestedById: user.id }, { subscription: { consultantId: user.id } }] }),
        ...(status ? { status } : {}),
      },
      include: requestInclude,
      orderBy: { requestedAt: 'desc' },
      take: 500,
    });
    const rank: Record<ChangeStatus, number> = { PENDING: 0, APPROVED: 1, EXECUTED: 2, REJECTED: 2, WITHDRAWN: 2 };
    const infos = (await this.toInfos(rows))
      .sort((a, b) => rank[a.status] - rank[b.status])
      .map((i) => requestFor(user, i));
    return all ? infos : infos.map(redactRequest);
  }

  private async toInfos(rows: RequestRow[]): Promise<ChangeRequestInfo[]> {
    const ids = new Set<string>();
    for (const r of rows) for (const id of [r.requestedById, r.decidedById, r.executedById]) if (id) ids.add(id);
    const users = ids.size
      ? await this.db.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, displayName: true } })
      : [];
    const names = new Map(users.map((u) => [u.id, u.displayName]));
    const name = (id: string | null): string | null => (id ? (names.get(id) ?? '?') : null);
    return rows.map((r) => ({
      id: r.id,
      projectId: r.projectId,
      subscriptionId: r.subscriptionId,
      unitCode: r.subscription.unit.code,
      kind: r.kind,
      status: r.status,
      reason: r.reason,
      payload: asObject(r.payload) ?? {},
      preview: asObject(r.preview),
      requestedById: r.requestedById,
      requestedBy: name(r.requestedById) ?? '?',
      consultantId: r.subscription.consultantId,
      requestedAt: r.requestedAt.toISOString(),
      decidedBy: name(r.decidedById),
      decidedAt: r.decidedAt?.toISOString() ?? null,
      decisionNote: r.decisionNote,
      executedBy: name(r.executedById),
      executedAt: r.executedAt?.toISOString() ?? null,
      result: asObject(r.result),
    }));
  }

  private async info(id: string, client: Db | Tx = this.db): Promise<ChangeRequestInfo> {
    const row = await client.changeRequest.findUnique({ where: { id }, include: requestInclude });
    if (!row) throw new AppError('NOT_FOUND', 'No such change request.');
    const [info] = await this.toInfos([row]);
    return info!;
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

  /** A request as `principal` may see it. */
  private shown(principal: Principal, info: ChangeRequestInfo): ChangeRequestInfo {
    // Every path here passed a staff check already; a device never gets this far.
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Only staff can act on change requests.');
    const personal = requestFor(principal, info);
    return canManage(principal) ? personal : redactRequest(personal);
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
    return { created, request: this.shown(principal, request) };
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

    const preview = await this.preview(sub, body);
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
    return { created: true, request: await this.info(created.id) };
  }

  private openRequest(subscriptionId: string) {
    return this.db.changeRequest.findFirst({ where: { subscriptionId, status: { in: ['PENDING', 'APPROVED'] } } });
  }

  private async sameOrConflict(
    open: { id: string; kind: ChangeKind; payload: Prisma.JsonValue },
    kind: ChangeKind,
    payload: Record<string, unknown>,
  ): Promise<ChangeRequestInfo> {
    if (open.kind === kind && canonical(open.payload) === canonical(payload)) return this.info(open.id);
    throw new AppError(
      'CONFLICT',
      'This subscription already has an open change request; decide or withdraw it first.',
      { requestId: open.id },
    );
  }

  private async preview(sub: SubscriptionRow, body: ChangeRequestBody): Promise<Record<string, unknown>> {
    const oldPrice = Number(sub.price);
    switch (body.kind) {
      case 'UNIT_CHANGE': {
        const quote = await this.quoteTarget(sub, body.targetUnitId, new Date());
        return { ...quote, oldPrice };
      }
      case 'CANCEL':
        return { refund: 'DUE', price: oldPrice };
      case 'BUYER_CHANGE': {
        if (body.buyer.name === sub.buyerName && body.buyer.phone === sub.buyerPhone) {
          throw new AppError('VALIDATION_FAILED', 'The new buyer is the current buyer.', [
            { path: 'buyer', message: 'unchanged' },
          ]);
        }
        return {
          old: { name: sub.buyerName, phone: sub.buyerPhone },
          new: { name: body.buyer.name, phone: body.buyer.phone },
        };
      }
      case 'PRICE_CHANGE': {
        if (body.finalPrice === oldPrice) {
          throw new AppError('VALIDATION_FAILED', 'The new price is the current price.', [
            { path: 'finalPrice', message: 'unchanged' },
          ]);
        }
        const schedule = await this.scheduleFor(sub, body.finalPrice);
        const floor = sub.floorPrice === null ? null : Number(sub.floorPrice);
        return {
          oldPrice,
          newPrice: body.finalPrice,
          belowFloor: floor !== null && body.finalPrice < floor,
          floorPrice: floor,
          schedule,
        };
      }
    }
  }

  /** The target of a 换房 quoted now with the subscription's plan and discounts (UNIT_NOT_AVAILABLE unless AVAILABLE). */
  private async quoteTarget(sub: SubscriptionRow, targetUnitId: string, at: Date): Promise<UnitChangePreview> {
    if (targetUnitId === sub.unitId) {
      throw new AppError('VALIDATION_FAILED', 'The target is the subscription’s own unit.', [
        { path: 'targetUnitId', message: 'same unit' },
      ]);
    }
    const target = await this.db.unit.findUnique({
      where: { id: targetUnitId },
      select: { projectId: true, code: true, status: true },
    });
    if (!target || target.projectId !== sub.projectId) throw new AppError('NOT_FOUND', 'No such unit in this project.');
    if (target.status !== 'AVAILABLE')
      throw new AppError('UNIT_NOT_AVAILABLE', `Unit ${target.code} is not available.`);
    const discountIds = discountIdsOf(sub.breakdown);
    const quote = await this.pricing.quote(
      targetUnitId,
      { planId: sub.planId ?? undefined, discountIds },
      sub.registrationId ? { registrationId: sub.registrationId } : { phone: sub.buyerPhone },
      at,
    );
    return {
      targetUnitId,
      targetUnitCode: target.code,
      oldPrice: Number(sub.price),
      priceVersion: quote.priceVersion,
      termsVersion: quote.termsVersion,
      listPrice: quote.listPrice,
      floorPrice: quote.floorPrice,
      finalPrice: quote.breakdown.finalPrice,
      belowFloor: quote.breakdown.belowFloor,
      plan: quote.plan
        ? { id: quote.plan.id, code: quote.plan.code, name: quote.plan.name, nameEn: quote.plan.nameEn }
        : null,
      discountIds,
      breakdown: quote.breakdown,
      schedule: quote.schedule,
    };
  }

  /** The subscription's plan schedule rebuilt for a new price (signing date unchanged). */
  private async scheduleFor(sub: SubscriptionRow, finalPrice: number): Promise<ScheduleItem[] | null> {
    if (!sub.plan) return null;
    const plan = paymentPlanSchema.safeParse(sub.plan.terms);
    if (!plan.success) throw new AppError('INTERNAL', 'A stored payment plan is not valid.');
    const project = await this.directory.getProject(sub.projectId);
    const built = buildSchedule(plan.data, finalPrice, sub.createdAt.toISOString(), project.timezone);
    if (!built.ok) throw new AppError('PLAN_NOT_APPLICABLE', built.message, { reason: built.code });
    return built.schedule;
  }

  // ── Decide / withdraw ──────────────────────────────────────────────────────────────────────

  /** Managers, four-eyes: the approval workflow (docs/approvals.md). */
  async decide(principal: Principal, requestId: string, body: DecisionBody): Promise<ChangeRequestInfo> {
    await this.workflow.decide(principal, this.kind, requestId, body);
    return this.shown(principal, await this.info(requestId));
  }

  /** The requester takes the request back while it is open (PENDING or APPROVED). */
  async withdraw(principal: Principal, requestId: string): Promise<ChangeRequestInfo> {
    await this.workflow.withdraw(principal, this.kind, requestId);
    return this.shown(principal, await this.info(requestId));
  }

  // ── Execute ────────────────────────────────────────────────────────────────────────────────

  /**
   * Carry out an APPROVED request, exactly once (a manager or the requester). Pressed twice or raced:
   * one transaction claims it; the others answer the EXECUTED request, or INVALID_TRANSITION when it
   * was not executed. A failed 换房 (target taken, prices changed) leaves the request APPROVED.
   */
  async execute(principal: Principal, requestId: string): Promise<ChangeRequestInfo> {
    return this.shown(principal, await this.doExecute(principal, requestId));
  }

  private async doExecute(principal: Principal, requestId: string): Promise<ChangeRequestInfo> {
    const { row, user } = await this.load(principal, requestId);
    if (!canManage(user) && row.requestedById !== principal.id) {
      throw new AppError('FORBIDDEN', 'Only a manager or the person who asked can execute a change.');
    }
    if (row.status === 'EXECUTED') return this.info(requestId);
    if (row.status !== 'APPROVED')
      throw new AppError('INVALID_TRANSITION', `The request is ${row.status.toLowerCase()}, not approved.`);
    try {
      switch (row.kind) {
        case 'UNIT_CHANGE':
          await this.executeUnitChange(user, row);
          break;
        case 'CANCEL':
          await this.executeCancel(user, row);
          break;
        case 'BUYER_CHANGE':
          await this.executeBuyerChange(user, row);
          break;
        case 'PRICE_CHANGE':
          await this.executePriceChange(user, row);
          break;
      }
    } catch (error) {
      // Raced: whoever claimed it first decides the answer.
      const current = await this.db.changeRequest.findUnique({ where: { id: requestId }, select: { status: true } });
      if (current?.status === 'EXECUTED') return this.info(requestId);
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
    const info = await this.info(requestId);
    this.publish(info, row.requestedById);
    return info;
  }

  /** First statement of every execute transaction: the row lock serialises racing executors. */
  private async claim(tx: Tx, requestId: string, user: UserPrincipal): Promise<void> {
    if (!(await this.workflow.claimExecution(tx, this.kind, requestId, user, 'EXECUTED'))) throw new ClaimLost();
  }

  /** Close the subscription (only while ACTIVE); its row as it was before. */
  private async activeSubscription(tx: Tx, subscriptionId: string): Promise<SubscriptionRow> {
    const locked = await tx.$queryRaw<{ status: string }[]>`
      SELECT status::text AS status FROM subscriptions WHERE id = ${subscriptionId}::uuid FOR UPDATE`;
    if (locked[0]?.status !== 'ACTIVE') {
      throw new AppError(
        'INVALID_TRANSITION',
        `The subscription is ${locked[0]?.status.toLowerCase() ?? 'gone'}; only active subscriptions can change.`,
      );
    }
    return tx.subscription.findUniqueOrThrow({ where: { id: subscriptionId }, include: subscriptionInclude });
  }

  private async executeUnitChange(
    user: UserPrincipal,
    request: {
      id: string;
      projectId: string;
      subscriptionId: string;
      payload: Prisma.JsonValue;
      preview: Prisma.JsonValue;
      reason: string;
    },
  ): Promise<void> {
    const projectId = request.projectId;
    const targetUnitId = String(asObject(request.payload)?.targetUnitId ?? '');
    const approved = asObject(request.preview) as unknown as UnitChangePreview | null;
    if (!targetUnitId || !approved) throw new AppError('INTERNAL', 'The stored unit change is incomplete.');

    // (1) The target first, in Redis: the lock belongs to the request, so its executors (a manager
    // and the requester pressing at once) share one token; nobody else can lock or confirm it now.
    const holder = { id: `change:${request.id}`, name: user.displayName };
    let grant = await this.mirror.lock(projectId, targetUnitId, holder, CHANGE_LOCK_TTL_MS, 1, undefined);
    if (!grant.ok && grant.code === 'MIRROR_MISSING') {
      await this.keeper.rebuild(projectId);
      grant = await this.mirror.lock(projectId, targetUnitId, holder, CHANGE_LOCK_TTL_MS, 1, undefined);
    }
    if (!grant.ok) throw mirrorFailure(grant.code);
    const token = grant.value.token;

    let committed: StoredChange[];
    try {
      const sub0 = await this.db.subscription.findUniqueOrThrow({
        where: { id: request.subscriptionId },
        include: subscriptionInclude,
      });
      const quote = await this.quoteTarget(sub0, targetUnitId, new Date());
      committed = await this.db.$transaction(async (tx) => {
        await this.claim(tx, request.id, user);
        const sub = await this.activeSubscription(tx, request.subscriptionId);
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
          this.pricing.forget(projectId);
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
            audit(
              'change.execute',
              'change_request',
              request.id,
              { status: 'APPROVED' },
              { status: 'EXECUTED', result },
            ),
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
      const executed = await this.db.changeRequest
        .findUnique({ where: { id: request.id }, select: { status: true } })
        .catch(() => null);
      if (executed?.status !== 'EXECUTED') {
        await this.mirror.release(projectId, targetUnitId, token, holder.id, false).catch(() => undefined);
      }
      throw error;
    }

    // (3) Committed: both units reach the mirror and every screen; the token consumes our lock.
    await this.keeper.applyCommitted(projectId, committed);
  }

  private async executeCancel(
    user: UserPrincipal,
    request: { id: string; projectId: string; subscriptionId: string; reason: string },
  ): Promise<void> {
    const projectId = request.projectId;
    const change = await this.db.$transaction(async (tx) => {
      await this.claim(tx, request.id, user);
      const sub = await this.activeSubscription(tx, request.subscriptionId);
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
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'change.execute',
          entity: 'change_request',
          entityId: request.id,
          at,
          before: { status: 'APPROVED' },
          after: { status: 'EXECUTED', result },
        }),
      });
      return closed.change;
    }, TX_OPTIONS);
    await this.keeper.applyCommitted(projectId, [change]);
  }

  private async executeBuyerChange(
    user: UserPrincipal,
    request: { id: string; projectId: string; subscriptionId: string; payload: Prisma.JsonValue },
  ): Promise<void> {
    const projectId = request.projectId;
    const buyer = asObject(request.payload)?.buyer as Buyer | undefined;
    if (!buyer?.name || !buyer.phone) throw new AppError('INTERNAL', 'The stored buyer change is incomplete.');
    await this.db.$transaction(async (tx) => {
      await this.claim(tx, request.id, user);
      const sub = await this.activeSubscription(tx, request.subscriptionId);
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
      audits.push(
        toAuditRow({
          projectId,
          actor: user,
          action: 'change.execute',
          entity: 'change_request',
          entityId: request.id,
          at,
          before: { status: 'APPROVED' },
          after: { status: 'EXECUTED', result },
        }),
      );
      await tx.auditEvent.createMany({
        data: audits.map((r) => ({ ...r, before: r.before ?? Prisma.DbNull, after: r.after ?? Prisma.DbNull })),
      });
    }, TX_OPTIONS);
  }

  private async executePriceChange(
    user: UserPrincipal,
    request: { id: string; projectId: string; subscriptionId: string; payload: Prisma.JsonValue; reason: string },
  ): Promise<void> {
    const projectId = request.projectId;
    const finalPrice = Number(asObject(request.payload)?.finalPrice);
    if (!Number.isSafeInteger(finalPrice) || finalPrice <= 0)
      throw new AppError('INTERNAL', 'The stored price change is incomplete.');
    const change = await this.db.$transaction(async (tx) => {
      await this.claim(tx, request.id, user);
      const sub = await this.activeSubscription(tx, request.subscriptionId);
      const schedule = await this.scheduleFor(sub, finalPrice);
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
          toAuditRow({
            projectId,
            actor: user,
            action: 'change.execute',
            entity: 'change_request',
            entityId: request.id,
            at,
            before: { status: 'APPROVED' },
            after: { status: 'EXECUTED', result },
          }),
        ].map((r) => ({ ...r, before: r.before ?? Prisma.DbNull, after: r.after ?? Prisma.DbNull })),
      });
      return unit;
    }, TX_OPTIONS);
    await this.keeper.applyCommitted(projectId, [change]);
  }
}
