/**
 * 顾问业绩 Consultant and team performance: per consultant who locked or sold in the period — their
 * team, locks 锁房 (from the audit record: every `unit.lock`), live subscriptions, deal amount, area,
 * and conversion (subscriptions ÷ locks). Filters: days (of the lock / the subscription), building
 * (of the unit), consultant. The team column lets a spreadsheet sum by team; teams are not subtotalled
 * in the sheet so that the totals row stays the plain sum of the rows.
 */
import { Prisma } from '../infra/db.js';
import {
  AREA,
  buildingCondition,
  consultantCondition,
  COUNT,
  dayCondition,
  header,
  MONEY,
  PERCENT,
  sum,
  sumYuan,
  yuan,
  type Cell,
  type ReportContext,
  type ReportTable,
} from './report-table.js';

interface Row {
  user_id: string;
  name: string;
  username: string;
  team: string | null;
  locks: bigint;
  subscriptions: bigint;
  amount: bigint;
  area: number;
}

export async function performanceReport(ctx: ReportContext): Promise<ReportTable> {
  const { lang, filter } = ctx;
  const h = (zh: string, en: string) => header(lang, zh, en);
  const pid = ctx.projectId;
  const rows = await ctx.db.$queryRaw<Row[]>`
    WITH locks AS (
      SELECT e.actor_id::uuid AS user_id, count(*)::bigint AS n FROM audit_events e
      JOIN units u ON u.id::text = e.entity_id AND u.project_id = ${pid}::uuid
      WHERE e.project_id = ${pid}::uuid AND e.action = 'unit.lock' AND e.entity = 'unit' AND e.actor_kind = 'user'
        ${dayCondition(Prisma.sql`e.created_at`, ctx)}
        ${buildingCondition(Prisma.sql`u.building_id`, filter)}
        ${consultantCondition(Prisma.sql`e.actor_id::uuid`, filter)}
      GROUP BY e.actor_id
    ), deals AS (
      SELECT s.consultant_id AS user_id, count(*)::bigint AS n, sum(s.price)::bigint AS amount,
             sum(u.gross_area)::float8 AS area
      FROM subscriptions s JOIN units u ON u.id = s.unit_id
      WHERE s.project_id = ${pid}::uuid AND s.status IN ('ACTIVE', 'CONTRACTED')
        ${dayCondition(Prisma.sql`s.created_at`, ctx)}
        ${buildingCondition(Prisma.sql`u.building_id`, filter)}
        ${consultantCondition(Prisma.sql`s.consultant_id`, filter)}
      GROUP BY s.consultant_id
    ), people AS (SELECT user_id FROM locks UNION SELECT user_id FROM deals)
    SELECT usr.id::text AS user_id, usr.display_name AS name, usr.username, t.name AS team,
           coalesce(l.n, 0)::bigint AS locks, coalesce(d.n, 0)::bigint AS subscriptions,
           coalesce(d.amount, 0)::bigint AS amount, coalesce(d.area, 0)::float8 AS area
    FROM people p JOIN users usr ON usr.id = p.user_id
    LEFT JOIN locks l ON l.user_id = p.user_id LEFT JOIN deals d ON d.user_id = p.user_id
    LEFT JOIN project_members pm ON pm.project_id = ${pid}::uuid AND pm.user_id = p.user_id
    LEFT JOIN teams t ON t.id = pm.team_id
    ORDER BY amount DESC, subscriptions DESC, usr.username`;
  await ctx.progress(50);
  const rate = (a: number, b: number): number | string => (b > 0 ? Math.round((a / b) * 1000) / 1000 : '');
  const out: Cell[][] = rows.map((r, i) => [
    i + 1,
    r.name,
    r.username,
    r.team ?? '',
    Number(r.locks),
    Number(r.subscriptions),
    yuan(r.amount),
    Math.round(r.area * 100) / 100,
    rate(Number(r.subscriptions), Number(r.locks)),
  ]);
  const [locks, subs] = [sum(out, 4), sum(out, 5)];
  return {
    sheet: h('顾问业绩', 'Performance'),
    fileStem: h('顾问业绩', 'performance'),
    columns: [
      { header: h('排名', 'Rank'), width: 6, numFmt: COUNT },
      { header: h('置业顾问', 'Consultant'), width: 14 },
      { header: h('账号', 'Username'), width: 12 },
      { header: h('团队', 'Team'), width: 12 },
      { header: h('锁房次数', 'Locks'), width: 10, numFmt: COUNT },
      { header: h('认购套数', 'Subscriptions'), width: 10, numFmt: COUNT },
      { header: h('认购金额（元）', 'Amount (CNY)'), width: 16, numFmt: MONEY },
      { header: h('认购面积（m²）', 'Area (m²)'), width: 12, numFmt: AREA },
      { header: h('锁房转化率', 'Lock → subscription'), width: 12, numFmt: PERCENT },
    ],
    rows: out,
    totals: [h('合计', 'Total'), '', '', '', locks, subs, sumYuan(out, 6), sum(out, 7), rate(subs, locks)],
  };
}
