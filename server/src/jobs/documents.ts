/**
 * BullMQ queue `documents`: printed documents are rendered by a worker (off the hub's event loop)
 * and kept in Redis for a day — `${prefix}doc:ticket:<ticketId>` = {pdf, sha256}, TTL 24 h.
 * A document that expired is simply rendered again on demand (rendering is deterministic: the same
 * record gives the same bytes).
 */
import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createBlockingRedis } from '../infra/redis.js';
import type { Logger } from '../services/logger.js';

export const DOCUMENTS_QUEUE = 'documents';
export const TICKET_PDF_JOB = 'ticket-pdf';
/** How long a rendered ticket stays in Redis, seconds. */
export const TICKET_PDF_TTL_SECONDS = 24 * 3600;

export interface TicketPdfJobData {
  ticketId: string;
  /** Absolute origin of the buyer page the QR code points to, e.g. https://kaipan.example.com */
  origin: string;
  /** People ahead when the number was issued (printed on the first rendering only). */
  peopleAhead?: number;
}

/** BullMQ keys live under the deployment's prefix, so test runs and deployments never share jobs. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}

/** BullMQ needs its own connection with maxRetriesPerRequest: null (blocking commands). */
export const createBullConnection = createBlockingRedis;

export interface StoredPdf {
  pdf: Buffer;
  /** SHA-256 of the bytes, hex (sent as ETag). */
  sha256: string;
}

/** Rendered documents in Redis. */
export class DocumentStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(ticketId: string): string {
    return `${this.prefix}doc:ticket:${ticketId}`;
  }

  async getTicketPdf(ticketId: string): Promise<StoredPdf | null> {
    const [pdf, sha] = await this.redis.hmgetBuffer(this.key(ticketId), 'pdf', 'sha256');
    if (!pdf || !sha) return null;
    return { pdf, sha256: sha.toString('utf8') };
  }

  async putTicketPdf(ticketId: string, pdf: Buffer): Promise<StoredPdf> {
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    await this.redis.multi().hset(this.key(ticketId), { pdf, sha256 }).expire(this.key(ticketId), TICKET_PDF_TTL_SECONDS).exec();
    return { pdf, sha256 };
  }
}

/** Producer side of the `documents` queue (every process that takes numbers or serves PDFs). */
export class DocumentJobs {
  private queue: Queue<TicketPdfJobData> | null = null;
  private connection: Redis | null = null;

  constructor(
    private readonly redisUrl: string,
    private readonly redisPrefix: string,
    private readonly log: Logger,
  ) {}

  private get(): Queue<TicketPdfJobData> {
    if (!this.queue) {
      this.connection = createBullConnection(this.redisUrl, 'documents-producer');
      this.queue = new Queue<TicketPdfJobData>(DOCUMENTS_QUEUE, {
        connection: this.connection,
        prefix: bullPrefix(this.redisPrefix),
        defaultJobOptions: {
          attempts: 3,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: true,
          removeOnFail: true,
        },
      });
      this.queue.on('error', (error) => this.log.error({ err: error }, 'documents queue error'));
    }
    return this.queue;
  }

  /**
   * Render a ticket's PDF. One job per ticket at a time: the job id dedupes repeated requests while
   * it waits or runs (after it finished, a new request renders again).
   */
  async enqueueTicketPdf(data: TicketPdfJobData): Promise<void> {
    // LIFO: the ticket asked for last is the one a kiosk is waiting to print right now; a backlog
    // (e.g. after the worker was down) must not make the buyer at the kiosk wait behind it.
    await this.get().add(TICKET_PDF_JOB, data, { jobId: `ticket-${data.ticketId}`, lifo: true });
  }

  async close(): Promise<void> {
    if (this.queue) await this.queue.close();
    this.connection?.disconnect();
    this.queue = null;
    this.connection = null;
  }
}
