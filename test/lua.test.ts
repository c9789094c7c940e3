/** The Lua scripts of the lock protocol, run against a real Redis server. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { UnitMirror } from '../server/src/selling/mirror.js';
import { counterFloor } from '../server/src/domain/counters.js';
import { testRedisUrl, uniqueRedisPrefix } from './support/services.js';

const redis = new Redis(testRedisUrl());
let mirror: UnitMirror;
let projectId: string;
const [u1, u2, u3, u4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const alice = { id: 'alice', name: 'Alice 爱丽丝' };
const bob = { id: 'bob', name: 'Bob' };

afterAll(() => redis.disconnect());

beforeEach(async () => {
  mirror = new UnitMirror(redis, uniqueRedisPrefix());
  projectId = randomUUID();
  await mirror.rebuild(
    projectId,
    [
      { id: u1, status: 'AVAILABLE', version: 1, price: null },
      { id: u2, status: 'AVAILABLE', version: 1, price: null },
      { id: u3, status: 'AVAILABLE', version: 1, price: null },
      { id: u4, status: 'NOT_RELEASED', version: 1, price: null },
    ],
    { paused: false, version: 1 },
    { ifLost: counterFloor(Date.now()), seq: 0, fence: 0 },
  );
});

async function logEntries() {
  const raw = (await redis.xrange(mirror.keys(projectId).log, '-', '+')) as [string, string[]][];
  return mirror.parseLog([[mirror.keys(projectId).log, raw]]).entries;
}

describe('lock.lua', () => {
  it('grants one lock with a fencing token; refuses others; repeats for the holder', async () => {
    const first = await mirror.lock(projectId, u1, alice, 60_000, 2);
    if (!first.ok) throw new Error(first.code);
    expect(first.value).toMatchObject({ isNew: true, ttlMs: 60_000 });
    expect(Number(first.value.token)).toBeGreaterThanOrEqual(counterFloor(Date.now()) - 100_000);
    expect(await mirror.lock(projectId, u1, bob, 60_000, 2)).toEqual({ ok: false, code: 'LOCK_HELD' });
    const again = await mirror.lock(projectId, u1, alice, 60_000, 2);
    expect(again).toMatchObject({ ok: true, value: { token: first.value.token, isNew: false } });
    const second = await mirror.lock(projectId, u2, bob, 60_000, 2);
    if (!second.ok) throw new Error(second.code);
    expect(BigInt(second.value.token)).toBeGreaterThan(BigInt(first.value.token));
    const ttl = await redis.pttl(`${mirror.keys(projectId).lockPrefix}${u1}`);
    expect(ttl).toBeGreaterThan(59_000);
  });

  it('refuses unreleased, unknown, paused and over-limit', async () => {
    expect(await mirror.lock(projectId, u4, alice, 60_000, 2)).toEqual({ ok: false, code: 'NOT_RELEASED' });
    expect((await mirror.lock(projectId, u1, alice, 60_000, 1)).ok).toBe(true);
    expect(await mirror.lock(projectId, u2, alice, 60_000, 1)).toEqual({ ok: false, code: 'LOCK_LIMIT' });
    expect(await mirror.setPaused(projectId, true, 2)).toBe(true);
    expect(await mirror.lock(projectId, u3, bob, 60_000, 2)).toEqual({ ok: false, code: 'SALES_PAUSED' });
    // An older pause/resume never overwrites a newer one.
    expect(await mirror.setPaused(projectId, false, 2)).toBe(false);
    expect((await mirror.snapshot(projectId)).paused).toBe(true);
    expect(await mirror.setPaused(projectId, false, 3)).toBe(true);
    expect((await mirror.lock(projectId, u3, bob, 60_000, 2)).ok).toBe(true);
  });

  it('answers MIRROR_MISSING when Redis lost the mirror, or a unit of it', async () => {
    expect(await mirror.lock(projectId, randomUUID(), alice, 60_000, 2)).toEqual({ ok: false, code: 'MIRROR_MISSING' });
    await redis.del(mirror.keys(projectId).ready);
    expect(await mirror.lock(projectId, u1, alice, 60_000, 2)).toEqual({ ok: false, code: 'MIRROR_MISSING' });
  });
});

describe('release.lua', () => {
  it('compares the token and the holder, and is idempotent', async () => {
    const lock = await mirror.lock(projectId, u1, alice, 60_000, 2);
    if (!lock.ok) throw new Error(lock.code);
    expect(await mirror.release(projectId, u1, '12345', alice.id, false)).toEqual({ ok: false, code: 'LOCK_EXPIRED' });
    expect(await mirror.release(projectId, u1, lock.value.token, bob.id, false)).toEqual({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await mirror.release(projectId, u1, lock.value.token, alice.id, false)).toEqual({
      ok: true,
      value: { released: true, holderId: 'alice' },
    });
    expect(await mirror.release(projectId, u1, lock.value.token, alice.id, false)).toEqual({
      ok: true,
      value: { released: false, holderId: '' },
    });
    expect(await mirror.getLock(projectId, u1)).toBeNull();
    // The slot is free for the limit again.
    expect((await mirror.lock(projectId, u2, alice, 60_000, 1)).ok).toBe(true);
  });

  it('lets a manager force-release another holder’s lock', async () => {
    const lock = await mirror.lock(projectId, u1, alice, 60_000, 2);
    if (!lock.ok) throw new Error(lock.code);
    expect((await mirror.release(projectId, u1, lock.value.token, 'manager', true)).ok).toBe(true);
  });
});

describe('confirm-begin / confirm-abort / apply', () => {
  it('holds the lock while confirming, then apply drops it and broadcasts the sale', async () => {
    const lock = await mirror.lock(projectId, u1, alice, 60_000, 2);
    if (!lock.ok) throw new Error(lock.code);
    expect(await mirror.confirmBegin(projectId, u1, '1', alice.id, 15_000)).toEqual({
      ok: false,
      code: 'LOCK_EXPIRED',
    });
    expect(await mirror.confirmBegin(projectId, u1, lock.value.token, bob.id, 15_000)).toEqual({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await mirror.confirmBegin(projectId, u1, lock.value.token, alice.id, 15_000)).toEqual({
      ok: true,
      value: { registrationId: null },
    });
    expect(await mirror.release(projectId, u1, lock.value.token, alice.id, false)).toEqual({
      ok: false,
      code: 'CONFLICT',
    });
    const applied = await mirror.apply(projectId, [
      { unitId: u1, status: 'SUBSCRIBED', version: 2, price: 123_456_00, token: lock.value.token },
    ]);
    expect(applied.seqs[0]).toBeGreaterThan(0);
    expect(applied.revoked).toEqual([]);
    expect(await mirror.getLock(projectId, u1)).toBeNull();
    const snap = await mirror.snapshot(projectId);
    expect(snap.units.get(u1)).toEqual({ status: 'SUBSCRIBED', version: 2, price: 123_456_00 });
    expect(snap.locks.size).toBe(0);
    expect(await mirror.lock(projectId, u1, bob, 60_000, 2)).toEqual({ ok: false, code: 'UNIT_NOT_AVAILABLE' });
  });

  it('abort gives the lock back its own expiry', async () => {
    const lock = await mirror.lock(projectId, u1, alice, 60_000, 2);
    if (!lock.ok) throw new Error(lock.code);
    await mirror.confirmBegin(projectId, u1, lock.value.token, alice.id, 15_000);
    await mirror.confirmAbort(projectId, u1, lock.value.token);
    const raw = await mirror.getLock(projectId, u1);
    expect(raw?.c).toBeUndefined();
    expect((await mirror.release(projectId, u1, lock.value.token, alice.id, false)).ok).toBe(true);
  });

  it('never applies an older version over a newer one', async () => {
    expect((await mirror.apply(projectId, [{ unitId: u2, status: 'WITHHELD', version: 5 }])).seqs).toEqual([
      expect.any(Number),
    ]);
    expect((await mirror.apply(projectId, [{ unitId: u2, status: 'AVAILABLE', version: 4 }])).seqs).toEqual([0]);
    expect((await mirror.snapshot(projectId)).units.get(u2)).toEqual({ status: 'WITHHELD', version: 5 });
  });
});

describe('sweep.lua and the change log', () => {
  it('broadcasts lapsed locks once and frees the holder’s slot', async () => {
    const lock = await mirror.lock(projectId, u1, alice, 50, 1);
    if (!lock.ok) throw new Error(lock.code);
    await new Promise((r) => setTimeout(r, 80));
    expect(await mirror.sweep(projectId)).toEqual([{ unitId: u1, holderId: 'alice', token: lock.value.token }]);
    expect(await mirror.sweep(projectId)).toEqual([]);
    expect((await mirror.lock(projectId, u2, alice, 60_000, 1)).ok).toBe(true);
  });

  it('stays silent when a newer lock already took the unit', async () => {
    const old = await mirror.lock(projectId, u1, alice, 30, 2);
    if (!old.ok) throw new Error(old.code);
    await new Promise((r) => setTimeout(r, 60));
    expect((await mirror.lock(projectId, u1, bob, 60_000, 2)).ok).toBe(true);
    expect(await mirror.sweep(projectId)).toEqual([]);
    expect((await mirror.snapshot(projectId)).locks.get(u1)?.h).toBe('bob');
  });

  it('numbers every change consecutively in log order', async () => {
    const lock = await mirror.lock(projectId, u1, alice, 60_000, 2);
    if (!lock.ok) throw new Error(lock.code);
    await mirror.release(projectId, u1, lock.value.token, alice.id, false);
    await mirror.apply(projectId, [
      { unitId: u2, status: 'WITHHELD', version: 2 },
      { unitId: u3, status: 'WITHHELD', version: 2 },
    ]);
    const units = (await logEntries()).flatMap((e) => (e.kind === 'unit' ? [e.change] : []));
    expect(units.map((c) => c.status)).toEqual(['LOCKED', 'AVAILABLE', 'WITHHELD', 'WITHHELD']);
    const seqs = units.map((c) => c.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(units[0]!.lock).toMatchObject({ holderId: 'alice', holderName: 'Alice 爱丽丝' });
    expect((await mirror.snapshot(projectId)).seq).toBe(seqs[3]);
  });

  it('after Redis loses everything, nothing is broadcast until the rebuild restores counters above their old values', async () => {
    await mirror.lock(projectId, u1, alice, 60_000, 2);
    const before = (await mirror.snapshot(projectId)).seq;
    const k = mirror.keys(projectId);
    await redis.del(k.units, k.ready, k.seq, k.fence, k.log, k.lockexp, k.paused, `${k.lockPrefix}${u1}`);
    expect((await mirror.apply(projectId, [{ unitId: u2, status: 'WITHHELD', version: 2 }])).seqs).toEqual([0]);
    expect(await redis.exists(k.seq)).toBe(0);
    const result = await mirror.rebuild(
      projectId,
      [
        { id: u1, status: 'AVAILABLE', version: 1, price: null },
        { id: u2, status: 'AVAILABLE', version: 1, price: null },
      ],
      { paused: false, version: 1 },
      { ifLost: counterFloor(Date.now()) + 1_000, seq: 0, fence: 0 },
    );
    expect(result.countersRaised).toBe(true);
    const snap = await mirror.snapshot(projectId);
    expect(snap.seq).toBeGreaterThan(before);
    expect(snap.units.get(u2)?.status).toBe('WITHHELD');
    expect(snap.locks.size).toBe(0);
    const entries = await logEntries();
    expect(entries.at(-1)).toMatchObject({ kind: 'project', change: { resync: true } });
  });
});

describe('apply.lua revokes locks and rebuild.lua never lowers counters', () => {
  it('reports a lock taken between a manager’s check and the commit', async () => {
    const lock = await mirror.lock(projectId, u1, alice, 60_000, 2);
    if (!lock.ok) throw new Error(lock.code);
    const applied = await mirror.apply(projectId, [{ unitId: u1, status: 'WITHHELD', version: 2 }]);
    expect(applied.revoked).toEqual([{ unitId: u1, holderId: 'alice', token: lock.value.token }]);
    expect(await mirror.getLock(projectId, u1)).toBeNull();
  });

  it('raises counters that lost their tail, keeps newer ones, and drops locks on units no longer for sale', async () => {
    const lock = await mirror.lock(projectId, u1, alice, 60_000, 2);
    if (!lock.ok) throw new Error(lock.code);
    const k = mirror.keys(projectId);
    const before = (await mirror.snapshot(projectId)).seq;
    // Redis restarted from an append-only file that lost its tail: the mirror was marked ready by
    // another Redis run, and the counter is back at an older value.
    await redis.set(k.ready, 'a-previous-redis-run');
    await redis.set(k.seq, String(before - 5));
    const floor = before + 100;
    const raised = await mirror.rebuild(
      projectId,
      [{ id: u1, status: 'SUBSCRIBED', version: 9, price: 1 }],
      { paused: false, version: 1 },
      { ifLost: floor, seq: 0, fence: 0 },
    );
    expect(raised).toMatchObject({ countersRaised: true });
    expect((await mirror.snapshot(projectId)).seq).toBe(floor);
    expect(await mirror.getLock(projectId, u1)).toBeNull();
    const again = await mirror.rebuild(
      projectId,
      [{ id: u1, status: 'SUBSCRIBED', version: 9, price: 1 }],
      { paused: false, version: 1 },
      { ifLost: floor - 50, seq: 0, fence: 0 },
    );
    expect(again).toEqual({ countersRaised: false, changed: 0 });
    expect((await mirror.snapshot(projectId)).seq).toBe(floor);
  });

  it('a rebuild while this Redis kept the counters (a hub process starting) moves nothing and tells no screen to resync', async () => {
    const lock = await mirror.lock(projectId, u1, alice, 60_000, 2);
    if (!lock.ok) throw new Error(lock.code);
    const k = mirror.keys(projectId);
    const seq = (await mirror.snapshot(projectId)).seq;
    const fence = Number(await redis.get(k.fence));
    const logLength = await redis.xlen(k.log);
    // The clock floor a minute from now is far above both counters (100 000 per second).
    const rows = [u1, u2, u3].map((id) => ({ id, status: 'AVAILABLE' as const, version: 1, price: null }));
    const result = await mirror.rebuild(
      projectId,
      rows,
      { paused: false, version: 1 },
      { ifLost: counterFloor(Date.now() + 60_000), seq, fence },
    );
    expect(result).toEqual({ countersRaised: false, changed: 0 });
    expect((await mirror.snapshot(projectId)).seq).toBe(seq);
    expect(Number(await redis.get(k.fence))).toBe(fence);
    expect(await redis.xlen(k.log)).toBe(logLength);
    // The next change follows on: seq + 1, no gap for any screen.
    expect((await mirror.release(projectId, u1, lock.value.token, alice.id, false)).ok).toBe(true);
    expect((await mirror.snapshot(projectId)).seq).toBe(seq + 1);
  });

  it('still raises a counter that is below a value known to have been issued', async () => {
    const k = mirror.keys(projectId);
    const seq = (await mirror.snapshot(projectId)).seq;
    await redis.set(k.seq, String(seq - 10));
    const result = await mirror.rebuild(
      projectId,
      [],
      { paused: false, version: 1 },
      { ifLost: counterFloor(Date.now() + 60_000), seq, fence: 0 },
    );
    expect(result.countersRaised).toBe(true);
    expect((await mirror.snapshot(projectId)).seq).toBe(seq);
  });
});
