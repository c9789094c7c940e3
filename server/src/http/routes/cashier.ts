import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** The cashier 收银台: receipt books, payments, conversions, refunds, voids, prints, day-end, settings (docs/cashier.md). */
export function cashierHandlers(services: Services): Handlers<typeof API.cashier> {
  const cashier = services.cashier;
  return {
    // ── Receipt books 收据本 ──
    createBook: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await cashier.books.create(principal, params.projectId, body)),
    books: ({ principal, params }) => cashier.books.list(principal, params.projectId),
    closeBook: ({ principal, params }) => cashier.books.close(principal, params.bookId),

    // ── Finding the deal ──
    lookup: ({ principal, params, query }) => cashier.deals.lookup(principal, params.projectId, query.q),
    subscription: ({ principal, params }) => cashier.deals.subscription(principal, params.subscriptionId),
    registration: ({ principal, params }) => cashier.deals.registration(principal, params.registrationId),

    // ── Payments 收款, 诚意金转定金, 退款 (201 first time, 200 replay of the idempotency key) ──
    recordPayment: async ({ principal, params, body, reply }) => {
      const { created, payment } = await cashier.payments.record(principal, params.projectId, body);
      return reply.code(created ? 201 : 200).send(payment);
    },
    payments: ({ principal, params, query }) => cashier.payments.list(principal, params.projectId, query),
    payment: ({ principal, params }) => cashier.payments.get(principal, params.paymentId),
    convert: async ({ principal, params, body, reply }) => {
      const { created, payment } = await cashier.payments.convert(principal, params.paymentId, body);
      return reply.code(created ? 201 : 200).send(payment);
    },
    refund: async ({ principal, params, body, reply }) => {
      const { created, payment } = await cashier.payments.refund(principal, params.paymentId, body);
      return reply.code(created ? 201 : 200).send(payment);
    },

    // ── Receipts: voids 作废 (four-eyes), prints ──
    requestVoid: async ({ principal, params, body, reply }) => {
      const { created, request } = await cashier.receipts.requestVoid(principal, params.receiptId, body.reason);
      return reply.code(created ? 201 : 200).send(request);
    },
    voidRequests: ({ principal, params, query }) =>
      cashier.receipts.listVoids(principal, params.projectId, query.status),
    decideVoid: ({ principal, params, body }) => cashier.receipts.decideVoid(principal, params.requestId, body),
    withdrawVoid: ({ principal, params }) => cashier.receipts.withdrawVoid(principal, params.requestId),
    print: ({ principal, params }) => cashier.receipts.print(principal, params.receiptId),
    receipt: ({ principal, params }) => cashier.receipts.get(principal, params.receiptId),

    // ── Day-end 日结 ──
    dayEnd: ({ principal, params, query }) => cashier.dayEnd.totals(principal, params.projectId, query),
    closeDay: ({ principal, params, body }) =>
      cashier.dayEnd.close(principal, params.projectId, { date: body.date, cashierId: body.cashierId }),
    dayEndCsv: async ({ principal, params, query, reply }) => {
      const { filename, body } = await cashier.dayEnd.csv(principal, params.projectId, query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .header('cache-control', 'no-store')
        .send(body);
    },

    // ── Settings: the deposit rule and the required deposit ──
    settings: ({ principal, params }) => cashier.settings.get(principal, params.projectId),
    updateSettings: ({ principal, params, body }) => cashier.settings.update(principal, params.projectId, body),
  };
}
