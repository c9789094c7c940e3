/**
 * Sales control for managers: pause/resume, withhold/unwithhold (保留), batches (推盘).
 * Each change commits in PostgreSQL with its audit event, then reaches the mirror and every screen.
 */
import {
  AppError,
  nextStatus,
  type BatchInfo,
  type CreateBatchBody,
  type ProjectSettingsBody,
  type ProjectSummary,
  type StoredUnitStatus,
  type UnitAction,
  type UnitState,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { UnitMirror } from '../infra/mirror.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow } from './audit.js';
import type { MirrorKeeper } from './mirror-keeper.js';
import type { ProjectDirectory } from './project-directory.js';
import { toUnitState } from './unit-view.js';

type BatchRow = { id: string; name: string; status: 'PENDING' | 'RELEASED'; releasedAt: Date | null; createdAt: Date; _count: { units: number } };

function toBatchInfo(b: BatchRow): BatchInfo {
  return {
    id: b.id,
    name: b.name,
    status: b.status,
    unitCount: b._count.units,
    releasedAt: b.releasedAt?.toISOString() ?? null,
    createdAt: b.createdAt.toISOString(),
  };
}

const batchSelect = { id: true, name: true, status: true, releasedAt: true, createdAt: true, _count: { select: { units: true } } } as const;

export class ControlService {
  constructor(
    private readonly db: Db,
    private readonly mirror: UnitMirror,
    private readonly keeper: MirrorKeeper,
    private readonly directory: ProjectDirectory,
  ) {}

  private async authorize(principal: Principal, projectId: string): Promise<UserPrincipal> {
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers can control sales.');
    await this.directory.assertAccess(principal, projectId);
    return principal;
  }

  /**
   * Change project settings (lock window, lock limit, entitlement, selection rules, no-show rule).
   * Audited with before/after; every process sees them within the catalog cache's freshness (60 s),
   * this one at once.
   */
  async updateSettings(principal: Principal, projectId: string, body: ProjectSettingsBody): Promise<ProjectSummary> {
    const user = await this.authorize(principal, projectId);
    await this.db.$transaction(async (tx) => {
      const select = Object.fromEntries(Object.keys(body).map((k) => [k, true])) as Record<keyof ProjectSettingsBody, true>;
      await tx.$queryRaw`SELECT id FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
      const before = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select });
      const changed = Object.fromEntries(
        Object.entries(body).filter(([k, v]) => (before as Record<string, unknown>)[k] !== v),
      ) as ProjectSettingsBody;
      if (Object.keys(changed).length === 0) return;
      await tx.project.update({ where: { id: projectId }, data: changed });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId, actor: user, action: 'project.settings', entity: 'project', entityId: projectId,
          before: Object.fromEntries(Object.keys(changed).map((k) => [k, (before as Record<string, unknown>)[k]])),
          after: changed,
        }),
      });
    });
    this.directory.invalidate(projectId);
    return this.directory.getProject(projectId);
  }

  async setPaused(principal: Principal, projectId: string, paused: boolean): Promise<ProjectSummary> {
    const user = await this.authorize(principal, projectId);
    const changed = await this.db.$transaction(async (tx) => {
      // Row lock: concurrent pause/resume commit one after the other, each with its own version.
      const rows = await tx.$queryRaw<{ sales_paused: boolean }[]>`
        SELECT sales_paused FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
      const before = rows[0]!.sales_paused;
      if (before === paused) return null;
      const updated = await tx.project.update({
        where: { id: projectId },
        data: { salesPaused: paused, salesVersion: { increment: 1 } },
        select: { salesVersion: true },
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId, actor: user, action: paused ? 'sales.pause' : 'sales.resume', entity: 'project', entityId: projectId,
          before: { salesPaused: before }, after: { salesPaused: paused },
        }),
      });
      return updated.salesVersion;
    });
    if (changed !== null) await this.keeper.applyPaused(projectId, paused, changed);
    this.directory.invalidate(projectId);
    return this.directory.getProject(projectId);
  }

  async withhold(principal: Principal, unitId: string, reason: string): Promise<UnitState> {
    return this.transitionUnit(principal, unitId, 'withhold', reason);
  }

  async unwithhold(principal: Principal, unitId: string): Promise<UnitState> {
    return this.transitionUnit(principal, unitId, 'unwithhold', null);
  }

  private async transitionUnit(
    principal: Principal,
    unitId: string,
    action: Extract<UnitAction, 'withhold' | 'unwithhold'>,
    reason: string | null,
  ): Promise<UnitState> {
    const { projectId, unit } = await this.directory.resolveUnit(unitId);
    const user = await this.authorize(principal, projectId);
    if (action === 'withhold' && (await this.mirror.getLock(projectId, unitId))) {
      throw new AppError('LOCK_HELD', 'A consultant holds this unit; release it first.');
    }
    const from: StoredUnitStatus = action === 'withhold' ? 'AVAILABLE' : 'WITHHELD';
    const to = nextStatus(from, action) as StoredUnitStatus;
    const updated = await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ version: number }[]>`
        UPDATE units SET status = ${to}::"UnitStatus", version = version + 1, withhold_reason = ${reason}, updated_at = now()
        WHERE id = ${unitId}::uuid AND status = ${from}::"UnitStatus"
        RETURNING version`;
      const row = rows[0];
      if (!row) return null;
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId, actor: user, action: `unit.${action}`, entity: 'unit', entityId: unitId,
          before: { status: from, unitCode: unit.code }, after: reason ? { status: to, reason } : { status: to },
        }),
      });
      return row;
    });
    if (!updated) {
      const current = await this.db.unit.findUniqueOrThrow({ where: { id: unitId }, select: { status: true } });
      if (current.status === 'NOT_RELEASED') throw new AppError('NOT_RELEASED');
      throw new AppError('INVALID_TRANSITION', `Cannot ${action} a unit that is ${current.status}.`);
    }
    await this.keeper.applyCommitted(projectId, [{ unitId, status: to, version: updated.version }]);
    return toUnitState(unit, { status: to, version: updated.version }, undefined, Date.now());
  }

  async listBatches(principal: Principal, projectId: string): Promise<BatchInfo[]> {
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Batches are for project members.');
    await this.directory.assertAccess(principal, projectId);
    const rows = await this.db.batch.findMany({ where: { projectId }, select: batchSelect, orderBy: { createdAt: 'asc' } });
    return rows.map(toBatchInfo);
  }

  /** Create a batch of units not yet released (and in no other batch); optionally release it at once, atomically. */
  async createBatch(principal: Principal, projectId: string, body: CreateBatchBody): Promise<BatchInfo> {
    const user = await this.authorize(principal, projectId);
    const unitIds = [...new Set(body.unitIds)];
    const { batchId, released } = await this.db.$transaction(async (tx) => {
      const units = await tx.unit.findMany({
        where: { id: { in: unitIds }, projectId },
        select: { id: true, status: true, batchId: true, code: true, batch: { select: { status: true, name: true } } },
      });
      const found = new Set(units.map((u) => u.id));
      const problems = [
        ...unitIds.filter((id) => !found.has(id)).map((id) => ({ unitId: id, reason: 'not a unit of this project' })),
        ...units.filter((u) => u.status !== 'NOT_RELEASED').map((u) => ({ unitId: u.id, reason: `already ${u.status}` })),
        ...units
          .filter((u) => u.status === 'NOT_RELEASED' && u.batch?.status === 'PENDING')
          .map((u) => ({ unitId: u.id, reason: `already in pending batch ${u.batch?.name}` })),
      ];
      if (problems.length > 0) {
        throw new AppError('VALIDATION_FAILED', 'Some units cannot join a new batch.', problems.slice(0, 50));
      }
      const batch = await tx.batch.create({ data: { projectId, name: body.name }, select: { id: true } });
      await tx.unit.updateMany({ where: { id: { in: unitIds } }, data: { batchId: batch.id } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId, actor: user, action: 'batch.create', entity: 'batch', entityId: batch.id,
          after: { name: body.name, units: units.map((u) => u.code) },
        }),
      });
      return { batchId: batch.id, released: body.release ? await this.releaseInTx(tx, projectId, batch.id, user) : [] };
    });
    await this.applyReleased(projectId, released);
    return this.batchInfo(batchId);
  }

  /** 推盘: every unit of a pending batch becomes AVAILABLE on every screen at once. */
  async releaseBatch(principal: Principal, batchId: string): Promise<BatchInfo> {
    const batch = await this.db.batch.findUnique({ where: { id: batchId }, select: { projectId: true } });
    if (!batch) throw new AppError('NOT_FOUND', 'Batch not found.');
    const user = await this.authorize(principal, batch.projectId);
    const released = await this.db.$transaction((tx) => this.releaseInTx(tx, batch.projectId, batchId, user));
    await this.applyReleased(batch.projectId, released);
    return this.batchInfo(batchId);
  }

  private async releaseInTx(tx: Tx, projectId: string, batchId: string, user: UserPrincipal): Promise<ReleasedUnit[]> {
    const marked = await tx.batch.updateMany({
      where: { id: batchId, status: 'PENDING' },
      data: { status: 'RELEASED', releasedAt: new Date() },
    });
    if (marked.count === 0) throw new AppError('INVALID_TRANSITION', 'The batch has already been released.');
    const rows = await tx.$queryRaw<ReleasedUnit[]>`
      UPDATE units SET status = 'AVAILABLE', version = version + 1, updated_at = now()
      WHERE batch_id = ${batchId}::uuid AND status = 'NOT_RELEASED'
      RETURNING id::text AS id, version, code`;
    await tx.auditEvent.create({
      data: toAuditRow({
        projectId, actor: user, action: 'batch.release', entity: 'batch', entityId: batchId,
        before: { status: 'PENDING' }, after: { status: 'RELEASED', units: rows.map((r) => r.code) },
      }),
    });
    return rows;
  }

  private applyReleased(projectId: string, released: ReleasedUnit[]): Promise<void> {
    return this.keeper.applyCommitted(
      projectId,
      released.map((r) => ({ unitId: r.id, status: 'AVAILABLE' as const, version: r.version })),
    );
  }

  private async batchInfo(batchId: string): Promise<BatchInfo> {
    return toBatchInfo(await this.db.batch.findUniqueOrThrow({ where: { id: batchId }, select: batchSelect }));
  }
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
type ReleasedUnit = { id: string; version: number; code: string };
