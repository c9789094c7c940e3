/**
 * People and roles of a project: memberships (a user's role in the project, their team) and teams
 * with a lead. Managers of the project and administrators; every change is audited (before/after)
 * and announced (membership-feed.ts) so it takes effect at once for the member's requests and
 * sockets on every process.
 *
 * Rules: ADMIN is no project role (ROLE_NOT_ASSIGNABLE: the administrator is an account setting);
 * a change that would leave the project without a MANAGER is refused to managers (LAST_MANAGER) —
 * an administrator may, as they manage every project anyway. A team's lead is a member of the project.
 */
import {
  AppError,
  type AddMemberBody,
  type MemberInfo,
  type MembersOverview,
  type ProjectRole,
  type Role,
  type SetMemberBody,
  type TeamBody,
  type TeamInfo,
  type UpdateTeamBody,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import { pgErrorCode } from '../infra/db.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow, type CommandLineActor } from './audit.js';
import type { MembershipFeed } from './membership-feed.js';
import type { ProjectDirectory } from './project-directory.js';

const memberSelect = {
  userId: true,
  role: true,
  teamId: true,
  user: { select: { username: true, displayName: true, active: true } },
} as const;

type MemberRow = {
  userId: string;
  role: ProjectRole;
  teamId: string | null;
  user: { username: string; displayName: string; active: boolean };
};

function toMemberInfo(r: MemberRow): MemberInfo {
  return {
    userId: r.userId,
    username: r.user.username,
    displayName: r.user.displayName,
    role: r.role,
    teamId: r.teamId,
    active: r.user.active,
  };
}

/** Managers first, then cashiers, finance, consultants, viewers; by username within a role. */
const ROLE_ORDER: Record<ProjectRole, number> = { MANAGER: 0, CASHIER: 1, FINANCE: 2, CONSULTANT: 3, VIEWER: 4 };

function assignable(role: Role): ProjectRole {
  if (role === 'ADMIN')
    throw new AppError('ROLE_NOT_ASSIGNABLE', undefined, {
      hint: 'users.admin is set on the account, not per project',
    });
  return role;
}

/** Who changes memberships: a manager or administrator, the admin CLI, or the server itself (the demo seed). */
export type MemberActor = UserPrincipal | CommandLineActor | 'system';

export class MemberService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly feed: MembershipFeed,
  ) {}

  /** A manager of the project (or an administrator); FORBIDDEN otherwise. */
  private async manager(principal: Principal, projectId: string): Promise<UserPrincipal> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers manage the members of a project.');
    return principal;
  }

  async list(principal: Principal, projectId: string): Promise<MembersOverview> {
    await this.manager(principal, projectId);
    const [members, teams] = await Promise.all([
      this.db.projectMember.findMany({ where: { projectId }, select: memberSelect }),
      this.teams(this.db, projectId),
    ]);
    const sorted = members
      .map(toMemberInfo)
      .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.username.localeCompare(b.username));
    return { members: sorted, teams };
  }

  /** Add an existing account by username; CONFLICT when they are a member already. */
  async add(principal: Principal, projectId: string, body: AddMemberBody): Promise<MemberInfo> {
    await this.manager(principal, projectId);
    const role = assignable(body.role);
    const user = await this.db.user.findUnique({ where: { username: body.username }, select: { id: true } });
    if (!user)
      throw new AppError('VALIDATION_FAILED', 'No account has this username.', [
        { path: 'username', message: 'no such account' },
      ]);
    const existing = await this.db.projectMember.findUnique({
      where: { projectId_userId: { projectId, userId: user.id } },
      select: { role: true },
    });
    if (existing)
      throw new AppError('CONFLICT', 'This user is a member of the project already.', { role: existing.role });
    return this.set(principal, projectId, user.id, {
      role,
      ...(body.teamId !== undefined ? { teamId: body.teamId } : {}),
    });
  }

  /** Set a user's role (and team) in the project, making them a member when they are not. */
  async set(principal: Principal, projectId: string, userId: string, body: SetMemberBody): Promise<MemberInfo> {
    const actor = await this.manager(principal, projectId);
    const info = await setMembership(this.db, actor, projectId, userId, body);
    await this.feed.announce({ projectId, userId });
    return info;
  }

  /** Remove a member (idempotent: `removed: false` when they were not one). Teams they led lose their lead. */
  async remove(principal: Principal, projectId: string, userId: string): Promise<{ removed: boolean }> {
    const actor = await this.manager(principal, projectId);
    const removed = await this.db.$transaction(async (tx) => {
      const managers = await lockManagers(tx, projectId);
      const before = await tx.projectMember.findUnique({
        where: { projectId_userId: { projectId, userId } },
        select: { role: true, teamId: true },
      });
      if (!before) return false;
      if (before.role === 'MANAGER') assertNotLastManager(actor, managers, userId);
      await tx.team.updateMany({ where: { projectId, leadId: userId }, data: { leadId: null } });
      await tx.projectMember.delete({ where: { projectId_userId: { projectId, userId } } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor,
          action: 'member.removed',
          entity: 'project_member',
          entityId: userId,
          before: { role: before.role, teamId: before.teamId },
        }),
      });
      return true;
    });
    if (removed) await this.feed.announce({ projectId, userId });
    return { removed };
  }

  // ── Teams ──────────────────────────────────────────────────────────────────────────────────

  async createTeam(principal: Principal, projectId: string, body: TeamBody): Promise<TeamInfo> {
    const actor = await this.manager(principal, projectId);
    return this.db.$transaction(async (tx) => {
      const teamId = await this.uniqueName(() => insertTeam(tx, actor, projectId, body));
      return (await this.teams(tx, projectId, teamId))[0]!;
    });
  }

  async updateTeam(principal: Principal, projectId: string, teamId: string, body: UpdateTeamBody): Promise<TeamInfo> {
    const actor = await this.manager(principal, projectId);
    return this.db.$transaction(async (tx) => {
      const before = await assertTeamOf(tx, projectId, teamId);
      if (body.leadId) await assertMember(tx, projectId, body.leadId);
      const after = await this.uniqueName(() =>
        tx.team.update({
          where: { id: teamId },
          data: {
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.leadId !== undefined ? { leadId: body.leadId } : {}),
          },
        }),
      );
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor,
          action: 'team.updated',
          entity: 'team',
          entityId: teamId,
          before: { name: before.name, leadId: before.leadId },
          after: { name: after.name, leadId: after.leadId },
        }),
      });
      return (await this.teams(tx, projectId, teamId))[0]!;
    });
  }

  /** Delete a team; its members stay in the project without a team (idempotent). */
  async deleteTeam(principal: Principal, projectId: string, teamId: string): Promise<{ deleted: boolean }> {
    const actor = await this.manager(principal, projectId);
    return this.db.$transaction(async (tx) => {
      const before = await tx.team.findFirst({ where: { id: teamId, projectId } });
      if (!before) return { deleted: false };
      await tx.projectMember.updateMany({ where: { projectId, teamId }, data: { teamId: null } });
      await tx.team.delete({ where: { id: teamId } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor,
          action: 'team.deleted',
          entity: 'team',
          entityId: teamId,
          before: { name: before.name, leadId: before.leadId },
        }),
      });
      return { deleted: true };
    });
  }

  // ── Helpers ────────────────────────────────────────────────────────────────────────────────

  private async uniqueName<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if ((error as { code?: string })?.code === 'P2002' || pgErrorCode(error) === '23505')
        throw new AppError('CONFLICT', 'A team of this project has this name already.');
      throw error;
    }
  }

  private async teams(db: Db | Tx, projectId: string, only?: string): Promise<TeamInfo[]> {
    const rows = await db.team.findMany({
      where: { projectId, ...(only ? { id: only } : {}) },
      select: { id: true, name: true, leadId: true, _count: { select: { members: true } } },
      orderBy: [{ name: 'asc' }],
    });
    return rows.map((t) => ({ id: t.id, name: t.name, leadId: t.leadId, memberCount: t._count.members }));
  }
}

