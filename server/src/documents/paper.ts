/**
 * What the verifiable documents (receipt 收据, agreement 认购书, purchase plan 置业计划书, day-end
 * 日结) have in common: the envelope every one carries (its id, version and verification URL), money
 * and label formatting, stamps (COPY 重打 / 作废 VOID), a verification block with the QR code, and
 * a small flowing layout for multi-page A4 documents with "第 1 页 共 3 页" footers.
 * Pure: no I/O, no clock.
 */
import type { Payee } from '@kaipan/shared';
import { drawQr, FONT, formatProjectTime, mm, type Pdf, qrQuietZone } from './pdf.js';

/** Identity of one rendering: what /verify/<documentId> checks. */
export interface DocumentEnvelope {
  /** Document id: printed, and encoded in the QR code's URL. */
  documentId: string;
  /** 1, 2, … per (kind, record, paper). */
  version: number;
  /** Absolute URL of the public verification page, `${origin}/verify/${documentId}`. */
  verifyUrl: string;
  /** When this version was rendered (ISO-8601 UTC): the PDF creation date and the printed "generated" time. */
  renderedAt: string;
  /** The record was voided / cancelled: every page carries a 作废 VOID stamp. */
  voided: boolean;
  /**
   * A sample 样本 (the terms page's preview): stored nowhere and verifiable nowhere. The A4
   * renderers stamp every page 样本 SAMPLE, the verification block draws no QR code and the footer
   * prints no document id. Absent = a real document (output unchanged).
   */
  sample?: boolean;
  project: {
    name: string;
    nameEn: string;
    /** IANA zone dates and times are printed in. */
    timezone: string;
    /** The payee company 收款单位 printed on receipts and the 认购书 (absent or null: not entered yet). */
    payee?: Payee | null;
    /** A rehearsal's document: 演练 REHEARSAL in the title and across every page (pdf.ts). */
    rehearsal?: boolean;
  };
}

// ── Text of money and codes ─────────────────────────────────────────────────────────────────────

export { formatFen, formatM2 } from './format.js';

// ── Drawing primitives (never let pdfkit paginate on its own) ───────────────────────────────────

export interface Style {
  size: number;
  bold?: boolean;
  color?: string;
  /** Extra points between wrapped lines. */
  lineGap?: number;
  characterSpacing?: number;
}

function apply(doc: Pdf, style: Style): Pdf {
  return doc
    .font(style.bold ? FONT.bold : FONT.regular)
    .fontSize(style.size)
    .fillColor(style.color ?? 'black');
}

/**
 * One line at (x, y), never wrapped: `align` places it against x (left), centred on x (center) or
 * ending at x (right). Without a width pdfkit draws no line wrapper, so it can never add a page.
 */
export function put(
  doc: Pdf,
  text: string,
  x: number,
  y: number,
  style: Style & { align?: 'left' | 'center' | 'right' },
): number {
  apply(doc, style);
  const spacing = style.characterSpacing ?? 0;
  const w = doc.widthOfString(text, { characterSpacing: spacing });
  const left = style.align === 'right' ? x - w : style.align === 'center' ? x - w / 2 : x;
  doc.text(text, left, y, { lineBreak: false, characterSpacing: spacing });
  return w;
}

/** Height wrapped text of `width` takes with `style`. */
export function measure(doc: Pdf, text: string, width: number, style: Style): number {
  // Font and size only: measuring happens before a roll page exists, and colour needs a page.
  doc.font(style.bold ? FONT.bold : FONT.regular).fontSize(style.size);
  return doc.heightOfString(text, {
    width,
    lineGap: style.lineGap ?? 0,
    characterSpacing: style.characterSpacing ?? 0,
  });
}

/**
 * Wrapped text in a box of `width`; returns its height. The box height is given to pdfkit, so text
 * that would not fit is cut instead of spilling onto a page pdfkit adds by itself (callers measure
 * and paginate first).
 */
