import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** The hub's unit commands over HTTP, plus withhold/unwithhold (one unit or many) for managers. */
export function unitHandlers(services: Services): Handlers<typeof API.units> {
  return {
    lock: ({ principal, params, body }) => services.sales.lock(principal, params.unitId, body.registrationId),
    release: ({ principal, params, body }) => services.sales.release(principal, params.unitId, body.token),
    confirm: ({ principal, params, body: { token, buyer, ...terms } }) =>
      services.sales.confirm(principal, params.unitId, token, buyer, terms),
    withhold: ({ principal, params, body }) =>
      services.control.withhold(principal, params.unitId, body.reason, body.channel),
    unwithhold: ({ principal, params }) => services.control.unwithhold(principal, params.unitId),
    withholdMany: ({ principal, params, body }) =>
      services.control.setWithheldMany(principal, params.projectId, 'withhold', body),
    unwithholdMany: ({ principal, params, body }) =>
      services.control.setWithheldMany(principal, params.projectId, 'unwithhold', body),
  };
}