/**
 * Create a team of the project (its lead, when given, must be a member); audited `team.created`.
 * The caller authorizes and maps a taken name (MemberService: CONFLICT). Answers the team's id.
 */
export async function insertTeam(tx: Tx, actor: MemberActor, projectId: string, body: TeamBody): Promise<string> {
  if (body.leadId) await assertMember(tx, projectId, body.leadId);
  const team = await tx.team.create({ data: { projectId, name: body.name, leadId: body.leadId ?? null } });
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId,
      actor,
      action: 'team.created',
      entity: 'team',
      entityId: team.id,
      after: { name: team.name, leadId: team.leadId },
    }),
  });
  return team.id;
}

/**
 * Set a user's role (and team) in a project, making them a member when they are not; audited
 * `member.added` / `member.updated` with before/after. The caller authorizes and announces the change
 * (membership-feed.ts): MemberService for the web, the admin CLI for a new account's first seat.
 */
export async function setMembership(
  db: Db,
  actor: MemberActor,
  projectId: string,
  userId: string,
  body: SetMemberBody,
): Promise<MemberInfo> {
  return db.$transaction((tx) => setMembershipInTx(tx, actor, projectId, userId, body));
}

/** `setMembership` inside the caller's transaction (the demo seed seats its 204 members in one). */
export async function setMembershipInTx(
  tx: Tx,
  actor: MemberActor,
  projectId: string,
  userId: string,
  body: SetMemberBody,
): Promise<MemberInfo> {
  const role = assignable(body.role);
  const managers = await lockManagers(tx, projectId);
  const before = await tx.projectMember.findUnique({
    where: { projectId_userId: { projectId, userId } },
    select: memberSelect,
  });
  if (!before && !(await tx.user.count({ where: { id: userId } }))) throw new AppError('NOT_FOUND', 'No such user.');
  if (before?.role === 'MANAGER' && role !== 'MANAGER') assertNotLastManager(actor, managers, userId);
  if (body.teamId) await assertTeamOf(tx, projectId, body.teamId);
  const teamId = body.teamId === undefined ? (before?.teamId ?? null) : body.teamId;
  const after = await tx.projectMember.upsert({
    where: { projectId_userId: { projectId, userId } },
    create: { projectId, userId, role, teamId },
    update: { role, teamId },
    select: memberSelect,
  });
  await tx.auditEvent.create({
    data: toAuditRow({
      projectId,
      actor,
      action: before ? 'member.updated' : 'member.added',
      entity: 'project_member',
      entityId: userId,
      before: before ? { role: before.role, teamId: before.teamId } : undefined,
      after: { role: after.role, teamId: after.teamId },
    }),
  });
  return toMemberInfo(after);
}

