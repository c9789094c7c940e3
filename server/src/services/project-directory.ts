/**
 * Read side of projects: catalogs (static unit facts), settings, and who may see what.
 * Cached in memory for the hot paths (lock, join): served at once, refreshed in the background
 * (RefreshingCache), invalidated on change.
 */
import {
  AppError,
  type BuildingInfo,
  type CatalogUnit,
  type ProjectCatalog,
  type ProjectSummary,
} from '@kaipan/shared';
import type { Db, Prisma } from '../infra/db.js';
import type { Principal } from '../domain/principal.js';
import { RefreshingCache } from './refreshing-cache.js';

/** Catalogs change only through this server (which invalidates them); the TTL covers edits made elsewhere. */
const CATALOG = { freshMs: 60_000, maxStaleMs: 60 * 60_000, maxEntries: 200 };
/** A membership change is seen within 30 s; idle consultants are served at once at 9:00. */
const ACCESS = { freshMs: 30_000, maxStaleMs: 15 * 60_000, maxEntries: 50_000 };

export interface CatalogEntry {
  catalog: ProjectCatalog;
  byId: Map<string, CatalogUnit>;
  loadedAt: number;
}

type ProjectRow = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;

export function toProjectSummary({ _count, kioskPinHash, archivedAt, ...fields }: ProjectRow): ProjectSummary {
  // Only whether a PIN is set leaves the server, never its hash.
  return { ...fields, kioskPinSet: kioskPinHash !== null, archived: archivedAt !== null, unitCount: _count.units };
}

const projectSelect = {
  id: true,
  code: true,
  name: true,
  nameEn: true,
  city: true,
  timezone: true,
  salesPaused: true,
  lockTtlSeconds: true,
  maxLocksPerConsultant: true,
  entitlementPerRegistration: true,
  requireRegistration: true,
  requireCalled: true,
  selectionMinutes: true,
  noShowRule: true,
  noShowRequeueAfter: true,
  kioskPinHash: true,
  archivedAt: true,
  _count: { select: { units: true } },
} as const;

export class ProjectDirectory {
  private readonly catalogs: RefreshingCache<string, CatalogEntry>;
  private readonly unitProject = new Map<string, string>();
  /** Project ids each user is a member of. */
  private readonly access: RefreshingCache<string, Set<string>>;

  constructor(private readonly db: Db) {
    // Single flight: hundreds of consultants hitting a cold cache at 9:00 cause one load, not hundreds.
    this.catalogs = new RefreshingCache((projectId) => this.loadCatalog(projectId), CATALOG);
    this.access = new RefreshingCache(async (userId) => {
      const rows = await this.db.projectMember.findMany({ where: { userId }, select: { projectId: true } });
      return new Set(rows.map((r) => r.projectId));
    }, ACCESS);
  }

  /** The projects the principal may see; archived ones only when asked (setup) — a device always sees its own. */
  async listProjects(principal: Principal, includeArchived = false): Promise<ProjectSummary[]> {
    const where =
      principal.kind === 'device'
        ? { id: principal.projectId }
        : principal.role === 'ADMIN'
          ? {}
          : { members: { some: { userId: principal.id } } };
    const rows = await this.db.project.findMany({
      where: includeArchived || principal.kind === 'device' ? where : { ...where, archivedAt: null },
      select: projectSelect,
      orderBy: [{ sortOrder: 'asc' }, { createdAt: 'asc' }],
    });
    return rows.map(toProjectSummary);
  }

  async allProjectIds(): Promise<string[]> {
    return (await this.db.project.findMany({ select: { id: true } })).map((p) => p.id);
  }

  /** Project summary, fresh from PostgreSQL. */
  async getProject(projectId: string): Promise<ProjectSummary> {
    const row = await this.db.project.findUnique({ where: { id: projectId }, select: projectSelect });
    if (!row) throw new AppError('NOT_FOUND', 'Project not found.');
    return toProjectSummary(row);
  }

