/** The HTTP API (http/routes/): every route, registered in one call. */
import fp from 'fastify-plugin';
import { apiRoutes } from '../http/routes/index.js';

export const routesPlugin = fp(
  async (app) => {
    apiRoutes(app, { config: app.config, services: app.services, db: app.db, sql: app.sql, redis: app.redis, metrics: app.metrics, io: app.hub.io });
  },
  { name: 'routes', dependencies: ['config', 'postgres', 'redis', 'services', 'metrics', 'hub', 'http'] },
);
