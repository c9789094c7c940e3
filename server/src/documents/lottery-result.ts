/**
 * Lottery result 摇号结果公示, A4 portrait: project, title, the commitments, the revealed seed, the
 * drawn time in the project's time zone, how to verify, and the selection order as a numbered table
 * in columns (filled down, then across), continued over as many pages as the list needs.
 * Pure: data in, PDF bytes out (creation date = draw time, so the same draw gives the same bytes).
 */
import { lotteryPaths, type LotteryDrawInfo } from '@kaipan/shared';
import type { CjkFont } from './fonts.js';
import {
  addPage,
  createDocument,
  DEFAULT_TIME_ZONE,
  drawQr,
  FONT,
  formatProjectTime,
  mm,
  type Pdf,
  qrQuietZone,
  toBuffer,
} from './pdf.js';

export interface LotteryResultInput {
  /** A drawn lottery (status DRAWN: seed, order and drawnAt present). */
  draw: LotteryDrawInfo;
  /** Absolute origin of the public site, e.g. https://kaipan.example.com (for the verification URL). */
  origin: string;
  /** The draw of a rehearsal: 演练 REHEARSAL in the title and across every page (pdf.ts). */
  rehearsal?: boolean;
}

const PAGE = { widthMm: 210, heightMm: 297, marginMm: 15 } as const;
const LEFT = mm(PAGE.marginMm);
const WIDTH = mm(PAGE.widthMm - 2 * PAGE.marginMm);
const TOP = mm(PAGE.marginMm);
/** Lowest y content may reach; the footer sits below it. */
const BOTTOM = mm(PAGE.heightMm - PAGE.marginMm - 7);
/** Inside the bottom margin's edge: pdfkit would start a new page for text that crosses it. */
const FOOTER_Y = mm(PAGE.heightMm - PAGE.marginMm - 4);
const COLUMNS = 6;
const ROW_HEIGHT = mm(5.2);
const COLUMN_WIDTH = WIDTH / COLUMNS;
const QR_SIZE = mm(26);

export async function renderLotteryResult(input: LotteryResultInput, fonts: CjkFont): Promise<Buffer> {
  const { draw } = input;
  if (draw.status !== 'DRAWN' || !draw.seed || !draw.order || !draw.drawnAt)
    throw new Error('only a drawn lottery has a result');
  const order = draw.order;
  const timezone = draw.timezone || DEFAULT_TIME_ZONE;
  const paths = lotteryPaths(draw.id, input.origin);
  const doc = createDocument({
    title: `摇号结果 Lottery result — ${draw.title}`,
    subject: draw.projectName,
    rehearsal: input.rehearsal,
    createdAt: new Date(draw.drawnAt),
    fonts,
  });

  // Table geometry: rows left on the first page after the header, full pages after that.
  const rowsFirst = (y: number): number => Math.max(0, Math.floor((BOTTOM - y) / ROW_HEIGHT));
  const rowsFull = Math.floor((BOTTOM - TOP - ROW_HEIGHT) / ROW_HEIGHT); // a header row per page

  addPage(doc, PAGE);
  let y = header(doc, draw, timezone, paths);
  // Page count is known before drawing: footers can say "page 1 of 3" without buffering pages.
  const firstCapacity = Math.max(0, rowsFirst(y + ROW_HEIGHT) * COLUMNS);
  const pages = 1 + Math.ceil(Math.max(0, order.length - firstCapacity) / (rowsFull * COLUMNS));
  let index = 0;
  for (let page = 1; page <= pages; page += 1) {
    if (page > 1) {
      addPage(doc, PAGE);
      y = TOP;
    }
    const rows = page === 1 ? rowsFirst(y + ROW_HEIGHT) : rowsFull;
    const count = Math.min(order.length - index, rows * COLUMNS);
    if (count > 0) {
      tableHeader(doc, y);
      table(doc, order, index, count, Math.ceil(count / COLUMNS), y + ROW_HEIGHT);
      index += count;
    }
    footer(doc, draw, page, pages);
  }
  return toBuffer(doc);
}

