/**
 * Subscription agreement 认购书, A4 portrait, as many pages as it needs ("第 1 页 共 3 页"):
 * parties, the unit, the price breakdown (list → each discount → cap / rounding → final, in figures
 * and capitals), the payment schedule, the deposit received so far, the signing deadline, the
 * project's terms 认购须知, signature blocks, and the QR code to /verify/<id>.
 * Pure: data in, PDF bytes out (creation date = renderedAt).
 */
import { amountInCapitals, type PriceBreakdown, type ScheduleItem } from '@kaipan/shared';
import type { CjkFont } from './fonts.js';
import { createDocument, formatProjectTime, mm, toBuffer } from './pdf.js';
import {
  type DocumentEnvelope,
  drawFooter,
  drawTable,
  factGrid,
  type Row,
  tableHeight,
  type TableSpec,
  Flow,
  formatFen,
  formatM2,
  INK,
  measure,
  put,
  sectionTitle,
  signatureBlock,
  sampleStamp,
  verifyBlock,
  voidStamp,
  write,
} from './paper.js';

export interface AgreementDocumentInput extends DocumentEnvelope {
  /** Subscription id (its first 8 characters print as the agreement number). */
  subscriptionId: string;
  /** When the subscription was confirmed, ISO-8601 UTC. */
  subscribedAt: string;
  buyer: {
    name: string;
    phone: string;
    /** e.g. 110***********1234, or null when not on file. */
    idNumberMasked: string | null;
    coBuyers: Array<{ name: string; phone?: string | null; relation?: string | null }>;
  };
  unit: {
    building: string;
    floor: number;
    code: string;
    layout: string;
    layoutName: string;
    grossArea: number;
    netArea: number;
    orientation: string;
  };
  /** Final price, fen. */
  price: number;
  /** List price, fen (the breakdown's when present). */
  listPrice: number;
  /** The stored computation, or null for a deal priced before breakdowns existed. */
  breakdown: PriceBreakdown | null;
  plan: { name: string; nameEn: string } | null;
  /** The plan's schedule of the final price, or null when the deal has none. */
  schedule: ScheduleItem[] | null;
  /** Deposit the plan requires, fen (the schedule's DEPOSIT line), or null. */
  depositRequired: number | null;
  /** Recorded subscription deposits 定金 (conversions included), fen, and their receipt numbers. */
  depositReceived: { amount: number; receipts: string[] };
  /** Last day to sign the purchase contract, YYYY-MM-DD in the project's zone. */
  signingDeadline: string;
  signingDays: number;
  /** Terms text: paragraphs separated by blank lines. */
  terms: string;
  consultant: string;
}

const PAGE = { widthMm: 210, heightMm: 297, marginMm: 16, footerMm: 14 } as const;

