/**
 * Buildings and units of a project's setup (房产维护, docs/buildings.md): generate a building from a
 * pattern (the shared pure rules, shared/src/building-pattern.ts), list buildings, delete what was
 * never on sale (批量删除), and the grid editor's bulk edit of unit facts.
 *
 * Generation is all-or-nothing: under the project row lock (`FOR NO KEY UPDATE`, as imports and price
 * activations take it — never blocking a confirm), the building code and every unit code are checked
 * against the project, then the building, its units (NOT_RELEASED, no batch, prices 0 until the price
 * formula sets them), their entries in every ACTIVE and PENDING price list and the audit events are
 * written in ONE transaction. After the commit the catalog cache is dropped and the mirror rebuilt, so
 * every screen shows the new building at once.
 *
 * "Never on sale" — what may be deleted or re-priced here — is: status NOT_RELEASED, no subscription
 * (whatever its state), no price approval, and no `unit.lock` audit event. The DELETE re-checks the
 * status itself, so a batch released meanwhile wins and the deletion is refused.
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  floorLabel,
  generateBuilding,
  UNIT_KINDS,
  type BuildingPatternInput,
  type BuildingPreview,
  type BuildingSummary,
  type EditUnitsBody,
  type SetupUnit,
  type UnitKind,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import { insertAuditInTx, toAuditRow, type AuditInput } from './audit.js';
import type { DealEvents } from './deal-events.js';
import type { Logger } from './logger.js';
import { createInitialPriceList } from './pricing-service.js';
import type { ProjectDirectory } from './project-directory.js';
import { lockEditableProject } from './editable-project.js';

/** A building of a few thousand units takes longer than db.ts's default transaction timeout. */
const TX_OPTIONS = { timeout: 60_000 } as const;

interface LayoutFacts {
  id: string;
  code: string;
  name: string;
  grossArea: string;
  netArea: string;
  orientation: string;
}

const SOLD = ['SUBSCRIBED', 'CONTRACTED'] as const;

/**
 * Of `unitIds` (of the project), the codes of those that were ever on sale: released (status other
 * than NOT_RELEASED), locked (a `unit.lock` event), sold (a subscription) or priced by approval.
 */
export async function everOnSale(tx: Db | Tx, projectId: string, unitIds: string[]): Promise<string[]> {
  if (unitIds.length === 0) return [];
  const rows = await tx.$queryRaw<{ code: string }[]>`
    SELECT u.code FROM units u
    WHERE u.project_id = ${projectId}::uuid AND u.id = ANY(${unitIds}::uuid[]) AND (
      u.status <> 'NOT_RELEASED'
      OR EXISTS (SELECT 1 FROM subscriptions s WHERE s.unit_id = u.id)
      OR EXISTS (SELECT 1 FROM price_approvals a WHERE a.unit_id = u.id)
      OR EXISTS (SELECT 1 FROM audit_events e WHERE e.entity = 'unit' AND e.entity_id = u.id::text AND e.action = 'unit.lock'))
    ORDER BY u.code`;
  return rows.map((r) => r.code);
}

/** Buildings of the project (or the one) with their unit counts by kind and how many were ever on sale. */
export async function buildingSummaries(
  db: Db | Tx,
  projectId: string,
  buildingId?: string,
): Promise<BuildingSummary[]> {
  const buildings = await db.building.findMany({
    where: { projectId, ...(buildingId ? { id: buildingId } : {}) },
    orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }],
  });
  const counts = await db.$queryRaw<{ building_id: string; kind: UnitKind; n: number; on_sale: number }[]>`
    SELECT u.building_id::text, u.kind::text AS kind, count(*)::int AS n,
      count(*) FILTER (WHERE u.status <> 'NOT_RELEASED' OR EXISTS (SELECT 1 FROM subscriptions s WHERE s.unit_id = u.id))::int AS on_sale
    FROM units u WHERE u.project_id = ${projectId}::uuid GROUP BY u.building_id, u.kind`;
  return buildings.map((b) => {
    const own = counts.filter((c) => c.building_id === b.id);
    return {
      id: b.id,
      code: b.code,
      name: b.name,
      nameEn: b.nameEn,
      floors: b.floors,
      unitsPerFloor: b.unitsPerFloor,
      namedFloors: parseNamedFloors(b.namedFloors),
      unitCount: own.reduce((n, c) => n + c.n, 0),
      kinds: Object.fromEntries(
        UNIT_KINDS.map((k) => [k, own.filter((c) => c.kind === k).reduce((n, c) => n + c.n, 0)]),
      ) as Record<UnitKind, number>,
      lockedOrSold: own.reduce((n, c) => n + c.on_sale, 0),
    };
  });
}

