import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { changeRequestBodySchema, decisionBodySchema, emptyBodySchema, idSchema, projectRefSchema } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

// Path and query shapes of these routes only (the bodies are the shared contracts of deals.ts).
const subscriptionRefSchema = z.strictObject({ subscriptionId: idSchema });
const changeRefSchema = z.strictObject({ requestId: idSchema });
const subscriptionQuerySchema = z.strictObject({
  status: z.enum(['ACTIVE', 'CANCELLED', 'CONTRACTED', 'CHANGED']).optional(),
  q: z.string().trim().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
const changeQuerySchema = z.strictObject({
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'EXECUTED', 'WITHDRAWN']).optional(),
});

/** Subscriptions 认购 and their change requests 换房/退房/更名/调价 (docs/change-requests.md). */
export function changeRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/projects/:projectId/subscriptions', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const query = parse(subscriptionQuerySchema, request.query);
    return services.changes.listSubscriptions(principal, projectId, query);
  });

  app.get('/api/subscriptions/:subscriptionId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { subscriptionId } = parse(subscriptionRefSchema, request.params);
    return services.changes.getSubscription(principal, subscriptionId);
  });

  app.post('/api/change-requests', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const body = parse(changeRequestBodySchema, request.body);
    const { created, request: info } = await services.changes.request(principal, body);
    return reply.code(created ? 201 : 200).send(info);
  });

  app.get('/api/projects/:projectId/change-requests', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { status } = parse(changeQuerySchema, request.query);
    return services.changes.listRequests(principal, projectId, status);
  });

  app.post('/api/change-requests/:requestId/decision', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { requestId } = parse(changeRefSchema, request.params);
    const body = parse(decisionBodySchema, request.body);
    return services.changes.decide(principal, requestId, body);
  });

  app.post('/api/change-requests/:requestId/withdraw', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { requestId } = parse(changeRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.changes.withdraw(principal, requestId);
  });

  app.post('/api/change-requests/:requestId/execute', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { requestId } = parse(changeRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.changes.execute(principal, requestId);
  });
}
