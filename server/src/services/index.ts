/** Wires the services of one process around its PostgreSQL and Redis connections. */
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/index.js';
import type { Db } from '../infra/db.js';
import type { SqlPool } from '../infra/sql.js';
import { UnitMirror } from '../selling/mirror.js';
import { AuditChainService } from '../audit-chain/chain-service.js';
import { AuditWriter } from './audit.js';
import { AuthService } from './auth-service.js';
import { ProjectList } from './background.js';
import { ControlService } from './control-service.js';
import { CustomerService } from './customer-service.js';
import { createIdCipher } from '../domain/id-cipher.js';
import type { Logger } from './logger.js';
import { MirrorKeeper } from '../selling/mirror-keeper.js';
import { DependencyHealth } from './dependency-health.js';
import { ProjectDirectory } from './project-directory.js';
import { QueryService } from './query-service.js';
import { AuditLogService } from './audit-log-service.js';
import { ReplayService } from '../replay/replay-service.js';
import { DashboardService } from './dashboard-service.js';
import { QueueService } from './queue-service.js';
import { KioskSetupService } from './kiosk-setup-service.js';
import { DocumentJobs, DocumentStore } from '../jobs/documents.js';
import { BatchJobs } from '../jobs/batches.js';
import { LotteryService } from './lottery-service.js';
import { RegistrationService } from './registration-service.js';
import { SalesService } from '../selling/sales-service.js';
import { PricingService } from './pricing-service.js';
import { DealEvents } from './deal-events.js';
import { ApprovalService } from './approval-service.js';
import { ChangeService } from '../changes/change-service.js';
import { PriceBookService } from './price-book-service.js';
import { UnitImportService } from './unit-import-service.js';
import { BuildingService } from './building-service.js';
import { UnitSetupService } from './unit-setup-service.js';
import { DocumentService } from '../documents/index.js';
import { CashierService } from '../cashier/cashier-service.js';
import { DepositJobs } from '../jobs/deposits.js';
import { SessionService } from './session-service.js';
import { LoginThrottle } from './login-throttle.js';
import { FirstRunService } from './first-run-service.js';
import { SignInService } from './sign-in-service.js';
import { UserService } from './user-service.js';
import { MemberService } from './member-service.js';
import { MembershipFeed } from './membership-feed.js';
import { ProjectCacheFeed } from './project-cache-feed.js';
import { DeviceRegistry } from './device-registry.js';
import { DeviceService } from './device-service.js';
import { PairingService } from './pairing-service.js';
import { ProjectService } from './project-service.js';
import { PermitService } from './permit-service.js';
import { RehearsalService } from './rehearsal-service.js';
import { PrintReportService } from '../print-reports/print-report-service.js';
import { ReportJobs } from '../reports/report-jobs.js';
import { ReportService } from '../reports/report-service.js';

