/**
 * Fan-out of the per-project change log. Every process reads the Redis stream (one ordered log per
 * project, written atomically with each change) and emits to its own sockets only, so every screen
 * sees every change in seq order whichever process made it. A storm costs frames, not messages:
 * at most one `units:changed` frame per room every `intervalMs`, each carrying all new changes.
 */
import type { ProjectChangedEvent, UnitsChangedFrame } from '@kaipan/shared';
import type { Redis } from 'ioredis';
import type { LogEntry, RawUnitChange, UnitMirror } from '../selling/mirror.js';
import type { ProjectList } from './background.js';
import type { Logger } from './logger.js';
import { toUnitChange } from './unit-view.js';

export interface FeedSink {
  unitsChanged(frame: UnitsChangedFrame): void;
  projectChanged(event: ProjectChangedEvent): void;
  /** Highest seq read for a project (lets a rebuild restore counters above it). */
  seqSeen?(projectId: string, seq: number): void;
}

type XReadReply = [string, [string, string[]][]][] | null;

export class ChangeFeed {
  private running = false;
  private loop: Promise<void> | null = null;
  private lastIds = new Map<string, string>();

  constructor(
    /** A dedicated connection: XREAD BLOCK holds it. */
    private readonly conn: Redis,
    private readonly mirror: UnitMirror,
    private readonly sink: FeedSink,
    private readonly projects: ProjectList,
    private readonly log: Logger,
    private readonly intervalMs: number,
    private readonly blockMs = 1_000,
  ) {}

  async start(): Promise<void> {
    await this.refreshProjects(true);
    this.running = true;
    this.loop = this.run();
  }

  private async refreshProjects(force = false): Promise<void> {
    for (const projectId of await this.projects.get(force)) {
      const key = this.mirror.keys(projectId).log;
      if (this.lastIds.has(key)) continue;
      // Start after the newest entry: screens load a snapshot, then follow from there.
      const last = (await this.conn.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
      this.lastIds.set(key, last[0]?.[0] ?? '0-0');
    }
  }

  private async run(): Promise<void> {
    let lastEmit = 0;
    while (this.running) {
      try {
        await this.refreshProjects();
        const keys = [...this.lastIds.keys()];
        if (keys.length === 0) {
          await sleep(this.blockMs);
          continue;
        }
        const ids = keys.map((k) => this.lastIds.get(k)!);
        const reply = (await this.conn.xread(
          'COUNT',
          5_000,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          ...keys,
          ...ids,
        )) as XReadReply;
        if (!this.running) break;
        const { entries, lastIds } = this.mirror.parseLog(reply);
        for (const [key, id] of lastIds) this.lastIds.set(key, id);
        if (entries.length === 0) continue;
        this.emit(entries);
        lastEmit = Date.now();
        // Cap the frame rate: changes arriving meanwhile are sent together in the next frame.
        const wait = this.intervalMs - (Date.now() - lastEmit);
        if (wait > 0) await sleep(wait);
      } catch (error) {
        if (!this.running) break;
        this.log.warn({ err: error }, 'change feed read failed; retrying');
        await sleep(500);
      }
    }
  }

  private emit(entries: LogEntry[]): void {
    const pendingUnits = new Map<string, RawUnitChange[]>();
    const flush = (projectId: string): void => {
      const changes = pendingUnits.get(projectId);
      if (!changes?.length) return;
      pendingUnits.delete(projectId);
      this.sink.seqSeen?.(projectId, changes[changes.length - 1]!.seq);
      this.sink.unitsChanged({
        projectId,
        fromSeq: changes[0]!.seq,
        seq: changes[changes.length - 1]!.seq,
        changes: changes.map((c) => toUnitChange(c)),
      });
    };
    for (const entry of entries) {
      if (entry.kind === 'unit') {
        const list = pendingUnits.get(entry.projectId) ?? [];
        list.push(entry.change);
        pendingUnits.set(entry.projectId, list);
      } else {
        flush(entry.projectId);
        const event: ProjectChangedEvent = { projectId: entry.projectId, paused: entry.change.paused };
        if (entry.change.resync) event.resync = true;
        this.sink.projectChanged(event);
      }
    }
    for (const projectId of [...pendingUnits.keys()]) flush(projectId);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.conn.disconnect();
    await this.loop?.catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
