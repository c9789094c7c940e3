/**
 * Keeps the Redis mirror in step with PostgreSQL, the system of record:
 * - builds it at start and rebuilds it whenever Redis comes back empty or restarted (counters are
 *   raised, never lowered; screens resync only when something they hold changed);
 * - re-applies committed changes that could not reach Redis at the time;
 * - reconciles, every tick, the units PostgreSQL changed recently, so even a process that died
 *   between its commit and its mirror update cannot leave a sold unit green on the screens.
 * Locks lost with Redis are simply gone; PostgreSQL's guard makes a late confirm harmless.
 */
import type { StoredUnitStatus } from '@kaipan/shared';
import type { Redis } from 'ioredis';
import type { Db } from '../infra/db.js';
import type { StoredChange, UnitMirror } from './mirror.js';
import { counterFloor } from '../domain/counters.js';
import type { AuditWriter } from '../services/audit.js';
import { Loop, type ProjectList } from '../services/background.js';
import type { Logger } from '../services/logger.js';

/** How far back each reconcile pass looks (covers commits that finished out of order). */
const RECONCILE_OVERLAP_MS = 10_000;

type UnitRow = { id: string; status: StoredUnitStatus; version: number; price: bigint | null };

export class MirrorKeeper {
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly pending = new Map<string, StoredChange[]>();
  private readonly pendingPaused = new Map<string, { paused: boolean; version: number }>();
  private readonly seenSeq = new Map<string, number>();
  private readonly reconciledUntil = new Map<string, Date>();
  private redisRunId: string | null = null;
  private loop: Loop | null = null;

  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly mirror: UnitMirror,
    private readonly audit: AuditWriter,
    private readonly log: Logger,
    private readonly projects: ProjectList,
  ) {}

  /** Build the mirror of a project from PostgreSQL (merge by version; safe to repeat). */
  rebuild(projectId: string): Promise<void> {
    const running = this.inflight.get(projectId);
    if (running) return running;
    const job = this.doRebuild(projectId).finally(() => this.inflight.delete(projectId));
    this.inflight.set(projectId, job);
    return job;
  }

  private async doRebuild(projectId: string): Promise<void> {
    const started = Date.now();
    const project = await this.db.project.findUnique({
      where: { id: projectId },
      select: { salesPaused: true, salesVersion: true },
    });
    if (!project) return;
    const rows = await this.db.$queryRaw<UnitRow[]>`
      SELECT u.id::text AS id, u.status::text AS status, u.version, s.price
      FROM units u
      LEFT JOIN subscriptions s ON s.unit_id = u.id AND s.status IN ('ACTIVE', 'CONTRACTED')
      WHERE u.project_id = ${projectId}::uuid`;
    const tokens = await this.db.$queryRaw<{ max: bigint | null }[]>`
      SELECT max(lock_token) AS max FROM units WHERE project_id = ${projectId}::uuid`;
    // Counters Redis may have lost restart above the clock floor, above every seq this process has
    // seen and above every token PostgreSQL has recorded, so neither can ever repeat. Counters Redis
    // kept are left alone (mirror.rebuild): only values known to be issued bound them from below.
    const seen = this.seenSeq.get(projectId) ?? 0;
    const token = Number(tokens[0]?.max ?? 0);
    const result = await this.mirror.rebuild(
      projectId,
      rows.map((r) => ({
        id: r.id,
        status: r.status,
        version: r.version,
        price: r.price === null ? null : Number(r.price),
      })),
      { paused: project.salesPaused, version: project.salesVersion },
      { ifLost: Math.max(counterFloor(Date.now()), seen + 1, token + 1), seq: seen, fence: token },
    );
    this.log.info({ projectId, units: rows.length, ...result, ms: Date.now() - started }, 'mirror rebuilt');
  }

  /** Remember the highest seq seen for a project (the change feed reports it). */
  noteSeq(projectId: string, seq: number): void {
    if (seq > (this.seenSeq.get(projectId) ?? 0)) this.seenSeq.set(projectId, seq);
  }

  /** Rebuild if the mirror is missing (Redis restarted empty or was flushed). */
  async ensure(projectId: string): Promise<void> {
    if (!(await this.mirror.isReady(projectId))) await this.rebuild(projectId);
  }

  /**
   * Apply committed changes to the mirror. If Redis cannot take them now they are kept and retried
   * by the watchdog. Locks the change revoked (taken between a manager's check and the commit)
   * are audited.
   */
  async applyCommitted(projectId: string, changes: StoredChange[]): Promise<void> {
    try {
      const { revoked } = await this.mirror.apply(projectId, changes);
      for (const r of revoked) {
        this.audit.record({
          projectId,
          actor: 'system',
          action: 'unit.lock_revoked',
          entity: 'unit',
          entityId: r.unitId,
          before: { status: 'LOCKED', token: r.token, holderId: r.holderId },
          after: { status: changes.find((c) => c.unitId === r.unitId)?.status ?? null },
        });
      }
    } catch (error) {
      this.log.error({ err: error, projectId, count: changes.length }, 'mirror apply failed; will retry');
      this.pending.set(projectId, [...(this.pending.get(projectId) ?? []), ...changes]);
    }
  }

  /** Apply a committed pause/resume (versioned), retried by the watchdog if Redis is unavailable. */
  async applyPaused(projectId: string, paused: boolean, version: number): Promise<void> {
    try {
      await this.mirror.setPaused(projectId, paused, version);
    } catch (error) {
      this.log.error({ err: error, projectId }, 'mirror pause update failed; will retry');
      this.pendingPaused.set(projectId, { paused, version });
    }
  }

  /** Bring one unit of the mirror to PostgreSQL's state (idempotent: versions decide). */
  async reconcileUnit(projectId: string, unitId: string): Promise<void> {
    const rows = await this.db.$queryRaw<UnitRow[]>`
      SELECT u.id::text AS id, u.status::text AS status, u.version, s.price
      FROM units u
      LEFT JOIN subscriptions s ON s.unit_id = u.id AND s.status IN ('ACTIVE', 'CONTRACTED')
      WHERE u.id = ${unitId}::uuid`;
    await this.applyRows(projectId, rows);
  }

  private async applyRows(projectId: string, rows: UnitRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.applyCommitted(
      projectId,
      rows.map((r) => {
        const change: StoredChange = { unitId: r.id, status: r.status, version: r.version };
        if (r.price !== null) change.price = Number(r.price);
        return change;
      }),
    );
  }

  /** Apply every unit PostgreSQL changed since the last pass (minus an overlap). */
  private async reconcileRecent(projectId: string): Promise<void> {
    const since = this.reconciledUntil.get(projectId);
    const rows = await this.db.$queryRaw<(UnitRow & { db_now: Date })[]>`
      SELECT u.id::text AS id, u.status::text AS status, u.version, s.price, now() AS db_now
      FROM units u
      LEFT JOIN subscriptions s ON s.unit_id = u.id AND s.status IN ('ACTIVE', 'CONTRACTED')
      WHERE u.project_id = ${projectId}::uuid
        AND u.updated_at > ${new Date((since?.getTime() ?? Date.now()) - RECONCILE_OVERLAP_MS)}`;
    const dbNow = rows[0]?.db_now ?? new Date();
    this.reconciledUntil.set(projectId, dbNow);
    await this.applyRows(projectId, rows);
  }

  /** A Redis that restarted (even with its append-only file) may have lost its tail: rebuild. */
  private async redisRestarted(): Promise<boolean> {
    const info = await this.redis.info('server');
    const runId = /run_id:(\w+)/.exec(info)?.[1] ?? null;
    const restarted = this.redisRunId !== null && runId !== this.redisRunId;
    this.redisRunId = runId;
    return restarted;
  }

  private resyncing: Promise<void> | null = null;
  private rebuildOwed = false;

  /**
   * Make every project's mirror trustworthy: rebuild them all when Redis restarted (its run id
   * changed: even with the append-only file the last second may be lost), build any that is missing
   * (Redis came back empty or was flushed). Single flight: the watchdog and the health monitor
   * (which waits for this before selling resumes) share one pass.
   */
  resync(): Promise<void> {
    this.resyncing ??= (async () => {
      try {
        // A restart seen by a pass that then failed (PostgreSQL down) is still owed a rebuild.
        const restarted = (await this.redisRestarted()) || this.rebuildOwed;
        if (restarted) {
          this.rebuildOwed = true;
          this.log.warn({}, 'Redis restarted: rebuilding every mirror');
        }
        for (const projectId of await this.projects.get()) {
          if (restarted) await this.rebuild(projectId);
          else await this.ensure(projectId);
        }
        this.rebuildOwed = false;
      } finally {
        this.resyncing = null;
      }
    })();
    return this.resyncing;
  }

  /** One watchdog pass over every project. */
  async tick(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    await this.resync();
    for (const projectId of await this.projects.get()) {
      const pending = this.pending.get(projectId);
      if (pending?.length) {
        this.pending.delete(projectId);
        await this.applyCommitted(projectId, pending);
      }
      const paused = this.pendingPaused.get(projectId);
      if (paused) {
        this.pendingPaused.delete(projectId);
        await this.applyPaused(projectId, paused.paused, paused.version);
      }
      await this.reconcileRecent(projectId);
    }
  }

  /** Start the watchdog (every `intervalMs`). */
  start(intervalMs = 1_000): void {
    this.loop = new Loop('mirror watchdog', intervalMs, () => this.tick(), this.log);
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    await Promise.allSettled([...this.inflight.values()]);
  }
}
