/**
 * Dispute pack 争议材料包 of one unit, A4 portrait: the unit and its state now, the deals made on it,
 * their payments, the documents printed, and the unit's whole timeline (who, when in the project's
 * zone, from which device, what changed) — continued over as many pages as needed; the audit chain
 * head at the time of printing and the QR code to /verify/<id>. Pure: data in, PDF bytes out.
 */
import type { CjkFont } from './fonts.js';
import { createDocument, formatProjectTime, mm, toBuffer } from './pdf.js';
import {
  type DocumentEnvelope,
  drawFooter,
  drawTable,
  factGrid,
  Flow,
  INK,
  put,
  type Row,
  sampleStamp,
  sectionTitle,
  signatureBlock,
  verifyBlock,
  write,
} from './paper.js';

export interface DisputePackEvent {
  /** ISO-8601 UTC. */
  at: string;
  /** The sentence in Chinese and in English. */
  zh: string;
  en: string;
  /** The field changes, readable (Chinese). */
  changes: string;
  actor: string;
  device: string;
  /** The audit event's id (its number in the log). */
  id: string;
}

export interface DisputePackInput extends DocumentEnvelope {
  unit: {
    code: string;
    /** e.g. 1号楼 · 18层 · 三室两厅 · 89.56 m² */
    description: string;
    /** The state now, readable: 已认购 Subscribed. */
    status: string;
    listPrice: string;
  };
  /** Every subscription ever made on the unit: [date, buyer, consultant, price, status]. */
  deals: string[][];
  /** Their payments: [time, receipt, kind, payer, amount, status]. */
  payments: string[][];
  /** Documents printed from them: [time, kind, version, status, id]. */
  documents: string[][];
  events: DisputePackEvent[];
  /** More events exist than the pack holds (the audit log has them all). */
  truncated: boolean;
  /**
   * The head of the project's audit hash chain when the pack was printed (a later rewrite of any
   * event is detectable against it); null while the chain is not built — printed as "—".
   */
  chainHead: string | null;
}

const PAGE = { widthMm: 210, heightMm: 297, marginMm: 14, footerMm: 13 } as const;

