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
const paymentKindSchema = z.enum(PAYMENT_KINDS);
/** Kinds a cashier records as money in (REFUND has its own command). */
export const INCOMING_KINDS = ['SINCERITY', 'DEPOSIT', 'DOWN_PAYMENT', 'OTHER'] as const;
export type IncomingKind = (typeof INCOMING_KINDS)[number];

/** Methods a cashier can take money by. (CONVERSION exists only on converted deposits: no money moves.) */
export const PAYMENT_METHODS = ['CASH', 'BANK_CARD', 'TRANSFER', 'WECHAT', 'ALIPAY', 'CHEQUE'] as const;
const paymentMethodSchema = z.enum([...PAYMENT_METHODS, 'CONVERSION']);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

const paymentStatusSchema = z.enum(['RECORDED', 'VOIDED', 'CONVERTED', 'REFUNDED']);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

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

export const receiptBookInfoSchema = z.object({
  id: z.string(),
  prefix: z.string(),
  firstNumber: z.number().int(),
  lastNumber: z.number().int(),
  nextNumber: z.number().int(),
  digits: z.number().int(),
  /** Numbers left (0 = exhausted). */
  remaining: z.number().int(),
  cashierId: z.string().nullable(),
  cashier: z.string().nullable(),
  status: z.enum(['ACTIVE', 'CLOSED']),
  createdAt: z.string(),
});
export type ReceiptBookInfo = z.infer<typeof receiptBookInfoSchema>;

/** WITHDRAWN: taken back by whoever asked before a decision. */
export const voidRequestStatusSchema = z.enum(['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN']);
export type VoidRequestStatus = z.infer<typeof voidRequestStatusSchema>;

/** A request to void a receipt, as the decision list and the kiosk show it. */
export const voidRequestInfoSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  receiptId: z.string(),
  receiptLabel: z.string(),
  paymentId: z.string(),
  paymentKind: paymentKindSchema,
  amount: z.number().int(),
  payerName: z.string(),
  unitCode: z.string().nullable(),
  registrationNo: z.string().nullable(),
  cashierId: z.string(),
  cashier: z.string(),
  businessDate: z.string(),
  reason: z.string(),
  status: voidRequestStatusSchema,
  requestedById: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  decidedById: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});
export type VoidRequestInfo = z.infer<typeof voidRequestInfoSchema>;

export const receiptInfoSchema = z.object({
  id: z.string(),
  label: z.string(),
  number: z.number().int(),
  bookId: z.string(),
  status: z.enum(['ISSUED', 'VOIDED']),
  voidReason: z.string().nullable(),
  voidedAt: z.string().nullable(),
  /** Prints so far; every print after the first is a reprint (COPY / 重打). */
  printCount: z.number().int(),
  issuedAt: z.string(),
  /** A void request waiting for a manager (whoever asked may withdraw it). */
  pendingVoid: z
    .object({
      id: z.string(),
      reason: z.string(),
      requestedById: z.string(),
      requestedBy: z.string(),
      requestedAt: z.string(),
    })
    .nullable(),
});
export type ReceiptInfo = z.infer<typeof receiptInfoSchema>;

export const paymentLineInfoSchema = z.object({
  method: paymentMethodSchema,
  amount: z.number().int(),
  reference: z.string().nullable(),
});
export type PaymentLineInfo = z.infer<typeof paymentLineInfoSchema>;

