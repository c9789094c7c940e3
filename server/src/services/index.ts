/** Wires the services of one process around its PostgreSQL and Redis connections. */
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/index.js';
import type { Db } from '../infra/db.js';
import type { SqlPool } from '../infra/sql.js';
import { UnitMirror } from '../infra/mirror.js';
import { AuditWriter } from './audit.js';
import { AuthService } from './auth-service.js';
import { ProjectList } from './background.js';
import { ControlService } from './control-service.js';
import type { Logger } from './logger.js';
import { MirrorKeeper } from './mirror-keeper.js';
import { ProjectDirectory } from './project-directory.js';
import { QueryService } from './query-service.js';
import { RegistrationService } from './registration-service.js';
import { SalesService } from './sales-service.js';

export interface Services {
  mirror: UnitMirror;
  /** Ids of all projects, for the background loops (cached, blip-tolerant). */
  projects: ProjectList;
  audit: AuditWriter;
  directory: ProjectDirectory;
  keeper: MirrorKeeper;
  auth: AuthService;
  sales: SalesService;
  control: ControlService;
  query: QueryService;
  registrations: RegistrationService;
}

export function createServices(config: AppConfig, db: Db, sql: SqlPool, redis: Redis, log: Logger): Services {
  const mirror = new UnitMirror(redis, config.redisPrefix);
  const audit = new AuditWriter(sql, log);
  const directory = new ProjectDirectory(db);
  const projects = new ProjectList(() => directory.allProjectIds(), log);
  const keeper = new MirrorKeeper(db, redis, mirror, audit, log, projects);
  const registrations = new RegistrationService(db, sql, mirror, directory);
  return {
    mirror,
    projects,
    audit,
    directory,
    keeper,
    auth: new AuthService(db, config.authSecret, config.sessionHours),
    sales: new SalesService(db, sql, mirror, keeper, directory, audit, registrations),
    control: new ControlService(db, mirror, keeper, directory),
    query: new QueryService(db, mirror, keeper, directory),
    registrations,
  };
}
