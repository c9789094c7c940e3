import type { FastifyInstance } from 'fastify';
import type { HealthResponse } from '@kaipan/shared';
import { pingDb, type Db } from '../../infra/db.js';
import { pingRedis } from '../../infra/redis.js';

/** GET /api/health: PostgreSQL and Redis as this process reaches them (503 when one is down). */
export function healthRoutes(app: FastifyInstance, deps: { db: Db; redis: Parameters<typeof pingRedis>[0] }): void {
  app.get('/api/health', async (_request, reply) => {
    const [pg, rd] = await Promise.all([pingDb(deps.db), pingRedis(deps.redis)]);
    const body: HealthResponse = { ok: pg && rd, postgres: pg ? 'up' : 'down', redis: rd ? 'up' : 'down' };
    return reply.code(body.ok ? 200 : 503).send(body);
  });
}
