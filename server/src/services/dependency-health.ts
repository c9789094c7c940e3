/**
 * One per server process: is PostgreSQL reachable, is Redis reachable (and its mirror verified)?
 * The lock and confirm paths read the answer from memory (no round trip per command); screens hear
 * every change as `system:status`.
 *
 * Fast to trip: a dropped Redis connection (ioredis `close`) or a dropped PostgreSQL connection
 * (the dedicated ping connection's `error`/`end`) marks the dependency down at once, and a request
 * that failed because a dependency looked down (errors.ts) triggers an immediate check. Re-checked
 * every second while up, every 250 ms while down, so selling resumes within moments of recovery.
 * Redis counts as up again only after the MirrorKeeper has compared its run id and rebuilt the
 * mirror when Redis restarted (a restored AOF may lack its last second: counters, locks).
 */
import { AppError, unavailableMessage, sellingBlockedBy, type Dependency, type SystemStatus } from '@kaipan/shared';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { withTimeout } from '../infra/db.js';
import type { DependencyFailureSink } from './errors.js';
import type { Logger } from './logger.js';

export interface DependencyHealthOptions {
  databaseUrl: string;
  /** The process's request connection to Redis (fail-fast). */
  redis: Redis;
  /** Runs after Redis is reachable again, before it counts as up (the mirror check). */
  onRedisReady?: () => Promise<void>;
  log: Logger;
  intervalMs?: number;
  downIntervalMs?: number;
  /** A ping slower than this counts as down (a hung server), ms. */
  pingTimeoutMs?: number;
}

export class DependencyHealth implements DependencyFailureSink {
  private current: SystemStatus = { postgres: 'up', redis: 'up' };
  private readonly listeners = new Set<(status: SystemStatus) => void>();
  private pgClient: pg.Client | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private checking: Promise<void> | null = null;
  private running = false;
  private readonly downSince: Partial<Record<Dependency, number>> = {};
  private lastNoted = 0;

  constructor(private readonly opts: DependencyHealthOptions) {}

  /** The state now (a copy). */
  status(): SystemStatus {
    return { ...this.current };
  }

  /** Called with the new state after every change. */
  onChange(listener: (status: SystemStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Throws SERVICE_UNAVAILABLE (details.dependency) unless selling can proceed: both PostgreSQL
   * and Redis are up. A field read: the lock hot path pays nothing for it.
   */
  assertSelling(): void {
    const blocked = sellingBlockedBy(this.current);
    if (blocked) throw new AppError('SERVICE_UNAVAILABLE', unavailableMessage(blocked), { dependency: blocked });
  }

  /** Throws SERVICE_UNAVAILABLE when this dependency is known to be down. */
  assertUp(dependency: Dependency): void {
    if (this.current[dependency] === 'down') {
      throw new AppError('SERVICE_UNAVAILABLE', unavailableMessage(dependency), { dependency });
    }
  }

  /**
   * A request failed as if `dependency` were down: check now (the check decides, so a stray error
   * never flaps the screens). Only while it still counts as up, and at most every 100 ms: a storm of
   * refused requests during an outage must not become a storm of connection attempts.
   */
  noteFailure(dependency: Dependency): void {
    if (!this.running || this.current[dependency] === 'down') return;
    const now = Date.now();
    if (now - this.lastNoted < 100) return;
    this.lastNoted = now;
    void this.check();
  }

  async start(): Promise<void> {
    this.running = true;
    const { redis } = this.opts;
    redis.on('close', this.onRedisClose);
    redis.on('ready', this.onRedisReady);
    await this.check();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.opts.redis.off('close', this.onRedisClose);
    this.opts.redis.off('ready', this.onRedisReady);
    await this.checking?.catch(() => undefined);
    await this.closePg();
  }

  private readonly onRedisClose = (): void => {
    this.set('redis', 'down');
  };

  private readonly onRedisReady = (): void => {
    void this.check();
  };

  /** One check of both dependencies (single flight), then the next one is scheduled. */
  check(): Promise<void> {
    this.checking ??= (async () => {
      try {
        const [postgres, redis] = await Promise.all([this.checkPostgres(), this.checkRedis()]);
        this.set('postgres', postgres);
        this.set('redis', redis);
      } finally {
        this.checking = null;
        this.schedule();
      }
    })();
    return this.checking;
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const down = this.current.postgres === 'down' || this.current.redis === 'down';
    this.timer = setTimeout(
      () => void this.check(),
      down ? (this.opts.downIntervalMs ?? 250) : (this.opts.intervalMs ?? 1_000),
    );
    this.timer.unref();
  }

  private async checkPostgres(): Promise<'up' | 'down'> {
    const timeoutMs = this.opts.pingTimeoutMs ?? 3_000;
    try {
      // A connection of its own: a pool saturated by a storm must not read as an outage.
      if (!this.pgClient) {
        const client = new pg.Client({ connectionString: this.opts.databaseUrl, connectionTimeoutMillis: timeoutMs });
        client.on('error', () => this.pgLost(client));
        client.on('end', () => this.pgLost(client));
        this.pgClient = client;
        await client.connect();
      }
      await withTimeout(this.pgClient.query('SELECT 1'), timeoutMs);
      return 'up';
    } catch {
      await this.closePg();
      return 'down';
    }
  }

  /** The ping connection broke: PostgreSQL stopped or restarted. Down now; the next check decides. */
  private pgLost(client: pg.Client): void {
    if (this.pgClient !== client) return;
    this.pgClient = null;
    client.end().catch(() => undefined);
    if (!this.running) return;
    this.set('postgres', 'down');
    void this.check();
  }

  private async closePg(): Promise<void> {
    const client = this.pgClient;
    this.pgClient = null;
    await client?.end().catch(() => undefined);
  }

  private async checkRedis(): Promise<'up' | 'down'> {
    const { redis, onRedisReady } = this.opts;
    if (redis.status !== 'ready') return 'down';
    try {
      const pong = await withTimeout(redis.ping(), this.opts.pingTimeoutMs ?? 3_000);
      if (pong !== 'PONG') return 'down';
      // Only when coming back: the mirror is verified (and rebuilt after a restart) before selling resumes.
      if (this.current.redis === 'down') await onRedisReady?.();
      return 'up';
    } catch {
      return 'down';
    }
  }

  private set(dependency: Dependency, state: 'up' | 'down'): void {
    if (this.current[dependency] === state) return;
    this.current = { ...this.current, [dependency]: state };
    if (state === 'down') {
      this.downSince[dependency] = Date.now();
      this.opts.log.warn({ dependency }, `${dependency} is unavailable: selling paused until it is back`);
    } else {
      const ms = Date.now() - (this.downSince[dependency] ?? Date.now());
      this.opts.log.warn({ dependency, downMs: ms }, `${dependency} is back after ${ms} ms: selling resumes`);
    }
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }
}
