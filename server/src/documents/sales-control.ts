/**
 * Sales-control sheet 销控表, A3 or A4 landscape: every building as a floor × position grid, each cell
 * the unit's code, layout, gross area, list price and status — in the board's colour and a pattern,
 * so a black-and-white copy reads too — with the legend and the building's counts on every page,
 * and a summary page (counts per status, sold area and amount, sell-through per building and in
 * total). A building too large for one page continues over several (columns, then floors), cells
 * never shrink below a readable size: a 2,000-unit project gives more pages, not smaller print.
 * Pure: data in, PDF bytes out.
 */
import type { StoredUnitStatus } from '@kaipan/shared';
import type { CjkFont } from './fonts.js';
import { formatFen, formatM2, INK, put, drawTable, Flow, sectionTitle, clip, write } from './paper.js';
import { createDocument, mm, toBuffer, type Pdf } from './pdf.js';
import {
  PRINT_STATUS_ORDER,
  percent,
  printedAtText,
  rehearsalTag,
  reportFooter,
  type ReportEnvelope,
  STATUS_LOOK,
  statusBox,
  statusLabel,
  wan,
} from './report-paper.js';

export interface GridUnit {
  code: string;
  /** 户型 name: 三室两厅 / 3室2厅2卫. */
  layout: string;
  grossArea: number;
  /** Fen. */
  listPrice: number;
  status: StoredUnitStatus;
}

export interface GridBuilding {
  name: string;
  nameEn: string;
  /** The building's positions (号) left to right. */
  positions: number[];
  /** Top floor first; `cells` aligned with `positions` (null: no unit there). */
  floors: Array<{ floor: number; cells: Array<GridUnit | null> }>;
  counts: Record<StoredUnitStatus, number>;
  units: number;
  released: number;
  sold: number;
  /** m². */
  soldArea: number;
  /** Fen: deal prices of the live subscriptions. */
  soldAmount: number;
}

export interface SalesControlInput extends ReportEnvelope {
  paper: 'A3' | 'A4';
  /** What the sheet covers: 全部楼栋 All buildings, or the building. */
  scope: string;
  buildings: GridBuilding[];
  totals: Omit<GridBuilding, 'name' | 'nameEn' | 'positions' | 'floors'> & { sellThrough: number };
}

const PAPERS = {
  A3: { widthMm: 420, heightMm: 297, marginMm: 10, footerMm: 11 },
  A4: { widthMm: 297, heightMm: 210, marginMm: 9, footerMm: 11 },
} as const;

/** Smallest cell that stays readable at arm's length (mm); larger grids take more pages. */
const CELL = { minWidthMm: 25, maxWidthMm: 56, heightMm: 15.5, minHeightMm: 13 } as const;
const FLOOR_COL_MM = 11;
const HEAD_ROW_MM = 6;

export async function renderSalesControl(input: SalesControlInput, fonts: CjkFont): Promise<Buffer> {
  const page = PAPERS[input.paper];
  const doc = createDocument({
    title: `销控表 Sales control · ${input.project.name}`,
    subject: input.project.name,
    rehearsal: input.project.rehearsal,
    createdAt: new Date(input.printedAt),
    fonts,
  });
  const flow = new Flow(doc, page);

  for (const building of input.buildings) drawBuilding(flow, input, building);
  drawSummary(flow, input);

  flow.eachPage((n, total) => reportFooter(flow, input, '销控表 Sales control', n, total));
  return toBuffer(doc);
}

