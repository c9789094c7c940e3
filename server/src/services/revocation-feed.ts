/**
 * The building blocks every "this changed — tell every process at once" service shares: ended
 * sessions (session-service.ts), revoked devices (device-registry.ts), membership changes
 * (membership-feed.ts), stale project caches (project-cache-feed.ts).
 *
 * - `RevocationFeed`: the process that committed a change applies it at once and publishes it on a
 *   Redis channel; every process applies what it receives. Optionally, as the safety net of a lost
 *   message (Redis down, subscription not ready), every process also reads PostgreSQL every
 *   `poll.everyMs` and again when the subscription comes back after an outage.
 * - `Listeners`: the callbacks told of each change; one failing does not stop the others.
 * - `AnnouncedFeed`: a feed and its listeners when the owner's cache freshness is the only safety net.
 * - `LastSeenBatch`: "last used/seen" times kept in memory and written in one statement per
 *   `everyMs` (no write per request); a failed write is kept for the next round.
 *
 * The owning service keeps its own state (which ids ended) and rules (what a message means, what
 * the poll reads); these classes own only the transport, the timers and the error handling.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedis } from '../infra/redis.js';
import type { Logger } from './logger.js';

export interface RevocationFeedOptions {
  /** Names the log lines and the subscriber connection: `sessions`, `devices`, `members`. */
  name: string;
  /** The Redis channel, prefix included. */
  channel: string;
  /** Publishes (any non-subscribed connection). */
  redis: Redis;
  redisUrl: string;
  log: Logger;
  /** Called with every message received from another process (this process's own are skipped). */
  receive: (message: unknown) => void;
  /** What makes up for a lost message, for the log lines: e.g. `the poll`, `the 30 s user cache`. */
  net: string;
  /**
   * The PostgreSQL safety net. `read(initial)` reads what changed since its last look; the first
   * call (at start) throws on failure, later ones are logged and retried at the next tick.
   */
  poll?: { everyMs: number; read: (initial: boolean) => Promise<void> };
}

export class RevocationFeed {
  private sub: Redis | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  /** This process's messages come back to it: applied already, skipped. */
  private readonly origin = randomUUID();

  constructor(private readonly opts: RevocationFeedOptions) {}

  /** Tell the other processes (best effort: a failure is logged, the safety net catches up). */
  async publish(message: object): Promise<void> {
    try {
      await this.opts.redis.publish(this.opts.channel, JSON.stringify({ ...message, origin: this.origin }));
    } catch (error) {
      this.opts.log.warn(
        { err: error },
        `${this.opts.name}: could not publish; other processes rely on ${this.opts.net}`,
      );
    }
  }

  /** First poll (throws when PostgreSQL cannot be read), then subscribe and start polling. */
  async start(): Promise<void> {
    const { name, channel, log, poll } = this.opts;
    if (poll) await this.poll(true);
    const sub = createRedis(this.opts.redisUrl, `${name}-sub`);
    this.sub = sub;
    sub.on('message', (from: string, text: string) => {
      if (from === channel) this.receive(text);
    });
    let first = true;
    sub.on('ready', () => {
      // Back after an outage (ioredis re-subscribes by itself): catch up on what was missed.
      if (!first && poll) void this.poll(false);
      first = false;
    });
    await sub
      .subscribe(channel)
      .catch((error: unknown) =>
        log.warn({ err: error }, `${name}: subscribe failed; relying on ${this.opts.net} until Redis is back`),
      );
    if (poll) {
      this.pollTimer = setInterval(() => void this.poll(false), poll.everyMs);
      this.pollTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.sub?.disconnect();
    this.sub = null;
    await this.polling?.catch(() => undefined);
  }

  private receive(text: string): void {
    try {
      const message = JSON.parse(text) as { origin?: unknown };
      if (message.origin !== this.origin) this.opts.receive(message);
    } catch (error) {
      this.opts.log.warn({ err: error }, `${this.opts.name}: unreadable message`);
    }
  }

  /** One poll at a time: a tick during a running poll joins it. */
  private poll(initial: boolean): Promise<void> {
    const read = this.opts.poll?.read;
    if (!read) return Promise.resolve();
    if (this.polling) return this.polling;
    this.polling = (async () => {
      try {
        await read(initial);
      } catch (error) {
        if (initial) throw error;
        this.opts.log.warn({ err: error }, `${this.opts.name}: poll failed; retrying`);
      } finally {
        this.polling = null;
      }
    })();
    return this.polling;
  }
}

/** The callbacks told of each change. */
export class Listeners<T> {
  private readonly all: ((value: T) => void)[] = [];

  constructor(
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  add(listener: (value: T) => void): void {
    this.all.push(listener);
  }

  /** Call every listener; one that throws is logged and does not stop the others. */
  emit(value: T): void {
    for (const listener of this.all) {
      try {
        listener(value);
      } catch (error) {
        this.log.error({ err: error }, `${this.name}: listener failed`);
      }
    }
  }
}

/**
 * A change told to this process at once and to the others over Redis, with no PostgreSQL poll: the
 * owner's cache freshness is the safety net (`net`). membership-feed.ts and project-cache-feed.ts are
 * this with their channel, their net and how a message is read back (`parse`: null drops it).
 */
export class AnnouncedFeed<T extends object> {
  private readonly listeners: Listeners<T>;
  private readonly feed: RevocationFeed;

  constructor(opts: {
    name: string;
    channel: string;
    net: string;
    parse: (message: unknown) => T | null;
    redis: Redis;
    redisUrl: string;
    log: Logger;
  }) {
    this.listeners = new Listeners(opts.name, opts.log);
    this.feed = new RevocationFeed({
      name: opts.name,
      channel: opts.channel,
      redis: opts.redis,
      redisUrl: opts.redisUrl,
      log: opts.log,
      net: opts.net,
      receive: (message) => {
        const value = opts.parse(message);
        if (value) this.listeners.emit(value);
      },
    });
  }

  /** Called for every change, made here or on another process. */
  protected listen(listener: (value: T) => void): void {
    this.listeners.add(listener);
  }

  /** After the commit: apply here at once, then tell the other processes (best effort, see above). */
  async announce(value: T): Promise<void> {
    this.listeners.emit(value);
    await this.feed.publish(value);
  }

  start(): Promise<void> {
    return this.feed.start();
  }

  stop(): Promise<void> {
    return this.feed.stop();
  }
}

/** "Last used/seen" times (id → ms) not yet written, written in one batch per `everyMs`. */
export class LastSeenBatch {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly opts: {
      name: string;
      everyMs: number;
      log: Logger;
      /** One statement for the whole batch; it keeps the newer of the row's time and the batch's. */
      write: (ids: string[], ats: Date[]) => Promise<unknown>;
    },
  ) {}

  /** Hot path: seen now (a Map write). */
  touch(id: string): void {
    this.pending.set(id, Date.now());
  }

  /** A time not written yet (ms), if any. */
  get(id: string): number | undefined {
    return this.pending.get(id);
  }

  /** Not worth writing any more (e.g. the session ended). */
  forget(id: string): void {
    this.pending.delete(id);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.everyMs);
    this.timer.unref();
  }

  /** Stop the timer and write what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Write the batch now. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.opts.write(
        [...batch.keys()],
        [...batch.values()].map((ms) => new Date(ms)),
      );
    } catch (error) {
      // Keep them for the next round (newer times win).
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      this.opts.log.warn({ err: error }, `${this.opts.name}: could not write last-seen times; will retry`);
    }
  }
}
