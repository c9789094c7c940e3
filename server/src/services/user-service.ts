/**
 * Accounts: creating a user (the ONE way: the first run, `POST /api/users` and the admin CLI all call
 * `createUser`), resetting a password (the user must choose a new one at the next sign-in),
 * deactivation and reactivation, ending a user's sessions, and the list administrators see.
 *
 * The account operations are functions of a database and an actor, so the admin CLI
 * (scripts/admin.ts) runs the same code without a server; `UserService` adds the administrator check
 * and tells the running processes at once (a CLI's change reaches them within SESSION_POLL_MS).
 * A user's own sessions ("sign out this phone") are here too: same rules, the owner instead of an admin.
 */
import { randomInt } from 'node:crypto';
import {
  AppError,
  passwordProblem,
  type CreatedUser,
  type ResetPasswordResult,
  type SessionInfo,
  type SessionsEndedResult,
  type UserAccountInfo,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import { hashPassword } from '../domain/passwords.js';
import { canAdminister, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow, type AuditInput } from './audit.js';
import { endSessionsInTransaction, type EndedRow, type EndedSessions, type SessionService } from './session-service.js';

/** Who changes an account: a signed-in administrator, the server (the admin CLI), or an anonymous first run. */
export type AccountActor = AuditInput['actor'];

/** A new account. `admin`: an install-level administrator (all projects, accounts). */
export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  admin: boolean;
}

/** WEAK_PASSWORD (details.rule) when the password breaks a rule of shared/src/password-policy.ts. */
export function assertPasswordAcceptable(password: string, username: string): void {
  const rule = passwordProblem(password, username);
  if (rule) throw new AppError('WEAK_PASSWORD', undefined, { rule });
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/**
 * Create an account (audited `user.created`): the one place a user row is made. WEAK_PASSWORD before
 * anything is written; USERNAME_TAKEN when the username exists (active or not). Pass a transaction to
 * make it part of a larger change (the first run checks "no administrator yet" in the same one).
 */
export async function createUser(db: Db | Tx, input: NewUser, actor: AccountActor): Promise<CreatedUser> {
  assertPasswordAcceptable(input.password, input.username);
  const { password, ...account } = input;
  return insertUser(db, account, await hashPassword(password), actor, {});
}

/**
 * DEMO ONLY — the demo seed's accounts (server/src/seed/demo.ts is the one caller; no route, first
 * run or CLI reaches it). Their passwords are public and printed in the README and the start banner,
 * and they contain the username on purpose (`manager` / `kaipan-manager`), which the password policy
 * refuses; 200 consultants share one (`kaipan-demo`), so the seed hashes it once and passes the hash.
 * Otherwise exactly `createUser`: the same row, the same USERNAME_TAKEN, the same `user.created`
 * event — which says `publicDemoPassword: true`, so the audit shows such an account for what it is.
 */
export async function createDemoUser(
  db: Db | Tx,
  input: Omit<NewUser, 'password'> & { publicDemoPasswordHash: string },
  actor: AccountActor,
): Promise<CreatedUser> {
  const { publicDemoPasswordHash, ...account } = input;
  return insertUser(db, account, publicDemoPasswordHash, actor, { publicDemoPassword: true });
}

async function insertUser(
  db: Db | Tx,
  input: Omit<NewUser, 'password'>,
  passwordHash: string,
  actor: AccountActor,
  note: Record<string, unknown>,
): Promise<CreatedUser> {
  // Administrator or not is the account's; roles in projects are memberships (member-service.ts).
  try {
    const user = await db.user.create({
      data: { username: input.username, displayName: input.displayName, admin: input.admin, passwordHash },
      select: { id: true, username: true },
    });
    await db.auditEvent.create({
      data: toAuditRow({
        projectId: null,
        actor,
        action: 'user.created',
        entity: 'user',
        entityId: user.id,
        after: { username: user.username, displayName: input.displayName, admin: input.admin, ...note },
      }),
    });
    return user;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('USERNAME_TAKEN', `The username ${input.username} is taken.`);
    throw error;
  }
}

/** Is there an active install-level administrator? (No: the first run is open.) */
export async function hasActiveAdministrator(db: Db | Tx): Promise<boolean> {
  return (await db.user.count({ where: { admin: true, active: true } })) > 0;
}

/** Letters and digits without look-alikes (0/O, 1/l/I): temporary passwords are read aloud and typed on phones. */
const TEMPORARY_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A temporary password the server makes up: 12 characters in three groups (~60 bits). */
export function makeTemporaryPassword(): string {
  const chars = Array.from({ length: 12 }, () => TEMPORARY_ALPHABET[randomInt(TEMPORARY_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/**
 * Set a temporary password the user must change at their next sign-in; every session of theirs
 * ends. Audited `user.password_reset` (never the password). NOT_FOUND for an unknown user.
 */
export async function resetPassword(
  db: Db,
  actor: AccountActor,
  userId: string,
  password: string,
): Promise<{ user: AccountRow; ended: EndedSessions & { rows: EndedRow[] } }> {
  const existing = await db.user.findUnique({ where: { id: userId }, select: { username: true } });
  if (!existing) throw new AppError('NOT_FOUND', 'No such user.');
  assertPasswordAcceptable(password, existing.username);
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: true } });
    const ended = await endSessionsInTransaction(tx, actor, { userId }, 'revoked');
    await tx.auditEvent.create({
      data: toAuditRow({
        projectId: null,
        actor,
        action: 'user.password_reset',
        entity: 'user',
        entityId: userId,
        after: { mustChangePassword: true, sessionsEnded: ended.rows.length },
      }),
    });
    return { user, ended };
  });
}

