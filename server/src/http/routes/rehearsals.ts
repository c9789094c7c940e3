/** Rehearsals 演练 of a project: list, copy, reset (shared/src/api/rehearsals.ts). */
import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

export function rehearsalHandlers(services: Services): Handlers<typeof API.rehearsals> {
  const { rehearsals } = services;
  return {
    list: ({ principal, params }) => rehearsals.list(principal, params.projectId),
    create: async ({ principal, params, reply }) =>
      reply.code(201).send(await rehearsals.create(principal, params.projectId)),
    reset: ({ principal, params }) => rehearsals.reset(principal, params.projectId),
  };
}
