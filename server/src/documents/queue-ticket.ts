/**
 * Queue ticket 排号票, printed by the kiosk's 80 mm thermal printer when a buyer takes a number.
 * Black only (thermal heads cannot print grey well), nothing under 8 pt except the staff-only footer.
 */
import type { CjkFont } from './fonts.js';
import {
  addFittedPage,
  type Block,
  createDocument,
  DEFAULT_TIME_ZONE,
  drawQr,
  FONT,
  formatProjectTime,
  mm,
  type Pdf,
  qrQuietZone,
  spacer,
  textBlock,
  toBuffer,
} from './pdf.js';

export interface QueueTicketInput {
  /** Ticket record id, printed small so staff can look the ticket up. */
  ticketId: string;
  /** Short code staff compare with the system to spot forged tickets; optional. */
  verificationCode?: string;
  project: {
    /** Chinese project name, e.g. 滨江壹号. */
    name: string;
    /** English name, printed under the Chinese one when given. */
    nameEn?: string;
    /** IANA time zone the issue time is printed in; default Asia/Shanghai. */
    timezone?: string;
    /** A rehearsal's ticket: 演练 REHEARSAL in the title and across the page (pdf.ts). */
    rehearsal?: boolean;
  };
  /** Queue number exactly as displayed and called, e.g. "V012" or "A-0012". */
  number: string;
  /** Queue category, e.g. { name: '贵宾', nameEn: 'VIP' } or { name: '普通', nameEn: 'General' }. */
  category: { name: string; nameEn?: string };
  /** When the number was issued: a Date or an ISO 8601 string with Z/offset (UTC instant). */
  issuedAt: Date | string;
  /** People waiting ahead in this category when the ticket was issued; omitted when unknown. */
  peopleAhead?: number;
  /** Buyer page URL (absolute) encoded in the QR code, where the buyer follows the calling. */
  followUrl: string;
  /** Replaces the default notice (过号请重新取号 …). */
  notice?: { zh: string; en?: string };
}

const PAGE = { widthMm: 80, marginMm: 4 } as const;
const WIDTH = mm(PAGE.widthMm - 2 * PAGE.marginMm);
/** ≥ 30 mm so phone cameras lock on at arm's length; a version-4 symbol gets ~1.1 mm modules. */
const QR_MM = 36;
const DEFAULT_NOTICE = {
  zh: '过号请重新取号，请妥善保管本票',
  en: 'Missed your call? Please take a new number.\nKeep this ticket.',
};

export async function renderQueueTicket(input: QueueTicketInput, fonts: CjkFont): Promise<Buffer> {
  const issuedAt = new Date(input.issuedAt);
  const issued = formatProjectTime(input.issuedAt, input.project.timezone ?? DEFAULT_TIME_ZONE);
  const doc = createDocument({
    title: `排号票 Queue ticket ${input.number}`,
    subject: input.project.name,
    rehearsal: input.project.rehearsal,
    createdAt: issuedAt,
    fonts,
  });
  const notice = input.notice ?? DEFAULT_NOTICE;
  const center = { align: 'center' } as const;
  const verification = input.verificationCode ? `   校验码 Check ${input.verificationCode}` : '';

  const blocks: Block[] = [
    textBlock(doc, input.project.name, WIDTH, { font: 'bold', size: 15, ...center }),
    ...(input.project.nameEn ? [textBlock(doc, input.project.nameEn, WIDTH, { size: 9, ...center })] : []),
    rule(doc, mm(3), mm(3)),
    textBlock(doc, '排号  QUEUE NUMBER', WIDTH, { size: 9, characterSpacing: 1, ...center }),
    bigNumber(doc, input.number),
    categoryBadge(doc, input.category),
    spacer(mm(3)),
    row(doc, '取号时间 Issued', issued),
    ...(input.peopleAhead === undefined
      ? []
      : [row(doc, '前面等候 Ahead', `${input.peopleAhead} 人 ${input.peopleAhead === 1 ? 'person' : 'people'}`)]),
    rule(doc, mm(3), 0), // the QR block brings its own quiet zone
    qr(doc, input.followUrl),
    textBlock(doc, '扫码查看叫号进度', WIDTH, { size: 10, ...center }),
    textBlock(doc, 'Scan to follow the queue', WIDTH, { size: 8, gapAfter: mm(2.5), ...center }),
    textBlock(doc, notice.zh, WIDTH, { font: 'bold', size: 10, ...center }),
    ...(notice.en ? [textBlock(doc, notice.en, WIDTH, { size: 8, ...center })] : []),
    rule(doc, mm(2.5), mm(2)),
    textBlock(doc, `票号 No. ${input.ticketId}${verification}`, WIDTH, { size: 7, ...center }),
  ];
  addFittedPage(doc, PAGE, blocks);
  return toBuffer(doc);
}

