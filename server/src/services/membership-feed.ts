/**
 * Membership changes (a role set, a member removed) reach every server process at once, so the
 * change takes effect for that user's next request and live sockets everywhere — not when the
 * per-process user cache (auth-service.ts, 30 s) would have noticed.
 *
 * As session-service.ts does for ended sessions (both are built on revocation-feed.ts): the process
 * that committed the change applies it at once and publishes it on Redis (`<prefix>members:changed`); every process applies what it receives.
 * The safety net when a message is lost (Redis down, subscription not ready): the user cache's
 * freshness of 30 s (auth-service.ts FRESH_MS) — memberships are re-read from PostgreSQL then.
 */
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { AnnouncedFeed } from './revocation-feed.js';

/** One user's membership of one project changed (role, team, added or removed). */
export interface MembershipChange {
  projectId: string;
  userId: string;
}

export class MembershipFeed extends AnnouncedFeed<MembershipChange> {
  constructor(
    /** Publishes (any non-subscribed connection). */
    redis: Redis,
    redisUrl: string,
    prefix: string,
    log: Logger,
  ) {
    super({
      name: 'members',
      channel: `${prefix}members:changed`,
      net: 'the 30 s user cache',
      parse: (message) => {
        const { projectId, userId } = message as Partial<MembershipChange>;
        return typeof projectId === 'string' && typeof userId === 'string' ? { projectId, userId } : null;
      },
      redis,
      redisUrl,
      log,
    });
  }

  /** Called for every change, made here or on another process. */
  onChange(listener: (change: MembershipChange) => void): void {
    this.listen(listener);
  }
}
