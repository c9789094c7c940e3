/**
 * First run: the first administrator of an empty install, created in the browser.
 *
 * While no active administrator exists, every server process prints a one-time setup code when it
 * starts (plugins/first-run.ts); whoever can read the server's output may create the first
 * administrator with it at /setup/first-run. The rules:
 * - a code is single use (consumed with HDEL: of two requests with the same code one wins) and
 *   expires after FIRST_RUN_CODE_TTL_MS;
 * - only its SHA-256 is kept (Redis hash `<prefix>first-run:codes`, field = hash, value = expiry),
 *   and a typed code is compared with every stored one in constant time, without an early exit;
 * - attempts are throttled like sign-in (same limits and backoff, per source: LoginThrottle);
 * - once an active administrator exists the route is refused (ALREADY_SET_UP), checked again under
 *   an advisory lock in the transaction that creates the user (two codes, two processes: one admin).
 * Every attempt is audited (`first_run.code_refused`, and the created user's `user.created`).
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError, type CreatedUser, type FirstRunBody } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { throttleSource } from '../domain/login-throttle.js';
import type { AuditWriter } from './audit.js';
import type { LoginThrottle } from './login-throttle.js';
import { assertPasswordAcceptable, createUser, hasActiveAdministrator } from './user-service.js';

/** How long a printed setup code works, ms (a restart prints a new one). */
export const FIRST_RUN_CODE_TTL_MS = 60 * 60_000;
/** The throttle's "username" for first-run attempts (not a valid username, so it is nobody's). */
const THROTTLE_NAME = '#first-run';
/** Letters and digits without look-alikes (no 0/O, 1/I): codes are read off a terminal and typed. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** The code as typed, reduced to what counts: upper case, letters and digits only. */
export function normalizeSetupCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function digest(code: string): Buffer {
  return createHash('sha256').update(normalizeSetupCode(code)).digest();
}

export interface IssuedSetupCode {
  /** As printed: `ABCDE-FGHJK` (10 characters, ~50 bits). */
  code: string;
  expiresAt: Date;
}

export class FirstRunService {
  private readonly key: string;

  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    prefix: string,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditWriter,
  ) {
    this.key = `${prefix}first-run:codes`;
  }

  /** Does the install still need its first administrator? */
  async needed(): Promise<boolean> {
    return !(await hasActiveAdministrator(this.db));
  }

  /** A new setup code while no administrator exists (null otherwise). Codes issued earlier stay valid until they expire. */
  async issueCode(now = Date.now()): Promise<IssuedSetupCode | null> {
    if (!(await this.needed())) return null;
    const chars = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const code = `${chars.slice(0, 5)}-${chars.slice(5)}`;
    const expiresAt = now + FIRST_RUN_CODE_TTL_MS;
    await this.redis
      .multi()
      .hset(this.key, digest(code).toString('hex'), String(expiresAt))
      .pexpire(this.key, FIRST_RUN_CODE_TTL_MS)
      .exec();
    return { code, expiresAt: new Date(expiresAt) };
  }

  /**
   * Create the first administrator. RATE_LIMITED while this source must wait; ALREADY_SET_UP once an
   * active administrator exists; SETUP_CODE_INVALID for a wrong, used or expired code; WEAK_PASSWORD
   * and USERNAME_TAKEN as for any new user (the code is then not used up).
   */
  async createAdministrator(input: FirstRunBody, meta: { ip: string; device: string | null }): Promise<CreatedUser> {
    const source = throttleSource({ trustedDevice: null, ip: meta.ip });
    const attempt = await this.throttle.begin(THROTTLE_NAME, source);
    if (!attempt.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(attempt.retryAfterMs / 1000));
      throw new AppError('RATE_LIMITED', `Too many attempts from here; try again in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      });
    }
    const actor = { kind: 'anonymous' as const, device: meta.device };
    let codeField: string | null = null;
    try {
      if (!(await this.needed())) throw new AppError('ALREADY_SET_UP');
      codeField = await this.matchingCode(input.code, Date.now());
      if (!codeField) {
        this.audit.record({
          projectId: null,
          actor,
          action: 'first_run.code_refused',
          entity: 'install',
          entityId: 'first-run',
          after: { address: meta.ip, failures: attempt.failures + 1 },
        });
        throw new AppError('SETUP_CODE_INVALID');
      }
      // The password's rules before the code is used up: a typo in the password costs no new code.
      assertPasswordAcceptable(input.password, input.username);
    } catch (error) {
      // Only a wrong code counts as a failure of this source.
      if (error instanceof AppError && error.code === 'SETUP_CODE_INVALID')
        await this.throttle.failed(THROTTLE_NAME, source).catch(() => undefined);
      else await this.throttle.notChecked(THROTTLE_NAME, source).catch(() => undefined);
      throw error;
    }
    const field = codeField;
    const created = await this.createWithCode(input, field, actor).catch(async (error: unknown) => {
      // The attempt stays counted (as before any settling), and no longer blocks the next one.
      await this.throttle.failed(THROTTLE_NAME, source).catch(() => undefined);
      throw error;
    });
    await this.throttle.succeeded(THROTTLE_NAME, source);
    // The other codes printed by this start are of no use any more.
    await this.redis.del(this.key).catch(() => undefined);
    return created;
  }

  /** The first administrator, with the code's field used up, in one transaction. */
  private createWithCode(
    input: FirstRunBody,
    field: string,
    actor: { kind: 'anonymous'; device: string | null },
  ): Promise<CreatedUser> {
    return this.db.$transaction(async (tx) => {
      // One first administrator, however many codes and processes: the check and the insert under one lock.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('kaipan:first-run'))`;
      if (await hasActiveAdministrator(tx)) throw new AppError('ALREADY_SET_UP');
      if (await tx.user.findUnique({ where: { username: input.username }, select: { id: true } }))
        throw new AppError('USERNAME_TAKEN');
      // Single use: of two requests with the same code, one deletes the field.
      if ((await this.redis.hdel(this.key, field)) !== 1) throw new AppError('SETUP_CODE_INVALID');
      return createUser(
        tx,
        { username: input.username, displayName: input.displayName, password: input.password, admin: true },
        actor,
      );
    });
  }

  /** The stored field of the code typed, if it is one of the live codes (constant-time comparison with each). */
  private async matchingCode(typed: string, now: number): Promise<string | null> {
    const stored = await this.redis.hgetall(this.key);
    const given = digest(typed);
    let match: string | null = null;
    for (const [field, expiresAt] of Object.entries(stored)) {
      const candidate = Buffer.from(field, 'hex');
      const equal = candidate.length === given.length && timingSafeEqual(candidate, given);
      if (equal && Number(expiresAt) > now) match = field;
    }
    return match;
  }
}
