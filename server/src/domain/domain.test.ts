import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError, formulaPrices, generateBuilding } from '@kaipan/shared';
import { counterFloor } from './counters.js';
import { isAllowedSomewhere, roleIn, scopeTo, type UserPrincipal } from './principal.js';
import { DEMO_BUILDINGS, DEMO_LAYOUTS } from './demo-catalog.js';
import { hashPassword, SCRYPT_LIMITS, scryptQueueDepth, verifyPassword } from './passwords.js';
import { issueSessionToken, verifySessionToken } from './session-token.js';
import { RATE_LIMITER_IDLE_MS, RATE_LIMITER_PRUNE_EVERY_MS, RateLimiter } from '../infra/rate-limiter.js';

describe('session tokens', () => {
  const secret = 'x'.repeat(40);
  const now = Date.UTC(2026, 10, 27);
  const token = issueSessionToken(secret, { sub: 'u1', sid: 's1', exp: now / 1000 + 60 });

  it('verifies a valid token', () => {
    expect(verifySessionToken(secret, token, now)).toEqual({
      sub: 'u1',
      sid: 's1',
      exp: now / 1000 + 60,
    });
  });
  it('refuses expired, forged and malformed tokens', () => {
    expect(verifySessionToken(secret, token, now + 61_000)).toBeNull();
    expect(verifySessionToken('y'.repeat(40), token, now)).toBeNull();
    const [v, body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'u1', sid: 's1', role: 'ADMIN', exp: now / 1000 + 60 })).toString(
      'base64url',
    );
    expect(verifySessionToken(secret, `${v}.${forged}.${sig}`, now)).toBeNull();
    // A well-signed token without a session (the earlier format) names nothing that can be revoked.
    const sessionless = Buffer.from(JSON.stringify({ sub: 'u1', role: 'CONSULTANT', exp: now / 1000 + 60 })).toString(
      'base64url',
    );
    const signed = (body: string, version = 'v2') =>
      `${version}.${body}.${createHmac('sha256', secret).update(`${version}.${body}`).digest('base64url')}`;
    expect(verifySessionToken(secret, signed(sessionless), now)).toBeNull();
    expect(verifySessionToken(secret, signed(body!, 'v1'), now)).toBeNull();
    expect(verifySessionToken(secret, `${v}.${body}`, now)).toBeNull();
    expect(verifySessionToken(secret, 'garbage', now)).toBeNull();
  });
});

describe('passwords', () => {
  it('hashes with a salt and verifies', async () => {
    const a = await hashPassword('s3cret');
    const b = await hashPassword('s3cret');
    expect(a).not.toBe(b);
    expect(await verifyPassword('s3cret', a)).toBe(true);
    expect(await verifyPassword('wrong', a)).toBe(false);
    expect(await verifyPassword('s3cret', 'not-a-hash')).toBe(false);
  });

  it('runs at most 2 hashes at once and refuses callers beyond a bounded queue with RATE_LIMITED', async () => {
    // A deliberately cheap hash (N=2) so thousands of real scrypt calls take milliseconds.
    const salt = Buffer.from('salt-salt-salt-1');
    const { scryptSync } = await import('node:crypto');
    const cheap = [
      'scrypt',
      2,
      1,
      1,
      salt.toString('base64url'),
      scryptSync('pw', salt, 32, { N: 2, r: 1, p: 1 }).toString('base64url'),
    ].join('$');
    expect(await verifyPassword('pw', cheap)).toBe(true);

    const capacity = SCRYPT_LIMITS.maxConcurrent + SCRYPT_LIMITS.maxWaiting;
    const extra = 25;
    const calls = Array.from({ length: capacity + extra }, () => verifyPassword('pw', cheap));
    expect(scryptQueueDepth()).toEqual({ running: SCRYPT_LIMITS.maxConcurrent, waiting: SCRYPT_LIMITS.maxWaiting });
    const results = await Promise.allSettled(calls);
    const ok = results.filter((r) => r.status === 'fulfilled' && r.value === true).length;
    const refused = results.filter(
      (r) => r.status === 'rejected' && r.reason instanceof AppError && r.reason.code === 'RATE_LIMITED',
    );
    expect(ok).toBe(capacity);
    expect(refused).toHaveLength(extra);
    expect((refused[0] as PromiseRejectedResult).reason.message).toBe(
      'Too many logins at once; try again in a moment.',
    );
    // Everything drained and the slots were handed back: new work runs again.
    expect(scryptQueueDepth()).toEqual({ running: 0, waiting: 0 });
    await expect(hashPassword('again')).resolves.toMatch(/^scrypt\$/);
  });
});