const SECTION = ['一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

export async function renderAgreement(input: AgreementDocumentInput, fonts: CjkFont): Promise<Buffer> {
  const doc = createDocument({
    title: `认购书 Subscription agreement ${input.unit.code}`,
    subject: input.project.name,
    rehearsal: input.project.rehearsal,
    createdAt: new Date(input.renderedAt),
    fonts,
  });
  const number = input.sample ? 'SAMPLE' : input.subscriptionId.slice(0, 8).toUpperCase();
  const flow = new Flow(doc, PAGE, (f) => {
    put(doc, `${input.project.name} · 商品房认购书 No. ${number}（续 continued）`, f.left, f.top, {
      size: 8,
      color: INK.muted,
    });
    return f.top + mm(7);
  });
  flow.newPage();
  header(flow, input, number);
  let n = 0;
  const next = (zh: string, en: string): string => `${SECTION[n++] ?? String(n)}、${zh} ${en}`;

  // 一、Parties.
  sectionTitle(flow, next('当事人', 'Parties'));
  const buyer = input.buyer;
  const payee = input.project.payee;
  // With a payee company: the seller is that company (credit code, the account deposits are paid
  // to) on its own rows, the buyer's rows below; without one, the project name stands for the seller.
  if (payee) {
    factGrid(
      flow,
      [
        ['甲方（出卖人）Seller', payee.name],
        ['统一社会信用代码 Credit code', payee.creditCode],
        ['项目 Project', `${input.project.name}\n${input.project.nameEn}`],
        ['收款账户 Bank account', `${payee.bank}\n${payee.account}`],
      ],
      2,
    );
  }
  factGrid(
    flow,
    [
      ...(payee
        ? []
        : [['甲方（出卖人）Seller', `${input.project.name}\n${input.project.nameEn}`] as [string, string]]),
      ['乙方（买受人）Buyer', buyer.name],
      ['联系电话 Phone', buyer.phone],
      ['证件号码 ID number', buyer.idNumberMasked ?? '—'],
      ...buyer.coBuyers.map((c, i): [string, string] => [
        `共同买受人 Co-buyer ${i + 1}`,
        [c.name, c.relation ? `（${c.relation}）` : '', c.phone ? `  ${c.phone}` : ''].join(''),
      ]),
      ['置业顾问 Consultant', input.consultant],
    ],
    2,
  );

  // 二、Unit.
  sectionTitle(flow, next('认购房屋', 'The unit'));
  const u = input.unit;
  factGrid(
    flow,
    [
      ['楼栋 Building', u.building],
      ['楼层 Floor', `${u.floor} 层 F${u.floor}`],
      ['房号 Unit', u.code],
      ['户型 Layout', `${u.layoutName}（${u.layout}）`],
      ['建筑面积 Gross area', formatM2(u.grossArea)],
      ['套内面积 Net area', formatM2(u.netArea)],
      ['朝向 Orientation', u.orientation],
      ['建筑面积单价 Price / m²', u.grossArea > 0 ? formatFen(Math.round(input.price / u.grossArea)) : '—'],
    ],
    2,
  );

  // 三、Price.
  const prices = priceTable(flow, input);
  sectionTitle(flow, next('房屋价格', 'Price'), keepable(flow, tableHeight(flow, prices)));
  drawTable(flow, prices);
  flow.need(mm(14));
  flow.y += mm(2);
  write(doc, `成交总价（大写）Final price in words：${amountInCapitals(input.price)}`, flow.left, flow.y, flow.width, {
    size: 10.5,
    bold: true,
  });
  flow.y += mm(7);

  // 四、Payment plan.
  const schedule = scheduleTable(flow, input);
  sectionTitle(
    flow,
    next('付款方式', 'Payment plan'),
    keepable(flow, mm(8) + (schedule ? tableHeight(flow, schedule) : mm(10))),
  );
  planLine(flow, input);
  if (schedule) drawTable(flow, schedule);
  else
    paragraph(
      flow,
      '付款计划以《商品房买卖合同》约定为准。The payment schedule is as agreed in the purchase contract.',
      9,
    );
  flow.y += mm(1);

  // 五、Deposit.
  sectionTitle(flow, next('定金', 'Deposit'), mm(16));
  const paid = input.depositReceived;
  const lines = [
    input.depositRequired !== null
      ? `应付定金 Deposit due：${formatFen(input.depositRequired)}（${amountInCapitals(input.depositRequired)}），于认购当日支付 payable on the day of subscription。`
      : '应付定金以付款方式约定为准 Deposit as agreed in the payment plan。',
    paid.amount > 0
      ? `已收定金 Deposit received：${formatFen(paid.amount)}（${amountInCapitals(paid.amount)}）${paid.receipts.length ? `，收据号 receipts ${paid.receipts.join('、')}` : ''}。`
      : '已收定金 Deposit received：尚未收取 none yet。',
  ];
  for (const line of lines) paragraph(flow, line, 9.5);

  // 六、Signing deadline.
  sectionTitle(flow, next('签约期限', 'Signing deadline'), mm(12));
  paragraph(
    flow,
    `乙方应于 ${input.signingDeadline} 前（认购之日起 ${input.signingDays} 日内）与甲方签订《商品房买卖合同》。The buyer shall sign the purchase contract by ${input.signingDeadline} (within ${input.signingDays} days of subscription).`,
    9.5,
    true,
  );

  // 七、Terms.
  sectionTitle(flow, next('认购须知', 'Terms'), mm(12));
  for (const p of input.terms
    .split(/\n\s*\n/)
    .map((s) => s.trim())
    .filter(Boolean))
    paragraph(flow, p, 8.8);

  // Signatures, introduced by a line naming the agreement: a signature page that lands on a page of
  // its own still says which agreement it signs.
  flow.need(mm(68));
  flow.y += mm(4);
  write(
    doc,
    `（正文完 End of terms）以下为认购书 No. ${number}（${input.unit.code}）签署栏 Signatures to agreement No. ${number}`,
    flow.left,
    flow.y,
    flow.width,
    {
      size: 8.5,
      color: INK.muted,
    },
  );
  flow.y += mm(7);
  signatureBlock(
    flow,
    [
      '甲方（盖章）Seller (seal)',
      '乙方（签字）Buyer (signature)',
      `置业顾问 Consultant：${input.consultant}`,
      '共同买受人（签字）Co-buyer(s)',
    ],
    2,
  );

  const label = `认购书 No. ${number} · ${input.unit.code}`;
  flow.eachPage((page, total) => {
    drawFooter(flow, input, label, page, total);
    if (input.voided) voidStamp(doc, mm(PAGE.widthMm / 2), mm(PAGE.heightMm / 2), 1.5);
    if (input.sample)
      sampleStamp(doc, mm(PAGE.widthMm / 2), mm(PAGE.heightMm / 2), 1.5, '不作为认购凭证 · Not a subscription');
  });
  return toBuffer(doc);
}

function header(flow: Flow, input: AgreementDocumentInput, number: string): void {
  const doc = flow.doc;
  const qrSize = mm(26);
  const qrX = flow.right - qrSize;
  const top = flow.y;
  put(doc, input.project.name, flow.left, top, { size: 11, bold: true, color: INK.muted });
  put(doc, input.project.nameEn, flow.left, top + mm(5.5), { size: 8, color: INK.muted });
  put(doc, '商品房认购书', flow.left, top + mm(12), { size: 24, bold: true });
  put(doc, 'SUBSCRIPTION AGREEMENT', flow.left, top + mm(23), { size: 9, characterSpacing: 2.5, color: INK.muted });
  put(doc, `编号 No. ${number}`, flow.left, top + mm(30), { size: 9.5, bold: true });
  put(
    doc,
    `认购日期 Subscribed ${formatProjectTime(input.subscribedAt, input.project.timezone)}`,
    flow.left + mm(45),
    top + mm(30),
    { size: 9.5 },
  );
  put(doc, input.sample ? '样本 Sample' : `版本 Version ${input.version}`, flow.left + mm(118), top + mm(30), {
    size: 9.5,
    bold: input.sample === true,
  });
  const used = verifyBlock(doc, input, qrX, top - mm(1.5), qrSize, 6.5);
  flow.y = Math.max(top + mm(36), top + used) + mm(1);
  flow.doc.save().rect(flow.left, flow.y, flow.width, 1.4).fill(INK.head).restore();
  flow.y += mm(2);
  const intro = write(
    doc,
    "甲乙双方本着自愿、平等、诚实信用的原则，就乙方认购甲方开发的下列房屋达成如下协议。Seller and buyer agree as follows on the buyer's subscription of the unit below.",
    flow.left,
    flow.y,
    flow.width,
    { size: 8.5, color: INK.muted },
  );
  flow.y += intro + mm(1);
}

function paragraph(flow: Flow, text: string, size: number, bold = false): void {
  const h = measure(flow.doc, text, flow.width, { size, bold, lineGap: 1.5 });
  if (h > flow.bottom - flow.top) {
    // Longer than a page (a terms text without blank lines): split it into lines of text that fit.
    for (const piece of splitToFit(flow, text, size)) paragraph(flow, piece, size, bold);
    return;
  }
  flow.need(h);
  write(flow.doc, text, flow.left, flow.y, flow.width, { size, bold, lineGap: 1.5 });
  flow.y += h + mm(1.6);
}

/** Cut a very long paragraph at line breaks (or, failing that, every ~600 characters). */
function splitToFit(flow: Flow, text: string, size: number): string[] {
  const lines = text.split('\n');
  if (lines.length > 1) return lines;
  const chars = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += 600) pieces.push(chars.slice(i, i + 600).join(''));
  void flow;
  void size;
  return pieces;
}

