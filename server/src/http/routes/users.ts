import type { FastifyInstance } from 'fastify';
import { emptyBodySchema, userRefSchema } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

/**
 * User administration, administrators only (docs/protocol.md "Sessions and accounts"). Issue 14's
 * user management (`POST /api/users`, `PATCH /api/users/:id` …) goes beside these.
 */
export function userRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/users', async (request) => {
    const principal = await requirePrincipal(services, request);
    return services.users.list(principal);
  });

  /** The user can no longer sign in; every session of theirs ends at once (HTTP and live sockets). */
  app.post('/api/users/:userId/deactivate', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { userId } = parse(userRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.users.deactivate(principal, userId);
  });

  app.post('/api/users/:userId/activate', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { userId } = parse(userRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.users.activate(principal, userId);
  });

  app.get('/api/users/:userId/sessions', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { userId } = parse(userRefSchema, request.params);
    return services.users.sessionsOf(principal, userId);
  });

  /** End every session of the user (they stay active and may sign in again). */
  app.post('/api/users/:userId/sessions/revoke', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { userId } = parse(userRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.users.endSessions(principal, userId);
  });
}
