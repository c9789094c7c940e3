/**
 * The cashier 收银台 (issue 6): payments 收款 with idempotency keys, receipt books 收据本, receipts
 * 收据, voids 作废 with approval, sincerity-to-deposit conversion 诚意金转定金, refunds 退款,
 * documents (PDF with SHA-256, verifiable at /verify/<id>) and day-end 日结.
 * Money: integer fen. Times: ISO-8601 UTC; business dates YYYY-MM-DD in the project's time zone.
 */
import { z } from 'zod';
import { blockText, lineText } from './text.js';
import { idSchema, idempotencyKeySchema } from './schemas.js';
import { mobilePhoneSchema } from './phone.js';

export const PAYMENT_KINDS = ['SINCERITY', 'DEPOSIT', 'DOWN_PAYMENT', 'OTHER', 'REFUND'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];
/** Kinds a cashier records as money in (REFUND has its own command). */
export const INCOMING_KINDS = ['SINCERITY', 'DEPOSIT', 'DOWN_PAYMENT', 'OTHER'] as const;
export type IncomingKind = (typeof INCOMING_KINDS)[number];

/** Methods a cashier can take money by. (CONVERSION exists only on converted deposits: no money moves.) */
export const PAYMENT_METHODS = ['CASH', 'BANK_CARD', 'TRANSFER', 'WECHAT', 'ALIPAY', 'CHEQUE'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number] | 'CONVERSION';

export type PaymentStatus = 'RECORDED' | 'VOIDED' | 'CONVERTED' | 'REFUNDED';

/**
 * The statuses of a SINCERITY payment under which the household holds its sincerity deposit 诚意金:
 * recorded, or converted into its subscription deposit 诚意金转定金. Refunded and voided ones do not
 * count. `RegistrationInfo.depositPaid` and the lottery's ACTIVE_WITH_DEPOSIT are derived from this.
 */
export const SINCERITY_HELD_STATUSES = ['RECORDED', 'CONVERTED'] as const satisfies readonly PaymentStatus[];

/** Most one submission can be split into. */
export const MAX_PAYMENT_LINES = 6;
/** Largest single payment, fen (¥100,000,000). */
export const MAX_PAYMENT_FEN = 10_000_000_000;

const moneySchema = z.number().int().min(1).max(MAX_PAYMENT_FEN);

/** One method's share of a payment. Every method except cash needs its reference (slip / transaction number). */
export const paymentLineSchema = z
  .strictObject({
    method: z.enum(PAYMENT_METHODS),
    amount: moneySchema,
    reference: lineText(60).optional(),
  })
  .refine((l) => l.method === 'CASH' || l.reference !== undefined, {
    message: 'a reference is required for every method except cash',
    path: ['reference'],
  });
export type PaymentLineBody = z.infer<typeof paymentLineSchema>;

const linesSchema = z
  .array(paymentLineSchema)
  .min(1)
  .max(MAX_PAYMENT_LINES)
  .refine((lines) => lines.reduce((s, l) => s + l.amount, 0) <= MAX_PAYMENT_FEN, 'the total is too large');

/**
 * POST /api/projects/:projectId/payments — money in. SINCERITY needs the registration, DEPOSIT and
 * DOWN_PAYMENT the subscription; OTHER either. The payer defaults to the buyer on record.
 */
export const recordPaymentSchema = z
  .strictObject({
    idempotencyKey: idempotencyKeySchema,
    kind: z.enum(INCOMING_KINDS),
    subscriptionId: idSchema.optional(),
    registrationId: idSchema.optional(),
    payerName: lineText(50).optional(),
    payerPhone: mobilePhoneSchema.optional(),
    lines: linesSchema,
    note: blockText(200).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'SINCERITY' && !b.registrationId) {
      ctx.addIssue({ code: 'custom', message: 'a sincerity deposit needs the registration', path: ['registrationId'] });
    }
    if ((b.kind === 'DEPOSIT' || b.kind === 'DOWN_PAYMENT') && !b.subscriptionId) {
      ctx.addIssue({
        code: 'custom',
        message: 'a deposit or down payment needs the subscription',
        path: ['subscriptionId'],
      });
    }
    if (b.kind === 'OTHER' && !b.subscriptionId && !b.registrationId) {
      ctx.addIssue({ code: 'custom', message: 'name the subscription or the registration', path: ['subscriptionId'] });
    }
  });
export type RecordPaymentBody = z.infer<typeof recordPaymentSchema>;

/** POST /api/payments/:paymentId/convert — 诚意金转定金 onto a subscription of the same household. */
export const convertSinceritySchema = z.strictObject({
  idempotencyKey: idempotencyKeySchema,
  subscriptionId: idSchema,
});
export type ConvertSincerityBody = z.infer<typeof convertSinceritySchema>;

