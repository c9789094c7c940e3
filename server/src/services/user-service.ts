/**
 * User administration (administrators): the accounts, deactivation and reactivation, and ending a
 * user's sessions. Issue 14 (user management) adds creating and editing users beside these.
 * A user's own sessions ("sign out this phone") are here too: same rules, the owner instead of an admin.
 */
import { AppError, type SessionInfo, type SessionsEndedResult, type UserAccountInfo } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { canAdminister, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow } from './audit.js';
import type { SessionService } from './session-service.js';

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
    const [users, live] = await Promise.all([
      this.db.user.findMany({ orderBy: [{ admin: 'desc' }, { username: 'asc' }] }),
      this.db.session.groupBy({
        by: ['userId'],
        where: { revokedAt: null, expiresAt: { gt: new Date() } },
        _count: { _all: true },
      }),
    ]);
    const counts = new Map(live.map((g) => [g.userId, g._count._all]));
    return users.map((u) => this.info(u, counts.get(u.id) ?? 0));
  }

  /**
   * Deactivate a user: they cannot sign in, and every session of theirs ends at once (HTTP and the
   * hub, on every process). Audited. Deactivating oneself is refused (the last admin would lock
   * everyone out). Idempotent.
   */
  async deactivate(principal: Principal, userId: string): Promise<UserAccountInfo> {
    const admin = requireAdmin(principal);
    if (userId === admin.id) throw new AppError('CONFLICT', 'You cannot deactivate your own account.');
    const { user, ended } = await this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<
        { active: boolean }[]
      >`SELECT active FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
      if (!row) throw new AppError('NOT_FOUND', 'No such user.');
      const updated = await tx.user.update({ where: { id: userId }, data: { active: false } });
      const ended = await this.sessions.endInTransaction(tx, admin, { userId }, 'deactivated');
      if (row.active) {
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId: null,
            actor: admin,
            action: 'user.deactivated',
            entity: 'user',
            entityId: userId,
            before: { active: true },
            after: { active: false, sessionsEnded: ended.rows.length },
          }),
        });
      }
      return { user: updated, ended };
    });
    await this.sessions.announce(ended);
    return this.info(user, 0);
  }

  /** Let a deactivated user sign in again (their old sessions stay ended). Audited. Idempotent. */
  async activate(principal: Principal, userId: string): Promise<UserAccountInfo> {
    const admin = requireAdmin(principal);
    const user = await this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<
        { active: boolean }[]
      >`SELECT active FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
      if (!row) throw new AppError('NOT_FOUND', 'No such user.');
      const updated = await tx.user.update({ where: { id: userId }, data: { active: true } });
      if (!row.active) {
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId: null,
            actor: admin,
            action: 'user.activated',
            entity: 'user',
            entityId: userId,
            before: { active: false },
            after: { active: true },
          }),
        });
      }
      return updated;
    });
    return this.info(user, 0);
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

  private info(
    u: { id: string; username: string; displayName: string; admin: boolean; active: boolean },
    sessions: number,
  ): UserAccountInfo {
    return { id: u.id, username: u.username, displayName: u.displayName, admin: u.admin, active: u.active, sessions };
  }
}
