/**
 * Membership changes (a role set, a member removed) reach every server process at once, so the
 * change takes effect for that user's next request and live sockets everywhere — not when the
 * per-process user cache (auth-service.ts, 30 s) would have noticed.
 *
 * As sessions.ts does for ended sessions: the process that committed the change applies it at once
 * and publishes it on Redis (`<prefix>members:changed`); every process applies what it receives.
 * The safety net when a message is lost (Redis down, subscription not ready): the user cache's
 * freshness of 30 s (auth-service.ts FRESH_MS) — memberships are re-read from PostgreSQL then.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedis } from '../infra/redis.js';
import type { Logger } from './logger.js';

/** One user's membership of one project changed (role, team, added or removed). */
export interface MembershipChange {
  projectId: string;
  userId: string;
}

export class MembershipFeed {
  private readonly listeners: ((change: MembershipChange) => void)[] = [];
  private readonly channel: string;
  private sub: Redis | null = null;
  /** This process's messages come back to it: applied already, skipped. */
  private readonly origin = randomUUID();

  constructor(
    /** Publishes (any non-subscribed connection). */
    private readonly redis: Redis,
    private readonly redisUrl: string,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.channel = `${prefix}members:changed`;
  }

  /** Called for every change, made here or on another process. */
  onChange(listener: (change: MembershipChange) => void): void {
    this.listeners.push(listener);
  }

  /** After the commit: apply here at once, then tell the other processes (best effort, see above). */
  async announce(change: MembershipChange): Promise<void> {
    this.apply(change);
    try {
      await this.redis.publish(this.channel, JSON.stringify({ ...change, origin: this.origin }));
    } catch (error) {
      this.log.warn({ err: error }, 'members: could not publish a membership change; others see it within 30 s');
    }
  }

  async start(): Promise<void> {
    const sub = createRedis(this.redisUrl, 'members-sub');
    this.sub = sub;
    sub.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    await sub
      .subscribe(this.channel)
      .catch((error: unknown) => this.log.warn({ err: error }, 'members: subscribe failed; the 30 s cache is the net'));
  }

  stop(): void {
    this.sub?.disconnect();
    this.sub = null;
  }

  private receive(text: string): void {
    try {
      const change = JSON.parse(text) as Partial<MembershipChange & { origin: string }>;
      if (change.origin === this.origin) return;
      if (typeof change.projectId === 'string' && typeof change.userId === 'string')
        this.apply({ projectId: change.projectId, userId: change.userId });
    } catch (error) {
      this.log.warn({ err: error }, 'members: unreadable message');
    }
  }

  private apply(change: MembershipChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.log.error({ err: error }, 'members: listener failed');
      }
    }
  }
}
