/**
 * Queue numbers 排号 and calling 叫号 (docs/protocol.md "Queue and calling").
 * Staff routes authenticate like every other route; the buyer page and the ticket PDF are public,
 * reached with the ticket's unguessable token and rate-limited per IP.
 */
import type { FastifyRequest } from 'fastify';
import { AppError, type API } from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import { RateLimiter } from '../../infra/rate-limiter.js';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** Public requests per IP: 5 a second, bursts of 30 (a buyer page polls every few seconds). */
const PUBLIC_RATE = { perSecond: 5, burst: 30 };

export function queueHandlers(services: Services, config: AppConfig): Handlers<typeof API.queue> {
  const queue = services.queue;
  const publicLimiter = new RateLimiter(PUBLIC_RATE.perSecond, PUBLIC_RATE.burst);
  const limitPublic = (request: FastifyRequest): void => {
    if (!publicLimiter.take(request.ip)) throw new AppError('RATE_LIMITED');
  };
  /** Where the ticket's QR code points: PUBLIC_URL, else this request's origin. */
  const originOf = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;
  return {
    // ── Kiosk setup PIN (shared/src/kiosk-setup.ts) ──
    setKioskPin: ({ principal, params, body }) => services.kioskSetup.setPin(principal, params.projectId, body.pin),
    kioskSetup: ({ principal, body }) => services.kioskSetup.setup(principal, body),

    // ── Kiosk and staff ──
    state: ({ principal, params }) => queue.state(principal, params.projectId),
    takeTicket: async ({ principal, params, body, request, reply }) => {
      const result = await queue.take(principal, params.projectId, body, originOf(request));
      return reply.code(result.created ? 201 : 200).send(result);
    },
    tickets: ({ principal, params, query }) => queue.listTickets(principal, params.projectId, query),
    categories: ({ principal, params }) => queue.listCategories(principal, params.projectId),
    createCategory: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await queue.createCategory(principal, params.projectId, body)),

    // ── Calling (managers) ──
    callNext: ({ principal, params, body }) => queue.callNext(principal, params.projectId, body),
    call: ({ principal, params, body }) => queue.callSpecific(principal, params.projectId, body.ticketIds),
    served: ({ principal, params }) => queue.markServed(principal, params.projectId, params.ticketId),
    noShow: ({ principal, params }) => queue.markNoShow(principal, params.projectId, params.ticketId),
    requeue: ({ principal, params }) => queue.requeue(principal, params.projectId, params.ticketId),

    // ── Public: buyer page and printed ticket (a malformed token is as unknown as a wrong one) ──
    buyerView: {
      beforeValidation: limitPublic,
      handle: async ({ params, reply }) =>
        reply.header('cache-control', 'no-store').send(await queue.buyerView({ token: params.token })),
    },
    ticketPdf: {
      beforeValidation: limitPublic,
      handle: async ({ params: { ticketId }, query, request, reply }) => {
        const result = await queue.ticketPdf(ticketId, query.token, originOf(request));
        if (result.state === 'rendering') {
          return reply
            .code(202)
            .header('retry-after', '1')
            .header('cache-control', 'no-store')
            .send({ status: 'rendering' });
        }
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `inline; filename="ticket-${ticketId}.pdf"`)
          .header('etag', `"${result.sha256}"`)
          .header('cache-control', 'private, max-age=300')
          .send(result.pdf);
      },
    },
  };
}
