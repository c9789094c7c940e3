/**
 * "This project's cached facts are stale" reaches every server process at once. A rehearsal reset
 * (rehearsal-service.ts) rewrites a project's settings, units, prices and terms in one transaction;
 * each hub process keeps its own catalog (project-directory.ts) and price snapshot
 * (pricing-service.ts), so the process that reset the rehearsal is not the only one to forget them —
 * otherwise another process would sell from the practice prices and settings for up to the
 * catalog's 60 s freshness.
 *
 * Built on revocation-feed.ts as membership-feed.ts is: the committing process applies the change at
 * once and publishes it on Redis (`<prefix>projects:stale`); every process applies what it receives.
 * The safety net when a message is lost (Redis down, subscription not ready): the catalog's own
 * freshness (60 s, project-directory.ts CATALOG.freshMs).
 */
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { Listeners, RevocationFeed } from './revocation-feed.js';

/** A project whose cached facts (catalog, settings, prices, terms) every process must read again. */
export interface ProjectStale {
  projectId: string;
}

export class ProjectCacheFeed {
  private readonly listeners: Listeners<ProjectStale>;
  private readonly feed: RevocationFeed;

  constructor(
    /** Publishes (any non-subscribed connection). */
    redis: Redis,
    redisUrl: string,
    prefix: string,
    log: Logger,
  ) {
    this.listeners = new Listeners('project caches', log);
    this.feed = new RevocationFeed({
      name: 'project-caches',
      channel: `${prefix}projects:stale`,
      redis,
      redisUrl,
      log,
      net: 'the 60 s catalog freshness',
      receive: (message) => {
        const { projectId } = message as Partial<ProjectStale>;
        if (typeof projectId === 'string') this.listeners.emit({ projectId });
      },
    });
  }

  /** Called for every project made stale, here or on another process. */
  onStale(listener: (stale: ProjectStale) => void): void {
    this.listeners.add(listener);
  }

  /** After the commit: forget here at once, then tell the other processes (best effort, see above). */
  async announce(stale: ProjectStale): Promise<void> {
    this.listeners.emit(stale);
    await this.feed.publish(stale);
  }

  start(): Promise<void> {
    return this.feed.start();
  }

  stop(): Promise<void> {
    return this.feed.stop();
  }
}
