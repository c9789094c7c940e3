/**
 * Reading the audit log (docs/audit-log.md): the filtered, paged log; its XLSX export; a unit's
 * timeline — every event of the unit and of the deals, payments, receipts, approvals and documents
 * about it. Read only: events are written where each change happens (services/audit.ts) and never
 * edited. The privacy rule applies here, where the log is read: before/after and the target as the
 * reader may see a buyer who is not theirs (finance and viewers: masked phones, no ID numbers).
 */
import {
  AppError,
  auditActionsOf,
  auditChangeText,
  auditActorLabel,
  auditSentence,
  auditTopicOf,
  AUDIT_EXPORT_MAX_ROWS,
  AUDIT_TOPIC_LABELS,
  formatProjectDateTime,
  personView,
  redactPersonalJson,
  UNIT_TIMELINE_MAX,
  type AuditFilter,
  type AuditLogEntry,
  type AuditLogPage,
  type AuditLogQuery,
  type Locale,
  type PersonView,
  type UnitStatus,
  type UnitTimeline,
} from '@kaipan/shared';
import type { Db, Prisma } from '../infra/db.js';
import { isAllowedIn, type Principal } from '../domain/principal.js';
import { writeSheet, type SheetColumnSpec } from '../domain/xlsx.js';
import type { ProjectDirectory } from './project-directory.js';
import type { SheetFile } from './unit-import-service.js';

type AuditRow = Prisma.AuditEventGetPayload<object>;

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

