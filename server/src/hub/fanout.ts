/**
 * Delivery of `units:changed` frames to this process's sockets, shaped so the broadcast never holds
 * the event loop long enough to delay a lock.
 *
 * Measured (load-tests/README.md): one broadcast costs ≈ 18 µs per socket (one write each); to a
 * 600-socket room that is 10–12 ms during which no command is answered, 10–20 times a second.
 * So:
 * - two audiences per project: `live` (wall boards, managers: frames at the feed's rate, default
 *   every 50 ms) and `grid` (consultant phones: the same changes merged into one frame every
 *   `gridIntervalMs`, default 200 ms — a phone refused a unit it saw free a moment ago gets a coded
 *   error anyway, and 500 phones at 5 frames/s cost a quarter of the writes);
 * - each audience split into shard rooms, emitted one shard per event-loop turn (`setImmediate`),
 *   so a command waits behind at most one shard's writes, not the whole room's;
 * - frames of one audience are sent strictly in order (a chain per project and audience), and a
 *   `project:changed` event waits for the grid frames before it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ProjectChangedEvent, UnitsChangedFrame } from '@kaipan/shared';
import type { Principal } from '../domain/principal.js';
import type { HubNamespace } from './hub-types.js';

export type Audience = 'live' | 'grid';

/** Shard rooms per audience and project: ~60 sockets each with 500 phones. */
const SHARDS = 8;

export const projectRoom = (projectId: string): string => `project:${projectId}`;
/** Managers of a project (joined with the project when the principal can manage). */
export const managersRoom = (projectId: string): string => `managers:${projectId}`;
/** Every socket of one user (joined at connection). */
export const userRoom = (userId: string): string => `user:${userId}`;
/** Every socket of one session (joined at connection; cut when the session ends). */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
/** Every socket of one device (cut when the device is revoked). */
export const deviceRoom = (deviceId: string): string => `device:${deviceId}`;
const shardRoom = (projectId: string, audience: Audience, shard: number): string =>
  `project:${projectId}:${audience}:${shard}`;

/** Consultants' phones take the merged, slower frames; screens and managers the fast ones. */
export function audienceOf(principal: Principal): Audience {
  return principal.kind === 'user' && principal.role === 'CONSULTANT' ? 'grid' : 'live';
}

function shardOf(socketId: string): number {
  let h = 0;
  for (let i = 0; i < socketId.length; i += 1) h = (h * 31 + socketId.charCodeAt(i)) | 0;
  return Math.abs(h) % SHARDS;
}

export class Fanout {
  private chains = new Map<string, Promise<void>>();
  private pendingGrid = new Map<string, UnitsChangedFrame>();
  private gridTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly hub: HubNamespace,
    private readonly gridIntervalMs: number,
  ) {}

  /** The rooms a socket joins to follow a project (always the same shard for one socket). */
  roomsFor(socketId: string, projectId: string, audience: Audience): string[] {
    return [projectRoom(projectId), shardRoom(projectId, audience, shardOf(socketId))];
  }

  /** Rooms of a project a socket is in (to leave them). */
  static roomsOf(rooms: Iterable<string>, projectId: string): string[] {
    const prefix = projectRoom(projectId);
    return [...rooms].filter((r) => r === prefix || r.startsWith(`${prefix}:`));
  }

  unitsChanged(frame: UnitsChangedFrame): void {
    this.send(frame.projectId, 'live', frame);
    if (this.gridIntervalMs <= 0) {
      this.send(frame.projectId, 'grid', frame);
      return;
    }
    const pending = this.pendingGrid.get(frame.projectId);
    // Frames arrive contiguous and in order from the feed: merging is concatenation.
    this.pendingGrid.set(
      frame.projectId,
      pending
        ? {
            projectId: frame.projectId,
            fromSeq: pending.fromSeq,
            seq: frame.seq,
            changes: pending.changes.concat(frame.changes),
          }
        : frame,
    );
    this.gridTimer ??= setTimeout(() => {
      this.gridTimer = null;
      this.flushGrid();
    }, this.gridIntervalMs);
  }

  projectChanged(event: ProjectChangedEvent): void {
    this.flushGrid(event.projectId);
    // After every frame already queued for this project, so no screen sees them out of order.
    this.enqueue(event.projectId, async () => {
      this.hub.local.to(projectRoom(event.projectId)).emit('project:changed', event);
    });
  }

  private flushGrid(onlyProject?: string): void {
    for (const [projectId, frame] of [...this.pendingGrid]) {
      if (onlyProject !== undefined && projectId !== onlyProject) continue;
      this.pendingGrid.delete(projectId);
      this.send(projectId, 'grid', frame);
    }
    if (this.pendingGrid.size === 0 && this.gridTimer) {
      clearTimeout(this.gridTimer);
      this.gridTimer = null;
    }
  }

  private send(projectId: string, audience: Audience, frame: UnitsChangedFrame): void {
    this.enqueue(projectId, async () => {
      for (let shard = 0; shard < SHARDS; shard += 1) {
        const room = shardRoom(projectId, audience, shard);
        if (!this.hub.adapter.rooms.get(room)?.size) continue;
        this.hub.local.to(room).emit('units:changed', frame);
        await nextTurn();
      }
    });
  }

  /** Run `task` after every task queued before it for the project (one ordered chain per project). */
  private enqueue(projectId: string, task: () => Promise<void>): void {
    const previous = this.chains.get(projectId) ?? Promise.resolve();
    const next = previous.then(task).catch(() => undefined);
    this.chains.set(projectId, next);
    void next.then(() => {
      if (this.chains.get(projectId) === next) this.chains.delete(projectId);
    });
  }

  /** Send what is pending and stop the timer (shutdown). */
  async stop(): Promise<void> {
    this.flushGrid();
    if (this.gridTimer) clearTimeout(this.gridTimer);
    this.gridTimer = null;
    await Promise.all([...this.chains.values()]);
  }
}
