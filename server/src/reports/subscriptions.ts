/**
 * 认购明细 Subscriptions: one row per live subscription (ACTIVE or CONTRACTED — cancelled and changed
 * deals are history, not sales) with its price breakdown, payment plan and deposit. Filters: the day
 * it was confirmed, the unit's building, the consultant. Totals: count, area, list price, discount,
 * deal price, deposit due and paid.
 */
import {
  formatProjectDateTime,
  labelText,
  priceBreakdownSchema,
  showName,
  showPhone,
  SUBSCRIPTION_STATUS_LABELS,
  type PriceBreakdown,
} from '@kaipan/shared';
import { Prisma } from '../infra/db.js';
import { requiredDeposit } from '../cashier/deal-money.js';
import {
  AREA,
  buildingCondition,
  consultantCondition,
  dayCondition,
  header,
  MONEY,
  sum,
  sumYuan,
  yuan,
  type Cell,
  type ReportContext,
  type ReportTable,
} from './report-table.js';

interface Row {
  created_at: Date;
  unit_code: string;
  building: string;
  building_en: string;
  layout: string;
  layout_name: string;
  area: number;
  status: 'ACTIVE' | 'CONTRACTED';
  buyer_name: string;
  buyer_phone: string;
  consultant: string;
  team: string | null;
  list_price: bigint;
  price: bigint;
  breakdown: unknown;
  schedule: Prisma.JsonValue;
  plan: string | null;
  plan_en: string | null;
  deposit_paid: bigint;
  deposit_due_at: Date | null;
  deposit_paid_at: Date | null;
  required_deposit: bigint;
}

