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
import {
  APPROVAL_STATUS_LABELS,
  BATCH_STATUS_LABELS,
  CHANGE_KIND_LABELS,
  CHANGE_STATUS_LABELS,
  CUSTOMER_STATUS_LABELS,
  DEVICE_KIND_LABELS,
  DISCOUNT_KIND_LABELS,
  DOCUMENT_KIND_LABELS,
  DOCUMENT_STATUS_LABELS,
  ENUM_LABELS,
  LOTTERY_STATUS_LABELS,
  labelText,
  PAYMENT_KIND_LABELS,
  PAYMENT_METHOD_LABELS,
  PAYMENT_STATUS_LABELS,
  PLAN_KIND_LABELS,
  PRICE_LIST_STATUS_LABELS,
  RECEIPT_BOOK_STATUS_LABELS,
  RECEIPT_STATUS_LABELS,
  REFUND_STATE_LABELS,
  REGISTRATION_STATUS_LABELS,
  ROLE_LABELS,
  SOURCE_CHANNEL_LABELS,
  SUBSCRIPTION_STATUS_LABELS,
  TICKET_STATUS_LABELS,
  UNIT_KIND_LABELS,
  UNIT_STATUS_LABELS,
  WITHHOLD_CHANNEL_LABELS,
  type Label,
} from './labels.js';
import { formatZonedDateTime } from './zoned-time.js';

type CodeTable = Readonly<Record<string, Label>>;

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

/**
 * Which labels.ts table a status field belongs to, by the event's entity (the action's first word:
 * `subscription.cancel` → subscriptions): ACTIVE is 已认购 on a subscription and 有效 on a
 * registration.
 */
const STATUS_TABLES: Readonly<Record<string, CodeTable>> = {
  unit: UNIT_STATUS_LABELS,
  units: UNIT_STATUS_LABELS,
  subscription: SUBSCRIPTION_STATUS_LABELS,
  payment: PAYMENT_STATUS_LABELS,
  receipt: RECEIPT_STATUS_LABELS,
  receipt_book: RECEIPT_BOOK_STATUS_LABELS,
  registration: REGISTRATION_STATUS_LABELS,
  change: CHANGE_STATUS_LABELS,
  price_approval: APPROVAL_STATUS_LABELS,
  price_list: PRICE_LIST_STATUS_LABELS,
  document: DOCUMENT_STATUS_LABELS,
  customer: CUSTOMER_STATUS_LABELS,
  queue: TICKET_STATUS_LABELS,
  batch: BATCH_STATUS_LABELS,
  lottery: LOTTERY_STATUS_LABELS,
};

/** The other fields that hold a code, by field name (and entity where the name is shared). */
function codeTable(entity: string, key: string): CodeTable | undefined {
  switch (key) {
    case 'status':
      return STATUS_TABLES[entity];
    case 'kind':
      if (entity === 'change') return CHANGE_KIND_LABELS;
      if (entity === 'document') return DOCUMENT_KIND_LABELS;
      if (entity === 'device') return DEVICE_KIND_LABELS;
      if (entity === 'discount') return DISCOUNT_KIND_LABELS;
      if (entity === 'plan') return PLAN_KIND_LABELS;
      return PAYMENT_KIND_LABELS;
    case 'method':
    case 'methods':
      return PAYMENT_METHOD_LABELS;
    case 'channel':
      return entity === 'customer' || entity === 'registration' ? SOURCE_CHANNEL_LABELS : WITHHOLD_CHANNEL_LABELS;
    case 'sourceChannel':
      return SOURCE_CHANNEL_LABELS;
    case 'role':
      return ROLE_LABELS;
    case 'refundState':
      return REFUND_STATE_LABELS;
    case 'unitKind':
      return UNIT_KIND_LABELS;
    default:
      return undefined;
  }
}

/**
 * A code met where neither field nor entity says its table (a payment line inside a subscription
 * event): its words when every labels.ts table that has the code agrees on them.
 */
const UNAMBIGUOUS_CODES: ReadonlyMap<string, Label> = (() => {
  const seen = new Map<string, Label | null>();
  for (const table of [...Object.values(ENUM_LABELS), PLAN_KIND_LABELS] as CodeTable[]) {
    for (const [code, label] of Object.entries(table)) {
      // One or two letters (intent class A) are as likely a queue prefix or a floor: not guessed.
      if (code.length < 3) continue;
      const known = seen.get(code);
      if (known === undefined) seen.set(code, label);
      else if (known && (known.zh !== label.zh || known.en !== label.en)) seen.set(code, null);
    }
  }
  return new Map([...seen].filter((entry): entry is [string, Label] => entry[1] !== null));
})();

/** The words of `code` held in field `key` of an event about `entity`, or undefined when it is no known code. */
function codeWords(entity: string, key: string, code: string): Label | undefined {
  return codeTable(entity, key)?.[code] ?? UNAMBIGUOUS_CODES.get(code);
}

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

/**
 * One value of an event, readable. `action` (the event's, e.g. `subscription.cancel`) tells which
 * table a code such as ACTIVE comes from (shared/src/labels.ts).
 */
export function formatAuditValue(key: string, value: unknown, lang: Locale, timeZone: string, action = ''): string {
  const entity = action.split('.')[0] ?? '';
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return lang === 'en' ? (value ? 'yes' : 'no') : value ? '是' : '否';
  if (typeof value === 'number') {
    if (MONEY.test(key) && Number.isInteger(value)) return formatYuan(value, lang);
    if (key === 'ttlMs') return lang === 'en' ? `${Math.round(value / 1000)} s` : `${Math.round(value / 1000)} 秒`;
    return value.toLocaleString(lang);
  }
  if (typeof value === 'string') {
    const words = codeWords(entity, key, value);
    if (words) return labelText(words, lang);
    if (INSTANT.test(key) && !Number.isNaN(Date.parse(value))) return formatProjectDateTime(value, timeZone);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => formatAuditValue(key, v, lang, timeZone, action)).join('、');
  // A nested object (a payment line, a buyer): its readable fields in one line.
  return Object.entries(value as Record<string, unknown>)
    .filter(([k]) => !HIDDEN.test(k))
    .map(([k, v]) => `${fieldLabel(k, lang)} ${formatAuditValue(k, v, lang, timeZone, action)}`)
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
  entry: Pick<AuditLogEntry, 'action' | 'before' | 'after'>,
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
      before: before && key in before ? formatAuditValue(key, b, lang, timeZone, entry.action) : null,
      after: after && key in after ? formatAuditValue(key, a, lang, timeZone, entry.action) : null,
    });
  }
  return out;
}

/** The diff as one line of text (export, PDF): "状态 已锁定 → 可售；成交价 ¥1,000,000". */
export function auditChangeText(
  entry: Pick<AuditLogEntry, 'action' | 'before' | 'after'>,
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
