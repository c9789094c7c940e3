/**
 * The process's Redis connections: `app.redis` for commands and scripts, and `app.adapterRedis`, the
 * publisher and subscriber of the socket.io Redis adapter (the hub's broadcasts, or the worker's deal
 * events, reach every hub process through it). Blocking readers (the change feed, BullMQ) open their
 * own connections in their plugins.
 */
import fp from 'fastify-plugin';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { createPublisher, createRedis, waitForRedis } from '../infra/redis.js';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
    adapterRedis: { pub: Redis; sub: Redis };
  }
}

export interface RedisPluginOptions {
  /**
   * `server`: requests fail fast (SERVICE_UNAVAILABLE at once) while Redis is down, commands of one
   * event-loop turn go out in one write, and the start waits for Redis. `worker`: plain connections.
   */
  process: 'server' | 'worker';
}

export const redisPlugin = fp<RedisPluginOptions>(
  async (app, opts) => {
    const url = app.config.redisUrl;
    const server = opts.process === 'server';
    const redis = server
      ? createRedis(url, 'main', { autoPipeline: true, failFast: true })
      : createRedis(url, 'worker');
    const adapterRedis = server
      ? { pub: createPublisher(url, 'io-pub'), sub: createRedis(url, 'io-sub') }
      : { pub: createPublisher(url, 'worker-io-pub'), sub: createRedis(url, 'worker-io-sub') };
    app.decorate('redis', redis);
    app.decorate('adapterRedis', adapterRedis);
    if (server) {
      app.addHook('onReady', async () => {
        await waitForRedis(redis);
        await warnOnEviction(redis, app.log);
      });
    }
    app.addHook('onClose', async () => {
      redis.disconnect();
      adapterRedis.pub.disconnect();
      adapterRedis.sub.disconnect();
    });
  },
  { name: 'redis', dependencies: ['config'] },
);

/** Redis must never evict keys (locks, counters, the mirror): warn loudly when it might. */
async function warnOnEviction(redis: Redis, log: FastifyBaseLogger): Promise<void> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction')
      log.warn({ policy }, 'Redis maxmemory-policy should be noeviction: evicted keys would lose locks and counters');
  } catch {
    // Managed Redis services often forbid CONFIG; nothing to check then.
  }
}
