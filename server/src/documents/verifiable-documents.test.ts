/**
 * The verifiable documents — receipt 收据 (A5 and 80 mm), agreement 认购书, purchase plan 置业计划书,
 * day-end 日结 — read back through poppler (pdftotext / pdfinfo / pdftoppm): what those tools see is
 * what a printer and a buyer's viewer see. Needs poppler-utils (installed by the test setup when missing).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGREEMENT_TERMS } from '@kaipan/shared';
import { renderAgreement } from './agreement.js';
import { renderDayEnd } from './day-end.js';
import { resolveCjkFonts } from './fonts.js';
import { formatFen } from './paper.js';
import { renderPurchasePlan } from './purchase-plan.js';
import { renderReceipt } from './receipt.js';
import { sampleAgreement, sampleDayEnd, sampleEnvelope, samplePurchasePlan, sampleReceipt } from './samples.js';

const run = promisify(execFile);
const fonts = resolveCjkFonts()[0]!;
const PT_PER_MM = 72 / 25.4;

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-vdocs-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

interface ReadBack {
  /** pdftotext output with all whitespace removed (CJK layout breaks lines anywhere). */
  flat: string;
  /** pdftotext -raw output as it is, line breaks kept. */
  text: string;
  pages: number;
  widthMm: number;
  heightMm: number;
  info: string;
}

let counter = 0;
async function readBack(pdf: Buffer): Promise<ReadBack> {
  const file = path.join(dir, `doc-${(counter += 1)}.pdf`);
  await fs.writeFile(file, pdf);
  const [{ stdout: text }, { stdout: info }] = await Promise.all([
    // -raw: content-stream order, so rotated stamps (COPY 重打, 作废 VOID) read back as written.
    run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']),
    run('pdfinfo', [file]),
  ]);
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  return {
    flat: text.replace(/\s+/g, ''),
    text,
    pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0),
    widthMm: Number(size?.[1]) / PT_PER_MM,
    heightMm: Number(size?.[2]) / PT_PER_MM,
    info,
  };
}

const flat = (s: string): string => s.replace(/\s+/g, '');
function expectAll(doc: ReadBack, expected: string[]): void {
  const missing = expected.filter((e) => !doc.flat.includes(flat(e)));
  expect(missing).toEqual([]);
}

/** Every page rasterises (pdftoppm), one PNG each. */
async function rasterise(pdf: Buffer, pages: number): Promise<void> {
  const base = path.join(dir, `png-${(counter += 1)}`);
  await fs.writeFile(`${base}.pdf`, pdf);
  await run('pdftoppm', ['-r', '30', '-png', `${base}.pdf`, base]);
  const pngs = (await fs.readdir(dir)).filter((f) => f.startsWith(path.basename(base)) && f.endsWith('.png'));
  expect(pngs).toHaveLength(pages);
}

/**
 * Modules of the QR symbol drawn at (xMm, yMm) with side sizeMm on the first page that differ from
 * the symbol of `url` (0 = the paper's QR code encodes exactly `url`). Rasterised by pdftoppm as
 * greyscale PGM at 240 dpi, sampled at each module's centre.
 */
async function qrMismatches(
  pdf: Buffer,
  pageWidthMm: number,
  box: { xMm: number; yMm: number; sizeMm: number },
  url: string,
): Promise<number> {
  const base = path.join(dir, `qr-${(counter += 1)}`);
  await fs.writeFile(`${base}.pdf`, pdf);
  await run('pdftoppm', ['-r', '240', '-gray', '-f', '1', '-l', '1', '-singlefile', `${base}.pdf`, base]);
  const pgm = await fs.readFile(`${base}.pgm`);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40));
  if (!header) throw new Error('not a PGM');
  const width = Number(header[1]);
  const pixels = pgm.subarray(header[0].length);
  const pxPerMm = width / pageWidthMm;
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const quiet = (4 * box.sizeMm) / n;
  const cell = box.sizeMm / n;
  let mismatches = 0;
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; c += 1) {
      const x = Math.round((box.xMm + (c + 0.5) * cell) * pxPerMm);
      const y = Math.round((box.yMm + quiet / 2 + (r + 0.5) * cell) * pxPerMm);
      if (pixels[y * width + x]! < 128 !== Boolean(modules.get(r, c))) mismatches += 1;
    }
  }
  return mismatches;
}

