/**
 * Import and export of units, areas and prices (XLSX / CSV) for managers — issue 5 "Deals".
 *
 * Import is all-or-nothing: the file is read and EVERY row checked (domain/unit-sheet.ts) against
 * the project as it is inside the transaction (project row locked, so two imports run one after
 * the other); any problem → IMPORT_INVALID with the per-row report and nothing changes. Otherwise,
 * in ONE transaction:
 *  (a) new unit codes become units NOT_RELEASED (no batch), with entries in the ACTIVE and every
 *      PENDING price list so each version stays a complete snapshot;
 *  (b) facts of existing units change only while they are NOT_RELEASED or AVAILABLE (re-checked by
 *      the UPDATE itself, so a confirm that commits meanwhile wins and the import is refused);
 *  (c) price changes of existing units are never applied here: they become ONE pending price-list
 *      version (PriceBookService.proposeVersion) that another manager approves (four-eyes);
 *  (d) audit: `units.import` with the counts, `unit.create` / `unit.update` per unit.
 * After the commit the catalog cache is dropped and, when units were created or moved, the live
 * mirror is rebuilt: that tells every screen to resync (ProjectChangedEvent.resync).
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  UNIT_SHEET_CONTENT_TYPES,
  type ImportInvalidDetails,
  type PriceListInfo,
  type UnitImportResult,
  type UnitSheetFormat,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import type { UnitMirror } from '../selling/mirror.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import {
  areaTextToCenti,
  checkImport,
  hundredthsToText,
  readSheet,
  sortForExport,
  toCsv,
  toXlsx,
  type ExistingUnit,
  type ExportRow,
  type ImportContext,
  type ImportPlan,
  type SheetBuilding,
} from '../domain/unit-sheet.js';
import { insertAuditInTx as insertAudit, toAuditRow } from './audit.js';
import type { Logger } from './logger.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import type { PriceBookService } from './price-book-service.js';
import { bumpTermsVersion, type BuildingService } from './building-service.js';
import { lockEditableProject } from './editable-project.js';
import { createInitialPriceList } from './pricing-service.js';
import type { ProjectDirectory } from './project-directory.js';

/** A file to download. */
export interface SheetFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

export interface ImportOptions {
  format: UnitSheetFormat;
  dryRun: boolean;
  /** Shown in the pending version's note ("Import <fileName>") and the audit. */
  fileName: string;
}

/** Codes listed per kind of change in the answer. */
const MAX_LISTED_CODES = 200;
/** A large import (thousands of units and entries) takes longer than db.ts's default transaction timeout. */
const TX_OPTIONS = { timeout: 60_000 } as const;

type Reader = Db | Tx;

interface ProjectFacts {
  code: string;
  timezone: string;
  refuseAboveFiledPrice: boolean;
  buildings: (SheetBuilding & { sortOrder: number })[];
  units: ExistingUnit[];
}

function invalid(details: ImportInvalidDetails): AppError {
  return new AppError('IMPORT_INVALID', undefined, details);
}

