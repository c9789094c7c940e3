/**
 * Deal pricing on the server: reads a project's pricing terms (discount rules, payment plans,
 * policy, active price-list version) and quotes a deal for a unit with the shared pure functions
 * (shared/src/pricing.ts quoteDeal) — the same code the consultant's preview runs.
 *
 * Quotes are priced from an in-memory snapshot of each project's pricing terms and unit prices (the
 * confirm hot path reads nothing from PostgreSQL to price a deal). A quote names the price-list version,
 * the terms version and the prices it used, and `kaipan_confirm` re-checks them atomically: a stale
 * snapshot can only cause a refusal (PRICE_VERSION_STALE), after which the caller re-quotes from a fresh
 * one — never a deal at old prices or with a withdrawn rule.
 */
import {
  AppError,
  PRICING_REFUSAL_CODES,
  computePrice,
  paymentPlanSchema,
  pricingPolicySchema,
  quoteDeal,
  type DiscountRule,
  type DiscountRuleInfo,
  type PaymentPlan,
  type PaymentPlanInfo,
  type PriceBreakdown,
  type PricingPolicy,
  type PricingTerms,
  type ScheduleItem,
} from '@kaipan/shared';
import type { Db, Tx } from '../infra/db.js';
import { inClientTransaction, type SqlPool } from '../infra/sql.js';
import type { ProjectDirectory } from './project-directory.js';
import { RefreshingCache } from './refreshing-cache.js';

/** What a deal is priced with (chosen by the consultant). */
export interface DealChoice {
  planId?: string | undefined;
  discountIds?: readonly string[] | undefined;
}

/** Who the deal is for: decides IDENTITY discounts (the customer's identity tags). */
export interface DealParty {
  registrationId?: string | null;
  phone?: string | null;
}

export interface DealQuote {
  projectId: string;
  unitId: string;
  /** Active price-list version the prices came from. */
  priceVersion: number;
  /** Version of the rules, plans, policy and zone the deal was priced with (projects.terms_version). */
  termsVersion: number;
  /** Which in-memory snapshot priced it: pass it back to `quote` when kaipan_confirm found it stale. */
  snapshot: number;
  listPrice: number;
  floorPrice: number;
  /** The plan used (null: the project defines no plans; the price is computed as a lump sum). */
  plan: { id: string; code: string; name: string; nameEn: string; terms: PaymentPlan } | null;
  identityTags: string[];
  breakdown: PriceBreakdown;
  schedule: ScheduleItem[] | null;
}

interface DiscountRow {
  id: string;
  code: string;
  kind: DiscountRule['kind'];
  name: string;
  name_en: string;
  rate_bp: number | null;
  amount_off_fen: number | string | null;
  valid_from: string | null;
  valid_to: string | null;
  payment_methods: string[];
  identity_tag: string | null;
  active: boolean;
  sort_order: number;
}

interface PlanRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  terms: unknown;
  active: boolean;
  sort_order: number;
}

/**
 * Everything that prices a deal in a project, read in one consistent (REPEATABLE READ) snapshot:
 * versions, zone and policy, the active rules and plans, and every unit's list and floor price.
 */
interface PricingSnapshot {
  /** Read number (increasing in this process). */
  seq: number;
  priceVersion: number;
  termsVersion: number;
  timezone: string;
  policy: PricingPolicy;
  /** Active discount rules by id. */
  discounts: Map<string, DiscountRule>;
  /** Active payment plans in display order (the first is the default). */
  plans: QuotePlan[];
  /** `filedPrice`: the unit's filed price 备案价 when the project refuses deals above it, else null. */
  prices: Map<string, { listPrice: number; floorPrice: number; filedPrice: number | null }>;
}

type QuotePlan = NonNullable<DealQuote['plan']>;

/**
 * Snapshots are reused while fresh; after that a cheap check of the two versions decides whether the
 * whole snapshot is read again. In this process every change invalidates at once (`forget`); the
 * window only bounds what another process's change takes to reach previews — confirms are re-checked
 * by kaipan_confirm whatever the age.
 */
const SNAPSHOT = { freshMs: 5_000, maxStaleMs: 10 * 60_000, maxEntries: 200 };

const iso = (v: string | Date | null): string | undefined => (v === null ? undefined : new Date(v).toISOString());

