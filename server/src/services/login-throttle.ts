/**
 * Sign-in throttle state in Redis, shared by every server process (the rules:
 * server/src/domain/login-throttle.ts). One small hash per (username, source), forgotten a day after
 * its last attempt.
 */
import type { Redis } from 'ioredis';
import { LOGIN_THROTTLE, loginDelaySchedule, type LoginThrottlePolicy } from '../domain/login-throttle.js';
import { RedisScript } from '../infra/redis-scripts.js';

/** login-attempt.lua and login-settle.lua, beside this file. */
const loginAttempt = RedisScript.load(new URL('./login-attempt.lua', import.meta.url));
const loginSettle = RedisScript.load(new URL('./login-settle.lua', import.meta.url));

export type LoginAttempt =
  /** Go ahead and check the password; `failures`: failures in a row before this attempt. */
  | { allowed: true; failures: number }
  /** Refused before any check; try again after `retryAfterMs`. */
  | { allowed: false; retryAfterMs: number };

export class LoginThrottle {
  private readonly schedule: number[];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Attempts of one (username, source) per minute, right or wrong (`LOGIN_RATE_PER_MINUTE`). */
    private readonly attemptsPerMinute: number,
    private readonly policy: LoginThrottlePolicy = LOGIN_THROTTLE,
  ) {
    this.schedule = loginDelaySchedule(policy);
  }

  private key(username: string, source: string): string {
    return `${this.prefix}login:${source}|${username}`;
  }

  /**
   * Reserve an attempt (counted as a failure at once); settle it with exactly one of `failed`,
   * `succeeded` or `notChecked`.
   */
  async begin(username: string, source: string): Promise<LoginAttempt> {
    const [allowed, value] = (await loginAttempt.run(
      this.redis,
      [this.key(username, source)],
      [this.policy.memoryMs, this.attemptsPerMinute, this.policy.judgingMs, ...this.schedule],
    )) as [number, number];
    return allowed === 1 ? { allowed: true, failures: value } : { allowed: false, retryAfterMs: value };
  }

  /** The password was wrong: the wait before the next attempt runs from now, when the failure is known. */
  async failed(username: string, source: string): Promise<void> {
    await this.settle(username, source, 'failed');
  }

  /** The password was right: no failures in a row any more (the attempts-per-minute window stays). */
  async succeeded(username: string, source: string): Promise<void> {
    await this.settle(username, source, 'succeeded');
  }

  /** The attempt ended before the password was checked (e.g. a service was down): not a failure. */
  async notChecked(username: string, source: string): Promise<void> {
    await this.settle(username, source, 'unchecked');
  }

  private async settle(username: string, source: string, outcome: 'failed' | 'succeeded' | 'unchecked'): Promise<void> {
    await loginSettle.run(this.redis, [this.key(username, source)], [outcome]);
  }
}
