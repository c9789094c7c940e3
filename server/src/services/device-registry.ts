/**
 * What every process must know about device keys between PostgreSQL reads: which devices were
 * revoked (so a revoked board is cut at once, not when the auth cache next refreshes), and when
 * each device was last seen (written in batches, not per request).
 *
 * The same mechanism as sessions (session-service.ts; both are built on revocation-feed.ts): the
 * process that revokes a device applies it at once and publishes the id on Redis
 * (`<prefix>devices:revoked`); every process applies it on receipt (its listeners hang up that
 * device's sockets, hub.ts) and, as the safety net of a lost message, reads the devices revoked
 * since its last poll every `pollMs`. A revoked device stays revoked for good, so the set only
 * grows with revocations (a project has tens of devices).
 *
 * The hot path (each request or hub command of a device) is a Set lookup and a Map write.
 */
import type { Redis } from 'ioredis';
import type { Db } from '../infra/db.js';
import type { SqlPool } from '../infra/sql.js';
import type { Logger } from './logger.js';
import { LastSeenBatch, Listeners, RevocationFeed } from './revocation-feed.js';

/** How often every process reads the devices revoked since its last look (pub/sub's safety net), ms. */
export const DEVICE_POLL_MS = 5_000;
/** How often "last seen" times are written, ms. */
export const DEVICE_FLUSH_MS = 30_000;
/** The poll re-reads this far back (a revoking transaction may commit after a poll looked past its time). */
const POLL_OVERLAP_MS = 60_000;

export class DeviceRegistry {
  private readonly revoked = new Set<string>();
  /** Last seen, not yet written. */
  private readonly seen: LastSeenBatch;
  private readonly listeners: Listeners<string[]>;
  private readonly feed: RevocationFeed;
  private seenUntil: Date | null = null;

  constructor(
    private readonly db: Db,
    sql: SqlPool,
    redis: Redis,
    redisUrl: string,
    prefix: string,
    log: Logger,
    opts: { pollMs: number; flushMs: number } = { pollMs: DEVICE_POLL_MS, flushMs: DEVICE_FLUSH_MS },
  ) {
    this.listeners = new Listeners('devices', log);
    this.seen = new LastSeenBatch({
      name: 'devices',
      everyMs: opts.flushMs,
      log,
      write: (ids, ats) =>
        sql.query({
          name: 'kaipan_devices_seen_v1',
          text: `UPDATE devices AS d SET last_seen_at = v.at
                 FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
                 WHERE d.id = v.id AND (d.last_seen_at IS NULL OR d.last_seen_at < v.at)`,
          values: [ids, ats],
        }),
    });
    this.feed = new RevocationFeed({
      name: 'devices',
      channel: `${prefix}devices:revoked`,
      redis,
      redisUrl,
      log,
      net: 'the poll',
      receive: (message) => {
        const { deviceIds } = message as { deviceIds?: unknown };
        if (Array.isArray(deviceIds)) this.apply(deviceIds.filter((id): id is string => typeof id === 'string'));
      },
      poll: { everyMs: opts.pollMs, read: () => this.poll() },
    });
  }

  /** Hot path: was this device revoked? (memory only; the auth cache reads `active` too) */
  isRevoked(deviceId: string): boolean {
    return this.revoked.has(deviceId);
  }

  /** Hot path: the device was seen now (written in the next batch). */
  touch(deviceId: string): void {
    this.seen.touch(deviceId);
  }

  /** A last-seen time not written yet (the list shows the newer of it and the row's). */
  pendingSeen(deviceId: string): Date | null {
    const at = this.seen.get(deviceId);
    return at === undefined ? null : new Date(at);
  }

  /** Called with the ids of devices revoked (here, on another process, or found by the poll). */
  onRevoked(listener: (deviceIds: string[]) => void): void {
    this.listeners.add(listener);
  }

  /** After the revoking transaction committed: apply here at once, tell the other processes (best effort). */
  async announce(deviceId: string): Promise<void> {
    this.apply([deviceId]);
    await this.feed.publish({ deviceIds: [deviceId] });
  }

  async start(): Promise<void> {
    await this.feed.start();
    this.seen.start();
  }

  async stop(): Promise<void> {
    await this.feed.stop();
    await this.seen.stop();
  }

  /** Write the batched "last seen" times now. */
  flush(): Promise<void> {
    return this.seen.flush();
  }

  private apply(deviceIds: string[]): void {
    const fresh = deviceIds.filter((id) => !this.revoked.has(id));
    for (const id of fresh) {
      this.revoked.add(id);
      this.seen.forget(id);
    }
    if (fresh.length > 0) this.listeners.emit(fresh);
  }

  /**
   * The devices revoked since the last look. At start only the clock is read: a device revoked
   * before this process started is refused by the auth cache, which reads `active` from PostgreSQL.
   */
  private async poll(): Promise<void> {
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
  }
}
