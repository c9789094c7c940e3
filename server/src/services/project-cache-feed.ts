/**
 * "This project's cached facts are stale" reaches every server process at once. A rehearsal reset
 * (rehearsal-service.ts) rewrites a project's settings, units, prices and terms in one transaction;
 * each hub process keeps its own catalog (project-directory.ts) and price snapshot
 * (pricing-service.ts), so the process that reset the rehearsal is not the only one to forget them —
 * otherwise another process would sell from the practice prices and settings for up to the
 * catalog's 60 s freshness.
 *
 * An AnnouncedFeed (revocation-feed.ts), as membership-feed.ts is: the committing process applies the change at
 * once and publishes it on Redis (`<prefix>projects:stale`); every process applies what it receives.
 * The safety net when a message is lost (Redis down, subscription not ready): the catalog's own
 * freshness (60 s, project-directory.ts CATALOG.freshMs).
 */
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { AnnouncedFeed } from './revocation-feed.js';

/** A project whose cached facts (catalog, settings, prices, terms) every process must read again. */
export interface ProjectStale {
  projectId: string;
}

export class ProjectCacheFeed extends AnnouncedFeed<ProjectStale> {
  constructor(
    /** Publishes (any non-subscribed connection). */
    redis: Redis,
    redisUrl: string,
    prefix: string,
    log: Logger,
  ) {
    super({
      name: 'project-caches',
      channel: `${prefix}projects:stale`,
      net: 'the 60 s catalog freshness',
      parse: (message) => {
        const { projectId } = message as Partial<ProjectStale>;
        return typeof projectId === 'string' ? { projectId } : null;
      },
      redis,
      redisUrl,
      log,
    });
  }

  /** Called for every project made stale, here or on another process. */
  onStale(listener: (stale: ProjectStale) => void): void {
    this.listen(listener);
  }
}