export function write(
  doc: Pdf,
  text: string,
  x: number,
  y: number,
  width: number,
  style: Style & { align?: 'left' | 'center' | 'right' },
): number {
  const height = measure(doc, text, width, style);
  apply(doc, style);
  doc.text(text, x, y, {
    width,
    height: height + 2,
    align: style.align ?? 'left',
    lineGap: style.lineGap ?? 0,
    characterSpacing: style.characterSpacing ?? 0,
  });
  return height;
}

/** Widest of the strings at `style`. */
export function widest(doc: Pdf, texts: string[], style: Style): number {
  doc.font(style.bold ? FONT.bold : FONT.regular).fontSize(style.size);
  return texts.reduce((max, t) => Math.max(max, doc.widthOfString(t)), 0);
}

export function hline(
  doc: Pdf,
  x1: number,
  x2: number,
  y: number,
  opts: { width?: number; color?: string; dash?: boolean } = {},
): void {
  doc
    .save()
    .moveTo(x1, y)
    .lineTo(x2, y)
    .lineWidth(opts.width ?? 0.6);
  if (opts.dash) doc.dash(2, { space: 2 });
  doc.stroke(opts.color ?? '#333');
  if (opts.dash) doc.undash();
  doc.restore();
}

export const INK = {
  text: '#111111',
  muted: '#555555',
  faint: '#8a8a8a',
  rule: '#9a9a9a',
  fill: '#f1f3f5',
  head: '#23272b',
  red: '#c0262d',
  blue: '#1d4ed8',
  /** Neutral ink of the 样本 SAMPLE stamp. */
  slate: '#4b5563',
} as const;

/**
 * A rubber stamp: text lines in a double-bordered box, rotated by `angle` degrees around (cx, cy),
 * drawn over the content with some transparency so the content stays readable under it.
 */
export function drawStamp(
  doc: Pdf,
  opts: {
    cx: number;
    cy: number;
    lines: Array<{ text: string; size: number }>;
    color: string;
    angle?: number;
    opacity?: number;
    pad?: number;
  },
): void {
  const pad = opts.pad ?? mm(3);
  const heights = opts.lines.map((l) => {
    doc.font(FONT.bold).fontSize(l.size);
    return doc.currentLineHeight(true) * 0.92;
  });
  const widths = opts.lines.map((l) => {
    doc.font(FONT.bold).fontSize(l.size);
    return doc.widthOfString(l.text);
  });
  const w = Math.max(...widths) + 2 * pad;
  const h = heights.reduce((a, b) => a + b, 0) + 2 * pad;
  doc.save();
  doc.rotate(opts.angle ?? -14, { origin: [opts.cx, opts.cy] });
  doc.opacity(opts.opacity ?? 0.82);
  const x = opts.cx - w / 2;
  const y = opts.cy - h / 2;
  doc
    .lineWidth(Math.max(1.5, opts.lines[0]!.size / 12))
    .roundedRect(x, y, w, h, mm(2))
    .stroke(opts.color);
  const inset = mm(1);
  doc
    .lineWidth(0.8)
    .roundedRect(x + inset, y + inset, w - 2 * inset, h - 2 * inset, mm(1.5))
    .stroke(opts.color);
  let ty = y + pad;
  opts.lines.forEach((l, i) => {
    doc.font(FONT.bold).fontSize(l.size).fillColor(opts.color);
    // Ideographs sit low in the CJK line box: lift each line a little so the box looks centred.
    doc.text(l.text, opts.cx - widths[i]! / 2, ty - heights[i]! * 0.06, { lineBreak: false });
    ty += heights[i]!;
  });
  doc.restore();
}

/** The 作废 VOID stamp: big, red, across the middle of the area. */
export function voidStamp(doc: Pdf, cx: number, cy: number, scale = 1, reason?: string | null): void {
  drawStamp(doc, {
    cx,
    cy,
    color: INK.red,
    angle: -18,
    lines: [
      { text: '作废  VOID', size: 46 * scale },
      ...(reason ? [{ text: clip(`原因 Reason: ${reason}`, 40), size: 10 * scale }] : []),
    ],
  });
}

