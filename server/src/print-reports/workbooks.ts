/**
 * The XLSX of the print-ready reports: the same content as the PDFs, numbers as numbers (money in
 * yuan with two decimals, areas in m²), labels in both languages. The 销控表 is the same grid, each
 * unit cell filled with its board colour.
 */
import { bilingual, STATUS_COLORS, formatZonedDateTime, type StoredUnitStatus } from '@kaipan/shared';
import { addTableSheet, newWorkbook, styleHeaderRow, toXlsxBuffer, type SheetColumnSpec } from '../domain/xlsx.js';
import type { DailyReportInput, BreakdownLine } from '../documents/daily-report.js';
import type { PriceListInput } from '../documents/price-list.js';
import { PRINT_STATUS_ORDER, statusLabel } from '../documents/report-paper.js';
import type { SalesControlInput } from '../documents/sales-control.js';

const yuan = (fen: number): number => fen / 100;
const MONEY = '#,##0.00';
const AREA = '0.00';
const INT = '0';
const PCT = '0.0%';
const both = (s: StoredUnitStatus): string => bilingual(statusLabel(s));

/** A sheet name Excel accepts (≤ 31 characters, none of []:*?/\), unique in its workbook. */
function sheetName(name: string, taken: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28) || 'Sheet';
  let candidate = base;
  for (let i = 2; taken.has(candidate); i += 1) candidate = `${base} ${i}`;
  taken.add(candidate);
  return candidate;
}

const printedLine = (input: { project: { name: string; timezone: string }; printedAt: string }): string =>
  `${input.project.name} · 打印 Printed ${formatZonedDateTime(input.printedAt, input.project.timezone)} (${input.project.timezone})`;

export async function salesControlWorkbook(input: SalesControlInput): Promise<Buffer> {
  const workbook = await newWorkbook();
  const taken = new Set<string>();
  const statusColumns: SheetColumnSpec[] = PRINT_STATUS_ORDER.map((s) => ({ header: both(s), width: 12, numFmt: INT }));
  const row = (
    name: string,
    t: SalesControlInput['totals'] | SalesControlInput['buildings'][number],
    ratio: number,
  ) => [name, t.units, ...PRINT_STATUS_ORDER.map((s) => t.counts[s]), t.sold, ratio, t.soldArea, yuan(t.soldAmount)];
  const summary = addTableSheet(workbook, {
    name: sheetName('汇总 Summary', taken),
    columns: [
      { header: '楼栋 Building', width: 22 },
      { header: '总套数 Units', width: 12, numFmt: INT },
      ...statusColumns,
      { header: '已售 Sold', width: 10, numFmt: INT },
      { header: '去化率 Sell-through', width: 14, numFmt: PCT },
      { header: '已售面积 Sold m²', width: 16, numFmt: AREA },
      { header: '已售金额 Sold amount ¥', width: 20, numFmt: MONEY },
    ],
    rows: [
      ...input.buildings.map((b) => row(b.name, b, b.released ? b.sold / b.released : 0)),
      row('合计 Total', input.totals, input.totals.sellThrough),
    ],
  });
  summary.getRow(summary.rowCount).font = { bold: true };
  summary.addRow([]);
  summary.addRow([printedLine(input)]);

  for (const b of input.buildings) {
    const ws = workbook.addWorksheet(sheetName(b.name, taken), { views: [{ state: 'frozen', xSplit: 1, ySplit: 2 }] });
    ws.getColumn(1).width = 8;
    b.positions.forEach((_, i) => {
      ws.getColumn(i + 2).width = 16;
    });
    ws.getRow(1).values = [`${b.name} ${b.nameEn} · ${printedLine(input)}`];
    ws.getRow(1).font = { bold: true };
    const head = ws.getRow(2);
    head.values = ['楼层 Floor', ...b.positions.map((p) => `${String(p).padStart(2, '0')} 号`)];
    styleHeaderRow(head);
    b.floors.forEach((f, r) => {
      const row = ws.getRow(3 + r);
      row.height = 64;
      row.getCell(1).value = `${f.floor}F`;
      row.getCell(1).font = { bold: true };
      row.getCell(1).alignment = { vertical: 'middle', horizontal: 'center' };
      f.cells.forEach((u, k) => {
        if (!u) return;
        const cell = row.getCell(k + 2);
        const label = statusLabel(u.status);
        cell.value = `${u.code}\n${u.layout}\n${u.grossArea.toFixed(2)} m²\n¥${yuan(u.listPrice).toLocaleString('en', { minimumFractionDigits: 2 })}\n${label.zh} ${label.en}`;
        const colors = STATUS_COLORS[u.status];
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: `FF${colors.bg.slice(1).toUpperCase()}` } };
        cell.font = { color: { argb: `FF${colors.fg.slice(1).toUpperCase()}` }, size: 9 };
        cell.alignment = { wrapText: true, vertical: 'top' };
        cell.border = {
          top: { style: 'thin', color: { argb: 'FF9CA3AF' } },
          bottom: { style: 'thin', color: { argb: 'FF9CA3AF' } },
          left: { style: 'thin', color: { argb: 'FF9CA3AF' } },
          right: { style: 'thin', color: { argb: 'FF9CA3AF' } },
        };
      });
    });
    const legend = ws.getRow(4 + b.floors.length);
    legend.values = ['图例 Legend', ...PRINT_STATUS_ORDER.map((s) => both(s))];
    PRINT_STATUS_ORDER.forEach((s, i) => {
      const cell = legend.getCell(i + 2);
      cell.fill = {
        type: 'pattern',
        pattern: 'solid',
        fgColor: { argb: `FF${STATUS_COLORS[s].bg.slice(1).toUpperCase()}` },
      };
      cell.font = { color: { argb: `FF${STATUS_COLORS[s].fg.slice(1).toUpperCase()}` }, bold: true };
    });
  }
  return toXlsxBuffer(workbook);
}