/**
 * POST /api/payments/:paymentId/refund — pay back (all of) a recorded payment: a sincerity deposit
 * of a household that holds no live deal, or the deposits of a cancelled subscription (退房, refund
 * DUE). `lines` say how the money goes back; their total must equal the refundable amount. Refunding
 * the household's last held sincerity deposit withdraws its registration (退筹). docs/cashier.md.
 */
export const refundSchema = z.strictObject({
  idempotencyKey: idempotencyKeySchema,
  lines: linesSchema,
  reason: lineText(200),
  /**
   * Managers only: refund a sincerity deposit although the household holds a live deal (ACTIVE or
   * CONTRACTED subscription) — refused otherwise (INVALID_TRANSITION, reason LIVE_DEAL). Audited with
   * the reason and the deals.
   */
  overrideLiveDeal: z.boolean().optional(),
});
export type RefundBody = z.infer<typeof refundSchema>;

/** POST /api/receipts/:receiptId/void-requests — the cashier asks; a manager (not the asker) decides. */
export const voidRequestSchema = z.strictObject({ reason: blockText(200, 1) });

/** POST /api/projects/:projectId/receipt-books (managers). */
export const receiptBookSchema = z
  .strictObject({
    prefix: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/, 'must be 1–16 capitals, digits or -'),
    firstNumber: z.number().int().min(0).max(999_999_999),
    lastNumber: z.number().int().min(0).max(999_999_999),
    digits: z.number().int().min(1).max(12).default(6),
    cashierId: idSchema,
  })
  .refine((b) => b.firstNumber <= b.lastNumber, {
    message: 'firstNumber must not be above lastNumber',
    path: ['lastNumber'],
  })
  .refine((b) => String(b.lastNumber).length <= b.digits, {
    message: 'lastNumber has more digits than `digits`',
    path: ['digits'],
  });
export type ReceiptBookBody = z.infer<typeof receiptBookSchema>;

/** "KP2026-" + 1 padded to 6 → "KP2026-000001". */
export function receiptLabel(prefix: string, number: number, digits: number): string {
  return `${prefix}${String(number).padStart(digits, '0')}`;
}

// ── Responses ───────────────────────────────────────────────────────────────────────────────────

export interface ReceiptBookInfo {
  id: string;
  prefix: string;
  firstNumber: number;
  lastNumber: number;
  nextNumber: number;
  digits: number;
  /** Numbers left (0 = exhausted). */
  remaining: number;
  cashierId: string | null;
  cashier: string | null;
  status: 'ACTIVE' | 'CLOSED';
  createdAt: string;
}

/** WITHDRAWN: taken back by whoever asked before a decision. */
export type VoidRequestStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';

