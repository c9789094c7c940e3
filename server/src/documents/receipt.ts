/**
 * Receipt 收据, on A5 (210 × 148 mm, landscape, for the office printer) or on 80 mm thermal roll
 * (the kiosk printer). Number, date, payer, unit or registration, kind, method lines with their
 * references, the amount in figures and in Chinese capitals (人民币壹拾万元整), cashier, and the QR
 * code to /verify/<id>, and the payee company 收款单位 (name, credit code) when the project has one. Reprints carry COPY 重打 第N次打印; a voided receipt a big 作废 VOID stamp.
 * Pure: data in, PDF bytes out (creation date = renderedAt, so the same data gives the same bytes).
 */
import {
  amountInCapitals,
  bilingual,
  PAYMENT_KIND_LABELS,
  PAYMENT_METHOD_LABELS,
  type Payee,
  type PaymentKind,
  type PaymentMethod,
} from '@kaipan/shared';
import type { CjkFont } from './fonts.js';
import {
  addFittedPage,
  type Block,
  createDocument,
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
import {
  clip,
  copyStamp,
  type DocumentEnvelope,
  formatFen,
  hline,
  INK,
  measure,
  put,
  verifyBlock,
  voidStamp,
  write,
} from './paper.js';

export interface ReceiptLine {
  method: PaymentMethod;
  /** Fen. */
  amount: number;
  /** Slip / transaction / cheque number; for a conversion, the sincerity receipt it came from. */
  reference: string | null;
}

export interface ReceiptDocumentInput extends DocumentEnvelope {
  variant: 'A5' | 'THERMAL_80';
  /** Printed number, e.g. KP2026-000001. */
  label: string;
  /** When the money was received (the receipt's issue time), ISO-8601 UTC. */
  receivedAt: string;
  kind: PaymentKind;
  payer: { name: string; phone: string | null };
  /** Unit of the subscription (e.g. A-0101), or null. */
  unitCode: string | null;
  /** Registration 认筹号 (e.g. R0007), or null. */
  registrationNo: string | null;
  /** Fen; the sum of the lines. */
  amount: number;
  lines: ReceiptLine[];
  cashier: string;
  note: string | null;
  /** Times printed; > 1 = this is a reprint, stamped COPY 重打 第N次打印. */
  printCount: number;
  voidReason: string | null;
}

export async function renderReceipt(input: ReceiptDocumentInput, fonts: CjkFont): Promise<Buffer> {
  const doc = createDocument({
    title: `收据 Receipt ${input.label}`,
    subject: input.project.name,
    rehearsal: input.project.rehearsal,
    createdAt: new Date(input.renderedAt),
    fonts,
  });
  if (input.variant === 'THERMAL_80') thermal(doc, input);
  else a5(doc, input);
  return toBuffer(doc);
}

const isRefund = (input: ReceiptDocumentInput): boolean => input.kind === 'REFUND';
const payerLabel = (input: ReceiptDocumentInput): string => (isRefund(input) ? '领款人 Paid to' : '付款人 Payer');
const titleText = (input: ReceiptDocumentInput): { zh: string; en: string } =>
  isRefund(input) ? { zh: '退 款 收 据', en: 'REFUND RECEIPT' } : { zh: '收    据', en: 'RECEIPT' };

function unitText(input: ReceiptDocumentInput): { label: string; value: string } {
  if (input.unitCode) {
    return {
      label: '房号 Unit',
      value: input.registrationNo ? `${input.unitCode}（认筹 ${input.registrationNo}）` : input.unitCode,
    };
  }
  return { label: '认筹号 Registration', value: input.registrationNo ?? '—' };
}

/** The payee company 收款单位: its name, then its unified social credit code. */
function payeeText(payee: Payee): string {
  return `${clip(payee.name, 60)}\n统一社会信用代码 ${payee.creditCode}`;
}

function methodText(line: ReceiptLine): string {
  const ref = line.reference ? `  ${line.method === 'CONVERSION' ? '转自 From' : '参考号 Ref.'} ${line.reference}` : '';
  return `${bilingual(PAYMENT_METHOD_LABELS[line.method])}  ${formatFen(line.amount)}${ref}`;
}

// ── A5 ─────────────────────────────────────────────────────────────────────────────────────────

const A5 = { width: 210, height: 148, margin: 10 } as const;

function a5(doc: Pdf, input: ReceiptDocumentInput): void {
  doc.addPage({ size: [mm(A5.width), mm(A5.height)], margin: 0 });
  const left = mm(A5.margin);
  const right = mm(A5.width - A5.margin);
  const top = mm(A5.margin);
  const qrSize = mm(27);
  const qrX = right - qrSize;
  const mainRight = qrX - mm(6);

  // Header: project on the left, number on the right.
  put(doc, input.project.name, left, top, { size: 12.5, bold: true });
  put(doc, input.project.nameEn, left, top + mm(6), { size: 7.5, color: INK.muted });
  put(doc, 'No.', right - mm(1), top, { size: 8, color: INK.muted, align: 'right' });
  put(doc, input.label, right, top + mm(4), { size: 14, bold: true, color: INK.red, align: 'right' });

  const title = titleText(input);
  const centre = mm(A5.width / 2);
  put(doc, title.zh, centre, top + mm(10), { size: 22, bold: true, align: 'center' });
  put(doc, title.en, centre, top + mm(20.5), { size: 8, align: 'center', characterSpacing: 3, color: INK.muted });
  hline(doc, centre - mm(32), centre + mm(32), top + mm(19.5), { width: 1 });
  hline(doc, centre - mm(32), centre + mm(32), top + mm(20.3), { width: 0.4 });

  // Fields table on the left.
  const tableTop = top + mm(27);
  put(doc, `日期 Date  ${formatProjectTime(input.receivedAt, input.project.timezone)}`, left, tableTop - mm(4.5), {
    size: 8.5,
  });
  const labelWidth = mm(33);
  const valueWidth = mainRight - left - labelWidth;
  const unit = unitText(input);
  const payee = input.project.payee;
  const rows: Array<{ label: string; value: string; size?: number; bold?: boolean; color?: string }> = [
    {
      label: payerLabel(input),
      value: input.payer.phone ? `${input.payer.name}    ${input.payer.phone}` : input.payer.name,
      bold: true,
    },
    { label: unit.label, value: unit.value, bold: true },
    { label: '款项 Item', value: bilingual(PAYMENT_KIND_LABELS[input.kind]) },
    {
      label: isRefund(input) ? '退款方式 Paid by' : '付款方式 Method',
      value: input.lines.map(methodText).join('\n'),
      size: 8.5,
    },
    { label: '金额（小写）Amount', value: formatFen(input.amount), size: 14, bold: true },
    { label: '金额（大写）In words', value: amountInCapitals(input.amount), size: 11, bold: true },
    ...(input.note ? [{ label: '备注 Note', value: clip(input.note, 120), size: 8.5 }] : []),
    ...(payee ? [{ label: '收款单位 Payee', value: payeeText(payee), size: 8.5 }] : []),
  ];
  let y = tableTop;
  hline(doc, left, mainRight, y, { width: 1 });
  for (const row of rows) {
    const size = row.size ?? 10;
    const h =
      Math.max(
        measure(doc, row.value, valueWidth - mm(3), { size, bold: row.bold ?? false }),
        measure(doc, row.label, labelWidth - mm(2), { size: 8 }),
      ) + mm(2.4);
    doc.save().rect(left, y, labelWidth, h).fill(INK.fill).restore();
    write(doc, row.label, left + mm(1.5), y + mm(1.2) + Math.max(0, (size - 10) * 0.35), labelWidth - mm(2), {
      size: 8,
      color: INK.muted,
    });
    write(doc, row.value, left + labelWidth + mm(2), y + mm(1.1), valueWidth - mm(3), {
      size,
      bold: row.bold ?? false,
    });
    y += h;
    hline(doc, left, mainRight, y, { width: 0.4, color: INK.rule });
  }
  hline(doc, left, mainRight, y, { width: 1 });
  doc
    .save()
    .moveTo(left + labelWidth, tableTop)
    .lineTo(left + labelWidth, y)
    .lineWidth(0.4)
    .stroke(INK.rule)
    .restore();

  // Verification on the right.
  verifyBlock(doc, input, qrX, tableTop - mm(1), qrSize, 6.5);

  // Signatures.
  const signY = Math.max(y + mm(5), mm(A5.height - A5.margin - 15));
  const third = (mainRight - left) / 3;
  put(doc, `收款人 Cashier  ${input.cashier}`, left, signY, { size: 9, bold: true });
  put(doc, isRefund(input) ? '领款人签字 Recipient' : '交款人签字 Payer', left + third + mm(4), signY, { size: 9 });
  hline(doc, left + third + mm(4), left + 2 * third, signY + mm(9), { width: 0.6 });
  put(doc, payee ? '收款单位盖章 Payee seal' : '单位盖章 Seal', left + 2 * third + mm(6), signY, { size: 9 });
  hline(doc, left + 2 * third + mm(6), mainRight, signY + mm(9), { width: 0.6 });

  // Footer.
  const footY = mm(A5.height - 6.5);
  put(
    doc,
    clip(
      `文件 Document ${input.documentId} · v${input.version} · 生成 Generated ${formatProjectTime(input.renderedAt, input.project.timezone)}`,
      120,
    ),
    left,
    footY,
    {
      size: 6,
      color: INK.faint,
    },
  );
  put(doc, '第一联 收据联 Copy for the payer', right, footY, { size: 6, color: INK.faint, align: 'right' });

  if (input.printCount > 1) copyStamp(doc, left + (mainRight - left) * 0.72, tableTop + mm(16), input.printCount);
  if (input.voided) voidStamp(doc, mm(A5.width / 2), mm(A5.height / 2 + 8), 1.1, input.voidReason);
}

// ── 80 mm thermal ──────────────────────────────────────────────────────────────────────────────

const ROLL = { widthMm: 80, marginMm: 4 } as const;
const WIDTH = mm(ROLL.widthMm - 2 * ROLL.marginMm);

function thermal(doc: Pdf, input: ReceiptDocumentInput): void {
  const center = { align: 'center' } as const;
  const unit = unitText(input);
  const title = titleText(input);
  const blocks: Block[] = [
    textBlock(doc, input.project.name, WIDTH, { font: 'bold', size: 13, ...center }),
    textBlock(doc, input.project.nameEn, WIDTH, { size: 8, ...center }),
    ...(input.project.payee
      ? [
          textBlock(doc, `收款单位 Payee：${clip(input.project.payee.name, 60)}`, WIDTH, { size: 8, ...center }),
          textBlock(doc, `统一社会信用代码 ${input.project.payee.creditCode}`, WIDTH, { size: 7, ...center }),
        ]
      : []),
    rule(doc, mm(2.5), mm(2.5)),
    textBlock(doc, `${title.zh.replace(/\s+/g, ' ')}  ${title.en}`, WIDTH, {
      font: 'bold',
      size: 14,
      ...center,
      gapAfter: mm(0.5),
    }),
    textBlock(doc, `No. ${input.label}`, WIDTH, { font: 'bold', size: 12, ...center, gapAfter: mm(1.5) }),
    ...(input.printCount > 1 ? [badge(doc, `COPY 重打 · 第${input.printCount}次打印`, 10)] : []),
    ...(input.voided ? [badge(doc, '作废  VOID', 22)] : []),
    spacer(mm(1)),
    row(doc, '日期 Date', formatProjectTime(input.receivedAt, input.project.timezone)),
    row(doc, payerLabel(input), input.payer.name),
    ...(input.payer.phone ? [row(doc, '电话 Phone', input.payer.phone)] : []),
    row(doc, unit.label, unit.value),
    row(doc, '款项 Item', bilingual(PAYMENT_KIND_LABELS[input.kind])),
    rule(doc, mm(1.5), mm(1.5)),
    ...input.lines.flatMap((line) => [
      row(doc, bilingual(PAYMENT_METHOD_LABELS[line.method]), formatFen(line.amount), false),
      ...(line.reference
        ? [
            textBlock(doc, `${line.method === 'CONVERSION' ? '转自 From' : '参考号 Ref.'} ${line.reference}`, WIDTH, {
              size: 7.5,
              gapAfter: mm(0.8),
            }),
          ]
        : []),
    ]),
    rule(doc, mm(1), mm(2)),
    row(doc, '金额 Amount', formatFen(input.amount), true, 14),
    textBlock(doc, amountInCapitals(input.amount), WIDTH, { font: 'bold', size: 10, align: 'right', gapAfter: mm(1) }),
    ...(input.note ? [textBlock(doc, `备注 Note: ${clip(input.note, 120)}`, WIDTH, { size: 8, gapAfter: mm(1) })] : []),
    ...(input.voided && input.voidReason
      ? [textBlock(doc, `作废原因 Void reason: ${input.voidReason}`, WIDTH, { font: 'bold', size: 9, gapAfter: mm(1) })]
      : []),
    rule(doc, mm(1), mm(2)),
    row(doc, '收款人 Cashier', input.cashier),
    spacer(mm(5)),
    textBlock(doc, '交款人签字 Payer signature: ____________', WIDTH, { size: 8.5, gapAfter: mm(1) }),
    rule(doc, mm(2), 0),
    qr(doc, input.verifyUrl),
    textBlock(doc, '扫码验真 Scan to verify', WIDTH, { font: 'bold', size: 9, ...center }),
    textBlock(doc, `v${input.version} · ${input.documentId}`, WIDTH, { size: 6.5, ...center, gapAfter: mm(1) }),
    textBlock(doc, `生成 Generated ${formatProjectTime(input.renderedAt, input.project.timezone)}`, WIDTH, {
      size: 6.5,
      ...center,
    }),
  ];
  addFittedPage(doc, ROLL, blocks);
}

/** Dashed tear line. */
function rule(doc: Pdf, above: number, below: number): Block {
  return {
    height: above + below,
    draw: (x, y) => hline(doc, x, x + WIDTH, y + above, { width: 0.8, color: 'black', dash: true }),
  };
}

/** Label left, value right (bold), wrapping the value under the label when long. */
function row(doc: Pdf, label: string, value: string, bold = true, size = 9.5): Block {
  const labelWidth = (doc.font(FONT.regular).fontSize(8.5), doc.widthOfString(label)) + mm(2);
  const valueWidth = WIDTH - labelWidth;
  const vh = measure(doc, value, valueWidth, { size, bold });
  const lh = measure(doc, label, labelWidth + mm(1), { size: 8.5 });
  return {
    height: Math.max(vh, lh) + mm(0.9),
    draw: (x, y) => {
      write(doc, label, x, y + Math.max(0, (size - 9.5) * 0.6), labelWidth + mm(1), { size: 8.5 });
      write(doc, value, x + labelWidth, y, valueWidth, { size, bold, align: 'right' });
    },
  };
}

/** White on black, full width: thermal heads cannot print a colour stamp. */
function badge(doc: Pdf, text: string, size: number): Block {
  doc.font(FONT.bold).fontSize(size);
  const lineHeight = doc.currentLineHeight(true);
  const pad = mm(1.2);
  return {
    height: lineHeight + 2 * pad + mm(1.5),
    draw: (x, y) => {
      doc
        .save()
        .rect(x, y, WIDTH, lineHeight + 2 * pad)
        .fill('black')
        .restore();
      put(doc, text, x + WIDTH / 2, y + pad, { size, bold: true, color: 'white', align: 'center' });
    },
  };
}

function qr(doc: Pdf, url: string): Block {
  const size = mm(30);
  const quiet = qrQuietZone(url, size);
  return {
    height: quiet + size + quiet * 0.6,
    draw: (x, y) => void drawQr(doc, url, x + (WIDTH - size) / 2, y + quiet, size),
  };
}
