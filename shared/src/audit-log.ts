/**
 * The readable audit log 操作日志: an event as a sentence ("王经理 锁定了房源 1-1802"), its
 * before/after as a field diff (money as ¥, statuses and kinds translated, times in the project's
 * zone), who acted and from which device. Used by the manager's log and the unit timeline in the
 * browser, and by the XLSX export and the dispute pack PDF on the server — one wording everywhere.
 *
 * The entry's before/after have already been through the privacy rule (privacy.ts
 * `redactPersonalJson`) on the server; nothing here decides who sees what. Pure: no I/O.
 */
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_TOPICS, isAuditAction, type AuditSentence } from './audit-actions.js';
import { formatYuan, interpolate, type Locale } from './format.js';
import { formatZonedDateTime } from './zoned-time.js';

export const AUDIT_ACTOR_KINDS = ['user', 'device', 'system', 'anonymous', 'cli'] as const;

/** One event of the log as the API returns it (language-neutral: the reader's screen words it). */
export const auditLogEntrySchema = z.object({
  /** The event's id (a decimal bigint): also the paging cursor. */
  id: z.string(),
  /** When, ISO-8601 UTC (shown in the project's time zone). */
  at: z.string(),
  action: z.string(),
  topic: z.enum(AUDIT_TOPICS),
  entity: z.string(),
  entityId: z.string(),
  actor: z.object({
    kind: z.string(),
    /** A person's display name, a device's name; 'system', 'anonymous', 'admin-cli' otherwise. */
    name: z.string(),
    id: z.string().nullable(),
  }),
  /** The device the actor used (a browser's user agent, a board or kiosk name), when known. */
  device: z.string().nullable(),
  /** What the event concerns, readable: a unit code, a receipt number, a name (privacy applied). */
  target: z.string().nullable(),
  /** The unit the event concerns, when it concerns one (the log links to its timeline). */
  unitId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditLogEntry = z.infer<typeof auditLogEntrySchema>;

const pick = (s: AuditSentence, lang: Locale): string => (lang === 'en' ? s[1] : s[0]);

/** A device as a person recognises it: a browser's user agent shortened (Chrome · Android), a device name as is. */
export function auditDeviceLabel(device: string | null): string | null {
  if (!device) return null;
  if (!/Mozilla|AppleWebKit/.test(device)) return device;
  const os = /iPhone|iPad|Android|Windows|Mac OS X|Linux/.exec(device)?.[0]?.replace('Mac OS X', 'macOS') ?? '';
  const browser = /Edg|MicroMessenger|Chrome|Firefox|Safari/.exec(device)?.[0]?.replace('Edg', 'Edge') ?? '';
  return [browser, os].filter(Boolean).join(' · ') || device.slice(0, 40);
}

/** Who acted, readable: a person or device by name; the server itself, an anonymous caller, the CLI. */
export function auditActorLabel(actor: AuditLogEntry['actor'], lang: Locale): string {
  switch (actor.kind) {
    case 'system':
      return lang === 'en' ? 'The system' : '系统';
    case 'anonymous':
      return lang === 'en' ? 'Someone not signed in' : '未登录访客';
    case 'cli':
      return lang === 'en' ? 'The admin command line' : '管理命令行';
    case 'device':
      // Devices act as `device:<name>` (domain/principal.ts actorName).
      return actor.name.replace(/^device:/, '');
    default:
      return actor.name;
  }
}

/** The event as one sentence in `lang`. An action this build does not know is shown as its code. */
export function auditSentence(entry: Pick<AuditLogEntry, 'action' | 'actor' | 'target'>, lang: Locale): string {
  const actor = auditActorLabel(entry.actor, lang);
  const target = entry.target ?? '';
  if (!isAuditAction(entry.action)) return `${actor} · ${entry.action}${target ? ` ${target}` : ''}`;
  const text = interpolate(pick(AUDIT_ACTIONS[entry.action].sentence, lang), { actor, target });
  // A missing target leaves a double space (or a dangling one) — tidy it.
  return text.replace(/\s{2,}/g, ' ').trim();
}

// ── Field diff ───────────────────────────────────────────────────────────────────────────────────

/** Labels of the fields events carry; a field not listed is shown by its name, split into words. */
const FIELD_LABELS: Record<string, AuditSentence> = {
  status: ['状态', 'Status'],
  price: ['成交价', 'Price'],
  listPrice: ['表价', 'List price'],
  finalPrice: ['成交价', 'Final price'],
  unitPrice: ['单价', 'Price per m²'],
  floorPrice: ['底价', 'Floor price'],
  amount: ['金额', 'Amount'],
  deposit: ['定金', 'Deposit'],
  depositDue: ['应付定金', 'Deposit due'],
  depositPaid: ['已付定金', 'Deposit paid'],
  targetUnits: ['目标套数', 'Target units'],
  targetArea: ['目标面积（m²）', 'Target area (m²)'],
  targetFen: ['目标金额', 'Target amount'],
  paid: ['已付', 'Paid'],
  total: ['合计', 'Total'],
  net: ['净额', 'Net'],
  kind: ['类型', 'Kind'],
  method: ['方式', 'Method'],
  methods: ['方式', 'Methods'],
  lines: ['收款明细', 'Lines'],
  receipt: ['收据号', 'Receipt'],
  receiptLabel: ['收据号', 'Receipt'],
  businessDate: ['营业日', 'Business date'],
  unitCode: ['房号', 'Unit'],
  code: ['编号', 'Code'],
  name: ['名称', 'Name'],
  displayName: ['姓名', 'Name'],
  username: ['用户名', 'Username'],
  buyerName: ['买受人', 'Buyer'],
  buyerPhone: ['买受人电话', "Buyer's phone"],
  phone: ['电话', 'Phone'],
  idNumber: ['证件号', 'ID number'],
  idNumberMasked: ['证件号', 'ID number'],
  payerName: ['付款人', 'Payer'],
  customerName: ['客户', 'Customer'],
  holderName: ['锁定人', 'Held by'],
  consultant: ['置业顾问', 'Consultant'],
  reason: ['原因', 'Reason'],
  note: ['备注', 'Note'],
  channel: ['保留渠道', 'Channel'],
  paused: ['销售暂停', 'Sales paused'],
  role: ['角色', 'Role'],
  active: ['启用', 'Active'],
  expiresAt: ['到期时间', 'Expires at'],
  dueAt: ['到期时间', 'Due at'],
  releaseAt: ['推盘时间', 'Release at'],
  scheduledAt: ['计划时间', 'Scheduled at'],
  unitCount: ['套数', 'Units'],
  number: ['号码', 'Number'],
  version: ['版本', 'Version'],
  pages: ['页数', 'Pages'],
  variant: ['纸张', 'Paper'],
  ttlMs: ['锁定时长', 'Lock time'],
  discounts: ['优惠', 'Discounts'],
  plan: ['付款方案', 'Payment plan'],
  planName: ['付款方案', 'Payment plan'],
  coBuyers: ['共同购买人', 'Co-buyers'],
  entitledUnits: ['机会数', 'Entitlement'],
  unitsUsed: ['已用机会', 'Units used'],
  printCount: ['打印次数', 'Prints'],
  required: ['应付定金', 'Deposit required'],
  depositPaidAt: ['定金付清时间', 'Deposit paid at'],
  priceVersion: ['价目表版本', 'Price list version'],
  reference: ['凭证号', 'Reference'],
  refresh: ['更新原因', 'Refreshed because'],
};

/** Enumerated values the server stores (statuses, kinds, methods, roles, channels), translated. */
const VALUE_LABELS: Record<string, AuditSentence> = {
  // Unit statuses
  NOT_RELEASED: ['未推', 'Not released'],
  AVAILABLE: ['可售', 'Available'],
  LOCKED: ['已锁定', 'Locked'],
  SUBSCRIBED: ['已认购', 'Subscribed'],
  CONTRACTED: ['已签约', 'Contracted'],
  WITHHELD: ['保留', 'Withheld'],
  // Subscriptions, registrations, documents, approvals
  ACTIVE: ['有效', 'Active'],
  CANCELLED: ['已取消', 'Cancelled'],
  CHANGED: ['已换房', 'Changed'],
  WITHDRAWN: ['已撤回', 'Withdrawn'],
  PENDING: ['待审批', 'Pending'],
  APPROVED: ['已批准', 'Approved'],
  REJECTED: ['已驳回', 'Rejected'],
  EXECUTED: ['已执行', 'Executed'],
  CURRENT: ['现行', 'Current'],
  SUPERSEDED: ['已更新', 'Superseded'],
  // Payments
  RECORDED: ['有效', 'Recorded'],
  VOIDED: ['作废', 'Voided'],
  CONVERTED: ['已转定', 'Converted'],
  REFUNDED: ['已退', 'Refunded'],
  SINCERITY: ['诚意金', 'Sincerity deposit'],
  DEPOSIT: ['定金', 'Deposit'],
  DOWN_PAYMENT: ['首付款', 'Down payment'],
  OTHER: ['其他', 'Other'],
  REFUND: ['退款', 'Refund'],
  CASH: ['现金', 'Cash'],
  BANK_CARD: ['银行卡', 'Bank card'],
  TRANSFER: ['转账', 'Transfer'],
  WECHAT: ['微信', 'WeChat'],
  ALIPAY: ['支付宝', 'Alipay'],
  CHEQUE: ['支票', 'Cheque'],
  CONVERSION: ['诚意金转入', 'Conversion'],
  // Documents
  RECEIPT: ['收据', 'Receipt'],
  AGREEMENT: ['认购书', 'Agreement'],
  PURCHASE_PLAN: ['置业计划书', 'Purchase plan'],
  DAY_END: ['日结单', 'Day-end'],
  DISPUTE_PACK: ['争议材料包', 'Dispute pack'],
  // Roles, withhold channels
  ADMIN: ['管理员', 'Administrator'],
  MANAGER: ['经理', 'Manager'],
  CASHIER: ['收银', 'Cashier'],
  CONSULTANT: ['置业顾问', 'Consultant'],
  FINANCE: ['财务', 'Finance'],
  VIEWER: ['只读', 'Viewer'],
  VIP: ['VIP', 'VIP'],
  STAFF: ['员工', 'Staff'],
  AGENT: ['渠道', 'Agent'],
};

/** Fields never shown in the readable diff: record ids and lock tokens say nothing to a person. */
const HIDDEN = /(Id|Ids|^id|token|Token|fingerprint|sha256|Hash|^facts|^origin|^title|^unitCode)$/;
/** Integer fen amounts. */
const MONEY = /(price|Price|amount|Amount|deposit|Deposit|Paid|Due|^paid|^required|^total|^net|Fen)$/;
/** ISO instants. */
const INSTANT = /(At|Until)$/;

function fieldLabel(key: string, lang: Locale): string {
  const known = FIELD_LABELS[key];
  if (known) return pick(known, lang);
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]/g, ' ');
}

