/**
 * Sales control for managers: pause/resume, withhold/unwithhold (保留), batches (推盘).
 * Each change commits in PostgreSQL with its audit event, then reaches the mirror and every screen.
 */
import {
  AppError,
  ERROR_MESSAGES,
  type BatchInfo,
  type BulkWithholdResult,
  type CreateBatchBody,
  type UpdateBatchBody,
  type WithholdChannel,
  type ProjectSettingsBody,
  type ProjectSummary,
  type UnitAction,
  type UnitState,
  type WithheldUnitInfo,
} from '@kaipan/shared';
import type { Redis } from 'ioredis';
import type { Db } from '../infra/db.js';
import type { BatchJobs } from '../jobs/batches.js';
import type { StoredChange, UnitMirror } from '../selling/mirror.js';
import { releaseBatchUnits, transitionUnit } from '../selling/unit-transitions.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow } from './audit.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import { lockEditableProject } from './editable-project.js';
import type { ProjectDirectory } from './project-directory.js';
import { toUnitState } from './unit-view.js';
import type { DealEvents } from './deal-events.js';

type BatchRow = {
  id: string;
  name: string;
  status: 'PENDING' | 'RELEASED';
  releasedAt: Date | null;
  releaseAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
  _count: { units: number };
};

function toBatchInfo(b: BatchRow): BatchInfo {
  return {
    id: b.id,
    name: b.name,
    status: b.status,
    unitCount: b._count.units,
    releasedAt: b.releasedAt?.toISOString() ?? null,
    releaseAt: b.releaseAt?.toISOString() ?? null,
    cancelledAt: b.cancelledAt?.toISOString() ?? null,
    createdAt: b.createdAt.toISOString(),
  };
}

const batchSelect = {
  id: true,
  name: true,
  status: true,
  releasedAt: true,
  releaseAt: true,
  cancelledAt: true,
  createdAt: true,
  _count: { select: { units: true } },
} as const;

/** How long a bulk withhold's idempotency key remembers its first answer, seconds. */
const BULK_IDEMPOTENCY_SECONDS = 600;

/** A schedule must lie in the future (a little slack for clock skew between browser and server is not given: 1 s). */
function futureInstant(iso: string): Date {
  const at = new Date(iso);
  if (!(at.getTime() > Date.now() + 1000)) {
    throw new AppError('VALIDATION_FAILED', 'The release time must be in the future.', [
      { path: 'releaseAt', message: 'must be in the future' },
    ]);
  }
  return at;
}

/** Units that may join a batch: of this project, NOT_RELEASED, in no other live pending batch. */
async function checkBatchUnits(tx: Tx, projectId: string, unitIds: string[], ownBatchId: string | null) {
  const units = await tx.unit.findMany({
    where: { id: { in: unitIds }, projectId },
    select: {
      id: true,
      status: true,
      batchId: true,
      code: true,
      batch: { select: { status: true, name: true, cancelledAt: true } },
    },
  });
  const found = new Set(units.map((u) => u.id));
  const problems = [
    ...unitIds.filter((id) => !found.has(id)).map((id) => ({ unitId: id, reason: 'not a unit of this project' })),
    ...units.filter((u) => u.status !== 'NOT_RELEASED').map((u) => ({ unitId: u.id, reason: `already ${u.status}` })),
    ...units
      .filter(
        (u) =>
          u.status === 'NOT_RELEASED' &&
          u.batchId !== ownBatchId &&
          u.batch?.status === 'PENDING' &&
          !u.batch.cancelledAt,
      )
      .map((u) => ({ unitId: u.id, reason: `already in pending batch ${u.batch?.name}` })),
  ];
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'Some units cannot join the batch.', problems.slice(0, 50));
  }
  return units;
}

/**
 * 推盘 inside the caller's transaction: the batch is marked RELEASED and its units go through the
 * selling core (`releaseBatchUnits`). The caller applies the changes to the mirror after the commit.
 * With `scheduledFor` (the job): null when the batch is not due at that instant any more, instead of an error. */
