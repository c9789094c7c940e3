/** Redis connections (ioredis). Commands fail fast while Redis is down instead of queueing forever. */
import { Redis } from 'ioredis';
import { withTimeout } from './db.js';

export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `kaipan:${name}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
    lazyConnect: false,
  });
}

export async function pingRedis(redis: Redis, timeoutMs = 2_000): Promise<boolean> {
  try {
    return (await withTimeout(redis.ping(), timeoutMs)) === 'PONG';
  } catch {
    return false;
  }
}
