/**
 * People and roles of a project (docs/protocol.md "Members and roles"): who is a member with which
 * role, teams with a lead. Managers of the project and administrators; every change is audited and
 * takes effect at once for the member's live requests and sockets.
 */
import {
  addMemberBodySchema,
  memberInfoSchema,
  memberRefSchema,
  membersOverviewSchema,
  setMemberBodySchema,
  teamBodySchema,
  teamInfoSchema,
  teamRefSchema,
  updateTeamBodySchema,
} from '../members.js';
import { emptyBodySchema, projectRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';
import { z } from 'zod';

export const membersApi = {
  list: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/members',
    summary: 'The members of the project with their role and team, and its teams.',
    access: 'manage',
    params: projectRefSchema,
    responses: { 200: membersOverviewSchema },
    errors: [],
  }),
  add: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/members',
    summary: 'Make an existing account (by username) a member with a role; CONFLICT if a member already.',
    access: 'manage',
    params: projectRefSchema,
    body: addMemberBodySchema,
    responses: { 201: memberInfoSchema },
    errors: ['ROLE_NOT_ASSIGNABLE', 'CONFLICT'],
  }),
  set: defineRoute({
    method: 'PUT',
    path: '/api/projects/:projectId/members/:userId',
    summary: "Set a user's role (and team) in the project; adds them when not a member yet.",
    access: 'manage',
    params: memberRefSchema,
    body: setMemberBodySchema,
    responses: { 200: memberInfoSchema },
    errors: ['ROLE_NOT_ASSIGNABLE', 'LAST_MANAGER'],
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/api/projects/:projectId/members/:userId',
    summary: 'Remove a member: refused the project at once (HTTP and live sockets).',
    access: 'manage',
    params: memberRefSchema,
    body: emptyBodySchema,
    responses: { 200: z.object({ removed: z.boolean() }) },
    errors: ['LAST_MANAGER'],
  }),
  createTeam: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/teams',
    summary: 'Create a team (the lead must be a member of the project).',
    access: 'manage',
    params: projectRefSchema,
    body: teamBodySchema,
    responses: { 201: teamInfoSchema },
    errors: ['CONFLICT'],
  }),
  updateTeam: defineRoute({
    method: 'PATCH',
    path: '/api/projects/:projectId/teams/:teamId',
    summary: 'Rename a team or change its lead.',
    access: 'manage',
    params: teamRefSchema,
    body: updateTeamBodySchema,
    responses: { 200: teamInfoSchema },
    errors: ['CONFLICT'],
  }),
  deleteTeam: defineRoute({
    method: 'DELETE',
    path: '/api/projects/:projectId/teams/:teamId',
    summary: 'Delete a team; its members stay in the project without a team.',
    access: 'manage',
    params: teamRefSchema,
    body: emptyBodySchema,
    responses: { 200: z.object({ deleted: z.boolean() }) },
    errors: [],
  }),
};