/** The discounts of a breakdown as one line: "开盘优惠 −¥12,000；一次性付款 −¥9,880". */
function discountText(breakdown: PriceBreakdown | null, lang: ReportContext['lang']): string {
  if (!breakdown) return '';
  const steps = breakdown.steps.filter((s) => s.off !== 0);
  const fmt = (fen: number) => `−¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
  const parts = steps.map((s) => `${lang === 'en' ? s.nameEn || s.name : s.name} ${fmt(s.off)}`);
  if (breakdown.cap.off !== 0) parts.push(`${lang === 'en' ? 'cap' : '封顶'} ${fmt(breakdown.cap.off)}`);
  if (breakdown.rounding.off !== 0) parts.push(`${lang === 'en' ? 'rounding' : '取整'} ${fmt(breakdown.rounding.off)}`);
  return parts.join(lang === 'en' ? '; ' : '；');
}

export async function subscriptionsReport(ctx: ReportContext): Promise<ReportTable> {
  const { lang, filter, view } = ctx;
  const h = (zh: string, en: string) => header(lang, zh, en);
  const rows = await ctx.db.$queryRaw<Row[]>`
    SELECT s.created_at, u.code AS unit_code, b.name AS building, b.name_en AS building_en, u.layout,
           u.layout_name, u.gross_area::float8 AS area, s.status::text AS status, s.buyer_name, s.buyer_phone,
           usr.display_name AS consultant, t.name AS team,
           coalesce(s.list_price, u.list_price) AS list_price, s.price, s.breakdown, s.schedule,
           pl.name AS plan, pl.name_en AS plan_en, s.deposit_due_at, s.deposit_paid_at,
           (SELECT coalesce(sum(p.amount), 0) FROM payments p
             WHERE p.subscription_id = s.id AND p.kind = 'DEPOSIT' AND p.status <> 'VOIDED')::bigint AS deposit_paid,
           pr.required_deposit_fen AS required_deposit
    FROM subscriptions s
    JOIN projects pr ON pr.id = s.project_id
    JOIN units u ON u.id = s.unit_id
    JOIN buildings b ON b.id = u.building_id
    JOIN users usr ON usr.id = s.consultant_id
    LEFT JOIN project_members pm ON pm.project_id = s.project_id AND pm.user_id = s.consultant_id
    LEFT JOIN teams t ON t.id = pm.team_id
    LEFT JOIN payment_plans pl ON pl.id = s.plan_id
    WHERE s.project_id = ${ctx.projectId}::uuid AND s.status IN ('ACTIVE', 'CONTRACTED')
      ${dayCondition(Prisma.sql`s.created_at`, ctx)}
      ${buildingCondition(Prisma.sql`u.building_id`, filter)}
      ${consultantCondition(Prisma.sql`s.consultant_id`, filter)}
    ORDER BY s.created_at, u.code`;
  await ctx.progress(40);

  const when = (at: Date | null): string => (at ? formatProjectDateTime(at, ctx.timeZone) : '');
  const out: Cell[][] = rows.map((r) => {
    const parsed = priceBreakdownSchema.safeParse(r.breakdown);
    const breakdown = parsed.success ? parsed.data : null;
    const list = Number(r.list_price);
    const price = Number(r.price);
    const due = requiredDeposit(r.schedule, r.required_deposit);
    return [
      when(r.created_at),
      r.unit_code,
      lang === 'en' ? r.building_en || r.building : r.building,
      r.layout_name || r.layout,
      r.area,
      labelText(SUBSCRIPTION_STATUS_LABELS[r.status], lang),
      showName(view.name, r.buyer_name) ?? '',
      showPhone(view.phone, r.buyer_phone) ?? '',
      r.consultant,
      r.team ?? '',
      yuan(list),
      discountText(breakdown, lang),
      yuan(list - price),
      yuan(price),
      r.area > 0 ? Math.round(price / r.area) / 100 : 0,
      (lang === 'en' ? r.plan_en || r.plan : r.plan) ?? '',
      yuan(due),
      yuan(r.deposit_paid),
      when(r.deposit_due_at),
      when(r.deposit_paid_at),
    ];
  });
  await ctx.progress(70);
  const totals: Cell[] = [
    h(`合计 ${out.length} 套`, `Total: ${out.length}`),
    '',
    '',
    '',
    sum(out, 4),
    '',
    '',
    '',
    '',
    '',
    sumYuan(out, 10),
    '',
    sumYuan(out, 12),
    sumYuan(out, 13),
    '',
    '',
    sumYuan(out, 16),
    sumYuan(out, 17),
    '',
    '',
  ];
  return {
    sheet: h('认购明细', 'Subscriptions'),
    fileStem: h('认购明细', 'subscriptions'),
    columns: [
      { header: h(`认购时间（${ctx.timeZone}）`, `Subscribed at (${ctx.timeZone})`), width: 20 },
      { header: h('房号', 'Unit'), width: 10 },
      { header: h('楼栋', 'Building'), width: 12 },
      { header: h('户型', 'Layout'), width: 14 },
      { header: h('建筑面积（m²）', 'Gross area (m²)'), width: 12, numFmt: AREA },
      { header: h('状态', 'Status'), width: 10 },
      { header: h('买受人', 'Buyer'), width: 12 },
      { header: h('电话', 'Phone'), width: 14 },
      { header: h('置业顾问', 'Consultant'), width: 12 },
      { header: h('团队', 'Team'), width: 12 },
      { header: h('表价（元）', 'List price (CNY)'), width: 15, numFmt: MONEY },
      { header: h('优惠明细', 'Discounts'), width: 36 },
      { header: h('优惠金额（元）', 'Discount (CNY)'), width: 14, numFmt: MONEY },
      { header: h('成交价（元）', 'Deal price (CNY)'), width: 15, numFmt: MONEY },
      { header: h('成交单价（元/m²）', 'Price per m² (CNY)'), width: 14, numFmt: MONEY },
      { header: h('付款方案', 'Payment plan'), width: 14 },
      { header: h('应收定金（元）', 'Deposit due (CNY)'), width: 14, numFmt: MONEY },
      { header: h('已收定金（元）', 'Deposit paid (CNY)'), width: 14, numFmt: MONEY },
      { header: h('定金期限', 'Deposit due by'), width: 20 },
      { header: h('定金收齐时间', 'Deposit paid at'), width: 20 },
    ],
    rows: out,
    totals,
  };
}
