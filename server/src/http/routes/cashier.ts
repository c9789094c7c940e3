import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  MAX_PAYMENT_FEN,
  PAYMENT_KINDS,
  convertSinceritySchema,
  decisionBodySchema,
  emptyBodySchema,
  idSchema,
  idempotencyKeySchema,
  projectRefSchema,
  receiptBookSchema,
  recordPaymentSchema,
  refundSchema,
  voidRequestSchema,
} from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

// Path, query and the bodies shared/src/cashier.ts does not define (day-end close, settings).
const isCalendarDate = (d: string): boolean => {
  const ms = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === d;
};
const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').refine(isCalendarDate, 'not a calendar date');
const bookRefSchema = z.strictObject({ bookId: idSchema });
const paymentRefSchema = z.strictObject({ paymentId: idSchema });
const receiptRefSchema = z.strictObject({ receiptId: idSchema });
const voidRefSchema = z.strictObject({ requestId: idSchema });
const subscriptionRefSchema = z.strictObject({ subscriptionId: idSchema });
const registrationRefSchema = z.strictObject({ registrationId: idSchema });
const lookupQuerySchema = z.strictObject({ q: z.string().trim().min(1).max(64) });
const paymentQuerySchema = z.strictObject({
  date: dateSchema.optional(),
  cashierId: idSchema.optional(),
  kind: z.enum(PAYMENT_KINDS).optional(),
});
const voidQuerySchema = z.strictObject({ status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN']).optional() });
const dayQuerySchema = z.strictObject({ date: dateSchema.optional(), cashierId: idSchema.optional() });
export const dayCloseSchema = z.strictObject({
  date: dateSchema,
  cashierId: idSchema.optional(),
  /** Accepted for symmetry with the other money commands; closing is idempotent by (cashier, day) anyway. */
  idempotencyKey: idempotencyKeySchema.optional(),
});
export const cashierSettingsSchema = z
  .strictObject({
    depositWindowMinutes: z.number().int().min(5).max(1440).nullable().optional(),
    requiredDepositFen: z.number().int().min(1).max(MAX_PAYMENT_FEN).optional(),
  })
  .refine((b) => b.depositWindowMinutes !== undefined || b.requiredDepositFen !== undefined, { message: 'nothing to change' });

/** The cashier 收银台: receipt books, payments, conversions, refunds, voids, prints, day-end, settings (docs/cashier.md). */
export function cashierRoutes(app: FastifyInstance, services: Services): void {
  const cashier = services.cashier;

  // ── Receipt books 收据本 ──
  app.post('/api/projects/:projectId/receipt-books', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(receiptBookSchema, request.body);
    return reply.code(201).send(await cashier.books.create(principal, projectId, body));
  });

  app.get('/api/projects/:projectId/receipt-books', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return cashier.books.list(principal, projectId);
  });

  app.post('/api/receipt-books/:bookId/close', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { bookId } = parse(bookRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return cashier.books.close(principal, bookId);
  });

  // ── Finding the deal ──
  app.get('/api/projects/:projectId/cashier/lookup', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { q } = parse(lookupQuerySchema, request.query);
    return cashier.lookup(principal, projectId, q);
  });

  app.get('/api/subscriptions/:subscriptionId/cashier', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { subscriptionId } = parse(subscriptionRefSchema, request.params);
    return cashier.subscription(principal, subscriptionId);
  });

  app.get('/api/registrations/:registrationId/cashier', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { registrationId } = parse(registrationRefSchema, request.params);
    return cashier.registration(principal, registrationId);
  });

  // ── Payments 收款, 诚意金转定金, 退款 (201 first time, 200 replay of the idempotency key) ──
  app.post('/api/projects/:projectId/payments', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(recordPaymentSchema, request.body);
    const { created, payment } = await cashier.payments.record(principal, projectId, body);
    return reply.code(created ? 201 : 200).send(payment);
  });

  app.get('/api/projects/:projectId/payments', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const query = parse(paymentQuerySchema, request.query);
    return cashier.payments.list(principal, projectId, query);
  });

  app.get('/api/payments/:paymentId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { paymentId } = parse(paymentRefSchema, request.params);
    return cashier.payments.get(principal, paymentId);
  });

  app.post('/api/payments/:paymentId/convert', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { paymentId } = parse(paymentRefSchema, request.params);
    const body = parse(convertSinceritySchema, request.body);
    const { created, payment } = await cashier.payments.convert(principal, paymentId, body);
    return reply.code(created ? 201 : 200).send(payment);
  });

  app.post('/api/payments/:paymentId/refund', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { paymentId } = parse(paymentRefSchema, request.params);
    const body = parse(refundSchema, request.body);
    const { created, payment } = await cashier.payments.refund(principal, paymentId, body);
    return reply.code(created ? 201 : 200).send(payment);
  });

  // ── Receipts: voids 作废 (four-eyes), prints ──
  app.post('/api/receipts/:receiptId/void-requests', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { receiptId } = parse(receiptRefSchema, request.params);
    const { reason } = parse(voidRequestSchema, request.body);
    const { created, request: info } = await cashier.receipts.requestVoid(principal, receiptId, reason);
    return reply.code(created ? 201 : 200).send(info);
  });

  app.get('/api/projects/:projectId/void-requests', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { status } = parse(voidQuerySchema, request.query);
    return cashier.receipts.listVoids(principal, projectId, status);
  });

  app.post('/api/void-requests/:requestId/decision', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { requestId } = parse(voidRefSchema, request.params);
    const body = parse(decisionBodySchema, request.body);
    return cashier.receipts.decideVoid(principal, requestId, body);
  });

  app.post('/api/void-requests/:requestId/withdraw', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { requestId } = parse(voidRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return cashier.receipts.withdrawVoid(principal, requestId);
  });

  app.post('/api/receipts/:receiptId/prints', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { receiptId } = parse(receiptRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return cashier.receipts.print(principal, receiptId);
  });

  app.get('/api/receipts/:receiptId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { receiptId } = parse(receiptRefSchema, request.params);
    return cashier.receipts.get(principal, receiptId);
  });

  // ── Day-end 日结 ──
  app.get('/api/projects/:projectId/day-end', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const query = parse(dayQuerySchema, request.query);
    return cashier.dayEnd.totals(principal, projectId, query);
  });

  app.post('/api/projects/:projectId/day-end/close', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { date, cashierId } = parse(dayCloseSchema, request.body);
    return cashier.dayEnd.close(principal, projectId, { date, cashierId });
  });

  app.get('/api/projects/:projectId/day-end.csv', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const query = parse(dayQuerySchema, request.query);
    const { filename, body } = await cashier.dayEnd.csv(principal, projectId, query);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
      .header('cache-control', 'no-store')
      .send(body);
  });

  // ── Settings: the deposit rule and the required deposit ──
  app.get('/api/projects/:projectId/cashier-settings', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return cashier.settings(principal, projectId);
  });

  app.patch('/api/projects/:projectId/cashier-settings', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(cashierSettingsSchema, request.body);
    return cashier.updateSettings(principal, projectId, body);
  });
}