/** A request to void a receipt, as the decision list and the kiosk show it. */
export interface VoidRequestInfo {
  id: string;
  projectId: string;
  receiptId: string;
  receiptLabel: string;
  paymentId: string;
  paymentKind: PaymentKind;
  amount: number;
  payerName: string;
  unitCode: string | null;
  registrationNo: string | null;
  cashierId: string;
  cashier: string;
  businessDate: string;
  reason: string;
  status: VoidRequestStatus;
  requestedById: string;
  requestedBy: string;
  requestedAt: string;
  decidedById: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export interface ReceiptInfo {
  id: string;
  label: string;
  number: number;
  bookId: string;
  status: 'ISSUED' | 'VOIDED';
  voidReason: string | null;
  voidedAt: string | null;
  /** Prints so far; every print after the first is a reprint (COPY / 重打). */
  printCount: number;
  issuedAt: string;
  /** A void request waiting for a manager (whoever asked may withdraw it). */
  pendingVoid: { id: string; reason: string; requestedById: string; requestedBy: string; requestedAt: string } | null;
}

export interface PaymentLineInfo {
  method: PaymentMethod;
  amount: number;
  reference: string | null;
}

export interface PaymentInfo {
  id: string;
  projectId: string;
  kind: PaymentKind;
  amount: number;
  status: PaymentStatus;
  payerName: string;
  /** As the privacy rule lets the caller see it (docs/privacy.md); null when none was given. */
  payerPhone: string | null;
  lines: PaymentLineInfo[];
  subscriptionId: string | null;
  /** Unit of the subscription, e.g. 1-2502. */
  unitCode: string | null;
  registrationId: string | null;
  /** e.g. R0007 */
  registrationNo: string | null;
  cashierId: string;
  cashier: string;
  /** YYYY-MM-DD in the project's time zone. */
  businessDate: string;
  /** The day was closed: the record is frozen (corrections are new records). */
  closed: boolean;
  convertedFromId: string | null;
  convertedToId: string | null;
  correctsId: string | null;
  note: string | null;
  createdAt: string;
  receipt: ReceiptInfo | null;
}

/** A subscription as the cashier sees it: what is due and what was paid. */
export interface CashierSubscription {
  id: string;
  unitId: string;
  unitCode: string;
  status: 'ACTIVE' | 'CANCELLED' | 'CONTRACTED' | 'CHANGED';
  buyerName: string;
  /** As the privacy rule lets the caller see it (docs/privacy.md): clear for the money desk, else masked or null. */
  buyerPhone: string | null;
  price: number;
  /** The deposit the plan (or the project) requires, fen. */
  depositRequired: number;
  /** Recorded (not voided) deposits, conversions included, fen. */
  depositPaid: number;
  depositPaidAt: string | null;
  /** With the project's deposit window: the unit returns to sale at this instant unless paid. */
  depositDueAt: string | null;
  refundState: 'NONE' | 'DUE' | 'DONE';
  /** Net money held for this subscription (in − refunds), fen: what a refund would pay back. */
  balanceHeld: number;
  registrationId: string | null;
  createdAt: string;
}

export interface CashierRegistration {
  id: string;
  /** e.g. R0007 */
  label: string;
  status: 'ACTIVE' | 'CANCELLED';
  customerName: string;
  /** As the privacy rule lets the caller see it (docs/privacy.md). */
  customerPhone: string | null;
  /** Sincerity deposits recorded and not converted, refunded or voided, fen. */
  sincerityHeld: number;
}

/** GET /api/projects/:projectId/cashier/lookup?q= — by unit code, buyer phone, queue number or receipt/document number. */
export interface CashierLookup {
  query: string;
  subscriptions: CashierSubscription[];
  registrations: CashierRegistration[];
  payments: PaymentInfo[];
}

export type DocumentKind = 'RECEIPT' | 'AGREEMENT' | 'PURCHASE_PLAN' | 'DAY_END';
export type DocumentStatus = 'CURRENT' | 'SUPERSEDED' | 'VOIDED';
/** Paper variants: receipts A5 and 80 mm thermal; agreements, plans and day-end A4. */
export const DOCUMENT_VARIANTS = ['A4', 'A5', 'THERMAL_80'] as const;
export type DocumentVariant = (typeof DOCUMENT_VARIANTS)[number];

export interface DocumentInfo {
  id: string;
  kind: DocumentKind;
  entityId: string;
  version: number;
  status: DocumentStatus;
  variant: DocumentVariant;
  title: string;
  sha256: string;
  pages: number;
  createdAt: string;
  /** GET this for the PDF (authenticated). */
  pdfUrl: string;
  /** The public page the QR code points to. */
  verifyUrl: string;
}

/** A document being rendered by the BullMQ `documents` worker (poll GET /api/document-jobs/:id). */
export interface DocumentJobInfo {
  jobId: string;
  state: 'waiting' | 'active' | 'completed' | 'failed';
  /** 0–100 */
  progress: number;
  document: DocumentInfo | null;
  error: { code: string; message: string } | null;
}

/** GET /api/public/verify/:id — no login. Says whether a printed document is authentic and current. */
export interface VerifyResult {
  id: string;
  found: boolean;
  kind?: DocumentKind;
  status?: DocumentStatus;
  title?: string;
  projectName?: string;
  issuedAt?: string;
  sha256?: string;
  version?: number;
  /** A few facts a person can compare with the paper (number, amount, unit, masked buyer). */
  facts?: { label: string; labelEn: string; value: string }[];
  /** When superseded: the current version's id. */
  currentId?: string | null;
}

export interface DayEndLine {
  count: number;
  amount: number;
}

/** Day-end 日结 of one cashier and business day. */
export interface DayEndTotals {
  businessDate: string;
  cashierId: string;
  cashier: string;
  byKind: Partial<Record<PaymentKind, DayEndLine>>;
  byMethod: Partial<Record<PaymentMethod, DayEndLine>>;
  /** Money in − refunds out, voided records excluded, conversions excluded (no money moved), fen. */
  net: number;
  receiptsIssued: number;
  receiptsVoided: number;
  /** First and last receipt labels of the day. */
  firstReceipt: string | null;
  lastReceipt: string | null;
  closed: boolean;
  closedAt: string | null;
  closedBy: string | null;
  /** The day close (日结) once closed: the entity of its DAY_END document. */
  dayCloseId: string | null;
}

/** GET/PATCH /api/projects/:id/cashier-settings: the deposit rule 定金时限 and the required deposit. */
export interface CashierSettings {
  /** Minutes after a subscription by which its deposit must be recorded; null: no deposit rule. */
  depositWindowMinutes: number | null;
  /** The deposit a subscription requires, fen. */
  requiredDepositFen: number;
}

/** GET /api/subscriptions/:id/cashier: a subscription as the cashier sees it, with its payments. */
export interface CashierSubscriptionDetail extends CashierSubscription {
  payments: PaymentInfo[];
}

/** GET /api/registrations/:id/cashier: a registration as the cashier sees it, with its payments. */
export interface CashierRegistrationDetail extends CashierRegistration {
  payments: PaymentInfo[];
}

/** GET /api/receipts/:id: a receipt with the payment it acknowledges. */
export interface ReceiptWithPayment extends ReceiptInfo {
  payment: PaymentInfo;
}
