/** Login and the resolution of tokens and device keys into principals. */
import { createHash } from 'node:crypto';
import { AppError, type LoginResponse, type UserInfo } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { verifyPassword } from '../domain/passwords.js';
import type { DevicePrincipal, UserPrincipal } from '../domain/principal.js';
import { issueSessionToken, verifySessionToken } from '../domain/session-token.js';

const CACHE_MS = 30_000;

export function hashDeviceKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

interface Cached<T> {
  value: T | null;
  at: number;
}

export class AuthService {
  private users = new Map<string, Cached<UserInfo>>();
  private devices = new Map<string, Cached<Omit<DevicePrincipal, 'device'>>>();

  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly sessionHours: number,
  ) {}

  async login(username: string, password: string): Promise<LoginResponse> {
    const user = await this.db.user.findUnique({ where: { username } });
    // Verify against a dummy hash when the user is unknown so timing does not reveal usernames.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.active || !ok) throw new AppError('INVALID_CREDENTIALS');
    const info: UserInfo = { id: user.id, username: user.username, role: user.role, displayName: user.displayName };
    const token = issueSessionToken(this.secret, {
      sub: user.id,
      role: user.role,
      exp: Math.floor(Date.now() / 1000) + this.sessionHours * 3600,
    });
    this.users.set(user.id, { value: info, at: Date.now() });
    return { token, user: info };
  }

  /** The user behind a session token, or null when the token is invalid, expired or the user inactive. */
  async authenticateToken(token: string, device: string | null): Promise<UserPrincipal | null> {
    const claims = verifySessionToken(this.secret, token, Date.now());
    if (!claims) return null;
    let cached = this.users.get(claims.sub);
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      const user = await this.db.user.findUnique({ where: { id: claims.sub } });
      cached = {
        value: user?.active ? { id: user.id, username: user.username, role: user.role, displayName: user.displayName } : null,
        at: Date.now(),
      };
      this.users.set(claims.sub, cached);
    }
    if (!cached.value) return null;
    return { kind: 'user', ...cached.value, device };
  }

  async authenticateDevice(key: string, device: string | null): Promise<DevicePrincipal | null> {
    if (key.length < 16 || key.length > 256) return null;
    const hash = hashDeviceKey(key);
    const cached = this.devices.get(hash);
    if (cached && Date.now() - cached.at <= CACHE_MS) return cached.value ? { ...cached.value, device } : null;
    const row = await this.db.device.findUnique({ where: { keyHash: hash } });
    const value = row?.active ? { kind: 'device' as const, id: row.id, projectId: row.projectId, deviceKind: row.kind, name: row.name } : null;
    // Only real devices are cached: keys an attacker makes up must not grow memory.
    if (value) this.devices.set(hash, { value, at: Date.now() });
    else this.devices.delete(hash);
    return value ? { ...value, device } : null;
  }
}

/** A valid scrypt hash of a random string, used only to equalise timing for unknown users. */
const DUMMY_HASH =
  'scrypt$16384$8$1$3q2-7w$Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm8';
