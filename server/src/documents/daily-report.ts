/**
 * Daily report 日报, A4 portrait — what a sales director sends the same evening, for one project-local
 * day: the day's new subscriptions (count, area, amount), cancellations and changes, the cumulative
 * totals and sell-through at the end of the day, per building, layout, consultant and team, money
 * received by method, registrations and new customers, the day's notable events — and the head of
 * the project's audit hash chain when printed, so a later rewrite of the record is detectable from
 * this paper. Pure: data in, PDF bytes out.
 */
import type { CjkFont } from './fonts.js';
import {
  drawTable,
  factGrid,
  Flow,
  formatFen,
  formatM2,
  INK,
  put,
  type Row,
  sectionTitle,
  unbrokenWords,
  write,
} from './paper.js';
import { createDocument, formatProjectTime, mm, toBuffer } from './pdf.js';
import { percent, printedAtText, rehearsalTag, reportFooter, type ReportEnvelope } from './report-paper.js';

/** Count, gross area (m²) and amount (fen) of a set of subscriptions. */
export interface Tally {
  count: number;
  area: number;
  amount: number;
}

/** One line of a breakdown: the day's tally and, where it applies, the cumulative one. */
export interface BreakdownLine {
  name: string;
  day: Tally;
  cumulative: Tally;
  /** Units released for sale (building, layout); null for people. */
  released: number | null;
}

export interface DailyReport {
  /** The project-local day, YYYY-MM-DD. */
  date: string;
  /** The day as UTC instants [from, to). */
  from: string;
  to: string;
  /** New subscriptions made that day (换房 replacements excluded: they are changes). */
  day: Tally;
  /** Subscriptions closed that day: 退房 cancelled and 换房 changed. */
  cancelled: Tally;
  changed: Tally;
  /** Live subscriptions at the end of the day. */
  cumulative: Tally;
  /** Units released for sale (everything but 未推), now. */
  released: number;
  byBuilding: BreakdownLine[];
  byLayout: BreakdownLine[];
  byConsultant: Array<BreakdownLine & { team: string | null }>;
  byTeam: BreakdownLine[];
  /**
   * Money received that day by method (voided payments excluded), and refunds paid. `received` leaves
   * out 诚意金转入 CONVERSION lines: no money moves (it was received as 诚意金, maybe another day).
   */
  money: {
    byMethod: Array<{ method: string; zh: string; en: string; count: number; amount: number }>;
    received: number;
    refunds: number;
  };
  /** The day's cancellations and changes, in time order. */
  closed: Array<{
    at: string;
    unit: string;
    kind: 'CANCELLED' | 'CHANGED';
    consultant: string;
    price: number;
    reason: string | null;
  }>;
  registrations: { day: number; total: number };
  customers: { day: number };
  /** Notable events of the day (sales paused, batches released, prices activated…), readable. */
  events: Array<{ at: string; zh: string; en: string }>;
  /** More notable events happened than the report lists. */
  eventsTruncated: boolean;
  /** The audit chain head at printing (sealed first): `events:shortHash`, the full hash, the count. */
  chainHead: { reference: string | null; hash: string | null; events: number };
}

export type DailyReportInput = ReportEnvelope & DailyReport;

const PAGE = { widthMm: 210, heightMm: 297, marginMm: 13, footerMm: 12 } as const;

const tallyCells = (t: Tally): string[] => [String(t.count), formatM2(t.area), formatFen(t.amount)];