/** The 样本 SAMPLE stamp of a preview: as big as 作废 VOID, in a neutral ink, with what it is not. */
export function sampleStamp(
  doc: Pdf,
  cx: number,
  cy: number,
  scale = 1,
  note = '不作为凭证 · Not a valid document',
): void {
  drawStamp(doc, {
    cx,
    cy,
    color: INK.slate,
    angle: -18,
    opacity: 0.45,
    lines: [
      { text: '样本  SAMPLE', size: 40 * scale },
      { text: note, size: 10 * scale },
    ],
  });
}

/** The reprint stamp: COPY 重打 第N次打印. */
export function copyStamp(doc: Pdf, cx: number, cy: number, printNo: number, scale = 1): void {
  drawStamp(doc, {
    cx,
    cy,
    color: INK.blue,
    angle: -10,
    lines: [
      { text: 'COPY  重打', size: 22 * scale },
      { text: `第${printNo}次打印 Print #${printNo}`, size: 9 * scale },
    ],
  });
}

export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The QR code to /verify/<id> with its caption below; `size` is the symbol without quiet zone.
 * Returns the total height used (quiet zone + symbol + caption).
 */
export function verifyBlock(
  doc: Pdf,
  env: DocumentEnvelope,
  x: number,
  y: number,
  size: number,
  captionSize = 6.5,
): number {
  if (env.sample) return sampleVerifyBlock(doc, x, y, size, captionSize);
  const quiet = qrQuietZone(env.verifyUrl, size);
  drawQr(doc, env.verifyUrl, x, y + quiet / 2, size);
  let cy = y + size + quiet / 2 + mm(1);
  const cx = x + size / 2;
  put(doc, '扫码验真 Scan to verify', cx, cy, { size: captionSize + 0.5, bold: true, align: 'center' });
  cy += (captionSize + 0.5) * 1.45;
  put(doc, `v${env.version} · ${env.documentId.slice(0, 8)}`, cx, cy, {
    size: captionSize,
    color: INK.muted,
    align: 'center',
  });
  cy += captionSize * 1.45;
  return cy - y;
}

/** A sample's stand-in for the QR code: a dashed box saying there is nothing to verify; same height. */
function sampleVerifyBlock(doc: Pdf, x: number, y: number, size: number, captionSize: number): number {
  const quiet = mm(2);
  const top = y + quiet / 2;
  const cx = x + size / 2;
  doc
    .save()
    .lineWidth(0.8)
    .dash(3, { space: 2 })
    .roundedRect(x, top, size, size, mm(1.5))
    .stroke(INK.slate)
    .undash()
    .restore();
  const lines: Array<[string, number, boolean]> = [
    ['样本文件', size / 7.5, true],
    ['无核验码', size / 7.5, true],
    ['Sample — no', size / 11, false],
    ['verification code', size / 11, false],
  ];
  const total = lines.reduce((h, [, s]) => h + s * 1.3, 0);
  let ty = top + (size - total) / 2;
  for (const [text, s, bold] of lines) {
    put(doc, text, cx, ty, { size: s, bold, color: INK.slate, align: 'center' });
    ty += s * 1.3;
  }
  let cy = top + size + quiet / 2 + mm(1);
  put(doc, '不可验真 Not verifiable', cx, cy, { size: captionSize + 0.5, bold: true, align: 'center' });
  cy += (captionSize + 0.5) * 1.45;
  put(doc, '样本 SAMPLE', cx, cy, { size: captionSize, color: INK.muted, align: 'center' });
  cy += captionSize * 1.45;
  return cy - y;
}

// ── Flowing A4 layout ───────────────────────────────────────────────────────────────────────────

export interface FlowPage {
  widthMm: number;
  heightMm: number;
  /** Left, right and top margin. */
  marginMm: number;
  /** Space kept free at the bottom for the footer. */
  footerMm: number;
}

/**
 * A cursor running down pages: `need(h)` starts a new page when h points do not fit. Pages are
 * buffered so footers ("第 1 页 共 3 页") and stamps are drawn over them at the end.
 */
export class Flow {
  y = 0;
  pages = 0;
  readonly left: number;
  readonly width: number;
  readonly top: number;
  readonly bottom: number;

