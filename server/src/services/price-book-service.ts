/**
 * The price book 价目表 and the administration of a project's pricing terms (issue 5 "Deals").
 *
 * Price-list versions: every version is a complete snapshot (one entry per unit of the project).
 * A repricing 调价 (or an import) creates a PENDING version computed from the ACTIVE one (its
 * `baseVersion`); another manager approves it (four-eyes) and activation copies its prices onto the
 * units in one transaction, or rejects it. docs/price-book.md states the rules.
 *
 * Activation vs confirm: activation locks the project row FIRST (FOR NO KEY UPDATE), then updates
 * the unit rows; `kaipan_confirm` updates (locks) the unit row and then reads the project row
 * WITHOUT locking it (its inserts' foreign-key checks take FOR KEY SHARE on the project row, which
 * NO KEY UPDATE does not block — FOR UPDATE would, and deadlock).
 * The two never wait on each other in opposite orders (no deadlock), and they serialise on the unit
 * rows: a confirm either committed before the activation touched its unit (it used the old
 * version, which was still active) or sees the new prices and version and refuses with
 * PRICE_VERSION_STALE.
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  MAX_PRICE_FEN,
  describeIssues,
  discountRuleSchema,
  repricePreview,
  type DecisionBody,
  type DiscountRuleBody,
  type DiscountRuleInfo,
  type PaymentPlanBody,
  type PaymentPlanInfo,
  type PriceListChange,
  type PriceListInfo,
  type PricingSettingsBody,
  type PricingTerms,
  type RepriceBody,
  type RepriceRequestBody,
  type RepriceRow,
  type RepriceUnit,
  type RepricePreviewResult,
  type UnitPriceHistoryRow,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import { pgErrorCode } from '../infra/db.js';
import { canManage, type Principal, type UserPrincipal } from '../domain/principal.js';
import {
  ApprovalWorkflow,
  type ApprovalKind,
  type ApprovalRequest,
  type ExecutorAudit,
} from '../approvals/workflow.js';
import { PRICE_LIST } from '../approvals/kinds.js';
import { toAuditRow } from './audit.js';
import type { DealEvents } from './deal-events.js';
import { discountInfo, parsePolicy, planInfo, type PricingService } from './pricing-service.js';
import type { ProjectDirectory } from './project-directory.js';

/** A new version's prices, proposed by a repricing or an import. */
export interface ProposedPrices {
  source: 'IMPORT' | 'REPRICE';
  note: string;
  request: unknown;
  /** unitId → new prices (fen). Units of the project not listed keep their active price. */
  prices: ReadonlyMap<string, { list: number; floor: number }>;
}

/** One row of a unit's price history (newest version first). */
/** Prisma select of a price list with the people's display names. */
const PRICE_LIST_SELECT = {
  id: true,
  projectId: true,
  version: true,
  status: true,
  source: true,
  note: true,
  request: true,
  baseVersion: true,
  unitCount: true,
  changedCount: true,
  requestedById: true,
  requestedAt: true,
  decidedById: true,
  decidedAt: true,
  decisionNote: true,
  activatedAt: true,
} as const;

interface PriceListRow {
  id: string;
  projectId: string;
  version: number;
  status: PriceListInfo['status'];
  source: PriceListInfo['source'];
  note: string | null;
  request: unknown;
  baseVersion: number | null;
  unitCount: number;
  changedCount: number;
  requestedById: string | null;
  requestedAt: Date;
  decidedById: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  activatedAt: Date | null;
}

type Reader = Db | Tx;

async function userNames(db: Reader, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((v): v is string => v !== null))];
  if (wanted.length === 0) return new Map();
  const users = await db.user.findMany({
    where: { id: { in: wanted } },
    select: { id: true, displayName: true, username: true },
  });
  return new Map(users.map((u) => [u.id, u.displayName || u.username]));
}

function toInfo(row: PriceListRow, names: Map<string, string>): PriceListInfo {
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    source: row.source,
    note: row.note,
    request: (row.request ?? null) as PriceListInfo['request'],
    baseVersion: row.baseVersion,
    unitCount: row.unitCount,
    changedCount: row.changedCount,
    requestedById: row.requestedById,
    requestedBy: row.requestedById ? (names.get(row.requestedById) ?? null) : null,
    requestedAt: row.requestedAt.toISOString(),
    decidedBy: row.decidedById ? (names.get(row.decidedById) ?? null) : null,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionNote: row.decisionNote,
    activatedAt: row.activatedAt?.toISOString() ?? null,
  };
}

