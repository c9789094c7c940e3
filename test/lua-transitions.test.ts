/**
 * The lock protocol's Lua scripts change unit statuses exactly as the transition table allows
 * (shared/src/unit-status.ts): each script declares its step in its header ("-- Unit transition:"),
 * the step must be in the table, and run against a real Redis from every status a unit can show, the
 * script makes that step where the table allows it and changes nothing where it does not.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  nextStatus,
  storedStatusOf,
  UNIT_STATUSES,
  UNIT_TRANSITIONS,
  type UnitAction,
  type UnitStatus,
} from '@kaipan/shared';
import { UnitMirror } from '../server/src/selling/mirror.js';
import { counterFloor } from '../server/src/domain/counters.js';
import { testRedisUrl, uniqueRedisPrefix } from './support/services.js';

const LUA_DIR = new URL('../server/src/selling/lua/', import.meta.url);
const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

const alice = { id: 'alice', name: 'Alice' };
const bob = { id: 'bob', name: 'Bob' };

/** A project whose one unit shows `status` (LOCKED: an AVAILABLE unit locked by Alice). */
async function unitShowing(status: UnitStatus, lockTtlMs = 60_000) {
  const mirror = new UnitMirror(redis, uniqueRedisPrefix());
  const projectId = randomUUID();
  const unitId = randomUUID();
  await mirror.rebuild(
    projectId,
    [{ id: unitId, status: storedStatusOf(status), version: 1, price: null }],
    { paused: false, version: 1 },
    { ifLost: counterFloor(Date.now()), seq: 0, fence: 0 },
  );
  let token = 'none';
  if (status === 'LOCKED') {
    const grant = await mirror.lock(projectId, unitId, alice, lockTtlMs, 5);
    if (!grant.ok) throw new Error(grant.code);
    token = grant.value.token;
  }
  const logKey = mirror.keys(projectId).log;
  const seen = (await redis.xrange(logKey, '-', '+')).length;
  /** The statuses broadcast for the unit since it was set up. */
  const broadcast = async (): Promise<UnitStatus[]> => {
    const raw = (await redis.xrange(logKey, '-', '+')).slice(seen) as [string, string[]][];
    return mirror
      .parseLog([[logKey, raw]])
      .entries.flatMap((e) => (e.kind === 'unit' && e.change.unitId === unitId ? [e.change.status] : []));
  };
  return { mirror, projectId, unitId, token, broadcast };
}

type Unit = Awaited<ReturnType<typeof unitShowing>>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How each script is run on a unit (the script's own arguments are covered by test/lua.test.ts). */
const RUN: Record<string, { lockTtlMs?: number; run: (u: Unit) => Promise<unknown> }> = {
  lock: { run: (u) => u.mirror.lock(u.projectId, u.unitId, bob, 60_000, 5) },
  release: { run: (u) => u.mirror.release(u.projectId, u.unitId, u.token, alice.id, false) },
  sweep: {
    lockTtlMs: 30,
    run: async (u) => {
      await sleep(60);
      return u.mirror.sweep(u.projectId);
    },
  },
  extend: { run: (u) => u.mirror.extend(u.projectId, u.unitId, u.token, alice.id, Date.now() + 120_000) },
  'confirm-begin': { run: (u) => u.mirror.confirmBegin(u.projectId, u.unitId, u.token, alice.id, 30_000) },
  'confirm-abort': {
    run: async (u) => {
      await u.mirror.confirmBegin(u.projectId, u.unitId, u.token, alice.id, 30_000);
      await u.mirror.confirmAbort(u.projectId, u.unitId, u.token);
    },
  },
  snapshot: { run: (u) => u.mirror.snapshot(u.projectId) },
  'set-paused': { run: (u) => u.mirror.setPaused(u.projectId, true, 2) },
};

/** Scripts that write what PostgreSQL committed (their steps are checked where they are made). */
const STORED = ['apply', 'rebuild'];

function declared(script: string): string {
  const line = readFileSync(new URL(`${script}.lua`, LUA_DIR), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('-- Unit transition: '));
  if (!line) throw new Error(`${script}.lua declares no "-- Unit transition:" in its header`);
  return line.slice('-- Unit transition: '.length);
}

/** The table's step a script declares, or null for 'none' / 'stored'. */
function declaredStep(script: string): { from: UnitStatus; action: UnitAction; to: UnitStatus } | null {
  const text = declared(script);
  const m = /^(\w+) --(\w+)--> (\w+)$/.exec(text);
  if (!m) {
    expect(text, `${script}.lua`).toMatch(STORED.includes(script) ? /^stored\b/ : /^none\b/);
    return null;
  }
  return { from: m[1] as UnitStatus, action: m[2] as UnitAction, to: m[3] as UnitStatus };
}

const scripts = readdirSync(LUA_DIR)
  .filter((f) => f.endsWith('.lua') && f !== 'prelude.lua')
  .map((f) => f.replace(/\.lua$/, ''));

describe('Lua scripts against the transition table', () => {
  it('every script is covered here and declares its step', () => {
    expect(scripts.sort()).toEqual([...Object.keys(RUN), ...STORED].sort());
    for (const script of scripts) declaredStep(script);
  });

  it('the declared steps are steps of the table, and lock/unlock/expire are all made in Redis', () => {
    const steps = scripts.map(declaredStep).filter((s) => s !== null);
    for (const step of steps) expect(UNIT_TRANSITIONS).toContainEqual(step);
    expect(steps.map((s) => s.action).sort()).toEqual(['expire', 'lock', 'unlock']);
  });

  describe.each(Object.keys(RUN))('%s.lua', (script) => {
    const step = declaredStep(script);
    it.each([...UNIT_STATUSES])('from %s', async (from) => {
      const unit = await unitShowing(from, RUN[script]!.lockTtlMs);
      await RUN[script]!.run(unit);
      const changes = await unit.broadcast();
      const to = step ? nextStatus(from, step.action) : null;
      if (to) {
        expect(changes).toEqual([to]);
      } else {
        // No step: the unit shows what it showed (a script may re-broadcast it, e.g. a new expiry).
        for (const status of changes) expect(status).toBe(from);
      }
    });
  });
});