/** The building's grid over as many pages as it needs: column groups, each over floor groups. */
function drawBuilding(flow: Flow, input: SalesControlInput, b: GridBuilding): void {
  const gridWidth = flow.width - mm(FLOOR_COL_MM);
  const perPageCols = Math.max(1, Math.floor(gridWidth / mm(CELL.minWidthMm)));
  const colGroups = balancedChunks(
    b.positions.map((_, i) => i),
    perPageCols,
  );
  const headerHeight = mm(24);
  const rowsRoom = flow.bottom - (flow.top + headerHeight + mm(HEAD_ROW_MM));
  // Rows as tall as the page allows for the building (an 18-floor tower on one page), never smaller
  // than the readable minimum: beyond that the floors continue on the next page.
  const rowHeight = Math.min(
    mm(CELL.heightMm),
    Math.max(mm(CELL.minHeightMm), rowsRoom / Math.max(1, b.floors.length)),
  );
  const perPageRows = Math.max(1, Math.floor(rowsRoom / rowHeight));
  const rowGroups = balancedChunks(b.floors, perPageRows);
  const parts = colGroups.length * Math.max(1, rowGroups.length);
  let part = 0;
  for (const cols of colGroups) {
    const cellWidth = Math.min(mm(CELL.maxWidthMm), gridWidth / cols.length);
    for (const rows of rowGroups.length > 0 ? rowGroups : [[]]) {
      part += 1;
      flow.newPage();
      drawPageHeader(flow, input, b, parts > 1 ? `${part}/${parts}` : null);
      drawGrid(flow.doc, flow.left, flow.y, cellWidth, rowHeight, b, cols, rows);
    }
  }
}

function drawPageHeader(flow: Flow, input: SalesControlInput, b: GridBuilding, part: string | null): void {
  const doc = flow.doc;
  const top = flow.y;
  put(doc, clip(`${input.project.name} ${input.project.nameEn}`, 60), flow.left, top, {
    size: 9,
    color: INK.muted,
  });
  const title = `销控表 SALES CONTROL · ${b.name}${b.nameEn && b.nameEn !== b.name ? ` ${b.nameEn}` : ''}`;
  // A long building name is cut with … rather than running under the legend.
  put(doc, fitText(doc, title + (part ? `（${part}）` : ''), flow.width * 0.55, 15, true), flow.left, top + mm(4.5), {
    size: 15,
    bold: true,
  });
  put(doc, `打印时间 Printed ${printedAtText(input)}`, flow.left, top + mm(12.5), { size: 8, color: INK.muted });
  const counts = PRINT_STATUS_ORDER.map((s) => `${statusLabel(s).zh} ${b.counts[s]}`).join(' · ');
  put(
    doc,
    clip(
      `共 ${b.units} 套 Units · ${counts} · 已售 Sold ${b.sold}（${percent(b.released ? b.sold / b.released : 0)}）· ${formatM2(b.soldArea)} · ${formatFen(b.soldAmount)}`,
      140,
    ),
    flow.left,
    top + mm(17),
    { size: 8.5, bold: true },
  );
  drawLegend(doc, flow.right, top);
  rehearsalTag(doc, input, flow.right, top + mm(12.5));
  flow.y = top + mm(24);
}

/** The legend, right-aligned at the top: swatch (colour bar + pattern) and both names per status. */
function drawLegend(doc: Pdf, right: number, top: number): void {
  const w = mm(27);
  const x0 = right - PRINT_STATUS_ORDER.length * w;
  PRINT_STATUS_ORDER.forEach((s, i) => {
    const x = x0 + i * w;
    const look = STATUS_LOOK[s];
    statusBox(doc, s, x, top + mm(1), mm(7), mm(7));
    doc
      .save()
      .rect(x, top + mm(1), mm(7), mm(1.6))
      .fill(look.bar)
      .restore();
    doc
      .save()
      .rect(x, top + mm(1), mm(7), mm(7))
      .lineWidth(0.5)
      .stroke('#6b7280')
      .restore();
    const l = statusLabel(s);
    put(doc, l.zh, x + mm(8.5), top + mm(1), { size: 8, bold: true });
    put(doc, l.en, x + mm(8.5), top + mm(4.8), { size: 6, color: INK.muted });
  });
}

