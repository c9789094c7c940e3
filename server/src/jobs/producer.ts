/**
 * The producer side of one BullMQ queue, opened on first use: processes that never enqueue (most
 * hubs most of the time) hold no extra Redis connection. Keys live under the deployment's prefix.
 */
import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { createBlockingRedis } from '../infra/redis.js';
import type { Logger } from '../services/logger.js';

/** BullMQ keys live under the deployment's prefix, so test runs and deployments never share jobs. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}

/** BullMQ needs its own connections with maxRetriesPerRequest: null (blocking commands). */
export const createBullConnection = createBlockingRedis;

export class LazyQueue<Data> {
  private queue: Queue<Data> | null = null;
  private connection: Redis | null = null;

  constructor(
    private readonly name: string,
    private readonly redisUrl: string,
    private readonly redisPrefix: string,
    private readonly log: Logger,
    private readonly defaultJobOptions: DefaultJobOptions,
  ) {}

  get(): Queue<Data> {
    if (!this.queue) {
      this.connection = createBlockingRedis(this.redisUrl, `${this.name}-producer`);
      this.queue = new Queue<Data>(this.name, {
        connection: this.connection,
        prefix: bullPrefix(this.redisPrefix),
        defaultJobOptions: this.defaultJobOptions,
      });
      this.queue.on('error', (error) => this.log.error({ err: error }, `${this.name} queue error`));
    }
    return this.queue;
  }

  async close(): Promise<void> {
    if (this.queue) await this.queue.close();
    this.connection?.disconnect();
    this.queue = null;
    this.connection = null;
  }
}