export const paymentInfoSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  kind: paymentKindSchema,
  amount: z.number().int(),
  status: paymentStatusSchema,
  payerName: z.string(),
  /** As the privacy rule lets the caller see it (docs/privacy.md); null when none was given. */
  payerPhone: z.string().nullable(),
  lines: z.array(paymentLineInfoSchema),
  subscriptionId: z.string().nullable(),
  /** Unit of the subscription, e.g. 1-2502. */
  unitCode: z.string().nullable(),
  registrationId: z.string().nullable(),
  /** e.g. R0007 */
  registrationNo: z.string().nullable(),
  cashierId: z.string(),
  cashier: z.string(),
  /** YYYY-MM-DD in the project's time zone. */
  businessDate: z.string(),
  /** The day was closed: the record is frozen (corrections are new records). */
  closed: z.boolean(),
  convertedFromId: z.string().nullable(),
  convertedToId: z.string().nullable(),
  correctsId: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  receipt: receiptInfoSchema.nullable(),
});
export type PaymentInfo = z.infer<typeof paymentInfoSchema>;

/** A subscription as the cashier sees it: what is due and what was paid. */
export const cashierSubscriptionSchema = z.object({
  id: z.string(),
  unitId: z.string(),
  unitCode: z.string(),
  status: z.enum(['ACTIVE', 'CANCELLED', 'CONTRACTED', 'CHANGED']),
  buyerName: z.string(),
  /** As the privacy rule lets the caller see it (docs/privacy.md): clear for the money desk, else masked or null. */
  buyerPhone: z.string().nullable(),
  price: z.number().int(),
  /** The deposit the plan (or the project) requires, fen. */
  depositRequired: z.number().int(),
  /** Recorded (not voided) deposits, conversions included, fen. */
  depositPaid: z.number().int(),
  depositPaidAt: z.string().nullable(),
  /** With the project's deposit window: the unit returns to sale at this instant unless paid. */
  depositDueAt: z.string().nullable(),
  refundState: z.enum(['NONE', 'DUE', 'DONE']),
  /** Net money held for this subscription (in − refunds), fen: what a refund would pay back. */
  balanceHeld: z.number().int(),
  registrationId: z.string().nullable(),
  createdAt: z.string(),
});
export type CashierSubscription = z.infer<typeof cashierSubscriptionSchema>;

export const cashierRegistrationSchema = z.object({
  id: z.string(),
  /** e.g. R0007 */
  label: z.string(),
  status: z.enum(['ACTIVE', 'CANCELLED']),
  customerName: z.string(),
  /** As the privacy rule lets the caller see it (docs/privacy.md). */
  customerPhone: z.string().nullable(),
  /** Sincerity deposits recorded and not converted, refunded or voided, fen. */
  sincerityHeld: z.number().int(),
});
export type CashierRegistration = z.infer<typeof cashierRegistrationSchema>;

/** GET /api/projects/:projectId/cashier/lookup?q= — by unit code, buyer phone, queue number or receipt/document number. */
export const cashierLookupSchema = z.object({
  query: z.string(),
  subscriptions: z.array(cashierSubscriptionSchema),
  registrations: z.array(cashierRegistrationSchema),
  payments: z.array(paymentInfoSchema),
});
export type CashierLookup = z.infer<typeof cashierLookupSchema>;

export const documentKindSchema = z.enum(['RECEIPT', 'AGREEMENT', 'PURCHASE_PLAN', 'DAY_END', 'DISPUTE_PACK']);
export type DocumentKind = z.infer<typeof documentKindSchema>;
export const documentStatusSchema = z.enum(['CURRENT', 'SUPERSEDED', 'VOIDED']);
export type DocumentStatus = z.infer<typeof documentStatusSchema>;
/** Paper variants: receipts A5 and 80 mm thermal; agreements, plans and day-end A4. */
export const DOCUMENT_VARIANTS = ['A4', 'A5', 'THERMAL_80'] as const;
export type DocumentVariant = (typeof DOCUMENT_VARIANTS)[number];

export const documentInfoSchema = z.object({
  id: z.string(),
  kind: documentKindSchema,
  entityId: z.string(),
  version: z.number().int(),
  status: documentStatusSchema,
  variant: z.enum(DOCUMENT_VARIANTS),
  title: z.string(),
  sha256: z.string(),
  pages: z.number().int(),
  createdAt: z.string(),
  /** GET this for the PDF (authenticated). */
  pdfUrl: z.string(),
  /** The public page the QR code points to. */
  verifyUrl: z.string(),
});
export type DocumentInfo = z.infer<typeof documentInfoSchema>;