/** A project-zone date and time: 2026-12-07 09:30:05. */
export function formatProjectDateTime(iso: string | number | Date, timeZone: string): string {
  return formatZonedDateTime(iso, timeZone, { seconds: true });
}

/** One value of an event, readable. */
export function formatAuditValue(key: string, value: unknown, lang: Locale, timeZone: string): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return lang === 'en' ? (value ? 'yes' : 'no') : value ? '是' : '否';
  if (typeof value === 'number') {
    if (MONEY.test(key) && Number.isInteger(value)) return formatYuan(value, lang);
    if (key === 'ttlMs') return lang === 'en' ? `${Math.round(value / 1000)} s` : `${Math.round(value / 1000)} 秒`;
    return value.toLocaleString(lang);
  }
  if (typeof value === 'string') {
    const label = VALUE_LABELS[value];
    if (label) return pick(label, lang);
    if (INSTANT.test(key) && !Number.isNaN(Date.parse(value))) return formatProjectDateTime(value, timeZone);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => formatAuditValue(key, v, lang, timeZone)).join('、');
  // A nested object (a payment line, a buyer): its readable fields in one line.
  return Object.entries(value as Record<string, unknown>)
    .filter(([k]) => !HIDDEN.test(k))
    .map(([k, v]) => `${fieldLabel(k, lang)} ${formatAuditValue(k, v, lang, timeZone)}`)
    .join('，');
}