async function infoOf(db: Reader, row: PriceListRow): Promise<PriceListInfo> {
  return toInfo(row, await userNames(db, [row.requestedById, row.decidedById]));
}

const isFen = (v: number): boolean => Number.isSafeInteger(v) && v >= 0 && v <= MAX_PRICE_FEN;

/** The RepriceBody part of a request (the note has its own column). */
function repriceBodyOf(body: RepriceRequestBody): RepriceBody {
  return { scope: body.scope, change: body.change, applyToFloor: body.applyToFloor, rounding: body.rounding };
}

/** Discount body → the shared rule (for the consistency check) and the Prisma columns. */
function discountColumns(body: DiscountRuleBody) {
  return {
    code: body.code,
    kind: body.kind,
    name: body.name,
    nameEn: body.nameEn,
    rateBp: body.rateBp ?? null,
    amountOffFen: body.amountOffFen === undefined ? null : BigInt(body.amountOffFen),
    validFrom: body.validFrom ? new Date(body.validFrom) : null,
    validTo: body.validTo ? new Date(body.validTo) : null,
    paymentMethods: body.paymentMethods ?? [],
    identityTag: body.identityTag ?? null,
    active: body.active,
    sortOrder: body.sortOrder,
  };
}

/** Refuse exactly what computePrice would refuse: the rule must pass the shared discountRuleSchema. */
function assertRuleConsistent(id: string, body: DiscountRuleBody): void {
  const { active: _active, sortOrder: _sortOrder, ...rule } = body;
  const parsed = discountRuleSchema.safeParse({ id, ...rule });
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', 'The discount rule is not consistent.', describeIssues(parsed.error));
}

