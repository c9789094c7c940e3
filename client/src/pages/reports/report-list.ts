/**
 * The reports the page offers, as data: one entry per report — its name and description in both
 * languages, which filters it honours, who may run it, and how it runs. Adding a report (the print
 * 销控表, 价目表 and 日报 are `download`s of plain GET routes) is one entry here: a `job` of the reports
 * queue, or a `download` of a GET route of the table.
 */
import { API, type ApiRoute, type Locale, type Permission, type ReportKind, urlOf } from '@kaipan/shared';
import type { Entry } from '@kaipan/web/i18n/runtime';

/** A filter of the page's form. Days are project-local (YYYY-MM-DD). */
export type ReportFilterName = 'days' | 'building' | 'consultant';

/** The form's values (empty: not set). */
export interface ReportFilterValues {
  from?: string;
  to?: string;
  buildingId?: string;
  consultantId?: string;
}

/** How a report runs. */
export type ReportRun =
  /** A job of the reports queue: progress, then a download from the job (docs/reports.md). */
  | { kind: 'job'; report: ReportKind }
  /** The audit log's export through the same jobs. */
  | { kind: 'audit-job' }
  /** A plain GET that answers the file at once (PDF or XLSX). */
  | {
      kind: 'download';
      url: (projectId: string, filters: ReportFilterValues, lang: Locale) => string;
      fileName: string;
    };

export interface ReportEntry {
  id: string;
  title: Entry;
  description: Entry;
  /** The filters it honours (the others are hidden for it). */
  filters: readonly ReportFilterName[];
  /** Who may run it: the route's permission. */
  access: Permission;
  run: ReportRun;
}

export const REPORT_LIST: readonly ReportEntry[] = [
  {
    id: 'subscriptions',
    title: ['认购明细', 'Subscriptions'],
    description: [
      '每笔有效认购：表价、优惠、成交价、付款方案、应收/已收定金、顾问与团队',
      'Every live subscription: list price, discounts, deal price, payment plan, deposit due and paid, consultant and team',
    ],
    filters: ['days', 'building', 'consultant'],
    access: 'readReports',
    run: { kind: 'job', report: 'subscriptions' },
  },
  {
    id: 'payments',
    title: ['收款明细', 'Payments and receipts'],
    description: [
      '每笔收款与退款：收据号、款项、付款方式、金额、实收净额、收银员',
      'Every payment and refund: receipt number, kind, methods, amount, net received, cashier',
    ],
    filters: ['days', 'building', 'consultant'],
    access: 'readReports',
    run: { kind: 'job', report: 'payments' },
  },
  {
    id: 'channels',
    title: ['渠道转化', 'Customers by channel'],
    description: [
      '各来源渠道的来访 → 认筹 → 认购及转化率',
      'Visits → registrations → subscriptions and conversion, per source channel',
    ],
    filters: ['days', 'building', 'consultant'],
    access: 'readReports',
    run: { kind: 'job', report: 'channels' },
  },
  {
    id: 'performance',
    title: ['顾问业绩', 'Consultant performance'],
    description: [
      '每位顾问的锁房、认购套数、金额、面积与转化率（含团队）',
      'Locks, subscriptions, amount, area and conversion per consultant (with team)',
    ],
    filters: ['days', 'building', 'consultant'],
    access: 'readReports',
    run: { kind: 'job', report: 'performance' },
  },
  {
    id: 'stock',
    title: ['库存', 'Stock'],
    description: [
      '按楼栋、户型、状态统计的房源套数、面积与表价（当前快照）',
      'Units, area and list price by building, layout and status (a snapshot of now)',
    ],
    filters: ['building'],
    access: 'readReports',
    run: { kind: 'job', report: 'stock' },
  },
  {
    id: 'audit',
    title: ['操作日志', 'Audit log'],
    description: [
      '所有操作的可读记录（项目时区），最多 50,000 条',
      'Every action as a readable sentence (project time), at most 50,000 events',
    ],
    filters: ['days'],
    access: 'readAudit',
    run: { kind: 'audit-job' },
  },
  ...printable({
    id: 'sales-control',
    title: ['销控表', 'Sales-control sheet'],
    description: [
      '每栋楼的楼层 × 房号格子：房号、户型、面积、价格、状态（A3 横向，黑白打印也可读）',
      'Every building as a floor × position grid: code, layout, area, price, status (A3 landscape, reads in black and white)',
    ],
    filters: ['building'],
    pdf: API.printReports.salesControlPdf,
    xlsx: API.printReports.salesControlXlsx,
    query: (f) => ({ building: f.buildingId }),
  }),
  ...printable({
    id: 'price-list',
    title: ['价目表', 'Price list'],
    description: [
      '每套房的户型、建筑/套内面积、单价、表价、备案价与状态，按楼栋小计',
      'Per unit: layout, gross/net area, price per m², list price, filed price and status, with building subtotals',
    ],
    filters: ['building'],
    pdf: API.printReports.priceListPdf,
    xlsx: API.printReports.priceListXlsx,
    query: (f) => ({ building: f.buildingId }),
  }),
  ...printable({
    id: 'daily',
    title: ['日报', 'Daily report'],
    description: [
      '所选结束日（默认今天）的认购、退房、累计去化、各楼栋/户型/顾问、收款方式与审计链头',
      'The chosen end day (default today): subscriptions, cancellations, cumulative sell-through, by building/layout/consultant, money by method, and the audit chain head',
    ],
    filters: ['days'],
    pdf: API.printReports.dailyPdf,
    xlsx: API.printReports.dailyXlsx,
    query: (f) => ({ date: f.to ?? f.from }),
  }),
];

/** The PDF and the XLSX entry of a print-ready report (docs/reports-print.md): plain GETs, bilingual files. */
function printable(r: {
  id: string;
  title: Entry;
  description: Entry;
  filters: readonly ReportFilterName[];
  pdf: ApiRoute;
  xlsx: ApiRoute;
  query: (f: ReportFilterValues) => Record<string, string | undefined>;
}): ReportEntry[] {
  const entry = (format: 'PDF' | 'XLSX', route: ApiRoute): ReportEntry => ({
    id: `${r.id}-${format.toLowerCase()}`,
    title: [`${r.title[0]} ${format}`, `${r.title[1]} (${format})`],
    description: r.description,
    filters: r.filters,
    access: 'readReports',
    run: {
      kind: 'download',
      url: (projectId, f) => urlOf(route, { params: { projectId }, query: r.query(f) }),
      fileName: `${r.id}.${format.toLowerCase()}`,
    },
  });
  return [entry('PDF', r.pdf), entry('XLSX', r.xlsx)];
}
