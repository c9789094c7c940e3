import { describe, expect, it } from 'vitest';
import { counterFloor } from './counters.js';
import { DEMO_BUILDINGS, demoUnits } from './demo-catalog.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { issueSessionToken, verifySessionToken } from './session-token.js';
import { RateLimiter } from '../infra/rate-limiter.js';

describe('session tokens', () => {
  const secret = 'x'.repeat(40);
  const now = Date.UTC(2026, 10, 27);
  const token = issueSessionToken(secret, { sub: 'u1', role: 'CONSULTANT', exp: now / 1000 + 60 });

  it('verifies a valid token', () => {
    expect(verifySessionToken(secret, token, now)).toEqual({ sub: 'u1', role: 'CONSULTANT', exp: now / 1000 + 60 });
  });
  it('refuses expired, forged and malformed tokens', () => {
    expect(verifySessionToken(secret, token, now + 61_000)).toBeNull();
    expect(verifySessionToken('y'.repeat(40), token, now)).toBeNull();
    const [v, body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'u1', role: 'ADMIN', exp: now / 1000 + 60 })).toString('base64url');
    expect(verifySessionToken(secret, `${v}.${forged}.${sig}`, now)).toBeNull();
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
  it('has at least 3 buildings of 18–33 floors and 2–6 units per floor, prices in whole fen', () => {
    expect(DEMO_BUILDINGS.length).toBeGreaterThanOrEqual(3);
    for (const b of DEMO_BUILDINGS) {
      expect(b.floors).toBeGreaterThanOrEqual(18);
      expect(b.floors).toBeLessThanOrEqual(33);
      expect(b.columns.length).toBeGreaterThanOrEqual(2);
      expect(b.columns.length).toBeLessThanOrEqual(6);
      const units = demoUnits(b);
      expect(units).toHaveLength(b.floors * b.columns.length);
      expect(new Set(units.map((u) => u.code)).size).toBe(units.length);
      for (const u of units) {
        expect(Number.isInteger(u.listPrice)).toBe(true);
        expect(u.floorPrice).toBeLessThan(u.listPrice);
      }
    }
  });
  it('prices mid floors above low floors and south-north above west-south', () => {
    const tower2 = demoUnits(DEMO_BUILDINGS[1]!);
    const at = (floor: number, position: number) => tower2.find((u) => u.floor === floor && u.position === position)!;
    expect(at(20, 2).listPrice).toBeGreaterThan(at(1, 2).listPrice);
    expect(at(10, 2).listPrice).toBeGreaterThan(at(10, 3).listPrice);
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
});