const rate = (bp: number | null): string => (bp === null ? '' : `× ${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`);

/** A section and its table stay on one page when the table fits on a page at all. */
function keepable(flow: Flow, height: number): number {
  return height <= (flow.bottom - flow.top) * 0.7 ? height : mm(30);
}

function priceTable(flow: Flow, input: AgreementDocumentInput): TableSpec {
  const b = input.breakdown;
  const w = flow.width;
  const columns = [
    { width: w * 0.44 },
    { width: w * 0.18, align: 'right' as const },
    { width: w * 0.19, align: 'right' as const },
    { width: w * 0.19, align: 'right' as const },
  ];
  const rows: Row[] = [];
  rows.push([{ text: '表价 List price', bold: true }, '', '', { text: formatFen(input.listPrice), bold: true }]);
  const emphasis = new Set<number>();
  if (b) {
    for (const step of b.steps) {
      const how = step.rateBp !== null ? rate(step.rateBp) : `− ${formatFen(step.amountOffFen ?? 0)}`;
      rows.push([
        { text: `${step.name}（${step.code}）`, sub: step.nameEn },
        how,
        `− ${formatFen(step.off)}`,
        formatFen(step.after),
      ]);
    }
    if (b.cap.off !== 0) {
      rows.push([
        {
          text: `优惠封顶调整 Discount cap（最多 ${(b.cap.maxTotalDiscountBp / 100).toFixed(0)}%）`,
          sub: 'Total discount limited by the project policy',
        },
        '',
        `+ ${formatFen(-b.cap.off)}`,
        formatFen(b.cap.after),
      ]);
    }
    if (b.rounding.off !== 0) {
      const unit = b.rounding.unit === 'YUAN' ? '元 yuan' : b.rounding.unit === 'HUNDRED_YUAN' ? '百元 ¥100' : '分 fen';
      rows.push([
        { text: `取整 Rounding（${unit}）`, sub: b.rounding.mode === 'DOWN' ? '向下 down' : '四舍五入 half up' },
        '',
        b.rounding.off > 0 ? `− ${formatFen(b.rounding.off)}` : `+ ${formatFen(-b.rounding.off)}`,
        formatFen(b.rounding.after),
      ]);
    }
  }
  // A 调价 (approved price change) moved the price away from the computation: say so, by how much.
  const adjustment = b ? input.price - b.finalPrice : 0;
  if (adjustment !== 0) {
    rows.push([
      { text: '调价 Price adjustment', sub: 'Approved change to the agreed price' },
      '',
      adjustment < 0 ? `− ${formatFen(-adjustment)}` : `+ ${formatFen(adjustment)}`,
      formatFen(input.price),
    ]);
  }
  const total = input.listPrice - input.price;
  if (total > 0) rows.push([{ text: '优惠合计 Total discount' }, '', `− ${formatFen(total)}`, '']);
  if (total < 0) rows.push([{ text: '合计加价 Total above list price' }, '', `+ ${formatFen(-total)}`, '']);
  emphasis.add(rows.length);
  rows.push([
    { text: '成交总价 Final price', bold: true, size: 10.5 },
    '',
    '',
    { text: formatFen(input.price), bold: true, size: 10.5 },
  ]);
  return {
    columns,
    header: ['项目 Item', '折扣 Rate / amount', '优惠 Off', '价格 Price'],
    rows,
    size: 9,
    emphasis: (i) => emphasis.has(i),
  };
}

