/**
 * Launch replay 开盘回放 (docs/replay.md): reads the units and the status events of a project and
 * answers the state at `from` plus the changes until `to` (rules: ./reconstruct.ts). Managers only
 * (permission `replay`); read only, off the selling path.
 */
import {
  AppError,
  REPLAY_MAX_CHANGES,
  REPLAY_MAX_SPAN_MS,
  type Replay,
  type ReplayQuery,
  type UnitStatus,
} from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import type { Principal } from '../domain/principal.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import {
  BATCH_RELEASE_ACTION,
  PRICE_CHANGE_ACTION,
  UNIT_STATUS_ACTIONS,
  dealsOf,
  replayWindow,
  statusChangesOf,
} from './reconstruct.js';

export class ReplayService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
  ) {}

  async replay(principal: Principal, projectId: string, query: ReplayQuery): Promise<Replay> {
    await this.directory.assertAccess(principal, projectId);
    const to = query.to ? Date.parse(query.to) : Date.now();
    const from = Date.parse(query.from);
    if (from >= to) throw new AppError('VALIDATION_FAILED', '`from` must be before `to`.', { field: 'from' });
    if (to - from > REPLAY_MAX_SPAN_MS)
      throw new AppError('VALIDATION_FAILED', 'A replay covers at most 7 days.', { field: 'from' });
    const { catalog } = await this.directory.getCatalog(projectId);
    const { units, changes, deals, consultants, teams } = await this.record(projectId);
    const window = replayWindow(units, changes, deals, from, to);
    if (window.changes.length > REPLAY_MAX_CHANGES)
      throw new AppError('VALIDATION_FAILED', 'Too many changes in this window: choose a shorter one.', {
        field: 'to',
      });
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      timeZone: catalog.project.timezone,
      ...window,
      consultants,
      teams,
    };
  }

  /**
   * The project's units (current stored status), every status change of its record and every deal
   * it sets, oldest first; the deals' consultants (name, team in this project) and the teams — as the
   * live dashboard names them.
   */
  async record(projectId: string) {
    const [units, rows, subscriptions, members, teams] = await Promise.all([
      this.db.unit.findMany({ where: { projectId }, select: { id: true, code: true, status: true } }),
      this.db.auditEvent.findMany({
        where: {
          projectId,
          OR: [
            { entity: 'unit', action: { in: [...UNIT_STATUS_ACTIONS] } },
            { action: BATCH_RELEASE_ACTION },
            { entity: 'subscription', action: PRICE_CHANGE_ACTION },
          ],
        },
        select: { id: true, action: true, entity: true, entityId: true, before: true, after: true, createdAt: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
      this.db.subscription.findMany({ where: { projectId }, select: { id: true, unitId: true, consultantId: true } }),
      this.db.projectMember.findMany({ where: { projectId }, select: { userId: true, teamId: true } }),
      this.db.team.findMany({ where: { projectId }, select: { id: true, name: true } }),
    ]);
    const consultantIds = [...new Set(subscriptions.map((s) => s.consultantId))];
    const users = await this.db.user.findMany({
      where: { id: { in: consultantIds } },
      select: { id: true, displayName: true },
    });
    const teamOf = new Map(members.map((m) => [m.userId, m.teamId]));
    const changes = statusChangesOf(rows, new Map(units.map((u) => [u.code, u.id])));
    return {
      units: units.map((u) => ({ id: u.id, status: u.status as UnitStatus })),
      changes,
      deals: dealsOf(rows, new Map(subscriptions.map((s) => [s.id, s]))),
      consultants: users.map((u) => ({ id: u.id, name: u.displayName, teamId: teamOf.get(u.id) ?? null })),
      teams,
    };
  }
}
