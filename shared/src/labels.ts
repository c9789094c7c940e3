/**
 * THE zh/en labels of the codes Kaipan stores — payment kinds, methods and statuses, receipt, unit
 * and subscription statuses, customer channels, payment-plan kinds. Every place a person reads one
 * of these codes (reports, paper, the cashier desk, customer screens) takes its words from here, so a
 * report never says DEPOSIT or BANK_CARD and two screens never name the same thing differently.
 * Pure data, no I/O.
 */
import type { Locale } from './format.js';
import type { PaymentKind, PaymentMethod, PaymentStatus } from './cashier.js';
import type { SourceChannel } from './customers.js';
import type { PlanKind } from './payment-plans.js';
import type { UnitStatus } from './unit-status.js';

/** One code's words in both languages. */
export interface Label {
  zh: string;
  en: string;
}

/** The label in `lang` (zh-CN: Chinese, en: English). */
export function labelText(label: Label, lang: Locale): string {
  return lang === 'en' ? label.en : label.zh;
}

/** "银行卡 Bank card": both languages at once (paper and CSV files read by either). */
export function bilingual(label: Label): string {
  return `${label.zh} ${label.en}`;
}

/** 收款类型: what a payment is for. */
export const PAYMENT_KIND_LABELS: Readonly<Record<PaymentKind, Label>> = {
  SINCERITY: { zh: '诚意金', en: 'Sincerity deposit' },
  DEPOSIT: { zh: '定金', en: 'Subscription deposit' },
  DOWN_PAYMENT: { zh: '首付款', en: 'Down payment' },
  OTHER: { zh: '其他', en: 'Other' },
  REFUND: { zh: '退款', en: 'Refund' },
};

/** 付款方式: how the money came (CONVERSION: a sincerity deposit turned into the deposit, no money moved). */
export const PAYMENT_METHOD_LABELS: Readonly<Record<PaymentMethod, Label>> = {
  CASH: { zh: '现金', en: 'Cash' },
  BANK_CARD: { zh: '银行卡', en: 'Bank card' },
  TRANSFER: { zh: '银行转账', en: 'Bank transfer' },
  WECHAT: { zh: '微信支付', en: 'WeChat Pay' },
  ALIPAY: { zh: '支付宝', en: 'Alipay' },
  CHEQUE: { zh: '支票', en: 'Cheque' },
  CONVERSION: { zh: '诚意金转入', en: 'Converted sincerity deposit' },
};

/** A payment's state. */
export const PAYMENT_STATUS_LABELS: Readonly<Record<PaymentStatus, Label>> = {
  RECORDED: { zh: '已收款', en: 'Recorded' },
  VOIDED: { zh: '已作废', en: 'Voided' },
  CONVERTED: { zh: '已转定金', en: 'Converted' },
  REFUNDED: { zh: '已退款', en: 'Refunded' },
};

/** A receipt's state (a voided receipt keeps its number). */
export const RECEIPT_STATUS_LABELS: Readonly<Record<'ISSUED' | 'VOIDED', Label>> = {
  ISSUED: { zh: '已开具', en: 'Issued' },
  VOIDED: { zh: '已作废', en: 'Voided' },
};

/** A unit's sale status (the board's legend words). */
export const UNIT_STATUS_LABELS: Readonly<Record<UnitStatus, Label>> = {
  NOT_RELEASED: { zh: '未推', en: 'Not released' },
  AVAILABLE: { zh: '可售', en: 'Available' },
  LOCKED: { zh: '已锁定', en: 'Locked' },
  SUBSCRIBED: { zh: '已认购', en: 'Subscribed' },
  CONTRACTED: { zh: '已签约', en: 'Contracted' },
  WITHHELD: { zh: '保留', en: 'Withheld' },
};

/** A subscription's state (ACTIVE and CONTRACTED are live deals). */
export const SUBSCRIPTION_STATUS_LABELS: Readonly<Record<'ACTIVE' | 'CANCELLED' | 'CONTRACTED' | 'CHANGED', Label>> = {
  ACTIVE: { zh: '已认购', en: 'Subscribed' },
  CONTRACTED: { zh: '已签约', en: 'Contracted' },
  CANCELLED: { zh: '已退房', en: 'Cancelled' },
  CHANGED: { zh: '已换房', en: 'Changed' },
};

/** Where a customer came from 来源渠道. */
export const SOURCE_CHANNEL_LABELS: Readonly<Record<SourceChannel, Label>> = {
  WALK_IN: { zh: '自然到访', en: 'Walk-in' },
  REFERRAL: { zh: '老带新', en: 'Referral' },
  ONLINE: { zh: '线上', en: 'Online' },
  ADVERTISING: { zh: '广告', en: 'Advertising' },
  AGENT: { zh: '中介/分销', en: 'Agent' },
  OTHER: { zh: '其他', en: 'Other' },
};

/** 付款方案 kinds. */
export const PLAN_KIND_LABELS: Readonly<Record<PlanKind, Label>> = {
  LUMP_SUM: { zh: '一次性', en: 'Lump sum' },
  MORTGAGE: { zh: '按揭', en: 'Mortgage' },
  INSTALLMENTS: { zh: '分期', en: 'Installments' },
};