describe('counter floor', () => {
  it('grows with time and stays below 10^14 for decades', () => {
    const t2026 = Date.UTC(2026, 10, 27);
    expect(counterFloor(t2026 + 1000)).toBeGreaterThan(counterFloor(t2026));
    expect(counterFloor(Date.UTC(2055, 0, 1))).toBeLessThan(1e14);
    expect(Number.isSafeInteger(counterFloor(t2026))).toBe(true);
  });
});

describe('demo catalog', () => {
  // The seed sends these through the setup services; the same pure rules tell what they make.
  const built = DEMO_BUILDINGS.map((b) => {
    const result = generateBuilding(b.pattern);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const layouts = new Map<string, { grossArea: number }>(DEMO_LAYOUTS.map((l) => [l.code, l]));
    const units = result.units.map((u) => ({
      ...u,
      id: u.code,
      buildingId: b.pattern.code,
      grossAreaCenti: Math.round((layouts.get(u.layoutCode ?? '')?.grossArea ?? 0) * 100),
    }));
    const prices = formulaPrices({
      formula: { ...b.formula, buildingIds: [] },
      units,
      rounding: { unit: 'YUAN', mode: 'HALF_UP' },
    });
    return { b, result, units, prices };
  });

  it('has at least 3 buildings of 18–33 floors and 2–6 units per floor, every unit priced in whole yuan', () => {
    expect(DEMO_BUILDINGS.length).toBeGreaterThanOrEqual(3);
    for (const { b, result, units, prices } of built) {
      expect(result.topFloor).toBeGreaterThanOrEqual(18);
      expect(result.topFloor).toBeLessThanOrEqual(33);
      expect(result.columns).toBeGreaterThanOrEqual(2);
      expect(result.columns).toBeLessThanOrEqual(6);
      expect(units).toHaveLength(b.pattern.floors * result.columns);
      expect(units.every((u) => u.layoutCode !== null)).toBe(true);
      expect(new Set(units.map((u) => u.code)).size).toBe(units.length);
      expect(prices).toHaveLength(units.length);
      for (const p of prices) {
        expect(p.listPrice % 100).toBe(0);
        expect(p.listPrice).toBeGreaterThan(0);
        expect(p.floorPrice).toBeLessThan(p.listPrice);
      }
    }
  });
  it('prices mid floors above low floors, the top floor below its neighbour, end units above inner ones', () => {
    const tower2 = built[1]!;
    const at = (floor: number, position: number) =>
      tower2.prices.find((p) => p.code === `2-${String(floor).padStart(2, '0')}${String(position).padStart(2, '0')}`)!
        .listPrice;
    expect(at(20, 2)).toBeGreaterThan(at(1, 2));
    expect(at(33, 2)).toBeLessThan(at(32, 2));
    expect(at(10, 2)).toBeGreaterThan(at(10, 3));
  });
});

