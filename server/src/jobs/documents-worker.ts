/**
 * Consumer of the `documents` queue. Started by the worker process (KAIPAN_ROLE=worker) and by the
 * one-process default (KAIPAN_ROLE=all). The BullMQ worker only does I/O on this event loop; the
 * PDF itself is drawn in a worker thread (RenderPool). Jobs: `ticket-pdf` (queue tickets, Redis)
 * and `document-pdf` (verifiable documents, PostgreSQL: documents/).
 */
import { Worker, type Job } from 'bullmq';
import type { Db } from '../infra/db.js';
import { processDocumentJob } from '../documents/index.js';
import { rehearsalMark } from '../documents/loaders/context.js';
import type { Logger } from '../services/logger.js';
import {
  DOCUMENT_PDF_JOB,
  DOCUMENTS_QUEUE,
  TICKET_PDF_JOB,
  type DocumentJob,
  type DocumentPdfJobData,
  type DocumentPdfJobResult,
  type DocumentStore,
  type TicketPdfJobData,
} from './documents.js';
import { bullPrefix, createBullConnection } from './producer.js';
import type { FontOptions } from '../documents/fonts.js';
import { RenderPool } from './render-pool.js';

export interface DocumentsWorker {
  close(): Promise<void>;
}

export function startDocumentsWorker(opts: {
  redisUrl: string;
  redisPrefix: string;
  db: Db;
  store: DocumentStore;
  log: Logger;
  /** Jobs handled at once (they queue for the one render thread; I/O overlaps). Default 2. */
  concurrency?: number;
  /** Which CJK fonts documents may use (configuration). */
  fonts?: FontOptions;
}): DocumentsWorker {
  const pool = new RenderPool(opts.fonts);
  const connection = createBullConnection(opts.redisUrl, 'documents-worker');

  type AnyJob = Job<TicketPdfJobData | DocumentPdfJobData>;
  const processor = async (job: AnyJob): Promise<{ sha256: string; bytes: number } | DocumentPdfJobResult | null> => {
    if (job.name === DOCUMENT_PDF_JOB) return processDocumentJob(opts.db, pool, job as DocumentJob);
    if (job.name !== TICKET_PDF_JOB) throw new Error(`unknown job ${job.name}`);
    const { ticketId, origin, peopleAhead } = job.data as TicketPdfJobData;
    const ticket = await opts.db.queueTicket.findUnique({
      where: { id: ticketId },
      select: {
        id: true,
        label: true,
        token: true,
        issuedAt: true,
        category: { select: { name: true, nameEn: true } },
        project: { select: { name: true, nameEn: true, timezone: true, rehearsalOfId: true } },
      },
    });
    if (!ticket) return null; // deleted since: nothing to print
    const pdf = await pool.renderQueueTicket({
      ticketId: ticket.id,
      project: {
        name: ticket.project.name,
        nameEn: ticket.project.nameEn,
        timezone: ticket.project.timezone,
        ...rehearsalMark(ticket.project),
      },
      number: ticket.label,
      category: { name: ticket.category.name, nameEn: ticket.category.nameEn },
      issuedAt: ticket.issuedAt,
      ...(peopleAhead === undefined ? {} : { peopleAhead }),
      followUrl: `${origin.replace(/\/+$/, '')}/q/${ticket.token}`,
    });
    const stored = await opts.store.putTicketPdf(ticket.id, pdf);
    return { sha256: stored.sha256, bytes: pdf.length };
  };

  const worker = new Worker<TicketPdfJobData | DocumentPdfJobData>(DOCUMENTS_QUEUE, processor, {
    connection,
    prefix: bullPrefix(opts.redisPrefix),
    concurrency: opts.concurrency ?? 2,
  });
  worker.on('failed', (job, error) => opts.log.error({ err: error, jobId: job?.id }, 'document job failed'));
  worker.on('error', (error) => opts.log.error({ err: error }, 'documents worker error'));

  return {
    async close() {
      await worker.close();
      await pool.close();
      connection.disconnect();
    },
  };
}
