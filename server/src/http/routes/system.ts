import type { HubServer } from '../../hub/hub-types.js';
import { HUB_NAMESPACE, QUEUE_NAMESPACE, type API, type HealthResponse, type ServerMetrics } from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import { pingDb, type Db } from '../../infra/db.js';
import type { ProcessMetrics } from '../../infra/process-metrics.js';
import { pingRedis } from '../../infra/redis.js';
import type { SqlPool } from '../../infra/sql.js';
import type { Handlers } from '../handler.js';
import { API_DOCS_FILES } from '../openapi.js';

/** What the health and metrics answers read: the process's connections and counters. */
export interface SystemDeps {
  config: AppConfig;
  db: Db;
  sql: SqlPool;
  redis: Parameters<typeof pingRedis>[0];
  metrics: ProcessMetrics;
  io: HubServer;
  /** The OpenAPI document of the app (@fastify/swagger's, once the app is ready). */
  openapi: () => unknown;
}

/**
 * GET /api/health (load balancers), GET /api/metrics (this process's load; each process answers for
 * itself), and the published contract: the OpenAPI document and the API reference page.
 */
export function systemHandlers(deps: SystemDeps): Handlers<typeof API.system> {
  return {
    health: async ({ reply }) => {
      const [pg, rd] = await Promise.all([pingDb(deps.db), pingRedis(deps.redis)]);
      const body: HealthResponse = { ok: pg && rd, postgres: pg ? 'up' : 'down', redis: rd ? 'up' : 'down' };
      return reply.code(body.ok ? 200 : 503).send(body);
    },
    metrics: async (): Promise<ServerMetrics> => {
      const started = performance.now();
      const redisUp = await pingRedis(deps.redis);
      const pingMs = redisUp ? Math.round((performance.now() - started) * 100) / 100 : null;
      const pgUp = await deps.sql.query('SELECT 1').then(
        () => true,
        () => false,
      );
      const mem = process.memoryUsage();
      return {
        pid: process.pid,
        role: deps.config.role,
        uptimeSeconds: Math.round(process.uptime()),
        ...deps.metrics.read(),
        memory: { rssMb: Math.round(mem.rss / 1e6), heapUsedMb: Math.round(mem.heapUsed / 1e6) },
        sockets: { hub: deps.io.of(HUB_NAMESPACE).sockets.size, queue: deps.io.of(QUEUE_NAMESPACE).sockets.size },
        postgres: {
          up: pgUp,
          pool: { total: deps.sql.totalCount, idle: deps.sql.idleCount, waiting: deps.sql.waitingCount },
        },
        redis: { up: redisUp, pingMs },
      };
    },
    openapi: async ({ reply }) => reply.header('cache-control', 'no-cache').send(deps.openapi()),
    docs: async ({ reply }) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(API_DOCS_FILES.html),
    docsScript: async ({ reply }) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(API_DOCS_FILES.script),
    docsStyle: async ({ reply }) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(API_DOCS_FILES.style),
  };
}
