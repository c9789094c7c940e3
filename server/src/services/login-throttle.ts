/**
 * Sign-in throttle state in Redis, shared by every server process (the rules:
 * server/src/domain/login-throttle.ts). One small hash per (username, source), forgotten a day after
 * its last attempt.
 */
import type { Redis } from 'ioredis';
import { LOGIN_THROTTLE, loginDelaySchedule, type LoginThrottlePolicy } from '../domain/login-throttle.js';
import { RedisScript } from '../infra/redis-scripts.js';

/** login-attempt.lua, beside this file. */
const loginAttempt = RedisScript.load(new URL('./login-attempt.lua', import.meta.url));

const GIVE_BACK = "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'f', -1) end return 0";

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

  /** Reserve an attempt (counted as a failure until `succeeded` or `notChecked`). */
  async begin(username: string, source: string): Promise<LoginAttempt> {
    const [allowed, value] = (await loginAttempt.run(
      this.redis,
      [this.key(username, source)],
      [this.policy.memoryMs, this.attemptsPerMinute, ...this.schedule],
    )) as [number, number];
    return allowed === 1 ? { allowed: true, failures: value } : { allowed: false, retryAfterMs: value };
  }

  /** The password was right: no failures in a row any more (the attempts-per-minute window stays). */
  async succeeded(username: string, source: string): Promise<void> {
    await this.redis.hdel(this.key(username, source), 'f', 't');
  }

  /** The attempt ended before the password was checked (e.g. a service was down): not a failure. */
  async notChecked(username: string, source: string): Promise<void> {
    // Only while the hash exists: never leave a hash without expiry.
    await this.redis.eval(GIVE_BACK, 1, this.key(username, source));
  }
}
