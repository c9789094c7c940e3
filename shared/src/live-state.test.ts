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