/**
 * Deactivate (the user cannot sign in; every session of theirs ends) or activate again (old sessions
 * stay ended). Audited `user.deactivated` / `user.activated` when it changes anything; idempotent.
 */
export async function setUserActive(
  db: Db,
  actor: AccountActor,
  userId: string,
  active: boolean,
): Promise<{ user: AccountRow; ended: (EndedSessions & { rows: EndedRow[] }) | null }> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<
      { active: boolean }[]
    >`SELECT active FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    if (!row) throw new AppError('NOT_FOUND', 'No such user.');
    const user = await tx.user.update({ where: { id: userId }, data: { active } });
    const ended = active ? null : await endSessionsInTransaction(tx, actor, { userId }, 'deactivated');
    if (row.active !== active) {
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: null,
          actor,
          action: active ? 'user.activated' : 'user.deactivated',
          entity: 'user',
          entityId: userId,
          before: { active: row.active },
          after: ended ? { active, sessionsEnded: ended.rows.length } : { active },
        }),
      });
    }
    return { user, ended };
  });
}

/** Every account with its live sessions and last sign-in, administrators first. */
export async function listAccounts(db: Db): Promise<UserAccountInfo[]> {
  const [users, live, latest] = await Promise.all([
    db.user.findMany({ orderBy: [{ admin: 'desc' }, { username: 'asc' }] }),
    db.session.groupBy({
      by: ['userId'],
      where: { revokedAt: null, expiresAt: { gt: new Date() } },
      _count: { _all: true },
    }),
    db.session.groupBy({ by: ['userId'], _max: { createdAt: true } }),
  ]);
  const counts = new Map(live.map((g) => [g.userId, g._count._all]));
  const signIns = new Map(latest.map((g) => [g.userId, g._max.createdAt]));
  return users.map((u) => accountInfo(u, counts.get(u.id) ?? 0, signIns.get(u.id) ?? null));
}

/** The columns of a user row the account answers show. */
type AccountRow = {
  id: string;
  username: string;
  displayName: string;
  admin: boolean;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
};

function accountInfo(u: AccountRow, sessions: number, lastSignIn: Date | null): UserAccountInfo {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    admin: u.admin,
    active: u.active,
    sessions,
    lastSignInAt: lastSignIn?.toISOString() ?? null,
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt.toISOString(),
  };
}

function requireAdmin(principal: Principal): UserPrincipal {
  if (!canAdminister(principal)) throw new AppError('FORBIDDEN', 'Only administrators manage users.');
  return principal;
}

function requireUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Devices have no sessions.');
  return principal;
}

export class UserService {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionService,
  ) {}

  async list(principal: Principal): Promise<UserAccountInfo[]> {
    requireAdmin(principal);
    return listAccounts(this.db);
  }

  /** A new account (administrators): no role in any project until a project's manager adds it. */
  async create(
    principal: Principal,
    input: { username: string; displayName: string; password: string },
  ): Promise<CreatedUser> {
    const admin = requireAdmin(principal);
    return createUser(this.db, { ...input, admin: false }, admin);
  }

  /**
   * A temporary password (typed by the administrator, or made up and answered once); the user must
   * change it at the next sign-in; their sessions end at once on every process.
   */
  async resetPassword(principal: Principal, userId: string, typed?: string): Promise<ResetPasswordResult> {
    const admin = requireAdmin(principal);
    const temporary = typed ?? makeTemporaryPassword();
    const { user, ended } = await resetPassword(this.db, admin, userId, temporary);
    await this.sessions.announce(ended);
    return { user: accountInfo(user, 0, await this.lastSignIn(userId)), temporaryPassword: typed ? null : temporary };
  }

  /**
   * Deactivate a user: they cannot sign in, and every session of theirs ends at once (HTTP and the
   * hub, on every process). Audited. Deactivating oneself is refused (the last admin would lock
   * everyone out). Idempotent.
   */
  async deactivate(principal: Principal, userId: string): Promise<UserAccountInfo> {
    const admin = requireAdmin(principal);
    if (userId === admin.id) throw new AppError('CONFLICT', 'You cannot deactivate your own account.');
    const { user, ended } = await setUserActive(this.db, admin, userId, false);
    if (ended) await this.sessions.announce(ended);
    return accountInfo(user, 0, await this.lastSignIn(userId));
  }

  /** Let a deactivated user sign in again (their old sessions stay ended). Audited. Idempotent. */
  async activate(principal: Principal, userId: string): Promise<UserAccountInfo> {
    const admin = requireAdmin(principal);
    const { user } = await setUserActive(this.db, admin, userId, true);
    return accountInfo(user, 0, await this.lastSignIn(userId));
  }

  /** A user's live sessions: their own, or anyone's for an administrator. */
  async sessionsOf(principal: Principal, userId: string): Promise<SessionInfo[]> {
    const caller = requireUser(principal);
    if (caller.id !== userId) requireAdmin(caller);
    if (caller.id !== userId && !(await this.db.user.findUnique({ where: { id: userId }, select: { id: true } }))) {
      throw new AppError('NOT_FOUND', 'No such user.');
    }
    return this.sessions.list(userId, caller.sessionId);
  }

  /**
   * End one session of the caller ("sign out this phone"; an administrator may end anyone's), or all
   * of a user's sessions (`sessionId` absent: administrators, or the user themself). NOT_FOUND for a
   * session that is not theirs.
   */
  async endSessions(principal: Principal, userId: string, sessionId?: string): Promise<SessionsEndedResult> {
    const caller = requireUser(principal);
    if (caller.id !== userId) requireAdmin(caller);
    if (sessionId !== undefined) {
      const row = await this.db.session.findUnique({ where: { id: sessionId }, select: { userId: true } });
      if (!row || row.userId !== userId) throw new AppError('NOT_FOUND', 'No such session.');
    }
    const ended = await this.sessions.end(caller, { userId, ...(sessionId ? { sessionId } : {}) }, 'revoked');
    return { ended: ended.sessions.length };
  }

  /** The caller's own session ends (sign-out). */
  async signOut(principal: Principal): Promise<void> {
    if (principal.kind !== 'user' || !principal.sessionId) return;
    await this.sessions.end(principal, { userId: principal.id, sessionId: principal.sessionId }, 'logout');
  }

  private async lastSignIn(userId: string): Promise<Date | null> {
    const row = await this.db.session.findFirst({
      where: { userId },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    });
    return row?.createdAt ?? null;
  }
}
