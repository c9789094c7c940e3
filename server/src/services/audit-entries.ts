/**
 * Audit events as readers get them, and a unit's history: shared by the audit log (audit-log-service.ts)
 * and the dispute pack (documents/loaders/dispute-pack.ts). Who may read is decided by the callers;
 * the privacy view they pass is applied here to before/after and to the target.
 */
import {
  AppError,
  auditTopicOf,
  redactPersonalJson,
  UNIT_TIMELINE_MAX,
  type AuditLogEntry,
  type PersonView,
  type UnitStatus,
} from '@kaipan/shared';
import type { Db, Prisma } from '../infra/db.js';
import type { ProjectDirectory } from './project-directory.js';

export type AuditRow = Prisma.AuditEventGetPayload<object>;

/** The records a unit's history is made of: (entity, ids) pairs of the audit log. */
export type EntityRefs = { entity: string; ids: string[] }[];

/** Payload fields that name the record an event concerns, most telling first. */
const TARGET_FIELDS = [
  'unitCode',
  'receipt',
  'receiptLabel',
  'label',
  'title',
  'code',
  'number',
  'name',
  'displayName',
  'username',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The records whose events make a unit's history: the unit; its subscriptions (every deal ever made
 * on it, cancelled and changed ones included); their payments, receipts, change requests and void
 * requests; its price approvals; and the documents printed from any of them (dispute packs included).
 */
export async function unitRefs(db: Db, projectId: string, unitId: string): Promise<EntityRefs> {
  const [subs, approvals] = await Promise.all([
    db.subscription.findMany({ where: { projectId, unitId }, select: { id: true } }),
    db.priceApproval.findMany({ where: { projectId, unitId }, select: { id: true } }),
  ]);
  const subIds = subs.map((s) => s.id);
  const [payments, changes] = await Promise.all([
    db.payment.findMany({
      where: { projectId, subscriptionId: { in: subIds } },
      select: { id: true, receipt: { select: { id: true } } },
    }),
    db.changeRequest.findMany({ where: { projectId, subscriptionId: { in: subIds } }, select: { id: true } }),
  ]);
  const receiptIds = payments.flatMap((p) => (p.receipt ? [p.receipt.id] : []));
  const [voids, documents] = await Promise.all([
    db.voidRequest.findMany({ where: { projectId, receiptId: { in: receiptIds } }, select: { id: true } }),
    db.document.findMany({
      where: {
        projectId,
        OR: [
          { kind: 'AGREEMENT', entityId: { in: subIds } },
          { kind: 'RECEIPT', entityId: { in: receiptIds } },
          { kind: { in: ['PURCHASE_PLAN', 'DISPUTE_PACK'] }, entityId: unitId },
        ],
      },
      select: { id: true },
    }),
  ]);
  return [
    { entity: 'unit', ids: [unitId] },
    { entity: 'subscription', ids: subIds },
    { entity: 'payment', ids: payments.map((p) => p.id) },
    { entity: 'receipt', ids: receiptIds },
    { entity: 'change_request', ids: changes.map((c) => c.id) },
    { entity: 'void_request', ids: voids.map((v) => v.id) },
    { entity: 'price_approval', ids: approvals.map((a) => a.id) },
    { entity: 'document', ids: documents.map((d) => d.id) },
  ].filter((r) => r.ids.length > 0);
}

export function refsFilter(refs: EntityRefs): Prisma.AuditEventWhereInput[] {
  return refs.map((r) => ({ entity: r.entity, entityId: { in: r.ids } }));
}

/** A unit's raw history (no privacy applied yet): the unit, its events oldest first, the project's zone. */
export async function readUnitHistory(
  db: Db,
  directory: ProjectDirectory,
  projectId: string,
  unitId: string,
): Promise<{
  unit: { id: string; code: string; status: UnitStatus };
  rows: AuditRow[];
  truncated: boolean;
  timeZone: string;
}> {
  const unit = await db.unit.findFirst({
    where: { id: unitId, projectId },
    select: { id: true, code: true, status: true },
  });
  if (!unit) throw new AppError('NOT_FOUND', 'No such unit in this project.');
  const refs = await unitRefs(db, projectId, unitId);
  const [rows, catalog] = await Promise.all([
    db.auditEvent.findMany({
      where: { projectId, OR: refsFilter(refs) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: UNIT_TIMELINE_MAX + 1,
    }),
    directory.getCatalog(projectId),
  ]);
  return {
    unit,
    rows: rows.slice(0, UNIT_TIMELINE_MAX),
    truncated: rows.length > UNIT_TIMELINE_MAX,
    timeZone: catalog.catalog.project.timezone,
  };
}

/** Rows → entries: privacy applied, the target named (unit codes from the catalog), the unit linked. */
export async function toAuditEntries(
  db: Db,
  directory: ProjectDirectory,
  projectId: string,
  rows: readonly AuditRow[],
  view: PersonView,
): Promise<AuditLogEntry[]> {
  const catalog = await directory.getCatalog(projectId);
  // A deal's events, and those naming a deal in their payload (payments), belong to the deal's unit.
  const subOf = (r: AuditRow): string | null => {
    if (r.entity === 'subscription') return r.entityId;
    const id = asRecord(r.after).subscriptionId ?? asRecord(r.before).subscriptionId;
    return typeof id === 'string' ? id : null;
  };
  const subIds = [...new Set(rows.map(subOf).filter((id): id is string => id !== null && UUID.test(id)))];
  const subs = subIds.length
    ? await db.subscription.findMany({ where: { id: { in: subIds } }, select: { id: true, unitId: true } })
    : [];
  const unitOfSub = new Map(subs.map((s) => [s.id, s.unitId]));
  return rows.map((r) => {
    const before = redactPersonalJson(view, r.before);
    const after = redactPersonalJson(view, r.after);
    const payload = { ...asRecord(before), ...asRecord(after) };
    const unitId =
      r.entity === 'unit'
        ? r.entityId
        : typeof payload.unitId === 'string'
          ? payload.unitId
          : (unitOfSub.get(subOf(r) ?? '') ?? null);
    const unitCode = unitId ? catalog.byId.get(unitId)?.code : undefined;
    return {
      id: r.id.toString(),
      at: r.createdAt.toISOString(),
      action: r.action,
      topic: auditTopicOf(r.action),
      entity: r.entity,
      entityId: r.entityId,
      actor: { kind: r.actorKind, name: r.actorName, id: r.actorId },
      device: r.device,
      target: targetOf(payload, unitCode),
      unitId: unitId && catalog.byId.has(unitId) ? unitId : null,
      before,
      after,
    };
  });
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** What an event concerns, in a word: the unit's code, else the first naming field of its payload. */
function targetOf(payload: Record<string, unknown>, unitCode: string | undefined): string | null {
  if (unitCode) return unitCode;
  for (const field of TARGET_FIELDS) {
    const v = payload[field];
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number') return String(v);
  }
  return null;
}