export async function releaseBatchInTx(
  tx: Tx,
  projectId: string,
  batchId: string,
  actor: UserPrincipal | 'system',
  scheduledFor?: Date,
): Promise<StoredChange[] | null> {
  const marked = await tx.batch.updateMany({
    where: {
      id: batchId,
      status: 'PENDING',
      cancelledAt: null,
      ...(scheduledFor ? { releaseAt: scheduledFor } : {}),
    },
    data: { status: 'RELEASED', releasedAt: new Date() },
  });
  if (marked.count === 0) {
    if (scheduledFor) return null;
    const b = await tx.batch.findUnique({ where: { id: batchId }, select: { cancelledAt: true } });
    throw new AppError(
      'INVALID_TRANSITION',
      b?.cancelledAt ? 'The batch was cancelled.' : 'The batch has already been released.',
    );
  }
  return releaseBatchUnits(tx, {
    projectId,
    batchId,
    actor,
    ...(scheduledFor ? { after: { scheduledFor: scheduledFor.toISOString() } } : {}),
  });
}

/**
 * Create a batch 推盘批次 of units not yet released (and in no other pending batch) inside the
 * caller's transaction — the setup route and the demo seed; `release`: released at once, atomically.
 * Audited `batch.create` (and `batch.schedule` with `releaseAt`). The caller applies `released` to
 * the mirror and schedules the release job after the commit.
 */
export async function createBatchInTx(
  tx: Tx,
  actor: UserPrincipal | 'system',
  projectId: string,
  input: { name: string; unitIds: string[]; release: boolean; releaseAt: Date | null },
): Promise<{ batchId: string; released: StoredChange[] }> {
  const { unitIds, releaseAt } = input;
  await lockEditableProject(tx, projectId, 'share');
  const units = await checkBatchUnits(tx, projectId, unitIds, null);
  const batch = await tx.batch.create({ data: { projectId, name: input.name, releaseAt }, select: { id: true } });
  await tx.unit.updateMany({ where: { id: { in: unitIds } }, data: { batchId: batch.id } });
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId,
      actor,
      action: 'batch.create',
      entity: 'batch',
      entityId: batch.id,
      after: { name: input.name, units: units.map((u) => u.code) },
    }),
  });
  if (releaseAt) {
    await tx.auditEvent.create({
      data: toAuditRow({
        projectId,
        actor,
        action: 'batch.schedule',
        entity: 'batch',
        entityId: batch.id,
        before: { releaseAt: null },
        after: { releaseAt: releaseAt.toISOString() },
      }),
    });
  }
  return {
    batchId: batch.id,
    released: input.release ? ((await releaseBatchInTx(tx, projectId, batch.id, actor)) ?? []) : [],
  };
}

export class ControlService {
  constructor(
    private readonly db: Db,
    private readonly mirror: UnitMirror,
    private readonly keeper: MirrorKeeper,
    private readonly directory: ProjectDirectory,
    /** Remembers the first answer of a bulk withhold per idempotency key (`<prefix>withhold:idem:…`). */
    private readonly idempotency: { redis: Redis; prefix: string },
    /** Producer of the `batches` queue (scheduled 推盘); absent = scheduling refused. */
    private readonly batchJobs?: BatchJobs,
    /** Screens hear batch changes (in a worker-only process nobody listens: boards also poll). */
    private readonly events?: DealEvents,
  ) {}