  constructor(
    readonly doc: Pdf,
    readonly page: FlowPage,
    /** Draws the running header of a continuation page (page index ≥ 2); returns where content starts. */
    private readonly continuation?: (flow: Flow) => number,
  ) {
    // Footers are written after layout, so every page stays in memory until the end.
    doc.options.bufferPages = true;
    this.left = mm(page.marginMm);
    this.width = mm(page.widthMm - 2 * page.marginMm);
    this.top = mm(page.marginMm);
    this.bottom = mm(page.heightMm - page.footerMm);
  }

  get right(): number {
    return this.left + this.width;
  }

  newPage(): void {
    // Margin 0: pdfkit's own page breaking never triggers; the flow decides.
    this.doc.addPage({ size: [mm(this.page.widthMm), mm(this.page.heightMm)], margin: 0 });
    this.pages += 1;
    this.y = this.top;
    if (this.pages > 1 && this.continuation) this.y = this.continuation(this);
  }

  /** Room left on this page, points. */
  get room(): number {
    return this.bottom - this.y;
  }

  need(height: number): void {
    if (this.pages === 0 || this.y + height > this.bottom) this.newPage();
  }

  /** Visit every page (1-based index, total) to draw footers and stamps. */
  eachPage(draw: (page: number, total: number) => void): void {
    const range = this.doc.bufferedPageRange();
    for (let i = 0; i < range.count; i += 1) {
      this.doc.switchToPage(range.start + i);
      draw(i + 1, range.count);
    }
  }
}

/**
 * The standard footer: left the project and document, right "第 1 页 共 3 页 Page 1 of 3", and a
 * hairline above. Drawn inside the bottom band the flow kept free.
 */
export function drawFooter(flow: Flow, env: DocumentEnvelope, label: string, page: number, total: number): void {
  const doc = flow.doc;
  const y = mm(flow.page.heightMm - flow.page.footerMm + 4);
  hline(doc, flow.left, flow.right, y - mm(1.5), { width: 0.4, color: INK.rule });
  const generated = formatProjectTime(env.renderedAt, env.project.timezone);
  const identity = env.sample ? '样本 SAMPLE · 不可验真 not verifiable' : `v${env.version} · ${env.documentId}`;
  put(doc, clip(`${env.project.name} · ${label} · ${identity} · 生成 ${generated}`, 110), flow.left, y, {
    size: 6.5,
    color: INK.muted,
  });
  put(doc, `第 ${page} 页 共 ${total} 页  Page ${page} of ${total}`, flow.right, y, {
    size: 7.5,
    color: INK.text,
    align: 'right',
  });
}

// ── Tables ──────────────────────────────────────────────────────────────────────────────────────

export interface Column {
  /** Points. */
  width: number;
  align?: 'left' | 'center' | 'right';
}

export interface Cell {
  text: string;
  bold?: boolean;
  size?: number;
  color?: string;
  /** Second, smaller line under the text (e.g. the English term, the amount in capitals). */
  sub?: string;
}

export type Row = Array<string | Cell>;

export interface TableSpec {
  columns: Column[];
  header?: string[];
  rows: Row[];
  /** Body text size, pt. Default 9. */
  size?: number;
  /** Shade every other row. */
  zebra?: boolean;
  /** Rows to shade (e.g. totals). */
  emphasis?: (rowIndex: number) => boolean;
  /** Left edge, points (default the flow's left margin): two short tables can stand side by side. */
  x?: number;
}

const asCell = (c: string | Cell): Cell => (typeof c === 'string' ? { text: c } : c);
const CELL_PAD_X = mm(1.8);
const CELL_PAD_Y = mm(1.3);

/**
 * Joins words with `separator` for a table cell of `columnWidth`, breaking lines only between words:
 * pdfkit may break Chinese text between any two characters, so "微信支付+银行卡" in a narrow column
 * would print 银行 on one line and 卡 on the next.
 */
