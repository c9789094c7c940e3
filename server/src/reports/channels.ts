/**
 * 渠道转化 Customers by channel: per source channel, visits (customers recorded 来访登记) →
 * registrations 认筹 → live subscriptions 认购, with the conversion from visit to subscription. Each
 * stage is counted on its own day (a customer recorded last week who subscribed today counts as
 * today's subscription). Consultant: the customer's owner (subscriptions: the deal's consultant);
 * building narrows the subscriptions only (a visit has no building). A deal without a customer record
 * (a walk-in typed at confirm) has its own row.
 */
import { labelText, SOURCE_CHANNEL_LABELS, SOURCE_CHANNELS, type SourceChannel } from '@kaipan/shared';
import { Prisma } from '../infra/db.js';
import {
  buildingCondition,
  consultantCondition,
  COUNT,
  dayCondition,
  header,
  PERCENT,
  sum,
  type Cell,
  type ReportContext,
  type ReportTable,
} from './report-table.js';

type Counted = { channel: SourceChannel | null; n: bigint };

export async function channelsReport(ctx: ReportContext): Promise<ReportTable> {
  const { lang, filter } = ctx;
  const h = (zh: string, en: string) => header(lang, zh, en);
  const pid = ctx.projectId;
  const [visits, registrations, subscriptions] = await Promise.all([
    ctx.db.$queryRaw<Counted[]>`
      SELECT c.channel::text AS channel, count(*)::bigint AS n FROM customers c
      WHERE c.project_id = ${pid}::uuid ${dayCondition(Prisma.sql`c.created_at`, ctx)}
        ${consultantCondition(Prisma.sql`c.owner_id`, filter)}
      GROUP BY c.channel`,
    ctx.db.$queryRaw<Counted[]>`
      SELECT c.channel::text AS channel, count(*)::bigint AS n FROM registrations r JOIN customers c ON c.id = r.customer_id
      WHERE r.project_id = ${pid}::uuid AND r.status = 'ACTIVE' ${dayCondition(Prisma.sql`r.created_at`, ctx)}
        ${consultantCondition(Prisma.sql`c.owner_id`, filter)}
      GROUP BY c.channel`,
    ctx.db.$queryRaw<Counted[]>`
      SELECT c.channel::text AS channel, count(*)::bigint AS n FROM subscriptions s
      JOIN units u ON u.id = s.unit_id LEFT JOIN customers c ON c.id = s.customer_id
      WHERE s.project_id = ${pid}::uuid AND s.status IN ('ACTIVE', 'CONTRACTED')
        ${dayCondition(Prisma.sql`s.created_at`, ctx)}
        ${buildingCondition(Prisma.sql`u.building_id`, filter)}
        ${consultantCondition(Prisma.sql`s.consultant_id`, filter)}
      GROUP BY c.channel`,
  ]);
  await ctx.progress(50);
  const count = (list: Counted[], channel: SourceChannel | null): number =>
    Number(list.find((c) => c.channel === channel)?.n ?? 0);
  const rate = (a: number, b: number): number | string => (b > 0 ? Math.round((a / b) * 1000) / 1000 : '');
  const channels: (SourceChannel | null)[] = [...SOURCE_CHANNELS, null];
  const out: Cell[][] = channels
    .map((ch) => {
      const v = count(visits, ch);
      const r = count(registrations, ch);
      const s = count(subscriptions, ch);
      const name = ch ? labelText(SOURCE_CHANNEL_LABELS[ch], lang) : h('无客户档案', 'No customer record');
      return [name, v, r, s, rate(r, v), rate(s, v)] as Cell[];
    })
    // The no-record row only when such deals exist; every channel row always (zeros say something).
    .filter((row, i) => i < SOURCE_CHANNELS.length || row.slice(1, 4).some((n) => n !== 0));
  const [v, r, s] = [sum(out, 1), sum(out, 2), sum(out, 3)];
  return {
    sheet: h('渠道转化', 'Channels'),
    fileStem: h('渠道转化', 'channels'),
    columns: [
      { header: h('来源渠道', 'Channel'), width: 16 },
      { header: h('来访（客户登记）', 'Visits (customers recorded)'), width: 16, numFmt: COUNT },
      { header: h('认筹', 'Registrations'), width: 12, numFmt: COUNT },
      { header: h('认购', 'Subscriptions'), width: 12, numFmt: COUNT },
      { header: h('来访→认筹', 'Visit → registration'), width: 14, numFmt: PERCENT },
      { header: h('来访→认购', 'Visit → subscription'), width: 14, numFmt: PERCENT },
    ],
    rows: out,
    totals: [h('合计', 'Total'), v, r, s, rate(r, v), rate(s, v)],
  };
}