  private async authorize(principal: Principal, projectId: string): Promise<UserPrincipal> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers can control sales.');
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
      const select = Object.fromEntries(Object.keys(body).map((k) => [k, true])) as Record<
        keyof ProjectSettingsBody,
        true
      >;
      await lockEditableProject(tx, projectId);
      const before = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select });
      const changed = Object.fromEntries(
        Object.entries(body).filter(([k, v]) => (before as Record<string, unknown>)[k] !== v),
      ) as ProjectSettingsBody;
      if (Object.keys(changed).length === 0) return;
      await tx.project.update({ where: { id: projectId }, data: changed });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'project.settings',
          entity: 'project',
          entityId: projectId,
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
      // FOR UPDATE (not weaker): it conflicts with the FOR KEY SHARE that kaipan_confirm takes on this
      // row, so a confirm either committed before this pause or waits and is refused SALES_PAUSED —
      // a pause stops confirms too, and none commits after it (selling/sql/kaipan_confirm.sql, step 2).
      const rows = await tx.$queryRaw<{ sales_paused: boolean; archived: boolean }[]>`
        SELECT sales_paused, archived_at IS NOT NULL AS archived FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
      const before = rows[0]!.sales_paused;
      if (before === paused) return null;
      // An archived project sells nothing: it is resumed only after unarchive (project-service.ts).
      if (!paused && rows[0]!.archived) throw new AppError('PROJECT_ARCHIVED');
      const updated = await tx.project.update({
        where: { id: projectId },
        data: { salesPaused: paused, salesVersion: { increment: 1 } },
        select: { salesVersion: true },
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: paused ? 'sales.pause' : 'sales.resume',
          entity: 'project',
          entityId: projectId,
          before: { salesPaused: before },
          after: { salesPaused: paused },
        }),
      });
      return updated.salesVersion;
    });
    if (changed !== null) await this.keeper.applyPaused(projectId, paused, changed);
    this.directory.invalidate(projectId);
    return this.directory.getProject(projectId);
  }

  async withhold(principal: Principal, unitId: string, reason: string, channel?: WithholdChannel): Promise<UnitState> {
    return this.setWithheld(principal, unitId, 'withhold', reason, channel ?? null);
  }

  async unwithhold(principal: Principal, unitId: string): Promise<UnitState> {
    return this.setWithheld(principal, unitId, 'unwithhold', null);
  }

  /** 保留 and its undoing: the unit's step through the selling core, then the mirror. */
  private async setWithheld(
    principal: Principal,
    unitId: string,
    action: Extract<UnitAction, 'withhold' | 'unwithhold'>,
    reason: string | null,
    channel: WithholdChannel | null = null,
  ): Promise<UnitState> {
    const { projectId, unit } = await this.directory.resolveUnit(unitId);
    const user = await this.authorize(principal, projectId);
    if (action === 'withhold' && (await this.mirror.getLock(projectId, unitId))) {
      throw new AppError('LOCK_HELD', 'A consultant holds this unit; release it first.');
    }
    const updated = await this.db.$transaction((tx) =>
      transitionUnit(tx, {
        projectId,
        unitId,
        action,
        actor: user,
        withhold: { reason, channel },
        ...(reason ? { after: { reason, ...(channel ? { channel } : {}) } } : {}),
      }),
    );
    if (!updated) {
      const current = await this.db.unit.findUniqueOrThrow({ where: { id: unitId }, select: { status: true } });
      if (current.status === 'NOT_RELEASED') throw new AppError('NOT_RELEASED');
      throw new AppError('INVALID_TRANSITION', `Cannot ${action} a unit that is ${current.status}.`);
    }
    await this.keeper.applyCommitted(projectId, [updated.change]);
    return toUnitState(unit, { status: updated.change.status, version: updated.change.version }, undefined, Date.now());
  }

  /**
   * Withhold or unwithhold many units of a project with one reason (the console's selection). Each
   * unit steps through the selling code (transitionUnit: guarded UPDATE + its own audit event), all in
   * one transaction; a unit that cannot step (locked by a consultant, sold, not released, already in
   * the target state, not of this project) is refused by itself with its code while the others step.
   * A repeated idempotency key answers the first result (CONFLICT while the first is still running).
   */
  async setWithheldMany(
    principal: Principal,
    projectId: string,
    action: Extract<UnitAction, 'withhold' | 'unwithhold'>,
    body: { unitIds: string[]; reason?: string; channel?: WithholdChannel | undefined; idempotencyKey: string },
  ): Promise<BulkWithholdResult> {
    const user = await this.authorize(principal, projectId);
    const { redis, prefix } = this.idempotency;
    const idemKey = `${prefix}withhold:idem:${projectId}:${action}:${body.idempotencyKey}`;
    const claimed = await redis.set(idemKey, 'pending', 'EX', BULK_IDEMPOTENCY_SECONDS, 'NX');
    if (claimed !== 'OK') {
      const prior = await redis.get(idemKey);
      if (!prior || prior === 'pending') throw new AppError('CONFLICT', 'This withhold is being made right now.');
      return JSON.parse(prior) as BulkWithholdResult;
    }
    try {
      const result = await this.stepMany(user, projectId, action, body);
      await redis.set(idemKey, JSON.stringify(result), 'EX', BULK_IDEMPOTENCY_SECONDS);
      return result;
    } catch (error) {
      await redis.del(idemKey).catch(() => undefined);
      throw error;
    }
  }

  private async stepMany(
    user: UserPrincipal,
    projectId: string,
    action: Extract<UnitAction, 'withhold' | 'unwithhold'>,
    body: { unitIds: string[]; reason?: string; channel?: WithholdChannel | undefined },
  ): Promise<BulkWithholdResult> {
    const unitIds = [...new Set(body.unitIds)];
    const reason = action === 'withhold' ? (body.reason ?? null) : null;
    const channel = action === 'withhold' ? (body.channel ?? null) : null;
    const refused: BulkWithholdResult['refused'] = [];
    const refuse = (unitId: string, code: string | null, error: AppError['code'], message?: string): void => {
      refused.push({ unitId, code, error: { code: error, message: message ?? ERROR_MESSAGES[error] } });
    };
    const catalog = await this.directory.getCatalog(projectId);
    const candidates: string[] = [];
    for (const unitId of unitIds) {
      const unit = catalog.byId.get(unitId);
      if (!unit) refuse(unitId, null, 'NOT_FOUND', 'Not a unit of this project.');
      // As one withhold: a consultant's lock is theirs until released (the mirror holds locks).
      else if (action === 'withhold' && (await this.mirror.getLock(projectId, unitId)))
        refuse(unitId, unit.code, 'LOCK_HELD', 'A consultant holds this unit; release it first.');
      else candidates.push(unitId);
    }
    const done: BulkWithholdResult['done'] = [];
    const changes: StoredChange[] = [];
    await this.db.$transaction(async (tx) => {
      for (const unitId of candidates) {
        const updated = await transitionUnit(tx, {
          projectId,
          unitId,
          action,
          actor: user,
          withhold: { reason, channel },
          ...(reason ? { after: { reason, ...(channel ? { channel } : {}) } } : {}),
        });
        if (updated) {
          changes.push(updated.change);
          done.push({ unitId, code: catalog.byId.get(unitId)!.code, status: updated.change.status });
        }
      }
      const stepped = new Set(done.map((d) => d.unitId));
      const rest = candidates.filter((id) => !stepped.has(id));
      if (rest.length === 0) return;
      const current = await tx.unit.findMany({
        where: { id: { in: rest } },
        select: { id: true, code: true, status: true },
      });
      for (const u of current) {
        if (u.status === 'NOT_RELEASED') refuse(u.id, u.code, 'NOT_RELEASED');
        else refuse(u.id, u.code, 'INVALID_TRANSITION', `Cannot ${action} a unit that is ${u.status}.`);
      }
    });
    if (changes.length > 0) await this.keeper.applyCommitted(projectId, changes);
    return { done, refused };
  }

  async listBatches(principal: Principal, projectId: string): Promise<BatchInfo[]> {
    // Members of the project and its devices (the board counts down to the next scheduled release).
    await this.directory.assertAccess(principal, projectId);
    const rows = await this.db.batch.findMany({
      where: { projectId },
      select: batchSelect,
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toBatchInfo);
  }

  /** Withheld units with their reason and channel (members and the project's devices). */
  async listWithheld(principal: Principal, projectId: string): Promise<WithheldUnitInfo[]> {
    await this.directory.assertAccess(principal, projectId);
    const rows = await this.db.unit.findMany({
      where: { projectId, status: 'WITHHELD' },
      select: { id: true, code: true, withholdReason: true, withholdChannel: true, updatedAt: true },
      orderBy: { code: 'asc' },
    });
    return rows.map((u) => ({
      unitId: u.id,
      code: u.code,
      reason: u.withholdReason ?? '',
      channel: u.withholdChannel,
      since: u.updatedAt.toISOString(),
    }));
  }

  /** Create a batch of units not yet released (and in no other batch); optionally release it at once, atomically. */
  async createBatch(principal: Principal, projectId: string, body: CreateBatchBody): Promise<BatchInfo> {
    const user = await this.authorize(principal, projectId);
    if (body.release && body.releaseAt) {
      throw new AppError('VALIDATION_FAILED', 'Release now or schedule, not both.', [
        { path: 'releaseAt', message: 'not with release' },
      ]);
    }
    const releaseAt = body.releaseAt ? futureInstant(body.releaseAt) : null;
    if (releaseAt && !this.batchJobs) throw new AppError('CONFLICT', 'Scheduling is not available in this process.');
    const unitIds = [...new Set(body.unitIds)];
    const { batchId, released } = await this.db.$transaction((tx) =>
      createBatchInTx(tx, user, projectId, { name: body.name, unitIds, release: body.release === true, releaseAt }),
    );
    await this.keeper.applyCommitted(projectId, released);
    if (releaseAt) await this.batchJobs!.schedule(batchId, releaseAt);
    return this.announce(batchId);
  }

  /** Lock a batch that may still change: PENDING and not cancelled. */
  private async lockPending(tx: Tx, batchId: string) {
    await tx.$queryRaw`SELECT id FROM batches WHERE id = ${batchId}::uuid FOR UPDATE`;
    const batch = await tx.batch.findUnique({
      where: { id: batchId },
      select: {
        projectId: true,
        name: true,
        status: true,
        releaseAt: true,
        cancelledAt: true,
        units: { select: { id: true, code: true } },
      },
    });
    if (!batch) throw new AppError('NOT_FOUND', 'Batch not found.');
    if (batch.status !== 'PENDING') throw new AppError('INVALID_TRANSITION', 'The batch has already been released.');
    if (batch.cancelledAt) throw new AppError('INVALID_TRANSITION', 'The batch was cancelled.');
    return batch;
  }

  private async batchProject(
    principal: Principal,
    batchId: string,
  ): Promise<{ projectId: string; user: UserPrincipal }> {
    const batch = await this.db.batch.findUnique({ where: { id: batchId }, select: { projectId: true } });
    if (!batch) throw new AppError('NOT_FOUND', 'Batch not found.');
    return { projectId: batch.projectId, user: await this.authorize(principal, batch.projectId) };
  }

  /**
   * Change a PENDING batch: name, units (replaced), schedule. Audited with before/after as
   * `batch.schedule` (first schedule), `batch.reschedule` (time changed or removed) or `batch.update`.
   */
  async updateBatch(principal: Principal, batchId: string, body: UpdateBatchBody): Promise<BatchInfo> {
    const { projectId, user } = await this.batchProject(principal, batchId);
    const newAt =
      body.releaseAt === undefined ? undefined : body.releaseAt === null ? null : futureInstant(body.releaseAt);
    if (newAt && !this.batchJobs) throw new AppError('CONFLICT', 'Scheduling is not available in this process.');
    const unitIds = body.unitIds ? [...new Set(body.unitIds)] : undefined;
    const result = await this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId, 'share');
      const batch = await this.lockPending(tx, batchId);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      if (body.name !== undefined && body.name !== batch.name) {
        before.name = batch.name;
        after.name = body.name;
      }
      if (unitIds) {
        const units = await checkBatchUnits(tx, projectId, unitIds, batchId);
        const oldCodes = batch.units.map((u) => u.code).sort();
        const newCodes = units.map((u) => u.code).sort();
        if (oldCodes.join() !== newCodes.join()) {
          await tx.unit.updateMany({ where: { batchId, id: { notIn: unitIds } }, data: { batchId: null } });
          await tx.unit.updateMany({ where: { id: { in: unitIds } }, data: { batchId } });
          before.units = oldCodes;
          after.units = newCodes;
        }
      }
      const oldAt = batch.releaseAt;
      const timeChanged = newAt !== undefined && (oldAt?.getTime() ?? null) !== (newAt?.getTime() ?? null);
      if (timeChanged) {
        before.releaseAt = oldAt?.toISOString() ?? null;
        after.releaseAt = newAt?.toISOString() ?? null;
      }
      if (Object.keys(after).length === 0) return null;
      await tx.batch.update({
        where: { id: batchId },
        data: {
          ...(after.name !== undefined ? { name: body.name } : {}),
          ...(timeChanged ? { releaseAt: newAt } : {}),
        },
      });
      const action = timeChanged ? (oldAt ? 'batch.reschedule' : 'batch.schedule') : 'batch.update';
      await tx.auditEvent.create({
        data: toAuditRow({ projectId, actor: user, action, entity: 'batch', entityId: batchId, before, after }),
      });
      return timeChanged ? { oldAt, newAt: newAt ?? null } : null;
    });
    if (result?.newAt) await this.batchJobs!.schedule(batchId, result.newAt);
    if (result?.oldAt) await this.batchJobs?.unschedule(batchId, result.oldAt);
    return this.announce(batchId);
  }

  /** Cancel a PENDING batch: it is never released; its units stay NOT_RELEASED (and may join another batch). */
  async cancelBatch(principal: Principal, batchId: string): Promise<BatchInfo> {
    const { projectId, user } = await this.batchProject(principal, batchId);
    const oldAt = await this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId, 'share');
      const batch = await this.lockPending(tx, batchId);
      await tx.batch.update({ where: { id: batchId }, data: { cancelledAt: new Date() } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'batch.cancel',
          entity: 'batch',
          entityId: batchId,
          before: { status: 'PENDING', releaseAt: batch.releaseAt?.toISOString() ?? null },
          after: { status: 'CANCELLED', units: batch.units.map((u) => u.code) },
        }),
      });
      return batch.releaseAt;
    });
    if (oldAt) await this.batchJobs?.unschedule(batchId, oldAt);
    return this.announce(batchId);
  }

  /**
   * The `batches` job: release the batch if it is still pending, not cancelled and scheduled for
   * exactly `scheduledFor`; otherwise nothing (rescheduled, cancelled or already released).
   */
  async releaseScheduled(batchId: string, scheduledFor: Date): Promise<boolean> {
    const batch = await this.db.batch.findUnique({ where: { id: batchId }, select: { projectId: true } });
    if (!batch) return false;
    const released = await this.db.$transaction((tx) =>
      releaseBatchInTx(tx, batch.projectId, batchId, 'system', scheduledFor),
    );
    if (!released) return false;
    await this.keeper.applyCommitted(batch.projectId, released);
    await this.announce(batchId);
    return true;
  }

  /** Pending, not cancelled batches with a schedule (re-enqueued when the worker starts). */
  async pendingSchedules(): Promise<{ batchId: string; releaseAt: Date }[]> {
    const rows = await this.db.batch.findMany({
      where: { status: 'PENDING', cancelledAt: null, releaseAt: { not: null } },
      select: { id: true, releaseAt: true },
    });
    return rows.map((r) => ({ batchId: r.id, releaseAt: r.releaseAt! }));
  }

  /** 推盘: every unit of a pending batch becomes AVAILABLE on every screen at once. */
  async releaseBatch(principal: Principal, batchId: string): Promise<BatchInfo> {
    const batch = await this.db.batch.findUnique({ where: { id: batchId }, select: { projectId: true } });
    if (!batch) throw new AppError('NOT_FOUND', 'Batch not found.');
    const user = await this.authorize(principal, batch.projectId);
    const released = await this.db.$transaction((tx) => releaseBatchInTx(tx, batch.projectId, batchId, user));
    await this.keeper.applyCommitted(batch.projectId, released ?? []);
    return this.announce(batchId);
  }

  /** The batch as it is now, announced to the project's screens ('batches:changed': boards re-read their countdown). */
  private async announce(batchId: string): Promise<BatchInfo> {
    const row = await this.db.batch.findUniqueOrThrow({
      where: { id: batchId },
      select: { ...batchSelect, projectId: true },
    });
    this.events?.publish({ type: 'batches:changed', payload: { projectId: row.projectId } });
    return toBatchInfo(row);
  }
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
