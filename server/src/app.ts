/**
 * One Kaipan server process: fastify HTTP API + socket.io hub + background loops (change feed,
 * lock sweeper, mirror watchdog). Everything that opens a connection closes it in onClose.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { ERROR_MESSAGES, type HealthResponse } from '@kaipan/shared';
import type { AppConfig } from './config/index.js';
import { createDb, pingDb, warmDb } from './infra/db.js';
import { createPublisher, createRedis, pingRedis, waitForRedis } from './infra/redis.js';
import { createSqlPool } from './infra/sql.js';
import { createHub, type HubServer } from './hub/hub.js';
import { frameworkErrorOptions, installFrameworkErrors } from './http/framework-errors.js';
import { installInputGuard } from './http/input-guard.js';
import { authRoutes } from './http/routes/auth.js';
import { userRoutes } from './http/routes/users.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { projectRoutes } from './http/routes/projects.js';
import { unitRoutes } from './http/routes/units.js';
import { queueRoutes } from './http/routes/queue.js';
import { attachQueueEvents } from './hub/queue-events.js';
import { startDocumentsWorker, type DocumentsWorker } from './jobs/documents-worker.js';
import { startBatchesWorker, type BatchesWorker } from './jobs/batches-worker.js';
import { registrationRoutes } from './http/routes/registrations.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { ProcessMetrics } from './infra/process-metrics.js';
import { customerRoutes } from './http/routes/customers.js';
import { lotteryRoutes } from './http/routes/lottery.js';
import { approvalRoutes } from './http/routes/approvals.js';
import { changeRoutes } from './http/routes/changes.js';
import { pricingRoutes } from './http/routes/pricing.js';
import { unitImportRoutes } from './http/routes/unit-import.js';
import { documentRoutes } from './http/routes/documents.js';
import { cashierRoutes } from './http/routes/cashier.js';
import { startDepositsWorker, type DepositsWorker } from './jobs/deposits-worker.js';
import { ChangeFeed } from './services/change-feed.js';
import { createServices, type Services } from './services/index.js';
import { LockSweeper } from './selling/lock-sweeper.js';

/** One HTTP route of the API (method and URL pattern), as registered. */
export interface RouteEntry {
  method: string;
  url: string;
}

