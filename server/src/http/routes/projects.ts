import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { sendSharedJson } from '../json-cache.js';
import type { Handlers } from '../handler.js';

/** Projects: catalog, live snapshot, the caller's locks, deals, audit, sales control and batches 推盘. */
export function projectHandlers(services: Services): Handlers<typeof API.projects> {
  const control = services.control;
  return {
    list: ({ principal }) => services.directory.listProjects(principal),
    catalog: async ({ principal, params, request, reply }) =>
      sendSharedJson(request, reply, await services.query.catalog(principal, params.projectId)),
    snapshot: async ({ principal, params, request, reply }) =>
      sendSharedJson(request, reply, await services.query.snapshot(principal, params.projectId)),
    myLocks: ({ principal, params }) => services.query.myLocks(principal, params.projectId),
    deals: ({ principal, params, query }) => services.query.deals(principal, params.projectId, query.limit),
    audit: ({ principal, params, query }) => services.query.audit(principal, params.projectId, query.limit),
    updateSettings: ({ principal, params, body }) => control.updateSettings(principal, params.projectId, body),
    pause: ({ principal, params }) => control.setPaused(principal, params.projectId, true),
    resume: ({ principal, params }) => control.setPaused(principal, params.projectId, false),
    batches: ({ principal, params }) => control.listBatches(principal, params.projectId),
    withheld: ({ principal, params }) => control.listWithheld(principal, params.projectId),
    createBatch: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await control.createBatch(principal, params.projectId, body)),
    releaseBatch: ({ principal, params }) => control.releaseBatch(principal, params.batchId),
    updateBatch: ({ principal, params, body }) => control.updateBatch(principal, params.batchId, body),
    cancelBatch: ({ principal, params }) => control.cancelBatch(principal, params.batchId),
  };
}
