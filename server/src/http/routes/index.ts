/** The handlers of every feature of the route table, by feature (see ../register-api.ts). */
import type { API, Feature } from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';
import { approvalHandlers } from './approvals.js';
import { auditChainHandlers } from './audit-chain.js';
import { auditHandlers } from './audit.js';
import { authHandlers } from './auth.js';
import { buildingHandlers } from './buildings.js';
import { cashierHandlers } from './cashier.js';
import { changeHandlers } from './changes.js';
import { customerHandlers } from './customers.js';
import { dashboardHandlers } from './dashboard.js';
import { deviceHandlers } from './devices.js';
import { documentHandlers } from './documents.js';
import { firstRunHandlers } from './first-run.js';
import { lotteryHandlers } from './lottery.js';
import { memberHandlers } from './members.js';
import { pricingHandlers } from './pricing.js';
import { printReportHandlers } from './print-reports.js';
import { projectHandlers } from './projects.js';
import { queueHandlers } from './queue.js';
import { registrationHandlers } from './registrations.js';
import { rehearsalHandlers } from './rehearsals.js';
import { reportHandlers } from './reports.js';
import { replayHandlers } from './replay.js';
import { systemHandlers, type SystemDeps } from './system.js';
import { unitImportHandlers } from './unit-import.js';
import { unitHandlers } from './units.js';
import { userHandlers } from './users.js';

/** What the handlers call: the services, the configuration, and the process's own connections. */
export interface ApiDeps extends SystemDeps {
  services: Services;
  config: AppConfig;
}

/** One handler per route of the table, by feature and name (a missing one fails to compile). */
export type ApiHandlers = { [F in Feature]: Handlers<(typeof API)[F]> };

export function apiHandlers(deps: ApiDeps): ApiHandlers {
  const { services, config } = deps;
  return {
    system: systemHandlers(deps),
    auth: authHandlers(services, config),
    firstRun: firstRunHandlers(services),
    users: userHandlers(services),
    projects: projectHandlers(services),
    rehearsals: rehearsalHandlers(services),
    members: memberHandlers(services),
    devices: deviceHandlers(services),
    units: unitHandlers(services),
    registrations: registrationHandlers(services),
    customers: customerHandlers(services),
    lottery: lotteryHandlers(services, config),
    queue: queueHandlers(services, config),
    approvals: approvalHandlers(services),
    changes: changeHandlers(services),
    pricing: pricingHandlers(services),
    unitImport: unitImportHandlers(services),
    buildings: buildingHandlers(services),
    documents: documentHandlers(services, config),
    cashier: cashierHandlers(services),
    auditChain: auditChainHandlers(services),
    audit: auditHandlers(services),
    printReports: printReportHandlers(services),
    reports: reportHandlers(services),
    replay: replayHandlers(services),
    dashboard: dashboardHandlers(services),
  };
}
