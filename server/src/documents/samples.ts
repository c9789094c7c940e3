/**
 * Example inputs of the verifiable documents: the renderer tests print them and check the text
 * with pdftotext; they are also what docs/documents.md describes. Plain data, no I/O.
 */
import { DEFAULT_AGREEMENT_TERMS, type DayEndTotals, type ScheduleItem } from '@kaipan/shared';
import type { AgreementDocumentInput } from './agreement.js';
import type { DayEndDocumentInput, DayEndPaymentRow } from './day-end.js';
import type { DocumentEnvelope } from './paper.js';
import type { PurchasePlanDocumentInput } from './purchase-plan.js';
import type { ReceiptDocumentInput } from './receipt.js';

const PROJECT = { name: '滨江壹号二期', nameEn: 'Riverside One Phase II', timezone: 'Asia/Shanghai' };

export function sampleEnvelope(over: Partial<DocumentEnvelope> = {}): DocumentEnvelope {
  const documentId = over.documentId ?? '8d1f0b3c-2a77-4c0e-9a51-6f2e1d9b7a10';
  return {
    documentId,
    version: 1,
    verifyUrl: `https://kaipan.example.com/verify/${documentId}`,
    renderedAt: '2026-11-28T01:20:00Z',
    voided: false,
    project: PROJECT,
    ...over,
  };
}

export function sampleReceipt(over: Partial<ReceiptDocumentInput> = {}): ReceiptDocumentInput {
  return {
    ...sampleEnvelope(),
    variant: 'A5',
    label: 'KP2026-000001',
    receivedAt: '2026-11-28T01:03:27Z',
    kind: 'DEPOSIT',
    payer: { name: '张三丰', phone: '13812345678' },
    unitCode: '1-2502',
    registrationNo: 'R0007',
    amount: 10_000_000,
    lines: [
      { method: 'BANK_CARD', amount: 6_000_000, reference: '6222 **** 0427 / 882913' },
      { method: 'WECHAT', amount: 3_000_000, reference: '4200001234202611280001' },
      { method: 'CASH', amount: 1_000_000, reference: null },
    ],
    cashier: '出纳 王小明',
    note: null,
    printCount: 1,
    voidReason: null,
    ...over,
  };
}

const schedule = (items: Array<[ScheduleItem['kind'], string, string, number, number, string]>): ScheduleItem[] =>
  items.map(([kind, label, labelEn, amount, dueDays, dueDate]) => ({ kind, label, labelEn, amount, dueDays, dueDate }));