export interface Services {
  mirror: UnitMirror;
  /** Ids of all projects, for the background loops (cached, blip-tolerant). */
  projects: ProjectList;
  audit: AuditWriter;
  /** The audit hash chain's head for managers (sealing: plugins/audit-sealer.ts; docs/audit.md). */
  auditChain: AuditChainService;
  directory: ProjectDirectory;
  keeper: MirrorKeeper;
  /** PostgreSQL/Redis up or down as this process sees them (selling gate, `system:status`); started by the app. */
  health: DependencyHealth;
  auth: AuthService;
  /** Sessions: created at sign-in, ended at once on every process (start/stop with the app). */
  sessions: SessionService;
  /** Revoked devices (cut on every process at once) and devices' last-seen times (device-registry.ts). */
  deviceRegistry: DeviceRegistry;
  /** Devices of a project: create (key shown once), list, rename, revoke (shared/src/devices.ts). */
  devices: DeviceService;
  /** Pairing a screen by QR code: pending pairings in Redis, approval, the screen's claim. */
  pairing: PairingService;
  /** Signing in: throttle per (username, source), trusted devices, failed-attempt audit. */
  signIn: SignInService;
  /** User administration (deactivate, activate, end sessions) and a user's own sessions. */
  users: UserService;
  /** Membership changes, at once on every process (start/stop with the app; the hub listens too). */
  membershipFeed: MembershipFeed;
  /** A project's cached catalog, settings and prices forgotten on every process at once (start/stop with the app). */
  projectCacheFeed: ProjectCacheFeed;
  /** People and roles of a project: members with their role and team, teams with a lead. */
  members: MemberService;
  /** The first administrator of an empty install: setup codes printed at start (plugins/first-run.ts). */
  firstRun: FirstRunService;
  sales: SalesService;
  control: ControlService;
  query: QueryService;
  /** The audit log read: filters, paging, XLSX export, unit timelines (docs/audit-log.md). */
  auditLog: AuditLogService;
  /** Launch replay from the record (docs/replay.md). */
  replay: ReplayService;
  /** The live sales dashboard's aggregates and the sales target (docs/dashboard.md). */
  dashboard: DashboardService;
  registrations: RegistrationService;
  customers: CustomerService;
  queue: QueueService;
  /** The kiosk PIN of a project and the PIN-protected setup screen of its queue kiosks. */
  kioskSetup: KioskSetupService;
  /** Rendered documents (Redis) and the BullMQ `documents` queue producer (close on shutdown). */
  documents: { jobs: DocumentJobs; store: DocumentStore };
  /** BullMQ `batches` queue producer: scheduled 推盘 (close on shutdown). */
  batchJobs: BatchJobs;
  /** Lottery 摇号: commit, draw, publish (the hub broadcasts `lottery:drawn`). */
  lottery: LotteryService;
  /** Deal pricing: terms and quotes (shared/src/pricing.ts on the server). */
  pricing: PricingService;
  /** Approvals, change requests, price activations → the hub (managers, requesters, screens). */
  dealEvents: DealEvents;
  /** Below-floor price approvals 底价审批 (request, four-eyes decision, bounded lock hold). */
  approvals: ApprovalService;
  /** Change requests 换房/退房/更名/调价 on subscriptions: request, four-eyes decision, atomic execution. */
  changes: ChangeService;
  /** Price book 价目表: versions (request, four-eyes approval, activation) and pricing-terms administration. */
  priceBook: PriceBookService;
  /** Units, areas and prices as XLSX / CSV: export, template, all-or-nothing import (docs/import.md). */
  unitImport: UnitImportService;
  /** Buildings generated from patterns, unit deletion and the grid editor (docs/buildings.md). */
  buildings: BuildingService;
  /** Layouts 户型, list prices by formula and the filed-price rule (docs/buildings.md). */
  unitSetup: UnitSetupService;
  /** Verifiable documents 收据/认购书/置业计划书/日结: render via BullMQ, versions, /verify (docs/documents.md). */
  docs: DocumentService;
  /** BullMQ `deposits` queue producer: the deposit rule's deadlines (close on shutdown). */
  depositJobs: DepositJobs;
  /** Cashier 收银台: receipt books, payments, conversions, refunds, voids, prints, day-end, deposit rule (docs/cashier.md). */
  cashier: CashierService;
  /** Projects: create, edit, archive, payee (docs/setup.md). */
  projectSetup: ProjectService;
  /** Presale permits 预售许可证 (the release rule itself: selling/permits.ts). */
  permits: PermitService;
  /** Rehearsals 演练: copy a project, reset it to the copy (docs/setup.md "Rehearsal"). */
  rehearsals: RehearsalService;
  /** Print-ready reports 销控表 / 价目表 / 日报 as PDF and XLSX (docs/reports-print.md; close on shutdown). */
  printReports: PrintReportService;
  /** Reports 统计报表 and their jobs: the BullMQ `reports` producer and the finished files (docs/reports.md). */
  reports: ReportService;
  reportJobs: ReportJobs;
}

