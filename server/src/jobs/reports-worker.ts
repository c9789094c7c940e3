/**
 * Consumer of the `reports` queue (server/src/reports/report-jobs.ts): builds a report's XLSX and
 * keeps it for download. Started where the other BullMQ workers run (the worker process, or the
 * one-process default). One report at a time: they read much of PostgreSQL, and a launch-day server
 * has better things to do than two of them at once.
 */
import { Worker } from 'bullmq';
import type { ReportService } from '../reports/report-service.js';
import {
  REPORTS_QUEUE,
  type ReportJobData,
  type ReportJobResult,
  type ReportQueueJob,
} from '../reports/report-jobs.js';
import type { Logger } from '../services/logger.js';
import { bullPrefix, createBullConnection } from './producer.js';

export interface ReportsWorker {
  close(): Promise<void>;
}

export function startReportsWorker(opts: {
  redisUrl: string;
  redisPrefix: string;
  reports: ReportService;
  log: Logger;
}): ReportsWorker {
  const connection = createBullConnection(opts.redisUrl, 'reports-worker');
  const worker = new Worker<ReportJobData, ReportJobResult>(
    REPORTS_QUEUE,
    (job) => opts.reports.run(job as ReportQueueJob),
    { connection, prefix: bullPrefix(opts.redisPrefix), concurrency: 1 },
  );
  worker.on('failed', (job, error) => opts.log.error({ err: error, jobId: job?.id }, 'report job failed'));
  worker.on('error', (error) => opts.log.error({ err: error }, 'reports worker error'));
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
