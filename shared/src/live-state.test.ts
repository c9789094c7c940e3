import { describe, expect, it } from 'vitest';
import { applyChange, LiveProject, planFrame } from './live-state.js';
import type { UnitChange, UnitsChangedFrame } from './protocol.js';

const change = (seq: number, unitId = 'u1', status: UnitChange['status'] = 'LOCKED'): UnitChange => ({
  seq,
  unitId,
  status,
  at: 0,
});
const frame = (...changes: UnitChange[]): UnitsChangedFrame => ({
  projectId: 'p',
  fromSeq: changes[0]!.seq,
  seq: changes[changes.length - 1]!.seq,
  changes,
});

describe('planFrame', () => {
  it('applies consecutive changes', () => {
    expect(planFrame(10, frame(change(11), change(12)))).toEqual({
      kind: 'apply',
      changes: [change(11), change(12)],
      seq: 12,
    });
  });
  it('skips what the snapshot already covered', () => {
    expect(planFrame(12, frame(change(11), change(12)))).toEqual({ kind: 'stale' });
    expect(planFrame(11, frame(change(11), change(12)))).toEqual({ kind: 'apply', changes: [change(12)], seq: 12 });
  });
  it('reports a gap', () => {
    expect(planFrame(10, frame(change(12)))).toEqual({ kind: 'gap', expected: 11, got: 12 });
    expect(planFrame(10, frame(change(11), change(13)))).toEqual({ kind: 'gap', expected: 12, got: 13 });
  });
});

describe('applyChange and LiveProject', () => {
  const base = { id: 'u1', code: '1-0101', buildingId: 'b', floor: 1, status: 'AVAILABLE' as const };
  it('drops the lock when the unit is released and keeps the deal price when sold', () => {
    const locked = applyChange(base, {
      ...change(1),
      lock: { holderId: 'h', holderName: 'H', expiresAt: '', ttlMs: 1 },
    });
    expect(locked.lock?.holderId).toBe('h');
    expect(applyChange(locked, change(2, 'u1', 'AVAILABLE')).lock).toBeUndefined();
    expect(applyChange(locked, { ...change(3, 'u1', 'SUBSCRIBED'), price: 500 }).price).toBe(500);
  });
  it('follows frames and asks for a snapshot on a gap', () => {
    const live = new LiveProject();
    live.load({ projectId: 'p', seq: 5, paused: false, serverTime: '', units: [base] });
    expect(live.apply(frame(change(6)))).toBe(true);
    expect(live.units.get('u1')?.status).toBe('LOCKED');
    expect(live.apply(frame(change(8, 'u1', 'AVAILABLE')))).toBe(false);
    expect(live.gaps).toBe(1);
    expect(live.seq).toBe(6);
  });
});

describe('LiveProject joining (frames racing the snapshot)', () => {
  const units = [
    { id: 'u1', code: '1-0101', buildingId: 'b', floor: 1, status: 'AVAILABLE' as const },
    { id: 'u2', code: '1-0102', buildingId: 'b', floor: 1, status: 'AVAILABLE' as const },
  ];
  const snapshot = (seq: number, u1: 'AVAILABLE' | 'LOCKED' = 'AVAILABLE') => ({
    projectId: 'p',
    seq,
    paused: false,
    serverTime: '',
    units: [{ ...units[0]!, status: u1 }, units[1]!],
  });

  it('holds a frame that overtakes the first snapshot, then drops what the snapshot covers', () => {
    const live = new LiveProject();
    const ticket = live.join();
    // The server joined the rooms, then read seq 40: frame 39–40 (older) and 41 (newer) arrive first.
    expect(live.apply(frame(change(39, 'u1'), change(40, 'u2')))).toBe(true);
    expect(live.apply(frame(change(41, 'u2')))).toBe(true);
    expect(live.load(snapshot(40, 'LOCKED'), ticket)).toBe(true);
    expect(live.gaps).toBe(0);
    expect(live.seq).toBe(41);
    expect(live.units.get('u1')?.status).toBe('LOCKED');
    expect(live.units.get('u2')?.status).toBe('LOCKED');
  });

  it('loads only the latest join: an earlier answer arriving late does not move the state back', () => {
    // The sequence test/race.test.ts met under load (5 gaps reported, none missing on the wire).
    const live = new LiveProject();
    const first = live.join();
    const second = live.join(); // e.g. the screen was told to resync meanwhile
    expect(live.load(snapshot(40), second)).toBe(true);
    expect(live.apply(frame(change(41, 'u1'), change(42, 'u2')))).toBe(true);
    expect(live.load(snapshot(40), first)).toBe(true); // late, older: ignored
    expect(live.seq).toBe(42);
    expect(live.apply(frame(change(43, 'u1', 'AVAILABLE')))).toBe(true);
    expect(live.gaps).toBe(0);
    expect(live.units.get('u1')?.status).toBe('AVAILABLE');
    expect(live.units.get('u2')?.status).toBe('LOCKED');
  });

  it('after a gap, holds the frames until the new snapshot instead of counting each as a gap', () => {
    const live = new LiveProject();
    live.load(snapshot(10));
    expect(live.apply(frame(change(12, 'u1')))).toBe(false); // 11 never came
    const ticket = live.join();
    expect(live.apply(frame(change(13, 'u2')))).toBe(true);
    expect(live.apply(frame(change(14, 'u2', 'AVAILABLE')))).toBe(true);
    expect(live.load(snapshot(13, 'LOCKED'), ticket)).toBe(true);
    expect(live.gaps).toBe(1);
    expect(live.seq).toBe(14);
    expect(live.units.get('u2')?.status).toBe('AVAILABLE');
  });

  it('reports a held frame that does not follow on from the snapshot, and holds what came after it', () => {
    const live = new LiveProject();
    const ticket = live.join();
    live.apply(frame(change(12, 'u1')));
    live.apply(frame(change(13, 'u2')));
    expect(live.load(snapshot(10), ticket)).toBe(false); // 11 is missing: join again
    expect(live.gaps).toBe(1);
    expect(live.seq).toBe(10);
    const again = live.join();
    expect(live.load(snapshot(12, 'LOCKED'), again)).toBe(true);
    expect(live.seq).toBe(13);
    expect(live.units.get('u2')?.status).toBe('LOCKED');
  });
});
