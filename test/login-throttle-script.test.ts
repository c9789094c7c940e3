/**
 * The sign-in throttle's scripts against real Redis (login-attempt.lua, login-settle.lua): the wait
 * after the free failures runs from when a failure is known, an attempt being judged holds the next
 * one back, and an attempt a dead process never settled stops holding after `judgingMs`.
 */
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { LOGIN_THROTTLE } from '../server/src/domain/login-throttle.js';
import { LoginThrottle } from '../server/src/services/login-throttle.js';
import { testRedisUrl, uniqueRedisPrefix } from './support/services.js';

const redis = new Redis(testRedisUrl());
const policy = { ...LOGIN_THROTTLE, freeFailures: 2, baseDelayMs: 300, judgingMs: 2_000 };
const throttle = new LoginThrottle(redis, uniqueRedisPrefix(), 1_000, policy);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  await redis.quit();
});

it('beyond the free tries, no attempt is let in while one is judged; the wait runs from the failure', async () => {
  expect(await throttle.begin('u1', 's')).toEqual({ allowed: true, failures: 0 });
  expect(await throttle.begin('u1', 's')).toEqual({ allowed: true, failures: 1 });
  // Two being judged, the free tries used: the next waits for their verdict.
  expect(await throttle.begin('u1', 's')).toEqual({ allowed: false, retryAfterMs: 300 });
  await sleep(350); // longer than the wait counted from the reservations
  expect((await throttle.begin('u1', 's')).allowed).toBe(false);
  await throttle.failed('u1', 's');
  await throttle.failed('u1', 's');
  // The wait runs from the second failure, known just now.
  const refused = await throttle.begin('u1', 's');
  expect(refused.allowed).toBe(false);
  expect(refused.allowed === false && refused.retryAfterMs).toBeGreaterThan(250);
  await sleep(320);
  expect(await throttle.begin('u1', 's')).toEqual({ allowed: true, failures: 2 });
});

it('an attempt never settled (its process died) stops holding the next one back after judgingMs', async () => {
  await throttle.begin('u2', 's');
  await throttle.begin('u2', 's');
  expect((await throttle.begin('u2', 's')).allowed).toBe(false);
  await sleep(2_100);
  expect(await throttle.begin('u2', 's')).toEqual({ allowed: true, failures: 2 });
});

it('a success clears the failures, an unchecked attempt is given back', async () => {
  await throttle.begin('u3', 's');
  await throttle.notChecked('u3', 's');
  expect(await throttle.begin('u3', 's')).toEqual({ allowed: true, failures: 0 });
  await throttle.failed('u3', 's');
  expect(await throttle.begin('u3', 's')).toEqual({ allowed: true, failures: 1 });
  await throttle.succeeded('u3', 's');
  expect(await throttle.begin('u3', 's')).toEqual({ allowed: true, failures: 0 });
});
