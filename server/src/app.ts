/**
 * One Kaipan server process: fastify HTTP API + socket.io hub + background loops (change feed,
 * lock sweeper, audit sealer, mirror watchdog). Each resource is a plugin (plugins/) that declares what it needs,
 * starts in an `onReady` hook and closes itself in `onClose`: fastify starts them in the order
 * registered below and closes them in reverse. The worker (worker.ts) registers the same plugins
 * minus HTTP and the hub.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { AppConfig } from './config/index.js';
import type { HubServer } from './hub/hub.js';
import { frameworkErrorOptions } from './http/framework-errors.js';
import { auditSealerPlugin } from './plugins/audit-sealer.js';
import { changeFeedPlugin } from './plugins/change-feed.js';
import { configPlugin } from './plugins/config.js';
import { firstRunPlugin } from './plugins/first-run.js';
import { healthPlugin } from './plugins/health.js';
import { httpPlugin } from './plugins/http.js';
import { hubPlugin } from './plugins/hub.js';
import { jobsPlugin } from './plugins/jobs.js';
import { metricsPlugin } from './plugins/metrics.js';
import { mirrorPlugin } from './plugins/mirror.js';
import { postgresPlugin } from './plugins/postgres.js';
import { redisPlugin } from './plugins/redis.js';
import { routesPlugin } from './plugins/routes.js';
import { servicesPlugin } from './plugins/services.js';
import { sessionsPlugin } from './plugins/sessions.js';
import { staticAppsPlugin } from './plugins/static-apps.js';
import { sweeperPlugin } from './plugins/sweeper.js';
import type { IssuedSetupCode } from './services/first-run-service.js';
import type { Services } from './services/index.js';

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
  /** The first-run setup code this process printed at start (null once an administrator exists). */
  setupCode(): IssuedSetupCode | null;
  /** Start everything (the plugins' onReady hooks, in order), then listen on config.host:config.port (0 = random); resolves to the base URL. */
  listen(): Promise<string>;
  /** Stop accepting, hang up on sockets, drain running commands, then close every plugin in reverse order. */
  close(): Promise<void>;
}

/** Build the process (connections are opened, nothing is started yet): `listen()` starts it. */
export async function buildApp(config: AppConfig): Promise<KaipanApp> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: 2 * 1024 * 1024,
    // On shutdown, end keep-alive connections too: browsers hold them open indefinitely.
    forceCloseConnections: true,
    // No limit on a plugin's start: onReady waits for Redis (30 s bound of its own), warms the pools
    // and rebuilds the mirror, which can take longer than fastify's default 10 s on a loaded machine.
    pluginTimeout: 0,
    trustProxy: config.trustProxy,
    // Per-request lines only when debugging: a launch storm would otherwise log thousands a second.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    // The framework's own refusals (bad URL, over-long parameter, HTTP parser errors) in the one shape.
    ...frameworkErrorOptions,
  });
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  // Start order (close order is the reverse). Connections first: Redis is waited for, PostgreSQL warmed.
  await app.register(configPlugin, { config });
  await app.register(redisPlugin, { process: 'server' });
  await app.register(postgresPlugin, { process: 'server' });
  await app.register(servicesPlugin);
  // Before any route: headers, cookies, one error shape, the input rule.
  await app.register(httpPlugin);
  await app.register(metricsPlugin);
  // DESIGN.md: at start, rebuild the mirror from PostgreSQL; then the watchdog.
  await app.register(mirrorPlugin, { atStart: 'rebuild' });
  // Ended sessions (not yet expired) before the first request; then pub/sub and polling.
  await app.register(sessionsPlugin);
  await app.register(hubPlugin);
  await app.register(changeFeedPlugin);
  // With several hub processes the background jobs run once, in the worker process.
  if (config.role === 'all') {
    await app.register(sweeperPlugin);
    await app.register(auditSealerPlugin);
    await app.register(jobsPlugin);
  }
  await app.register(healthPlugin);
  await app.register(firstRunPlugin);
  await app.register(routesPlugin);
  await app.register(staticAppsPlugin);

  return {
    app,
    routes,
    io: app.hub.io,
    services: app.services,
    setupCode: () => app.setupCode,
    listen: () => app.listen({ host: config.host, port: config.port }),
    close: () => app.close(),
  };
}
