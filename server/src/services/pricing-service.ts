/**
 * Deal pricing on the server: reads a project's pricing terms (discount rules, payment plans,
 * policy, active price-list version) and quotes a deal for a unit with the shared pure functions
 * (shared/src/pricing.ts quoteDeal) — the same code the consultant's preview runs.
 *
 * `quoteForConfirm` reads everything a quote needs in ONE statement (the confirm hot path); the
 * result names the version and prices it used, and `kaipan_confirm` re-checks them atomically.
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
import type { SqlPool } from '../infra/sql.js';

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
  listPrice: number;
  floorPrice: number;
  /** The plan used (null: the project defines no plans; the price is computed as a lump sum). */
  plan: { id: string; code: string; name: string; nameEn: string; terms: PaymentPlan } | null;
  identityTags: string[];
  breakdown: PriceBreakdown;
  schedule: ScheduleItem[] | null;
}

interface QuoteRow {
  project_id: string;
  list_price: string;
  floor_price: string;
  price_version: number;
  pricing_policy: unknown;
  timezone: string;
  discounts: DiscountRow[];
  plan: PlanRow | null;
  tags: string[] | null;
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
 * One round trip: the unit's prices, the project's version, policy and zone, the selected active
 * rules, the chosen (or default: first active by sort order) plan, and the buyer's identity tags.
 */
const QUOTE_SQL = `
  SELECT u.project_id, u.list_price::text AS list_price, u.floor_price::text AS floor_price, p.price_version, p.pricing_policy, p.timezone,
    (SELECT coalesce(json_agg(d.*), '[]'::json) FROM discount_rules d
      WHERE d.project_id = u.project_id AND d.active AND d.id = ANY($2::uuid[])) AS discounts,
    (SELECT row_to_json(pl.*) FROM payment_plans pl
      WHERE pl.project_id = u.project_id AND pl.active AND ($3::uuid IS NULL OR pl.id = $3::uuid)
      ORDER BY pl.sort_order, pl.code LIMIT 1) AS plan,
    (SELECT c.identity_tags FROM customers c
      WHERE c.project_id = u.project_id
        AND (($4::uuid IS NOT NULL AND c.id = (SELECT r.customer_id FROM registrations r WHERE r.id = $4::uuid))
          OR ($4::uuid IS NULL AND c.phone = $5::text))
      LIMIT 1) AS tags
  FROM units u JOIN projects p ON p.id = u.project_id
  WHERE u.id = $1::uuid`;

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
    ...(row.kind === 'PAYMENT_METHOD' ? { paymentMethods: row.payment_methods as NonNullable<DiscountRule['paymentMethods']> } : {}),
    ...(row.identity_tag ? { identityTag: row.identity_tag } : {}),
  };
}

/** Prisma row of discount_rules → API shape. */
export function discountInfo(r: {
  id: string; code: string; kind: DiscountRule['kind']; name: string; nameEn: string; rateBp: number | null;
  amountOffFen: bigint | null; validFrom: Date | null; validTo: Date | null; paymentMethods: string[];
  identityTag: string | null; active: boolean; sortOrder: number;
}): DiscountRuleInfo {
  return {
    ...toDiscountRule({
      id: r.id, code: r.code, kind: r.kind, name: r.name, name_en: r.nameEn, rate_bp: r.rateBp,
      amount_off_fen: r.amountOffFen === null ? null : r.amountOffFen.toString(),
      valid_from: r.validFrom?.toISOString() ?? null, valid_to: r.validTo?.toISOString() ?? null,
      payment_methods: r.paymentMethods, identity_tag: r.identityTag, active: r.active, sort_order: r.sortOrder,
    }),
    active: r.active,
    sortOrder: r.sortOrder,
  };
}

/** Prisma row of payment_plans → API shape. */
export function planInfo(r: { id: string; code: string; name: string; nameEn: string; terms: unknown; active: boolean; sortOrder: number }): PaymentPlanInfo {
  return { id: r.id, code: r.code, name: r.name, nameEn: r.nameEn, terms: parsePlan(r.terms), active: r.active, sortOrder: r.sortOrder };
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
  if ((PRICING_REFUSAL_CODES as readonly string[]).includes(code)) {
    return new AppError('DISCOUNT_NOT_APPLICABLE', message, { reason: code });
  }
  return new AppError('PLAN_NOT_APPLICABLE', message, { reason: code });
}

