import type { FastifyInstance } from 'fastify';
import {
  createRegistrationSchema,
  emptyBodySchema,
  entitlementBodySchema,
  projectRefSchema,
  registrationRefSchema,
} from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

/**
 * Pre-registration 认筹: create, overview (with the oversubscription warning), cancel, entitlement.
 * No deposit flag: whether the sincerity deposit is held follows from the cashier's payments.
 */
export function registrationRoutes(app: FastifyInstance, services: Services): void {
  app.post('/api/projects/:projectId/registrations', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(createRegistrationSchema, request.body);
    const created = await services.registrations.create(principal, projectId, body);
    return reply.code(201).send(created);
  });

  app.get('/api/projects/:projectId/registrations', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.registrations.overview(principal, projectId);
  });

  app.get('/api/registrations/:registrationId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { registrationId } = parse(registrationRefSchema, request.params);
    return services.registrations.get(principal, registrationId);
  });

  app.post('/api/registrations/:registrationId/cancel', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { registrationId } = parse(registrationRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.registrations.cancel(principal, registrationId);
  });

  app.post('/api/registrations/:registrationId/entitlement', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { registrationId } = parse(registrationRefSchema, request.params);
    const { unitsAllowed } = parse(entitlementBodySchema, request.body);
    return services.registrations.setEntitlement(principal, registrationId, unitsAllowed);
  });
}