export async function renderDailyReport(input: DailyReportInput, fonts: CjkFont): Promise<Buffer> {
  const tz = input.project.timezone;
  const doc = createDocument({
    title: `日报 Daily report ${input.date} · ${input.project.name}`,
    subject: input.project.name,
    rehearsal: input.project.rehearsal,
    createdAt: new Date(input.printedAt),
    fonts,
  });
  const flow = new Flow(doc, PAGE, (f) => {
    put(doc, `${input.project.name} · 日报 ${input.date}（续 continued）`, f.left, f.top, {
      size: 8,
      color: INK.muted,
    });
    return f.top + mm(6);
  });
  flow.newPage();
  const top = flow.y;
  put(doc, `${input.project.name} ${input.project.nameEn}`, flow.left, top, { size: 10, bold: true, color: INK.muted });
  put(doc, `销售日报 ${input.date}`, flow.left, top + mm(5.5), { size: 20, bold: true });
  put(doc, 'DAILY SALES REPORT', flow.left, top + mm(14.5), { size: 9, characterSpacing: 2.5, color: INK.muted });
  rehearsalTag(doc, input, flow.right, top + mm(5.5));
  flow.y = top + mm(20);
  doc.save().rect(flow.left, flow.y, flow.width, 1.4).fill(INK.head).restore();
  flow.y += mm(3);

  const net = input.day.count - input.cancelled.count;
  factGrid(
    flow,
    [
      ['日期 Day', `${input.date}（${formatProjectTime(input.from, tz)} – ${formatProjectTime(input.to, tz)}, ${tz}）`],
      ['打印时间 Printed', printedAtText(input)],
      ['当日认购 Subscribed', `${input.day.count} 套 · ${formatM2(input.day.area)} · ${formatFen(input.day.amount)}`],
      ['退房 / 换房 Cancelled / changed', `${input.cancelled.count} / ${input.changed.count}（净增 net ${net}）`],
      [
        '累计认购 Cumulative',
        `${input.cumulative.count} 套 · ${formatM2(input.cumulative.area)} · ${formatFen(input.cumulative.amount)}`,
      ],
      [
        '去化率 Sell-through',
        `${percent(input.released ? input.cumulative.count / input.released : 0)}（${input.cumulative.count} / 已推 ${input.released}）`,
      ],
      [
        '当日收款 Received',
        `${formatFen(input.money.received)}${input.money.refunds ? ` · 退款 refunds ${formatFen(input.money.refunds)}` : ''}`,
      ],
      [
        '登记 / 新客户 Registrations / new customers',
        `${input.registrations.day}（累计 total ${input.registrations.total}）/ ${input.customers.day}`,
      ],
    ],
    1,
  );

  // The audit chain head: a later rewrite of any event of the record no longer leads to it.
  flow.need(mm(16));
  flow.y += mm(1.5);
  doc.save().rect(flow.left, flow.y, flow.width, mm(13)).fill('#e7ebef').restore();
  put(
    doc,
    `审计链头 Audit chain head（打印时 at printing · ${input.chainHead.events} 条事件 events）`,
    flow.left + mm(3),
    flow.y + mm(1.3),
    {
      size: 8,
      color: INK.muted,
    },
  );
  put(doc, input.chainHead.reference ?? '—', flow.left + mm(3), flow.y + mm(5), { size: 10, bold: true });
  put(doc, input.chainHead.hash ?? '', flow.left + mm(3), flow.y + mm(9.3), { size: 6.5, color: INK.muted });
  flow.y += mm(15);

  const w = flow.width;
  // Sections are numbered as printed (the team section is left out when the project has no teams).
  const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八'];
  let section = 0;
  const numbered = (title: string): string => `${NUMERALS[section++]}、${title}`;
  const breakdown = (title: string, label: string, lines: BreakdownLine[], people = false): void => {
    sectionTitle(flow, numbered(title), mm(16));
    if (lines.length === 0) {
      none(flow);
      return;
    }
    const columns = [
      { width: w * 0.22 },
      { width: w * 0.08, align: 'right' as const },
      { width: w * 0.12, align: 'right' as const },
      { width: w * 0.16, align: 'right' as const },
      { width: w * 0.08, align: 'right' as const },
      { width: w * 0.16, align: 'right' as const },
      { width: w * 0.18, align: 'right' as const },
    ];
    drawTable(flow, {
      columns,
      header: [
        label,
        '当日套数 Day',
        '当日面积 Day m²',
        '当日金额 Day amount',
        '累计 Total',
        '累计金额 Total amount',
        people ? '占累计 Share' : '去化率 Sell-through',
      ],
      rows: lines.map((l) => [
        { text: l.name, bold: true },
        ...tallyCells(l.day),
        String(l.cumulative.count),
        formatFen(l.cumulative.amount),
        l.released === null
          ? percent(input.cumulative.count ? l.cumulative.count / input.cumulative.count : 0)
          : `${percent(l.released ? l.cumulative.count / l.released : 0)}（${l.cumulative.count}/${l.released}）`,
      ]),
      size: 8,
      zebra: true,
    });
  };
  breakdown('各楼栋 By building', '楼栋 Building', input.byBuilding);
  breakdown('各户型 By layout', '户型 Layout', input.byLayout);
  breakdown(
    '置业顾问 By consultant',
    '顾问 Consultant（团队 team）',
    input.byConsultant.map((c) => ({ ...c, name: c.team ? `${c.name}（${c.team}）` : c.name })),
    true,
  );
  if (input.byTeam.length > 0) breakdown('团队 By team', '团队 Team', input.byTeam, true);

  sectionTitle(flow, numbered('当日收款 Money received by method'), mm(16));
  if (input.money.byMethod.length === 0) none(flow);
  else {
    const methodWidth = w * 0.4;
    const rows: Row[] = input.money.byMethod.map((m) => [
      // 银行卡 / 微信支付 never break inside a word (the day-end's 银行/卡).
      unbrokenWords(
        doc,
        [m.zh, m.en, ...(m.method === 'CONVERSION' ? ['（不计入收款 not new money）'] : [])],
        ' ',
        methodWidth,
        {
          size: 8.5,
        },
      ),
      String(m.count),
      m.method === 'CONVERSION' ? { text: formatFen(m.amount), color: INK.muted } : formatFen(m.amount),
    ]);
    rows.push([{ text: '合计 Total received', bold: true }, '', { text: formatFen(input.money.received), bold: true }]);
    if (input.money.refunds) rows.push(['退款 Refunds paid', '', formatFen(-input.money.refunds)]);
    drawTable(flow, {
      columns: [{ width: methodWidth }, { width: w * 0.2, align: 'right' }, { width: w * 0.4, align: 'right' }],
      header: ['方式 Method', '笔数 Lines', '金额 Amount'],
      rows,
      size: 8.5,
      emphasis: (i) => i === input.money.byMethod.length,
    });
  }

  sectionTitle(flow, numbered(`退房与换房 Cancellations and changes（${input.closed.length}）`), mm(16));
  if (input.closed.length === 0) none(flow);
  else
    drawTable(flow, {
      columns: [
        { width: w * 0.16 },
        { width: w * 0.12 },
        { width: w * 0.14 },
        { width: w * 0.16 },
        { width: w * 0.16, align: 'right' },
        { width: w * 0.26 },
      ],
      header: ['时间 Time', '房源 Unit', '类型 Kind', '顾问 Consultant', '成交价 Price', '原因 Reason'],
      rows: input.closed.map((c) => [
        formatProjectTime(c.at, tz),
        { text: c.unit, bold: true },
        c.kind === 'CANCELLED' ? '退房 Cancelled' : '换房 Changed',
        c.consultant,
        formatFen(c.price),
        c.reason ?? '—',
      ]),
      size: 8,
      zebra: true,
    });

  sectionTitle(
    flow,
    numbered(`当日要事 Notable events（${input.events.length}${input.eventsTruncated ? '+' : ''}）`),
    mm(14),
  );
  if (input.events.length === 0) none(flow);
  else
    drawTable(flow, {
      columns: [{ width: w * 0.18 }, { width: w * 0.82 }],
      rows: input.events.map((e) => [formatProjectTime(e.at, tz), { text: e.zh, sub: e.en }]),
      size: 8,
      zebra: true,
    });

  flow.eachPage((n, total) => reportFooter(flow, input, `日报 Daily report ${input.date}`, n, total));
  return toBuffer(doc);
}

function none(flow: Flow): void {
  flow.need(mm(7));
  write(flow.doc, '无 None.', flow.left + mm(3), flow.y, flow.width, { size: 8.5, color: INK.muted });
  flow.y += mm(7);
}