/** One changed (or recorded) field of an event. */
export interface AuditFieldChange {
  key: string;
  label: string;
  /** The value before, readable; null when the event recorded none (a creation). */
  before: string | null;
  /** The value after, readable; null when the event recorded none (a deletion). */
  after: string | null;
}

const asRecord = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * The event's before/after as readable field changes, in the order the fields were written: a field
 * with the same value on both sides is left out (it did not change), ids and tokens are hidden.
 */
export function auditFieldChanges(
  entry: Pick<AuditLogEntry, 'before' | 'after'>,
  lang: Locale,
  timeZone: string,
): AuditFieldChange[] {
  const before = asRecord(entry.before);
  const after = asRecord(entry.after);
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const out: AuditFieldChange[] = [];
  for (const key of keys) {
    if (HIDDEN.test(key)) continue;
    const b = before && key in before ? before[key] : undefined;
    const a = after && key in after ? after[key] : undefined;
    if (before && after && JSON.stringify(b) === JSON.stringify(a)) continue;
    out.push({
      key,
      label: fieldLabel(key, lang),
      before: before && key in before ? formatAuditValue(key, b, lang, timeZone) : null,
      after: after && key in after ? formatAuditValue(key, a, lang, timeZone) : null,
    });
  }
  return out;
}

/** The diff as one line of text (export, PDF): "状态 已锁定 → 可售；成交价 ¥1,000,000". */
export function auditChangeText(
  entry: Pick<AuditLogEntry, 'before' | 'after'>,
  lang: Locale,
  timeZone: string,
): string {
  return auditFieldChanges(entry, lang, timeZone)
    .map((c) =>
      c.before !== null && c.after !== null
        ? `${c.label} ${c.before} → ${c.after}`
        : `${c.label} ${c.after ?? c.before ?? ''}${c.after === null ? (lang === 'en' ? ' (removed)' : '（删除）') : ''}`,
    )
    .join(lang === 'en' ? '; ' : '；');
}