async function layoutsByCode(db: Db | Tx, projectId: string): Promise<Map<string, LayoutFacts>> {
  const rows = await db.unitLayout.findMany({ where: { projectId } });
  return new Map(
    rows.map((l) => [
      l.code,
      {
        id: l.id,
        code: l.code,
        name: l.name,
        grossArea: l.grossArea.toString(),
        netArea: l.netArea.toString(),
        orientation: l.orientation,
      },
    ]),
  );
}

/** What the pattern makes, checked against the project as it is; throws on a pattern that cannot be built. */
async function planBuilding(db: Db | Tx, projectId: string, pattern: BuildingPatternInput) {
  const result = generateBuilding(pattern);
  if (!result.ok) {
    const clash = result.problems.find((p) => p.codes);
    if (clash) throw new AppError('UNIT_CODE_TAKEN', clash.message, { codes: clash.codes, problems: result.problems });
    throw new AppError('VALIDATION_FAILED', result.problems[0]?.message, { problems: result.problems });
  }
  const layouts = await layoutsByCode(db, projectId);
  const unknownLayouts = [
    ...new Set(result.units.flatMap((u) => (u.layoutCode && !layouts.has(u.layoutCode) ? [u.layoutCode] : []))),
  ];
  const taken = await db.unit.findMany({
    where: { projectId, code: { in: result.units.map((u) => u.code) } },
    select: { code: true },
    orderBy: { code: 'asc' },
  });
  return { result, layouts, unknownLayouts, takenCodes: taken.map((t) => t.code) };
}

/**
 * Generate a building from its pattern inside the caller's transaction: THE way buildings and units
 * come to be (the setup route through `BuildingService.create`, and the demo seed). Takes the project
 * row lock, checks the pattern against the project (layouts known, codes free), writes the building,
 * its NOT_RELEASED units (prices 0 until the formula sets them), their price-list entries and the
 * audit events. The caller drops caches and rebuilds the mirror after the commit.
 */