export function createServices(config: AppConfig, db: Db, sql: SqlPool, redis: Redis, log: Logger): Services {
  const mirror = new UnitMirror(redis, config.redisPrefix);
  const audit = new AuditWriter(sql, log);
  const directory = new ProjectDirectory(db);
  const projects = new ProjectList(() => directory.allProjectIds(), log);
  const keeper = new MirrorKeeper(db, redis, mirror, audit, log, projects);
  const health = new DependencyHealth({
    databaseUrl: config.databaseUrl,
    redis,
    onRedisReady: () => keeper.resync(),
    log,
  });
  const registrations = new RegistrationService(db, sql, mirror, directory);
  const query = new QueryService(db, mirror, keeper, directory);
  const batchJobs = new BatchJobs(config.redisUrl, config.redisPrefix, log);
  const pricing = new PricingService(db, sql, directory);
  const dealEvents = new DealEvents();
  // Prices or terms changed through this process: the next quote reads them again.
  dealEvents.subscribe((event) => {
    if (event.type === 'prices:changed') pricing.forget(event.payload.projectId);
  });
  const priceBook = new PriceBookService(db, pricing, directory, dealEvents);
  const depositJobs = new DepositJobs(config.redisUrl, config.redisPrefix, log);
  const documents = {
    jobs: new DocumentJobs(config.redisUrl, config.redisPrefix, log),
    store: new DocumentStore(redis, config.redisPrefix),
  };
  // Printed 认购书 are re-rendered after the changes that make them untrue (change requests, the
  // deposit rule, deposits recorded/converted/voided): DocumentService.refreshFor.
  const auditChain = new AuditChainService(sql, directory);
  const docs = new DocumentService(
    db,
    directory,
    pricing,
    documents.jobs,
    config.publicUrl,
    log,
    config.fonts,
    async (projectId) => (await auditChain.headForPrint(projectId)).reference,
  );
  const cashier = new CashierService(db, directory, keeper, depositJobs, log, docs, dealEvents);
  const sessions = new SessionService(db, sql, redis, config.redisUrl, config.redisPrefix, log);
  const deviceRegistry = new DeviceRegistry(db, sql, redis, config.redisUrl, config.redisPrefix, log);
  const auth = new AuthService(db, config.authSecret, config.sessionHours, sessions, deviceRegistry);
  const membershipFeed = new MembershipFeed(redis, config.redisUrl, config.redisPrefix, log);
  // A role changed or a member removed: that user's next call reads their memberships again.
  membershipFeed.onChange(({ userId }) => auth.forget(userId));
  const projectCacheFeed = new ProjectCacheFeed(redis, config.redisUrl, config.redisPrefix, log);
  // A rehearsal reset rewrote the project: this process's catalog and price snapshot are stale.
  projectCacheFeed.onStale(({ projectId }) => {
    directory.invalidate(projectId);
    pricing.forget(projectId);
  });
  const devices = new DeviceService(db, directory, deviceRegistry);
  const loginThrottle = new LoginThrottle(redis, config.redisPrefix, config.loginRatePerMinute);
  const buildings = new BuildingService(db, keeper, directory, dealEvents, log);
  const auditLog = new AuditLogService(db, directory);
  const reportJobs = new ReportJobs(config.redisUrl, config.redisPrefix, redis, log);
  return {
    mirror,
    projects,
    audit,
    auditChain,
    directory,
    keeper,
    health,
    auth,
    sessions,
    deviceRegistry,
    devices,
    pairing: new PairingService(db, redis, config.redisPrefix, devices),
    signIn: new SignInService(db, auth, loginThrottle, audit, config.authSecret, sessions),
    users: new UserService(db, sessions),
    membershipFeed,
    projectCacheFeed,
    members: new MemberService(db, directory, membershipFeed),
    firstRun: new FirstRunService(db, redis, config.redisPrefix, loginThrottle, audit),
    // After a confirm: the project's deposit rule (定金时限) starts its clock; its deadline goes into the
    // ack (projects without a window answer null from a cache at once; errors are swallowed → null).
    sales: new SalesService(
      db,
      sql,
      mirror,
      keeper,
      directory,
      audit,
      registrations,
      pricing,
      health,
      (projectId, subscriptionId, at) => cashier.deposits.afterConfirm(projectId, subscriptionId, at),
    ),
    control: new ControlService(
      db,
      mirror,
      keeper,
      directory,
      { redis, prefix: config.redisPrefix },
      batchJobs,
      dealEvents,
    ),
    query,
    auditLog,
    replay: new ReplayService(db, directory),
    dashboard: new DashboardService(db, directory),
    registrations,
    customers: new CustomerService(db, directory, query, createIdCipher(config.customerDataKey)),
    queue: new QueueService(db, redis, config.redisPrefix, directory, query, documents, log),
    kioskSetup: new KioskSetupService(db, redis, config.redisPrefix, directory),
    documents,
    batchJobs,
    lottery: new LotteryService(db, directory, config.fonts),
    pricing,
    dealEvents,
    approvals: new ApprovalService(db, mirror, directory, pricing, registrations, dealEvents),
    changes: new ChangeService(db, mirror, keeper, directory, pricing, dealEvents, docs),
    priceBook,
    unitImport: new UnitImportService(db, mirror, keeper, directory, priceBook, buildings, log),
    buildings,
    unitSetup: new UnitSetupService(db, keeper, directory, buildings, log),
    docs,
    depositJobs,
    cashier,
    projectSetup: new ProjectService(db, directory, keeper, pricing, projects),
    permits: new PermitService(db, directory),
    rehearsals: new RehearsalService(db, directory, mirror, keeper, projectCacheFeed, membershipFeed, projects, log),
    printReports: new PrintReportService(
      db,
      directory,
      async (projectId) => {
        const head = await auditChain.headForPrint(projectId);
        return { reference: head.reference, hash: head.hash, events: head.events };
      },
      config.fonts,
    ),
    reports: new ReportService(db, directory, auditLog, reportJobs),
    reportJobs,
  };
}
