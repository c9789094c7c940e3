/**
 * Keeps the Redis mirror in step with PostgreSQL: builds it at start, rebuilds it whenever Redis
 * comes back empty, and re-applies committed changes that could not reach Redis at the time.
 * Locks lost with Redis are simply gone; PostgreSQL's guard makes a late confirm harmless.
 */
import type { StoredUnitStatus } from '@kaipan/shared';
import type { Redis } from 'ioredis';
import type { Db } from '../infra/db.js';
import type { StoredChange, UnitMirror } from '../infra/mirror.js';
import { counterFloor } from '../domain/counters.js';
import type { Logger } from './logger.js';

export class MirrorKeeper {
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly pending = new Map<string, StoredChange[]>();
  private readonly seenSeq = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly mirror: UnitMirror,
    private readonly log: Logger,
    private readonly listProjects: () => Promise<string[]>,
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
    const project = await this.db.project.findUnique({ where: { id: projectId }, select: { salesPaused: true } });
    if (!project) return;
    const rows = await this.db.$queryRaw<{ id: string; status: StoredUnitStatus; version: number; price: bigint | null }[]>`
      SELECT u.id::text AS id, u.status::text AS status, u.version, s.price
      FROM units u
      LEFT JOIN subscriptions s ON s.unit_id = u.id AND s.status IN ('ACTIVE', 'CONTRACTED')
      WHERE u.project_id = ${projectId}::uuid`;
    const tokens = await this.db.$queryRaw<{ max: bigint | null }[]>`
      SELECT max(lock_token) AS max FROM units WHERE project_id = ${projectId}::uuid`;
    // Restored counters start above the clock floor, above every seq this process has seen and
    // above every token PostgreSQL has recorded, so neither can ever repeat.
    const floor = Math.max(counterFloor(Date.now()), (this.seenSeq.get(projectId) ?? 0) + 1, Number(tokens[0]?.max ?? 0) + 1);
    const fresh = await this.mirror.rebuild(
      projectId,
      rows.map((r) => ({ id: r.id, status: r.status, version: r.version, price: r.price === null ? null : Number(r.price) })),
      project.salesPaused,
      floor,
    );
    this.log.info({ projectId, units: rows.length, fresh, ms: Date.now() - started }, 'mirror rebuilt');
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
   * by the watchdog, so the mirror converges on PostgreSQL.
   */
  async applyCommitted(projectId: string, changes: StoredChange[]): Promise<void> {
    try {
      await this.mirror.apply(projectId, changes);
    } catch (error) {
      this.log.error({ err: error, projectId, count: changes.length }, 'mirror apply failed; will retry');
      this.pending.set(projectId, [...(this.pending.get(projectId) ?? []), ...changes]);
    }
  }

  /** Check every project once: rebuild missing mirrors, retry pending applies. */
  async tick(): Promise<void> {
    const ids = await this.listProjects();
    for (const projectId of ids) {
      if (this.redis.status !== 'ready') return;
      await this.ensure(projectId);
      const pending = this.pending.get(projectId);
      if (pending?.length) {
        this.pending.delete(projectId);
        await this.applyCommitted(projectId, pending);
      }
    }
  }

  /** Start the watchdog (every `intervalMs`). */
  start(intervalMs = 1_000): void {
    const loop = async (): Promise<void> => {
      try {
        await this.tick();
      } catch (error) {
        this.log.warn({ err: error }, 'mirror watchdog tick failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), intervalMs);
    };
    this.timer = setTimeout(() => void loop(), intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inflight.values()]);
  }
}