export async function generateBuildingInTx(
  tx: Tx,
  actor: AuditInput['actor'],
  projectId: string,
  pattern: BuildingPatternInput,
): Promise<{ building: BuildingSummary; created: number }> {
  await lockEditableProject(tx, projectId, 'inventory');
  const { result, layouts, unknownLayouts, takenCodes } = await planBuilding(tx, projectId, pattern);
  if (unknownLayouts.length > 0) {
    throw new AppError('VALIDATION_FAILED', `No layout ${unknownLayouts.join(', ')} in this project.`, {
      unknownLayouts,
    });
  }
  if (takenCodes.length > 0) {
    throw new AppError('UNIT_CODE_TAKEN', `The project already has units ${takenCodes.slice(0, 10).join(', ')}.`, {
      codes: takenCodes,
    });
  }
  if (await tx.building.findUnique({ where: { projectId_code: { projectId, code: result.code } } })) {
    throw new AppError('CONFLICT', `The project already has a building ${result.code}.`, {
      reason: 'BUILDING_CODE_TAKEN',
    });
  }
  const last = await tx.building.aggregate({ where: { projectId }, _max: { sortOrder: true } });
  const namedFloors = result.floors
    .filter((f) => f.named)
    .map((f) => ({ floor: f.floor, label: f.label, labelEn: f.labelEn }));
  const building = await tx.building.create({
    data: {
      projectId,
      code: result.code,
      name: pattern.name,
      nameEn: pattern.nameEn ?? pattern.name,
      floors: result.topFloor,
      unitsPerFloor: result.columns,
      sortOrder: (last._max.sortOrder ?? 0) + 1,
      namedFloors,
      pattern: pattern as object,
    },
  });
  // A project without any price list gets version 1 first, so the new units join a complete snapshot.
  await createInitialPriceList(tx, projectId);
  const rows = result.units.map((u) => ({
    ...u,
    id: randomUUID(),
    layout: u.layoutCode ? layouts.get(u.layoutCode) : undefined,
  }));
  await tx.$executeRaw`
    INSERT INTO units (id, project_id, building_id, code, floor, position, stairwell, floor_span, kind, layout_id,
        layout, layout_name, gross_area, net_area, orientation, list_price, floor_price, status, version, updated_at)
    SELECT v.id, ${projectId}::uuid, ${building.id}::uuid, v.code, v.floor, v.position, v.stairwell, v.floor_span,
        v.kind::"UnitKind", v.layout_id, v.layout, v.layout_name, v.gross_area, v.net_area, v.orientation, 0, 0,
        'NOT_RELEASED', 1, now()
    FROM unnest(
      ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.code)}::text[], ${rows.map((r) => r.floor)}::int[],
      ${rows.map((r) => r.position)}::int[], ${rows.map((r) => r.stairwell)}::int[], ${rows.map((r) => r.floorSpan)}::int[],
      ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.layout?.id ?? null)}::uuid[],
      ${rows.map((r) => r.layout?.code ?? '')}::text[], ${rows.map((r) => r.layout?.name ?? '')}::text[],
      ${rows.map((r) => r.layout?.grossArea ?? '0')}::numeric[], ${rows.map((r) => r.layout?.netArea ?? '0')}::numeric[],
      ${rows.map((r) => r.layout?.orientation ?? '')}::text[]
    ) AS v(id, code, floor, position, stairwell, floor_span, kind, layout_id, layout, layout_name, gross_area, net_area, orientation)`;
  await tx.$executeRaw`
    INSERT INTO price_list_entries (price_list_id, unit_id, list_price, floor_price)
    SELECT l.id, v.id, 0, 0 FROM price_lists l CROSS JOIN unnest(${rows.map((r) => r.id)}::uuid[]) AS v(id)
    WHERE l.project_id = ${projectId}::uuid AND l.status IN ('ACTIVE', 'PENDING')`;
  await tx.$executeRaw`
    UPDATE price_lists SET unit_count = unit_count + ${rows.length}::int
    WHERE project_id = ${projectId}::uuid AND status IN ('ACTIVE', 'PENDING')`;
  await insertAuditInTx(tx, [
    toAuditRow({
      projectId,
      actor,
      action: 'building.create',
      entity: 'building',
      entityId: building.id,
      after: { code: result.code, name: building.name, units: rows.length, pattern },
    }),
    ...rows.map((r) =>
      toAuditRow({
        projectId,
        actor,
        action: 'unit.create',
        entity: 'unit',
        entityId: r.id,
        after: {
          code: r.code,
          building: result.code,
          floor: r.floor,
          position: r.position,
          kind: r.kind,
          floorSpan: r.floorSpan,
          layout: r.layout?.code ?? null,
          status: 'NOT_RELEASED',
          source: 'generate',
        },
      }),
    ),
  ]);
  const [summary] = await buildingSummaries(tx, projectId, building.id);
  return { building: summary!, created: rows.length };
}

export class BuildingService {
  constructor(
    private readonly db: Db,
    private readonly keeper: MirrorKeeper,
    private readonly directory: ProjectDirectory,
    private readonly dealEvents: DealEvents,
    private readonly log: Logger,
  ) {}

  private async authorize(principal: Principal, projectId: string): Promise<UserPrincipal> {
    // In the project first (scopes the principal to it: its role there), then the role's grant.
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers can set up buildings and units.');
    return principal;
  }

  /** After a change of the inventory: the catalog cache goes, the mirror takes the units in and screens resync. */
  private async inventoryChanged(projectId: string): Promise<void> {
    this.directory.invalidate(projectId);
    await this.keeper
      .rebuild(projectId)
      .catch((error: unknown) => this.log.error({ err: error, projectId }, 'buildings: mirror rebuild failed'));
  }

  // ── List ────────────────────────────────────────────────────────────────────────────────────

  async list(principal: Principal, projectId: string): Promise<BuildingSummary[]> {
    await this.authorize(principal, projectId);
    return buildingSummaries(this.db, projectId);
  }

  // ── Generate ────────────────────────────────────────────────────────────────────────────────

