/**
 * Connections while Redis is down (nothing listens on the port): request connections refuse at once,
 * and the adapter's publisher never leaves an unhandled rejection (it would end the process).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from './ports.js';
import { createPublisher, createRedis } from './redis.js';
import type { Redis } from 'ioredis';

const opened: Redis[] = [];
afterEach(() => {
  for (const r of opened.splice(0)) r.disconnect();
});

describe('Redis down', () => {
  it('a fail-fast connection refuses a command at once (no offline queue, no reconnect wait)', async () => {
    const redis = createRedis(`redis://127.0.0.1:${await findFreePort()}`, 'test-fail-fast', { failFast: true });
    opened.push(redis);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await expect(redis.get('x')).rejects.toThrow(/Stream isn't writeable/);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it("the socket.io adapter's publisher swallows failed PUBLISHes (the adapter never catches them)", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const pub = createPublisher(`redis://127.0.0.1:${await findFreePort()}`, 'test-pub');
      opened.push(pub);
      // Fire and forget, as @socket.io/redis-adapter does; ioredis flushes it after its retries.
      void pub.publish('channel', 'message');
      await new Promise((r) => setTimeout(r, 2_500));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
