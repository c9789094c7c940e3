/**
 * Delivery of `units:changed` frames to this process's sockets, shaped so the broadcast never holds
 * the event loop long enough to delay a lock.
 *
 * Measured (load-tests/README.md "Where the tail came from"): writing one frame to one socket costs
 * 15–30 µs (one `writev` each, most of it the kernel's loopback TCP), so a frame to a 500-socket
 * room holds the loop 8–15 ms, and a command that arrives meanwhile waits for all of it. So:
 * - two audiences per project: `live` (wall boards, managers: frames at the feed's rate, default
 *   every 50 ms) and `grid` (consultant phones: the same changes merged into one frame every
 *   `gridIntervalMs`, default 200 ms — a phone refused a unit it saw free a moment ago gets a coded
 *   error anyway, and 500 phones at 5 frames/s cost a quarter of the writes);
 * - each audience has an outbox per project, drained in order: a frame goes to at most
 *   `socketsPerTurn` sockets per event-loop turn (`setImmediate`), so a command waits behind a few
 *   hundred microseconds of writes, not a whole room's, whatever the room's size;
 * - frames that queued up while the previous one was still being written go out merged as one
 *   (they are contiguous), so a slow turn costs latency once instead of piling up writes;
 * - `project:changed` goes through the same outboxes, after every frame queued before it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ProjectChangedEvent, UnitsChangedFrame } from '@kaipan/shared';
import type { Principal } from '../domain/principal.js';
import type { HubNamespace } from './hub-types.js';

export type Audience = 'live' | 'grid';
const AUDIENCES: readonly Audience[] = ['live', 'grid'];

export const projectRoom = (projectId: string): string => `project:${projectId}`;
/** Managers of a project (joined with the project when the principal can manage). */
export const managersRoom = (projectId: string): string => `managers:${projectId}`;
/** Every socket of one user (joined at connection). */
export const userRoom = (userId: string): string => `user:${userId}`;
/** Every socket of one session (joined at connection; cut when the session ends). */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
/** Every socket of one device (cut when the device is revoked). */
export const deviceRoom = (deviceId: string): string => `device:${deviceId}`;
const audienceRoom = (projectId: string, audience: Audience): string => `project:${projectId}:${audience}`;

/** Consultants' phones take the merged, slower frames; screens and managers the fast ones. */
export function audienceOf(principal: Principal): Audience {
  return principal.kind === 'user' && principal.role === 'CONSULTANT' ? 'grid' : 'live';
}

/** What one audience of one project is still to receive, in order. */
type UnitsItem = { event: 'units:changed'; frame: UnitsChangedFrame };
type Outgoing = UnitsItem | { event: 'project:changed'; data: ProjectChangedEvent };
/** One audience of one project: what is queued, and the drain writing it (null when idle). */
interface Outbox {
  queue: Outgoing[];
  draining: Promise<void> | null;
}

/** Frames arrive contiguous and in order from the feed: merging is concatenation. */
function merge(first: UnitsChangedFrame, next: UnitsChangedFrame): UnitsChangedFrame {
  return {
    projectId: first.projectId,
    fromSeq: first.fromSeq,
    seq: next.seq,
    changes: first.changes.concat(next.changes),
  };
}

