import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';
import { sendFile } from '../send-file.js';

/** The audit log (filtered, paged, XLSX) and unit timelines: docs/audit-log.md. */
export function auditHandlers(services: Services): Handlers<typeof API.audit> {
  const log = services.auditLog;
  return {
    log: ({ principal, params, query }) => log.page(principal, params.projectId, query),
    exportXlsx: async ({ principal, params, query, reply }) => {
      const { lang, ...filter } = query;
      return sendFile(reply, await log.exportXlsx(principal, params.projectId, filter, lang));
    },
    unitTimeline: ({ principal, params }) => log.unitTimeline(principal, params.projectId, params.unitId),
  };
}
