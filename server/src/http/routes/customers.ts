import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** Customer registry 客户: list/search, create, edit, follow-ups, shortlist 意向房源, pool and reassignment. */
export function customerHandlers(services: Services): Handlers<typeof API.customers> {
  const customers = services.customers;
  return {
    list: ({ principal, params, query }) => customers.list(principal, params.projectId, query),
    create: async ({ principal, params, body, reply }) => {
      const { customer, created } = await customers.create(principal, params.projectId, body);
      return reply.code(created ? 201 : 200).send(customer);
    },
    owners: ({ principal, params }) => customers.owners(principal, params.projectId),
    reassign: ({ principal, params, body }) =>
      customers.reassign(principal, params.projectId, body.customerIds, body.ownerId),
    moveIdleToPool: ({ principal, params, body }) => customers.moveIdleToPool(principal, params.projectId, body.days),
    get: ({ principal, params }) => customers.get(principal, params.customerId),
    update: ({ principal, params, body }) => customers.update(principal, params.customerId, body),
    revealIdNumber: ({ principal, params }) => customers.revealIdNumber(principal, params.customerId),
    addFollowUp: async ({ principal, params, body, reply }) => {
      const { followUp, created } = await customers.addFollowUp(principal, params.customerId, body);
      return reply.code(created ? 201 : 200).send(followUp);
    },
    shortlist: ({ principal, params }) => customers.shortlist(principal, params.customerId),
    setShortlist: ({ principal, params, body }) => customers.setShortlist(principal, params.customerId, body.unitIds),
    claim: ({ principal, params }) => customers.claim(principal, params.customerId),
  };
}
