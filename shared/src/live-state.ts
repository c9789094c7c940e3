/**
 * How a screen follows a project: start from a snapshot, then apply `units:changed` frames in seq
 * order. One definition for the web client, the board, tests and load-test clients.
 */
import type { ProjectSnapshot, UnitChange, UnitState, UnitsChangedFrame } from './protocol.js';

export type FramePlan =
  /** Apply these changes (all newer than the state's seq, consecutive), then set seq to `seq`. */
  | { kind: 'apply'; changes: UnitChange[]; seq: number }
  /** Nothing new (a frame the snapshot already covered). */
  | { kind: 'stale' }
  /** A change is missing: fetch a new snapshot. */
  | { kind: 'gap'; expected: number; got: number };

/** Decide what to do with a frame given the last applied seq. */
export function planFrame(lastSeq: number, frame: UnitsChangedFrame): FramePlan {
  const fresh = frame.changes.filter((c) => c.seq > lastSeq);
  if (fresh.length === 0) return { kind: 'stale' };
  let expected = lastSeq + 1;
  for (const change of fresh) {
    if (change.seq !== expected) return { kind: 'gap', expected, got: change.seq };
    expected += 1;
  }
  // The frame claims changes up to frame.seq: if they did not all arrive, something is missing.
  if (frame.seq > expected - 1) return { kind: 'gap', expected, got: frame.seq };
  return { kind: 'apply', changes: fresh, seq: expected - 1 };
}

/** The unit after a change (pure). */
export function applyChange(unit: UnitState, change: UnitChange): UnitState {
  const next: UnitState = {
    id: unit.id,
    code: unit.code,
    buildingId: unit.buildingId,
    floor: unit.floor,
    status: change.status,
  };
  if (change.lock) next.lock = change.lock;
  const price =
    change.price ?? (change.status === 'SUBSCRIBED' || change.status === 'CONTRACTED' ? unit.price : undefined);
  if (price !== undefined) next.price = price;
  return next;
}

/**
 * A plain-Map follower (used by tests, load-test clients and the board's stats), with the join
 * protocol every follower needs:
 * - frames that arrive while a snapshot is awaited (before the first one, or after a gap) are held
 *   and applied after it: the server joins the rooms before it reads the snapshot, so frames it
 *   sends meanwhile may overtake the answer (older ones are then dropped by seq, newer ones apply);
 * - only the answer to the latest join loads: an earlier one may predate frames already applied
 *   (loading it would move the state back) or the moment a later join left and re-joined the rooms.
 * Judging such frames against the state as if no snapshot were coming reports gaps that are not
 * there, and each needless re-join can start the next (a cascade of reloads under load).
 *
 * Use: `const ticket = live.join()` just before sending `project:join`, then
 * `live.load(snapshot, ticket)`; on `false` from `apply` or `load`, join again.
 */
export class LiveProject {
  seq = 0;
  paused = false;
  units = new Map<string, UnitState>();
  /** Frames that did not follow on from the state: a change the server never delivered. */
  gaps = 0;
  /** Frames received while a snapshot is awaited (null while following). None is loaded yet. */
  private held: UnitsChangedFrame[] | null = [];
  /** The latest join asked for (its answer is the one to load). */
  private ticket = 0;

  /** A snapshot is being asked for (call just before sending `project:join`): returns its ticket. */
  join(): number {
    this.held ??= [];
    this.ticket += 1;
    return this.ticket;
  }

  /**
   * Load the answer to join `ticket` (default: the latest) and apply the frames held meanwhile.
   * The answer to an earlier join is ignored (the latest's is on its way). Returns false when a
   * held frame does not follow on from the snapshot: the caller must join again.
   */
  load(snapshot: ProjectSnapshot, ticket = this.ticket): boolean {
    if (ticket !== this.ticket) return true;
    this.seq = snapshot.seq;
    this.paused = snapshot.paused;
    this.units = new Map(snapshot.units.map((u) => [u.id, u]));
    const held = this.held ?? [];
    this.held = null;
    const missing = held.findIndex((frame) => !this.apply(frame));
    if (missing < 0) return true;
    this.held = held.slice(missing); // the frame after the gap and every later one wait for the next snapshot
    return false;
  }

  /** Returns false on a gap: the caller must join again (frames are held until that snapshot loads). */
  apply(frame: UnitsChangedFrame): boolean {
    if (this.held) {
      this.held.push(frame);
      return true;
    }
    const plan = planFrame(this.seq, frame);
    if (plan.kind === 'gap') {
      this.gaps += 1;
      this.held = [frame];
      return false;
    }
    if (plan.kind === 'apply') {
      for (const change of plan.changes) {
        const unit = this.units.get(change.unitId);
        if (unit) this.units.set(change.unitId, applyChange(unit, change));
      }
      this.seq = plan.seq;
    }
    return true;
  }
}
