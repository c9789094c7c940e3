import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** Subscriptions 认购 and their change requests 换房/退房/更名/调价 (docs/change-requests.md). */
export function changeHandlers(services: Services): Handlers<typeof API.changes> {
  const changes = services.changes;
  return {
    subscriptions: ({ principal, params, query }) => changes.listSubscriptions(principal, params.projectId, query),
    subscription: ({ principal, params }) => changes.getSubscription(principal, params.subscriptionId),
    request: async ({ principal, body, reply }) => {
      const { created, request } = await changes.request(principal, body);
      return reply.code(created ? 201 : 200).send(request);
    },
    list: ({ principal, params, query }) => changes.listRequests(principal, params.projectId, query.status),
    decide: ({ principal, params, body }) => changes.decide(principal, params.requestId, body),
    withdraw: ({ principal, params }) => changes.withdraw(principal, params.requestId),
    execute: ({ principal, params }) => changes.execute(principal, params.requestId),
  };
}
