/**
 * BullMQ queue `deposits`: the optional deposit rule 定金时限 of a project. When a project sets
 * depositWindowMinutes, every new subscription gets depositDueAt = created + window and one delayed
 * job, id `deposit-<subscriptionId>`. When it fires, a subscription still ACTIVE without its deposit
 * is cancelled and the unit returns to sale (cashier/deposit-rule.ts `enforce` — idempotent: a paid,
 * closed or not-yet-due subscription is left alone, so a job that runs twice or early is harmless).
 */
import type { Logger } from '../services/logger.js';
import { LazyQueue } from './producer.js';

export const DEPOSITS_QUEUE = 'deposits';
export const ENFORCE_DEPOSIT_JOB = 'enforce-deposit';

export interface EnforceDepositJobData {
  subscriptionId: string;
  /** The deadline this job was scheduled for (ISO, UTC). */
  dueAt: string;
}

export function depositJobId(subscriptionId: string): string {
  return `deposit-${subscriptionId}`;
}

/** Producer side of the `deposits` queue. */
export class DepositJobs {
  private readonly queue: LazyQueue<EnforceDepositJobData>;

  constructor(
    redisUrl: string,
    redisPrefix: string,
    private readonly log: Logger,
  ) {
    this.queue = new LazyQueue(DEPOSITS_QUEUE, redisUrl, redisPrefix, log, {
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  /**
   * Enforce the deadline of `subscriptionId` at `dueAt` (at once when already due). The same deadline
   * twice is one job; a different deadline replaces a job that has not started.
   */
  async schedule(subscriptionId: string, dueAt: Date): Promise<void> {
    const queue = await this.queue.use();
    const id = depositJobId(subscriptionId);
    const existing = await queue.getJob(id);
    if (existing) {
      if (existing.data.dueAt === dueAt.toISOString() && !(await existing.isFailed())) return;
      try {
        await existing.remove();
      } catch (error) {
        // Running right now: it re-reads the deadline from PostgreSQL and re-delays itself if early.
        this.log.warn({ err: error, subscriptionId }, 'could not replace a running deposit job');
        return;
      }
    }
    const data: EnforceDepositJobData = { subscriptionId, dueAt: dueAt.toISOString() };
    await queue.add(ENFORCE_DEPOSIT_JOB, data, { jobId: id, delay: Math.max(0, dueAt.getTime() - Date.now()) });
  }

  /** Best effort: drop the job of a paid or closed subscription (the processor ignores it anyway). */
  async unschedule(subscriptionId: string): Promise<void> {
    try {
      await (await this.queue.use()).remove(depositJobId(subscriptionId));
    } catch (error) {
      this.log.warn({ err: error, subscriptionId }, 'could not remove a deposit job (it will do nothing)');
    }
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
