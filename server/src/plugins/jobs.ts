/**
 * The BullMQ workers — `documents` (PDFs, rendered in worker threads, never on the event loop),
 * `batches` (scheduled 推盘), `deposits` (the deposit rule 定金时限) and `reports` (exports as jobs). Like the sweeper they run in
 * one process only. Their producers belong to the services (closed by the services plugin).
 */
import fp from 'fastify-plugin';
import { startBatchesWorker, type BatchesWorker } from '../jobs/batches-worker.js';
import { startDepositsWorker, type DepositsWorker } from '../jobs/deposits-worker.js';
import { startDocumentsWorker, type DocumentsWorker } from '../jobs/documents-worker.js';
import { startReportsWorker, type ReportsWorker } from '../jobs/reports-worker.js';

export const jobsPlugin = fp(
  async (app) => {
    const { config, services, db } = app;
    const { redisUrl, redisPrefix } = config;
    let workers: Array<DocumentsWorker | BatchesWorker | DepositsWorker | ReportsWorker> = [];
    app.addHook('onReady', async () => {
      workers = [
        startDocumentsWorker({
          redisUrl,
          redisPrefix,
          db,
          store: services.documents.store,
          log: app.log,
          fonts: config.fonts,
        }),
        // Re-enqueues pending schedules, releases those already due.
        await startBatchesWorker({
          redisUrl,
          redisPrefix,
          control: services.control,
          jobs: services.batchJobs,
          log: app.log,
        }),
        // Re-enqueues pending deadlines, enforces those already due.
        await startDepositsWorker({
          redisUrl,
          redisPrefix,
          cashier: services.cashier,
          jobs: services.depositJobs,
          log: app.log,
        }),
        // Reports and exports 统计报表 (docs/reports.md).
        startReportsWorker({ redisUrl, redisPrefix, reports: services.reports, log: app.log }),
      ];
    });
    app.addHook('onClose', async () => {
      for (const worker of workers) await worker.close();
    });
  },
  { name: 'jobs', dependencies: ['config', 'postgres', 'services'] },
);
