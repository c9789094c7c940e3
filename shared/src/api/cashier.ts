/** The cashier 收银台: receipt books, payments, conversions, refunds, voids, prints, day-end, settings (docs/cashier.md). */
import { z } from 'zod';
import {
  cashierLookupSchema,
  cashierRegistrationDetailSchema,
  cashierSettingsInfoSchema,
  cashierSubscriptionDetailSchema,
  convertSinceritySchema,
  dayEndTotalsSchema,
  MAX_PAYMENT_FEN,
  PAYMENT_KINDS,
  paymentInfoSchema,
  receiptBookInfoSchema,
  receiptBookSchema,
  receiptInfoSchema,
  receiptWithPaymentSchema,
  recordPaymentSchema,
  refundSchema,
  voidRequestInfoSchema,
  voidRequestSchema,
} from '../cashier.js';
import { decisionBodySchema } from '../deals.js';
import { registrationRefSchema } from '../registrations.js';
import { emptyBodySchema, idSchema, idempotencyKeySchema, projectRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';
import { subscriptionRefSchema } from './changes.js';

const isCalendarDate = (d: string): boolean => {
  const ms = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === d;
};
/** A calendar day `YYYY-MM-DD` in the project's time zone. */
export const calendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine(isCalendarDate, 'not a calendar date');
export const bookRefSchema = z.strictObject({ bookId: idSchema });
export const paymentRefSchema = z.strictObject({ paymentId: idSchema });
export const receiptRefSchema = z.strictObject({ receiptId: idSchema });
export const voidRefSchema = z.strictObject({ requestId: idSchema });
export const cashierLookupQuerySchema = z.strictObject({ q: z.string().trim().min(1).max(64) });
export const paymentListQuerySchema = z.strictObject({
  date: calendarDateSchema.optional(),
  cashierId: idSchema.optional(),
  kind: z.enum(PAYMENT_KINDS).optional(),
});
export const voidListQuerySchema = z.strictObject({
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN']).optional(),
});
export const dayQuerySchema = z.strictObject({ date: calendarDateSchema.optional(), cashierId: idSchema.optional() });
export const dayCloseSchema = z.strictObject({
  date: calendarDateSchema,
  cashierId: idSchema.optional(),
  /** Accepted for symmetry with the other money commands; closing is idempotent by (cashier, day) anyway. */
  idempotencyKey: idempotencyKeySchema.optional(),
});
export const cashierSettingsSchema = z
  .strictObject({
    depositWindowMinutes: z.number().int().min(5).max(1440).nullable().optional(),
    requiredDepositFen: z.number().int().min(1).max(MAX_PAYMENT_FEN).optional(),
  })
  .refine((b) => b.depositWindowMinutes !== undefined || b.requiredDepositFen !== undefined, {
    message: 'nothing to change',
  });

const MONEY_ERRORS = ['CONFLICT', 'INVALID_TRANSITION'] as const;

export const cashierApi = {
  createBook: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/receipt-books',
    summary: 'Open a receipt book 收据本.',
    access: 'handleMoney',
    params: projectRefSchema,
    body: receiptBookSchema,
    responses: { 201: receiptBookInfoSchema },
    errors: MONEY_ERRORS,
  }),
  books: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/receipt-books',
    summary: 'Receipt books of the project.',
    access: 'readMoney',
    params: projectRefSchema,
    responses: { 200: z.array(receiptBookInfoSchema) },
    errors: [],
  }),
  closeBook: defineRoute({
    method: 'POST',
    path: '/api/receipt-books/:bookId/close',
    summary: 'Close a receipt book.',
    access: 'handleMoney',
    params: bookRefSchema,
    body: emptyBodySchema,
    responses: { 200: receiptBookInfoSchema },
    errors: MONEY_ERRORS,
  }),
  lookup: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/cashier/lookup',
    summary: 'Find the deal or registration to take money for (phone, name, unit, number).',
    access: 'handleMoney',
    params: projectRefSchema,
    query: cashierLookupQuerySchema,
    responses: { 200: cashierLookupSchema },
    errors: [],
  }),
  subscription: defineRoute({
    method: 'GET',
    path: '/api/subscriptions/:subscriptionId/cashier',
    summary: 'A subscription as the cashier sees it: amounts due and paid, payments.',
    access: 'readMoney',
    params: subscriptionRefSchema,
    responses: { 200: cashierSubscriptionDetailSchema },
    errors: [],
  }),
  registration: defineRoute({
    method: 'GET',
    path: '/api/registrations/:registrationId/cashier',
    summary: 'A registration as the cashier sees it: the sincerity deposit.',
    access: 'readMoney',
    params: registrationRefSchema,
    responses: { 200: cashierRegistrationDetailSchema },
    errors: [],
  }),
  recordPayment: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/payments',
    summary: 'Record a payment 收款 (201; 200 for a repeated idempotency key).',
    access: 'handleMoney',
    params: projectRefSchema,
    body: recordPaymentSchema,
    responses: { 201: paymentInfoSchema, 200: paymentInfoSchema },
    errors: MONEY_ERRORS,
  }),
  payments: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/payments',
    summary: 'Payments of the project (day, cashier, kind).',
    access: 'readMoney',
    params: projectRefSchema,
    query: paymentListQuerySchema,
    responses: { 200: z.array(paymentInfoSchema) },
    errors: [],
  }),
  payment: defineRoute({
    method: 'GET',
    path: '/api/payments/:paymentId',
    summary: 'One payment with its receipt.',
    access: 'readMoney',
    params: paymentRefSchema,
    responses: { 200: paymentInfoSchema },
    errors: [],
  }),
  convert: defineRoute({
    method: 'POST',
    path: '/api/payments/:paymentId/convert',
    summary: 'Convert a sincerity deposit 诚意金 into the deposit 定金 of a deal (201; 200 replay).',
    access: 'handleMoney',
    params: paymentRefSchema,
    body: convertSinceritySchema,
    responses: { 201: paymentInfoSchema, 200: paymentInfoSchema },
    errors: MONEY_ERRORS,
  }),
  refund: defineRoute({
    method: 'POST',
    path: '/api/payments/:paymentId/refund',
    summary: 'Refund 退款 a payment (201; 200 replay).',
    access: 'handleMoney',
    params: paymentRefSchema,
    body: refundSchema,
    responses: { 201: paymentInfoSchema, 200: paymentInfoSchema },
    errors: MONEY_ERRORS,
  }),
  requestVoid: defineRoute({
    method: 'POST',
    path: '/api/receipts/:receiptId/void-requests',
    summary: 'Ask a manager to void 作废 a receipt (201; 200 for the same pending request).',
    access: 'handleMoney',
    params: receiptRefSchema,
    body: voidRequestSchema,
    responses: { 201: voidRequestInfoSchema, 200: voidRequestInfoSchema },
    errors: MONEY_ERRORS,
  }),
  voidRequests: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/void-requests',
    summary: 'Void requests of the project.',
    access: 'readMoney',
    params: projectRefSchema,
    query: voidListQuerySchema,
    responses: { 200: z.array(voidRequestInfoSchema) },
    errors: [],
  }),
  decideVoid: defineRoute({
    method: 'POST',
    path: '/api/void-requests/:requestId/decision',
    summary: 'Approve or reject a void (a manager other than the requester).',
    access: 'manage',
    params: voidRefSchema,
    body: decisionBodySchema,
    responses: { 200: voidRequestInfoSchema },
    errors: MONEY_ERRORS,
  }),
  withdrawVoid: defineRoute({
    method: 'POST',
    path: '/api/void-requests/:requestId/withdraw',
    summary: 'Whoever asked takes a pending void request back (WITHDRAWN; docs/approvals.md).',
    access: 'handleMoney',
    params: voidRefSchema,
    body: emptyBodySchema,
    responses: { 200: voidRequestInfoSchema },
    errors: MONEY_ERRORS,
  }),
  print: defineRoute({
    method: 'POST',
    path: '/api/receipts/:receiptId/prints',
    summary: 'Record a print (a reprint is marked 补打).',
    access: 'handleMoney',
    params: receiptRefSchema,
    body: emptyBodySchema,
    responses: { 200: receiptInfoSchema },
    errors: MONEY_ERRORS,
  }),
  receipt: defineRoute({
    method: 'GET',
    path: '/api/receipts/:receiptId',
    summary: 'One receipt.',
    access: 'readMoney',
    params: receiptRefSchema,
    responses: { 200: receiptWithPaymentSchema },
    errors: [],
  }),
  dayEnd: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/day-end',
    summary: 'Day-end 日结 totals of a day (and cashier).',
    access: 'readMoney',
    params: projectRefSchema,
    query: dayQuerySchema,
    responses: { 200: dayEndTotalsSchema },
    errors: [],
  }),
  closeDay: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/day-end/close',
    summary: 'Close a day: its totals are final.',
    access: 'handleMoney',
    params: projectRefSchema,
    body: dayCloseSchema,
    responses: { 200: dayEndTotalsSchema },
    errors: MONEY_ERRORS,
  }),
  dayEndCsv: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/day-end.csv',
    summary: 'The day-end as CSV.',
    access: 'readMoney',
    params: projectRefSchema,
    query: dayQuerySchema,
    responses: {},
    file: 'text/csv',
    errors: [],
  }),
  settings: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/cashier-settings',
    summary: 'The deposit rule 定金时限 and the required deposit.',
    access: 'readMoney',
    params: projectRefSchema,
    responses: { 200: cashierSettingsInfoSchema },
    errors: [],
  }),
  updateSettings: defineRoute({
    method: 'PATCH',
    path: '/api/projects/:projectId/cashier-settings',
    summary: 'Change the deposit rule or the required deposit.',
    access: 'manage',
    params: projectRefSchema,
    body: cashierSettingsSchema,
    responses: { 200: cashierSettingsInfoSchema },
    errors: [...MONEY_ERRORS, 'PROJECT_ARCHIVED'],
  }),
};