export interface KaipanApp {
  app: FastifyInstance;
  /**
   * Every route registered, in order (the privacy test crawls the GET routes and fails on one it
   * does not know: a new route that returns a person cannot slip past the privacy rule).
   */
  routes: readonly RouteEntry[];
  io: HubServer;
  services: Services;
  /** Listen on config.host:config.port (0 = random); resolves to the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function buildApp(config: AppConfig): Promise<KaipanApp> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: 2 * 1024 * 1024,
    // On shutdown, end keep-alive connections too: browsers hold them open indefinitely.
    forceCloseConnections: true,
    trustProxy: config.trustProxy,
    // Per-request lines only when debugging: a launch storm would otherwise log thousands a second.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    // The framework's own refusals (bad URL, over-long parameter, HTTP parser errors) in the one shape.
    ...frameworkErrorOptions,
  });
  const log = app.log;
  const db = createDb(config.databaseUrl, config.pgPoolSize, config.pgStatementTimeoutMs);
  const sql = createSqlPool(config.databaseUrl, Math.max(4, Math.ceil(config.pgPoolSize / 2)), config.pgStatementTimeoutMs);
  // Requests fail fast (SERVICE_UNAVAILABLE at once) while Redis is down; see createRedis.
  const redis = createRedis(config.redisUrl, 'main', { autoPipeline: true, failFast: true });
  const feedConn = createRedis(config.redisUrl, 'feed');
  const adapterRedis = { pub: createPublisher(config.redisUrl, 'io-pub'), sub: createRedis(config.redisUrl, 'io-sub') };
  const services = createServices(config, db, sql, redis, log);
  if (config.customerDataKeyDerived) {
    log.warn('CUSTOMER_DATA_KEY is not set: ID numbers are encrypted with a DEVELOPMENT key derived from the auth secret. Demo only — set CUSTOMER_DATA_KEY (32 bytes, base64) for real data.');
  }

  await registerSecurityHeaders(app);

  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  await app.register(fastifyCookie);

  // Before any route: one error shape for every refusal, and the text rule on every input.
  installFrameworkErrors(app, services.health);
  installInputGuard(app);

  app.get('/api/health', async (_request, reply) => {
    const [pg, rd] = await Promise.all([pingDb(db), pingRedis(redis)]);
    const body: HealthResponse = { ok: pg && rd, postgres: pg ? 'up' : 'down', redis: rd ? 'up' : 'down' };
    return reply.code(body.ok ? 200 : 503).send(body);
  });
  authRoutes(app, services, config);
  userRoutes(app, services);
  projectRoutes(app, services);
  unitRoutes(app, services);
  registrationRoutes(app, services);
  customerRoutes(app, services);
  lotteryRoutes(app, services, config);
  queueRoutes(app, services, config);
  approvalRoutes(app, services);
  changeRoutes(app, services);
  pricingRoutes(app, services);
  unitImportRoutes(app, services);
  documentRoutes(app, services, config);
  cashierRoutes(app, services);

  const dist = resolve(config.clientDist);
  const serveClient = config.clientDist !== '' && existsSync(resolve(dist, 'index.html'));
  if (serveClient) {
    await app.register(fastifyStatic, { root: dist, wildcard: false, maxAge: '1h' });
  }
  // The kiosk app (kiosk/, built with base /queue/): its files under /queue/, its index.html for
  // the kiosk's own routes (/queue, /queue/screen, /cashier) below, never cached.
  const kioskDist = resolve(config.kioskDist);
  const serveKiosk = config.kioskDist !== '' && existsSync(resolve(kioskDist, 'index.html'));
  if (serveKiosk) {
    await app.register(fastifyStatic, { root: kioskDist, prefix: '/queue/', wildcard: false, maxAge: '1h', index: false, decorateReply: !serveClient });
  }
  const isKioskRoute = (path: string): boolean => /^\/(queue|cashier)(\/|$)/.test(path);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A missing hashed asset must be a 404 (an old tab after a deploy), never index.html.
    const isAsset = path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(path);
    if (serveKiosk && request.method === 'GET' && !isAsset && isKioskRoute(path)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html', kioskDist);
    }
    if (serveClient && request.method === 'GET' && !isAsset && !path.startsWith('/api/') && !path.startsWith('/socket.io')) {
      // Single-page app: every other path is a client route.
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: ERROR_MESSAGES.NOT_FOUND } });
  });

  const metrics = new ProcessMetrics();
  const { io, sink, fanout } = createHub(app.server, services, config, log, adapterRedis, metrics);
  metricsRoutes(app, services, { config, metrics, io, sql, redis });
  const queueEvents = attachQueueEvents(io, services, log);
  const feed = new ChangeFeed(feedConn, services.mirror, queueEvents.tap(sink), services.projects, log, config.fanoutIntervalMs);
  let documentsWorker: DocumentsWorker | null = null;
  let batchesWorker: BatchesWorker | null = null;
  let depositsWorker: DepositsWorker | null = null;
  const sweeper = new LockSweeper(services.mirror, services.audit, services.projects, log, config.lockSweepIntervalMs);

  // Hang up on every socket before the HTTP server closes, or close() waits for them forever.
  app.addHook('preClose', async () => {
    io.disconnectSockets(true);
    io.engine.close();
  });
  app.addHook('onClose', async () => {
    // Let commands already running finish their PostgreSQL commit and mirror update.
    await services.sales.drain(5_000);
    await services.health.stop();
    metrics.stop();
    await services.sessions.stop();
    await sweeper.stop();
    await services.keeper.stop();
    await feed.stop();
    await fanout.stop();
    await queueEvents.stop();
    await documentsWorker?.close();
    await services.documents.jobs.close();
    await batchesWorker?.close();
    await services.batchJobs.close();
    await depositsWorker?.close();
    await services.depositJobs.close();
    await services.audit.close();
    await services.lottery.close();
    await services.docs.close();
    await db.$disconnect();
    await sql.end();
    redis.disconnect();
    adapterRedis.pub.disconnect();
    adapterRedis.sub.disconnect();
  });

  let started = false;
  return {
    app,
    routes,
    io,
    services,
    async listen() {
      if (!started) {
        await waitForRedis(redis);
        await warmDb(db, config.pgPoolSize);
        await Promise.all(Array.from({ length: sql.options.max ?? 4 }, () => sql.query('SELECT pg_sleep(0.02)')));
        await warnOnEviction(redis, log);
        // DESIGN.md: at start, rebuild the mirror from PostgreSQL (a merge by version: screens are
        // told to resync only when the mirror had drifted).
        for (const projectId of await services.projects.get(true)) await services.keeper.rebuild(projectId);
        // Ended sessions (not yet expired) before the first request; then pub/sub and polling.
        await services.sessions.start();
        await feed.start();
        // With several hub processes the background jobs run once, in the worker process.
        if (config.role === 'all') sweeper.start();
        // Ticket PDFs: rendered in a worker thread, so even one process never blocks on them.
        if (config.role === 'all') {
          documentsWorker = startDocumentsWorker({ redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, db, store: services.documents.store, log, fonts: config.fonts });
          // Scheduled 推盘: re-enqueues pending schedules, releases those already due.
          batchesWorker = await startBatchesWorker({
            redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, control: services.control, jobs: services.batchJobs, log,
          });
          // The deposit rule 定金时限: re-enqueues pending deadlines, enforces those already due.
          depositsWorker = await startDepositsWorker({
            redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, cashier: services.cashier, jobs: services.depositJobs, log,
          });
        }
        services.keeper.start();
        await services.health.start();
        started = true;
      }
      return app.listen({ host: config.host, port: config.port });
    },
    async close() {
      await app.close();
    },
  };
}

/** Redis must never evict keys (locks, counters, the mirror): warn loudly when it might. */
async function warnOnEviction(redis: ReturnType<typeof createRedis>, log: FastifyInstance['log']): Promise<void> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') log.warn({ policy }, 'Redis maxmemory-policy should be noeviction: evicted keys would lose locks and counters');
  } catch {
    // Managed Redis services often forbid CONFIG; nothing to check then.
  }
}