function drawGrid(
  doc: Pdf,
  left: number,
  top: number,
  cellWidth: number,
  rowH: number,
  b: GridBuilding,
  cols: number[],
  rows: GridBuilding['floors'],
): void {
  const floorW = mm(FLOOR_COL_MM);
  const headH = mm(HEAD_ROW_MM);
  const width = floorW + cellWidth * cols.length;
  doc.save().rect(left, top, width, headH).fill(INK.head).restore();
  put(doc, '楼层', left + floorW / 2, top + mm(1.4), { size: 7, bold: true, color: 'white', align: 'center' });
  cols.forEach((c, k) => {
    const label = `${String(b.positions[c]).padStart(2, '0')} 号`;
    put(doc, label, left + floorW + cellWidth * (k + 0.5), top + mm(1.4), {
      size: 7.5,
      bold: true,
      color: 'white',
      align: 'center',
    });
  });
  rows.forEach((row, r) => {
    const y = top + headH + r * rowH;
    doc
      .save()
      .rect(left, y, floorW, rowH)
      .fill(r % 2 ? '#e9ecef' : '#f4f6f8')
      .restore();
    put(doc, `${row.floor}F`, left + floorW / 2, y + rowH / 2 - mm(1.8), { size: 9, bold: true, align: 'center' });
    cols.forEach((c, k) => {
      const x = left + floorW + cellWidth * k;
      const unit = row.cells[c];
      if (unit) drawCell(doc, unit, x, y, cellWidth, rowH);
      else doc.save().rect(x, y, cellWidth, rowH).fill('#fafafa').restore();
    });
  });
  // Grid lines over everything.
  doc.save().lineWidth(0.5).strokeColor('#6b7280');
  doc.rect(left, top, width, headH + rows.length * rowH).stroke();
  for (let r = 0; r <= rows.length; r += 1)
    doc
      .moveTo(left, top + headH + r * rowH)
      .lineTo(left + width, top + headH + r * rowH)
      .stroke();
  for (let k = 0; k <= cols.length; k += 1)
    doc
      .moveTo(left + floorW + k * cellWidth, top)
      .lineTo(left + floorW + k * cellWidth, top + headH + rows.length * rowH)
      .stroke();
  doc.restore();
}

/** One unit: status bar (board colour, status name), then code, layout, area and list price. */
function drawCell(doc: Pdf, u: GridUnit, x: number, y: number, w: number, h: number): void {
  const look = STATUS_LOOK[u.status];
  const barH = mm(3.1);
  // Tint behind the text, the pattern in a strip at the right edge: lines never run through the text.
  // Slightly translucent: a rehearsal's watermark, drawn under the page, still shows through the grid.
  doc.save().fillOpacity(0.78).rect(x, y, w, h).fill(look.tint).restore();
  const strip = Math.min(mm(6), w * 0.2);
  statusBox(doc, u.status, x + w - strip, y + barH, strip, h - barH);
  doc
    .save()
    .moveTo(x + w - strip, y + barH)
    .lineTo(x + w - strip, y + h)
    .lineWidth(0.3)
    .stroke('#9ca3af')
    .restore();
  doc.save().rect(x, y, w, barH).fill(look.bar).restore();
  const pad = mm(1.2);
  const inner = w - 2 * pad;
  put(doc, statusLabel(u.status).zh, x + w - pad, y + mm(0.35), {
    size: 6.5,
    bold: true,
    color: look.barInk,
    align: 'right',
  });
  put(doc, fitText(doc, u.code, inner * 0.62, 7, true), x + pad, y + mm(0.35), {
    size: 7,
    bold: true,
    color: look.barInk,
  });
  put(doc, fitText(doc, u.layout, inner - strip, 6.5, false), x + pad, y + barH + mm(0.5), {
    size: 6.5,
    color: look.ink,
  });
  put(doc, formatM2(u.grossArea), x + pad, y + barH + mm(3.3), { size: 6.5, color: look.ink });
  put(doc, wan(u.listPrice), x + pad, y + barH + mm(6.1), { size: 7.2, bold: true, color: look.ink });
}

