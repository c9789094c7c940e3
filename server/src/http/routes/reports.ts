import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';
import { sendFile } from '../send-file.js';

/** Reports and exports: the pinned subscriptions sheet, report jobs and their files (docs/reports.md). */
export function reportHandlers(services: Services): Handlers<typeof API.reports> {
  const reports = services.reports;
  return {
    subscriptionsXlsx: async ({ principal, params, query, reply }) =>
      sendFile(reply, await reports.subscriptionsXlsx(principal, params.projectId, query)),
    startJob: async ({ principal, params, body, reply }) =>
      reply.code(202).send(await reports.startJob(principal, params.projectId, params.kind, body)),
    startAuditJob: async ({ principal, params, body, reply }) =>
      reply.code(202).send(await reports.startAuditJob(principal, params.projectId, body)),
    job: ({ principal, params }) => reports.job(principal, params.projectId, params.reportJobId),
    jobFile: async ({ principal, params, reply }) =>
      sendFile(reply, await reports.jobFile(principal, params.projectId, params.reportJobId)),
  };
}
