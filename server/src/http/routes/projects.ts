import type { FastifyInstance } from 'fastify';
import { batchRefSchema, createBatchBodySchema, updateBatchBodySchema, emptyBodySchema, listQuerySchema, projectRefSchema, projectSettingsSchema } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';
import { sendSharedJson } from '../json-cache.js';

export function projectRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/projects', async (request) => {
    const principal = await requirePrincipal(services, request);
    return services.directory.listProjects(principal);
  });

  app.get('/api/projects/:projectId/catalog', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return sendSharedJson(request, reply, await services.query.catalog(principal, projectId));
  });

  app.get('/api/projects/:projectId/snapshot', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return sendSharedJson(request, reply, await services.query.snapshot(principal, projectId));
  });

  app.get('/api/projects/:projectId/my-locks', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.query.myLocks(principal, projectId);
  });

  app.get('/api/projects/:projectId/deals', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { limit } = parse(listQuerySchema, request.query);
    return services.query.deals(principal, projectId, limit);
  });

  app.get('/api/projects/:projectId/audit', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { limit } = parse(listQuerySchema, request.query);
    return services.query.audit(principal, projectId, limit);
  });

  app.patch('/api/projects/:projectId/settings', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(projectSettingsSchema, request.body);
    return services.control.updateSettings(principal, projectId, body);
  });

  app.post('/api/projects/:projectId/pause', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.control.setPaused(principal, projectId, true);
  });

  app.post('/api/projects/:projectId/resume', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.control.setPaused(principal, projectId, false);
  });

  app.get('/api/projects/:projectId/batches', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.control.listBatches(principal, projectId);
  });

  app.get('/api/projects/:projectId/withheld', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.control.listWithheld(principal, projectId);
  });

  app.post('/api/projects/:projectId/batches', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(createBatchBodySchema, request.body);
    const batch = await services.control.createBatch(principal, projectId, body);
    return reply.code(201).send(batch);
  });

  app.post('/api/batches/:batchId/release', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { batchId } = parse(batchRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.control.releaseBatch(principal, batchId);
  });

  /** Change a pending batch: name, units, schedule (`releaseAt` ISO in the future, or null). */
  app.patch('/api/batches/:batchId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { batchId } = parse(batchRefSchema, request.params);
    const body = parse(updateBatchBodySchema, request.body);
    return services.control.updateBatch(principal, batchId, body);
  });

  app.post('/api/batches/:batchId/cancel', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { batchId } = parse(batchRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.control.cancelBatch(principal, batchId);
  });
}