export function unbrokenWords(
  doc: Pdf,
  words: readonly string[],
  separator: string,
  columnWidth: number,
  style: Style,
): string {
  doc.font(style.bold ? FONT.bold : FONT.regular).fontSize(style.size);
  const room = columnWidth - 2 * CELL_PAD_X;
  const lines: string[] = [];
  words.forEach((word, i) => {
    const last = lines.length - 1;
    const joined = last >= 0 ? `${lines[last]}${separator}${word}` : word;
    // A line that goes on ends with the separator: it has to fit too.
    const trailing = i < words.length - 1 ? separator : '';
    if (last >= 0 && doc.widthOfString(joined + trailing) <= room) lines[last] = joined;
    else if (last >= 0) {
      lines[last] += separator;
      lines.push(word);
    } else lines.push(word);
  });
  return lines.join('\n');
}

function rowHeight(doc: Pdf, spec: TableSpec, row: Row): number {
  let h = 0;
  row.forEach((raw, i) => {
    const c = asCell(raw);
    const w = spec.columns[i]!.width - 2 * CELL_PAD_X;
    let ch = measure(doc, c.text || ' ', w, { size: c.size ?? spec.size ?? 9, bold: c.bold ?? false });
    if (c.sub) ch += measure(doc, c.sub, w, { size: (c.size ?? spec.size ?? 9) - 1.8 }) + 1;
    h = Math.max(h, ch);
  });
  return h + 2 * CELL_PAD_Y;
}

function drawRow(doc: Pdf, spec: TableSpec, row: Row, x: number, y: number, h: number): void {
  let cx = x;
  row.forEach((raw, i) => {
    const c = asCell(raw);
    const col = spec.columns[i]!;
    const w = col.width - 2 * CELL_PAD_X;
    const size = c.size ?? spec.size ?? 9;
    const used = write(doc, c.text, cx + CELL_PAD_X, y + CELL_PAD_Y, w, {
      size,
      bold: c.bold ?? false,
      color: c.color ?? INK.text,
      align: col.align ?? 'left',
    });
    if (c.sub)
      write(doc, c.sub, cx + CELL_PAD_X, y + CELL_PAD_Y + used + 1, w, {
        size: size - 1.8,
        color: INK.muted,
        align: col.align ?? 'left',
      });
    cx += col.width;
  });
  void h;
}

function drawHeader(doc: Pdf, spec: TableSpec, x: number, y: number, width: number): number {
  if (!spec.header) return 0;
  const size = (spec.size ?? 9) - 0.5;
  const h = rowHeight(
    doc,
    { ...spec, size },
    spec.header.map((t) => ({ text: t, bold: true })),
  );
  doc.save().rect(x, y, width, h).fill(INK.head).restore();
  let cx = x;
  spec.header.forEach((t, i) => {
    const col = spec.columns[i]!;
    write(doc, t, cx + CELL_PAD_X, y + CELL_PAD_Y, col.width - 2 * CELL_PAD_X, {
      size,
      bold: true,
      color: 'white',
      align: col.align ?? 'left',
    });
    cx += col.width;
  });
  return h;
}

/** Height a table takes when it does not break across pages. */
export function tableHeight(flow: Flow, spec: TableSpec): number {
  const header = spec.header
    ? rowHeight(
        flow.doc,
        { ...spec, size: (spec.size ?? 9) - 0.5 },
        spec.header.map((t) => ({ text: t, bold: true })),
      )
    : 0;
  return spec.rows.reduce((h, r) => h + rowHeight(flow.doc, spec, r), header);
}

/**
 * Draws a table at the flow's cursor, breaking between rows (never inside one) and repeating the
 * header on each new page; the header always stays with the first row.
 */