export async function priceListWorkbook(input: PriceListInput): Promise<Buffer> {
  const workbook = await newWorkbook();
  const ws = addTableSheet(workbook, {
    name: '价目表 Price list',
    columns: [
      { header: '楼栋 Building', width: 16 },
      { header: '房号 Unit', width: 12 },
      { header: '楼层 Floor', width: 8, numFmt: INT },
      { header: '户型 Layout', width: 16 },
      { header: '建筑面积 Gross m²', width: 14, numFmt: AREA },
      { header: '套内面积 Net m²', width: 14, numFmt: AREA },
      { header: '单价 ¥/m²', width: 14, numFmt: MONEY },
      { header: '表价 List price ¥', width: 18, numFmt: MONEY },
      { header: '备案价 Filed price ¥', width: 18, numFmt: MONEY },
      { header: '状态 Status', width: 16 },
      { header: '批次 Batch', width: 14 },
    ],
    rows: input.buildings.flatMap((b) =>
      b.units.map((u) => [
        b.name,
        u.code,
        u.floor,
        u.layout,
        u.grossArea,
        u.netArea,
        yuan(u.unitPrice),
        yuan(u.listPrice),
        u.filedPrice === null ? '' : yuan(u.filedPrice),
        both(u.status),
        u.batch ?? '',
      ]),
    ),
  });
  const total = ws.addRow([
    '合计 Total',
    input.totals.units,
    '',
    '',
    input.totals.grossArea,
    '',
    '',
    yuan(input.totals.listAmount),
    yuan(input.totals.filedAmount),
    '',
    '',
  ]);
  total.font = { bold: true };
  ws.addRow([]);
  ws.addRow([`${input.scope} · 价格版本 Price version v${input.priceVersion} · ${printedLine(input)}`]);
  return toXlsxBuffer(workbook);
}

const breakdownColumns = (label: string): SheetColumnSpec[] => [
  { header: label, width: 22 },
  { header: '当日套数 Day units', width: 12, numFmt: INT },
  { header: '当日面积 Day m²', width: 14, numFmt: AREA },
  { header: '当日金额 Day amount ¥', width: 18, numFmt: MONEY },
  { header: '累计套数 Total units', width: 12, numFmt: INT },
  { header: '累计面积 Total m²', width: 14, numFmt: AREA },
  { header: '累计金额 Total amount ¥', width: 18, numFmt: MONEY },
  { header: '已推 Released', width: 10 },
];
const breakdownRow = (l: BreakdownLine, name = l.name) => [
  name,
  l.day.count,
  l.day.area,
  yuan(l.day.amount),
  l.cumulative.count,
  l.cumulative.area,
  yuan(l.cumulative.amount),
  l.released ?? '',
];

