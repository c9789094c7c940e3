/**
 * The HTTP API: every route of the route table (shared/src/api) registered in one call, and the
 * published contract (GET /api/openapi.json, /api/docs). @fastify/swagger is registered first: it
 * sees each route as it is added.
 */
import fp from 'fastify-plugin';
import { registerOpenApi } from '../http/openapi.js';
import { registerApi } from '../http/register-api.js';

export const routesPlugin = fp(
  async (app) => {
    await registerOpenApi(app);
    registerApi(app, {
      config: app.config,
      services: app.services,
      db: app.db,
      sql: app.sql,
      redis: app.redis,
      metrics: app.metrics,
      io: app.hub.io,
    });
  },
  { name: 'routes', dependencies: ['config', 'postgres', 'redis', 'services', 'metrics', 'hub', 'http'] },
);