export function sampleAgreement(over: Partial<AgreementDocumentInput> = {}): AgreementDocumentInput {
  return {
    ...sampleEnvelope(),
    subscriptionId: '5e2b7c10-9d3a-4f61-8a0e-2c4b6d8f1a3e',
    subscribedAt: '2026-11-28T01:15:00Z',
    buyer: {
      name: '张三丰',
      phone: '13812345678',
      idNumberMasked: '110***********1234',
      coBuyers: [{ name: '李四娘', relation: '配偶', phone: '13900001111' }],
    },
    unit: {
      building: '1号楼 Building 1',
      floor: 25,
      code: '1-2502',
      layout: 'C2',
      layoutName: '3室2厅2卫',
      grossArea: 128.46,
      netArea: 102.3,
      orientation: '南北通透',
    },
    listPrice: 612_345_600,
    price: 599_169_900,
    breakdown: {
      listPrice: 612_345_600,
      floorPrice: 560_000_000,
      stacking: 'MULTIPLY_IN_ORDER',
      order: ['STANDARD', 'IDENTITY', 'PROMOTION', 'PAYMENT_METHOD'],
      planKind: 'MORTGAGE',
      at: '2026-11-28T01:15:00Z',
      steps: [
        {
          ruleId: 'r1',
          code: 'OPEN99',
          kind: 'STANDARD',
          name: '开盘优惠 99折',
          nameEn: 'Launch-day 1% off',
          rateBp: 9900,
          amountOffFen: null,
          before: 612_345_600,
          after: 606_222_144,
          off: 6_123_456,
        },
        {
          ruleId: 'r2',
          code: 'PROMO10K',
          kind: 'PROMOTION',
          name: '限时立减1万',
          nameEn: 'Limited offer ¥10,000 off',
          rateBp: null,
          amountOffFen: 1_000_000,
          before: 606_222_144,
          after: 605_222_144,
          off: 1_000_000,
        },
        {
          ruleId: 'r3',
          code: 'MORT99',
          kind: 'PAYMENT_METHOD',
          name: '按揭 99折',
          nameEn: 'Mortgage 1% off',
          rateBp: 9900,
          amountOffFen: null,
          before: 605_222_144,
          after: 599_169_923,
          off: 6_052_221,
        },
      ],
      unusedRuleIds: [],
      discountedPrice: 599_169_923,
      cap: { maxTotalDiscountBp: 1000, limit: 551_111_040, before: 599_169_923, after: 599_169_923, off: 0 },
      capped: false,
      rounding: { unit: 'YUAN', mode: 'HALF_UP', before: 599_169_923, after: 599_169_900, off: 23 },
      finalPrice: 599_169_900,
      totalOff: 13_175_700,
      belowFloor: false,
      belowFloorBy: 0,
    },
    plan: { name: '按揭 首付30%', nameEn: 'Mortgage, 30% down' },
    schedule: schedule([
      ['DEPOSIT', '定金', 'Deposit', 5_000_000, 0, '2026-11-28'],
      ['DOWN_PAYMENT', '首付款（扣除定金）', 'Down payment (less deposit)', 174_750_970, 30, '2026-12-28'],
      ['LOAN', '按揭贷款', 'Mortgage loan', 419_418_930, 30, '2026-12-28'],
    ]),
    depositRequired: 5_000_000,
    depositReceived: { amount: 5_000_000, receipts: ['KP2026-000001'] },
    signingDeadline: '2026-12-05',
    signingDays: 7,
    terms: DEFAULT_AGREEMENT_TERMS,
    consultant: '顾问 陈静',
    ...over,
  };
}

export function samplePurchasePlan(over: Partial<PurchasePlanDocumentInput> = {}): PurchasePlanDocumentInput {
  const list = 612_345_600;
  return {
    ...sampleEnvelope(),
    unit: {
      building: '1号楼 Building 1',
      floor: 25,
      code: '1-2502',
      layout: 'C2',
      layoutName: '3室2厅2卫',
      grossArea: 128.46,
      netArea: 102.3,
      orientation: '南北通透',
      listPrice: list,
    },
    quotedOn: '2026-11-28',
    validUntil: '2026-12-04',
    consultant: '顾问 陈静',
    columns: [
      {
        plan: { code: 'LUMP', name: '一次性付款', nameEn: 'Lump sum', kind: 'LUMP_SUM' },
        ok: true,
        steps: [
          { code: 'OPEN99', name: '开盘优惠 99折', nameEn: 'Launch-day 1% off', off: 6_123_456 },
          { code: 'LUMP98', name: '一次性付款 98折', nameEn: 'Lump sum 2% off', off: 12_124_443 },
        ],
        capOff: 0,
        roundingOff: 1,
        finalPrice: 594_097_700,
        needsApproval: false,
        schedule: schedule([
          ['DEPOSIT', '定金', 'Deposit', 5_000_000, 0, '2026-11-28'],
          ['BALANCE', '尾款', 'Balance', 589_097_700, 30, '2026-12-28'],
        ]),
      },
      {
        plan: { code: 'MORTGAGE30', name: '按揭 首付30%', nameEn: 'Mortgage, 30% down', kind: 'MORTGAGE' },
        ok: true,
        steps: [
          { code: 'OPEN99', name: '开盘优惠 99折', nameEn: 'Launch-day 1% off', off: 6_123_456 },
          { code: 'MORT99', name: '按揭 99折', nameEn: 'Mortgage 1% off', off: 6_062_221 },
        ],
        capOff: 0,
        roundingOff: 23,
        finalPrice: 600_159_900,
        needsApproval: false,
        schedule: [
          ...schedule([
            ['DEPOSIT', '定金', 'Deposit', 5_000_000, 0, '2026-11-28'],
            ['DOWN_PAYMENT', '首付款（扣除定金）', 'Down payment (less deposit)', 175_047_970, 30, '2026-12-28'],
          ]),
          {
            kind: 'LOAN',
            label: '按揭贷款',
            labelEn: 'Mortgage loan',
            amount: 420_111_930,
            dueDays: 30,
            dueDate: '2026-12-28',
            note: '合作银行 Partner bank: 中国建设银行 CCB',
          },
        ],
      },
      {
        plan: { code: 'INSTALL3', name: '分期 (3期)', nameEn: 'Three installments', kind: 'INSTALLMENTS' },
        ok: true,
        steps: [{ code: 'OPEN99', name: '开盘优惠 99折', nameEn: 'Launch-day 1% off', off: 6_123_456 }],
        capOff: 0,
        roundingOff: 44,
        finalPrice: 606_222_100,
        needsApproval: false,
        schedule: schedule([
          ['DEPOSIT', '定金', 'Deposit', 5_000_000, 0, '2026-11-28'],
          ['INSTALLMENT', '第1期（扣除定金）', 'Installment 1 (less deposit)', 176_866_630, 7, '2026-12-05'],
          ['INSTALLMENT', '第2期', 'Installment 2', 181_866_630, 90, '2027-02-26'],
          ['INSTALLMENT', '第3期', 'Installment 3', 242_488_840, 180, '2027-05-27'],
        ]),
      },
    ],
    ...over,
  };
}