  getCatalog(projectId: string): Promise<CatalogEntry> {
    return this.catalogs.get(projectId);
  }

  private async loadCatalog(projectId: string): Promise<CatalogEntry> {
    const project = await this.getProject(projectId);
    const [buildings, units] = await Promise.all([
      this.db.building.findMany({ where: { projectId }, orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }] }),
      this.db.unit.findMany({
        where: { projectId },
        orderBy: [{ floor: 'desc' }, { position: 'asc' }],
        select: {
          id: true,
          code: true,
          buildingId: true,
          floor: true,
          position: true,
          layout: true,
          layoutName: true,
          grossArea: true,
          netArea: true,
          orientation: true,
          listPrice: true,
          kind: true,
          floorSpan: true,
        },
      }),
    ]);
    const catalogUnits: CatalogUnit[] = units.map((u) => {
      const grossArea = Number(u.grossArea);
      const listPrice = Number(u.listPrice);
      return {
        id: u.id,
        code: u.code,
        buildingId: u.buildingId,
        floor: u.floor,
        position: u.position,
        layout: u.layout,
        layoutName: u.layoutName,
        grossArea,
        netArea: Number(u.netArea),
        orientation: u.orientation,
        listPrice,
        unitPrice: grossArea > 0 ? Math.round(listPrice / grossArea) : 0,
        kind: u.kind,
        floorSpan: u.floorSpan === 2 ? 2 : 1,
      };
    });
    const buildingInfos: BuildingInfo[] = buildings.map((b) => ({
      id: b.id,
      code: b.code,
      name: b.name,
      nameEn: b.nameEn,
      floors: b.floors,
      unitsPerFloor: b.unitsPerFloor,
    }));
    const entry: CatalogEntry = {
      catalog: { project, buildings: buildingInfos, units: catalogUnits },
      byId: new Map(catalogUnits.map((u) => [u.id, u])),
      loadedAt: Date.now(),
    };
    for (const u of catalogUnits) this.unitProject.set(u.id, projectId);
    return entry;
  }

  /** Forget cached facts of a project (after settings or inventory change). */
  invalidate(projectId: string): void {
    this.catalogs.delete(projectId);
  }

  /** The project and static facts of a unit; NOT_FOUND when it does not exist. */
  async resolveUnit(unitId: string): Promise<{ projectId: string; unit: CatalogUnit; project: ProjectSummary }> {
    let projectId = this.unitProject.get(unitId);
    if (!projectId) {
      const row = await this.db.unit.findUnique({ where: { id: unitId }, select: { projectId: true } });
      if (!row) throw new AppError('NOT_FOUND', 'Unit not found.');
      projectId = row.projectId;
      this.unitProject.set(unitId, projectId);
    }
    const entry = await this.getCatalog(projectId);
    let unit = entry.byId.get(unitId);
    if (!unit) {
      this.invalidate(projectId);
      unit = (await this.catalogs.refresh(projectId)).byId.get(unitId);
    }
    if (!unit) throw new AppError('NOT_FOUND', 'Unit not found.');
    return { projectId, unit, project: entry.catalog.project };
  }

  /** Throws FORBIDDEN unless the principal may see the project (NOT_FOUND if it does not exist). */
  async assertAccess(principal: Principal, projectId: string): Promise<void> {
    if (principal.kind === 'device') {
      if (principal.projectId !== projectId) throw new AppError('FORBIDDEN', 'This device belongs to another project.');
      return;
    }
    if (principal.role === 'ADMIN') {
      await this.getCatalog(projectId);
      return;
    }
    const projects = await this.access.get(principal.id);
    if (!projects.has(projectId)) {
      const exists = await this.db.project.count({ where: { id: projectId } });
      throw exists
        ? new AppError('FORBIDDEN', 'You are not a member of this project.')
        : new AppError('NOT_FOUND', 'Project not found.');
    }
  }
}
