/**
 * What every process must know about device keys between PostgreSQL reads: which devices were
 * revoked (so a revoked board is cut at once, not when the auth cache next refreshes), and when
 * each device was last seen (written in batches, not per request).
 *
 * The same mechanism as sessions (session-service.ts): the process that revokes a device applies it
 * at once and publishes the id on Redis (`<prefix>devices:revoked`); every process applies it on
 * receipt (its listeners hang up that device's sockets, hub.ts) and, as the safety net of a lost
 * message, reads the devices revoked since its last poll every `pollMs`. A revoked device stays
 * revoked for good, so the set only grows with revocations (a project has tens of devices).
 *
 * The hot path (each request or hub command of a device) is a Set lookup and a Map write.
 */
import type { Redis } from 'ioredis';
import type { Db } from '../infra/db.js';
import { createRedis } from '../infra/redis.js';
import type { SqlPool } from '../infra/sql.js';
import type { Logger } from './logger.js';

/** How often every process reads the devices revoked since its last look (pub/sub's safety net), ms. */
export const DEVICE_POLL_MS = 5_000;
/** How often "last seen" times are written, ms. */
export const DEVICE_FLUSH_MS = 30_000;
/** The poll re-reads this far back (a revoking transaction may commit after a poll looked past its time). */
const POLL_OVERLAP_MS = 60_000;

export class DeviceRegistry {
  private readonly revoked = new Set<string>();
  /** Last seen, not yet written: id → ms. */
  private seen = new Map<string, number>();
  private readonly listeners: ((deviceIds: string[]) => void)[] = [];
  private sub: Redis | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private seenUntil: Date | null = null;
  private polling: Promise<void> | null = null;
  private readonly channel: string;

  constructor(
    private readonly db: Db,
    private readonly sql: SqlPool,
    private readonly redis: Redis,
    private readonly redisUrl: string,
    prefix: string,
    private readonly log: Logger,
    private readonly opts: { pollMs: number; flushMs: number } = { pollMs: DEVICE_POLL_MS, flushMs: DEVICE_FLUSH_MS },
  ) {
    this.channel = `${prefix}devices:revoked`;
  }

  /** Hot path: was this device revoked? (memory only; the auth cache reads `active` too) */
  isRevoked(deviceId: string): boolean {
    return this.revoked.has(deviceId);
  }

  /** Hot path: the device was seen now (written in the next batch). */
  touch(deviceId: string): void {
    this.seen.set(deviceId, Date.now());
  }

  /** A last-seen time not written yet (the list shows the newer of it and the row's). */
  pendingSeen(deviceId: string): Date | null {
    const at = this.seen.get(deviceId);
    return at === undefined ? null : new Date(at);
  }

  /** Called with the ids of devices revoked (here, on another process, or found by the poll). */
  onRevoked(listener: (deviceIds: string[]) => void): void {
    this.listeners.push(listener);
  }

  /** After the revoking transaction committed: apply here at once, tell the other processes (best effort). */
  async announce(deviceId: string): Promise<void> {
    this.apply([deviceId]);
    try {
      await this.redis.publish(this.channel, JSON.stringify({ deviceIds: [deviceId] }));
    } catch (error) {
      this.log.warn(
        { err: error },
        'devices: could not publish a revocation; other processes see it on their next poll',
      );
    }
  }

  async start(): Promise<void> {
    await this.poll(true);
    const sub = createRedis(this.redisUrl, 'devices-sub');
    this.sub = sub;
    sub.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    let first = true;
    sub.on('ready', () => {
      if (!first) void this.poll(false);
      first = false;
    });
    await sub
      .subscribe(this.channel)
      .catch((error: unknown) => this.log.warn({ err: error }, 'devices: subscribe failed; polling only'));
    this.pollTimer = setInterval(() => void this.poll(false), this.opts.pollMs);
    this.pollTimer.unref();
    this.flushTimer = setInterval(() => void this.flush(), this.opts.flushMs);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.pollTimer = this.flushTimer = null;
    this.sub?.disconnect();
    this.sub = null;
    await this.polling?.catch(() => undefined);
    await this.flush();
  }

  private receive(text: string): void {
    try {
      const message = JSON.parse(text) as { deviceIds?: unknown };
      if (Array.isArray(message.deviceIds))
        this.apply(message.deviceIds.filter((id): id is string => typeof id === 'string'));
    } catch (error) {
      this.log.warn({ err: error }, 'devices: unreadable message');
    }
  }

  private apply(deviceIds: string[]): void {
    const fresh = deviceIds.filter((id) => !this.revoked.has(id));
    for (const id of fresh) {
      this.revoked.add(id);
      this.seen.delete(id);
    }
    if (fresh.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(fresh);
      } catch (error) {
        this.log.error({ err: error }, 'devices: listener failed');
      }
    }
  }

  /**
   * The devices revoked since the last look. At start only the clock is read: a device revoked
   * before this process started is refused by the auth cache, which reads `active` from PostgreSQL.
   */
  private poll(initial: boolean): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = (async () => {
      try {
        if (this.seenUntil) {
          const since = new Date(this.seenUntil.getTime() - POLL_OVERLAP_MS);
          const rows = await this.db.$queryRaw<{ id: string; revoked_at: Date }[]>`
            SELECT id, revoked_at FROM devices WHERE revoked_at > ${since} ORDER BY revoked_at LIMIT 10000`;
          this.apply(rows.map((r) => r.id));
          const latest = rows.at(-1)?.revoked_at;
          if (latest && latest > this.seenUntil) this.seenUntil = latest;
        } else {
          const [row] = await this.db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
          this.seenUntil = row?.now ?? null;
        }
      } catch (error) {
        if (initial) throw error;
        this.log.warn({ err: error }, 'devices: poll failed; retrying');
      } finally {
        this.polling = null;
      }
    })();
    return this.polling;
  }

  /** Write the batched "last seen" times in one statement. */
  async flush(): Promise<void> {
    if (this.seen.size === 0) return;
    const batch = this.seen;
    this.seen = new Map();
    try {
      await this.sql.query({
        name: 'kaipan_devices_seen_v1',
        text: `UPDATE devices AS d SET last_seen_at = v.at
               FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
               WHERE d.id = v.id AND (d.last_seen_at IS NULL OR d.last_seen_at < v.at)`,
        values: [[...batch.keys()], [...batch.values()].map((ms) => new Date(ms))],
      });
    } catch (error) {
      for (const [id, at] of batch) if (!this.seen.has(id)) this.seen.set(id, at);
      this.log.warn({ err: error }, 'devices: could not write last-seen times; will retry');
    }
  }
}
