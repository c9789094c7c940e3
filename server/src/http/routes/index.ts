/** Every route of the HTTP API, registered in one call (plugins/routes.ts). */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../../config/index.js';
import type { Db } from '../../infra/db.js';
import type { ProcessMetrics } from '../../infra/process-metrics.js';
import type { SqlPool } from '../../infra/sql.js';
import type { HubServer } from '../../hub/hub.js';
import type { Services } from '../../services/index.js';
import { approvalRoutes } from './approvals.js';
import { authRoutes } from './auth.js';
import { cashierRoutes } from './cashier.js';
import { changeRoutes } from './changes.js';
import { customerRoutes } from './customers.js';
import { documentRoutes } from './documents.js';
import { healthRoutes } from './health.js';
import { lotteryRoutes } from './lottery.js';
import { metricsRoutes } from './metrics.js';
import { pricingRoutes } from './pricing.js';
import { projectRoutes } from './projects.js';
import { queueRoutes } from './queue.js';
import { registrationRoutes } from './registrations.js';
import { unitImportRoutes } from './unit-import.js';
import { unitRoutes } from './units.js';
import { userRoutes } from './users.js';

/** What the routes reach besides the services: the process's own connections and load. */
export interface RouteDeps {
  config: AppConfig;
  services: Services;
  db: Db;
  sql: SqlPool;
  redis: Redis;
  metrics: ProcessMetrics;
  io: HubServer;
}

export function apiRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { services, config } = deps;
  healthRoutes(app, deps);
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
  metricsRoutes(app, services, deps);
}