/** A document being rendered by the BullMQ `documents` worker (poll GET /api/document-jobs/:id). */
export const documentJobInfoSchema = z.object({
  jobId: z.string(),
  state: z.enum(['waiting', 'active', 'completed', 'failed']),
  /** 0–100 */
  progress: z.number(),
  document: documentInfoSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type DocumentJobInfo = z.infer<typeof documentJobInfoSchema>;

/** GET /api/public/verify/:id — no login. Says whether a printed document is authentic and current. */
export const verifyResultSchema = z.object({
  id: z.string(),
  found: z.boolean(),
  kind: documentKindSchema.optional(),
  status: documentStatusSchema.optional(),
  title: z.string().optional(),
  projectName: z.string().optional(),
  issuedAt: z.string().optional(),
  sha256: z.string().optional(),
  version: z.number().int().optional(),
  /** A few facts a person can compare with the paper (number, amount, unit, masked buyer). */
  facts: z.array(z.object({ label: z.string(), labelEn: z.string(), value: z.string() })).optional(),
  /** When superseded: the current version's id. */
  currentId: z.string().nullable().optional(),
});
export type VerifyResult = z.infer<typeof verifyResultSchema>;

export const dayEndLineSchema = z.object({ count: z.number().int(), amount: z.number().int() });
export type DayEndLine = z.infer<typeof dayEndLineSchema>;

/** Day-end 日结 of one cashier and business day. */
export const dayEndTotalsSchema = z.object({
  businessDate: z.string(),
  cashierId: z.string(),
  cashier: z.string(),
  byKind: z.partialRecord(paymentKindSchema, dayEndLineSchema),
  byMethod: z.partialRecord(paymentMethodSchema, dayEndLineSchema),
  /** Money in − refunds out, voided records excluded, conversions excluded (no money moved), fen. */
  net: z.number().int(),
  receiptsIssued: z.number().int(),
  receiptsVoided: z.number().int(),
  /** First and last receipt labels of the day. */
  firstReceipt: z.string().nullable(),
  lastReceipt: z.string().nullable(),
  closed: z.boolean(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  /** The day close (日结) once closed: the entity of its DAY_END document. */
  dayCloseId: z.string().nullable(),
});
export type DayEndTotals = z.infer<typeof dayEndTotalsSchema>;

/** GET/PATCH /api/projects/:id/cashier-settings: the deposit rule 定金时限 and the required deposit. */
export const cashierSettingsInfoSchema = z.object({
  /** Minutes after a subscription by which its deposit must be recorded; null: no deposit rule. */
  depositWindowMinutes: z.number().int().nullable(),
  /** The deposit a subscription requires, fen. */
  requiredDepositFen: z.number().int(),
});
export type CashierSettings = z.infer<typeof cashierSettingsInfoSchema>;

/** GET /api/subscriptions/:id/cashier: a subscription as the cashier sees it, with its payments. */
export const cashierSubscriptionDetailSchema = cashierSubscriptionSchema.extend({
  payments: z.array(paymentInfoSchema),
});
export type CashierSubscriptionDetail = z.infer<typeof cashierSubscriptionDetailSchema>;

/** GET /api/registrations/:id/cashier: a registration as the cashier sees it, with its payments. */
export const cashierRegistrationDetailSchema = cashierRegistrationSchema.extend({
  payments: z.array(paymentInfoSchema),
});
export type CashierRegistrationDetail = z.infer<typeof cashierRegistrationDetailSchema>;

/** GET /api/receipts/:id: a receipt with the payment it acknowledges. */
export const receiptWithPaymentSchema = receiptInfoSchema.extend({ payment: paymentInfoSchema });
export type ReceiptWithPayment = z.infer<typeof receiptWithPaymentSchema>;