/** Dashed separator, like the tear line of a paper ticket, with blank space above and below. */
function rule(doc: Pdf, above: number, below: number): Block {
  return {
    height: above + below,
    draw: (x, y) => {
      doc
        .save()
        .moveTo(x, y + above)
        .lineTo(x + WIDTH, y + above);
      doc.lineWidth(0.8).dash(3, { space: 2 }).stroke('black').undash().restore();
    },
  };
}

/** The number is the point of the ticket: as large as fits the width, up to 56 pt. */
function bigNumber(doc: Pdf, text: string): Block {
  doc.font(FONT.bold);
  let size = 56;
  while (size > 20 && doc.fontSize(size).widthOfString(text) > WIDTH) size -= 2;
  // CJK line boxes reserve ideograph height above Latin capitals and digits; without this trim the
  // number floats low, with a wide gap above it. Pull it up and shorten the block instead.
  const line = doc.currentLineHeight(true);
  return {
    height: 0.8 * line,
    draw: (x, y) => {
      doc
        .font(FONT.bold)
        .fontSize(size)
        .text(text, x, y - 0.12 * line, { width: WIDTH, align: 'center', lineBreak: false });
    },
  };
}

/** Category in white on a black badge, so staff tell VIP from general tickets at a glance. */
function categoryBadge(doc: Pdf, category: QueueTicketInput['category']): Block {
  const text = category.nameEn ? `${category.name}  ${category.nameEn}` : category.name;
  const size = 13;
  const padX = mm(3);
  const padY = mm(0.8);
  doc.font(FONT.bold).fontSize(size);
  const textWidth = doc.widthOfString(text);
  const lineHeight = doc.currentLineHeight(true);
  return {
    height: lineHeight + 2 * padY,
    draw: (x, y) => {
      const boxWidth = Math.min(WIDTH, textWidth + 2 * padX);
      const left = x + (WIDTH - boxWidth) / 2;
      doc
        .save()
        .roundedRect(left, y, boxWidth, lineHeight + 2 * padY, mm(1))
        .fill('black')
        .restore();
      doc.save().fillColor('white').font(FONT.bold).fontSize(size);
      doc.text(text, left, y + padY, { width: boxWidth, align: 'center', lineBreak: false });
      doc.restore();
    },
  };
}

/** Label on the left, value on the right (bold), one line each. */
function row(doc: Pdf, label: string, value: string): Block {
  const size = 10;
  const l = textBlock(doc, label, WIDTH, { size });
  const v = textBlock(doc, value, WIDTH, { font: 'bold', size, align: 'right' });
  return {
    height: Math.max(l.height, v.height) + mm(0.8),
    draw: (x, y) => {
      l.draw(x, y);
      v.draw(x, y);
    },
  };
}

function qr(doc: Pdf, url: string): Block {
  const size = mm(QR_MM);
  const quiet = qrQuietZone(url, size);
  return {
    height: quiet + size + quiet,
    draw: (x, y) => void drawQr(doc, url, x + (WIDTH - size) / 2, y + quiet, size),
  };
}