/** Text cut with … to fit `width` at `size` (a cell never spills into its neighbour). */
function fitText(doc: Pdf, text: string, width: number, size: number, bold: boolean): string {
  doc.fontSize(size);
  if (bold) doc.font('cjk-bold');
  else doc.font('cjk-regular');
  if (doc.widthOfString(text) <= width) return text;
  const chars = Array.from(text);
  while (chars.length > 1 && doc.widthOfString(`${chars.join('')}…`) > width) chars.pop();
  return `${chars.join('')}…`;
}

/** The last page: counts per status, sold area and amount, sell-through — per building and in total. */
function drawSummary(flow: Flow, input: SalesControlInput): void {
  flow.newPage();
  const doc = flow.doc;
  put(doc, `${input.project.name} ${input.project.nameEn}`, flow.left, flow.y, { size: 9, color: INK.muted });
  put(doc, '销控汇总 SALES CONTROL SUMMARY', flow.left, flow.y + mm(4.5), { size: 15, bold: true });
  put(doc, `${input.scope} · 打印时间 Printed ${printedAtText(input)}`, flow.left, flow.y + mm(12.5), {
    size: 8,
    color: INK.muted,
  });
  drawLegend(doc, flow.right, flow.y);
  rehearsalTag(doc, input, flow.right, flow.y + mm(12.5));
  flow.y += mm(20);
  sectionTitle(flow, '各楼栋 By building');
  const statusCols = PRINT_STATUS_ORDER.map((s) => `${statusLabel(s).zh}\n${statusLabel(s).en}`);
  const fixed = [0.16, 0.07, ...PRINT_STATUS_ORDER.map(() => 0.07), 0.07, 0.08, 0.1, 0.17];
  const scale = flow.width / fixed.reduce((a, b) => a + b, 0);
  const columns = fixed.map((f, i) => ({ width: f * scale, align: i === 0 ? ('left' as const) : ('right' as const) }));
  const row = (name: string, t: SalesControlInput['totals'] | GridBuilding, ratio: number, bold = false) => [
    { text: name, bold },
    String(t.units),
    ...PRINT_STATUS_ORDER.map((s) => String(t.counts[s])),
    { text: String(t.sold), bold },
    percent(ratio),
    formatM2(t.soldArea),
    { text: formatFen(t.soldAmount), bold },
  ];
  const rows = input.buildings.map((b) => row(`${b.name}`, b, b.released ? b.sold / b.released : 0));
  rows.push(row('合计 Total', input.totals, input.totals.sellThrough, true));
  drawTable(flow, {
    columns,
    header: [
      '楼栋 Building',
      '总套数 Units',
      ...statusCols,
      '已售 Sold',
      '去化率 Sell-through',
      '已售面积 Area',
      '已售金额 Amount',
    ],
    rows,
    size: 8.5,
    zebra: true,
    emphasis: (i) => i === rows.length - 1,
  });
  flow.y += mm(3);
  write(
    doc,
    '已售 = 已认购 + 已签约；去化率 = 已售 ÷ 已推售（未推除外）；已售金额为有效认购的成交价。锁定中的房源按可售计（锁定只在内存中，几分钟内即释放或成交）。\n' +
      'Sold = subscribed + contracted; sell-through = sold ÷ released; amount = deal prices of live subscriptions. Units locked at printing count as available.',
    flow.left,
    flow.y,
    flow.width,
    { size: 7.5, color: INK.muted, lineGap: 1 },
  );
}

/** Splits into as few groups of at most `max` as possible, of near-equal size (20 → 10 + 10, not 15 + 5). */
function balancedChunks<T>(items: readonly T[], max: number): T[][] {
  const groups = Math.ceil(items.length / max);
  const out: T[][] = [];
  let start = 0;
  for (let g = 0; g < groups; g += 1) {
    const size = Math.ceil((items.length - start) / (groups - g));
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}
