/**
 * BullMQ queue `documents`: printed documents are rendered by a worker (off the hub's event loop)
 * and kept in Redis for a day — `${prefix}doc:ticket:<ticketId>` = {pdf, sha256}, TTL 24 h.
 * A document that expired is simply rendered again on demand (rendering is deterministic: the same
 * record gives the same bytes).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../services/logger.js';
import { LazyQueue } from './producer.js';

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
  private readonly queue: LazyQueue<TicketPdfJobData>;

  constructor(redisUrl: string, redisPrefix: string, log: Logger) {
    this.queue = new LazyQueue(DOCUMENTS_QUEUE, redisUrl, redisPrefix, log, {
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /**
   * Render a ticket's PDF. One job per ticket at a time: the job id dedupes repeated requests while
   * it waits or runs (after it finished, a new request renders again).
   */
  async enqueueTicketPdf(data: TicketPdfJobData): Promise<void> {
    // LIFO: the ticket asked for last is the one a kiosk is waiting to print right now; a backlog
    // (e.g. after the worker was down) must not make the buyer at the kiosk wait behind it.
    await this.queue.get().add(TICKET_PDF_JOB, data, { jobId: `ticket-${data.ticketId}`, lifo: true });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
