/**
 * BullMQ queue `batches`: scheduled 推盘. One delayed job per (batch, instant), job id
 * `${batchId}-${releaseAt epoch ms}` (BullMQ forbids ':' in custom ids). A reschedule adds a new job;
 * the old one then finds the batch no longer scheduled for its instant and does nothing. Releasing is
 * idempotent (a released or cancelled batch is left alone), so a job that runs twice is harmless.
 */
import type { Logger } from '../services/logger.js';
import { LazyQueue } from './producer.js';

export const BATCHES_QUEUE = 'batches';
export const RELEASE_BATCH_JOB = 'release-batch';

export interface ReleaseBatchJobData {
  batchId: string;
  /** The instant this job was scheduled for (ISO, UTC). */
  releaseAt: string;
}

export function releaseJobId(batchId: string, releaseAt: Date): string {
  return `${batchId}-${releaseAt.getTime()}`;
}

/** Producer side of the `batches` queue (every process that schedules batches). */
export class BatchJobs {
  private readonly queue: LazyQueue<ReleaseBatchJobData>;

  constructor(
    redisUrl: string,
    redisPrefix: string,
    private readonly log: Logger,
  ) {
    this.queue = new LazyQueue(BATCHES_QUEUE, redisUrl, redisPrefix, log, {
      attempts: 5,
      backoff: { type: 'exponential', delay: 200 },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  /** Enqueue the release of `batchId` at `releaseAt` (at once when already due). Same instant twice = one job. */
  async schedule(batchId: string, releaseAt: Date): Promise<void> {
    const data: ReleaseBatchJobData = { batchId, releaseAt: releaseAt.toISOString() };
    await (await this.queue.use()).add(RELEASE_BATCH_JOB, data, {
      jobId: releaseJobId(batchId, releaseAt),
      delay: Math.max(0, releaseAt.getTime() - Date.now()),
    });
  }

  /** Best effort: drop a job that is no longer wanted (the processor ignores it anyway). */
  async unschedule(batchId: string, releaseAt: Date): Promise<void> {
    try {
      await (await this.queue.use()).remove(releaseJobId(batchId, releaseAt));
    } catch (error) {
      this.log.warn({ err: error, batchId }, 'could not remove a stale batch job (it will do nothing)');
    }
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
