/**
 * Presale permits 预售许可证 of a project (docs/setup.md): list, enter, replace, delete — managers of
 * the project, audited with before/after. The rule they enforce lives with the release it guards
 * (selling/permits.ts).
 */
import { AppError, type permitBodySchema, type PermitInfo } from '@kaipan/shared';
import type { z } from 'zod';
import { Prisma, type Db, type Tx } from '../infra/db.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import { toAuditRow } from './audit.js';
import type { ProjectDirectory } from './project-directory.js';
import { lockEditableProject } from './editable-project.js';

type PermitBody = z.output<typeof permitBodySchema>;

type PermitRow = {
  id: string;
  number: string;
  issuedOn: Date;
  buildingIds: string[];
  unitIds: string[];
  createdAt: Date;
};

const permitSelect = {
  id: true,
  number: true,
  issuedOn: true,
  buildingIds: true,
  unitIds: true,
  createdAt: true,
} as const;

/** What the audit log keeps of a permit. */
function auditOf(p: Pick<PermitRow, 'number' | 'issuedOn' | 'buildingIds' | 'unitIds'>) {
  return {
    number: p.number,
    issuedOn: p.issuedOn.toISOString().slice(0, 10),
    buildingIds: p.buildingIds,
    unitIds: p.unitIds,
  };
}

export class PermitService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
  ) {}

  async list(principal: Principal, projectId: string): Promise<PermitInfo[]> {
    await this.manager(principal, projectId);
    const rows = await this.db.presalePermit.findMany({
      where: { projectId },
      select: permitSelect,
      orderBy: [{ issuedOn: 'asc' }, { number: 'asc' }],
    });
    return this.withCounts(this.db, projectId, rows);
  }

  async create(principal: Principal, projectId: string, body: PermitBody): Promise<PermitInfo> {
    const user = await this.manager(principal, projectId);
    return this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId);
      const data = await this.checked(tx, projectId, body);
      const row = await this.unique(body.number, () =>
        tx.presalePermit.create({ data: { projectId, ...data }, select: permitSelect }),
      );
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'permit.create',
          entity: 'permit',
          entityId: row.id,
          after: auditOf(row),
        }),
      });
      return (await this.withCounts(tx, projectId, [row]))[0]!;
    });
  }

  async update(principal: Principal, permitId: string, body: PermitBody): Promise<PermitInfo> {
    const { projectId, user } = await this.permitProject(principal, permitId);
    return this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId);
      const before = await tx.presalePermit.findUniqueOrThrow({ where: { id: permitId }, select: permitSelect });
      const data = await this.checked(tx, projectId, body);
      const row = await this.unique(body.number, () =>
        tx.presalePermit.update({ where: { id: permitId }, data, select: permitSelect }),
      );
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'permit.update',
          entity: 'permit',
          entityId: permitId,
          before: auditOf(before),
          after: auditOf(row),
        }),
      });
      return (await this.withCounts(tx, projectId, [row]))[0]!;
    });
  }

  /** Delete a permit entered by mistake: units already released stay on sale; the rule applies to later releases. */
  async remove(principal: Principal, permitId: string): Promise<PermitInfo> {
    const { projectId, user } = await this.permitProject(principal, permitId);
    return this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId);
      const row = await tx.presalePermit.findUniqueOrThrow({ where: { id: permitId }, select: permitSelect });
      const [info] = await this.withCounts(tx, projectId, [row]);
      await tx.presalePermit.delete({ where: { id: permitId } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'permit.delete',
          entity: 'permit',
          entityId: permitId,
          before: auditOf(row),
        }),
      });
      return info!;
    });
  }

  /** The permit's buildings and units must belong to the project (VALIDATION_FAILED naming the strangers). */
  private async checked(tx: Tx, projectId: string, body: PermitBody) {
    const buildingIds = [...new Set(body.buildingIds)];
    const unitIds = [...new Set(body.unitIds)];
    const [buildings, units] = await Promise.all([
      tx.building.findMany({ where: { id: { in: buildingIds }, projectId }, select: { id: true } }),
      tx.unit.findMany({ where: { id: { in: unitIds }, projectId }, select: { id: true } }),
    ]);
    const knownBuildings = new Set(buildings.map((b) => b.id));
    const knownUnits = new Set(units.map((u) => u.id));
    const problems = [
      ...buildingIds
        .filter((id) => !knownBuildings.has(id))
        .map((id) => ({ path: 'buildingIds', message: `${id} is not a building of this project` })),
      ...unitIds
        .filter((id) => !knownUnits.has(id))
        .map((id) => ({ path: 'unitIds', message: `${id} is not a unit of this project` })),
    ];
    if (problems.length > 0)
      throw new AppError('VALIDATION_FAILED', 'The permit covers unknown units.', problems.slice(0, 50));
    return { number: body.number, issuedOn: new Date(`${body.issuedOn}T00:00:00Z`), buildingIds, unitIds };
  }

  private async unique<T>(number: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw new AppError('CONFLICT', `The project already has permit ${number}.`);
      }
      throw err;
    }
  }

  /** Each permit with the number of units it covers (its buildings' units and its single units, once each). */
  private async withCounts(db: Db | Tx, projectId: string, rows: PermitRow[]): Promise<PermitInfo[]> {
    if (rows.length === 0) return [];
    const counts = await db.$queryRaw<{ id: string; n: number }[]>`
      SELECT p.id::text AS id,
             (SELECT count(*)::int FROM units u WHERE u.project_id = p.project_id
                AND (u.building_id = ANY (p.building_ids) OR u.id = ANY (p.unit_ids))) AS n
      FROM presale_permits p
      WHERE p.project_id = ${projectId}::uuid AND p.id = ANY (${rows.map((r) => r.id)}::uuid[])`;
    const byId = new Map(counts.map((c) => [c.id, c.n]));
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      issuedOn: r.issuedOn.toISOString().slice(0, 10),
      buildingIds: r.buildingIds,
      unitIds: r.unitIds,
      unitCount: byId.get(r.id) ?? 0,
      createdAt: r.createdAt.toISOString(),
    }));
  }

  private async permitProject(principal: Principal, permitId: string) {
    const permit = await this.db.presalePermit.findUnique({ where: { id: permitId }, select: { projectId: true } });
    if (!permit) throw new AppError('NOT_FOUND', 'Permit not found.');
    return { projectId: permit.projectId, user: await this.manager(principal, permit.projectId) };
  }

  private async manager(principal: Principal, projectId: string): Promise<UserPrincipal> {
    // In the project first (scopes the principal to it: its role there), then the role's grant.
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers enter presale permits.');
    return principal;
  }
}