export class PricingService {
  constructor(
    private readonly db: Db,
    private readonly sql: SqlPool,
  ) {}

  /** The pricing terms of a project: `all` includes inactive rules and plans (managers). */
  async terms(projectId: string, all = false): Promise<PricingTerms> {
    const [project, discounts, plans] = await Promise.all([
      this.db.project.findUnique({
        where: { id: projectId },
        select: { timezone: true, priceVersion: true, pricingPolicy: true, approvalHoldSeconds: true },
      }),
      this.db.discountRule.findMany({ where: { projectId, ...(all ? {} : { active: true }) }, orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }] }),
      this.db.paymentPlanOption.findMany({ where: { projectId, ...(all ? {} : { active: true }) }, orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }] }),
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
   */
  async quote(unitId: string, choice: DealChoice, party: DealParty, at: Date): Promise<DealQuote> {
    const result = await this.sql.query<QuoteRow>({
      name: 'kaipan_quote_v1',
      text: QUOTE_SQL,
      values: [unitId, [...(choice.discountIds ?? [])], choice.planId ?? null, party.registrationId ?? null, party.phone ?? null],
    });
    const row = result.rows[0];
    if (!row) throw new AppError('NOT_FOUND', 'No such unit.');
    if (choice.planId && !row.plan) throw new AppError('PLAN_NOT_APPLICABLE', 'No such active payment plan in this project.', { reason: 'UNKNOWN_PLAN' });
    return this.price(row, unitId, choice, at);
  }

  private price(row: QuoteRow, unitId: string, choice: DealChoice, at: Date): DealQuote {
    const listPrice = Number(row.list_price);
    const floorPrice = Number(row.floor_price);
    const policy = parsePolicy(row.pricing_policy);
    const discounts = row.discounts.map(toDiscountRule);
    const identityTags = row.tags ?? [];
    const selected = [...(choice.discountIds ?? [])];
    const base = { listPrice, floorPrice, discounts, selected, identityTags, policy };
    const plan = row.plan ? { id: row.plan.id, code: row.plan.code, name: row.plan.name, nameEn: row.plan.name_en, terms: parsePlan(row.plan.terms) } : null;
    const common = { projectId: row.project_id, unitId, priceVersion: row.price_version, listPrice, floorPrice, plan, identityTags };
    if (!plan) {
      const priced = computePrice({ ...base, planKind: 'LUMP_SUM', at: at.toISOString() });
      if (!priced.ok) throw refusal(priced.code, priced.message);
      return { ...common, breakdown: priced.breakdown, schedule: null };
    }
    const quoted = quoteDeal({ ...base, plan: plan.terms, signedAt: at.toISOString(), timeZone: row.timezone });
    if (!quoted.ok) throw refusal(quoted.code, quoted.message);
    return { ...common, breakdown: quoted.breakdown, schedule: quoted.schedule };
  }
}

/**
 * Version 1 of a project's price list from its units' current prices (new projects: the demo seed,
 * imports, test fixtures). Idempotent: does nothing when the project has a price list.
 */
export async function createInitialPriceList(tx: Tx, projectId: string): Promise<void> {
  const existing = await tx.priceList.findFirst({ where: { projectId }, select: { id: true } });
  if (existing) return;
  const units = await tx.unit.findMany({ where: { projectId }, select: { id: true, listPrice: true, floorPrice: true } });
  await tx.priceList.create({
    data: {
      projectId, version: 1, status: 'ACTIVE', source: 'INITIAL', note: 'Initial prices', unitCount: units.length,
      activatedAt: new Date(),
      entries: { createMany: { data: units.map((u) => ({ unitId: u.id, listPrice: u.listPrice, floorPrice: u.floorPrice })) } },
    },
  });
  await tx.project.update({ where: { id: projectId }, data: { priceVersion: 1, priceVersionCounter: 1 } });
}
