/**
 * What the print-ready reports (销控表 sales control, 价目表 price list, 日报 daily report) share: the
 * envelope every report carries (project, printing time), the footer with the printing time in the
 * project's zone and "第 1 页 共 3 页", readable status labels and how each unit status looks on paper —
 * the board's colour AND a pattern, so a black-and-white copy still tells them apart.
 * Reports are rendered on request and stored nowhere: no document id, version or QR code.
 * Pure: no I/O, no clock.
 */
import { STATUS_COLORS, UNIT_STATUS_LABELS, type Label, type StoredUnitStatus, type UnitStatus } from '@kaipan/shared';
import { formatProjectTime, mm, type Pdf, REHEARSAL_MARK } from './pdf.js';
import { clip, type Flow, hline, INK, put } from './paper.js';

/** Identity of one printed report. */
export interface ReportEnvelope {
  project: {
    name: string;
    nameEn: string;
    /** IANA zone every time is printed in. */
    timezone: string;
    /** A rehearsal's report: 演练 REHEARSAL in the title and across every page (pdf.ts). */
    rehearsal?: boolean;
  };
  /** When it was printed (ISO-8601 UTC): the PDF creation date and the printed time. */
  printedAt: string;
}

/** "2026-12-07 20:15 (Asia/Shanghai)". */
export function printedAtText(env: ReportEnvelope): string {
  return `${formatProjectTime(env.printedAt, env.project.timezone)} (${env.project.timezone})`;
}

/** Footer of a report page: project · report · printed at, and "第 1 页 共 3 页 Page 1 of 3". */
export function reportFooter(flow: Flow, env: ReportEnvelope, label: string, page: number, total: number): void {
  const doc = flow.doc;
  const y = mm(flow.page.heightMm - flow.page.footerMm + 4);
  hline(doc, flow.left, flow.right, y - mm(1.5), { width: 0.4, color: INK.rule });
  put(doc, clip(`${env.project.name} · ${label} · 打印 Printed ${printedAtText(env)}`, 120), flow.left, y, {
    size: 6.5,
    color: INK.muted,
  });
  put(doc, `第 ${page} 页 共 ${total} 页  Page ${page} of ${total}`, flow.right, y, {
    size: 7.5,
    color: INK.text,
    align: 'right',
  });
}

/** 已认购 Subscribed: a unit status in both languages (shared/src/labels.ts). */
export function statusLabel(status: UnitStatus): Label {
  return UNIT_STATUS_LABELS[status];
}

/** Legend and count order of stored statuses (the board's order, without LOCKED: it lives in Redis). */
export const PRINT_STATUS_ORDER: readonly StoredUnitStatus[] = [
  'AVAILABLE',
  'SUBSCRIBED',
  'CONTRACTED',
  'WITHHELD',
  'NOT_RELEASED',
];

/** How a status looks on paper: the board's colour (a bar), a light tint, and a pattern for grey copies. */
interface StatusLook {
  bar: string;
  barInk: string;
  tint: string;
  pattern: 'none' | 'diagonal' | 'cross' | 'dots' | 'horizontal';
  /** Text of the cell (NOT_RELEASED is printed grey). */
  ink: string;
}

export const STATUS_LOOK: Readonly<Record<StoredUnitStatus, StatusLook>> = {
  AVAILABLE: { bar: STATUS_COLORS.AVAILABLE.bg, barInk: '#ffffff', tint: '#ffffff', pattern: 'none', ink: INK.text },
  SUBSCRIBED: {
    bar: STATUS_COLORS.SUBSCRIBED.bg,
    barInk: '#ffffff',
    tint: '#fbe3e3',
    pattern: 'diagonal',
    ink: INK.text,
  },
  CONTRACTED: { bar: STATUS_COLORS.CONTRACTED.bg, barInk: '#ffffff', tint: '#efd6d6', pattern: 'cross', ink: INK.text },
  WITHHELD: {
    bar: STATUS_COLORS.WITHHELD.bg,
    barInk: '#ffffff',
    tint: '#eceef1',
    pattern: 'horizontal',
    ink: INK.text,
  },
  NOT_RELEASED: { bar: '#c9ced4', barInk: '#374151', tint: '#f7f8f9', pattern: 'dots', ink: INK.faint },
};

/**
 * Fills a box with the status's tint and pattern (clipped to the box): diagonal lines for 已认购,
 * cross-hatching for 已签约, horizontal lines for 保留, dots for 未推, plain white for 可售.
 */
export function statusBox(doc: Pdf, status: StoredUnitStatus, x: number, y: number, w: number, h: number): void {
  const look = STATUS_LOOK[status];
  doc.save();
  doc.fillOpacity(0.78).rect(x, y, w, h).fill(look.tint).fillOpacity(1);
  doc.rect(x, y, w, h).clip();
  doc.lineWidth(0.35).strokeColor('#9ca3af').strokeOpacity(0.75);
  const step = mm(2.2);
  if (look.pattern === 'diagonal' || look.pattern === 'cross') {
    for (let d = -h; d < w; d += step)
      doc
        .moveTo(x + d, y + h)
        .lineTo(x + d + h, y)
        .stroke();
  }
  if (look.pattern === 'cross') {
    for (let d = 0; d < w + h; d += step)
      doc
        .moveTo(x + d, y + h)
        .lineTo(x + d - h, y)
        .stroke();
  }
  if (look.pattern === 'horizontal') {
    for (let yy = y + step / 2; yy < y + h; yy += step)
      doc
        .moveTo(x, yy)
        .lineTo(x + w, yy)
        .stroke();
  }
  if (look.pattern === 'dots') {
    doc.fillColor('#b8bec6').fillOpacity(0.8);
    for (let yy = y + step / 2; yy < y + h; yy += step)
      for (let xx = x + step / 2; xx < x + w; xx += step) doc.circle(xx, yy, 0.35).fill();
  }
  doc.restore();
}

/** ¥ in 万元 with two decimals, for a crowded grid: 200.10万 (the XLSX has the exact fen). */
export function wan(fen: number): string {
  return `${(fen / 1_000_000).toFixed(2)}万`;
}

/** 61.5% */
export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/**
 * A rehearsal's mark in the report's header, in red: a full grid or table covers most of the page's
 * watermark (drawn under the content), and a rehearsal's 销控表 must never pass for the real one.
 */
export function rehearsalTag(doc: Pdf, env: ReportEnvelope, right: number, y: number): void {
  if (!env.project.rehearsal) return;
  put(doc, `${REHEARSAL_MARK} · 非真实销售 Not the real sale`, right, y, {
    size: 9,
    bold: true,
    color: INK.red,
    align: 'right',
  });
}
