/**
 * How subscriptions and change requests are read from the database and shown: the row shapes, the
 * mapping to the shared contract, and what each viewer may see (the buyer per the privacy rule, the
 * floor price 底价 for managers only). Pure, no I/O.
 */
import {
  personView,
  redactFloor,
  redactPersonalJson,
  showName,
  showPhone,
  type ChangeRequestInfo,
  type PriceBreakdown,
  type ScheduleItem,
  type SubscriptionInfo,
  type UserViewer,
} from '@kaipan/shared';
import type { Prisma } from '../infra/db.js';

export const subscriptionInclude = {
  unit: { select: { code: true } },
  consultant: { select: { displayName: true } },
  plan: { select: { id: true, code: true, name: true, nameEn: true, terms: true } },
  replacedBy: { select: { id: true } },
} satisfies Prisma.SubscriptionInclude;

export type SubscriptionRow = Prisma.SubscriptionGetPayload<{ include: typeof subscriptionInclude }>;

export const requestInclude = {
  subscription: { select: { consultantId: true, unit: { select: { code: true } } } },
} satisfies Prisma.ChangeRequestInclude;

export type RequestRow = Prisma.ChangeRequestGetPayload<{ include: typeof requestInclude }>;

const num = (v: bigint | null): number | null => (v === null ? null : Number(v));

/** A stored JSON value as an object (null for anything else). */
export const asObject = (v: Prisma.JsonValue | null): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** A subscription as `viewer` may see it: the buyer per the privacy rule, the deal's consultant owning the record. */
export function toSubscriptionInfo(viewer: UserViewer, s: SubscriptionRow): SubscriptionInfo {
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

/** A change request row as the contract shows it; `name` turns a user id into a display name. */
export function toRequestInfo(r: RequestRow, name: (id: string | null) => string | null): ChangeRequestInfo {
  return {
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
