import type { FastifyInstance } from 'fastify';
import {
  confirmBodySchema,
  emptyBodySchema,
  lockBodySchema,
  releaseBodySchema,
  unitRefSchema,
  withholdBodySchema,
} from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

/** The hub's unit commands over HTTP, plus withhold/unwithhold for managers. */
export function unitRoutes(app: FastifyInstance, services: Services): void {
  app.post('/api/units/:unitId/lock', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { unitId } = parse(unitRefSchema, request.params);
    const { registrationId } = parse(lockBodySchema, request.body);
    return services.sales.lock(principal, unitId, registrationId);
  });

  app.post('/api/units/:unitId/release', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { unitId } = parse(unitRefSchema, request.params);
    const { token } = parse(releaseBodySchema, request.body);
    return services.sales.release(principal, unitId, token);
  });

  app.post('/api/units/:unitId/confirm', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { unitId } = parse(unitRefSchema, request.params);
    const { token, buyer, ...terms } = parse(confirmBodySchema, request.body);
    return services.sales.confirm(principal, unitId, token, buyer, terms);
  });

  app.post('/api/units/:unitId/withhold', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { unitId } = parse(unitRefSchema, request.params);
    const { reason, channel } = parse(withholdBodySchema, request.body);
    return services.control.withhold(principal, unitId, reason, channel);
  });

  app.post('/api/units/:unitId/unwithhold', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { unitId } = parse(unitRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.control.unwithhold(principal, unitId);
  });
}
