/**
 * BullMQ queue `documents`: printed documents are rendered by a worker (off the hub's event loop).
 * - `ticket-pdf`: queue tickets, kept in Redis for a day — `${prefix}doc:ticket:<ticketId>` =
 *   {pdf, sha256}, TTL 24 h. A ticket that expired is simply rendered again on demand (rendering is
 *   deterministic: the same record gives the same bytes).
 * - `document-pdf`: verifiable documents (receipt, agreement, purchase plan, day-end), stored in
 *   PostgreSQL with their SHA-256 as versions (docs/documents.md). The job carries everything the
 *   renderer needs, read when it was requested; the worker picks the version and id, renders in the
 *   render thread and stores. Finished jobs are kept an hour so clients can poll them.
 */
import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DocumentKind, DocumentVariant, PersonField } from '@kaipan/shared';
import type { UserPrincipal } from '../domain/principal.js';
import type { AgreementDocumentInput } from '../documents/agreement.js';
import type { DayEndDocumentInput } from '../documents/day-end.js';
import type { DisputePackInput } from '../documents/dispute-pack.js';
import type { PurchasePlanDocumentInput } from '../documents/purchase-plan.js';
import type { ReceiptDocumentInput } from '../documents/receipt.js';
import type { Logger } from '../services/logger.js';
import { LazyQueue } from './producer.js';

export const DOCUMENTS_QUEUE = 'documents';
export const TICKET_PDF_JOB = 'ticket-pdf';
export const DOCUMENT_PDF_JOB = 'document-pdf';

/** Fields the worker fills in when it renders: which version, under which id, when. */
type Identity = 'documentId' | 'version' | 'verifyUrl' | 'renderedAt';

/** A document's renderer input without its identity (decided by the worker). */
export type PreparedRender =
  | { kind: 'receipt'; input: Omit<ReceiptDocumentInput, Identity> }
  | { kind: 'agreement'; input: Omit<AgreementDocumentInput, Identity> }
  | { kind: 'purchase-plan'; input: Omit<PurchasePlanDocumentInput, Identity> }
  | { kind: 'day-end'; input: Omit<DayEndDocumentInput, Identity> }
  | { kind: 'dispute-pack'; input: Omit<DisputePackInput, Identity> };

/**
 * A fact of a rendered document, kept with its `document.rendered` audit event. The public
 * verification page shows the facts that name nobody; a fact about a person is tagged with the
 * field it shows, and /verify applies the privacy rule to it (the public sees no personal data).
 */
export interface VerifyFact {
  label: string;
  labelEn: string;
  value: string;
  /** The fact shows a person's name / phone / ID number (stored masked). */
  person?: PersonField;
}

export interface DocumentPdfJobData {
  projectId: string;
  kind: DocumentKind;
  entityId: string;
  variant: DocumentVariant;
  title: string;
  /** SHA-256 of what is printed (everything but id, version and time): equal = nothing changed. */
  fingerprint: string;
  /** Absolute origin the QR code points to, e.g. https://kaipan.example.com */
  origin: string;
  /** When it was requested (ISO): the printed "generated" time and the document's createdAt. */
  requestedAt: string;
  /** Who asked (the audit event's actor and the document's createdById); null = the system. */
  requestedBy: UserPrincipal | null;
  /** The record was voided or cancelled: the document is stored as VOIDED (and so are older ones). */
  voided: boolean;
  facts: VerifyFact[];
  render: PreparedRender;
  /** Set when a committed change of the record asked for this version (DocumentService.refreshFor). */
  refresh?: { reason: string };
}

/** What a finished `document-pdf` job returns. */
export interface DocumentPdfJobResult {
  documentId: string;
  /** True when an identical version existed and was kept instead of storing a new one. */
  reused: boolean;
}
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
    await this.redis
      .multi()
      .hset(this.key(ticketId), { pdf, sha256 })
      .expire(this.key(ticketId), TICKET_PDF_TTL_SECONDS)
      .exec();
    return { pdf, sha256 };
  }
}

/** Producer side of the `documents` queue (every process that takes numbers or serves PDFs). */
export class DocumentJobs {
  private readonly queue: LazyQueue<TicketPdfJobData | DocumentPdfJobData>;

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
    await (await this.queue.use()).add(TICKET_PDF_JOB, data, { jobId: `ticket-${data.ticketId}`, lifo: true });
  }

  /**
   * Render a verifiable document. `jobId` names the content (kind, record, paper, next version,
   * fingerprint), so the same request while the job waits, runs or has just finished is that one
   * job; a failed job with that id is cleared first so a new request tries again.
   */
  async enqueueDocument(jobId: string, data: DocumentPdfJobData): Promise<void> {
    const queue = await this.queue.use();
    const existing = await queue.getJob(jobId);
    if (existing && (await existing.isFailed())) await existing.remove();
    await queue.add(DOCUMENT_PDF_JOB, data, {
      jobId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 300 },
      // Kept so the client can poll progress and result; GET /api/document-jobs/:jobId reads them.
      removeOnComplete: { age: 3600, count: 5000 },
      removeOnFail: { age: 24 * 3600, count: 5000 },
    });
  }

  /** A `document-pdf` job, or null when unknown or expired. */
  async getDocumentJob(jobId: string): Promise<DocumentJob | null> {
    const job = await (await this.queue.use()).getJob(jobId);
    // The name tells the two job shapes apart.
    return job && job.name === DOCUMENT_PDF_JOB ? (job as DocumentJob) : null;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export type DocumentJob = Job<DocumentPdfJobData, DocumentPdfJobResult>;
