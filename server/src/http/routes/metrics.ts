import type { FastifyInstance } from 'fastify';
import { AppError, HUB_NAMESPACE, QUEUE_NAMESPACE, type ServerMetrics } from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import { canManage } from '../../domain/principal.js';
import type { ProcessMetrics } from '../../infra/process-metrics.js';
import { pingRedis } from '../../infra/redis.js';
import type { SqlPool } from '../../infra/sql.js';
import type { HubServer } from '../../hub/hub-types.js';
import type { Services } from '../../services/index.js';
import { requirePrincipal } from '../context.js';

/** GET /api/metrics: this process's load, for managers and admins (each process answers for itself). */
export function metricsRoutes(
  app: FastifyInstance,
  services: Services,
  deps: { config: AppConfig; metrics: ProcessMetrics; io: HubServer; sql: SqlPool; redis: Parameters<typeof pingRedis>[0] },
): void {
  app.get('/api/metrics', async (request): Promise<ServerMetrics> => {
    const principal = await requirePrincipal(services, request);
    if (!canManage(principal)) throw new AppError('FORBIDDEN', 'Only managers and admins see server metrics.');
    const started = performance.now();
    const redisUp = await pingRedis(deps.redis);
    const pingMs = redisUp ? Math.round((performance.now() - started) * 100) / 100 : null;
    const pgUp = await deps.sql.query('SELECT 1').then(() => true, () => false);
    const mem = process.memoryUsage();
    return {
      pid: process.pid,
      role: deps.config.role,
      uptimeSeconds: Math.round(process.uptime()),
      ...deps.metrics.read(),
      memory: { rssMb: Math.round(mem.rss / 1e6), heapUsedMb: Math.round(mem.heapUsed / 1e6) },
      sockets: { hub: deps.io.of(HUB_NAMESPACE).sockets.size, queue: deps.io.of(QUEUE_NAMESPACE).sockets.size },
      postgres: { up: pgUp, pool: { total: deps.sql.totalCount, idle: deps.sql.idleCount, waiting: deps.sql.waitingCount } },
      redis: { up: redisUp, pingMs },
    };
  });
}
