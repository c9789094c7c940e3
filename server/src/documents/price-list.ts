/**
 * Price list 价目表, A4 landscape: per building, one row per unit — floor, layout, gross and net area,
 * list price per m² of gross area, list price, filed price 备案价 and status — with a subtotal per
 * building and a total; the table header repeats on every page. Pure: data in, PDF bytes out.
 */
import type { StoredUnitStatus } from '@kaipan/shared';
import type { CjkFont } from './fonts.js';
import { drawTable, Flow, formatFen, INK, put, type Row, sectionTitle } from './paper.js';
import { createDocument, mm, toBuffer } from './pdf.js';
import { printedAtText, rehearsalTag, reportFooter, type ReportEnvelope, statusLabel } from './report-paper.js';

export interface PriceListUnit {
  code: string;
  floor: number;
  layout: string;
  grossArea: number;
  netArea: number;
  /** Fen per m² of gross area (list price ÷ gross area, rounded). */
  unitPrice: number;
  listPrice: number;
  /** 备案价; null when not filed. */
  filedPrice: number | null;
  status: StoredUnitStatus;
  /** 批次 name, or null. */
  batch: string | null;
}

export interface PriceListInput extends ReportEnvelope {
  /** What the list covers: 全部 All, a building, a batch. */
  scope: string;
  /** The active price version (价目表版本). */
  priceVersion: number;
  buildings: Array<{ name: string; nameEn: string; units: PriceListUnit[] }>;
  totals: { units: number; grossArea: number; listAmount: number; filedAmount: number };
}

const PAGE = { widthMm: 297, heightMm: 210, marginMm: 10, footerMm: 11 } as const;

const m2 = (v: number): string => v.toFixed(2);

export async function renderPriceList(input: PriceListInput, fonts: CjkFont): Promise<Buffer> {
  const doc = createDocument({
    title: `价目表 Price list · ${input.project.name}`,
    subject: input.project.name,
    rehearsal: input.project.rehearsal,
    createdAt: new Date(input.printedAt),
    fonts,
  });
  const flow = new Flow(doc, PAGE, (f) => {
    put(doc, `${input.project.name} · 价目表 Price list（续 continued）`, f.left, f.top, { size: 8, color: INK.muted });
    return f.top + mm(6);
  });
  flow.newPage();
  put(doc, `${input.project.name} ${input.project.nameEn}`, flow.left, flow.y, { size: 9, color: INK.muted });
  put(doc, '价目表 PRICE LIST', flow.left, flow.y + mm(4.5), { size: 16, bold: true });
  put(
    doc,
    `${input.scope} · 价格版本 Price version v${input.priceVersion} · 打印时间 Printed ${printedAtText(input)}`,
    flow.left,
    flow.y + mm(12.5),
    { size: 8, color: INK.muted },
  );
  rehearsalTag(doc, input, flow.right, flow.y + mm(4.5));
  flow.y += mm(18);

  const fractions = [0.1, 0.06, 0.13, 0.09, 0.09, 0.1, 0.13, 0.13, 0.08, 0.09];
  const scale = flow.width / fractions.reduce((a, b) => a + b, 0);
  const columns = fractions.map((f, i) => ({
    width: f * scale,
    align: i === 0 || i === 2 || i === 8 || i === 9 ? ('left' as const) : ('right' as const),
  }));
  const header = [
    '房号 Unit',
    '楼层 Floor',
    '户型 Layout',
    '建筑面积 Gross m²',
    '套内面积 Net m²',
    '单价 ¥/m²',
    '表价 List price',
    '备案价 Filed price',
    '状态 Status',
    '批次 Batch',
  ];
  for (const b of input.buildings) {
    sectionTitle(
      flow,
      `${b.name}${b.nameEn && b.nameEn !== b.name ? ` ${b.nameEn}` : ''}（${b.units.length} 套 units）`,
      mm(16),
    );
    const rows: Row[] = b.units.map((u) => [
      { text: u.code, bold: true },
      String(u.floor),
      u.layout,
      m2(u.grossArea),
      m2(u.netArea),
      formatFen(u.unitPrice),
      { text: formatFen(u.listPrice), bold: true },
      u.filedPrice === null ? '—' : formatFen(u.filedPrice),
      statusLabel(u.status).zh,
      u.batch ?? '—',
    ]);
    const gross = b.units.reduce((s, u) => s + Math.round(u.grossArea * 100), 0) / 100;
    const list = b.units.reduce((s, u) => s + u.listPrice, 0);
    const filed = b.units.reduce((s, u) => s + (u.filedPrice ?? 0), 0);
    rows.push([
      { text: '小计 Subtotal', bold: true },
      '',
      '',
      { text: m2(gross), bold: true },
      '',
      '',
      { text: formatFen(list), bold: true },
      formatFen(filed),
      '',
      '',
    ]);
    drawTable(flow, { columns, header, rows, size: 8, zebra: true, emphasis: (i) => i === rows.length - 1 });
  }
  sectionTitle(flow, '合计 Total', mm(10));
  drawTable(flow, {
    columns: [
      { width: flow.width / 4 },
      { width: flow.width / 4, align: 'right' },
      { width: flow.width / 4, align: 'right' },
      { width: flow.width / 4, align: 'right' },
    ],
    header: ['套数 Units', '建筑面积 Gross m²', '表价合计 List total', '备案价合计 Filed total'],
    rows: [
      [
        String(input.totals.units),
        m2(input.totals.grossArea),
        formatFen(input.totals.listAmount),
        formatFen(input.totals.filedAmount),
      ],
    ],
    size: 9,
  });
  flow.eachPage((n, total) => reportFooter(flow, input, '价目表 Price list', n, total));
  return toBuffer(doc);
}