/** Title block, facts, commitments and verification; returns the y where the table may start. */
function header(doc: Pdf, draw: LotteryDrawInfo, timezone: string, paths: ReturnType<typeof lotteryPaths>): number {
  let y = TOP;
  const text = (
    s: string,
    size: number,
    opts: { bold?: boolean; color?: string; width?: number; x?: number; gap?: number } = {},
  ): void => {
    doc
      .font(opts.bold ? FONT.bold : FONT.regular)
      .fontSize(size)
      .fillColor(opts.color ?? 'black');
    const width = opts.width ?? WIDTH;
    doc.text(s, opts.x ?? LEFT, y, { width, lineBreak: true });
    y += doc.heightOfString(s, { width }) + (opts.gap ?? 0);
  };

  text(`${draw.projectName}  ${draw.projectNameEn}`, 11, { color: '#444', gap: mm(1) });
  text('摇号结果公示  Lottery result', 20, { bold: true, gap: mm(0.5) });
  text(draw.title, 14, { bold: true, gap: mm(3) });

  // Facts on the left, QR code to the public page on the right.
  const factsWidth = WIDTH - QR_SIZE - mm(8);
  const quiet = qrQuietZone(paths.page, QR_SIZE);
  const qrTop = y;
  drawQr(doc, paths.page, LEFT + WIDTH - QR_SIZE, qrTop + quiet / 2, QR_SIZE);
  doc.font(FONT.regular).fontSize(7).fillColor('#444');
  doc.text('扫码核验 Scan to verify', LEFT + WIDTH - QR_SIZE - mm(4), qrTop + QR_SIZE + quiet / 2 + mm(1), {
    width: QR_SIZE + mm(8),
    align: 'center',
    lineBreak: false,
  });

  const labelWidth = mm(43);
  const fact = (label: string, value: string, mono = false): void => {
    doc.font(FONT.regular).fontSize(8).fillColor('#444');
    const labelHeight = doc.heightOfString(label, { width: labelWidth });
    doc.text(label, LEFT, y + mm(0.3), { width: labelWidth });
    doc
      .font(mono ? FONT.regular : FONT.bold)
      .fontSize(mono ? 7.6 : 9.5)
      .fillColor('black');
    const w = factsWidth - labelWidth;
    doc.text(value, LEFT + labelWidth, y, { width: w });
    y += Math.max(doc.heightOfString(value, { width: w }), labelHeight, mm(4)) + mm(1);
  };
  fact('摇号时间 Drawn at', `${formatProjectTime(draw.drawnAt ?? draw.committedAt, timezone)} (${timezone})`);
  fact('公示承诺时间 Committed', `${formatProjectTime(draw.committedAt, timezone)} (${timezone})`);
  fact('参与组数 Entries', `${draw.entries.length}`);
  fact('算法 Algorithm', draw.version);
  fact('名单承诺 List commitment', draw.listCommitment, true);
  fact('种子承诺 Seed commitment', draw.seedCommitment, true);
  fact('种子 Seed (revealed)', draw.seed ?? '', true);
  y = Math.max(y, qrTop + QR_SIZE + quiet + mm(4)) + mm(1);

  // How to verify: a grey box.
  const lines = [
    '核验方法 How to verify — 任何人都可以用公示的名单和种子重新计算顺序 (anyone can recompute the order):',
    `1. 网页 Web: ${paths.page}  →「在本浏览器中核验 Verify in this browser」`,
    `2. 命令行 CLI: 下载 download ${paths.record}`,
    '   then: npm run verify-lottery -- record.json   (退出码 exit code 0 = 通过 valid)',
    '3. 算法说明 Algorithm: docs/lottery.md (kaipan-lottery-v1: SHA-256 commitments, HMAC-SHA256 Fisher–Yates)',
  ];
  doc.font(FONT.regular).fontSize(8);
  const boxPad = mm(2.5);
  const inner = WIDTH - 2 * boxPad;
  const boxHeight = lines.reduce((h, l) => h + doc.heightOfString(l, { width: inner }) + mm(0.6), 0) + 2 * boxPad;
  doc.save().roundedRect(LEFT, y, WIDTH, boxHeight, mm(1.5)).fill('#f1f3f5').restore();
  let ly = y + boxPad;
  lines.forEach((l, i) => {
    doc
      .font(i === 0 ? FONT.bold : FONT.regular)
      .fontSize(8)
      .fillColor('black');
    doc.text(l, LEFT + boxPad, ly, { width: inner });
    ly += doc.heightOfString(l, { width: inner }) + mm(0.6);
  });
  y += boxHeight + mm(5);

  doc.font(FONT.bold).fontSize(11).fillColor('black');
  doc.text('选房顺序  Selection order', LEFT, y, { width: WIDTH, lineBreak: false });
  y += doc.currentLineHeight(true) + mm(1.5);
  return y;
}