  async preview(principal: Principal, projectId: string, pattern: BuildingPatternInput): Promise<BuildingPreview> {
    await this.authorize(principal, projectId);
    const { result, layouts, unknownLayouts, takenCodes } = await planBuilding(this.db, projectId, pattern);
    return {
      code: result.code,
      floors: result.floors,
      units: result.units.map((u) => ({
        ...u,
        grossArea: Number((u.layoutCode && layouts.get(u.layoutCode)?.grossArea) ?? 0),
      })),
      columns: result.columns,
      topFloor: result.topFloor,
      unknownLayouts,
      takenCodes,
    };
  }

  async create(
    principal: Principal,
    projectId: string,
    pattern: BuildingPatternInput,
  ): Promise<{ building: BuildingSummary; created: number }> {
    const user = await this.authorize(principal, projectId);
    const outcome = await this.db.$transaction((tx) => generateBuildingInTx(tx, user, projectId, pattern), TX_OPTIONS);
    await this.inventoryChanged(projectId);
    return outcome;
  }

  // ── Delete ──────────────────────────────────────────────────────────────────────────────────

  async removeBuilding(principal: Principal, buildingId: string): Promise<{ count: number }> {
    const found = await this.db.building.findUnique({ where: { id: buildingId }, select: { projectId: true } });
    if (!found) throw new AppError('NOT_FOUND', 'No such building.');
    const user = await this.authorize(principal, found.projectId);
    const projectId = found.projectId;
    const count = await this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId, 'inventory');
      const building = await tx.building.findUnique({ where: { id: buildingId } });
      if (!building) throw new AppError('NOT_FOUND', 'No such building.');
      const units = await tx.unit.findMany({ where: { buildingId }, select: { id: true } });
      const deleted = await this.deleteNeverOnSale(
        tx,
        user,
        projectId,
        units.map((u) => u.id),
      );
      await tx.building.delete({ where: { id: buildingId } });
      await insertAuditInTx(tx, [
        toAuditRow({
          projectId,
          actor: user,
          action: 'building.delete',
          entity: 'building',
          entityId: buildingId,
          before: { code: building.code, name: building.name, units: deleted },
        }),
      ]);
      return deleted;
    }, TX_OPTIONS);
    await this.inventoryChanged(projectId);
    return { count };
  }

  async deleteUnits(principal: Principal, projectId: string, unitIds: string[]): Promise<{ count: number }> {
    const user = await this.authorize(principal, projectId);
    const count = await this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId, 'inventory');
      return this.deleteNeverOnSale(tx, user, projectId, [...new Set(unitIds)]);
    }, TX_OPTIONS);
    await this.inventoryChanged(projectId);
    return { count };
  }

  /** Deletes the units (all of the project, none ever on sale) or refuses NOT_DELETABLE naming them. */
  private async deleteNeverOnSale(tx: Tx, user: UserPrincipal, projectId: string, unitIds: string[]): Promise<number> {
    if (unitIds.length === 0) return 0;
    const refused = await everOnSale(tx, projectId, unitIds);
    if (refused.length > 0) {
      throw new AppError('NOT_DELETABLE', `Units ${refused.slice(0, 10).join(', ')} were on sale.`, { codes: refused });
    }
    const deleted = await tx.$queryRaw<
      { id: string; code: string; building_id: string; floor: number; position: number }[]
    >`
      DELETE FROM units WHERE project_id = ${projectId}::uuid AND id = ANY(${unitIds}::uuid[]) AND status = 'NOT_RELEASED'
      RETURNING id::text, code, building_id::text, floor, position`;
    if (deleted.length !== unitIds.length) {
      throw new AppError('NOT_FOUND', 'Some units are not units of this project (or were released meanwhile).');
    }
    // Their price-list entries went with them (ON DELETE CASCADE): recount the versions that held them.
    await tx.$executeRaw`
      UPDATE price_lists l SET unit_count = (SELECT count(*) FROM price_list_entries e WHERE e.price_list_id = l.id)
      WHERE l.project_id = ${projectId}::uuid`;
    await insertAuditInTx(
      tx,
      deleted.map((u) =>
        toAuditRow({
          projectId,
          actor: user,
          action: 'unit.delete',
          entity: 'unit',
          entityId: u.id,
          before: { code: u.code, floor: u.floor, position: u.position, status: 'NOT_RELEASED' },
        }),
      ),
    );
    return deleted.length;
  }

  // ── The grid editor ────────────────────────────────────────────────────────────────────────

  async units(principal: Principal, projectId: string, buildingId?: string): Promise<SetupUnit[]> {
    await this.authorize(principal, projectId);
    const units = await this.db.unit.findMany({
      where: { projectId, ...(buildingId ? { buildingId } : {}) },
      orderBy: [{ floor: 'desc' }, { position: 'asc' }],
    });
    const onSale = new Set(
      await everOnSale(
        this.db,
        projectId,
        units.map((u) => u.id),
      ),
    );
    return units.map((u) => ({
      id: u.id,
      code: u.code,
      buildingId: u.buildingId,
      floor: u.floor,
      position: u.position,
      stairwell: u.stairwell,
      floorSpan: u.floorSpan,
      kind: u.kind,
      layoutId: u.layoutId,
      layout: u.layout,
      layoutName: u.layoutName,
      grossArea: Number(u.grossArea),
      netArea: Number(u.netArea),
      orientation: u.orientation,
      listPrice: Number(u.listPrice),
      floorPrice: Number(u.floorPrice),
      filedPrice: u.filedPrice === null ? null : Number(u.filedPrice),
      status: u.status,
      editable: !onSale.has(u.code),
    }));
  }

  /**
   * Set facts of many units at once, all or nothing. Layout, kind, list and floor prices: units never
   * on sale only (the prices of a unit on sale change through the price book, four-eyes); the filed
   * price: any unit not sold. Prices go to the unit and to the ACTIVE version's entries (and to a
   * PENDING version's entry that still holds the old price), so versions stay complete snapshots.
   */
  async editUnits(principal: Principal, projectId: string, body: EditUnitsBody): Promise<{ count: number }> {
    const user = await this.authorize(principal, projectId);
    const ids = [...new Set(body.unitIds)];
    const setsFacts =
      body.layoutId !== undefined ||
      body.kind !== undefined ||
      body.listPrice !== undefined ||
      body.floorPrice !== undefined;
    const setsFiled = body.filedPrice !== undefined;
    const count = await this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId, 'inventory');
      const units = await tx.unit.findMany({ where: { projectId, id: { in: ids } } });
      if (units.length !== ids.length) throw new AppError('NOT_FOUND', 'Some units are not units of this project.');
      if (setsFacts) {
        const onSale = await everOnSale(tx, projectId, ids);
        if (onSale.length > 0) {
          throw new AppError(
            'CONFLICT',
            `Units ${onSale.slice(0, 10).join(', ')} were on sale: change their prices in the price book.`,
            {
              reason: 'ON_SALE',
              codes: onSale,
            },
          );
        }
      }
      if (setsFiled) {
        const sold = units.filter((u) => (SOLD as readonly string[]).includes(u.status)).map((u) => u.code);
        if (sold.length > 0) {
          throw new AppError('CONFLICT', `Units ${sold.slice(0, 10).join(', ')} are sold.`, {
            reason: 'SOLD',
            codes: sold,
          });
        }
      }
      const layout = body.layoutId ? await tx.unitLayout.findFirst({ where: { id: body.layoutId, projectId } }) : null;
      if (body.layoutId && !layout) throw new AppError('NOT_FOUND', 'No such layout in this project.');
      const aboveList = units.filter(
        (u) => (body.floorPrice ?? Number(u.floorPrice)) > (body.listPrice ?? Number(u.listPrice)),
      );
      if ((body.listPrice !== undefined || body.floorPrice !== undefined) && aboveList.length > 0) {
        throw new AppError('VALIDATION_FAILED', 'A floor price would be above its list price.', {
          reason: 'FLOOR_ABOVE_LIST',
          codes: aboveList.map((u) => u.code),
        });
      }
      const audits = [];
      for (const u of units) {
        const before: Record<string, unknown> = {};
        const after: Record<string, unknown> = {};
        const note = (key: string, from: unknown, to: unknown): void => {
          if (from === to) return;
          before[key] = from;
          after[key] = to;
        };
        if (layout) note('layout', u.layout, layout.code);
        if (body.kind) note('kind', u.kind, body.kind);
        if (body.listPrice !== undefined) note('listPrice', Number(u.listPrice), body.listPrice);
        if (body.floorPrice !== undefined) note('floorPrice', Number(u.floorPrice), body.floorPrice);
        if (setsFiled) note('filedPrice', u.filedPrice === null ? null : Number(u.filedPrice), body.filedPrice);
        if (Object.keys(after).length === 0) continue;
        audits.push(
          toAuditRow({
            projectId,
            actor: user,
            action: 'unit.update',
            entity: 'unit',
            entityId: u.id,
            before: { code: u.code, ...before },
            after: { ...after, source: 'setup' },
          }),
        );
      }
      await tx.unit.updateMany({
        where: { projectId, id: { in: ids } },
        data: {
          ...(layout
            ? {
                layoutId: layout.id,
                layout: layout.code,
                layoutName: layout.name,
                grossArea: layout.grossArea,
                netArea: layout.netArea,
                orientation: layout.orientation,
              }
            : {}),
          ...(body.kind ? { kind: body.kind } : {}),
          ...(body.listPrice !== undefined ? { listPrice: BigInt(body.listPrice) } : {}),
          ...(body.floorPrice !== undefined ? { floorPrice: BigInt(body.floorPrice) } : {}),
          ...(setsFiled ? { filedPrice: body.filedPrice === null ? null : BigInt(body.filedPrice!) } : {}),
        },
      });
      if (body.listPrice !== undefined || body.floorPrice !== undefined) await syncPriceEntries(tx, projectId, ids);
      // Filed prices price deals (the project's rule): quotes made before must be refused, so the
      // pricing terms version moves (kaipan_confirm compares it) and every snapshot reads again.
      if (setsFiled) await bumpTermsVersion(tx, projectId);
      await insertAuditInTx(tx, audits);
      return audits.length;
    }, TX_OPTIONS);
    this.directory.invalidate(projectId);
    if (setsFiled || body.listPrice !== undefined) await this.announcePrices(projectId);
    return { count };
  }

  /** Screens and pricing snapshots re-read prices and terms (`prices:changed`). */
  async announcePrices(projectId: string): Promise<void> {
    const project = await this.db.project.findUnique({ where: { id: projectId }, select: { priceVersion: true } });
    if (project)
      this.dealEvents.publish({ type: 'prices:changed', payload: { projectId, priceVersion: project.priceVersion } });
  }
}

