import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** The live sales dashboard and its sales target: docs/dashboard.md. */
export function dashboardHandlers(services: Services): Handlers<typeof API.dashboard> {
  const dashboard = services.dashboard;
  return {
    read: ({ principal, params }) => dashboard.read(principal, params.projectId),
    target: ({ principal, params }) => dashboard.target(principal, params.projectId),
    updateTarget: ({ principal, params, body }) => dashboard.updateTarget(principal, params.projectId, body),
  };
}
