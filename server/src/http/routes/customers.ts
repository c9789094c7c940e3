import type { FastifyInstance } from 'fastify';
import {
  createCustomerSchema,
  createFollowUpSchema,
  customerListQuerySchema,
  customerRefSchema,
  emptyBodySchema,
  moveIdleSchema,
  projectRefSchema,
  reassignCustomersSchema,
  shortlistBodySchema,
  updateCustomerSchema,
} from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal } from '../context.js';

/** Customer registry 客户: list/search, create, edit, follow-ups, shortlist 意向房源, pool and reassignment. */
export function customerRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/projects/:projectId/customers', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const query = parse(customerListQuerySchema, request.query);
    return services.customers.list(principal, projectId, query);
  });

  app.post('/api/projects/:projectId/customers', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const body = parse(createCustomerSchema, request.body);
    const { customer, created } = await services.customers.create(principal, projectId, body);
    return reply.code(created ? 201 : 200).send(customer);
  });

  app.get('/api/projects/:projectId/customers/owners', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    return services.customers.owners(principal, projectId);
  });

  app.post('/api/projects/:projectId/customers/reassign', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { customerIds, ownerId } = parse(reassignCustomersSchema, request.body);
    return services.customers.reassign(principal, projectId, customerIds, ownerId);
  });

  app.post('/api/projects/:projectId/customers/move-idle-to-pool', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { projectId } = parse(projectRefSchema, request.params);
    const { days } = parse(moveIdleSchema, request.body);
    return services.customers.moveIdleToPool(principal, projectId, days);
  });

  app.get('/api/customers/:customerId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { customerId } = parse(customerRefSchema, request.params);
    return services.customers.get(principal, customerId);
  });

  app.patch('/api/customers/:customerId', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { customerId } = parse(customerRefSchema, request.params);
    const body = parse(updateCustomerSchema, request.body);
    return services.customers.update(principal, customerId, body);
  });

  app.get('/api/customers/:customerId/id-number', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { customerId } = parse(customerRefSchema, request.params);
    return services.customers.revealIdNumber(principal, customerId);
  });

  app.post('/api/customers/:customerId/follow-ups', async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const { customerId } = parse(customerRefSchema, request.params);
    const body = parse(createFollowUpSchema, request.body);
    const { followUp, created } = await services.customers.addFollowUp(principal, customerId, body);
    return reply.code(created ? 201 : 200).send(followUp);
  });

  app.get('/api/customers/:customerId/shortlist', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { customerId } = parse(customerRefSchema, request.params);
    return services.customers.shortlist(principal, customerId);
  });

  app.put('/api/customers/:customerId/shortlist', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { customerId } = parse(customerRefSchema, request.params);
    const { unitIds } = parse(shortlistBodySchema, request.body);
    return services.customers.setShortlist(principal, customerId, unitIds);
  });

  app.post('/api/customers/:customerId/claim', async (request) => {
    const principal = await requirePrincipal(services, request);
    const { customerId } = parse(customerRefSchema, request.params);
    parse(emptyBodySchema, request.body);
    return services.customers.claim(principal, customerId);
  });
}
