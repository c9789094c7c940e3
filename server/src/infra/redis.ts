/** Redis connections (ioredis). Commands fail fast while Redis is down instead of queueing forever. */
import { Redis } from 'ioredis';
import { withTimeout } from './db.js';

/**
 * `autoPipeline`: commands issued in the same event-loop turn go out in one write. Under a storm that
 * turns hundreds of script calls per second into a few dozen socket writes (writes were the largest
 * item of the server's CPU profile). Not for a connection that blocks (XREAD BLOCK) or subscribes.
 */
export function createRedis(url: string, name: string, autoPipeline = false): Redis {
  return reportingOutages(
    new Redis(url, {
      connectionName: `kaipan:${name}`,
      enableAutoPipelining: autoPipeline,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
      lazyConnect: false,
    }),
    name,
  );
}

/** BullMQ's connections: blocking commands, so requests are never given up (maxRetriesPerRequest: null). */
export function createBlockingRedis(url: string, name: string): Redis {
  return reportingOutages(new Redis(url, { connectionName: `kaipan:${name}`, maxRetriesPerRequest: null, enableReadyCheck: true }), name);
}

function reportingOutages(redis: Redis, name: string): Redis {
  // One line per outage, not one per reconnect attempt (ioredis prints unhandled errors otherwise).
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) console.error(`[kaipan] redis (${name}): ${error.message}`);
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}

export async function pingRedis(redis: Redis, timeoutMs = 2_000): Promise<boolean> {
  try {
    return (await withTimeout(redis.ping(), timeoutMs)) === 'PONG';
  } catch {
    return false;
  }
}
