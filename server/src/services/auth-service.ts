/** Login and the resolution of tokens and device keys into principals. */
import { createHash } from 'node:crypto';
import { AppError, type LoginResponse, type ProjectRole, type UserInfo } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { verifyPassword } from '../domain/passwords.js';
import type { DevicePrincipal, UserPrincipal } from '../domain/principal.js';
import { issueSessionToken, verifySessionToken, type SessionClaims } from '../domain/session-token.js';
import { RefreshingCache } from './refreshing-cache.js';
import type { SessionService } from './session-service.js';
import type { DeviceRegistry } from './device-registry.js';
import type { AuditInput } from './audit.js';

/**
 * A user or device change made elsewhere (a board's key) is seen within this many ms (plus one
 * command). Deactivation, ended sessions and membership changes take effect at once
 * (session-service.ts, membership-feed.ts: `forget`).
 */
const FRESH_MS = 30_000;
/** Idle time after which a command waits for PostgreSQL again (consultants idle before 9:00 do not). */
const MAX_STALE_MS = 15 * 60_000;

export function hashDeviceKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A user as every call needs them: who, and their role in each project they are a member of. */
interface CachedUser {
  info: UserInfo;
  memberships: ReadonlyMap<string, ProjectRole>;
}

export class AuthService {
  private users: RefreshingCache<string, CachedUser | null>;
  /** Key hash → the device, `revoked` for a revoked one, null for an unknown key. */
  private devices: RefreshingCache<string, Omit<DevicePrincipal, 'device'> | 'revoked' | null>;

  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly sessionHours: number,
    private readonly sessions: SessionService,
    private readonly deviceRegistry: DeviceRegistry,
  ) {
    this.users = new RefreshingCache(
      async (id) => {
        const user = await this.db.user.findUnique({
          where: { id },
          include: { memberships: { select: { projectId: true, role: true } } },
        });
        return user?.active
          ? { info: toUserInfo(user), memberships: new Map(user.memberships.map((m) => [m.projectId, m.role])) }
          : null;
      },
      { freshMs: FRESH_MS, maxStaleMs: MAX_STALE_MS, maxEntries: 50_000 },
    );
    this.devices = new RefreshingCache(
      async (hash) => {
        const row = await this.db.device.findUnique({ where: { keyHash: hash } });
        if (!row) return null;
        return row.active
          ? { kind: 'device' as const, id: row.id, projectId: row.projectId, deviceKind: row.kind, name: row.name }
          : 'revoked';
      },
      // Capped: keys an attacker makes up must not grow memory.
      { freshMs: FRESH_MS, maxStaleMs: MAX_STALE_MS, maxEntries: 2_000 },
    );
    // A deactivated user is forgotten at once (its sessions ended with it), not after FRESH_MS.
    sessions.onEnded((ended) => {
      if (ended.reason === 'deactivated') for (const s of ended.sessions) this.users.delete(s.userId);
    });
  }

  /**
   * Check the password and open a session (`meta`: the device label and source address shown in the
   * user's session list). INVALID_CREDENTIALS for an unknown, inactive or wrong one alike.
   */
  async login(
    username: string,
    password: string,
    meta: { device: string | null; address: string | null },
    audit: (user: UserInfo, sessionId: string) => AuditInput,
  ): Promise<LoginResponse & { sessionId: string }> {
    const user = await this.db.user.findUnique({
      where: { username },
      include: { memberships: { select: { projectId: true, role: true } } },
    });
    // Verify against a dummy hash when the user is unknown so timing does not reveal usernames.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.active || !ok) throw new AppError('INVALID_CREDENTIALS');
    const info = toUserInfo(user);
    const exp = Math.floor(Date.now() / 1000) + this.sessionHours * 3600;
    const sessionId = await this.sessions.create(user.id, meta, new Date(exp * 1000), (id) => audit(info, id));
    // Deactivated between the read above and the session: as if inactive all along.
    if (!sessionId) throw new AppError('INVALID_CREDENTIALS');
    const passwordChangeRequired = user.mustChangePassword;
    const token = issueSessionToken(this.secret, {
      sub: user.id,
      sid: sessionId,
      exp,
      ...(passwordChangeRequired ? { pwc: true as const } : {}),
    });
    this.users.set(user.id, { info, memberships: new Map(user.memberships.map((m) => [m.projectId, m.role])) });
    return { token, user: info, sessionId, passwordChangeRequired };
  }

  /** The user behind a session token, or null when the token is invalid or expired, its session ended or the user inactive. */
  async authenticateToken(token: string, device: string | null): Promise<UserPrincipal | null> {
    const claims = verifySessionToken(this.secret, token, Date.now());
    return claims ? this.authenticateClaims(claims, device) : null;
  }

  /**
   * The user behind claims verified earlier (a socket keeps its handshake's claims, so a command
   * costs an expiry check and a cache lookup, not an HMAC).
   */
  async authenticateClaims(claims: SessionClaims, device: string | null): Promise<UserPrincipal | null> {
    if (claims.exp * 1000 <= Date.now() || this.sessions.isEnded(claims.sid)) return null;
    const user = await this.users.get(claims.sub);
    if (!user) return null;
    this.sessions.touch(claims.sid);
    // A fresh object per call: the call scopes it to its project (domain/principal.ts `scopeTo`).
    return {
      kind: 'user',
      ...user.info,
      memberships: user.memberships,
      projectId: null,
      role: null,
      device,
      sessionId: claims.sid,
      ...(claims.pwc ? { passwordChangeRequired: true } : {}),
    };
  }

  /** Drop what is cached of a user (their memberships changed): the next call reads PostgreSQL. */
  forget(userId: string): void {
    this.users.delete(userId);
  }

  verifyToken(token: string): SessionClaims | null {
    return verifySessionToken(this.secret, token, Date.now());
  }

  /**
   * The device behind a key, or null for an unknown one. A revoked key throws DEVICE_REVOKED (the
   * screen says "pair again"): at once on every process (device-registry.ts), whatever the cache holds.
   */
  async authenticateDevice(key: string, device: string | null): Promise<DevicePrincipal | null> {
    if (key.length < 16 || key.length > 256) return null;
    const value = await this.devices.get(hashDeviceKey(key));
    if (!value) return null;
    if (value === 'revoked' || this.deviceRegistry.isRevoked(value.id)) throw new AppError('DEVICE_REVOKED');
    this.deviceRegistry.touch(value.id);
    return { ...value, device };
  }
}

function toUserInfo(user: { id: string; username: string; admin: boolean; displayName: string }): UserInfo {
  return { id: user.id, username: user.username, admin: user.admin, displayName: user.displayName };
}

/** A valid scrypt hash of a random string, used only to equalise timing for unknown users. */
const DUMMY_HASH = 'scrypt$16384$8$1$3q2-7w$Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm8';
