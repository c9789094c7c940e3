/**
 * Purchase plan 置业计划书, A4 portrait: a consultant's quote for one unit with each payment plan
 * side by side — discounts applied, final price, deposit, down payment / loan / installments with
 * their dates, total — marked 仅供参考 "for reference only, valid until …", with the consultant and
 * the QR code to /verify/<id>. Pure: data in, PDF bytes out (creation date = renderedAt).
 */
import { amountInCapitals, type PlanKind, type ScheduleItem } from '@kaipan/shared';
import type { CjkFont } from './fonts.js';
import { createDocument, mm, toBuffer } from './pdf.js';
import {
  type Cell,
  type DocumentEnvelope,
  drawFooter,
  drawTable,
  factGrid,
  Flow,
  formatFen,
  formatM2,
  INK,
  measure,
  put,
  type Row,
  sampleStamp,
  verifyBlock,
  voidStamp,
  write,
} from './paper.js';

export interface PurchasePlanStep {
  code: string;
  name: string;
  nameEn: string;
  /** Fen taken off by this discount. */
  off: number;
}

export type PurchasePlanColumn = {
  plan: { code: string; name: string; nameEn: string; kind: PlanKind };
} & (
  | {
      ok: true;
      steps: PurchasePlanStep[];
      /** Fen the cap added back (≥ 0). */
      capOff: number;
      /** Fen the rounding took off (may be negative). */
      roundingOff: number;
      finalPrice: number;
      /** Needs a manager's approval (below the floor price); the floor itself is never printed. */
      needsApproval: boolean;
      schedule: ScheduleItem[];
    }
  | { ok: false; reason: string }
);

export interface PurchasePlanDocumentInput extends DocumentEnvelope {
  unit: {
    building: string;
    floor: number;
    code: string;
    layout: string;
    layoutName: string;
    grossArea: number;
    netArea: number;
    orientation: string;
    /** Fen. */
    listPrice: number;
  };
  /** The day of the quote, YYYY-MM-DD in the project's zone (day 0 of every schedule). */
  quotedOn: string;
  /** Last day the quote holds, YYYY-MM-DD. */
  validUntil: string;
  consultant: string;
  columns: PurchasePlanColumn[];
}

const PAGE = { widthMm: 210, heightMm: 297, marginMm: 14, footerMm: 13 } as const;

