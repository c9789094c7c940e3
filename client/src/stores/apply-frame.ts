/**
 * Pure state rules of the live unit store: build state from a snapshot and apply `units:changed`
 * frames in sequence order. No I/O and no Solid here, so the rules are unit-tested directly
 * (units.test.ts) and stores/units.ts only wires them to the socket.
 */
import { planFrame } from '@kaipan/shared';
import type {
  ProjectSnapshot,
  UnitChange,
  UnitLockInfo,
  UnitsChangedFrame,
  UnitState,
  UnitStatus,
} from '@kaipan/shared';

/** A lock as the client tracks it: `deadline` is local epoch ms (receipt time + ttlMs), skew-free. */
export interface LiveLock extends UnitLockInfo {
  deadline: number;
}

/** A unit's live state. `lock`/`price` are always present as keys so a store merge can clear them. */
export interface LiveUnit {
  id: string;
  code: string;
  buildingId: string;
  floor: number;
  status: UnitStatus;
  lock: LiveLock | undefined;
  price: number | undefined;
}

export interface UnitsState {
  projectId: string;
  /** Sequence number of the last change applied. */
  seq: number;
  paused: boolean;
  units: Record<string, LiveUnit>;
}

export type ApplyOutcome =
  /** At least one change was applied. */
  | 'applied'
  /** Nothing new: every change had a seq ≤ the state's (duplicate or old frame), or another project. */
  | 'stale'
  /** A change is missing: the caller must re-join and replace state from a fresh snapshot. */
  | 'gap';

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** The new state (the same object when nothing was applied). */
  state: UnitsState;
  /** The changes applied, in order. */
  applied: UnitChange[];
  /** On a gap, the seq that was expected next. */
  expectedSeq?: number;
}

export function toLiveLock(lock: UnitLockInfo | undefined, receivedAt: number): LiveLock | undefined {
  if (!lock) return undefined;
  return { ...lock, deadline: receivedAt + Math.max(0, lock.ttlMs) };
}

export function toLiveUnit(unit: UnitState, receivedAt: number): LiveUnit {
  return {
    id: unit.id,
    code: unit.code,
    buildingId: unit.buildingId,
    floor: unit.floor,
    status: unit.status,
    lock: unit.status === 'LOCKED' ? toLiveLock(unit.lock, receivedAt) : undefined,
    price: unit.price,
  };
}

/** State from a snapshot (project:join ack or GET …/snapshot), replacing whatever was there. */
export function fromSnapshot(snapshot: ProjectSnapshot, receivedAt: number): UnitsState {
  const units: Record<string, LiveUnit> = {};
  for (const u of snapshot.units) units[u.id] = toLiveUnit(u, receivedAt);
  return { projectId: snapshot.projectId, seq: snapshot.seq, paused: snapshot.paused, units };
}

function applyChange(unit: LiveUnit, change: UnitChange, receivedAt: number): LiveUnit {
  return {
    ...unit,
    status: change.status,
    lock: change.status === 'LOCKED' ? toLiveLock(change.lock, receivedAt) : undefined,
    // A change carries the deal price when there is one; a unit back on sale has none.
    price: change.price ?? (change.status === 'AVAILABLE' ? undefined : unit.price),
  };
}

/**
 * Apply a frame by the shared seq rule (`planFrame`): changes with seq ≤ state.seq are ignored
 * (duplicates, frames older than the snapshot); the next must be exactly state.seq + 1, otherwise
 * there is a gap and the caller re-joins for a fresh snapshot.
 */
export function applyFrame(state: UnitsState, frame: UnitsChangedFrame, receivedAt: number = Date.now()): ApplyResult {
  if (frame.projectId !== state.projectId) return { outcome: 'stale', state, applied: [] };
  const plan = planFrame(state.seq, frame);
  if (plan.kind === 'stale') return { outcome: 'stale', state, applied: [] };
  if (plan.kind === 'gap') return { outcome: 'gap', state, applied: [], expectedSeq: plan.expected };
  const units = { ...state.units };
  for (const change of plan.changes) {
    const current = units[change.unitId];
    // A unit the snapshot did not list (catalog changed underneath us): the seq still advances.
    if (current) units[change.unitId] = applyChange(current, change, receivedAt);
  }
  return { outcome: 'applied', state: { ...state, seq: plan.seq, units }, applied: plan.changes };
}