export class Fanout {
  /** By audience room (one per project and audience). */
  private outboxes = new Map<string, Outbox>();
  private pendingGrid = new Map<string, UnitsChangedFrame>();
  private gridTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly hub: HubNamespace,
    private readonly gridIntervalMs: number,
    /** Sockets written per event-loop turn (FANOUT_SOCKETS_PER_TURN). */
    private readonly socketsPerTurn: number,
  ) {}

  /** The rooms a socket joins to follow a project. */
  roomsFor(projectId: string, audience: Audience): string[] {
    return [projectRoom(projectId), audienceRoom(projectId, audience)];
  }

  /** Rooms of a project a socket is in (to leave them). */
  static roomsOf(rooms: Iterable<string>, projectId: string): string[] {
    const prefix = projectRoom(projectId);
    return [...rooms].filter((r) => r === prefix || r.startsWith(`${prefix}:`));
  }

  unitsChanged(frame: UnitsChangedFrame): void {
    this.post(frame.projectId, 'live', { event: 'units:changed', frame });
    if (this.gridIntervalMs <= 0) {
      this.post(frame.projectId, 'grid', { event: 'units:changed', frame });
      return;
    }
    const pending = this.pendingGrid.get(frame.projectId);
    this.pendingGrid.set(frame.projectId, pending ? merge(pending, frame) : frame);
    this.gridTimer ??= setTimeout(() => {
      this.gridTimer = null;
      this.flushGrid();
    }, this.gridIntervalMs);
  }

  projectChanged(event: ProjectChangedEvent): void {
    this.flushGrid(event.projectId);
    // After every frame already queued for this project, so no screen sees them out of order.
    for (const audience of AUDIENCES) this.post(event.projectId, audience, { event: 'project:changed', data: event });
  }

  private flushGrid(onlyProject?: string): void {
    for (const [projectId, frame] of [...this.pendingGrid]) {
      if (onlyProject !== undefined && projectId !== onlyProject) continue;
      this.pendingGrid.delete(projectId);
      this.post(projectId, 'grid', { event: 'units:changed', frame });
    }
    if (this.pendingGrid.size === 0 && this.gridTimer) {
      clearTimeout(this.gridTimer);
      this.gridTimer = null;
    }
  }

  private post(projectId: string, audience: Audience, item: Outgoing): void {
    const room = audienceRoom(projectId, audience);
    let box = this.outboxes.get(room);
    if (!box) {
      box = { queue: [], draining: null };
      this.outboxes.set(room, box);
    }
    box.queue.push(item);
    box.draining ??= this.drain(room, box);
  }

  /** Write the box's items in order until it is empty (items posted meanwhile included). */
  private async drain(room: string, box: Outbox): Promise<void> {
    try {
      while (box.queue.length > 0) {
        let item = box.queue.shift()!;
        while (item.event === 'units:changed' && box.queue[0]?.event === 'units:changed') {
          const next = box.queue.shift() as UnitsItem;
          item = { event: 'units:changed', frame: merge(item.frame, next.frame) };
        }
        // A frame that cannot be written (a socket gone mid-write) must not stop the ones after it.
        await this.write(room, item).catch(() => undefined);
      }
    } finally {
      // Synchronously after the queue was seen empty: a later post starts a new drain.
      box.draining = null;
      this.outboxes.delete(room);
    }
  }

  /**
   * One item to every socket of `room`, `socketsPerTurn` at a time. The member list is read
   * once: a socket joining later loads a snapshot taken after this frame's changes (join, then
   * read); one that left meanwhile is skipped.
   */
  private async write(room: string, item: Outgoing): Promise<void> {
    const members = this.hub.adapter.rooms.get(room);
    if (!members?.size) return;
    const ids = [...members];
    for (let i = 0; i < ids.length; i += this.socketsPerTurn) {
      if (i > 0) await nextTurn();
      const current = this.hub.adapter.rooms.get(room);
      // Every socket is in the room of its own id: the chunk is addressed by ids.
      const chunk = ids.slice(i, i + this.socketsPerTurn).filter((id) => current?.has(id));
      if (chunk.length === 0) continue;
      const to = this.hub.local.to(chunk);
      if (item.event === 'units:changed') to.emit('units:changed', item.frame);
      else to.emit('project:changed', item.data);
    }
  }

  /** Send what is pending and stop the timer (shutdown). */
  async stop(): Promise<void> {
    this.flushGrid();
    if (this.gridTimer) clearTimeout(this.gridTimer);
    this.gridTimer = null;
    while (this.outboxes.size > 0) await Promise.all([...this.outboxes.values()].map((b) => b.draining));
  }
}