/** YYYY-MM-DD of `at` in the project's time zone. */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export class UnitImportService {
  constructor(
    private readonly db: Db,
    private readonly mirror: UnitMirror,
    private readonly keeper: MirrorKeeper,
    private readonly directory: ProjectDirectory,
    private readonly priceBook: Pick<PriceBookService, 'proposeVersion' | 'listVersions'>,
    private readonly buildings: Pick<BuildingService, 'announcePrices'>,
    private readonly log: Logger,
  ) {}

  private async authorize(principal: Principal, projectId: string): Promise<UserPrincipal> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers can import or export units.');
    return principal;
  }

  private async load(db: Reader, projectId: string): Promise<ProjectFacts> {
    const [project, buildings, units] = await Promise.all([
      db.project.findUnique({
        where: { id: projectId },
        select: { code: true, timezone: true, refuseAboveFiledPrice: true },
      }),
      db.building.findMany({
        where: { projectId },
        select: { id: true, code: true, floors: true, unitsPerFloor: true, sortOrder: true },
      }),
      db.unit.findMany({
        where: { projectId },
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
          floorPrice: true,
          filedPrice: true,
          status: true,
        },
      }),
    ]);
    if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
    return {
      code: project.code,
      timezone: project.timezone,
      refuseAboveFiledPrice: project.refuseAboveFiledPrice,
      buildings,
      units: units.map((u) => ({
        ...u,
        grossAreaCenti: areaTextToCenti(u.grossArea.toString()),
        netAreaCenti: areaTextToCenti(u.netArea.toString()),
        listPrice: Number(u.listPrice),
        floorPrice: Number(u.floorPrice),
        filedPrice: u.filedPrice === null ? null : Number(u.filedPrice),
      })),
    };
  }

  // ── Export ──────────────────────────────────────────────────────────────────────────────────

  /** Every unit with its ACTIVE prices, in building / floor / position order. */
  async exportFile(principal: Principal, projectId: string, format: UnitSheetFormat): Promise<SheetFile> {
    await this.authorize(principal, projectId);
    const facts = await this.load(this.db, projectId);
    const buildings = new Map(facts.buildings.map((b) => [b.id, b]));
    const order = new Map(
      [...facts.buildings]
        .sort((a, b) => a.sortOrder - b.sortOrder || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
        .map((b, i) => [b.id, i]),
    );
    const rows = sortForExport(
      facts.units.map((u) => ({
        buildingId: u.buildingId,
        building: buildings.get(u.buildingId)?.code ?? '',
        unit: u.code,
        floor: u.floor,
        position: u.position,
        layout: u.layout,
        layoutName: u.layoutName,
        grossAreaCenti: u.grossAreaCenti,
        netAreaCenti: u.netAreaCenti,
        orientation: u.orientation,
        listPrice: u.listPrice,
        floorPrice: u.floorPrice,
        filedPrice: u.filedPrice,
      })),
      (r) => order.get(r.buildingId) ?? 0,
    ).map(({ buildingId: _buildingId, ...row }): ExportRow => row);
    const date = localDate(new Date(), facts.timezone);
    return this.file(`${facts.code}-units-${date}`, format, rows, false);
  }

  /** The same header, no rows (XLSX: plus the bilingual instructions sheet). */
  async templateFile(principal: Principal, projectId: string, format: UnitSheetFormat): Promise<SheetFile> {
    await this.authorize(principal, projectId);
    const project = await this.db.project.findUnique({ where: { id: projectId }, select: { code: true } });
    if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
    return this.file(`${project.code}-units-template`, format, [], true);
  }

  private async file(
    base: string,
    format: UnitSheetFormat,
    rows: ExportRow[],
    instructions: boolean,
  ): Promise<SheetFile> {
    const body = format === 'xlsx' ? await toXlsx(rows, { instructions }) : toCsv(rows);
    const contentType =
      format === 'csv' ? `${UNIT_SHEET_CONTENT_TYPES.csv}; charset=utf-8` : UNIT_SHEET_CONTENT_TYPES.xlsx;
    return { fileName: `${base}.${format}`, contentType, body };
  }

  // ── Import ──────────────────────────────────────────────────────────────────────────────────

  /** Units locked by consultants right now (their facts may not change). */
  private async lockedUnits(projectId: string): Promise<Set<string>> {
    try {
      return new Set((await this.mirror.snapshot(projectId)).locks.keys());
    } catch (error) {
      this.log.error({ err: error, projectId }, 'import: cannot read locks from the mirror');
      throw new AppError('SERVICE_UNAVAILABLE', 'The live unit status is unavailable; try again shortly.');
    }
  }

  private check(table: Parameters<typeof checkImport>[0], facts: ProjectFacts, locked: Set<string>): ImportPlan {
    const ctx: ImportContext = {
      buildings: facts.buildings,
      units: facts.units,
      lockedUnitIds: locked,
      refuseAboveFiledPrice: facts.refuseAboveFiledPrice,
    };
    const result = checkImport(table, ctx);
    if (!result.ok) throw invalid({ errors: result.errors, rowCount: result.rowCount, errorCount: result.errorCount });
    return result.plan;
  }

  async importFile(
    principal: Principal,
    projectId: string,
    bytes: Uint8Array,
    options: ImportOptions,
  ): Promise<UnitImportResult> {
    const user = await this.authorize(principal, projectId);
    const read = await readSheet(bytes, options.format);
    if (!read.ok) throw invalid({ errors: [read.error], rowCount: 0, errorCount: 1 });
    const locked = await this.lockedUnits(projectId);

    if (options.dryRun) {
      const plan = this.check(read.table, await this.load(this.db, projectId), locked);
      return summarize(plan, true, null);
    }

    const outcome = await this.db.$transaction(async (tx) => {
      // Serialises imports, repricing requests and activations of this project.
      // NO KEY UPDATE: serialises imports and price activations, but never blocks a confirm (its
      // subscription insert checks the project foreign key with FOR KEY SHARE) during a long import.
      // PROJECT_ARCHIVED while archived (read-only).
      await lockEditableProject(tx, projectId, 'inventory');
      const facts = await this.load(tx, projectId);
      const plan = this.check(read.table, facts, locked);
      const buildingCode = new Map(facts.buildings.map((b) => [b.id, b.code]));

      const created = await this.createUnits(tx, user, projectId, plan);
      await this.updateFacts(tx, user, projectId, plan, buildingCode);
      await this.updateFiledPrices(tx, user, projectId, plan);
      const pending = await this.proposePrices(tx, user, projectId, plan, options.fileName);

      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor: user,
          action: 'units.import',
          entity: 'project',
          entityId: projectId,
          after: {
            fileName: options.fileName,
            format: options.format,
            rows: plan.rowCount,
            created: created.length,
            updated: plan.factChanges.length,
            unchanged: plan.unchanged,
            priceChanges: plan.priceChanges.length,
            filedPriceChanges: plan.filedPriceChanges.length,
            pendingVersion: pending?.version ?? null,
          },
        }),
      });
      return { plan, pending };
    }, TX_OPTIONS);

    this.directory.invalidate(projectId);
    if (outcome.plan.creates.length > 0 || outcome.plan.factChanges.length > 0) {
      // New units enter the mirror and fact changes bump versions: the rebuild merges them and
      // tells every screen to resync (catalog and snapshot). The watchdog retries if Redis is away.
      await this.keeper
        .rebuild(projectId)
        .catch((error: unknown) => this.log.error({ err: error, projectId }, 'import: mirror rebuild failed'));
    }
    // Filed prices price deals (the project's rule): screens and pricing snapshots read them again.
    if (outcome.plan.filedPriceChanges.length > 0) await this.buildings.announcePrices(projectId);
    const pendingInfo = outcome.pending
      ? ((await this.priceBook.listVersions(principal, projectId)).find((v) => v.id === outcome.pending!.id) ?? null)
      : null;
    return summarize(outcome.plan, false, pendingInfo);
  }

  /**
   * (a) New units: NOT_RELEASED, no batch; their prices join every ACTIVE and PENDING version.
   * Set-based SQL (unnest): thousands of rows cost three statements, not an ORM round per row.
   */
  private async createUnits(
    tx: Tx,
    user: UserPrincipal,
    projectId: string,
    plan: ImportPlan,
  ): Promise<{ id: string }[]> {
    if (plan.creates.length === 0) return [];
    // A project without any price list (older data) gets version 1 from its current units first.
    await createInitialPriceList(tx, projectId);
    const rows = plan.creates.map(({ row, buildingId }) => ({ id: randomUUID(), buildingId, row }));
    const ids = rows.map((r) => r.id);
    const lists = rows.map((r) => String(r.row.listPrice));
    const floors = rows.map((r) => String(r.row.floorPrice));
    await tx.$executeRaw`
      INSERT INTO units (id, project_id, building_id, code, floor, position, layout, layout_name, gross_area, net_area,
          orientation, list_price, floor_price, filed_price, status, version, updated_at)
      SELECT v.id, ${projectId}::uuid, v.building_id, v.code, v.floor, v.position, v.layout, v.layout_name, v.gross_area,
          v.net_area, v.orientation, v.list_price, v.floor_price, v.filed_price, 'NOT_RELEASED', 1, now()
      FROM unnest(
        ${ids}::uuid[], ${rows.map((r) => r.buildingId)}::uuid[], ${rows.map((r) => r.row.unit)}::text[],
        ${rows.map((r) => r.row.floor)}::int[], ${rows.map((r) => r.row.position)}::int[],
        ${rows.map((r) => r.row.layout)}::text[], ${rows.map((r) => r.row.layoutName)}::text[],
        ${rows.map((r) => hundredthsToText(r.row.grossAreaCenti))}::numeric[], ${rows.map((r) => hundredthsToText(r.row.netAreaCenti))}::numeric[],
        ${rows.map((r) => r.row.orientation)}::text[], ${lists}::bigint[], ${floors}::bigint[],
        ${rows.map((r) => (r.row.filedPrice == null ? null : String(r.row.filedPrice)))}::bigint[]
      ) AS v(id, building_id, code, floor, position, layout, layout_name, gross_area, net_area, orientation, list_price,
          floor_price, filed_price)`;
    await tx.$executeRaw`
      INSERT INTO price_list_entries (price_list_id, unit_id, list_price, floor_price)
      SELECT l.id, v.id, v.list_price, v.floor_price
      FROM price_lists l
      CROSS JOIN unnest(${ids}::uuid[], ${lists}::bigint[], ${floors}::bigint[]) AS v(id, list_price, floor_price)
      WHERE l.project_id = ${projectId}::uuid AND l.status IN ('ACTIVE', 'PENDING')`;
    await tx.$executeRaw`
      UPDATE price_lists SET unit_count = unit_count + ${rows.length}::int
      WHERE project_id = ${projectId}::uuid AND status IN ('ACTIVE', 'PENDING')`;
    await insertAudit(
      tx,
      rows.map(({ id, row }) =>
        toAuditRow({
          projectId,
          actor: user,
          action: 'unit.create',
          entity: 'unit',
          entityId: id,
          after: {
            code: row.unit,
            building: row.building,
            floor: row.floor,
            position: row.position,
            layout: row.layout,
            layoutName: row.layoutName,
            grossArea: hundredthsToText(row.grossAreaCenti),
            netArea: hundredthsToText(row.netAreaCenti),
            orientation: row.orientation,
            listPrice: row.listPrice,
            floorPrice: row.floorPrice,
            filedPrice: row.filedPrice ?? null,
            status: 'NOT_RELEASED',
            source: 'import',
          },
        }),
      ),
    );
    return rows;
  }

  /**
   * (b) Facts of existing units, in one statement that re-checks the status: a unit subscribed
   * since the check is not touched, and the whole import is refused for it.
   */
  private async updateFacts(
    tx: Tx,
    user: UserPrincipal,
    projectId: string,
    plan: ImportPlan,
    buildingCode: Map<string, string>,
  ): Promise<void> {
    const changes = plan.factChanges;
    if (changes.length === 0) return;
    const updated = await tx.$queryRaw<{ id: string }[]>`
      UPDATE units u SET building_id = v.building_id, floor = v.floor, position = v.position, layout = v.layout,
          layout_name = v.layout_name, gross_area = v.gross_area, net_area = v.net_area, orientation = v.orientation,
          version = u.version + 1, updated_at = now()
      FROM unnest(
        ${changes.map((c) => c.unit.id)}::uuid[], ${changes.map((c) => c.buildingId)}::uuid[],
        ${changes.map((c) => c.row.floor)}::int[], ${changes.map((c) => c.row.position)}::int[],
        ${changes.map((c) => c.row.layout)}::text[], ${changes.map((c) => c.row.layoutName)}::text[],
        ${changes.map((c) => hundredthsToText(c.row.grossAreaCenti))}::numeric[], ${changes.map((c) => hundredthsToText(c.row.netAreaCenti))}::numeric[],
        ${changes.map((c) => c.row.orientation)}::text[]
      ) AS v(id, building_id, floor, position, layout, layout_name, gross_area, net_area, orientation)
      WHERE u.id = v.id AND u.project_id = ${projectId}::uuid AND u.status IN ('NOT_RELEASED', 'AVAILABLE')
      RETURNING u.id::text AS id`;
    if (updated.length !== changes.length) {
      const done = new Set(updated.map((r) => r.id));
      const lost = changes.filter((c) => !done.has(c.unit.id));
      const errors = lost.map((c) => ({
        row: c.row.row,
        column: null,
        value: c.row.unit,
        code: 'UNIT_NOT_EDITABLE' as const,
        reason: `Unit ${c.unit.code} was sold or withheld while the file was being imported.`,
      }));
      throw invalid({ errors, rowCount: plan.rowCount, errorCount: errors.length });
    }
    const fact = (c: (typeof changes)[number], side: 'before' | 'after'): Record<string, unknown> => {
      const u = c.unit;
      const r = c.row;
      const all: Record<string, unknown> =
        side === 'before'
          ? {
              building: buildingCode.get(u.buildingId),
              floor: u.floor,
              position: u.position,
              layout: u.layout,
              layoutName: u.layoutName,
              grossArea: hundredthsToText(u.grossAreaCenti),
              netArea: hundredthsToText(u.netAreaCenti),
              orientation: u.orientation,
            }
          : {
              building: r.building,
              floor: r.floor,
              position: r.position,
              layout: r.layout,
              layoutName: r.layoutName,
              grossArea: hundredthsToText(r.grossAreaCenti),
              netArea: hundredthsToText(r.netAreaCenti),
              orientation: r.orientation,
            };
      return Object.fromEntries(c.changed.map((k) => [k, all[k]]));
    };
    await insertAudit(
      tx,
      changes.map((c) =>
        toAuditRow({
          projectId,
          actor: user,
          action: 'unit.update',
          entity: 'unit',
          entityId: c.unit.id,
          before: { code: c.unit.code, ...fact(c, 'before') },
          after: { ...fact(c, 'after'), source: 'import' },
        }),
      ),
    );
  }

  /**
   * (c′) Filed prices 备案价 of existing units, applied at once as the setup grid applies them (on any
   * unit not sold; the UPDATE re-checks it, so a confirm committed meanwhile refuses the import).
   * They price deals under the project's rule: the pricing terms version moves, so kaipan_confirm
   * refuses quotes made before.
   */
  private async updateFiledPrices(tx: Tx, user: UserPrincipal, projectId: string, plan: ImportPlan): Promise<void> {
    const changes = plan.filedPriceChanges;
    if (changes.length === 0) return;
    const updated = await tx.$queryRaw<{ id: string }[]>`
      UPDATE units u SET filed_price = v.filed_price, updated_at = now()
      FROM unnest(
        ${changes.map((c) => c.unit.id)}::uuid[],
        ${changes.map((c) => (c.row.filedPrice == null ? null : String(c.row.filedPrice)))}::bigint[]
      ) AS v(id, filed_price)
      WHERE u.id = v.id AND u.project_id = ${projectId}::uuid AND u.status NOT IN ('SUBSCRIBED', 'CONTRACTED')
      RETURNING u.id::text AS id`;
    if (updated.length !== changes.length) {
      const done = new Set(updated.map((r) => r.id));
      const errors = changes
        .filter((c) => !done.has(c.unit.id))
        .map((c) => ({
          row: c.row.row,
          column: null,
          value: c.row.unit,
          code: 'UNIT_NOT_EDITABLE' as const,
          reason: `Unit ${c.unit.code} was sold while the file was being imported.`,
        }));
      throw invalid({ errors, rowCount: plan.rowCount, errorCount: errors.length });
    }
    await bumpTermsVersion(tx, projectId);
    await insertAudit(
      tx,
      changes.map((c) =>
        toAuditRow({
          projectId,
          actor: user,
          action: 'unit.update',
          entity: 'unit',
          entityId: c.unit.id,
          before: { code: c.unit.code, filedPrice: c.unit.filedPrice },
          after: { filedPrice: c.row.filedPrice ?? null, source: 'import' },
        }),
      ),
    );
  }

  /**
   * (c) Price changes of existing units → one PENDING version. An identical pending import from the
   * same active version is returned instead of a duplicate (a second press, the same file again).
   */
  private async proposePrices(
    tx: Tx,
    user: UserPrincipal,
    projectId: string,
    plan: ImportPlan,
    fileName: string,
  ): Promise<{ id: string; version: number } | null> {
    if (plan.priceChanges.length === 0) return null;
    const prices = new Map(
      plan.priceChanges.map((c) => [c.unit.id, { list: c.row.listPrice, floor: c.row.floorPrice }]),
    );
    const project = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { priceVersion: true } });
    const candidates = await tx.priceList.findMany({
      where: {
        projectId,
        status: 'PENDING',
        source: 'IMPORT',
        baseVersion: project.priceVersion,
        changedCount: prices.size,
      },
      select: { id: true, version: true },
      orderBy: { version: 'desc' },
    });
    for (const candidate of candidates) {
      const entries = await tx.priceListEntry.findMany({
        where: { priceListId: candidate.id, unitId: { in: [...prices.keys()] } },
        select: { unitId: true, listPrice: true, floorPrice: true },
      });
      const same =
        entries.length === prices.size &&
        entries.every((e) => {
          const p = prices.get(e.unitId);
          return p !== undefined && Number(e.listPrice) === p.list && Number(e.floorPrice) === p.floor;
        });
      if (same) return candidate;
    }
    const info: PriceListInfo = await this.priceBook.proposeVersion(tx, user, projectId, {
      source: 'IMPORT',
      note: `Import ${fileName}`.slice(0, 200),
      request: { fileName, rows: plan.rowCount },
      prices,
    });
    return { id: info.id, version: info.version };
  }
}

function summarize(plan: ImportPlan, dryRun: boolean, pendingPriceList: PriceListInfo | null): UnitImportResult {
  return {
    dryRun,
    rowCount: plan.rowCount,
    created: plan.creates.length,
    updated: plan.factChanges.length,
    unchanged: plan.unchanged,
    priceChanges: plan.priceChanges.length,
    filedPriceChanges: plan.filedPriceChanges.length,
    pendingPriceList,
    createdCodes: plan.creates.slice(0, MAX_LISTED_CODES).map((c) => c.row.unit),
    updatedCodes: plan.factChanges.slice(0, MAX_LISTED_CODES).map((c) => c.unit.code),
    pricedCodes: plan.priceChanges.slice(0, MAX_LISTED_CODES).map((c) => c.unit.code),
  };
}