export function toDiscountRule(row: DiscountRow): DiscountRule {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    name: row.name,
    nameEn: row.name_en,
    ...(row.rate_bp !== null ? { rateBp: row.rate_bp } : {}),
    ...(row.amount_off_fen !== null ? { amountOffFen: Number(row.amount_off_fen) } : {}),
    ...(row.valid_from ? { validFrom: iso(row.valid_from)! } : {}),
    ...(row.valid_to ? { validTo: iso(row.valid_to)! } : {}),
    ...(row.kind === 'PAYMENT_METHOD'
      ? { paymentMethods: row.payment_methods as NonNullable<DiscountRule['paymentMethods']> }
      : {}),
    ...(row.identity_tag ? { identityTag: row.identity_tag } : {}),
  };
}

/** Prisma row of discount_rules → API shape. */
export function discountInfo(r: {
  id: string;
  code: string;
  kind: DiscountRule['kind'];
  name: string;
  nameEn: string;
  rateBp: number | null;
  amountOffFen: bigint | null;
  validFrom: Date | null;
  validTo: Date | null;
  paymentMethods: string[];
  identityTag: string | null;
  active: boolean;
  sortOrder: number;
}): DiscountRuleInfo {
  return {
    ...toDiscountRule({
      id: r.id,
      code: r.code,
      kind: r.kind,
      name: r.name,
      name_en: r.nameEn,
      rate_bp: r.rateBp,
      amount_off_fen: r.amountOffFen === null ? null : r.amountOffFen.toString(),
      valid_from: r.validFrom?.toISOString() ?? null,
      valid_to: r.validTo?.toISOString() ?? null,
      payment_methods: r.paymentMethods,
      identity_tag: r.identityTag,
      active: r.active,
      sort_order: r.sortOrder,
    }),
    active: r.active,
    sortOrder: r.sortOrder,
  };
}

/** Prisma row of payment_plans → API shape. */
export function planInfo(r: {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  terms: unknown;
  active: boolean;
  sortOrder: number;
}): PaymentPlanInfo {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    nameEn: r.nameEn,
    terms: parsePlan(r.terms),
    active: r.active,
    sortOrder: r.sortOrder,
  };
}

function parsePlan(terms: unknown): PaymentPlan {
  const parsed = paymentPlanSchema.safeParse(terms);
  if (!parsed.success) throw new AppError('INTERNAL', 'A stored payment plan is not valid.');
  return parsed.data;
}

export function parsePolicy(policy: unknown): PricingPolicy {
  const parsed = pricingPolicySchema.safeParse(policy);
  if (!parsed.success) throw new AppError('INTERNAL', 'The stored pricing policy is not valid.');
  return parsed.data;
}

/** Map a shared refusal code to the error registry. */
function refusal(code: string, message: string): AppError {
  if (code === 'ABOVE_FILED_PRICE') return new AppError('ABOVE_FILED_PRICE', message, { reason: code });
  if ((PRICING_REFUSAL_CODES as readonly string[]).includes(code)) {
    return new AppError('DISCOUNT_NOT_APPLICABLE', message, { reason: code });
  }
  return new AppError('PLAN_NOT_APPLICABLE', message, { reason: code });
}

export class PricingService {
  /** The last snapshot read per project (reused when its versions are still current). */
  private readonly latest = new Map<string, PricingSnapshot>();
  private reads = 0;
  private readonly snapshots = new RefreshingCache<string, PricingSnapshot>(
    (projectId) => this.loadSnapshot(projectId),
    SNAPSHOT,
  );

  constructor(
    private readonly db: Db,
    private readonly sql: SqlPool,
    private readonly directory: ProjectDirectory,
  ) {}

