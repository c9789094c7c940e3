/**
 * Rehearsals 演练 (docs/setup.md "Rehearsal"): copy a configured project into a project of its own
 * (`rehearsal_of_id` names the source), run a practice launch on it, reset it to the state right
 * after the copy.
 *
 * - Copy (administrators, like creating a project): one transaction. The configuration tables of
 *   domain/rehearsal-plan.ts are copied row by row through `to_jsonb` / `jsonb_populate_record`, every
 *   id replaced by a new one (a temporary map old → new), so a column added to a copied table is
 *   copied without a change here. The copied rows are then kept as a snapshot (rehearsal_snapshots).
 * - Reset (managers of the rehearsal): one transaction deletes the practice data and the restorable
 *   configuration, puts the snapshot back with the SAME ids (screens, permits and the audit trail keep
 *   pointing at the same units) and the project's settings with it; unit versions are raised above
 *   any the mirror has seen. Then every lock is released through the lock code (release.lua) and
 *   the mirror is rebuilt, which tells every paired screen to resync. Audit events, devices and
 *   members stay; the reset is one audited event.
 */
import { AppError, type CreatedRehearsal, type RehearsalInfo, rehearsalCode } from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import { canAdminister, canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import {
  COPIED_TABLES,
  type CopiedTable,
  OPERATIONAL_TABLES,
  PROJECT_IDENTITY_COLUMNS,
} from '../domain/rehearsal-plan.js';
import type { UnitMirror } from '../selling/mirror.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import { toAuditRow } from './audit.js';
import type { ProjectList } from './background.js';
import type { Logger } from './logger.js';
import type { MembershipFeed } from './membership-feed.js';
import type { ProjectCacheFeed } from './project-cache-feed.js';
import type { ProjectDirectory } from './project-directory.js';

/** A copy of a large project (thousands of units) takes seconds; the default 5 s is too short. */
const TRANSACTION = { timeout: 120_000, maxWait: 10_000 } as const;

const sqlId = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `SELECT new_id` of a copied row, or NULL for a NULL reference. */
const remapped = (column: string): string =>
  `(SELECT m.new_id FROM rehearsal_ids m WHERE m.old_id = s.${sqlId(column)})`;

const remappedArray = (column: string): string =>
  `to_jsonb(ARRAY(SELECT m.new_id FROM unnest(s.${sqlId(column)}) WITH ORDINALITY AS a(id, n) JOIN rehearsal_ids m ON m.old_id = a.id ORDER BY a.n))`;

/** The INSERT that copies one table's source rows into the rehearsal. */
function copyStatement(t: CopiedTable): string {
  const replaced = [
    ...(t.ownId ? [`'id', ${remapped('id')}`] : []),
    ...t.refs.map((c) => `'${c}', ${remapped(c)}`),
    ...(t.arrayRefs ?? []).map((c) => `'${c}', ${remappedArray(c)}`),
    ...Object.entries(t.overrides ?? {}).map(([c, expr]) => `'${c}', ${expr}`),
  ];
  const table = sqlId(t.table);
  return `INSERT INTO ${table}
    SELECT r.* FROM ${table} s,
      LATERAL jsonb_populate_record(NULL::${table}, to_jsonb(s) || jsonb_build_object(${replaced.join(', ')})) r
    WHERE ${t.where}`;
}

/** The snapshot of a rehearsal: its copied rows by table, and its project row. */
function snapshotStatement(): string {
  const parts = COPIED_TABLES.filter((t) => t.restored).map(
    (t) =>
      `'${t.table}', (SELECT coalesce(jsonb_agg(to_jsonb(r)), '[]'::jsonb) FROM ${sqlId(t.table)} r WHERE ${t.owned})`,
  );
  return `INSERT INTO rehearsal_snapshots (project_id, data)
    SELECT $1::uuid, jsonb_build_object('projects', (SELECT to_jsonb(r) FROM projects r WHERE r.id = $1::uuid), ${parts.join(', ')})`;
}

type RehearsalRow = {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  createdAt: Date;
  archivedAt: Date | null;
  rehearsalSnapshot: { resetAt: Date | null } | null;
  _count: { subscriptions: number; payments: number; queueTickets: number };
};

const rehearsalSelect = {
  id: true,
  code: true,
  name: true,
  nameEn: true,
  createdAt: true,
  archivedAt: true,
  rehearsalSnapshot: { select: { resetAt: true } },
  _count: { select: { subscriptions: true, payments: true, queueTickets: true } },
} as const;

export class RehearsalService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly mirror: UnitMirror,
    private readonly keeper: MirrorKeeper,
    /** Every process forgets the reset project's catalog and prices (not only this one). */
    private readonly projectCaches: ProjectCacheFeed,
    private readonly membershipFeed: MembershipFeed,
    private readonly projects: ProjectList,
    private readonly log: Logger,
  ) {}

  /** The rehearsals of a project (managers of it), newest first. */
  async list(principal: Principal, projectId: string): Promise<RehearsalInfo[]> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers see the rehearsals.');
    const rows = await this.db.project.findMany({
      where: { rehearsalOfId: projectId },
      select: rehearsalSelect,
      orderBy: { createdAt: 'desc' },
    });
    return rows.map(toInfo);
  }

  /** Copy a real project into a new rehearsal (administrators); REHEARSAL_SOURCE for a rehearsal. */
  async create(principal: Principal, sourceId: string): Promise<CreatedRehearsal> {
    const user = this.administrator(principal);
    await this.directory.assertAccess(principal, sourceId);
    const created = await this.db.$transaction(async (tx) => {
      // The source row locked: two copies at once number themselves R1 and R2, not R1 twice.
      const sources = await tx.$queryRaw<
        { code: string; name: string; name_en: string; rehearsal_of_id: string | null }[]
      >`
        SELECT code, name, name_en, rehearsal_of_id::text FROM projects WHERE id = ${sourceId}::uuid FOR UPDATE`;
      const source = sources[0];
      if (!source) throw new AppError('NOT_FOUND', 'Project not found.');
      if (source.rehearsal_of_id) throw new AppError('REHEARSAL_SOURCE');
      const n = (await tx.project.count({ where: { rehearsalOfId: sourceId } })) + 1;
      const code = await freeCode(tx, source.code, n);
      const label = code.slice(code.lastIndexOf('-') + 1);
      const id = crypto.randomUUID();
      await tx.$executeRaw`
        INSERT INTO projects
        SELECT r.* FROM projects s, LATERAL jsonb_populate_record(NULL::projects, to_jsonb(s) || jsonb_build_object(
          'id', ${id}::uuid, 'code', ${code}::text,
          'name', ${`${source.name}（演练 ${label}）`}::text,
          'name_en', ${`${source.name_en || source.name} (rehearsal ${label})`}::text,
          'rehearsal_of_id', s.id, 'archived_at', NULL, 'created_at', now(),
          'registration_counter', 0, 'sales_version', 1)) r
        WHERE s.id = ${sourceId}::uuid`;
      await tx.$executeRawUnsafe(
        'CREATE TEMP TABLE rehearsal_ids (old_id uuid PRIMARY KEY, new_id uuid NOT NULL) ON COMMIT DROP',
      );
      await tx.$executeRaw`INSERT INTO rehearsal_ids VALUES (${sourceId}::uuid, ${id}::uuid)`;
      for (const t of COPIED_TABLES.filter((c) => c.ownId)) {
        await tx.$executeRawUnsafe(
          `INSERT INTO rehearsal_ids SELECT s.id, gen_random_uuid() FROM ${sqlId(t.table)} s WHERE ${t.where}`,
          sourceId,
        );
      }
      const copied: Record<string, number> = {};
      for (const t of COPIED_TABLES) copied[t.table] = await tx.$executeRawUnsafe(copyStatement(t), sourceId);
      await tx.$executeRawUnsafe(snapshotStatement(), id);
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: id,
          actor: user,
          action: 'rehearsal.create',
          entity: 'project',
          entityId: id,
          after: { code, rehearsalOf: { id: sourceId, code: source.code }, copied },
        }),
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: sourceId,
          actor: user,
          action: 'rehearsal.create',
          entity: 'project',
          entityId: id,
          after: { code, copied },
        }),
      });
      const members = await tx.projectMember.findMany({ where: { projectId: id }, select: { userId: true } });
      return { id, code, members: members.map((m) => m.userId) };
    }, TRANSACTION);
    // The members see the new project at once; the background loops (lock sweeper, watchdog) take it in.
    await Promise.all(created.members.map((userId) => this.membershipFeed.announce({ projectId: created.id, userId })));
    await this.projects.get(true);
    await this.keeper.rebuild(created.id);
    return { id: created.id, code: created.code };
  }

  /**
   * Reset a rehearsal to its snapshot (managers of the rehearsal). Idempotent: a second reset finds
   * nothing to delete and puts back the same rows.
   */
  async reset(principal: Principal, projectId: string): Promise<RehearsalInfo> {
    const user = await this.manager(principal, projectId);
    // Locks released before (a practice confirm cannot start) and after the transaction (one taken meanwhile).
    let dropped = await this.releaseLocks(projectId);
    await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ rehearsal_of_id: string | null; archived_at: Date | null }[]>`
        SELECT rehearsal_of_id::text, archived_at FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
      const row = rows[0];
      if (!row) throw new AppError('NOT_FOUND', 'Project not found.');
      if (!row.rehearsal_of_id) throw new AppError('NOT_A_REHEARSAL');
      if (row.archived_at) throw new AppError('PROJECT_ARCHIVED');
      const cleared = await this.clearPractice(tx, projectId);
      await this.restoreSnapshot(tx, projectId);
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'rehearsal.reset',
          entity: 'project',
          entityId: projectId,
          before: cleared,
          after: { restoredTo: 'snapshot' },
        }),
      });
    }, TRANSACTION);
    dropped += await this.releaseLocks(projectId);
    // Every hub process forgets its catalog and price snapshot of the project, this one first.
    await this.projectCaches.announce({ projectId });
    // Newer versions for every unit: the rebuild applies them and tells every screen to resync.
    await this.keeper.rebuild(projectId);
    this.log.info({ projectId, locksReleased: dropped }, 'rehearsal reset');
    const info = await this.db.project.findUniqueOrThrow({ where: { id: projectId }, select: rehearsalSelect });
    return toInfo(info);
  }

  /** Delete the practice data and the restorable configuration; the counts deleted, for the audit. */
  private async clearPractice(tx: Tx, projectId: string): Promise<Record<string, number>> {
    const cleared: Record<string, number> = {};
    for (const table of OPERATIONAL_TABLES) {
      const n = await tx.$executeRawUnsafe(`DELETE FROM ${sqlId(table)} WHERE project_id = $1::uuid`, projectId);
      if (n > 0) cleared[table] = n;
    }
    for (const t of [...COPIED_TABLES].reverse().filter((c) => c.restored)) {
      await tx.$executeRawUnsafe(`DELETE FROM ${sqlId(t.table)} r WHERE ${t.owned}`, projectId);
    }
    return cleared;
  }

  /** Put the snapshot back (same ids), settings included; unit and sales versions raised. */
  private async restoreSnapshot(tx: Tx, projectId: string): Promise<void> {
    const versions = await tx.$queryRaw<{ v: number }[]>`
      SELECT coalesce(max((e->>'version')::int), 0)::int AS v
      FROM rehearsal_snapshots, jsonb_array_elements(data->'units') e WHERE project_id = ${projectId}::uuid`;
    const live = await tx.$queryRaw<{ v: number }[]>`
      SELECT coalesce(max(version), 0)::int AS v FROM units WHERE project_id = ${projectId}::uuid`;
    for (const t of COPIED_TABLES.filter((c) => c.restored)) {
      const table = sqlId(t.table);
      await tx.$executeRawUnsafe(
        `INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table},
          (SELECT data->'${t.table}' FROM rehearsal_snapshots WHERE project_id = $1::uuid))`,
        projectId,
      );
    }
    // Above every version the mirror may hold for these units: the restored statuses win there.
    const floor = Math.max(versions[0]?.v ?? 0, live[0]?.v ?? 0) + 1;
    await tx.$executeRaw`UPDATE units SET version = ${floor} WHERE project_id = ${projectId}::uuid`;
    const columns = await tx.$queryRaw<{ name: string }[]>`
      SELECT column_name::text AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'projects'`;
    await tx.$executeRaw`UPDATE rehearsal_snapshots SET reset_at = now() WHERE project_id = ${projectId}::uuid`;
    const settings = columns.map((c) => c.name).filter((c) => !PROJECT_IDENTITY_COLUMNS.includes(c));
    const list = settings.map(sqlId).join(', ');
    await tx.$executeRawUnsafe(
      `UPDATE projects p SET (${list}) = (SELECT ${settings.map((c) => `s.${sqlId(c)}`).join(', ')}
         FROM jsonb_populate_record(NULL::projects, (SELECT data->'projects' FROM rehearsal_snapshots WHERE project_id = $1::uuid)) s),
         sales_version = p.sales_version + 1
       WHERE p.id = $1::uuid`,
      projectId,
    );
  }

  /** Release every lock of the project through the lock code (a manager's forced release). */
  private async releaseLocks(projectId: string): Promise<number> {
    const { locks } = await this.mirror.snapshot(projectId);
    let released = 0;
    for (const [unitId, lock] of locks) {
      const result = await this.mirror.release(projectId, unitId, lock.t, 'system', true);
      if (result.ok && result.value.released) released++;
      else if (!result.ok)
        this.log.warn({ projectId, unitId, code: result.code }, 'rehearsal reset: lock not released');
    }
    return released;
  }

  private administrator(principal: Principal): UserPrincipal {
    if (!canAdminister(principal)) throw new AppError('FORBIDDEN', 'Only administrators create rehearsals.');
    return principal;
  }

  private async manager(principal: Principal, projectId: string): Promise<UserPrincipal> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers reset a rehearsal.');
    return principal;
  }
}

/** The code of the n-th rehearsal, or the next one free (a rehearsal's code may have been taken by hand). */
async function freeCode(tx: Tx, sourceCode: string, n: number): Promise<string> {
  for (let i = n; ; i++) {
    const code = rehearsalCode(sourceCode, i);
    if (!(await tx.project.count({ where: { code } }))) return code;
  }
}

function toInfo(row: RehearsalRow): RehearsalInfo {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    nameEn: row.nameEn,
    createdAt: row.createdAt.toISOString(),
    resetAt: row.rehearsalSnapshot?.resetAt?.toISOString() ?? null,
    archived: row.archivedAt !== null,
    deals: row._count.subscriptions,
    payments: row._count.payments,
    queueTickets: row._count.queueTickets,
  };
}