/**
 * The project's managers, their rows locked: two managers demoting each other at once cannot
 * both pass the last-manager check.
 */
async function lockManagers(tx: Tx, projectId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ user_id: string }[]>`
    SELECT user_id FROM project_members
    WHERE project_id = ${projectId}::uuid AND role = 'MANAGER'::"ProjectRole"
    FOR UPDATE`;
  return rows.map((r) => r.user_id);
}

function assertNotLastManager(actor: MemberActor, managers: readonly string[], leaving: string): void {
  // An administrator (or the admin CLI) manages every project anyway: they may leave one without a manager.
  if (actor === 'system' || actor.kind !== 'user' || actor.admin) return;
  if (managers.every((id) => id === leaving))
    throw new AppError('LAST_MANAGER', undefined, { userId: leaving, self: leaving === actor.id });
}

async function assertMember(tx: Tx, projectId: string, userId: string): Promise<void> {
  const member = await tx.projectMember.count({ where: { projectId, userId } });
  if (!member)
    throw new AppError('VALIDATION_FAILED', 'The lead must be a member of the project.', [
      { path: 'leadId', message: 'not a member of this project' },
    ]);
}

async function assertTeamOf(tx: Tx, projectId: string, teamId: string) {
  const team = await tx.team.findFirst({ where: { id: teamId, projectId } });
  if (!team)
    throw new AppError('VALIDATION_FAILED', 'No such team in this project.', [
      { path: 'teamId', message: 'not a team of this project' },
    ]);
  return team;
}
