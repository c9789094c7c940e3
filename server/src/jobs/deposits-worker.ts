/**
 * Consumer of the `deposits` queue: at a subscription's deposit deadline, cancels it when its
 * deposit 定金 is still not recorded (cashier/deposit-rule.ts `enforce`: PostgreSQL + audit, then the
 * mirror, so every screen sees the unit return to sale). Started by the worker process
 * (KAIPAN_ROLE=worker) and by the one-process default (KAIPAN_ROLE=all). On start it re-enqueues
 * every pending deadline (Redis may have lost the jobs); those already due run at once.
 */
import { DelayedError, Worker, type Job } from 'bullmq';
import type { CashierService } from '../cashier/cashier-service.js';
import type { DepositOutcome } from '../cashier/deposit-rule.js';
import type { Logger } from '../services/logger.js';
import { bullPrefix, createBullConnection } from './producer.js';
import { DEPOSITS_QUEUE, ENFORCE_DEPOSIT_JOB, type DepositJobs, type EnforceDepositJobData } from './deposits.js';

export interface DepositsWorker {
  close(): Promise<void>;
}

export async function startDepositsWorker(opts: {
  redisUrl: string;
  redisPrefix: string;
  cashier: CashierService;
  jobs: DepositJobs;
  log: Logger;
}): Promise<DepositsWorker> {
  const connection = createBullConnection(opts.redisUrl, 'deposits-worker');
  const processor = async (
    job: Job<EnforceDepositJobData>,
    token?: string,
  ): Promise<{ outcome: DepositOutcome['outcome'] }> => {
    if (job.name !== ENFORCE_DEPOSIT_JOB) throw new Error(`unknown job ${job.name}`);
    const result = await opts.cashier.deposits.enforce(job.data.subscriptionId);
    if (result.outcome === 'not-due' && result.dueAt) {
      // Fired early (clock skew, or the deadline moved later): wait again for the stored deadline.
      await job.moveToDelayed(result.dueAt.getTime(), token);
      throw new DelayedError();
    }
    return { outcome: result.outcome };
  };
  const worker = new Worker<EnforceDepositJobData>(DEPOSITS_QUEUE, processor, {
    connection,
    prefix: bullPrefix(opts.redisPrefix),
    concurrency: 4,
  });
  worker.on('failed', (job, error) => opts.log.error({ err: error, jobId: job?.id }, 'deposit deadline job failed'));
  worker.on('error', (error) => opts.log.error({ err: error }, 'deposits worker error'));

  const pending = await opts.cashier.deposits.pending();
  for (const p of pending) await opts.jobs.schedule(p.subscriptionId, p.dueAt);
  if (pending.length > 0) opts.log.info({ count: pending.length }, 'deposits: re-enqueued pending deadlines');

  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