  /** The pricing terms of a project: `all` includes inactive rules and plans (managers). */
  async terms(projectId: string, all = false): Promise<PricingTerms> {
    const [project, discounts, plans] = await Promise.all([
      this.db.project.findUnique({
        where: { id: projectId },
        select: { timezone: true, priceVersion: true, pricingPolicy: true, approvalHoldSeconds: true },
      }),
      this.db.discountRule.findMany({
        where: { projectId, ...(all ? {} : { active: true }) },
        orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }],
      }),
      this.db.paymentPlanOption.findMany({
        where: { projectId, ...(all ? {} : { active: true }) },
        orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }],
      }),
    ]);
    if (!project) throw new AppError('NOT_FOUND', 'No such project.');
    return {
      projectId,
      timezone: project.timezone,
      priceVersion: project.priceVersion,
      policy: parsePolicy(project.pricingPolicy),
      discounts: discounts.map(discountInfo),
      plans: plans.map(planInfo),
      approvalHoldSeconds: project.approvalHoldSeconds,
    };
  }

  /**
   * Quote a deal for a unit at `at` (the server's clock), from the current prices and rules. Throws
   * NOT_FOUND, PLAN_NOT_APPLICABLE or DISCOUNT_NOT_APPLICABLE (details.reason = the shared code).
   * `stale`: the `snapshot` of an earlier quote that proved stale (kaipan_confirm refused it, or the
   * client knows a newer version): this quote is priced from a snapshot read after it.
   */
  async quote(unitId: string, choice: DealChoice, party: DealParty, at: Date, stale?: number): Promise<DealQuote> {
    const { projectId } = await this.directory.resolveUnit(unitId);
    let snapshot = await this.snapshots.get(projectId);
    // Read everything again when the snapshot is the stale one, or lacks the unit (an import adds units
    // without a new version). `refresh` joins a read in progress — a burst of stale confirms costs one
    // read — so a second try covers a read that was already under way before the change.
    for (let tries = 0; tries < 2 && (snapshot.seq <= (stale ?? -1) || !snapshot.prices.has(unitId)); tries++) {
      this.latest.delete(projectId);
      snapshot = await this.snapshots.refresh(projectId);
    }
    const prices = snapshot.prices.get(unitId);
    if (!prices) throw new AppError('NOT_FOUND', 'No such unit.');
    const plan = choice.planId ? snapshot.plans.find((p) => p.id === choice.planId) : snapshot.plans[0];
    if (choice.planId && !plan)
      throw new AppError('PLAN_NOT_APPLICABLE', 'No such active payment plan in this project.', {
        reason: 'UNKNOWN_PLAN',
      });
    const selected = [...(choice.discountIds ?? [])];
    // Only the selected active rules go to the shared function: an unknown or withdrawn id is refused there.
    const discounts = [...new Set(selected)].flatMap((id) => snapshot.discounts.get(id) ?? []);
    const identityTags = discounts.some((d) => d.identityTag) ? await this.identityTags(projectId, party) : [];
    const { listPrice, floorPrice, filedPrice } = prices;
    const base = { listPrice, floorPrice, filedPrice, discounts, selected, identityTags, policy: snapshot.policy };
    const common = {
      projectId,
      unitId,
      priceVersion: snapshot.priceVersion,
      termsVersion: snapshot.termsVersion,
      snapshot: snapshot.seq,
      listPrice,
      floorPrice,
      plan: plan ?? null,
      identityTags,
    };
    if (!plan) {
      const priced = computePrice({ ...base, planKind: 'LUMP_SUM', at: at.toISOString() });
      if (!priced.ok) throw refusal(priced.code, priced.message);
      return { ...common, breakdown: priced.breakdown, schedule: null };
    }
    const quoted = quoteDeal({ ...base, plan: plan.terms, signedAt: at.toISOString(), timeZone: snapshot.timezone });
    if (!quoted.ok) throw refusal(quoted.code, quoted.message);
    return { ...common, breakdown: quoted.breakdown, schedule: quoted.schedule };
  }

  /** Forget a project's snapshot (its prices or terms changed through this process). */
  forget(projectId: string): void {
    this.latest.delete(projectId);
    this.snapshots.delete(projectId);
  }

  /** The buyer's identity tags (IDENTITY discounts): of the registration's customer, else by phone. */
  private async identityTags(projectId: string, party: DealParty): Promise<string[]> {
    const result = await this.sql.query<{ identity_tags: string[] }>({
      text:
        'SELECT c.identity_tags FROM customers c WHERE c.project_id = $1::uuid AND ' +
        '(($2::uuid IS NOT NULL AND c.id = (SELECT r.customer_id FROM registrations r WHERE r.id = $2::uuid)) ' +
        'OR ($2::uuid IS NULL AND c.phone = $3::text)) LIMIT 1',
      values: [projectId, party.registrationId ?? null, party.phone ?? null],
    });
    return result.rows[0]?.identity_tags ?? [];
  }

  /**
   * Read a project's snapshot, unless the versions show the last one is still current. The versions
   * are read in the same REPEATABLE READ transaction as the rest, so they describe exactly what was
   * read (a snapshot never claims a version newer than its contents).
   */
  private async loadSnapshot(projectId: string): Promise<PricingSnapshot> {
    const read = await inClientTransaction(
      this.sql,
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      async (client) => {
        const head = await client.query<{
          price_version: number;
          terms_version: number;
          timezone: string;
          pricing_policy: unknown;
          refuse_above_filed_price: boolean;
        }>(
          'SELECT price_version, terms_version, timezone, pricing_policy, refuse_above_filed_price FROM projects WHERE id = $1::uuid',
          [projectId],
        );
        const project = head.rows[0];
        if (!project) throw new AppError('NOT_FOUND', 'No such project.');
        const previous = this.latest.get(projectId);
        if (
          previous &&
          previous.priceVersion === project.price_version &&
          previous.termsVersion === project.terms_version
        ) {
          return { current: true as const, snapshot: previous };
        }
        // One connection answers one query at a time: in sequence, inside the same snapshot.
        const discounts = await client.query<DiscountRow>(
          'SELECT * FROM discount_rules WHERE project_id = $1::uuid AND active',
          [projectId],
        );
        const plans = await client.query<PlanRow>(
          'SELECT * FROM payment_plans WHERE project_id = $1::uuid AND active ORDER BY sort_order, code',
          [projectId],
        );
        const prices = await client.query<{
          id: string;
          list_price: string;
          floor_price: string;
          filed_price: string | null;
        }>(
          'SELECT id, list_price::text AS list_price, floor_price::text AS floor_price, filed_price::text AS filed_price ' +
            'FROM units WHERE project_id = $1::uuid',
          [projectId],
        );
        return { current: false as const, project, discounts: discounts.rows, plans: plans.rows, prices: prices.rows };
      },
    );
    if (read.current) return read.snapshot;
    const { project, discounts, plans, prices } = read;
    // The rule and every filed price change with projects.terms_version (unit-setup-service.ts), so a
    // snapshot whose versions are current carries the current ones.
    const refuseAboveFiled = project.refuse_above_filed_price;
    const snapshot: PricingSnapshot = {
      seq: ++this.reads,
      priceVersion: project.price_version,
      termsVersion: project.terms_version,
      timezone: project.timezone,
      policy: parsePolicy(project.pricing_policy),
      discounts: new Map(discounts.map((row) => [row.id, toDiscountRule(row)])),
      plans: plans.map((row) => ({
        id: row.id,
        code: row.code,
        name: row.name,
        nameEn: row.name_en,
        terms: parsePlan(row.terms),
      })),
      prices: new Map(
        prices.map((row) => [
          row.id,
          {
            listPrice: Number(row.list_price),
            floorPrice: Number(row.floor_price),
            filedPrice: refuseAboveFiled && row.filed_price !== null ? Number(row.filed_price) : null,
          },
        ]),
      ),
    };
    this.latest.set(projectId, snapshot);
    return snapshot;
  }
}

/**
 * Version 1 of a project's price list from its units' current prices (new projects: the demo seed,
 * imports, test fixtures). Idempotent: does nothing when the project has a price list.
 */
export async function createInitialPriceList(tx: Tx, projectId: string): Promise<void> {
  const existing = await tx.priceList.findFirst({ where: { projectId }, select: { id: true } });
  if (existing) return;
  const units = await tx.unit.findMany({
    where: { projectId },
    select: { id: true, listPrice: true, floorPrice: true },
  });
  await tx.priceList.create({
    data: {
      projectId,
      version: 1,
      status: 'ACTIVE',
      source: 'INITIAL',
      note: 'Initial prices',
      unitCount: units.length,
      activatedAt: new Date(),
      entries: {
        createMany: { data: units.map((u) => ({ unitId: u.id, listPrice: u.listPrice, floorPrice: u.floorPrice })) },
      },
    },
  });
  await tx.project.update({ where: { id: projectId }, data: { priceVersion: 1, priceVersionCounter: 1 } });
}
