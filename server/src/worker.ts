/**
 * The background process of a multi-process deployment (KAIPAN_ROLE=worker): lock-expiry sweeps
 * and the mirror watchdog run here once instead of in every hub process, and the BullMQ `documents`
 * worker (ticket PDFs, rendered in a worker thread), the BullMQ `batches` worker (scheduled 推盘) and
 * the BullMQ `deposits` worker (the deposit rule 定金时限). Deal events raised here (a deal the deposit
 * rule cancelled, a scheduled batch pushed) reach the hubs' sockets through the socket.io Redis adapter.
 */
import type { AppConfig } from './config/index.js';
import { createDb, warmDb } from './infra/db.js';
import { createPublisher, createRedis } from './infra/redis.js';
import { createSqlPool } from './infra/sql.js';
import { createServices } from './services/index.js';
import { LockSweeper } from './selling/lock-sweeper.js';
import { startDocumentsWorker } from './jobs/documents-worker.js';
import { startBatchesWorker } from './jobs/batches-worker.js';
import { startDepositsWorker } from './jobs/deposits-worker.js';
import { createBroadcaster } from './hub/deal-routing.js';
import type { Logger } from './services/logger.js';

export interface KaipanWorker {
  close(): Promise<void>;
}

export async function startWorker(config: AppConfig, log: Logger): Promise<KaipanWorker> {
  const db = createDb(config.databaseUrl, 4);
  const redis = createRedis(config.redisUrl, 'worker');
  const sql = createSqlPool(config.databaseUrl, 1, config.pgStatementTimeoutMs);
  const services = createServices(config, db, sql, redis, log);
  const adapterRedis = { pub: createPublisher(config.redisUrl, 'worker-io-pub'), sub: createRedis(config.redisUrl, 'worker-io-sub') };
  const broadcaster = createBroadcaster(services.dealEvents, adapterRedis, config.redisPrefix);
  await warmDb(db, 2);
  for (const projectId of await services.projects.get(true)) await services.keeper.ensure(projectId);
  const sweeper = new LockSweeper(services.mirror, services.audit, services.projects, log, config.lockSweepIntervalMs);
  sweeper.start();
  services.keeper.start();
  const documents = startDocumentsWorker({ redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, db, store: services.documents.store, log, fonts: config.fonts });
  const batches = await startBatchesWorker({
    redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, control: services.control, jobs: services.batchJobs, log,
  });
  const deposits = await startDepositsWorker({
    redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, cashier: services.cashier, jobs: services.depositJobs, log,
  });
  log.info({}, 'worker started: lock sweeper, mirror watchdog, documents, batches and deposits (BullMQ)');
  return {
    async close() {
      await sweeper.stop();
      await services.keeper.stop();
      await documents.close();
      await services.documents.jobs.close();
      await batches.close();
      await services.batchJobs.close();
      await deposits.close();
      await services.depositJobs.close();
      await broadcaster.close();
      adapterRedis.pub.disconnect();
      adapterRedis.sub.disconnect();
      await services.audit.close();
      await db.$disconnect();
      await sql.end();
      redis.disconnect();
    },
  };
}
