import type { API } from '@kaipan/shared';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** People and roles of a project: members, their role and team; teams with a lead (managers). */
export function memberHandlers(services: Services): Handlers<typeof API.members> {
  const { members } = services;
  return {
    list: ({ principal, params }) => members.list(principal, params.projectId),
    add: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await members.add(principal, params.projectId, body)),
    set: ({ principal, params, body }) => members.set(principal, params.projectId, params.userId, body),
    remove: ({ principal, params }) => members.remove(principal, params.projectId, params.userId),
    createTeam: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await members.createTeam(principal, params.projectId, body)),
    updateTeam: ({ principal, params, body }) => members.updateTeam(principal, params.projectId, params.teamId, body),
    deleteTeam: ({ principal, params }) => members.deleteTeam(principal, params.projectId, params.teamId),
  };
}
