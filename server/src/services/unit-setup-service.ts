/**
 * Layouts 户型 and list prices by formula (户型资料, 公式设置, 精度设置 — docs/buildings.md), and the
 * project's filed-price rule 备案价.
 *
 * - A layout's facts (code, name, areas, orientation) are copied onto its units. Editing a layout
 *   updates its units that are not sold (status other than SUBSCRIBED / CONTRACTED); sold units keep
 *   the facts they were sold with — the 认购书 printed them, and an area change after a sale is a
 *   contract matter (补差), not a setup edit.
 * - The formula (shared/src/unit-setup.ts `formulaPrices`) is rounded with the project's pricing
 *   policy rounding (精度). It is applied only to units never on sale (building-service.ts
 *   `everOnSale`): a unit on sale changes price through the price book (four-eyes). Applying writes
 *   the units and the ACTIVE version's entries in one transaction, audited per unit.
 */
import {
  AppError,
  formulaPrices,
  priceFormulaSchema,
  type FormulaPrice,
  type LayoutBody,
  type LayoutInfo,
  type PriceFormulaInput,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import { areaTextToCenti } from '../domain/unit-sheet.js';
import { insertAuditInTx, toAuditRow, type AuditInput } from './audit.js';
import { bumpTermsVersion, everOnSale, syncPriceEntries, type BuildingService } from './building-service.js';
import type { Logger } from './logger.js';
import { parsePolicy } from './pricing-service.js';
import type { ProjectDirectory } from './project-directory.js';
import { lockEditableProject } from './editable-project.js';

const TX_OPTIONS = { timeout: 60_000 } as const;

type LayoutRow = {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  grossArea: { toString(): string };
  netArea: { toString(): string };
  orientation: string;
  rooms: number;
};

function layoutInfo(l: LayoutRow, unitCount: number): LayoutInfo {
  return {
    id: l.id,
    code: l.code,
    name: l.name,
    nameEn: l.nameEn,
    grossArea: Number(l.grossArea.toString()),
    netArea: Number(l.netArea.toString()),
    orientation: l.orientation,
    rooms: l.rooms,
    unitCount,
  };
}

function checkAreas(body: LayoutBody): void {
  if (body.netArea > body.grossArea) {
    throw new AppError('VALIDATION_FAILED', 'The net area is above the gross area.', {
      issues: [{ path: 'netArea', message: 'above the gross area' }],
    });
  }
}

/**
 * Create a layout 户型 inside the caller's transaction (the setup route and the demo seed);
 * CONFLICT LAYOUT_CODE_TAKEN for a code the project has. Audited `layout.create`.
 */
export async function insertLayoutInTx(
  tx: Tx,
  actor: AuditInput['actor'],
  projectId: string,
  body: LayoutBody,
): Promise<LayoutInfo> {
  checkAreas(body);
  if (await tx.unitLayout.findUnique({ where: { projectId_code: { projectId, code: body.code } } })) {
    throw new AppError('CONFLICT', `The project already has a layout ${body.code}.`, {
      reason: 'LAYOUT_CODE_TAKEN',
    });
  }
  const row = await tx.unitLayout.create({
    data: {
      projectId,
      code: body.code,
      name: body.name,
      nameEn: body.nameEn ?? body.name,
      grossArea: body.grossArea.toFixed(2),
      netArea: body.netArea.toFixed(2),
      orientation: body.orientation,
      rooms: body.rooms,
    },
  });
  await insertAuditInTx(tx, [
    toAuditRow({
      projectId,
      actor,
      action: 'layout.create',
      entity: 'layout',
      entityId: row.id,
      after: body,
    }),
  ]);
  return layoutInfo(row, 0);
}

/** The formula's prices of the units in scope: those never on sale are applied, the others skipped. */
async function computeFormula(db: Db | Tx, projectId: string, formula: PriceFormulaInput) {
  const parsed = priceFormulaSchema.parse(formula);
  if (parsed.buildingIds?.length) {
    const known = await db.building.count({ where: { projectId, id: { in: parsed.buildingIds } } });
    if (known !== new Set(parsed.buildingIds).size)
      throw new AppError('NOT_FOUND', 'A building is not of this project.');
  }
  const project = await db.project.findUnique({ where: { id: projectId }, select: { pricingPolicy: true } });
  if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
  const rounding = parsePolicy(project.pricingPolicy).rounding;
  const units = await db.unit.findMany({
    where: { projectId },
    select: {
      id: true,
      code: true,
      buildingId: true,
      floor: true,
      position: true,
      kind: true,
      grossArea: true,
      listPrice: true,
    },
    orderBy: [{ buildingId: 'asc' }, { floor: 'desc' }, { position: 'asc' }],
  });
  const rows = formulaPrices({
    formula: parsed,
    rounding,
    units: units.map((u) => ({ ...u, grossAreaCenti: areaTextToCenti(u.grossArea.toString()) })),
  });
  const onSale = new Set(
    await everOnSale(
      db,
      projectId,
      rows.map((r) => r.unitId),
    ),
  );
  const current = new Map(units.map((u) => [u.id, Number(u.listPrice)]));
  return {
    apply: rows.filter((r) => !onSale.has(r.code)),
    skipped: rows.filter((r) => onSale.has(r.code)),
    current,
    setsFiled: parsed.filedPriceBp !== undefined,
  };
}

/**
 * Apply a price formula inside the caller's transaction (the setup route and the demo seed): the
 * units in scope never on sale get the formula's list and floor (and filed) prices, on the unit and
 * in the ACTIVE version's entries, audited per unit. CONFLICT when a unit was released meanwhile.
 * The caller announces the prices after the commit.
 */
export async function applyPriceFormulaInTx(
  tx: Tx,
  actor: AuditInput['actor'],
  projectId: string,
  formula: PriceFormulaInput,
): Promise<{ count: number; setsFiled: boolean }> {
  await lockEditableProject(tx, projectId, 'inventory');
  const { apply, current, setsFiled } = await computeFormula(tx, projectId, formula);
  if (apply.length === 0) return { count: 0, setsFiled };
  const updated = await tx.$queryRaw<{ id: string }[]>`
    UPDATE units u SET list_price = v.list_price, floor_price = v.floor_price,
        filed_price = CASE WHEN ${setsFiled} THEN v.filed_price ELSE u.filed_price END, updated_at = now()
    FROM unnest(${apply.map((r) => r.unitId)}::uuid[], ${apply.map((r) => String(r.listPrice))}::bigint[],
        ${apply.map((r) => String(r.floorPrice))}::bigint[], ${apply.map((r) => (r.filedPrice === null ? null : String(r.filedPrice)))}::bigint[])
      AS v(id, list_price, floor_price, filed_price)
    WHERE u.id = v.id AND u.project_id = ${projectId}::uuid AND u.status = 'NOT_RELEASED'
    RETURNING u.id::text`;
  if (updated.length !== apply.length) {
    throw new AppError('CONFLICT', 'Units were released while the prices were being applied; preview again.');
  }
  const ids = apply.map((r) => r.unitId);
  await syncPriceEntries(tx, projectId, ids);
  if (setsFiled) await bumpTermsVersion(tx, projectId);
  await insertAuditInTx(tx, [
    toAuditRow({
      projectId,
      actor,
      action: 'prices.formula',
      entity: 'project',
      entityId: projectId,
      after: { formula, units: apply.length },
    }),
    ...apply.map((r: FormulaPrice) =>
      toAuditRow({
        projectId,
        actor,
        action: 'unit.update',
        entity: 'unit',
        entityId: r.unitId,
        before: { code: r.code, listPrice: current.get(r.unitId) ?? 0 },
        after: {
          listPrice: r.listPrice,
          floorPrice: r.floorPrice,
          ...(setsFiled ? { filedPrice: r.filedPrice } : {}),
          source: 'formula',
        },
      }),
    ),
  ]);
  return { count: apply.length, setsFiled };
}

export class UnitSetupService {
  constructor(
    private readonly db: Db,
    private readonly keeper: MirrorKeeper,
    private readonly directory: ProjectDirectory,
    private readonly buildings: Pick<BuildingService, 'announcePrices'>,
    private readonly log: Logger,
  ) {}

  private async authorize(principal: Principal, projectId: string): Promise<UserPrincipal> {
    // In the project first (scopes the principal to it: its role there), then the role's grant.
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers can set up layouts and prices.');
    return principal;
  }

  // ── Layouts 户型 ───────────────────────────────────────────────────────────────────────────

  async layouts(principal: Principal, projectId: string): Promise<LayoutInfo[]> {
    await this.authorize(principal, projectId);
    const [rows, counts] = await Promise.all([
      this.db.unitLayout.findMany({ where: { projectId }, orderBy: { code: 'asc' } }),
      this.db.unit.groupBy({ by: ['layoutId'], where: { projectId, layoutId: { not: null } }, _count: true }),
    ]);
    const count = new Map(counts.map((c) => [c.layoutId, c._count]));
    return rows.map((l) => layoutInfo(l, count.get(l.id) ?? 0));
  }

  async createLayout(principal: Principal, projectId: string, body: LayoutBody): Promise<LayoutInfo> {
    const user = await this.authorize(principal, projectId);
    return this.db.$transaction((tx) => insertLayoutInTx(tx, user, projectId, body));
  }

  /** Edit a layout; its units not sold take the new facts (one statement), sold ones keep theirs. */
  async updateLayout(
    principal: Principal,
    layoutId: string,
    body: LayoutBody,
  ): Promise<LayoutInfo & { unitsUpdated: number; unitsKept: number }> {
    const found = await this.db.unitLayout.findUnique({ where: { id: layoutId } });
    if (!found) throw new AppError('NOT_FOUND', 'No such layout.');
    const projectId = found.projectId;
    const user = await this.authorize(principal, projectId);
    checkAreas(body);
    const outcome = await this.db.$transaction(async (tx) => {
      await lockEditableProject(tx, projectId, 'inventory');
      const before = await tx.unitLayout.findUniqueOrThrow({ where: { id: layoutId } });
      if (body.code !== before.code) {
        const other = await tx.unitLayout.findUnique({ where: { projectId_code: { projectId, code: body.code } } });
        if (other)
          throw new AppError('CONFLICT', `The project already has a layout ${body.code}.`, {
            reason: 'LAYOUT_CODE_TAKEN',
          });
      }
      const row = await tx.unitLayout.update({
        where: { id: layoutId },
        data: {
          code: body.code,
          name: body.name,
          nameEn: body.nameEn ?? body.name,
          grossArea: body.grossArea.toFixed(2),
          netArea: body.netArea.toFixed(2),
          orientation: body.orientation,
          rooms: body.rooms,
        },
      });
      const updated = await tx.$queryRaw<{ id: string; code: string }[]>`
        UPDATE units SET layout = ${body.code}, layout_name = ${body.name}, gross_area = ${body.grossArea.toFixed(2)}::numeric,
            net_area = ${body.netArea.toFixed(2)}::numeric, orientation = ${body.orientation}, updated_at = now()
        WHERE layout_id = ${layoutId}::uuid AND status NOT IN ('SUBSCRIBED', 'CONTRACTED')
        RETURNING id::text, code`;
      const kept = await tx.unit.count({ where: { layoutId, status: { in: ['SUBSCRIBED', 'CONTRACTED'] } } });
      const areaOf = (v: { toString(): string }): string => v.toString();
      await insertAuditInTx(tx, [
        toAuditRow({
          projectId,
          actor: user,
          action: 'layout.update',
          entity: 'layout',
          entityId: layoutId,
          before: {
            code: before.code,
            name: before.name,
            grossArea: areaOf(before.grossArea),
            netArea: areaOf(before.netArea),
            orientation: before.orientation,
            rooms: before.rooms,
          },
          after: { ...body, unitsUpdated: updated.length, unitsKept: kept },
        }),
      ]);
      return { info: layoutInfo(row, updated.length + kept), unitsUpdated: updated.length, unitsKept: kept };
    }, TX_OPTIONS);
    this.directory.invalidate(projectId);
    if (outcome.unitsUpdated > 0) {
      // Facts changed: screens re-read the catalog (the rebuild tells them to resync).
      await this.keeper
        .rebuild(projectId)
        .catch((error: unknown) => this.log.error({ err: error, projectId }, 'layouts: mirror rebuild failed'));
    }
    return { ...outcome.info, unitsUpdated: outcome.unitsUpdated, unitsKept: outcome.unitsKept };
  }

  // ── Prices by formula 公式定价 ─────────────────────────────────────────────────────────────

  async previewFormula(principal: Principal, projectId: string, formula: PriceFormulaInput) {
    await this.authorize(principal, projectId);
    const { apply, skipped, current } = await computeFormula(this.db, projectId, formula);
    return {
      rows: apply.map((r) => ({ ...r, currentListPrice: current.get(r.unitId) ?? 0 })),
      skippedCodes: skipped.map((r) => r.code),
    };
  }

  async applyFormula(principal: Principal, projectId: string, formula: PriceFormulaInput): Promise<{ count: number }> {
    const user = await this.authorize(principal, projectId);
    const outcome = await this.db.$transaction((tx) => applyPriceFormulaInTx(tx, user, projectId, formula), TX_OPTIONS);
    this.directory.invalidate(projectId);
    if (outcome.count > 0) await this.buildings.announcePrices(projectId);
    return { count: outcome.count };
  }

  // ── The filed-price rule ───────────────────────────────────────────────────────────────────

  async filedPriceRule(principal: Principal, projectId: string): Promise<{ refuseAboveFiledPrice: boolean }> {
    await this.authorize(principal, projectId);
    const project = await this.db.project.findUnique({
      where: { id: projectId },
      select: { refuseAboveFiledPrice: true },
    });
    if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
    return { refuseAboveFiledPrice: project.refuseAboveFiledPrice };
  }

  async setFiledPriceRule(
    principal: Principal,
    projectId: string,
    refuseAboveFiledPrice: boolean,
  ): Promise<{ refuseAboveFiledPrice: boolean }> {
    const user = await this.authorize(principal, projectId);
    const changed = await this.db.$transaction(async (tx) => {
      const before = await tx.project.findUnique({ where: { id: projectId }, select: { refuseAboveFiledPrice: true } });
      if (!before) throw new AppError('NOT_FOUND', 'Project not found.');
      if (before.refuseAboveFiledPrice === refuseAboveFiledPrice) return false;
      await tx.project.update({ where: { id: projectId }, data: { refuseAboveFiledPrice } });
      await bumpTermsVersion(tx, projectId);
      await insertAuditInTx(tx, [
        toAuditRow({
          projectId,
          actor: user,
          action: 'project.filed_price_rule',
          entity: 'project',
          entityId: projectId,
          before: { refuseAboveFiledPrice: before.refuseAboveFiledPrice },
          after: { refuseAboveFiledPrice },
        }),
      ]);
      return true;
    });
    if (changed) {
      this.directory.invalidate(projectId);
      await this.buildings.announcePrices(projectId);
    }
    return { refuseAboveFiledPrice };
  }
}