export async function dailyWorkbook(input: DailyReportInput): Promise<Buffer> {
  const workbook = await newWorkbook();
  const tz = input.project.timezone;
  const summary = addTableSheet(workbook, {
    name: '概要 Summary',
    columns: [
      { header: '项目 Item', width: 34 },
      { header: '套数 Units', width: 12, numFmt: INT },
      { header: '面积 m²', width: 14, numFmt: AREA },
      { header: '金额 Amount ¥', width: 20, numFmt: MONEY },
    ],
    rows: [
      ['当日认购 Subscribed', input.day.count, input.day.area, yuan(input.day.amount)],
      ['当日退房 Cancelled', input.cancelled.count, input.cancelled.area, yuan(input.cancelled.amount)],
      ['当日换房 Changed', input.changed.count, input.changed.area, yuan(input.changed.amount)],
      ['累计认购 Cumulative', input.cumulative.count, input.cumulative.area, yuan(input.cumulative.amount)],
      ['已推房源 Released units', input.released, '', ''],
      ['当日收款 Received', '', '', yuan(input.money.received)],
      ['当日退款 Refunds', '', '', yuan(input.money.refunds)],
      ['当日登记 Registrations', input.registrations.day, '', ''],
      ['累计登记 Registrations total', input.registrations.total, '', ''],
      ['当日新客户 New customers', input.customers.day, '', ''],
    ],
  });
  summary.addRow([]);
  summary.addRow(['日期 Day', input.date]);
  summary.addRow([
    '时段 Window',
    `${formatZonedDateTime(input.from, tz)} – ${formatZonedDateTime(input.to, tz)} (${tz})`,
  ]);
  summary.addRow(['打印 Printed', printedLine(input)]);
  summary.addRow(['审计链头 Audit chain head', input.chainHead.reference ?? '—']);
  summary.addRow(['链头哈希 Head hash', input.chainHead.hash ?? '—']);
  addTableSheet(workbook, {
    name: '楼栋 Buildings',
    columns: breakdownColumns('楼栋 Building'),
    rows: input.byBuilding.map((l) => breakdownRow(l)),
  });
  addTableSheet(workbook, {
    name: '户型 Layouts',
    columns: breakdownColumns('户型 Layout'),
    rows: input.byLayout.map((l) => breakdownRow(l)),
  });
  addTableSheet(workbook, {
    name: '顾问 Consultants',
    columns: [...breakdownColumns('顾问 Consultant').slice(0, 7), { header: '团队 Team', width: 14 }],
    rows: input.byConsultant.map((l) => [...breakdownRow(l).slice(0, 7), l.team ?? '']),
  });
  addTableSheet(workbook, {
    name: '团队 Teams',
    columns: breakdownColumns('团队 Team').slice(0, 7),
    rows: input.byTeam.map((l) => breakdownRow(l).slice(0, 7)),
  });
  addTableSheet(workbook, {
    name: '收款 Money',
    columns: [
      { header: '方式 Method', width: 24 },
      { header: '笔数 Lines', width: 10, numFmt: INT },
      { header: '金额 Amount ¥', width: 18, numFmt: MONEY },
    ],
    rows: input.money.byMethod.map((m) => [`${m.zh} ${m.en}`, m.count, yuan(m.amount)]),
  });
  addTableSheet(workbook, {
    name: '退换 Cancellations',
    columns: [
      { header: '时间 Time', width: 18 },
      { header: '房源 Unit', width: 12 },
      { header: '类型 Kind', width: 16 },
      { header: '顾问 Consultant', width: 16 },
      { header: '成交价 Price ¥', width: 18, numFmt: MONEY },
      { header: '原因 Reason', width: 30 },
    ],
    rows: input.closed.map((c) => [
      formatZonedDateTime(c.at, tz),
      c.unit,
      c.kind === 'CANCELLED' ? '退房 Cancelled' : '换房 Changed',
      c.consultant,
      yuan(c.price),
      c.reason ?? '',
    ]),
  });
  addTableSheet(workbook, {
    name: '要事 Events',
    columns: [
      { header: '时间 Time', width: 18 },
      { header: '事件 Event', width: 60 },
      { header: 'Event', width: 60 },
    ],
    rows: input.events.map((e) => [formatZonedDateTime(e.at, tz), e.zh, e.en]),
  });
  return toXlsxBuffer(workbook);
}
