import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { sendSharedJson } from '../json-cache.js';
import type { Handlers } from '../handler.js';

/** Projects: create/edit/archive, presale permits, catalog, live snapshot, the caller's locks, deals, sales control and batches 推盘. */
export function projectHandlers(services: Services): Handlers<typeof API.projects> {
  const control = services.control;
  const setup = services.projectSetup;
  return {
    list: ({ principal, query }) => services.directory.listProjects(principal, query.includeArchived),
    create: async ({ principal, body, reply }) => reply.code(201).send(await setup.create(principal, body)),
    details: ({ principal, params }) => setup.details(principal, params.projectId),
    update: ({ principal, params, body }) => setup.update(principal, params.projectId, body),
    archive: ({ principal, params }) => setup.archive(principal, params.projectId),
    unarchive: ({ principal, params }) => setup.unarchive(principal, params.projectId),
    permits: ({ principal, params }) => services.permits.list(principal, params.projectId),
    createPermit: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await services.permits.create(principal, params.projectId, body)),
    updatePermit: ({ principal, params, body }) => services.permits.update(principal, params.permitId, body),
    deletePermit: ({ principal, params }) => services.permits.remove(principal, params.permitId),
    catalog: async ({ principal, params, request, reply }) =>
      sendSharedJson(request, reply, await services.query.catalog(principal, params.projectId)),
    snapshot: async ({ principal, params, request, reply }) =>
      sendSharedJson(request, reply, await services.query.snapshot(principal, params.projectId)),
    myLocks: ({ principal, params }) => services.query.myLocks(principal, params.projectId),
    deals: ({ principal, params, query }) => services.query.deals(principal, params.projectId, query.limit),
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