export async function renderPurchasePlan(input: PurchasePlanDocumentInput, fonts: CjkFont): Promise<Buffer> {
  const doc = createDocument({
    title: `置业计划书 Purchase plan ${input.unit.code}`,
    subject: input.project.name,
    rehearsal: input.project.rehearsal,
    createdAt: new Date(input.renderedAt),
    fonts,
  });
  const flow = new Flow(doc, PAGE, (f) => {
    put(doc, `${input.project.name} · 置业计划书 ${input.unit.code}（续 continued）`, f.left, f.top, {
      size: 8,
      color: INK.muted,
    });
    return f.top + mm(7);
  });
  flow.newPage();

  // Header with the QR code on the right.
  const top = flow.y;
  const qrSize = mm(24);
  put(doc, input.project.name, flow.left, top, { size: 11, bold: true, color: INK.muted });
  put(doc, input.project.nameEn, flow.left, top + mm(5.5), { size: 8, color: INK.muted });
  put(doc, '置业计划书', flow.left, top + mm(11.5), { size: 22, bold: true });
  put(doc, 'PURCHASE PLAN', flow.left, top + mm(21.5), { size: 9, characterSpacing: 2.5, color: INK.muted });
  put(
    doc,
    `房号 Unit ${input.unit.code}    报价日 Quoted ${input.quotedOn}    有效期至 Valid until ${input.validUntil}`,
    flow.left,
    top + mm(28),
    {
      size: 9.5,
      bold: true,
    },
  );
  const used = verifyBlock(doc, input, flow.right - qrSize, top - mm(1.5), qrSize, 6.3);
  flow.y = Math.max(top + mm(34), top + used) + mm(1);
  doc.save().rect(flow.left, flow.y, flow.width, 1.4).fill(INK.head).restore();
  flow.y += mm(3);

  const u = input.unit;
  factGrid(
    flow,
    [
      ['楼栋 Building', u.building],
      ['楼层 Floor', `${u.floor} 层 F${u.floor}`],
      ['户型 Layout', `${u.layoutName}（${u.layout}）`],
      ['朝向 Orientation', u.orientation],
      ['建筑面积 Gross area', formatM2(u.grossArea)],
      ['套内面积 Net area', formatM2(u.netArea)],
      ['表价 List price', formatFen(u.listPrice)],
      ['表价单价 List / m²', u.grossArea > 0 ? formatFen(Math.round(u.listPrice / u.grossArea)) : '—'],
    ],
    2,
  );
  flow.y += mm(4);

  comparison(flow, input);

  // Notes and consultant.
  const notes = [
    `仅供参考 For reference only. 本计划书有效期至 ${input.validUntil}，价格、优惠及付款方式以签订认购书时的价目表和政策为准。Prices, discounts and plans are those in force when the subscription agreement is signed; this quote is valid until ${input.validUntil}.`,
    "按揭贷款金额、利率及期限以银行审批为准；身份类优惠须核验证明。Loan amount, rate and term are subject to the bank's approval; identity discounts require proof.",
    '付款日期按报价日计算，签约后以认购书所列日期为准。Due dates count from the quote day; after signing, the dates in the agreement apply.',
  ];
  const noteSize = 7.4;
  const pad = mm(3);
  const inner = flow.width - 2 * pad;
  const boxH =
    notes.reduce((h, n) => h + measure(doc, n, inner, { size: noteSize, lineGap: 1 }) + mm(1.2), 0) + 2 * pad - mm(1.2);
  flow.need(boxH + mm(13));
  flow.y += mm(4);
  doc.save().roundedRect(flow.left, flow.y, flow.width, boxH, mm(1.5)).fill('#fff6e0').restore();
  doc.save().roundedRect(flow.left, flow.y, flow.width, boxH, mm(1.5)).lineWidth(0.6).stroke('#d9a400').restore();
  let ny = flow.y + pad;
  notes.forEach((n, i) => {
    ny += write(doc, n, flow.left + pad, ny, inner, { size: noteSize, lineGap: 1, bold: i === 0 }) + mm(1.2);
  });
  flow.y += boxH + mm(6);
  put(doc, `置业顾问 Consultant：${input.consultant}`, flow.left, flow.y, { size: 10, bold: true });
  put(doc, '客户签收 Received by: ______________', flow.right, flow.y, { size: 9.5, align: 'right' });
  flow.y += mm(8);

  flow.eachPage((page, total) => {
    drawFooter(flow, input, `置业计划书 ${input.unit.code} · ${input.quotedOn}`, page, total);
    if (input.voided) voidStamp(doc, mm(PAGE.widthMm / 2), mm(PAGE.heightMm / 2), 1.5);
    if (input.sample) sampleStamp(doc, mm(PAGE.widthMm / 2), mm(PAGE.heightMm / 2), 1.5);
  });
  return toBuffer(doc);
}

