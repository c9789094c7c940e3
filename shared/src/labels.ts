/**
 * THE zh/en labels of the codes Kaipan stores and people read — every enum of prisma/schema.prisma
 * shown as text (payment kinds, methods and statuses, receipt, unit, subscription, registration and
 * approval statuses, change kinds, document kinds, roles, channels, device kinds …) plus the codes
 * the shared package adds (LOCKED, payment-plan kinds). Every place a person reads one of these
 * codes — the web apps, reports, paper, CSV files, the audit log — takes its words from here, so a
 * report never says DEPOSIT or BANK_CARD and two screens never name the same thing differently.
 * test/labels-single-table.test.ts fails when a table of these codes appears anywhere else, and
 * shared/src/labels.test.ts when a value of a Prisma enum has no label. Pure data, no I/O.
 */
import type { Locale } from './format.js';
import type {
  DocumentKind,
  DocumentStatus,
  PaymentKind,
  PaymentMethod,
  PaymentStatus,
  VoidRequestStatus,
} from './cashier.js';
import type { CustomerStatus, DemandType, FollowUpKind, IntentClass, SourceChannel } from './customers.js';
import type { ApprovalStatus, ChangeKind, ChangeStatus, PriceListSource, PriceListStatus } from './deals.js';
import type { DeviceKind } from './devices.js';
import type { UnitKind } from './building-pattern.js';
import type { PlanKind } from './payment-plans.js';
import type { DiscountKind } from './pricing.js';
import type { ProjectRole } from './protocol.js';
import type { NoShowRule, TicketStatus } from './queue.js';
import type { RegistrationStatus } from './registration-status.js';
import type { WithholdChannel } from './schemas.js';
import type { UnitStatus } from './unit-status.js';

/** A subscription's status (prisma SubscriptionStatus). */
export type SubscriptionStatus = 'ACTIVE' | 'CANCELLED' | 'CONTRACTED' | 'CHANGED';
/** A receipt's status (prisma ReceiptStatus). */
export type ReceiptStatus = 'ISSUED' | 'VOIDED';

/** One code's words in both languages. */
export interface Label {
  zh: string;
  en: string;
}

/** The label in `lang` (zh-CN: Chinese, en: English). */
export function labelText(label: Label, lang: Locale): string {
  return lang === 'en' ? label.en : label.zh;
}

