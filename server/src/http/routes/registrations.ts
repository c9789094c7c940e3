import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/**
 * Pre-registration 认筹: create, overview (with the oversubscription warning), cancel, entitlement.
 * No deposit flag: whether the sincerity deposit is held follows from the cashier's payments.
 */
export function registrationHandlers(services: Services): Handlers<typeof API.registrations> {
  const registrations = services.registrations;
  return {
    create: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await registrations.create(principal, params.projectId, body)),
    overview: ({ principal, params }) => registrations.overview(principal, params.projectId),
    get: ({ principal, params }) => registrations.get(principal, params.registrationId),
    cancel: ({ principal, params }) => registrations.cancel(principal, params.registrationId),
    setEntitlement: ({ principal, params, body }) =>
      registrations.setEntitlement(principal, params.registrationId, body.unitsAllowed),
  };
}
