/**
 * Queue numbers 排号 and calling 叫号 (docs/protocol.md "Queue and calling").
 * Staff routes authenticate like every other route; the buyer page and the ticket PDF are public,
 * reached with the ticket's unguessable token and rate-limited per IP.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  callNextSchema,
  callSpecificSchema,
  createQueueCategorySchema,
  emptyBodySchema,
  kioskSetupSchema,
  listTicketsQuerySchema,
  setKioskPinSchema,
  projectRefSchema,
  projectTicketRefSchema,
  takeTicketSchema,
  ticketPdfQuerySchema,
  ticketRefSchema,
  ticketTokenRefSchema,
  type QueueTicketView,
} from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import type { Principal } from '../../domain/principal.js';
import { RateLimiter } from '../../infra/rate-limiter.js';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

/** Public requests per IP: 5 a second, bursts of 30 (a buyer page polls every few seconds). */
const PUBLIC_RATE = { perSecond: 5, burst: 30 };

export function queueRoutes(app: FastifyInstance, services: Services, config: AppConfig): void {
  const publicLimiter = new RateLimiter(PUBLIC_RATE.perSecond, PUBLIC_RATE.burst);
  const limitPublic = (request: FastifyRequest): void => {
    if (!publicLimiter.take(request.ip)) throw new AppError('RATE_LIMITED');
  };
  /** Where the ticket's QR code points: PUBLIC_URL, else this request's origin. */
  const originOf = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;

  // ── Kiosk setup PIN (shared/src/kiosk-setup.ts) ─────────────────────────────────────────────
  app.put('/api/projects/:projectId/kiosk-pin', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { pin } = parse(setKioskPinSchema, request.body);
    return services.kioskSetup.setPin(principal, projectId, pin);
  });

  app.post('/api/kiosk/setup', async (request) => {
    const principal = await requirePrincipal(services, request);
    return services.kioskSetup.setup(principal, parse(kioskSetupSchema, request.body));
  });

  // ── Kiosk and staff ──────────────────────────────────────────────────────────────────────
  app.get('/api/projects/:projectId/queue', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.queue.state(principal, projectId);
  });

  app.post('/api/projects/:projectId/queue/tickets', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(takeTicketSchema, request.body);
    const result = await services.queue.take(principal, projectId, body, originOf(request));
    return reply.code(result.created ? 201 : 200).send(result);
  });

  app.get('/api/projects/:projectId/queue/tickets', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.queue.listTickets(principal, projectId, parse(listTicketsQuerySchema, request.query));
  });

  app.get('/api/projects/:projectId/queue/categories', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.queue.listCategories(principal, projectId);
  });

  app.post('/api/projects/:projectId/queue/categories', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const category = await services.queue.createCategory(principal, projectId, parse(createQueueCategorySchema, request.body));
    return reply.code(201).send(category);
  });

  // ── Calling (managers) ───────────────────────────────────────────────────────────────────
  app.post('/api/projects/:projectId/queue/call-next', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.queue.callNext(principal, projectId, parse(callNextSchema, request.body));
  });

  app.post('/api/projects/:projectId/queue/call', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { ticketIds } = parse(callSpecificSchema, request.body);
    return services.queue.callSpecific(principal, projectId, ticketIds);
  });

  /** served | no-show | requeue of one ticket: empty JSON body, answers the ticket. */
  const ticketCommand = (path: string, run: (principal: Principal, projectId: string, ticketId: string) => Promise<QueueTicketView>) => {
    app.post(`/api/projects/:projectId/queue/tickets/:ticketId/${path}`, async (request) => {
      const principal = await requirePrincipal(services, request);
      const { projectId, ticketId } = parse(projectTicketRefSchema, request.params);
      parse(emptyBodySchema, request.body);
      return run(principal, projectId, ticketId);
    });
  };
  ticketCommand('served', (p, projectId, ticketId) => services.queue.markServed(p, projectId, ticketId));
  ticketCommand('no-show', (p, projectId, ticketId) => services.queue.markNoShow(p, projectId, ticketId));
  ticketCommand('requeue', (p, projectId, ticketId) => services.queue.requeue(p, projectId, ticketId));

  // ── Public: buyer page and printed ticket ────────────────────────────────────────────────
  app.get('/api/public/tickets/:token', async (request, reply) => {
    limitPublic(request);
    const params = ticketTokenRefSchema.safeParse(request.params);
    // A malformed token is as unknown as a wrong one: same answer, nothing to learn.
    if (!params.success) throw new AppError('NOT_FOUND');
    const view = await services.queue.buyerView({ token: params.data.token });
    return reply.header('cache-control', 'no-store').send(view);
  });

  app.get('/api/queue/tickets/:ticketId/pdf', async (request, reply: FastifyReply) => {
    limitPublic(request);
    const params = ticketRefSchema.safeParse(request.params);
    const query = ticketPdfQuerySchema.safeParse(request.query);
    if (!params.success || !query.success) throw new AppError('NOT_FOUND');
    const result = await services.queue.ticketPdf(params.data.ticketId, query.data.token, originOf(request));
    if (result.state === 'rendering') {
      return reply.code(202).header('retry-after', '1').header('cache-control', 'no-store').send({ status: 'rendering' });
    }
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="ticket-${params.data.ticketId}.pdf"`)
      .header('etag', `"${result.sha256}"`)
      .header('cache-control', 'private, max-age=300')
      .send(result.pdf);
  });
}