function isUniqueViolation(error: unknown): boolean {
  if (pgErrorCode(error) === '23505') return true;
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export class PriceBookService {
  constructor(
    private readonly db: Db,
    private readonly pricing: PricingService,
    private readonly directory: ProjectDirectory,
    private readonly dealEvents: DealEvents,
  ) {
    this.workflow = new ApprovalWorkflow(db, directory);
  }

  private readonly workflow: ApprovalWorkflow;

  /** Price-list versions in the approval workflow: approving one activates it (`activate`). */
  private readonly kind: ApprovalKind<number> = {
    ...PRICE_LIST,
    // The project row first, for rejections too. FOR NO KEY UPDATE, not FOR UPDATE: confirm's INSERT
    // INTO subscriptions checks its foreign key to projects with FOR KEY SHARE, which FOR UPDATE
    // would block while we wait for that confirm's unit row — a deadlock. NO KEY UPDATE still
    // serialises decisions and requests with each other.
    lockFirst: async (tx, request, approve) => {
      const locked = await tx.$queryRaw<{ price_version: number }[]>`
        SELECT price_version FROM projects WHERE id = ${request.projectId}::uuid FOR NO KEY UPDATE`;
      if (!locked[0]) throw new AppError('NOT_FOUND', 'No such project.');
      if (approve) await this.prepareActivation(tx, request, locked[0].price_version);
    },
    execute: async (tx, request, _actor, at) => this.activate(tx, request, at),
    afterApproval: async (request, version) => {
      this.directory.invalidate(request.projectId);
      if (version !== undefined)
        this.dealEvents.publish({
          type: 'prices:changed',
          payload: { projectId: request.projectId, priceVersion: version },
        });
    },
  };

  // ── Access ──────────────────────────────────────────────────────────────────────────────────

  private async assertManager(principal: Principal, projectId: string): Promise<UserPrincipal> {
    await this.directory.assertAccess(principal, projectId);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers may manage prices.');
    return principal;
  }

  private async priceListProject(priceListId: string): Promise<string> {
    const row = await this.db.priceList.findUnique({ where: { id: priceListId }, select: { projectId: true } });
    if (!row) throw new AppError('NOT_FOUND', 'No such price-list version.');
    return row.projectId;
  }

  /** Terms changed (rules, plans, policy): screens re-read them. The version is unchanged. */
  private async announceTerms(projectId: string): Promise<void> {
    const project = await this.db.project.findUnique({ where: { id: projectId }, select: { priceVersion: true } });
    if (project)
      this.dealEvents.publish({ type: 'prices:changed', payload: { projectId, priceVersion: project.priceVersion } });
  }

  // ── Pricing terms ───────────────────────────────────────────────────────────────────────────

  /** Any member; `all` (inactive rules and plans too) managers only. */
  async terms(principal: Principal, projectId: string, all: boolean): Promise<PricingTerms> {
    if (all) await this.assertManager(principal, projectId);
    else await this.directory.assertAccess(principal, projectId);
    return this.pricing.terms(projectId, all);
  }

  async updateSettings(principal: Principal, projectId: string, body: PricingSettingsBody): Promise<PricingTerms> {
    const actor = await this.assertManager(principal, projectId);
    await this.db.$transaction(async (tx) => {
      const before = await tx.project.findUnique({
        where: { id: projectId },
        select: { pricingPolicy: true, approvalHoldSeconds: true },
      });
      if (!before) throw new AppError('NOT_FOUND', 'No such project.');
      const data = {
        ...(body.policy !== undefined ? { pricingPolicy: body.policy } : {}),
        ...(body.approvalHoldSeconds !== undefined ? { approvalHoldSeconds: body.approvalHoldSeconds } : {}),
      };
      const after = await tx.project.update({
        where: { id: projectId },
        data,
        select: { pricingPolicy: true, approvalHoldSeconds: true },
      });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId,
          actor,
          action: 'pricing.settings',
          entity: 'project',
          entityId: projectId,
          before: { policy: parsePolicy(before.pricingPolicy), approvalHoldSeconds: before.approvalHoldSeconds },
          after: { policy: parsePolicy(after.pricingPolicy), approvalHoldSeconds: after.approvalHoldSeconds },
        }),
      });
    });
    this.directory.invalidate(projectId);
    await this.announceTerms(projectId);
    return this.pricing.terms(projectId, true);
  }

  // ── Discount rules ──────────────────────────────────────────────────────────────────────────

  async createDiscount(principal: Principal, projectId: string, body: DiscountRuleBody): Promise<DiscountRuleInfo> {
    const actor = await this.assertManager(principal, projectId);
    const id = randomUUID();
    assertRuleConsistent(id, body);
    const info = await this.writeUnique('discount', async () =>
      this.db.$transaction(async (tx) => {
        await this.assertCodeFree(tx, 'discount', projectId, body.code, null);
        const row = await tx.discountRule.create({ data: { id, projectId, ...discountColumns(body) } });
        const created = discountInfo(row);
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId,
            actor,
            action: 'discount.create',
            entity: 'discount_rule',
            entityId: id,
            after: created,
          }),
        });
        return created;
      }),
    );
    await this.announceTerms(projectId);
    return info;
  }

  async replaceDiscount(principal: Principal, discountId: string, body: DiscountRuleBody): Promise<DiscountRuleInfo> {
    const existing = await this.db.discountRule.findUnique({ where: { id: discountId } });
    if (!existing) throw new AppError('NOT_FOUND', 'No such discount rule.');
    const projectId = existing.projectId;
    const actor = await this.assertManager(principal, projectId);
    assertRuleConsistent(discountId, body);
    const info = await this.writeUnique('discount', async () =>
      this.db.$transaction(async (tx) => {
        await this.assertCodeFree(tx, 'discount', projectId, body.code, discountId);
        const before = await tx.discountRule.findUnique({ where: { id: discountId } });
        if (!before) throw new AppError('NOT_FOUND', 'No such discount rule.');
        const row = await tx.discountRule.update({ where: { id: discountId }, data: discountColumns(body) });
        const after = discountInfo(row);
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId,
            actor,
            action: 'discount.update',
            entity: 'discount_rule',
            entityId: discountId,
            before: discountInfo(before),
            after,
          }),
        });
        return after;
      }),
    );
    await this.announceTerms(projectId);
    return info;
  }

  // ── Payment plans ───────────────────────────────────────────────────────────────────────────

  async createPlan(principal: Principal, projectId: string, body: PaymentPlanBody): Promise<PaymentPlanInfo> {
    const actor = await this.assertManager(principal, projectId);
    const info = await this.writeUnique('plan', async () =>
      this.db.$transaction(async (tx) => {
        await this.assertCodeFree(tx, 'plan', projectId, body.code, null);
        const row = await tx.paymentPlanOption.create({
          data: {
            projectId,
            code: body.code,
            name: body.name,
            nameEn: body.nameEn,
            terms: body.terms,
            active: body.active,
            sortOrder: body.sortOrder,
          },
        });
        const created = planInfo(row);
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId,
            actor,
            action: 'plan.create',
            entity: 'payment_plan',
            entityId: row.id,
            after: created,
          }),
        });
        return created;
      }),
    );
    await this.announceTerms(projectId);
    return info;
  }

  async replacePlan(principal: Principal, planId: string, body: PaymentPlanBody): Promise<PaymentPlanInfo> {
    const existing = await this.db.paymentPlanOption.findUnique({ where: { id: planId }, select: { projectId: true } });
    if (!existing) throw new AppError('NOT_FOUND', 'No such payment plan.');
    const projectId = existing.projectId;
    const actor = await this.assertManager(principal, projectId);
    const info = await this.writeUnique('plan', async () =>
      this.db.$transaction(async (tx) => {
        await this.assertCodeFree(tx, 'plan', projectId, body.code, planId);
        const before = await tx.paymentPlanOption.findUnique({ where: { id: planId } });
        if (!before) throw new AppError('NOT_FOUND', 'No such payment plan.');
        const row = await tx.paymentPlanOption.update({
          where: { id: planId },
          data: {
            code: body.code,
            name: body.name,
            nameEn: body.nameEn,
            terms: body.terms,
            active: body.active,
            sortOrder: body.sortOrder,
          },
        });
        const after = planInfo(row);
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId,
            actor,
            action: 'plan.update',
            entity: 'payment_plan',
            entityId: planId,
            before: planInfo(before),
            after,
          }),
        });
        return after;
      }),
    );
    await this.announceTerms(projectId);
    return info;
  }

  private async assertCodeFree(
    tx: Tx,
    what: 'discount' | 'plan',
    projectId: string,
    code: string,
    selfId: string | null,
  ): Promise<void> {
    const other =
      what === 'discount'
        ? await tx.discountRule.findFirst({
            where: { projectId, code, ...(selfId ? { id: { not: selfId } } : {}) },
            select: { id: true },
          })
        : await tx.paymentPlanOption.findFirst({
            where: { projectId, code, ...(selfId ? { id: { not: selfId } } : {}) },
            select: { id: true },
          });
    if (other) throw new AppError('CONFLICT', `The code ${code} is already used in this project.`, { code });
  }

  /** A concurrent create with the same code loses at the unique index: CONFLICT, not INTERNAL. */
  private async writeUnique<T>(what: 'discount' | 'plan', write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError(
          'CONFLICT',
          `A ${what === 'discount' ? 'discount rule' : 'payment plan'} with this code already exists in this project.`,
        );
      throw error;
    }
  }

  // ── Identity tags ───────────────────────────────────────────────────────────────────────────

  async setIdentityTags(
    principal: Principal,
    customerId: string,
    tags: string[],
  ): Promise<{ customerId: string; tags: string[] }> {
    const customer = await this.db.customer.findUnique({ where: { id: customerId }, select: { projectId: true } });
    if (!customer) throw new AppError('NOT_FOUND', 'No such customer.');
    const actor = await this.assertManager(principal, customer.projectId);
    const next = [...new Set(tags)].sort();
    return this.db.$transaction(async (tx) => {
      const before = await tx.customer.findUnique({ where: { id: customerId }, select: { identityTags: true } });
      if (!before) throw new AppError('NOT_FOUND', 'No such customer.');
      await tx.customer.update({ where: { id: customerId }, data: { identityTags: next } });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: customer.projectId,
          actor,
          action: 'customer.identity_tags',
          entity: 'customer',
          entityId: customerId,
          before: { tags: before.identityTags },
          after: { tags: next },
        }),
      });
      return { customerId, tags: next };
    });
  }

  // ── Versions ────────────────────────────────────────────────────────────────────────────────

  /** All versions of a project, newest first (managers). */
  async listVersions(principal: Principal, projectId: string): Promise<PriceListInfo[]> {
    await this.assertManager(principal, projectId);
    const rows = (await this.db.priceList.findMany({
      where: { projectId },
      select: PRICE_LIST_SELECT,
      orderBy: { version: 'desc' },
    })) as PriceListRow[];
    const names = await userNames(
      this.db,
      rows.flatMap((r) => [r.requestedById, r.decidedById]),
    );
    return rows.map((r) => toInfo(r, names));
  }

  /** Units whose prices differ from the base version (INITIAL: none), by unit code. */
  async changes(principal: Principal, priceListId: string): Promise<PriceListChange[]> {
    const projectId = await this.priceListProject(priceListId);
    await this.assertManager(principal, projectId);
    const rows = await this.db.$queryRaw<
      { unit_id: string; code: string; bl: bigint; bf: bigint; al: bigint; af: bigint }[]
    >`
      SELECT u.id AS unit_id, u.code, b.list_price AS bl, b.floor_price AS bf, e.list_price AS al, e.floor_price AS af
      FROM price_lists pl
      JOIN price_lists base ON base.project_id = pl.project_id AND base.version = pl.base_version
      JOIN price_list_entries e ON e.price_list_id = pl.id
      JOIN price_list_entries b ON b.price_list_id = base.id AND b.unit_id = e.unit_id
      JOIN units u ON u.id = e.unit_id
      WHERE pl.id = ${priceListId}::uuid AND (b.list_price <> e.list_price OR b.floor_price <> e.floor_price)
      ORDER BY u.code`;
    return rows.map((r) => ({
      unitId: r.unit_id,
      code: r.code,
      before: { list: Number(r.bl), floor: Number(r.bf) },
      after: { list: Number(r.al), floor: Number(r.af) },
    }));
  }

  /** A unit's prices in every version that has it, newest first (managers). */
  async unitHistory(principal: Principal, unitId: string): Promise<UnitPriceHistoryRow[]> {
    const unit = await this.db.unit.findUnique({ where: { id: unitId }, select: { projectId: true } });
    if (!unit) throw new AppError('NOT_FOUND', 'No such unit.');
    await this.assertManager(principal, unit.projectId);
    const entries = await this.db.priceListEntry.findMany({
      where: { unitId },
      select: {
        listPrice: true,
        floorPrice: true,
        priceList: { select: { version: true, status: true, activatedAt: true } },
      },
    });
    return entries
      .map((e) => ({
        version: e.priceList.version,
        status: e.priceList.status,
        listPrice: Number(e.listPrice),
        floorPrice: Number(e.floorPrice),
        activatedAt: e.priceList.activatedAt?.toISOString() ?? null,
      }))
      .sort((a, b) => b.version - a.version);
  }

  // ── Repricing 调价 ──────────────────────────────────────────────────────────────────────────

  private async activeUnits(db: Reader, projectId: string): Promise<RepriceUnit[]> {
    const units = await db.unit.findMany({
      where: { projectId },
      select: { id: true, code: true, buildingId: true, floor: true, layout: true, listPrice: true, floorPrice: true },
      orderBy: [{ code: 'asc' }],
    });
    return units.map((u) => ({
      id: u.id,
      code: u.code,
      buildingId: u.buildingId,
      floor: u.floor,
      layout: u.layout,
      listPrice: Number(u.listPrice),
      floorPrice: Number(u.floorPrice),
    }));
  }

  private static computeRows(body: RepriceBody, units: RepriceUnit[]): RepriceRow[] {
    try {
      return repricePreview({ ...body, units });
    } catch (error) {
      if (error instanceof RangeError)
        throw new AppError('VALIDATION_FAILED', error.message, { reason: 'OUT_OF_RANGE' });
      throw error;
    }
  }

  /** The shared repricePreview over the ACTIVE prices (managers). */
  async preview(principal: Principal, projectId: string, body: RepriceBody): Promise<RepricePreviewResult> {
    await this.assertManager(principal, projectId);
    const rows = PriceBookService.computeRows(body, await this.activeUnits(this.db, projectId));
    return { rows, floorAboveList: rows.filter((r) => r.floorAboveList).length };
  }

  /**
   * A repricing request → a new PENDING version. An identical PENDING request from the same base
   * returns the existing version (`created: false`).
   */
  async requestReprice(
    principal: Principal,
    projectId: string,
    body: RepriceRequestBody,
  ): Promise<{ info: PriceListInfo; created: boolean }> {
    const actor = await this.assertManager(principal, projectId);
    const request = repriceBodyOf(body);
    return this.db.$transaction(async (tx) => {
      // The project row lock serialises requests (the duplicate check) and activations.
      const locked = await tx.$queryRaw<
        { price_version: number }[]
      >`SELECT price_version FROM projects WHERE id = ${projectId}::uuid FOR NO KEY UPDATE`;
      const project = locked[0];
      if (!project) throw new AppError('NOT_FOUND', 'No such project.');
      const duplicate = (await tx.priceList.findFirst({
        where: {
          projectId,
          status: 'PENDING',
          source: 'REPRICE',
          baseVersion: project.price_version,
          request: { equals: request },
        },
        select: PRICE_LIST_SELECT,
        orderBy: { version: 'desc' },
      })) as PriceListRow | null;
      if (duplicate) return { info: await infoOf(tx, duplicate), created: false };
      const rows = PriceBookService.computeRows(request, await this.activeUnits(tx, projectId));
      if (rows.length === 0)
        throw new AppError('VALIDATION_FAILED', 'No unit matches the scope.', { reason: 'EMPTY_SCOPE' });
      const inverted = rows.filter((r) => r.floorAboveList);
      if (inverted.length > 0) {
        throw new AppError('VALIDATION_FAILED', 'A new floor price would be above its list price.', {
          reason: 'FLOOR_ABOVE_LIST',
          units: inverted.slice(0, 50).map((r) => r.code),
          count: inverted.length,
        });
      }
      const zero = rows.filter((r) => r.after.list <= 0);
      if (zero.length > 0) {
        throw new AppError('VALIDATION_FAILED', 'A new list price would be zero.', {
          reason: 'ZERO_PRICE',
          units: zero.slice(0, 50).map((r) => r.code),
        });
      }
      const prices = new Map(rows.map((r) => [r.unitId, { list: r.after.list, floor: r.after.floor }]));
      const info = await this.proposeVersion(tx, actor, projectId, {
        source: 'REPRICE',
        note: body.note,
        request,
        prices,
      });
      return { info, created: true };
    });
  }

  /**
   * A PENDING version inside the caller's transaction: every unit of the project gets an entry
   * (units not in `prices` keep their active price); baseVersion = the active version;
   * version = ++project.priceVersionCounter (row-locked). Audited (price_list.request).
   * VALIDATION_FAILED when a price is not whole fen, a floor price is above its list price, or a
   * unit is not one of the project's.
   */
  async proposeVersion(
    tx: Tx,
    actor: UserPrincipal,
    projectId: string,
    proposal: ProposedPrices,
  ): Promise<PriceListInfo> {
    const bad: string[] = [];
    for (const [unitId, p] of proposal.prices) {
      if (!isFen(p.list) || !isFen(p.floor) || p.floor > p.list) bad.push(unitId);
    }
    if (bad.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Prices must be whole fen with the floor price not above the list price.',
        {
          reason: 'INVALID_PRICES',
          unitIds: bad.slice(0, 50),
          count: bad.length,
        },
      );
    }
    const counter = await tx.$queryRaw<{ price_version_counter: number; price_version: number }[]>`
      UPDATE projects SET price_version_counter = price_version_counter + 1 WHERE id = ${projectId}::uuid
      RETURNING price_version_counter, price_version`;
    const project = counter[0];
    if (!project) throw new AppError('NOT_FOUND', 'No such project.');
    const units = await tx.unit.findMany({
      where: { projectId },
      select: { id: true, listPrice: true, floorPrice: true },
    });
    const known = new Set(units.map((u) => u.id));
    const strangers = [...proposal.prices.keys()].filter((id) => !known.has(id));
    if (strangers.length > 0) {
      throw new AppError('VALIDATION_FAILED', 'Some prices are for units of another project.', {
        reason: 'UNKNOWN_UNIT',
        unitIds: strangers.slice(0, 50),
      });
    }
    let changed = 0;
    const entries = units.map((u) => {
      const p = proposal.prices.get(u.id);
      const list = p ? BigInt(p.list) : u.listPrice;
      const floor = p ? BigInt(p.floor) : u.floorPrice;
      if (list !== u.listPrice || floor !== u.floorPrice) changed += 1;
      return { unitId: u.id, listPrice: list, floorPrice: floor };
    });
    const id = randomUUID();
    await tx.priceList.create({
      data: {
        id,
        projectId,
        version: project.price_version_counter,
        status: 'PENDING',
        source: proposal.source,
        note: proposal.note,
        request: proposal.request === undefined || proposal.request === null ? undefined : (proposal.request as object),
        baseVersion: project.price_version,
        unitCount: units.length,
        changedCount: changed,
        requestedById: actor.id,
      },
    });
    await tx.priceListEntry.createMany({ data: entries.map((e) => ({ priceListId: id, ...e })) });
    const row = (await tx.priceList.findUniqueOrThrow({ where: { id }, select: PRICE_LIST_SELECT })) as PriceListRow;
    const info = await infoOf(tx, row);
    await this.workflow.recordRequest(tx, this.kind, actor, {
      id,
      projectId,
      after: {
        version: info.version,
        source: info.source,
        baseVersion: info.baseVersion,
        changedCount: changed,
        unitCount: units.length,
        note: proposal.note,
        request: proposal.request ?? null,
      },
    });
    return info;
  }

  // ── Decision: activate or reject; withdraw ──────────────────────────────────────────────────

  /** Another manager activates or rejects a PENDING version: the approval workflow (docs/approvals.md). */
  async decide(principal: Principal, priceListId: string, body: DecisionBody): Promise<PriceListInfo> {
    await this.workflow.decide(principal, this.kind, priceListId, body);
    return this.versionInfo(priceListId);
  }

  /** Whoever proposed a PENDING version takes it back (WITHDRAWN). */
  async withdraw(principal: Principal, priceListId: string): Promise<PriceListInfo> {
    await this.workflow.withdraw(principal, this.kind, priceListId);
    return this.versionInfo(priceListId);
  }

  private async versionInfo(priceListId: string): Promise<PriceListInfo> {
    return infoOf(
      this.db,
      (await this.db.priceList.findUniqueOrThrow({
        where: { id: priceListId },
        select: PRICE_LIST_SELECT,
      })) as PriceListRow,
    );
  }

  /**
   * Before an activation claims the version, under the project row lock: it must have been computed
   * from the version that is still active (else PRICE_VERSION_STALE: request the change again), and
   * the active one steps aside (SUPERSEDED) — the partial unique index allows one ACTIVE.
   */
  private async prepareActivation(tx: Tx, request: ApprovalRequest, activeVersion: number): Promise<void> {
    const row = await tx.priceList.findUniqueOrThrow({
      where: { id: request.id },
      select: { status: true, version: true, baseVersion: true },
    });
    if (row.status !== 'PENDING') return; // decided meanwhile: the workflow's claim answers
    if (row.baseVersion !== activeVersion) {
      throw new AppError(
        'PRICE_VERSION_STALE',
        `Version ${row.version} was computed from version ${row.baseVersion ?? '?'}, but version ${activeVersion} is active now: request the change again.`,
        {
          baseVersion: row.baseVersion,
          activeVersion,
        },
      );
    }
    await tx.priceList.updateMany({
      where: { projectId: request.projectId, status: 'ACTIVE' },
      data: { status: 'SUPERSEDED' },
    });
  }

  /** The executor of an approved version: its prices onto the units, and it becomes the project's active version. */
  private async activate(
    tx: Tx,
    request: ApprovalRequest,
    at: Date,
  ): Promise<{ result: number; audit: ExecutorAudit }> {
    const { projectId } = request;
    const row = await tx.priceList.update({
      where: { id: request.id },
      data: { activatedAt: at },
      select: { version: true },
    });
    const project = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { priceVersion: true } });
    // The units' prices (units without an entry keep theirs).
    const changedUnits = await tx.$executeRaw`
      UPDATE units u SET list_price = e.list_price, floor_price = e.floor_price, updated_at = now()
      FROM price_list_entries e
      WHERE e.price_list_id = ${request.id}::uuid AND u.id = e.unit_id
        AND (u.list_price <> e.list_price OR u.floor_price <> e.floor_price)`;
    await tx.$executeRaw`UPDATE projects SET price_version = ${row.version} WHERE id = ${projectId}::uuid`;
    return {
      result: row.version,
      audit: {
        before: { priceVersion: project.priceVersion },
        after: { priceVersion: row.version, changedCount: changedUnits },
      },
    };
  }
}
