import { describe, expect, it } from 'vitest';
import type { ProjectSnapshot, UnitChange, UnitsChangedFrame } from '@kaipan/shared';
import { applyFrame, fromSnapshot, type UnitsState } from './apply-frame';

const P = 'project-1';
const U1 = 'unit-1';
const U2 = 'unit-2';

function snapshot(seq: number): ProjectSnapshot {
  return {
    projectId: P,
    seq,
    paused: false,
    serverTime: '2026-01-01T01:00:00.000Z',
    units: [
      { id: U1, code: '0801', buildingId: 'b1', floor: 8, status: 'AVAILABLE' },
      {
        id: U2,
        code: '0802',
        buildingId: 'b1',
        floor: 8,
        status: 'LOCKED',
        lock: { holderId: 'c1', holderName: '王一', expiresAt: '2026-01-01T01:02:00.000Z', ttlMs: 90_000 },
      },
    ],
  };
}

function frame(changes: UnitChange[], projectId = P): UnitsChangedFrame {
  const first = changes[0];
  const last = changes[changes.length - 1];
  if (!first || !last) throw new Error('a frame needs changes');
  return { projectId, fromSeq: first.seq, seq: last.seq, changes };
}

const lockChange = (seq: number, unitId: string, ttlMs = 120_000): UnitChange => ({
  seq,
  unitId,
  status: 'LOCKED',
  lock: { holderId: 'c2', holderName: '李二', expiresAt: '2026-01-01T01:03:00.000Z', ttlMs },
  at: 1_000 + seq,
});
const statusChange = (seq: number, unitId: string, status: UnitChange['status'], price?: number): UnitChange => ({
  seq,
  unitId,
  status,
  ...(price === undefined ? {} : { price }),
  at: 1_000 + seq,
});

describe('fromSnapshot', () => {
  it('keys units by id and turns ttlMs into a local deadline', () => {
    const s = fromSnapshot(snapshot(10), 5_000);
    expect(s.seq).toBe(10);
    expect(s.paused).toBe(false);
    expect(Object.keys(s.units)).toEqual([U1, U2]);
    expect(s.units[U2]?.lock?.deadline).toBe(95_000);
    expect(s.units[U1]?.lock).toBeUndefined();
  });
});

describe('applyFrame', () => {
  it('applies consecutive changes in order and advances seq', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const r = applyFrame(s0, frame([lockChange(11, U1), statusChange(12, U2, 'AVAILABLE')]), 1_000);
    expect(r.outcome).toBe('applied');
    expect(r.state.seq).toBe(12);
    expect(r.applied.map((c) => c.seq)).toEqual([11, 12]);
    expect(r.state.units[U1]?.status).toBe('LOCKED');
    expect(r.state.units[U1]?.lock?.holderName).toBe('李二');
    expect(r.state.units[U1]?.lock?.deadline).toBe(121_000);
    expect(r.state.units[U2]?.status).toBe('AVAILABLE');
    expect(r.state.units[U2]?.lock).toBeUndefined();
  });

  it('does not mutate the previous state', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const before = structuredClone(s0);
    applyFrame(s0, frame([lockChange(11, U1)]));
    expect(s0).toEqual(before);
  });

  it('records the deal price of a subscription', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const r = applyFrame(s0, frame([statusChange(11, U2, 'SUBSCRIBED', 312_000_000)]));
    expect(r.state.units[U2]).toMatchObject({ status: 'SUBSCRIBED', price: 312_000_000, lock: undefined });
  });

  it('ignores a duplicate frame', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const f = frame([lockChange(11, U1)]);
    const r1 = applyFrame(s0, f);
    const r2 = applyFrame(r1.state, f);
    expect(r2.outcome).toBe('stale');
    expect(r2.state).toBe(r1.state);
    expect(r2.applied).toEqual([]);
  });

  it('ignores frames older than the snapshot', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const r = applyFrame(s0, frame([statusChange(9, U1, 'WITHHELD'), statusChange(10, U1, 'SUBSCRIBED')]));
    expect(r.outcome).toBe('stale');
    expect(r.state.units[U1]?.status).toBe('AVAILABLE');
    expect(r.state.seq).toBe(10);
  });

  it('applies only the new part of a frame that overlaps the state', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const r = applyFrame(
      s0,
      frame([statusChange(9, U1, 'WITHHELD'), statusChange(10, U1, 'WITHHELD'), lockChange(11, U1)]),
    );
    expect(r.outcome).toBe('applied');
    expect(r.applied.map((c) => c.seq)).toEqual([11]);
    expect(r.state.units[U1]?.status).toBe('LOCKED');
  });

  it('reports a gap when the next change is not seq + 1', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const r = applyFrame(s0, frame([lockChange(12, U1)]));
    expect(r.outcome).toBe('gap');
    expect(r.expectedSeq).toBe(11);
    expect(r.state.seq).toBe(10);
    expect(r.state.units[U1]?.status).toBe('AVAILABLE');
  });

  it('applies nothing from a frame with a gap inside and reports the gap (a snapshot replaces the state)', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const r = applyFrame(s0, frame([lockChange(11, U1), statusChange(13, U2, 'AVAILABLE')]));
    expect(r.outcome).toBe('gap');
    expect(r.expectedSeq).toBe(12);
    expect(r.state).toBe(s0);
    expect(r.applied).toEqual([]);
  });

  it('reports a gap when the frame claims a later seq than its changes reach', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const r = applyFrame(s0, { projectId: P, fromSeq: 11, seq: 12, changes: [lockChange(11, U1)] });
    expect(r.outcome).toBe('gap');
    expect(r.expectedSeq).toBe(12);
  });

  it('ignores frames of another project', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const r = applyFrame(s0, frame([lockChange(11, U1)], 'other'));
    expect(r.outcome).toBe('stale');
    expect(r.state).toBe(s0);
  });

  it('advances seq over a change for a unit it does not know', () => {
    const s0 = fromSnapshot(snapshot(10), 0);
    const r = applyFrame(s0, frame([lockChange(11, 'unknown'), lockChange(12, U1)]));
    expect(r.outcome).toBe('applied');
    expect(r.state.seq).toBe(12);
    expect(r.state.units[U1]?.status).toBe('LOCKED');
  });

  it('clears the price when a cancelled unit goes back on sale', () => {
    const s0: UnitsState = fromSnapshot(snapshot(10), 0);
    const sold = applyFrame(s0, frame([statusChange(11, U1, 'SUBSCRIBED', 100)])).state;
    const back = applyFrame(sold, frame([statusChange(12, U1, 'AVAILABLE')])).state;
    expect(back.units[U1]?.price).toBeUndefined();
  });
});
