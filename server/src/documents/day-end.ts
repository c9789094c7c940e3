/**
 * Day-end 日结 of one cashier and business day, A4 portrait: cashier, date, totals by kind and by
 * method, the net, receipts issued / voided with the first and last number, every payment of the
 * day (continued over as many pages as needed), closed at / by, signature lines and the QR code to
 * /verify/<id>. Pure: data in, PDF bytes out (creation date = renderedAt).
 */
import {
  amountInCapitals,
  bilingual,
  PAYMENT_KIND_LABELS,
  PAYMENT_KINDS,
  PAYMENT_METHOD_LABELS,
  PAYMENT_STATUS_LABELS,
  type DayEndTotals,
  type PaymentKind,
  type PaymentMethod,
  type PaymentStatus,
} from '@kaipan/shared';
import type { CjkFont } from './fonts.js';
import { createDocument, formatProjectTime, mm, toBuffer } from './pdf.js';
import {
  type Cell,
  type DocumentEnvelope,
  drawFooter,
  drawTable,
  factGrid,
  Flow,
  formatFen,
  INK,
  put,
  type Row,
  unbrokenWords,
  sectionTitle,
  signatureBlock,
  tableHeight,
  type TableSpec,
  sampleStamp,
  verifyBlock,
  voidStamp,
  write,
} from './paper.js';

export interface DayEndPaymentRow {
  /** When it was recorded, ISO-8601 UTC. */
  at: string;
  /** Receipt number, or null (a conversion issues none). */
  receipt: string | null;
  kind: PaymentKind;
  status: PaymentStatus;
  payer: string;
  /** Unit code or registration number. */
  reference: string | null;
  methods: PaymentMethod[];
  /** Fen (refunds are money out but printed positive with the 退款 kind). */
  amount: number;
}

export interface DayEndDocumentInput extends DocumentEnvelope {
  totals: DayEndTotals;
  /** The day's payments in the order they were recorded. */
  payments: DayEndPaymentRow[];
}

const PAGE = { widthMm: 210, heightMm: 297, marginMm: 14, footerMm: 13 } as const;
const METHOD_ORDER: PaymentMethod[] = ['CASH', 'BANK_CARD', 'TRANSFER', 'WECHAT', 'ALIPAY', 'CHEQUE', 'CONVERSION'];

