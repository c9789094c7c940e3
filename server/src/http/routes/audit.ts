import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** The audit log (filtered, paged) and unit timelines: docs/audit-log.md (its XLSX: the report jobs, routes/reports.ts). */
export function auditHandlers(services: Services): Handlers<typeof API.audit> {
  const log = services.auditLog;
  return {
    log: ({ principal, params, query }) => log.page(principal, params.projectId, query),
    unitTimeline: ({ principal, params }) => log.unitTimeline(principal, params.projectId, params.unitId),
  };
}
