/**
 * The background process of a multi-process deployment (KAIPAN_ROLE=worker): lock-expiry sweeps,
 * the audit sealer and the mirror watchdog run here once instead of in every hub process, and the BullMQ `documents`
 * worker (PDFs, rendered in worker threads), the BullMQ `batches` worker (scheduled 推盘) and the
 * BullMQ `deposits` worker (the deposit rule 定金时限). Deal events raised here (a deal the deposit
 * rule cancelled, a scheduled batch pushed) reach the hubs' sockets through the socket.io Redis adapter.
 *
 * The same plugins as a server process (app.ts) minus HTTP and the hub, on a fastify instance that
 * never listens: `ready()` starts them in order, `close()` stops them in reverse.
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { AppConfig } from './config/index.js';
import { auditSealerPlugin } from './plugins/audit-sealer.js';
import { configPlugin } from './plugins/config.js';
import { dealBroadcastPlugin } from './plugins/deal-broadcast.js';
import { jobsPlugin } from './plugins/jobs.js';
import { mirrorPlugin } from './plugins/mirror.js';
import { postgresPlugin } from './plugins/postgres.js';
import { redisPlugin } from './plugins/redis.js';
import { servicesPlugin } from './plugins/services.js';
import { sweeperPlugin } from './plugins/sweeper.js';
import type { Logger } from './services/logger.js';

export interface KaipanWorker {
  close(): Promise<void>;
}

export async function startWorker(config: AppConfig, log: Logger): Promise<KaipanWorker> {
  // No limit on a plugin's start (as app.ts): the mirror and the BullMQ workers start in onReady.
  const app = Fastify({ loggerInstance: asFastifyLogger(log), pluginTimeout: 0 });
  await app.register(configPlugin, { config });
  await app.register(redisPlugin, { process: 'worker' });
  await app.register(postgresPlugin, { process: 'worker' });
  await app.register(servicesPlugin);
  // The mirror of a project that has none is built here; the hubs rebuild (merge) at their start.
  await app.register(mirrorPlugin, { atStart: 'ensure' });
  await app.register(dealBroadcastPlugin);
  await app.register(sweeperPlugin);
  await app.register(auditSealerPlugin);
  await app.register(jobsPlugin);
  await app.ready();
  log.info({}, 'worker started: lock sweeper, audit sealer, mirror watchdog, documents, batches and deposits (BullMQ)');
  return { close: () => app.close() };
}

/** fastify wants a pino-shaped logger; the launcher gives the worker a plain one. */
function asFastifyLogger(log: Logger): FastifyBaseLogger {
  const adapted = {
    level: 'info',
    info: log.info.bind(log),
    warn: log.warn.bind(log),
    error: log.error.bind(log),
    fatal: log.error.bind(log),
    debug: log.debug.bind(log),
    trace: () => undefined,
    silent: () => undefined,
    child: () => adapted,
  };
  return adapted as unknown as FastifyBaseLogger;
}
