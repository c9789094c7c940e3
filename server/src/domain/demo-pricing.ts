/**
 * The demo project's pricing terms (also used by the test fixture): discounts of every kind, three
 * payment plans and the policy. Validity windows are relative to `now` so the demo stays usable.
 */
import type { DiscountKind, PaymentPlan, PlanKind, PricingPolicyInput } from '@kaipan/shared';

export const DEMO_POLICY: PricingPolicyInput = {
  stacking: 'MULTIPLY_IN_ORDER',
  maxTotalDiscountBp: 1000,
  rounding: { unit: 'YUAN', mode: 'HALF_UP' },
};

const DAY = 86_400_000;

export interface DemoDiscount {
  code: string;
  kind: DiscountKind;
  name: string;
  nameEn: string;
  rateBp?: number;
  amountOffFen?: number;
  validFrom?: Date;
  validTo?: Date;
  paymentMethods?: PlanKind[];
  identityTag?: string;
  sortOrder: number;
}

export function demoDiscounts(now: Date): DemoDiscount[] {
  return [
    {
      code: 'OPEN99',
      kind: 'STANDARD',
      name: '开盘优惠 99折',
      nameEn: 'Launch-day 1% off',
      rateBp: 9900,
      sortOrder: 1,
    },
    {
      code: 'STAFF97',
      kind: 'IDENTITY',
      name: '员工 97折',
      nameEn: 'Staff 3% off',
      rateBp: 9700,
      identityTag: 'staff',
      sortOrder: 2,
    },
    {
      code: 'OWNER20K',
      kind: 'IDENTITY',
      name: '老业主 减2万',
      nameEn: 'Returning owner ¥20,000 off',
      amountOffFen: 2_000_000,
      identityTag: 'returning-owner',
      sortOrder: 3,
    },
    {
      code: 'PROMO10K',
      kind: 'PROMOTION',
      name: '限时立减1万',
      nameEn: 'Limited offer ¥10,000 off',
      amountOffFen: 1_000_000,
      validFrom: new Date(now.getTime() - DAY),
      validTo: new Date(now.getTime() + 30 * DAY),
      sortOrder: 4,
    },
    {
      code: 'LUMP98',
      kind: 'PAYMENT_METHOD',
      name: '一次性付款 98折',
      nameEn: 'Lump sum 2% off',
      rateBp: 9800,
      paymentMethods: ['LUMP_SUM'],
      sortOrder: 5,
    },
    {
      code: 'MORT99',
      kind: 'PAYMENT_METHOD',
      name: '按揭 99折',
      nameEn: 'Mortgage 1% off',
      rateBp: 9900,
      paymentMethods: ['MORTGAGE'],
      sortOrder: 6,
    },
  ];
}

export const DEMO_PLANS: readonly {
  code: string;
  name: string;
  nameEn: string;
  terms: PaymentPlan;
  sortOrder: number;
}[] = [
  {
    code: 'LUMP',
    name: '一次性付款',
    nameEn: 'Lump sum',
    sortOrder: 1,
    terms: { kind: 'LUMP_SUM', depositFen: 5_000_000, balanceDueDays: 30 },
  },
  {
    code: 'MORTGAGE30',
    name: '按揭 首付30%',
    nameEn: 'Mortgage, 30% down',
    sortOrder: 2,
    terms: {
      kind: 'MORTGAGE',
      depositFen: 5_000_000,
      downPaymentBp: 3000,
      downPaymentDueDays: 30,
      loanNote: '合作银行 Partner bank: 中国建设银行 CCB',
    },
  },
  {
    code: 'INSTALL3',
    name: '分期 (3期)',
    nameEn: 'Three installments',
    sortOrder: 3,
    terms: {
      kind: 'INSTALLMENTS',
      depositFen: 5_000_000,
      installments: [
        { bp: 3000, dueDays: 7 },
        { bp: 3000, dueDays: 90 },
        { bp: 4000, dueDays: 180 },
      ],
    },
  },
];