/**
 * The units' current list and floor prices into the ACTIVE version's entries, and into each PENDING
 * version's entry that still equals the ACTIVE one (a pending change of that unit is left as asked).
 */
export async function syncPriceEntries(tx: Tx, projectId: string, unitIds: string[]): Promise<void> {
  await tx.$executeRaw`
    UPDATE price_list_entries p SET list_price = u.list_price, floor_price = u.floor_price
    FROM price_lists l, price_list_entries a, price_lists al, units u
    WHERE p.price_list_id = l.id AND l.project_id = ${projectId}::uuid AND l.status = 'PENDING'
      AND al.project_id = l.project_id AND al.status = 'ACTIVE' AND a.price_list_id = al.id
      AND a.unit_id = p.unit_id AND p.list_price = a.list_price AND p.floor_price = a.floor_price
      AND u.id = p.unit_id AND u.id = ANY(${unitIds}::uuid[])`;
  await tx.$executeRaw`
    UPDATE price_list_entries e SET list_price = u.list_price, floor_price = u.floor_price
    FROM price_lists l, units u
    WHERE e.price_list_id = l.id AND l.project_id = ${projectId}::uuid AND l.status = 'ACTIVE'
      AND u.id = e.unit_id AND u.id = ANY(${unitIds}::uuid[])`;
}

/** Quotes made before this change of what prices a deal are refused by kaipan_confirm (PRICE_VERSION_STALE). */
export async function bumpTermsVersion(tx: Tx, projectId: string): Promise<void> {
  await tx.$executeRaw`UPDATE projects SET terms_version = terms_version + 1 WHERE id = ${projectId}::uuid`;
}

function parseNamedFloors(value: unknown): { floor: number; label: string; labelEn: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: unknown) => {
    if (typeof v !== 'object' || v === null) return [];
    const f = v as { floor?: unknown; label?: unknown; labelEn?: unknown };
    if (typeof f.floor !== 'number') return [];
    const label = typeof f.label === 'string' ? f.label : floorLabel(f.floor);
    return [{ floor: f.floor, label, labelEn: typeof f.labelEn === 'string' ? f.labelEn : label }];
  });
}
