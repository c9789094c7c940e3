/** Building blocks of the background loops (change feed, lock sweeper, mirror watchdog). */
import type { Logger } from './logger.js';

/**
 * The ids of all projects, refreshed every `ttlMs`. A failed refresh keeps the last list, so a
 * PostgreSQL blip never stops live updates or expiry broadcasts of the projects already known.
 */
export class ProjectList {
  private ids: string[] = [];
  private loadedAt = 0;

  constructor(
    private readonly load: () => Promise<string[]>,
    private readonly log: Logger,
    private readonly ttlMs = 10_000,
  ) {}

  async get(force = false): Promise<string[]> {
    if (!force && Date.now() - this.loadedAt < this.ttlMs) return this.ids;
    try {
      this.ids = await this.load();
      this.loadedAt = Date.now();
    } catch (error) {
      this.log.warn({ err: error }, 'project list refresh failed; keeping the last one');
    }
    return this.ids;
  }
}

/** Run `tick` every `intervalMs` (after the previous run ends); `stop` waits for a run in progress. */
export class Loop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.log.warn({ err: error }, `${this.name} failed`))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