describe('formatFen', () => {
  it('prints yuan with thousands separators and always two decimals, exactly', () => {
    expect(formatFen(10_000_000)).toBe('¥100,000.00');
    expect(formatFen(1)).toBe('¥0.01');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(99_999_999_999)).toBe('¥999,999,999.99');
    expect(formatFen(-2_000_005)).toBe('-¥20,000.05');
  });
});

describe('renderReceipt', () => {
  it('A5: number, date in the project zone, payer, unit, kind, methods with references, figures and capitals, cashier', async () => {
    const input = sampleReceipt();
    const doc = await readBack(await renderReceipt(input, fonts));
    expect(doc.pages).toBe(1);
    expect(doc.widthMm).toBeCloseTo(210, 0);
    expect(doc.heightMm).toBeCloseTo(148, 0);
    expectAll(doc, [
      '滨江壹号二期',
      '收据',
      'RECEIPT',
      'KP2026-000001',
      '2026-11-28 09:03',
      '张三丰',
      '13812345678',
      '1-2502',
      'R0007',
      '定金 Subscription deposit',
      '银行卡 Bank card',
      '¥60,000.00',
      '6222 **** 0427 / 882913',
      '微信支付',
      '4200001234202611280001',
      '现金 Cash',
      '¥100,000.00',
      '人民币壹拾万元整',
      '出纳 王小明',
      '扫码验真',
      input.documentId,
    ]);
    expect(doc.flat).not.toContain('COPY');
    expect(doc.flat).not.toContain('作废');
    expect(doc.info).toMatch(/Title:\s+收据 Receipt KP2026-000001/);
  });

  it('stamps a reprint COPY 重打 第N次打印, and a voided receipt 作废 VOID with its reason', async () => {
    const copy = await readBack(await renderReceipt(sampleReceipt({ printCount: 3 }), fonts));
    expectAll(copy, ['COPY', '重打', '第3次打印']);
    const voided = await readBack(
      await renderReceipt(sampleReceipt({ voided: true, voidReason: '金额录入错误' }), fonts),
    );
    expectAll(voided, ['作废', 'VOID', '金额录入错误']);
    expect(voided.pages).toBe(1);
    // The first print (printCount 1) and an unprinted receipt (0) carry no stamp.
    expect((await readBack(await renderReceipt(sampleReceipt({ printCount: 0 }), fonts))).flat).not.toContain('COPY');
  });

  it('80 mm thermal: one roll page of 80 mm, the same facts, and black badges for COPY and VOID', async () => {
    const input = sampleReceipt({ variant: 'THERMAL_80', printCount: 2, voided: true, voidReason: '重复收款' });
    const doc = await readBack(await renderReceipt(input, fonts));
    expect(doc.pages).toBe(1);
    expect(doc.widthMm).toBeCloseTo(80, 0);
    expect(doc.heightMm).toBeGreaterThan(150);
    expect(doc.heightMm).toBeLessThan(320);
    expectAll(doc, [
      'KP2026-000001',
      '2026-11-28 09:03',
      '张三丰',
      '1-2502',
      '¥100,000.00',
      '人民币壹拾万元整',
      'COPY 重打',
      '第2次打印',
      '作废',
      'VOID',
      '重复收款',
      input.documentId,
    ]);
  });

  it('prints capitals for awkward amounts and refunds as such', async () => {
    const cases: Array<[number, string]> = [
      [1, '人民币壹分'],
      [100_005, '人民币壹仟元零伍分'],
      [100_010_000, '人民币壹佰万零壹佰元整'],
      [1_000_100_000, '人民币壹仟万壹仟元整'],
      [99_999_999_999, '人民币玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
    ];
    for (const [amount, capitals] of cases) {
      const doc = await readBack(
        await renderReceipt(sampleReceipt({ amount, lines: [{ method: 'CASH', amount, reference: null }] }), fonts),
      );
      expectAll(doc, [formatFen(amount), capitals]);
    }
    const refund = await readBack(
      await renderReceipt(
        sampleReceipt({
          kind: 'REFUND',
          unitCode: null,
          lines: [{ method: 'TRANSFER', amount: 10_000_000, reference: 'TX-99' }],
        }),
        fonts,
      ),
    );
    expectAll(refund, ['退款收据', 'REFUND RECEIPT', '领款人 Paid to', '退款 Refund', 'R0007', 'TX-99']);
  });

  it('carries a QR code that encodes exactly its /verify/<id> URL', async () => {
    const input = sampleReceipt();
    const pdf = await renderReceipt(input, fonts);
    // A5 layout: the symbol (27 mm) sits at the right margin, 36 mm from the top (+ half its quiet zone).
    const box = { xMm: 210 - 10 - 27, yMm: 36, sizeMm: 27 };
    expect(await qrMismatches(pdf, 210, box, input.verifyUrl)).toBe(0);
    expect(await qrMismatches(pdf, 210, box, input.verifyUrl.replace(/0$/, '1'))).toBeGreaterThan(20);
  });

  it('renders the same bytes for the same data, other bytes for another document id', async () => {
    const a = await renderReceipt(sampleReceipt(), fonts);
    expect(a.equals(await renderReceipt(sampleReceipt(), fonts))).toBe(true);
    const other = sampleEnvelope({ documentId: '11111111-2222-4333-8444-555555555555' });
    expect(
      a.equals(await renderReceipt(sampleReceipt({ documentId: other.documentId, verifyUrl: other.verifyUrl }), fonts)),
    ).toBe(false);
    await rasterise(a, 1);
  });
});

describe('renderAgreement', () => {
  it('prints parties, unit, price breakdown, schedule, deposit, deadline, terms and signatures over numbered pages', async () => {
    const input = sampleAgreement();
    const pdf = await renderAgreement(input, fonts);
    const doc = await readBack(pdf);
    expect(doc.pages).toBe(3);
    expect(doc.widthMm).toBeCloseTo(210, 0);
    expect(doc.heightMm).toBeCloseTo(297, 0);
    expectAll(doc, [
      '商品房认购书',
      'SUBSCRIPTION AGREEMENT',
      '编号 No. 5E2B7C10',
      '2026-11-28 09:15',
      // parties
      '滨江壹号二期',
      '张三丰',
      '13812345678',
      '110***********1234',
      '李四娘（配偶）',
      '顾问 陈静',
      // unit
      '1号楼 Building 1',
      '25 层',
      '1-2502',
      '3室2厅2卫（C2）',
      '128.46 m²',
      '102.30 m²',
      '南北通透',
      // breakdown: list → each discount → rounding → final, in figures and capitals
      '表价 List price',
      '¥6,123,456.00',
      '开盘优惠 99折（OPEN99）',
      '− ¥61,234.56',
      '¥6,062,221.44',
      '限时立减1万（PROMO10K）',
      '按揭 99折（MORT99）',
      '取整 Rounding',
      '− ¥0.23',
      '优惠合计',
      '− ¥131,757.00',
      '成交总价 Final price',
      '¥5,991,699.00',
      '人民币伍佰玖拾玖万壹仟陆佰玖拾玖元整',
      // schedule with due dates
      '按揭 首付30%',
      '定金',
      '¥50,000.00',
      '2026-11-28',
      '首付款（扣除定金）',
      '¥1,747,509.70',
      '2026-12-28',
      '按揭贷款',
      '¥4,194,189.30',
      // deposit, deadline, terms, signatures
      '已收定金 Deposit received',
      'KP2026-000001',
      '2026-12-05',
      '7 日',
      '认购须知',
      '双倍返还定金',
      '甲方（盖章）',
      '乙方（签字）',
      '第 1 页 共 3 页',
      '第 3 页 共 3 页',
      input.documentId,
    ]);
    expect(doc.flat).not.toContain('作废');
    await rasterise(pdf, 3);
  });

  it('after an approved 调价 prints the adjustment between the computed and the agreed price, either way', async () => {
    const base = sampleAgreement();
    const finalPrice = base.breakdown!.finalPrice;
    const lower = await readBack(await renderAgreement(sampleAgreement({ price: finalPrice - 1_000_000 }), fonts));
    expectAll(lower, [
      '调价 Price adjustment',
      '− ¥10,000.00',
      '¥5,981,699.00',
      '优惠合计',
      '− ¥141,757.00',
      '人民币伍佰玖拾捌万壹仟陆佰玖拾玖元整',
    ]);
    const above = await readBack(await renderAgreement(sampleAgreement({ price: base.listPrice + 100_000 }), fonts));
    expectAll(above, ['调价 Price adjustment', '+ ¥132,757.00', '合计加价', '+ ¥1,000.00', '¥6,124,456.00']);
    const plain = await readBack(await renderAgreement(base, fonts));
    expect(plain.flat).not.toContain('调价');
  });

  it('carries the QR code of its own /verify/<id> URL', async () => {
    const input = sampleAgreement();
    const pdf = await renderAgreement(input, fonts);
    // A4 header: a 26 mm symbol at the right margin (16 mm), its top 1.5 mm above the 16 mm margin.
    const box = { xMm: 210 - 16 - 26, yMm: 16 - 1.5, sizeMm: 26 };
    expect(await qrMismatches(pdf, 210, box, input.verifyUrl)).toBe(0);
  });

  it('copes without breakdown, plan or deposit, prints the project terms, and stamps every page of a voided agreement', async () => {
    const doc = await readBack(
      await renderAgreement(
        sampleAgreement({
          voided: true,
          breakdown: null,
          plan: null,
          schedule: null,
          depositRequired: null,
          depositReceived: { amount: 0, receipts: [] },
          buyer: { name: 'Alice Wang', phone: '13800000000', idNumberMasked: null, coBuyers: [] },
          terms: '本项目特别约定：车位另售。\n\n第二条 Parking is sold separately.',
        }),
        fonts,
      ),
    );
    expectAll(doc, ['Alice Wang', '约定为准', '尚未收取', '本项目特别约定：车位另售。', 'Parking is sold separately.']);
    expect(doc.flat).not.toContain('双倍返还定金');
    const stamps = doc.flat.split('作废VOID').length - 1;
    expect(stamps).toBe(doc.pages);
  });

  it('a sample 样本 is stamped SAMPLE on every page, has no QR code or document id, and a real agreement says nothing of samples', async () => {
    const input = sampleAgreement({
      sample: true,
      terms: DEFAULT_AGREEMENT_TERMS.replace('1. 本认购书', '1. SAMPLE-TERMS-4242 本认购书'),
    });
    const pdf = await renderAgreement(input, fonts);
    const doc = await readBack(pdf);
    expect(doc.pages).toBeGreaterThan(1);
    const file = path.join(dir, `sample-${(counter += 1)}.pdf`);
    await fs.writeFile(file, pdf);
    for (let page = 1; page <= doc.pages; page += 1) {
      const { stdout } = await run('pdftotext', [
        '-raw',
        '-f',
        String(page),
        '-l',
        String(page),
        '-enc',
        'UTF-8',
        file,
        '-',
      ]);
      const text = flat(stdout);
      expect(text).toContain(flat('样本  SAMPLE'));
      expect(text).toContain(flat('不作为认购凭证 · Not a subscription'));
      expect(text).toContain(flat(`第 ${page} 页 共 ${doc.pages} 页`));
    }
    expectAll(doc, ['SAMPLE-TERMS-4242', '样本文件', '无核验码', 'Sample — no verification code', '编号 No. SAMPLE']);
    expect(doc.flat).not.toContain('扫码验真');
    expect(doc.flat).not.toContain(input.documentId);
    await rasterise(pdf, doc.pages);

    const real = await readBack(await renderAgreement(sampleAgreement(), fonts));
    expect(real.flat).not.toContain('样本');
    expect(real.flat).not.toContain('SAMPLE');
    expect(real.flat).toContain('扫码验真');
  });

  it('flows a 20,000-character terms text over as many pages as it needs, without losing its end', async () => {
    const paragraph = '本条款为测试用长文本，用于检查分页是否正确。This clause is long on purpose to test pagination. ';
    const terms =
      Array.from({ length: 400 }, (_, i) => `${i + 1}. ${paragraph}`)
        .join('\n\n')
        .slice(0, 19_990) + '\n\n条款结束END';
    const doc = await readBack(await renderAgreement(sampleAgreement({ terms }), fonts));
    expect(doc.pages).toBeGreaterThan(6);
    expectAll(doc, ['条款结束END', `第 ${doc.pages} 页 共 ${doc.pages} 页`, '乙方（签字）']);
  });
});

describe('renderPurchasePlan', () => {
  it('puts each payment plan side by side on one A4 page with discounts, final price, deposit, loan and dated schedule', async () => {
    const input = samplePurchasePlan();
    const pdf = await renderPurchasePlan(input, fonts);
    const doc = await readBack(pdf);
    expect(doc.pages).toBe(1);
    expectAll(doc, [
      '置业计划书',
      'PURCHASE PLAN',
      '1-2502',
      '¥6,123,456.00',
      '一次性付款',
      '按揭 首付30%',
      '分期 (3期)',
      '一次性付款 98折',
      '¥5,940,977.00',
      '¥6,001,599.00',
      '¥6,062,221.00',
      '人民币伍佰玖拾肆万零玖佰柒拾柒元整',
      '¥4,201,119.30',
      '中国建设银行',
      '2027-05-27',
      '仅供参考',
      'For reference only',
      '有效期至 Valid until 2026-12-04',
      '顾问 陈静',
    ]);
    await rasterise(pdf, 1);
  });

  it('shows a plan the selection cannot apply to as not applicable, with the reason', async () => {
    const base = samplePurchasePlan();
    const doc = await readBack(
      await renderPurchasePlan(
        {
          ...base,
          columns: [
            ...base.columns,
            {
              plan: { code: 'STAFF', name: '员工专享', nameEn: 'Staff', kind: 'LUMP_SUM' },
              ok: false,
              reason: 'STAFF97 requires identity "staff"',
            },
          ],
        },
        fonts,
      ),
    );
    expect(doc.pages).toBe(1);
    expectAll(doc, ['员工专享', '不适用 Not applicable', 'STAFF97 requires identity']);
  });
});

describe('renderDayEnd', () => {
  it('prints totals by kind and method, net in capitals, receipts range, the payments and signature lines', async () => {
    const input = sampleDayEnd();
    const pdf = await renderDayEnd(input, fonts);
    const doc = await readBack(pdf);
    expectAll(doc, [
      '收银日结单',
      'CASHIER DAY-END REPORT',
      '2026-11-28',
      '出纳 王小明',
      '已结账 Closed',
      '2026-11-28 18:30',
      '经理 刘强',
      '诚意金 Sincerity deposit',
      '定金 Subscription deposit',
      '退款 Refund',
      '银行卡 Bank card',
      '微信支付 WeChat Pay',
      formatFen(input.totals.net),
      'KP2026-000001',
      'KP2026-000013',
      '已作废', // a voided payment's status (shared/src/labels.ts)
      '复核 Checked by',
      '财务 Finance',
      input.documentId,
    ]);
    expect(doc.flat).toContain(flat(input.totals.net >= 0 ? '人民币' : '退'));
    await rasterise(pdf, doc.pages);
  });

  it('continues a long day over numbered pages, with the last payment and the signatures on the last', async () => {
    const doc = await readBack(await renderDayEnd(sampleDayEnd({}, 120), fonts));
    expect(doc.pages).toBeGreaterThanOrEqual(3);
    expectAll(doc, ['KP2026-000120', 'KP2026-000121', `第 ${doc.pages} 页 共 ${doc.pages} 页`, '出纳 Cashier']);
  });

  it('breaks a payment of several methods only between methods, never inside a name (银行/卡)', async () => {
    const base = sampleDayEnd({}, 1);
    const payments = [{ ...base.payments[0]!, methods: ['WECHAT', 'BANK_CARD', 'ALIPAY', 'CASH'] as const }];
    const doc = await readBack(
      await renderDayEnd({ ...base, payments: payments.map((p) => ({ ...p, methods: [...p.methods] })) }, fonts),
    );
    const lines = doc.text.split('\n').map((l) => l.trim());
    // Each method name stands whole on a line; the line breaks fall after a "+".
    for (const name of ['微信支付', '银行卡', '支付宝', '现金']) expect(lines.some((l) => l.includes(name))).toBe(true);
    expect(doc.text).not.toMatch(/银行\n卡|微信\n支付|支付\n宝/);
    expect(lines).not.toContain('+');
  });

  it('says so when the day had no payments', async () => {
    const doc = await readBack(await renderDayEnd(sampleDayEnd({ payments: [] }), fonts));
    expect(doc.pages).toBe(1);
    expectAll(doc, ['收款明细 Payments（0）', '当日无收款记录', 'No payments were recorded this day.']);
  });
});