export class AuditLogService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
  ) {}

  /** One page of the log, newest first; `nextCursor` continues with older events. */
  async page(principal: Principal, projectId: string, query: AuditLogQuery): Promise<AuditLogPage> {
    const view = await this.readerView(principal, projectId);
    const where = await this.whereOf(projectId, query);
    const rows = await this.db.auditEvent.findMany({
      where: query.before ? { AND: [where, { id: { lt: BigInt(query.before) } }] } : where,
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    const more = rows.length > query.limit;
    const shown = more ? rows.slice(0, query.limit) : rows;
    return {
      entries: await this.toEntries(projectId, shown, view),
      nextCursor: more ? (shown.at(-1)?.id.toString() ?? null) : null,
    };
  }

  /** The filtered log as XLSX, in `lang`: one row per event, newest first. */
  async exportXlsx(principal: Principal, projectId: string, filter: AuditFilter, lang: Locale): Promise<SheetFile> {
    const view = await this.readerView(principal, projectId);
    const [rows, catalog] = await Promise.all([
      this.db.auditEvent.findMany({
        where: await this.whereOf(projectId, filter),
        orderBy: { id: 'desc' },
        take: AUDIT_EXPORT_MAX_ROWS,
      }),
      this.directory.getCatalog(projectId),
    ]);
    const tz = catalog.catalog.project.timezone;
    const entries = await this.toEntries(projectId, rows, view);
    const en = lang === 'en';
    const columns: SheetColumnSpec[] = [
      { header: en ? `Time (${tz})` : `时间（${tz}）`, width: 21 },
      { header: en ? 'Event' : '事件', width: 48 },
      { header: en ? 'Changes' : '变更', width: 60 },
      { header: en ? 'Actor' : '操作人', width: 16 },
      { header: en ? 'Device' : '设备', width: 28 },
      { header: en ? 'Kind' : '类别', width: 18 },
      { header: en ? 'Action' : '操作代码', width: 24 },
      { header: en ? 'Event no.' : '事件号', width: 10 },
    ];
    const body = await writeSheet({
      name: en ? 'Audit log' : '操作日志',
      columns,
      rows: entries.map((e) => [
        formatProjectDateTime(e.at, tz),
        auditSentence(e, lang),
        auditChangeText(e, lang, tz),
        auditActorLabel(e.actor, lang),
        e.device ?? '',
        AUDIT_TOPIC_LABELS[e.topic][en ? 1 : 0],
        e.action,
        e.id,
      ]),
    });
    const stamp = formatProjectDateTime(new Date(), tz).slice(0, 10);
    return {
      fileName: `${en ? 'audit-log' : '操作日志'}-${catalog.catalog.project.code}-${stamp}.xlsx`,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body,
    };
  }

  /** A unit's timeline, oldest first (at most UNIT_TIMELINE_MAX events; the log has the rest). */
  async unitTimeline(principal: Principal, projectId: string, unitId: string): Promise<UnitTimeline> {
    const view = await this.readerView(principal, projectId);
    const { unit, rows, truncated, timeZone } = await this.unitHistory(projectId, unitId);
    return { unit, timeZone, entries: await this.toEntries(projectId, rows, view), truncated };
  }

  /**
   * The raw history of a unit (no privacy applied: the dispute pack's loader, managers only, and
   * unitTimeline above, which applies it): the unit, its events oldest first.
   */
  async unitHistory(
    projectId: string,
    unitId: string,
  ): Promise<{
    unit: { id: string; code: string; status: UnitStatus };
    rows: AuditRow[];
    truncated: boolean;
    timeZone: string;
  }> {
    const unit = await this.db.unit.findFirst({
      where: { id: unitId, projectId },
      select: { id: true, code: true, status: true },
    });
    if (!unit) throw new AppError('NOT_FOUND', 'No such unit in this project.');
    const refs = await this.unitRefs(projectId, unitId);
    const rows = await this.db.auditEvent.findMany({
      where: { projectId, OR: refsFilter(refs) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: UNIT_TIMELINE_MAX + 1,
    });
    const catalog = await this.directory.getCatalog(projectId);
    return {
      unit,
      rows: rows.slice(0, UNIT_TIMELINE_MAX),
      truncated: rows.length > UNIT_TIMELINE_MAX,
      timeZone: catalog.catalog.project.timezone,
    };
  }

  /**
   * The records whose events make a unit's history: the unit; its subscriptions (every deal ever made
   * on it, cancelled and changed ones included); their payments, receipts, change requests and void
   * requests; its price approvals; and the documents printed from any of them.
   */
  async unitRefs(projectId: string, unitId: string): Promise<EntityRefs> {
    const [subs, approvals] = await Promise.all([
      this.db.subscription.findMany({ where: { projectId, unitId }, select: { id: true } }),
      this.db.priceApproval.findMany({ where: { projectId, unitId }, select: { id: true } }),
    ]);
    const subIds = subs.map((s) => s.id);
    const [payments, changes] = await Promise.all([
      this.db.payment.findMany({
        where: { projectId, subscriptionId: { in: subIds } },
        select: { id: true, receipt: { select: { id: true } } },
      }),
      this.db.changeRequest.findMany({ where: { projectId, subscriptionId: { in: subIds } }, select: { id: true } }),
    ]);
    const receiptIds = payments.flatMap((p) => (p.receipt ? [p.receipt.id] : []));
    const [voids, documents] = await Promise.all([
      this.db.voidRequest.findMany({ where: { projectId, receiptId: { in: receiptIds } }, select: { id: true } }),
      this.db.document.findMany({
        where: {
          projectId,
          OR: [
            { kind: 'AGREEMENT', entityId: { in: subIds } },
            { kind: 'RECEIPT', entityId: { in: receiptIds } },
            { kind: 'PURCHASE_PLAN', entityId: unitId },
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

  /** The reader's view of buyers in this project (the gate let only audit readers in). */
  private async readerView(principal: Principal, projectId: string): Promise<PersonView> {
    await this.directory.assertAccess(principal, projectId);
    if (principal.kind !== 'user' || !isAllowedIn(principal, 'readAudit', projectId))
      throw new AppError('FORBIDDEN', 'Only managers, finance and viewers read the audit log.');
    // Whose buyer an event is about is not known per event: read as `other` (never more than allowed).
    return personView(principal, {});
  }

  private async whereOf(projectId: string, f: AuditFilter): Promise<Prisma.AuditEventWhereInput> {
    const and: Prisma.AuditEventWhereInput[] = [{ projectId }];
    if (f.actor) {
      const byId = /^[0-9a-f-]{36}$/i.test(f.actor) ? [{ actorId: f.actor }] : [];
      and.push({ OR: [...byId, { actorName: { contains: f.actor, mode: 'insensitive' } }] });
    }
    if (f.action) and.push({ action: f.action });
    else if (f.topic) and.push({ action: { in: auditActionsOf(f.topic) } });
    if (f.from) and.push({ createdAt: { gte: new Date(f.from) } });
    if (f.to) and.push({ createdAt: { lt: new Date(f.to) } });
    if (f.unit) {
      const unit = await this.db.unit.findFirst({ where: { projectId, code: f.unit }, select: { id: true } });
      // An unknown unit code matches nothing (an empty page, not an error: the filter is free text).
      and.push(unit ? { OR: refsFilter(await this.unitRefs(projectId, unit.id)) } : { id: { lt: 0 } });
    }
    return { AND: and };
  }

  /** Rows → entries: privacy applied, the target named (unit codes from the catalog), the unit linked. */
  private async toEntries(projectId: string, rows: AuditRow[], view: PersonView): Promise<AuditLogEntry[]> {
    const catalog = await this.directory.getCatalog(projectId);
    const subIds = [...new Set(rows.filter((r) => r.entity === 'subscription').map((r) => r.entityId))];
    const subs = subIds.length
      ? await this.db.subscription.findMany({
          where: { id: { in: subIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id)) } },
          select: { id: true, unitId: true },
        })
      : [];
    const unitOfSub = new Map(subs.map((s) => [s.id, s.unitId]));
    return rows.map((r) => {
      const before = redactPersonalJson(view, r.before);
      const after = redactPersonalJson(view, r.after);
      const payload = { ...asRecord(before), ...asRecord(after) };
      const unitId =
        r.entity === 'unit'
          ? r.entityId
          : r.entity === 'subscription'
            ? (unitOfSub.get(r.entityId) ?? null)
            : typeof payload.unitId === 'string'
              ? payload.unitId
              : null;
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
}

function refsFilter(refs: EntityRefs): Prisma.AuditEventWhereInput[] {
  return refs.map((r) => ({ entity: r.entity, entityId: { in: r.ids } }));
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
