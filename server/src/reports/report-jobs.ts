/**
 * The one mechanism for large exports: BullMQ queue `reports` (a job per request, run by the worker
 * process, progress 0–100) and the finished files in Redis under the deployment's prefix —
 * `${prefix}report:file:<jobId>` = {body, fileName, contentType}, expiring after
 * REPORT_FILE_TTL_SECONDS. Redis because every hub process reads it: the request, the polls and the
 * download may each reach a different process (`npm start -- --nodes N`), and the worker may be its
 * own process. An expired file is simply asked for again.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  REPORT_FILE_TTL_SECONDS,
  type AuditFilter,
  type Locale,
  type ReportJobKind,
  type ReportQuery,
  type Role,
} from '@kaipan/shared';
import { bullPrefix, LazyQueue } from '../jobs/producer.js';
import type { Logger } from '../services/logger.js';

export const REPORTS_QUEUE = 'reports';
export const REPORT_JOB = 'report';

/** Who asked, as the privacy rule needs them (the request was authorized when the job was made). */
export interface ReportRequester {
  id: string;
  /** Their role in the project when they asked. */
  role: Role;
}

export type ReportJobData = {
  projectId: string;
  requestedBy: ReportRequester;
  /** ISO instant. */
  requestedAt: string;
} & (
  | { kind: Exclude<ReportJobKind, 'audit'>; query: ReportQuery }
  | { kind: 'audit'; query: AuditFilter & { lang: Locale } }
);

export interface ReportJobResult {
  rows: number;
  fileName: string;
}

export type ReportQueueJob = Job<ReportJobData, ReportJobResult>;

export interface StoredReportFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

/** Producer of the `reports` queue and the store of finished files (every process). */
export class ReportJobs {
  private readonly queue: LazyQueue<ReportJobData>;

  constructor(
    redisUrl: string,
    private readonly redisPrefix: string,
    private readonly redis: Redis,
    log: Logger,
  ) {
    this.queue = new LazyQueue(REPORTS_QUEUE, redisUrl, redisPrefix, log, {
      // A failed report is asked for again by the person waiting for it, not retried behind their back.
      attempts: 1,
      removeOnComplete: { age: REPORT_FILE_TTL_SECONDS },
      removeOnFail: { age: REPORT_FILE_TTL_SECONDS },
    });
  }

  async enqueue(jobId: string, data: ReportJobData): Promise<void> {
    await (await this.queue.use()).add(REPORT_JOB, data, { jobId });
  }

  async get(jobId: string): Promise<ReportQueueJob | null> {
    // A job that was never made is answered without opening the queue: BullMQ writes the queue's
    // meta key when it opens one, and a read (a poll for a bogus id) must change nothing. A job that
    // exists was enqueued, which made the queue's keys already.
    if (!(await this.redis.exists(`${bullPrefix(this.redisPrefix)}:${REPORTS_QUEUE}:${jobId}`))) return null;
    const job = await (await this.queue.use()).getJob(jobId);
    return job && job.name === REPORT_JOB ? (job as ReportQueueJob) : null;
  }

  private key(jobId: string): string {
    return `${this.redisPrefix}report:file:${jobId}`;
  }

  async putFile(jobId: string, file: StoredReportFile): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(jobId), { body: file.body, fileName: file.fileName, contentType: file.contentType })
      .expire(this.key(jobId), REPORT_FILE_TTL_SECONDS)
      .exec();
  }

  async getFile(jobId: string): Promise<StoredReportFile | null> {
    const [body, fileName, contentType] = await this.redis.hmgetBuffer(
      this.key(jobId),
      'body',
      'fileName',
      'contentType',
    );
    if (!body || !fileName || !contentType) return null;
    return { body, fileName: fileName.toString('utf8'), contentType: contentType.toString('utf8') };
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