describe('rate limiter', () => {
  it('allows a burst, then refills at the rate', () => {
    const limiter = new RateLimiter(2, 4);
    const t = 1_000_000;
    expect([1, 2, 3, 4, 5].map(() => limiter.take('k', t))).toEqual([true, true, true, true, false]);
    expect(limiter.take('k', t + 500)).toBe(true);
    expect(limiter.take('k', t + 500)).toBe(false);
    expect(limiter.take('other', t)).toBe(true);
  });

  it('never remembers more than maxKeys callers', () => {
    const limiter = new RateLimiter(1, 1, 100);
    const t = 5_000_000;
    for (let i = 0; i < 1_000; i++) {
      limiter.take(`k${i}`, t);
      expect(limiter.size).toBeLessThanOrEqual(100);
    }
    expect(limiter.size).toBe(100);
    // The most recent 100 are the ones kept: they are still drained, an evicted one starts full.
    expect(limiter.take('k999', t)).toBe(false);
    expect(limiter.take('k900', t)).toBe(false);
    expect(limiter.take('k0', t)).toBe(true);
  });

  it('evicts the least recently used caller first', () => {
    const limiter = new RateLimiter(0.001, 1, 3);
    const t = 7_000_000;
    expect(limiter.take('a', t)).toBe(true);
    expect(limiter.take('b', t)).toBe(true);
    expect(limiter.take('c', t)).toBe(true);
    expect(limiter.take('a', t + 1)).toBe(false); // a used again: now the most recent
    expect(limiter.take('d', t + 2)).toBe(true); // over the cap: b (least recently used) goes
    expect(limiter.size).toBe(3);
    expect(limiter.take('a', t + 3)).toBe(false); // still remembered, still empty
    expect(limiter.take('b', t + 4)).toBe(true); // forgotten, so it starts full (and evicts c)
    expect(limiter.take('d', t + 5)).toBe(false);
    expect(limiter.take('c', t + 6)).toBe(true);
  });

  it('drops idle callers at most every few seconds, and only once they have refilled', () => {
    const limiter = new RateLimiter(1, 2);
    const t = 9_000_000;
    for (let i = 0; i < 50; i++) limiter.take(`idle${i}`, t); // the first call prunes (nothing)
    limiter.take('mid', t + 3_000);
    expect(limiter.size).toBe(51);
    limiter.take('busy', t + RATE_LIMITER_IDLE_MS + 1);
    expect(limiter.size).toBe(2); // the 50 idle ones are gone; mid (idle < 60 s) and busy stay
    // mid is now stale, but the last prune was less than RATE_LIMITER_PRUNE_EVERY_MS ago.
    limiter.take('busy', t + RATE_LIMITER_IDLE_MS + 3_001);
    expect(limiter.size).toBe(2);
    limiter.take('busy', t + RATE_LIMITER_IDLE_MS + 1 + RATE_LIMITER_PRUNE_EVERY_MS);
    expect(limiter.size).toBe(1);

    // A slow bucket is kept until it has refilled: forgetting it earlier would hand out tokens.
    const slow = new RateLimiter(1 / 60, 5); // 5 burst, 1 a minute: 5 minutes to refill
    for (let i = 0; i < 5; i++) expect(slow.take('u', t)).toBe(true);
    expect(slow.take('u', t)).toBe(false);
    slow.take('other', t + 2 * 60_000);
    expect(slow.size).toBe(2);
    expect(slow.take('u', t + 2 * 60_000 + 1)).toBe(true); // 2 refilled, not 5
    expect(slow.take('u', t + 2 * 60_000 + 2)).toBe(true);
    expect(slow.take('u', t + 2 * 60_000 + 3)).toBe(false);
  });

  it('refunds a token, never above the burst', () => {
    const limiter = new RateLimiter(0.001, 2);
    const t = 11_000_000;
    expect(limiter.take('k', t)).toBe(true);
    expect(limiter.take('k', t)).toBe(true);
    expect(limiter.take('k', t)).toBe(false);
    limiter.refund('k', t);
    expect(limiter.take('k', t)).toBe(true);
    limiter.refund('k', t);
    limiter.refund('k', t);
    limiter.refund('k', t);
    expect([1, 2, 3].map(() => limiter.take('k', t))).toEqual([true, true, false]);
  });
});

describe('roles per project (principal.ts)', () => {
  const user = (admin: boolean, memberships: [string, 'MANAGER' | 'CONSULTANT'][]): UserPrincipal => ({
    kind: 'user',
    id: 'u',
    username: 'u',
    displayName: 'u',
    admin,
    memberships: new Map(memberships),
    projectId: null,
    role: null,
    device: null,
  });

  it('roleIn: ADMIN for an administrator everywhere, the membership role, else null', () => {
    expect(roleIn(user(true, []), 'a')).toBe('ADMIN');
    expect(roleIn(user(false, [['a', 'MANAGER']]), 'a')).toBe('MANAGER');
    expect(roleIn(user(false, [['a', 'MANAGER']]), 'b')).toBeNull();
  });

  it('scopeTo: a manager of A who consults in B may not manage B; no role: NOT_A_MEMBER', () => {
    const p = user(false, [
      ['a', 'MANAGER'],
      ['b', 'CONSULTANT'],
    ]);
    p.admittedAs = 'manage';
    expect(isAllowedSomewhere(p, 'manage')).toBe(true);
    expect(scopeTo(p, 'a')).toBeNull();
    expect(p.role).toBe('MANAGER');
    expect(scopeTo(p, 'b')).toEqual({ reason: 'MANAGER_REQUIRED', permission: 'manage' });
    expect(p.role).toBe('CONSULTANT');
    expect(scopeTo(p, 'c')).toEqual({ reason: 'NOT_A_MEMBER' });
    expect(p.role).toBeNull();
  });
});
