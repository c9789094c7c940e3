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
  AUDIT_EXPORT_MAX_ROWS,
  AUDIT_TOPIC_LABELS,
  formatProjectDateTime,
  personView,
  type AuditFilter,
  type AuditLogPage,
  type AuditLogQuery,
  type Locale,
  type PersonView,
  type UnitTimeline,
} from '@kaipan/shared';
import type { Db, Prisma } from '../infra/db.js';
import { isAllowedIn, type Principal } from '../domain/principal.js';
import { writeSheet, type SheetColumnSpec } from '../domain/xlsx.js';
import { readUnitHistory, refsFilter, toAuditEntries, unitRefs } from './audit-entries.js';
import type { ProjectDirectory } from './project-directory.js';
import type { SheetFile } from './unit-import-service.js';

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
      entries: await toAuditEntries(this.db, this.directory, projectId, shown, view),
      nextCursor: more ? (shown.at(-1)?.id.toString() ?? null) : null,
    };
  }

  /**
   * The filtered log as XLSX, in `lang`: one row per event, newest first — as a reader with `view` of
   * buyers sees it. It runs as a report job (server/src/reports/) in the worker, after the request was
   * authorized: the view was decided then.
   */
  async exportXlsx(
    view: PersonView,
    projectId: string,
    filter: AuditFilter,
    lang: Locale,
    progress: (percent: number) => Promise<void> = async () => undefined,
  ): Promise<SheetFile & { rows: number }> {
    const [rows, catalog] = await Promise.all([
      this.db.auditEvent.findMany({
        where: await this.whereOf(projectId, filter),
        orderBy: { id: 'desc' },
        take: AUDIT_EXPORT_MAX_ROWS,
      }),
      this.directory.getCatalog(projectId),
    ]);
    const tz = catalog.catalog.project.timezone;
    await progress(30);
    const entries = await toAuditEntries(this.db, this.directory, projectId, rows, view);
    await progress(60);
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
      rows: entries.length,
    };
  }

  /** A unit's timeline, oldest first (at most UNIT_TIMELINE_MAX events; the log has the rest). */
  async unitTimeline(principal: Principal, projectId: string, unitId: string): Promise<UnitTimeline> {
    const view = await this.readerView(principal, projectId);
    const { unit, rows, truncated, timeZone } = await readUnitHistory(this.db, this.directory, projectId, unitId);
    return { unit, timeZone, entries: await toAuditEntries(this.db, this.directory, projectId, rows, view), truncated };
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
      and.push(unit ? { OR: refsFilter(await unitRefs(this.db, projectId, unit.id)) } : { id: { lt: 0 } });
    }
    return { AND: and };
  }
}