function comparison(flow: Flow, input: PurchasePlanDocumentInput): void {
  const cols = input.columns;
  const labelWidth = mm(34);
  const colWidth = (flow.width - labelWidth) / Math.max(1, cols.length);
  const size = cols.length >= 4 ? 8 : 8.8;
  const na = (): Cell => ({ text: '—', color: INK.faint });
  const cell = (f: (c: Extract<PurchasePlanColumn, { ok: true }>) => Cell): Cell[] =>
    cols.map((c) => (c.ok ? f(c) : na()));

  const byKind = (c: Extract<PurchasePlanColumn, { ok: true }>, kinds: ScheduleItem['kind'][]): ScheduleItem[] =>
    c.schedule.filter((s) => kinds.includes(s.kind));
  const money = (items: ScheduleItem[], withDate = true): Cell =>
    items.length === 0
      ? na()
      : {
          text: formatFen(items.reduce((s, i) => s + i.amount, 0)),
          bold: true,
          ...(withDate
            ? {
                sub: items
                  .map((i) => i.dueDate)
                  .filter((d, k, a) => a.indexOf(d) === k)
                  .join(' / '),
              }
            : {}),
        };

  const rows: Row[] = [
    [
      { text: '优惠 Discounts', sub: 'applied in order' },
      ...cols.map((c): Cell => {
        if (!c.ok) return { text: '不适用 Not applicable', bold: true, color: INK.red, sub: c.reason };
        const lines = c.steps.map((s) => `${s.name}  −${formatFen(s.off)}`);
        if (c.capOff !== 0) lines.push(`封顶调整 Cap  +${formatFen(c.capOff)}`);
        if (c.roundingOff !== 0)
          lines.push(`取整 Rounding  ${c.roundingOff > 0 ? '−' : '+'}${formatFen(Math.abs(c.roundingOff))}`);
        return lines.length ? { text: lines.join('\n'), size: size - 1 } : { text: '无 None', color: INK.muted };
      }),
    ],
    [
      { text: '成交总价 Final price', bold: true },
      ...cell((c) => ({
        text: formatFen(c.finalPrice),
        bold: true,
        size: size + 2,
        sub: `${amountInCapitals(c.finalPrice)}${c.needsApproval ? '\n须经理审批 Needs approval' : ''}`,
      })),
    ],
    [
      '优惠合计 Total off',
      ...cell((c) => ({
        text: `−${formatFen(input.unit.listPrice - c.finalPrice)}`,
        sub: `${(((input.unit.listPrice - c.finalPrice) / Math.max(1, input.unit.listPrice)) * 100).toFixed(2)}%`,
      })),
    ],
    [
      '单价 Price / m²',
      ...cell((c) => ({
        text: input.unit.grossArea > 0 ? formatFen(Math.round(c.finalPrice / input.unit.grossArea)) : '—',
      })),
    ],
    ['定金 Deposit', ...cell((c) => money(byKind(c, ['DEPOSIT'])))],
    [
      { text: '首付 / 首期 Down payment', sub: '含定金 incl. deposit' },
      ...cell((c) =>
        c.plan.kind === 'MORTGAGE'
          ? money(byKind(c, ['DEPOSIT', 'DOWN_PAYMENT']))
          : c.plan.kind === 'INSTALLMENTS'
            ? money(c.schedule.slice(0, 2))
            : na(),
      ),
    ],
    [
      '按揭贷款 Loan',
      ...cell((c) => {
        const loan = byKind(c, ['LOAN']);
        if (loan.length === 0) return na();
        const m = money(loan);
        return { ...m, sub: [m.sub, loan[0]?.note].filter(Boolean).join('\n') };
      }),
    ],
    [
      { text: '付款计划 Schedule', sub: '金额 · 日期 amount · due' },
      ...cell((c) => ({
        text: c.schedule
          .map((s) => `${s.label}\n${formatFen(s.amount)}${cols.length >= 4 ? '\n' : ' · '}${s.dueDate}`)
          .join('\n'),
        size: size - 0.6,
      })),
    ],
    [
      { text: '合计 Total', bold: true },
      ...cell((c) => ({ text: formatFen(c.schedule.reduce((s, i) => s + i.amount, 0)), bold: true })),
    ],
  ];
  const totalRow = rows.length - 1;
  const finalRow = 1;
  drawTable(flow, {
    columns: [{ width: labelWidth }, ...cols.map(() => ({ width: colWidth, align: 'right' as const }))],
    header: ['方案 Plan', ...cols.map((c) => `${c.plan.name}\n${c.plan.nameEn}`)],
    rows,
    size,
    emphasis: (i) => i === totalRow || i === finalRow,
  });
}
