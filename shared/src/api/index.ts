/**
 * The route table: every HTTP endpoint of Kaipan, one file per feature. A new endpoint is one entry
 * in its feature's table plus its handler (server/src/http/routes/<feature>.ts); registration, input
 * validation, the permission check, the OpenAPI document and the typed web client follow from it.
 */
import { approvalsApi } from './approvals.js';
import { auditChainApi } from './audit-chain.js';
import { auditApi } from './audit.js';
import { authApi } from './auth.js';
import { buildingsApi } from './buildings.js';
import { cashierApi } from './cashier.js';
import { changesApi } from './changes.js';
import { customersApi } from './customers.js';
import { dashboardApi } from './dashboard.js';
import { devicesApi } from './devices.js';
import { documentsApi } from './documents.js';
import { firstRunApi } from './first-run.js';
import { lotteryApi } from './lottery.js';
import { membersApi } from './members.js';
import { pricingApi } from './pricing.js';
import { printReportsApi } from './print-reports.js';
import { projectsApi } from './projects.js';
import { queueApi } from './queue.js';
import { registrationsApi } from './registrations.js';
import { rehearsalsApi } from './rehearsals.js';
import { reportsApi } from './reports.js';
import { replayApi } from './replay.js';
import type { ApiRoute } from './route.js';
import { systemApi } from './system.js';
import { unitImportApi } from './unit-import.js';
import { unitsApi } from './units.js';
import { usersApi } from './users.js';

export * from './route.js';
export * from './client.js';
export { approvalListQuerySchema, approvalRefSchema } from './approvals.js';
export { changeQuerySchema, changeRefSchema, subscriptionQuerySchema, subscriptionRefSchema } from './changes.js';
export { cashierSettingsSchema, dayCloseSchema } from './cashier.js';
export { UNIT_SHEET_BODY_TYPES } from './unit-import.js';
export * from './buildings.js';
export * from './audit.js';
export * from './print-reports.js';
export * from './reports.js';
export * from './replay.js';
export * from './dashboard.js';

/** Every endpoint, by feature and name: `API.units.lock`. */
export const API = {
  system: systemApi,
  auth: authApi,
  firstRun: firstRunApi,
  users: usersApi,
  projects: projectsApi,
  rehearsals: rehearsalsApi,
  members: membersApi,
  devices: devicesApi,
  units: unitsApi,
  registrations: registrationsApi,
  customers: customersApi,
  lottery: lotteryApi,
  queue: queueApi,
  approvals: approvalsApi,
  changes: changesApi,
  pricing: pricingApi,
  unitImport: unitImportApi,
  buildings: buildingsApi,
  documents: documentsApi,
  cashier: cashierApi,
  auditChain: auditChainApi,
  audit: auditApi,
  printReports: printReportsApi,
  reports: reportsApi,
  replay: replayApi,
  dashboard: dashboardApi,
};
export type Api = typeof API;
export type Feature = keyof Api;

/** Every endpoint as a list, with its feature and name (registration order). */
export const API_ROUTES: readonly (ApiRoute & { feature: Feature; name: string })[] = Object.entries(API).flatMap(
  ([feature, routes]) =>
    Object.entries(routes).map(([name, route]) => ({ ...(route as ApiRoute), feature: feature as Feature, name })),
);
