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

/** A plain-Map follower (used by tests, load-test clients and the board's stats). */
export class LiveProject {
  seq = 0;
  paused = false;
  units = new Map<string, UnitState>();
  gaps = 0;

  load(snapshot: ProjectSnapshot): void {
    this.seq = snapshot.seq;
    this.paused = snapshot.paused;
    this.units = new Map(snapshot.units.map((u) => [u.id, u]));
  }

  /** Returns false on a gap: the caller must load a new snapshot. */
  apply(frame: UnitsChangedFrame): boolean {
    const plan = planFrame(this.seq, frame);
    if (plan.kind === 'gap') {
      this.gaps += 1;
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
