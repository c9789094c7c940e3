import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** User administration, administrators only (docs/protocol.md "Sessions and accounts"). */
export function userHandlers(services: Services): Handlers<typeof API.users> {
  return {
    list: ({ principal }) => services.users.list(principal),
    create: async ({ principal, body, reply }) => reply.code(201).send(await services.users.create(principal, body)),
    resetPassword: ({ principal, params, body }) =>
      services.users.resetPassword(principal, params.userId, body.password),
    deactivate: ({ principal, params }) => services.users.deactivate(principal, params.userId),
    activate: ({ principal, params }) => services.users.activate(principal, params.userId),
    sessions: ({ principal, params }) => services.users.sessionsOf(principal, params.userId),
    revokeSessions: ({ principal, params }) => services.users.endSessions(principal, params.userId),
  };
}