function tableHeader(doc: Pdf, y: number): void {
  doc.save().rect(LEFT, y, WIDTH, ROW_HEIGHT).fill('#222').restore();
  doc.font(FONT.bold).fontSize(8).fillColor('white');
  for (let c = 0; c < COLUMNS; c += 1) {
    const x = LEFT + c * COLUMN_WIDTH;
    doc.text('顺序 No.', x + mm(1.5), y + mm(1.1), { width: mm(13), lineBreak: false });
    doc.text('认筹号 Reg.', x + mm(14), y + mm(1.1), { width: COLUMN_WIDTH - mm(15), lineBreak: false });
  }
  doc.fillColor('black');
}

/** `count` entries from `start`, `rows` per column, filled down then across; zebra rows. */
function table(doc: Pdf, order: string[], start: number, count: number, rows: number, top: number): void {
  for (let r = 0; r < rows; r += 1) {
    if (r % 2 === 1)
      doc
        .save()
        .rect(LEFT, top + r * ROW_HEIGHT, WIDTH, ROW_HEIGHT)
        .fill('#f1f3f5')
        .restore();
  }
  for (let c = 1; c < COLUMNS; c += 1) {
    const x = LEFT + c * COLUMN_WIDTH;
    doc
      .save()
      .moveTo(x, top)
      .lineTo(x, top + rows * ROW_HEIGHT)
      .lineWidth(0.4)
      .stroke('#adb5bd')
      .restore();
  }
  for (let k = 0; k < count; k += 1) {
    const c = Math.floor(k / rows);
    const r = k % rows;
    const x = LEFT + c * COLUMN_WIDTH;
    const y = top + r * ROW_HEIGHT + mm(1);
    const position = start + k + 1;
    doc.font(FONT.regular).fontSize(8.5).fillColor('#444');
    doc.text(String(position), x + mm(1.5), y, { width: mm(10), align: 'right', lineBreak: false });
    doc.font(FONT.bold).fontSize(9.5).fillColor('black');
    doc.text(order[start + k] ?? '', x + mm(14), y - mm(0.2), { width: COLUMN_WIDTH - mm(15), lineBreak: false });
  }
  doc
    .save()
    .rect(LEFT, top - ROW_HEIGHT, WIDTH, (rows + 1) * ROW_HEIGHT)
    .lineWidth(0.6)
    .stroke('#222')
    .restore();
}

function footer(doc: Pdf, draw: LotteryDrawInfo, page: number, pages: number): void {
  doc.font(FONT.regular).fontSize(7).fillColor('#666');
  const left = `${draw.projectName} · ${draw.title} · 名单承诺 list ${draw.listCommitment.slice(0, 16)}…`;
  doc.text(left, LEFT, FOOTER_Y, { width: WIDTH * 0.75, lineBreak: false });
  doc.text(`第 ${page} / ${pages} 页  Page ${page} of ${pages}`, LEFT + WIDTH * 0.75, FOOTER_Y, {
    width: WIDTH * 0.25,
    align: 'right',
    lineBreak: false,
  });
  doc.fillColor('black');
}
