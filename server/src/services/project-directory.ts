/**
 * Read side of projects: catalogs (static unit facts), settings, and who may see what.
 * Cached in memory for the hot paths (lock, join): served at once, refreshed in the background
 * (RefreshingCache), invalidated on change.
 */
import {
  AppError,
  ERROR_MESSAGES,
  NOT_A_MEMBER,
  type ProjectListItem,
  type BuildingInfo,
  type CatalogUnit,
  type ProjectCatalog,
  type ProjectSummary,
} from '@kaipan/shared';
import type { Db, Prisma } from '../infra/db.js';
import { roleIn, scopeTo, type Principal } from '../domain/principal.js';
import { stringPool, type Intern } from '../domain/string-pool.js';
import { RefreshingCache } from './refreshing-cache.js';

/** Catalogs change only through this server (which invalidates them); the TTL covers edits made elsewhere. */
const CATALOG = { freshMs: 60_000, maxStaleMs: 60 * 60_000, maxEntries: 200 };

export interface CatalogEntry {
  catalog: ProjectCatalog;
  byId: Map<string, CatalogUnit>;
  loadedAt: number;
}

type ProjectRow = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;

const catalogUnitSelect = {
  id: true,
  code: true,
  buildingId: true,
  floor: true,
  position: true,
  layout: true,
  layoutName: true,
  unitLayout: { select: { nameEn: true } },
  grossArea: true,
  netArea: true,
  orientation: true,
  listPrice: true,
  kind: true,
  floorSpan: true,
} as const;

/** A unit row as the catalog reads it. */
export type CatalogUnitRow = Prisma.UnitGetPayload<{ select: typeof catalogUnitSelect }>;

/**
 * The catalog's facts of one unit. `intern` shares the strings many units repeat (building id,
 * layout, orientation, kind): a catalog lives as long as its project is in use.
 */
export function toCatalogUnit(u: CatalogUnitRow, intern: Intern): CatalogUnit {
  const grossArea = Number(u.grossArea);
  const listPrice = Number(u.listPrice);
  const layoutNameEn = u.unitLayout?.nameEn;
  return {
    id: u.id,
    code: u.code,
    buildingId: intern(u.buildingId),
    floor: u.floor,
    position: u.position,
    layout: intern(u.layout),
    layoutName: intern(u.layoutName),
    ...(layoutNameEn ? { layoutNameEn: intern(layoutNameEn) } : {}),
    grossArea,
    netArea: Number(u.netArea),
    orientation: intern(u.orientation),
    listPrice,
    unitPrice: grossArea > 0 ? Math.round(listPrice / grossArea) : 0,
    kind: intern(u.kind),
    floorSpan: u.floorSpan === 2 ? 2 : 1,
  };
}

export function toProjectSummary({
  _count,
  kioskPinHash,
  archivedAt,
  rehearsalOf,
  ...fields
}: ProjectRow): ProjectSummary {
  // Only whether a PIN is set leaves the server, never its hash.
  return {
    ...fields,
    kioskPinSet: kioskPinHash !== null,
    archived: archivedAt !== null,
    unitCount: _count.units,
    rehearsal: rehearsalOf !== null,
    rehearsalOf,
  };
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
  rehearsalOf: { select: { id: true, code: true, name: true, nameEn: true } },
  _count: { select: { units: true } },
} as const;

export class ProjectDirectory {
  private readonly catalogs: RefreshingCache<string, CatalogEntry>;
  private readonly unitProject = new Map<string, string>();

  constructor(private readonly db: Db) {
    // Single flight: hundreds of consultants hitting a cold cache at 9:00 cause one load, not hundreds.
    this.catalogs = new RefreshingCache((projectId) => this.loadCatalog(projectId), CATALOG);
  }

  /**
   * The projects the principal may see, each with the caller's role in it; archived ones only when
   * asked (setup) — a device always sees its own.
   */
  async listProjects(principal: Principal, includeArchived = false): Promise<ProjectListItem[]> {
    const where =
      principal.kind === 'device'
        ? { id: principal.projectId }
        : principal.admin
          ? {}
          : { id: { in: [...principal.memberships.keys()] } };
    const rows = await this.db.project.findMany({
      where: includeArchived || principal.kind === 'device' ? where : { ...where, archivedAt: null },
      select: projectSelect,
      orderBy: [{ sortOrder: 'asc' }, { createdAt: 'asc' }],
    });
    return rows.map((row) => ({
      ...toProjectSummary(row),
      myRole: principal.kind === 'user' ? roleIn(principal, row.id) : null,
    }));
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
        select: catalogUnitSelect,
      }),
    ]);
    const intern = stringPool();
    const catalogUnits = units.map((u) => toCatalogUnit(u, intern));
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

  /**
   * Scope the call's principal to the project (domain/principal.ts `scopeTo`: its role there) and
   * throw unless it may act there: FORBIDDEN with the reason — not a member (NOT_A_MEMBER), or the
   * permission the call was admitted under is not held in this project — or NOT_FOUND when the
   * project does not exist. Memberships come with the principal (cached): no PostgreSQL round trip
   * unless refused.
   */
  async assertAccess(principal: Principal, projectId: string): Promise<void> {
    const refusal = scopeTo(principal, projectId);
    if (!refusal) {
      // An administrator is a member of every project, including ones that do not exist.
      if (principal.kind === 'user' && principal.admin) await this.getCatalog(projectId);
      return;
    }
    if (principal.kind === 'user' && refusal.reason === NOT_A_MEMBER) {
      const exists = await this.db.project.count({ where: { id: projectId } });
      if (!exists) throw new AppError('NOT_FOUND', 'Project not found.');
    }
    throw new AppError(
      'FORBIDDEN',
      refusal.reason === NOT_A_MEMBER
        ? principal.kind === 'device'
          ? 'This device belongs to another project.'
          : 'You are not a member of this project.'
        : ERROR_MESSAGES.FORBIDDEN,
      { reason: refusal.reason, ...(refusal.permission ? { permission: refusal.permission } : {}) },
    );
  }
}
