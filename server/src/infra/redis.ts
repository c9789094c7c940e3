/** Redis connections (ioredis). Commands fail fast while Redis is down instead of queueing forever. */
import { Redis } from 'ioredis';
import { withTimeout } from './db.js';

export interface RedisOptions {
  /**
   * Commands issued in the same event-loop turn go out in one write. Under a storm that turns
   * hundreds of script calls per second into a few dozen socket writes (writes were the largest item
   * of the server's CPU profile). Not for a connection that blocks (XREAD BLOCK) or subscribes.
   */
  autoPipeline?: boolean;
  /**
   * For connections that answer requests (locks, queue numbers, documents, job producers): while
   * Redis is unreachable a command is refused at once (no offline queue) and a command in flight
   * when the connection drops is failed at once (maxRetriesPerRequest 0), so a request answers
   * SERVICE_UNAVAILABLE in milliseconds instead of waiting through reconnect attempts. A Redis that
   * hangs (stopped, swapping) fails a command after 5 s. Commands sent before the first `ready` are
   * refused too: wait with `waitForRedis` first.
   */
  failFast?: boolean;
}

/** Reconnect quickly (100 ms doubling to 1 s): a restarted redis-server is back within a second. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** times, 1_000);

export function createRedis(url: string, name: string, options: RedisOptions = {}): Redis {
  const failFast = options.failFast ?? false;
  return reportingOutages(
    new Redis(url, {
      connectionName: `kaipan:${name}`,
      enableAutoPipelining: options.autoPipeline ?? false,
      maxRetriesPerRequest: failFast ? 0 : 2,
      enableOfflineQueue: !failFast,
      ...(failFast ? { commandTimeout: 5_000 } : {}),
      // A connect that hangs (host unreachable) is retried after 3 s instead of ioredis's 10 s.
      connectTimeout: 3_000,
      retryStrategy,
      lazyConnect: false,
    }),
    name,
  );
}

/** Resolve once the connection is ready (fail-fast connections refuse commands before that). */
export async function waitForRedis(redis: Redis, timeoutMs = 30_000): Promise<void> {
  if (redis.status === 'ready') return;
  await withTimeout(new Promise<void>((resolve) => redis.once('ready', () => resolve())), timeoutMs).catch(
    (error: unknown) => {
      throw new Error(`Redis did not become ready: ${(error as Error).message}`);
    },
  );
}

/**
 * The socket.io Redis adapter's publishing connection. The adapter publishes without awaiting or
 * catching (broadcasts, `disconnectSockets`), so while Redis is down each failed PUBLISH would be an
 * unhandled rejection that ends the process. A broadcast that cannot reach the other processes is
 * dropped instead (the outage is reported once; screens resynchronise when Redis is back).
 */
export function createPublisher(url: string, name: string): Redis {
  const redis = createRedis(url, name);
  const publish = redis.publish.bind(redis) as (...args: unknown[]) => Promise<number>;
  (redis as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (...args) =>
    publish(...args).catch(() => 0);
  return redis;
}

/** BullMQ's connections: blocking commands, so requests are never given up (maxRetriesPerRequest: null). */
export function createBlockingRedis(url: string, name: string): Redis {
  return reportingOutages(
    new Redis(url, { connectionName: `kaipan:${name}`, maxRetriesPerRequest: null, enableReadyCheck: true }),
    name,
  );
}

function reportingOutages(redis: Redis, name: string): Redis {
  // One line per outage, not one per reconnect attempt (ioredis prints unhandled errors otherwise).
  let reported = false;
  redis.on('error', (error: Error) => {
    // biome-ignore lint/suspicious/noConsole: a connection is made before any logger exists (launcher, worker, tests).
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