export function drawTable(flow: Flow, spec: TableSpec): void {
  const doc = flow.doc;
  const width = spec.columns.reduce((s, c) => s + c.width, 0);
  const x = spec.x ?? flow.left;
  const heights = spec.rows.map((r) => rowHeight(doc, spec, r));
  const headerHeight = spec.header
    ? rowHeight(
        doc,
        { ...spec, size: (spec.size ?? 9) - 0.5 },
        spec.header.map((t) => ({ text: t, bold: true })),
      )
    : 0;
  flow.need(headerHeight + (heights[0] ?? 0));
  let segmentTop = flow.y;
  flow.y += drawHeader(doc, spec, x, flow.y, width);
  const closeSegment = (): void => {
    doc
      .save()
      .rect(x, segmentTop, width, flow.y - segmentTop)
      .lineWidth(0.6)
      .stroke(INK.head)
      .restore();
  };
  spec.rows.forEach((row, i) => {
    const h = heights[i]!;
    if (flow.y + h > flow.bottom) {
      closeSegment();
      flow.newPage();
      segmentTop = flow.y;
      flow.y += drawHeader(doc, spec, x, flow.y, width);
    }
    if (spec.emphasis?.(i)) doc.save().rect(x, flow.y, width, h).fill('#e7ebef').restore();
    else if (spec.zebra && i % 2 === 1) doc.save().rect(x, flow.y, width, h).fill(INK.fill).restore();
    if (i > 0 || !spec.header) hline(doc, x, x + width, flow.y, { width: 0.3, color: '#c4c9ce' });
    drawRow(doc, spec, row, x, flow.y, h);
    flow.y += h;
  });
  closeSegment();
}

/** A section title (一、当事人 Parties) kept on the same page as `keep` points after it. */
export function sectionTitle(flow: Flow, text: string, keep = mm(12)): void {
  const size = 11;
  const h = measure(flow.doc, text, flow.width, { size, bold: true });
  flow.need(h + mm(3) + keep);
  flow.y += mm(2.5);
  flow.doc
    .save()
    .rect(flow.left, flow.y + 1, mm(1.2), h - 2)
    .fill(INK.head)
    .restore();
  write(flow.doc, text, flow.left + mm(3), flow.y, flow.width - mm(3), { size, bold: true });
  flow.y += h + mm(1.8);
}

/** Label/value pairs in `columns` columns (facts of a unit, of a day). */
export function factGrid(flow: Flow, facts: Array<[string, string]>, columns = 2, size = 9): void {
  const doc = flow.doc;
  const colWidth = flow.width / columns;
  const labelWidth = Math.min(
    colWidth * 0.48,
    widest(
      doc,
      facts.map(([l]) => l),
      { size: size - 1 },
    ) + mm(3),
  );
  for (let i = 0; i < facts.length; i += columns) {
    const slice = facts.slice(i, i + columns);
    const h =
      Math.max(
        ...slice.map(([l, v]) =>
          Math.max(
            measure(doc, l, labelWidth, { size: size - 1 }),
            measure(doc, v, colWidth - labelWidth - mm(2), { size, bold: true }),
          ),
        ),
      ) + mm(1.6);
    flow.need(h);
    slice.forEach(([l, v], k) => {
      const x = flow.left + k * colWidth;
      write(doc, l, x, flow.y + 0.8, labelWidth, { size: size - 1, color: INK.muted });
      write(doc, v, x + labelWidth, flow.y, colWidth - labelWidth - mm(2), { size, bold: true });
    });
    hline(doc, flow.left, flow.right, flow.y + h - mm(0.6), { width: 0.25, color: '#d5d9dd' });
    flow.y += h;
  }
}

/** Signature lines: label above a line to sign on, `columns` across. */
export function signatureBlock(flow: Flow, labels: string[], columns = 2): void {
  const doc = flow.doc;
  const gap = mm(10);
  const colWidth = (flow.width - gap * (columns - 1)) / columns;
  const rowH = mm(22);
  const rows = Math.ceil(labels.length / columns);
  flow.need(rows * rowH + mm(2));
  for (let r = 0; r < rows; r += 1) {
    labels.slice(r * columns, r * columns + columns).forEach((label, k) => {
      const x = flow.left + k * (colWidth + gap);
      write(doc, label, x, flow.y, colWidth, { size: 9, bold: true });
      hline(doc, x, x + colWidth, flow.y + mm(14), { width: 0.7, color: '#222' });
      put(doc, '日期 Date:        年      月      日', x, flow.y + mm(16), { size: 7.5, color: INK.muted });
    });
    flow.y += rowH;
  }
}
