/**
 * 库存 Stock: units by building × layout × status, as they stand now (a snapshot: the date filter
 * does not apply). LOCKED is not a stored status (a lock lives in Redis) — a locked unit counts as
 * available here, as in PostgreSQL. Columns: units, gross area and list price per status, and the
 * total; the totals row sums every column.
 */
import { labelText, STORED_UNIT_STATUSES, UNIT_STATUS_LABELS, type StoredUnitStatus } from '@kaipan/shared';
import { Prisma } from '../infra/db.js';
import {
  AREA,
  buildingCondition,
  COUNT,
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
  building: string;
  building_en: string;
  layout: string;
  status: StoredUnitStatus;
  n: bigint;
  area: number;
  list: bigint;
}

export async function stockReport(ctx: ReportContext): Promise<ReportTable> {
  const { lang, filter } = ctx;
  const h = (zh: string, en: string) => header(lang, zh, en);
  const rows = await ctx.db.$queryRaw<Row[]>`
    SELECT b.name AS building, b.name_en AS building_en, coalesce(nullif(u.layout_name, ''), u.layout) AS layout,
           u.status::text AS status, count(*)::bigint AS n, sum(u.gross_area)::float8 AS area,
           sum(u.list_price)::bigint AS list, min(b.sort_order) AS sort, min(b.code) AS code
    FROM units u JOIN buildings b ON b.id = u.building_id
    WHERE u.project_id = ${ctx.projectId}::uuid ${buildingCondition(Prisma.sql`u.building_id`, filter)}
    GROUP BY b.name, b.name_en, 3, u.status
    ORDER BY sort, code, layout`;
  await ctx.progress(50);
  // One row per building × layout; per status: units (the counts), then the row's units, area and list.
  const groups = new Map<
    string,
    { building: string; layout: string; counts: Map<StoredUnitStatus, number>; n: number; area: number; list: number }
  >();
  for (const r of rows) {
    const building = lang === 'en' ? r.building_en || r.building : r.building;
    const key = `${building}\u0000${r.layout}`;
    const g = groups.get(key) ?? { building, layout: r.layout, counts: new Map(), n: 0, area: 0, list: 0 };
    g.counts.set(r.status, (g.counts.get(r.status) ?? 0) + Number(r.n));
    g.n += Number(r.n);
    g.area += r.area;
    g.list += Number(r.list);
    groups.set(key, g);
  }
  const statuses = STORED_UNIT_STATUSES;
  const out: Cell[][] = [...groups.values()].map((g) => [
    g.building,
    g.layout,
    ...statuses.map((s) => g.counts.get(s) ?? 0),
    g.n,
    Math.round(g.area * 100) / 100,
    yuan(g.list),
  ]);
  const base = 2 + statuses.length;
  return {
    sheet: h('库存', 'Stock'),
    fileStem: h('库存', 'stock'),
    columns: [
      { header: h('楼栋', 'Building'), width: 12 },
      { header: h('户型', 'Layout'), width: 16 },
      ...statuses.map((s) => ({ header: labelText(UNIT_STATUS_LABELS[s], lang), width: 10, numFmt: COUNT })),
      { header: h('总套数', 'Units'), width: 10, numFmt: COUNT },
      { header: h('建筑面积（m²）', 'Gross area (m²)'), width: 14, numFmt: AREA },
      { header: h('表价合计（元）', 'List price (CNY)'), width: 18, numFmt: MONEY },
    ],
    rows: out,
    totals: [
      h('合计', 'Total'),
      '',
      ...statuses.map((_, i) => sum(out, 2 + i)),
      sum(out, base),
      sum(out, base + 1),
      sumYuan(out, base + 2),
    ],
  };
}
