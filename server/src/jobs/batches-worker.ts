/**
 * Consumer of the `batches` queue: releases a scheduled batch at its instant through the normal
 * release path (PostgreSQL + audit, then the mirror and the change feed, so every screen updates).
 * Started by the worker process (KAIPAN_ROLE=worker) and by the one-process default (KAIPAN_ROLE=all).
 * On start it re-enqueues every pending schedule (Redis may have lost the jobs); those already due
 * are released at once.
 */
import { Worker, type Job } from 'bullmq';
import type { ControlService } from '../services/control-service.js';
import type { Logger } from '../services/logger.js';
import { bullPrefix, createBullConnection } from './producer.js';
import { BATCHES_QUEUE, RELEASE_BATCH_JOB, type BatchJobs, type ReleaseBatchJobData } from './batches.js';

export interface BatchesWorker {
  close(): Promise<void>;
}

export async function startBatchesWorker(opts: {
  redisUrl: string;
  redisPrefix: string;
  control: ControlService;
  jobs: BatchJobs;
  log: Logger;
}): Promise<BatchesWorker> {
  const connection = createBullConnection(opts.redisUrl, 'batches-worker');
  const processor = async (job: Job<ReleaseBatchJobData>): Promise<{ released: boolean }> => {
    if (job.name !== RELEASE_BATCH_JOB) throw new Error(`unknown job ${job.name}`);
    const released = await opts.control.releaseScheduled(job.data.batchId, new Date(job.data.releaseAt));
    return { released };
  };
  const worker = new Worker<ReleaseBatchJobData>(BATCHES_QUEUE, processor, {
    connection,
    prefix: bullPrefix(opts.redisPrefix),
    concurrency: 4,
  });
  worker.on('failed', (job, error) => opts.log.error({ err: error, jobId: job?.id }, 'batch release job failed'));
  worker.on('error', (error) => opts.log.error({ err: error }, 'batches worker error'));

  const pending = await opts.control.pendingSchedules();
  for (const p of pending) await opts.jobs.schedule(p.batchId, p.releaseAt);
  if (pending.length > 0) opts.log.info({ count: pending.length }, 'batches: re-enqueued pending schedules');

  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
