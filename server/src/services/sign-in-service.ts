/**
 * Signing in: the throttle (per username and source, with backoff — server/src/domain/login-throttle.ts),
 * trusted-device cookies (server/src/domain/device-cookie.ts), the password check and session
 * (auth-service.ts), and the audit of failed attempts that admins review (never the password).
 */
import {
  AppError,
  type FailedLoginInfo,
  type FailedLoginPage,
  type FailedLoginsQuery,
  type LoginResponse,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { issueDeviceCookie, newDeviceId, verifyDeviceCookie } from '../domain/device-cookie.js';
import { loginDelayMs, throttleSource } from '../domain/login-throttle.js';
import { hashPassword, verifyPassword } from '../domain/passwords.js';
import { canAdminister, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow, type AuditWriter } from './audit.js';
import type { SessionService } from './session-service.js';
import { assertPasswordAcceptable } from './user-service.js';
import type { AuthService } from './auth-service.js';
import type { LoginThrottle } from './login-throttle.js';

export interface SignInInput {
  username: string;
  password: string;
  /** Client address (through a trusted proxy). */
  ip: string;
  /** `X-Kaipan-Device` or user agent, for the session list and the audit. */
  device: string | null;
  /** The browser's trusted-device cookie for this username, if any. */
  deviceCookie: string | undefined;
}

export interface SignedIn {
  response: LoginResponse;
  sessionId: string;
  /** Value of the trusted-device cookie to (re)set for this username. */
  deviceCookie: string;
}

interface FailedRow {
  id: bigint;
  created_at: Date;
  entity_id: string;
  device: string | null;
  after: { address?: string; trustedDevice?: boolean; failures?: number; waitSeconds?: number } | null;
}

export class SignInService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditWriter,
    private readonly secret: string,
    private readonly sessions: SessionService,
  ) {}

  /**
   * The signed-in user chooses a new password (the current one confirms it is them; throttled as a
   * sign-in of theirs from this source). Every session of theirs ends — the one asking too — and a
   * fresh session without the "must change" mark is answered, as at sign-in. Audited
   * `user.password_changed`. INVALID_CREDENTIALS for a wrong current password; WEAK_PASSWORD
   * (`SAME_AS_CURRENT` too).
   */
  async changePassword(
    caller: UserPrincipal,
    input: { currentPassword: string; newPassword: string; ip: string },
  ): Promise<SignedIn> {
    const source = throttleSource({ trustedDevice: null, ip: input.ip });
    const attempt = await this.throttle.begin(caller.username, source);
    if (!attempt.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(attempt.retryAfterMs / 1000));
      throw new AppError('RATE_LIMITED', `Too many attempts from here; try again in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      });
    }
    let user: Awaited<ReturnType<typeof this.db.user.findUnique>>;
    try {
      user = await this.db.user.findUnique({ where: { id: caller.id } });
    } catch (error) {
      await this.throttle.notChecked(caller.username, source).catch(() => undefined);
      throw error;
    }
    if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
      await this.throttle.failed(caller.username, source);
      throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong.');
    }
    try {
      assertPasswordAcceptable(input.newPassword, user.username);
      if (input.newPassword === input.currentPassword)
        throw new AppError('WEAK_PASSWORD', 'The new password must differ from the current one.', {
          rule: 'SAME_AS_CURRENT',
        });
    } catch (error) {
      await this.throttle.notChecked(caller.username, source).catch(() => undefined);
      throw error;
    }
    await this.throttle.succeeded(caller.username, source);
    const passwordHash = await hashPassword(input.newPassword);
    const ended = await this.db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: false } });
      const ended = await this.sessions.endInTransaction(tx, caller, { userId: user.id }, 'revoked');
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: null,
          actor: caller,
          action: 'user.password_changed',
          entity: 'user',
          entityId: user.id,
          before: { mustChangePassword: user.mustChangePassword },
          after: { mustChangePassword: false, sessionsEnded: ended.rows.length },
        }),
      });
      return ended;
    });
    await this.sessions.announce(ended);
    // A fresh session, as a sign-in with the new password (its audit event committed with it).
    const signedIn = await this.auth.login(
      user.username,
      input.newPassword,
      { device: caller.device, address: input.ip },
      (info, sessionId) => ({
        projectId: null,
        actor: {
          kind: 'user',
          ...info,
          memberships: new Map(),
          projectId: null,
          role: null,
          device: caller.device,
          sessionId,
        },
        action: 'session.created',
        entity: 'session',
        entityId: sessionId,
        after: { address: input.ip, afterPasswordChange: true },
      }),
    );
    const { sessionId, ...response } = signedIn;
    const deviceCookie = issueDeviceCookie(this.secret, user.username, newDeviceId(), Date.now());
    return { response, sessionId, deviceCookie };
  }

  /** RATE_LIMITED (details.retryAfterSeconds) while this source must wait; INVALID_CREDENTIALS as before. */
  async signIn(input: SignInInput): Promise<SignedIn> {
    const { username } = input;
    const trustedDevice = verifyDeviceCookie(this.secret, input.deviceCookie, username, Date.now());
    const source = throttleSource({ trustedDevice, ip: input.ip });
    const attempt = await this.throttle.begin(username, source);
    if (!attempt.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(attempt.retryAfterMs / 1000));
      throw new AppError('RATE_LIMITED', `Too many sign-in attempts from here; try again in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      });
    }
    let signedIn: LoginResponse & { sessionId: string };
    try {
      // The session's audit event is committed with the session (before the token is answered).
      signedIn = await this.auth.login(
        username,
        input.password,
        { device: input.device, address: input.ip },
        (user, sessionId) => ({
          projectId: null,
          actor: {
            kind: 'user',
            ...user,
            memberships: new Map(),
            projectId: null,
            role: null,
            device: input.device,
            sessionId,
          },
          action: 'session.created',
          entity: 'session',
          entityId: sessionId,
          after: { address: input.ip, trustedDevice: trustedDevice !== null },
        }),
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'INVALID_CREDENTIALS') {
        await this.throttle.failed(username, source);
        const failures = attempt.failures + 1;
        this.audit.record({
          projectId: null,
          actor: { kind: 'anonymous', device: input.device },
          action: 'auth.login_failed',
          entity: 'user',
          entityId: username,
          after: {
            address: input.ip,
            trustedDevice: trustedDevice !== null,
            failures,
            waitSeconds: Math.ceil(loginDelayMs(failures) / 1000),
          },
        });
      } else {
        // The password was never judged (e.g. too many hashes at once, a service down): not a failure.
        await this.throttle.notChecked(username, source).catch(() => undefined);
      }
      throw error;
    }
    await this.throttle.succeeded(username, source);
    const { sessionId, ...response } = signedIn;
    // The device id survives re-sign-ins (the cookie's age restarts).
    const deviceCookie = issueDeviceCookie(this.secret, username, trustedDevice ?? newDeviceId(), Date.now());
    return { response, sessionId, deviceCookie };
  }

  /** Failed sign-ins, newest first (admins). */
  async failedLogins(principal: Principal, query: FailedLoginsQuery): Promise<FailedLoginPage> {
    if (!canAdminister(principal)) throw new AppError('FORBIDDEN', 'Only administrators see failed sign-ins.');
    const before = query.before === undefined ? null : BigInt(query.before);
    // The action is a literal, not a parameter: PostgreSQL then uses the partial index audit_events_login_failed.
    const rows = await this.db.$queryRaw<FailedRow[]>`
      SELECT id, created_at, entity_id, device, after FROM audit_events
      WHERE action = 'auth.login_failed'
        AND (${before}::bigint IS NULL OR id < ${before}::bigint)
        AND (${query.username ?? null}::text IS NULL OR entity_id = ${query.username ?? null}::text)
      ORDER BY id DESC LIMIT ${query.limit + 1}`;
    const items: FailedLoginInfo[] = rows.slice(0, query.limit).map((r) => ({
      id: r.id.toString(),
      at: r.created_at.toISOString(),
      username: r.entity_id,
      address: r.after?.address ?? '',
      device: r.device,
      trustedDevice: r.after?.trustedDevice === true,
      failures: r.after?.failures ?? 1,
      waitSeconds: r.after?.waitSeconds ?? 0,
    }));
    return { items, next: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
  }
}