export async function renderDisputePack(input: DisputePackInput, fonts: CjkFont): Promise<Buffer> {
  const tz = input.project.timezone;
  const doc = createDocument({
    title: `争议材料包 Dispute pack ${input.unit.code}`,
    subject: input.project.name,
    rehearsal: input.project.rehearsal,
    createdAt: new Date(input.renderedAt),
    fonts,
  });
  const flow = new Flow(doc, PAGE, (f) => {
    put(doc, `${input.project.name} · 争议材料包 ${input.unit.code}（续 continued）`, f.left, f.top, {
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
  put(doc, `房源争议材料包 ${input.unit.code}`, flow.left, top + mm(11.5), { size: 20, bold: true });
  put(doc, 'UNIT DISPUTE PACK', flow.left, top + mm(21), { size: 9, characterSpacing: 2.5, color: INK.muted });
  const used = verifyBlock(doc, input, flow.right - qrSize, top - mm(1.5), qrSize, 6.3);
  flow.y = Math.max(top + mm(30), top + used) + mm(1);
  doc.save().rect(flow.left, flow.y, flow.width, 1.4).fill(INK.head).restore();
  flow.y += mm(3);

  factGrid(
    flow,
    [
      ['房源 Unit', input.unit.code],
      ['当前状态 State now', input.unit.status],
      ['房源信息 Facts', input.unit.description],
      ['表价 List price', input.unit.listPrice],
      ['生成时间 Printed at', `${formatProjectTime(input.renderedAt, tz)} (${tz})`],
      ['事件数 Events', `${input.events.length}${input.truncated ? '+' : ''}`],
    ],
    2,
  );

  // The audit chain head: what makes a later rewrite of any event detectable from this paper.
  flow.need(mm(14));
  doc.save().rect(flow.left, flow.y, flow.width, mm(11)).fill('#e7ebef').restore();
  put(doc, '审计链头 Audit chain head（打印时 at printing）', flow.left + mm(3), flow.y + mm(1.5), {
    size: 8,
    color: INK.muted,
  });
  put(doc, input.chainHead ?? '—', flow.left + mm(3), flow.y + mm(5.5), { size: 9, bold: true });
  flow.y += mm(14);

  const w = flow.width;
  sectionTitle(flow, `一、认购 Deals（${input.deals.length}）`, mm(16));
  if (input.deals.length === 0) none(flow, '此房源没有认购记录。No subscription was made on this unit.');
  else
    drawTable(flow, {
      columns: [
        { width: w * 0.2 },
        { width: w * 0.2 },
        { width: w * 0.2 },
        { width: w * 0.2, align: 'right' },
        { width: w * 0.2 },
      ],
      header: ['认购时间 Date', '买受人 Buyer', '置业顾问 Consultant', '成交价 Price', '状态 Status'],
      rows: input.deals,
      size: 8.5,
      zebra: true,
    });
  flow.y += mm(3);

  sectionTitle(flow, `二、收款 Payments（${input.payments.length}）`, mm(16));
  if (input.payments.length === 0) none(flow, '没有收款记录。No payment was recorded.');
  else
    drawTable(flow, {
      columns: [
        { width: w * 0.2 },
        { width: w * 0.17 },
        { width: w * 0.13 },
        { width: w * 0.18 },
        { width: w * 0.17, align: 'right' },
        { width: w * 0.15 },
      ],
      header: ['时间 Time', '收据 Receipt', '款项 Kind', '付款人 Payer', '金额 Amount', '状态 Status'],
      rows: input.payments,
      size: 8.5,
      zebra: true,
    });
  flow.y += mm(3);

  sectionTitle(flow, `三、文件 Documents（${input.documents.length}）`, mm(16));
  if (input.documents.length === 0) none(flow, '没有打印过文件。No document was printed.');
  else
    drawTable(flow, {
      columns: [{ width: w * 0.2 }, { width: w * 0.2 }, { width: w * 0.08 }, { width: w * 0.14 }, { width: w * 0.38 }],
      header: ['时间 Time', '文件 Document', '版本', '状态 Status', '编号 Id'],
      rows: input.documents,
      size: 8,
      zebra: true,
    });
  flow.y += mm(3);

  sectionTitle(flow, `四、履历 Timeline（${input.events.length}）`, mm(16));
  write(
    doc,
    `时间为项目时区 ${tz}；每行的 # 是操作日志中的事件号。Times in ${tz}; # is the event's number in the audit log.`,
    flow.left,
    flow.y,
    w,
    {
      size: 7.5,
      color: INK.muted,
    },
  );
  flow.y += mm(5);
  const rows: Row[] = input.events.map((e) => [
    { text: formatProjectTime(e.at, tz), sub: `#${e.id}` },
    { text: e.zh, sub: e.en },
    { text: e.changes || '—' },
    { text: e.actor, sub: e.device },
  ]);
  if (rows.length === 0) none(flow, '没有记录。No events.');
  else
    drawTable(flow, {
      columns: [{ width: w * 0.17 }, { width: w * 0.35 }, { width: w * 0.3 }, { width: w * 0.18 }],
      header: ['时间 Time', '事件 Event', '变更 Changes', '操作人 / 设备 Who / device'],
      rows,
      size: 8,
      zebra: true,
    });
  if (input.truncated) {
    flow.y += mm(2);
    none(flow, '（事件过多，其余见操作日志。More events: see the audit log.）');
  }

  flow.need(mm(32));
  flow.y += mm(8);
  signatureBlock(flow, ['经办 Prepared by', '复核 Checked by'], 2);

  flow.eachPage((page, total) => {
    drawFooter(flow, input, `争议材料包 ${input.unit.code}`, page, total);
    if (input.sample) sampleStamp(doc, mm(PAGE.widthMm / 2), mm(PAGE.heightMm / 2), 1.5);
  });
  return toBuffer(doc);
}

function none(flow: Flow, text: string): void {
  write(flow.doc, text, flow.left, flow.y, flow.width, { size: 9, color: INK.muted });
  flow.y += mm(7);
}