function planLine(flow: Flow, input: AgreementDocumentInput): void {
  const planName = input.plan ? `${input.plan.name}  ${input.plan.nameEn}` : '—';
  write(flow.doc, `付款方案 Plan：${planName}`, flow.left, flow.y, flow.width, { size: 9.5, bold: true });
  flow.y += mm(6);
}

function scheduleTable(flow: Flow, input: AgreementDocumentInput): TableSpec | null {
  const schedule = input.schedule;
  if (!schedule || schedule.length === 0) return null;
  const w = flow.width;
  const total = schedule.reduce((s, i) => s + i.amount, 0);
  const rows: Row[] = schedule.map((item, i) => [
    String(i + 1),
    { text: item.label, sub: item.note ? `${item.labelEn} · ${item.note}` : item.labelEn },
    { text: formatFen(item.amount), bold: true, sub: amountInCapitals(item.amount) },
    item.dueDate,
    item.dueDays === 0 ? '认购当日 At signing' : `认购后${item.dueDays}日 D+${item.dueDays}`,
  ]);
  rows.push([
    '',
    { text: '合计 Total', bold: true },
    { text: formatFen(total), bold: true, sub: amountInCapitals(total) },
    '',
    '',
  ]);
  return {
    columns: [
      { width: w * 0.05, align: 'center' },
      { width: w * 0.25 },
      { width: w * 0.37, align: 'right' },
      { width: w * 0.14, align: 'center' },
      { width: w * 0.19 },
    ],
    header: ['#', '款项 Item', '金额 Amount', '应付日期 Due', '期限 Term'],
    rows,
    size: 9,
    emphasis: (i) => i === rows.length - 1,
  };
}
