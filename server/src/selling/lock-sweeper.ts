/**
 * Notices lapsed locks and broadcasts the units as free again (within one sweep interval).
 * The Redis TTL already guarantees a lock vanishes; this makes the screens hear about it promptly.
 * Safe with several processes: each sweep is one atomic script.
 */
import { transitionOf } from '@kaipan/shared';
import type { UnitMirror } from './mirror.js';
import type { AuditWriter } from '../services/audit.js';
import { Loop, type ProjectList } from '../services/background.js';
import type { Logger } from '../services/logger.js';

/** The step sweep.lua makes (test/lua-transitions.test.ts), as the audit event tells it. */
const EXPIRE = transitionOf('expire');

export class LockSweeper {
  private readonly loop: Loop;

  constructor(
    private readonly mirror: UnitMirror,
    private readonly audit: AuditWriter,
    private readonly projects: ProjectList,
    log: Logger,
    intervalMs: number,
  ) {
    this.loop = new Loop('lock sweep', intervalMs, () => this.sweepOnce(), log);
  }

  async sweepOnce(): Promise<number> {
    let count = 0;
    for (const projectId of await this.projects.get()) {
      const expired = await this.mirror.sweep(projectId);
      for (const e of expired) {
        this.audit.record({
          projectId,
          actor: 'system',
          action: 'unit.lock_expired',
          entity: 'unit',
          entityId: e.unitId,
          before: { status: EXPIRE.from, token: e.token, holderId: e.holderId },
          after: { status: EXPIRE.to },
        });
      }
      count += expired.length;
    }
    return count;
  }

  start(): void {
    this.loop.start();
  }

  /** Stops after a sweep in progress has finished (its audit events are recorded). */
  stop(): Promise<void> {
    return this.loop.stop();
  }
}