export function sampleDayEnd(over: Partial<DayEndDocumentInput> = {}, paymentCount = 12): DayEndDocumentInput {
  const kinds = ['SINCERITY', 'DEPOSIT', 'DEPOSIT', 'DOWN_PAYMENT', 'OTHER'] as const;
  const payments: DayEndPaymentRow[] = Array.from({ length: paymentCount }, (_, i) => ({
    at: new Date(Date.parse('2026-11-28T01:00:00Z') + i * 7 * 60_000).toISOString(),
    receipt: `KP2026-${String(i + 1).padStart(6, '0')}`,
    kind: kinds[i % kinds.length]!,
    status: i === 3 ? 'VOIDED' : 'RECORDED',
    payer: ['张三丰', '李四', '王五', 'Alice Wang', '赵六'][i % 5]!,
    reference: i % 5 === 0 ? `R${String(i + 1).padStart(4, '0')}` : `1-${String(2501 + i)}`,
    methods: i % 3 === 0 ? ['BANK_CARD', 'CASH'] : i % 3 === 1 ? ['WECHAT'] : ['TRANSFER'],
    amount: (i % 5 === 0 ? 2_000_000 : 5_000_000) + i * 100,
  }));
  payments.push({
    ...payments[0]!,
    at: '2026-11-28T09:00:00Z',
    receipt: `KP2026-${String(paymentCount + 1).padStart(6, '0')}`,
    kind: 'REFUND',
    status: 'RECORDED',
    methods: ['TRANSFER'],
    amount: 2_000_000,
  });
  const live = payments.filter((p) => p.status !== 'VOIDED');
  const byKind: DayEndTotals['byKind'] = {};
  const byMethod: DayEndTotals['byMethod'] = {};
  for (const p of live) {
    const k = (byKind[p.kind] ??= { count: 0, amount: 0 });
    k.count += 1;
    k.amount += p.amount;
    const m = (byMethod[p.methods[0]!] ??= { count: 0, amount: 0 });
    m.count += 1;
    m.amount += p.amount;
  }
  const net = live.reduce((s, p) => s + (p.kind === 'REFUND' ? -p.amount : p.amount), 0);
  return {
    ...sampleEnvelope(),
    totals: {
      businessDate: '2026-11-28',
      cashierId: 'c1',
      cashier: '出纳 王小明',
      byKind,
      byMethod,
      net,
      receiptsIssued: payments.length,
      receiptsVoided: 1,
      firstReceipt: payments[0]?.receipt ?? null,
      lastReceipt: payments[payments.length - 1]?.receipt ?? null,
      closed: true,
      closedAt: '2026-11-28T10:30:00Z',
      closedBy: '经理 刘强',
      dayCloseId: '00000000-0000-4000-8000-00000000d0c1',
    },
    payments,
    ...over,
  };
}