/** The label of `code` in `table`, in `lang` — what the web apps and reports call. */
export function codeLabel<C extends string>(table: Readonly<Record<C, Label>>, code: C, lang: Locale): string {
  return labelText(table[code], lang);
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
export const RECEIPT_STATUS_LABELS: Readonly<Record<ReceiptStatus, Label>> = {
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
export const SUBSCRIPTION_STATUS_LABELS: Readonly<Record<SubscriptionStatus, Label>> = {
  ACTIVE: { zh: '已认购', en: 'Subscribed' },
  CONTRACTED: { zh: '已签约', en: 'Contracted' },
  CANCELLED: { zh: '已退房', en: 'Cancelled' },
  CHANGED: { zh: '已换房', en: 'Unit changed' },
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
  LUMP_SUM: { zh: '一次性付款', en: 'Lump sum' },
  MORTGAGE: { zh: '按揭', en: 'Mortgage' },
  INSTALLMENTS: { zh: '分期', en: 'Installments' },
};

/**
 * A person's role: the project roles (ProjectMember.role) and ADMIN, the install administrator
 * (`users.admin`). 收银 rather than 出纳: the person at the 收银台 takes the buyer's money; 出纳 is the
 * developer's finance office.
 */
export const ROLE_LABELS: Readonly<Record<ProjectRole | 'ADMIN', Label>> = {
  ADMIN: { zh: '系统管理员', en: 'Administrator' },
  MANAGER: { zh: '销控经理', en: 'Sales manager' },
  CASHIER: { zh: '收银', en: 'Cashier' },
  CONSULTANT: { zh: '置业顾问', en: 'Consultant' },
  FINANCE: { zh: '财务', en: 'Finance' },
  VIEWER: { zh: '只读', en: 'Viewer' },
};

/** What a unit is 房产类型. */
export const UNIT_KIND_LABELS: Readonly<Record<UnitKind, Label>> = {
  RESIDENCE: { zh: '住宅', en: 'Residence' },
  SHOP: { zh: '商铺', en: 'Shop' },
  PARKING: { zh: '车位', en: 'Parking' },
  STORAGE: { zh: '储藏间', en: 'Storage' },
};

/** The one-character mark a grid tile shows for a unit that is not a residence (a residence has none). */
export const UNIT_KIND_MARKS: Readonly<Record<Exclude<UnitKind, 'RESIDENCE'>, Label>> = {
  SHOP: { zh: '商', en: 'Shop' },
  PARKING: { zh: '车', en: 'P' },
  STORAGE: { zh: '储', en: 'Stor.' },
};

/** What happened to the deal: 换房, 退房, 更名, 调价. */
export const CHANGE_KIND_LABELS: Readonly<Record<ChangeKind, Label>> = {
  UNIT_CHANGE: { zh: '换房', en: 'Unit change' },
  CANCEL: { zh: '退房', en: 'Cancellation' },
  BUYER_CHANGE: { zh: '更名', en: 'Buyer change' },
  PRICE_CHANGE: { zh: '调价', en: 'Price change' },
};

/** A change request's state. */
export const CHANGE_STATUS_LABELS: Readonly<Record<ChangeStatus, Label>> = {
  PENDING: { zh: '待审批', en: 'Pending' },
  APPROVED: { zh: '已批准', en: 'Approved' },
  REJECTED: { zh: '已驳回', en: 'Rejected' },
  EXECUTED: { zh: '已执行', en: 'Executed' },
  WITHDRAWN: { zh: '已撤回', en: 'Withdrawn' },
};

/** A discount / price approval's state (USED: consumed by the confirm it was granted for). */
export const APPROVAL_STATUS_LABELS: Readonly<Record<ApprovalStatus, Label>> = {
  PENDING: { zh: '待审批', en: 'Pending' },
  APPROVED: { zh: '已批准', en: 'Approved' },
  REJECTED: { zh: '已驳回', en: 'Rejected' },
  USED: { zh: '已用于认购', en: 'Used' },
  CANCELLED: { zh: '已撤销', en: 'Cancelled' },
};

/** A payment-void request's state. */
export const VOID_REQUEST_STATUS_LABELS: Readonly<Record<VoidRequestStatus, Label>> = {
  PENDING: { zh: '待审批', en: 'Pending' },
  APPROVED: { zh: '已批准', en: 'Approved' },
  REJECTED: { zh: '已驳回', en: 'Rejected' },
  WITHDRAWN: { zh: '已撤回', en: 'Withdrawn' },
};

/** A price list version's state 价目表状态. */
export const PRICE_LIST_STATUS_LABELS: Readonly<Record<PriceListStatus, Label>> = {
  PENDING: { zh: '待审批', en: 'Pending' },
  ACTIVE: { zh: '生效中', en: 'Active' },
  SUPERSEDED: { zh: '已替代', en: 'Superseded' },
  REJECTED: { zh: '已驳回', en: 'Rejected' },
  WITHDRAWN: { zh: '已撤回', en: 'Withdrawn' },
};

/** Where a price list version came from. */
export const PRICE_LIST_SOURCE_LABELS: Readonly<Record<PriceListSource, Label>> = {
  INITIAL: { zh: '初始', en: 'Initial' },
  REPRICE: { zh: '调价', en: 'Repricing' },
  IMPORT: { zh: '导入', en: 'Import' },
};

/** 优惠类型. */
export const DISCOUNT_KIND_LABELS: Readonly<Record<DiscountKind, Label>> = {
  STANDARD: { zh: '常规', en: 'Standard' },
  IDENTITY: { zh: '身份', en: 'Identity' },
  PROMOTION: { zh: '限时优惠', en: 'Promotion' },
  PAYMENT_METHOD: { zh: '付款方式', en: 'Payment method' },
};

/** A document Kaipan prints. */
export const DOCUMENT_KIND_LABELS: Readonly<Record<DocumentKind, Label>> = {
  RECEIPT: { zh: '收据', en: 'Receipt' },
  AGREEMENT: { zh: '认购书', en: 'Subscription agreement' },
  PURCHASE_PLAN: { zh: '置业计划书', en: 'Purchase plan' },
  DAY_END: { zh: '收银日结单', en: 'Cashier day-end report' },
  DISPUTE_PACK: { zh: '争议材料包', en: 'Dispute pack' },
};

/** A printed document's state. */
export const DOCUMENT_STATUS_LABELS: Readonly<Record<DocumentStatus, Label>> = {
  CURRENT: { zh: '现行', en: 'Current' },
  SUPERSEDED: { zh: '已被新版本取代', en: 'Superseded' },
  VOIDED: { zh: '已作废', en: 'Voided' },
};

/** What the cashier owes the buyer after a cancellation 退房. */
export const REFUND_STATE_LABELS: Readonly<Record<'NONE' | 'DUE' | 'DONE', Label>> = {
  NONE: { zh: '无需退款', en: 'No refund' },
  DUE: { zh: '待退款', en: 'Refund due' },
  DONE: { zh: '已退款', en: 'Refunded' },
};

/** A receipt book's state. */
export const RECEIPT_BOOK_STATUS_LABELS: Readonly<Record<'ACTIVE' | 'CLOSED', Label>> = {
  ACTIVE: { zh: '使用中', en: 'In use' },
  CLOSED: { zh: '已停用', en: 'Closed' },
};

/** A customer's stage 客户状态. */
export const CUSTOMER_STATUS_LABELS: Readonly<Record<CustomerStatus, Label>> = {
  POTENTIAL: { zh: '潜在', en: 'Potential' },
  INTERESTED: { zh: '意向', en: 'Interested' },
  SUBSCRIBED: { zh: '认购', en: 'Subscribed' },
  SIGNED: { zh: '签约', en: 'Signed' },
};

/** A customer's intent class 意向等级. */
export const INTENT_CLASS_LABELS: Readonly<Record<IntentClass, Label>> = {
  A: { zh: 'A 类', en: 'Class A' },
  B: { zh: 'B 类', en: 'Class B' },
  C: { zh: 'C 类', en: 'Class C' },
};

/** 购房需求. */
export const DEMAND_TYPE_LABELS: Readonly<Record<DemandType, Label>> = {
  OWN_USE: { zh: '自住', en: 'Own use' },
  INVESTMENT: { zh: '投资', en: 'Investment' },
  UPGRADE: { zh: '改善', en: 'Upgrade' },
};

/** How a consultant followed a customer up. */
export const FOLLOW_UP_KIND_LABELS: Readonly<Record<FollowUpKind, Label>> = {
  CALL: { zh: '电话', en: 'Call' },
  VISIT: { zh: '到访', en: 'Visit' },
  MESSAGE: { zh: '消息', en: 'Message' },
  NOTE: { zh: '备注', en: 'Note' },
};

/** A purchase registration's state 认筹. */
export const REGISTRATION_STATUS_LABELS: Readonly<Record<RegistrationStatus, Label>> = {
  ACTIVE: { zh: '有效', en: 'Active' },
  CANCELLED: { zh: '已取消', en: 'Cancelled' },
};

/** A queue number's state 排号. */
export const TICKET_STATUS_LABELS: Readonly<Record<TicketStatus, Label>> = {
  WAITING: { zh: '排队中', en: 'Waiting' },
  CALLED: { zh: '已叫号', en: 'Called' },
  SERVED: { zh: '已完成', en: 'Done' },
  NO_SHOW: { zh: '已过号', en: 'Missed' },
  DROPPED: { zh: '已作废', en: 'Dropped' },
};

/** What happens to a number called and not answered. */
export const NO_SHOW_RULE_LABELS: Readonly<Record<NoShowRule, Label>> = {
  REQUEUE: { zh: '过号重排', en: 'Back in line' },
  DROP: { zh: '过号作废', en: 'Dropped' },
};

/** A release batch's state 推盘批次. */
export const BATCH_STATUS_LABELS: Readonly<Record<'PENDING' | 'RELEASED', Label>> = {
  PENDING: { zh: '待推出', en: 'Scheduled' },
  RELEASED: { zh: '已推出', en: 'Released' },
};

/** A lottery's state 摇号. */
export const LOTTERY_STATUS_LABELS: Readonly<Record<'COMMITTED' | 'DRAWN', Label>> = {
  COMMITTED: { zh: '已公示承诺 · 待摇号', en: 'Committed · awaiting draw' },
  DRAWN: { zh: '已摇号', en: 'Drawn' },
};

/** Who a withheld unit is kept for 保留渠道. */
export const WITHHOLD_CHANNEL_LABELS: Readonly<Record<WithholdChannel, Label>> = {
  VIP: { zh: 'VIP', en: 'VIP' },
  STAFF: { zh: '内部员工', en: 'Staff' },
  AGENT: { zh: '渠道/中介', en: 'Agent' },
  OTHER: { zh: '其他', en: 'Other' },
};

/** A paired screen's kind. */
export const DEVICE_KIND_LABELS: Readonly<Record<DeviceKind, Label>> = {
  BOARD: { zh: '销控大屏', en: 'Wall board' },
  KIOSK: { zh: '排号机', en: 'Queue kiosk' },
  CALLING: { zh: '叫号屏', en: 'Calling screen' },
  CASHIER_DESK: { zh: '收银台', en: 'Cashier desk' },
};

/**
 * Every Prisma enum's table, by the enum's name in prisma/schema.prisma (the completeness test reads
 * the schema and checks each value here; the audit log finds a field's table through it).
 */
export const ENUM_LABELS = {
  ProjectRole: ROLE_LABELS,
  UnitStatus: UNIT_STATUS_LABELS,
  UnitKind: UNIT_KIND_LABELS,
  SubscriptionStatus: SUBSCRIPTION_STATUS_LABELS,
  RefundState: REFUND_STATE_LABELS,
  PriceListStatus: PRICE_LIST_STATUS_LABELS,
  PriceListSource: PRICE_LIST_SOURCE_LABELS,
  DiscountKind: DISCOUNT_KIND_LABELS,
  ApprovalStatus: APPROVAL_STATUS_LABELS,
  ChangeKind: CHANGE_KIND_LABELS,
  PaymentKind: PAYMENT_KIND_LABELS,
  PaymentMethod: PAYMENT_METHOD_LABELS,
  PaymentStatus: PAYMENT_STATUS_LABELS,
  ReceiptBookStatus: RECEIPT_BOOK_STATUS_LABELS,
  ReceiptStatus: RECEIPT_STATUS_LABELS,
  VoidRequestStatus: VOID_REQUEST_STATUS_LABELS,
  DocumentKind: DOCUMENT_KIND_LABELS,
  DocumentStatus: DOCUMENT_STATUS_LABELS,
  ChangeStatus: CHANGE_STATUS_LABELS,
  WithholdChannel: WITHHOLD_CHANNEL_LABELS,
  BatchStatus: BATCH_STATUS_LABELS,
  NoShowRule: NO_SHOW_RULE_LABELS,
  CustomerStatus: CUSTOMER_STATUS_LABELS,
  IntentClass: INTENT_CLASS_LABELS,
  DemandType: DEMAND_TYPE_LABELS,
  SourceChannel: SOURCE_CHANNEL_LABELS,
  FollowUpKind: FOLLOW_UP_KIND_LABELS,
  RegistrationStatus: REGISTRATION_STATUS_LABELS,
  TicketStatus: TICKET_STATUS_LABELS,
  LotteryStatus: LOTTERY_STATUS_LABELS,
  DeviceKind: DEVICE_KIND_LABELS,
} as const satisfies Readonly<Record<string, Readonly<Record<string, Label>>>>;

/** A Prisma enum's name. */
export type LabelledEnum = keyof typeof ENUM_LABELS;
