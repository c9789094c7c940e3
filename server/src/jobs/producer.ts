/**
 * The producer side of one BullMQ queue, opened on first use: processes that never enqueue (most
 * hubs most of the time) hold no extra Redis connection. Keys live under the deployment's prefix.
 */
import { AppError } from '@kaipan/shared';
import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { createBlockingRedis, createRedis, waitForRedis } from '../infra/redis.js';
import type { Logger } from '../services/logger.js';

/** BullMQ keys live under the deployment's prefix, so test runs and deployments never share jobs. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}

/** BullMQ's workers need their own connections with maxRetriesPerRequest: null (blocking commands). */
export const createBullConnection = createBlockingRedis;

/** How long the first use waits for a new producer connection (Redis up: milliseconds). */
const FIRST_CONNECT_MS = 2_000;

export class LazyQueue<Data> {
  private queue: Queue<Data> | null = null;
  private connection: Redis | null = null;
  private everReady = false;

  constructor(
    private readonly name: string,
    private readonly redisUrl: string,
    private readonly redisPrefix: string,
    private readonly log: Logger,
    private readonly defaultJobOptions: DefaultJobOptions,
  ) {}

  /**
   * The queue, ready to take a command. A producer never blocks a request while Redis is down
   * (BullMQ's "failing fast when Redis is down": no offline queue on its connection): SERVICE_UNAVAILABLE at once,
   * or after at most 2 s when this is the connection's very first use.
   */
  async use(): Promise<Queue<Data>> {
    const queue = this.get();
    const connection = this.connection!;
    if (connection.status !== 'ready') {
      const unavailable = new AppError(
        'SERVICE_UNAVAILABLE',
        'The job queue (Redis) is unavailable; try again shortly.',
        { dependency: 'redis' },
      );
      if (this.everReady) throw unavailable;
      await waitForRedis(connection, FIRST_CONNECT_MS).catch(() => {
        throw unavailable;
      });
    }
    return queue;
  }

  private get(): Queue<Data> {
    if (!this.queue) {
      const connection = createRedis(this.redisUrl, `${this.name}-producer`, { failFast: true });
      connection.on('ready', () => (this.everReady = true));
      this.connection = connection;
      this.queue = new Queue<Data>(this.name, {
        connection,
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
    this.everReady = false;
  }
}
