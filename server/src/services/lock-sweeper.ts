/**
 * Notices lapsed locks and broadcasts the units as free again (within one sweep interval).
 * The Redis TTL already guarantees a lock vanishes; this makes the screens hear about it promptly.
 * Safe with several processes: each sweep is one atomic script.
 */
import type { UnitMirror } from '../infra/mirror.js';
import type { AuditWriter } from './audit.js';
import type { Logger } from './logger.js';

export class LockSweeper {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private projects: string[] = [];
  private projectsAt = 0;

  constructor(
    private readonly mirror: UnitMirror,
    private readonly audit: AuditWriter,
    private readonly listProjects: () => Promise<string[]>,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  async sweepOnce(): Promise<number> {
    if (Date.now() - this.projectsAt > 10_000) {
      this.projects = await this.listProjects();
      this.projectsAt = Date.now();
    }
    let count = 0;
    for (const projectId of this.projects) {
      const expired = await this.mirror.sweep(projectId);
      for (const e of expired) {
        this.audit.record({
          projectId, actor: 'system', action: 'unit.lock_expired', entity: 'unit', entityId: e.unitId,
          before: { status: 'LOCKED', token: e.token, holderId: e.holderId }, after: { status: 'AVAILABLE' },
        });
      }
      count += expired.length;
    }
    return count;
  }

  start(): void {
    const loop = async (): Promise<void> => {
      try {
        await this.sweepOnce();
      } catch (error) {
        this.log.warn({ err: error }, 'lock sweep failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.intervalMs);
    };
    this.timer = setTimeout(() => void loop(), this.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