export async function renderDayEnd(input: DayEndDocumentInput, fonts: CjkFont): Promise<Buffer> {
  const t = input.totals;
  const tz = input.project.timezone;
  const doc = createDocument({
    title: `日结 Day-end ${t.businessDate} ${t.cashier}`,
    subject: input.project.name,
    rehearsal: input.project.rehearsal,
    createdAt: new Date(input.renderedAt),
    fonts,
  });
  const flow = new Flow(doc, PAGE, (f) => {
    put(doc, `${input.project.name} · 收银日结单 ${t.businessDate} · ${t.cashier}（续 continued）`, f.left, f.top, {
      size: 8,
      color: INK.muted,
    });
    return f.top + mm(7);
  });
  flow.newPage();

  const top = flow.y;
  const qrSize = mm(24);
  put(doc, input.project.name, flow.left, top, { size: 11, bold: true, color: INK.muted });
  put(doc, input.project.nameEn, flow.left, top + mm(5.5), { size: 8, color: INK.muted });
  put(doc, '收银日结单', flow.left, top + mm(11.5), { size: 22, bold: true });
  put(doc, 'CASHIER DAY-END REPORT', flow.left, top + mm(21.5), { size: 9, characterSpacing: 2.5, color: INK.muted });
  put(doc, `营业日 Business date ${t.businessDate}    出纳 Cashier ${t.cashier}`, flow.left, top + mm(28), {
    size: 10,
    bold: true,
  });
  const used = verifyBlock(doc, input, flow.right - qrSize, top - mm(1.5), qrSize, 6.3);
  flow.y = Math.max(top + mm(34), top + used) + mm(1);
  doc.save().rect(flow.left, flow.y, flow.width, 1.4).fill(INK.head).restore();
  flow.y += mm(3);

  const receipts =
    t.receiptsIssued > 0
      ? `${t.receiptsIssued} 张 issued（${t.firstReceipt ?? '—'} … ${t.lastReceipt ?? '—'}）`
      : '0 张 none issued';
  factGrid(
    flow,
    [
      ['状态 Status', t.closed ? '已结账 Closed' : '未结账 Open (preview)'],
      ['结账时间 Closed at', t.closedAt ? formatProjectTime(t.closedAt, tz) : '—'],
      ['结账人 Closed by', t.closedBy ?? '—'],
      ['收款笔数 Payments', `${input.payments.length} 笔`],
      ['收据 Receipts', receipts],
      ['作废收据 Voided', `${t.receiptsVoided} 张`],
    ],
    2,
  );

  // Totals by kind and by method, side by side.
  sectionTitle(flow, '汇总 Totals', mm(30));
  const half = (flow.width - mm(6)) / 2;
  const line = (count: number | undefined, amount: number | undefined): [string, Cell] => [
    String(count ?? 0),
    { text: formatFen(amount ?? 0), bold: (count ?? 0) > 0 },
  ];
  const kinds: TableSpec = {
    columns: [{ width: half * 0.47 }, { width: half * 0.19, align: 'right' }, { width: half * 0.34, align: 'right' }],
    header: ['款项 Kind', '笔数 No.', '金额 Amount'],
    rows: PAYMENT_KINDS.map(
      (k): Row => [bilingual(PAYMENT_KIND_LABELS[k]), ...line(t.byKind[k]?.count, t.byKind[k]?.amount)],
    ),
    size: 8.5,
    zebra: true,
  };
  const methods: TableSpec = {
    columns: [{ width: half * 0.47 }, { width: half * 0.19, align: 'right' }, { width: half * 0.34, align: 'right' }],
    header: ['方式 Method', '笔数 No.', '金额 Amount'],
    rows: METHOD_ORDER.filter((m) => m !== 'CONVERSION' || t.byMethod.CONVERSION).map(
      (m): Row => [bilingual(PAYMENT_METHOD_LABELS[m]), ...line(t.byMethod[m]?.count, t.byMethod[m]?.amount)],
    ),
    size: 8.5,
    zebra: true,
    x: flow.left + half + mm(6),
  };
  flow.need(Math.max(tableHeight(flow, kinds), tableHeight(flow, methods)));
  const startY = flow.y;
  drawTable(flow, kinds);
  const afterKinds = flow.y;
  flow.y = startY;
  drawTable(flow, methods);
  flow.y = Math.max(afterKinds, flow.y) + mm(3);

  flow.need(mm(16));
  doc.save().rect(flow.left, flow.y, flow.width, mm(12)).fill('#e7ebef').restore();
  put(
    doc,
    '净额 Net（收入 − 退款，不含作废与转定 / in − refunds, excl. voids and conversions）',
    flow.left + mm(3),
    flow.y + mm(1.8),
    { size: 8, color: INK.muted },
  );
  put(doc, formatFen(t.net), flow.right - mm(3), flow.y + mm(1.5), { size: 14, bold: true, align: 'right' });
  put(
    doc,
    t.net >= 0 ? amountInCapitals(t.net) : `退 ${amountInCapitals(-t.net)}`,
    flow.left + mm(3),
    flow.y + mm(6.5),
    { size: 10, bold: true },
  );
  flow.y += mm(16);

  // Every payment of the day.
  sectionTitle(flow, `收款明细 Payments（${input.payments.length}）`, mm(16));
  if (input.payments.length === 0) {
    write(doc, '当日无收款记录。No payments were recorded this day.', flow.left, flow.y, flow.width, {
      size: 9,
      color: INK.muted,
    });
    flow.y += mm(8);
  } else {
    const w = flow.width;
    const methodWidth = w * 0.13;
    const rows: Row[] = input.payments.map((p, i) => {
      const grey = p.status === 'VOIDED' ? INK.faint : undefined;
      const c = (text: string, extra: Partial<Cell> = {}): Cell => ({
        text,
        ...(grey ? { color: grey } : {}),
        ...extra,
      });
      return [
        c(String(i + 1)),
        c(formatProjectTime(p.at, tz).slice(11)),
        c(p.receipt ?? '—'),
        c(PAYMENT_KIND_LABELS[p.kind].zh),
        c(p.payer),
        c(p.reference ?? '—'),
        c(
          unbrokenWords(
            doc,
            p.methods.map((m) => PAYMENT_METHOD_LABELS[m].zh),
            '+',
            methodWidth,
            { size: 8 },
          ),
        ),
        c(`${p.kind === 'REFUND' ? '−' : ''}${formatFen(p.amount)}`, { bold: p.status !== 'VOIDED' }),
        c(PAYMENT_STATUS_LABELS[p.status].zh),
      ];
    });
    drawTable(flow, {
      columns: [
        { width: w * 0.05, align: 'right' },
        { width: w * 0.07 },
        { width: w * 0.16 },
        { width: w * 0.08 },
        { width: w * 0.12 },
        { width: w * 0.11 },
        { width: methodWidth },
        { width: w * 0.15, align: 'right' },
        { width: w * 0.13 },
      ],
      header: [
        '#',
        '时间',
        '收据号 Receipt',
        '款项',
        '付款人 Payer',
        '房号 Ref.',
        '方式 Method',
        '金额 Amount',
        '状态 Status',
      ],
      rows,
      size: 8,
      zebra: true,
    });
  }

  flow.need(mm(32));
  flow.y += mm(8);
  signatureBlock(flow, [`出纳 Cashier：${t.cashier}`, '复核 Checked by', '财务 Finance'], 3);

  flow.eachPage((page, total) => {
    drawFooter(flow, input, `日结 ${t.businessDate} · ${t.cashier}`, page, total);
    if (input.voided) voidStamp(doc, mm(PAGE.widthMm / 2), mm(PAGE.heightMm / 2), 1.5);
    if (input.sample) sampleStamp(doc, mm(PAGE.widthMm / 2), mm(PAGE.heightMm / 2), 1.5);
  });
  return toBuffer(doc);
}
