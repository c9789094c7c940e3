/** User administration (administrators; docs/protocol.md "Sessions and accounts"). */
import { z } from 'zod';
import { sessionInfoSchema, sessionsEndedResultSchema, userAccountInfoSchema, userRefSchema } from '../accounts.js';
import { emptyBodySchema } from '../schemas.js';
import { defineRoute } from './route.js';

export const usersApi = {
  list: defineRoute({
    method: 'GET',
    path: '/api/users',
    summary: 'Every account, for the admin screen.',
    access: 'administer',
    responses: { 200: z.array(userAccountInfoSchema) },
    errors: [],
  }),
  deactivate: defineRoute({
    method: 'POST',
    path: '/api/users/:userId/deactivate',
    summary: 'The user can no longer sign in; every session of theirs ends at once (HTTP and live sockets).',
    access: 'administer',
    params: userRefSchema,
    body: emptyBodySchema,
    responses: { 200: userAccountInfoSchema },
    errors: ['INVALID_TRANSITION', 'CONFLICT'],
  }),
  activate: defineRoute({
    method: 'POST',
    path: '/api/users/:userId/activate',
    summary: 'The user may sign in again.',
    access: 'administer',
    params: userRefSchema,
    body: emptyBodySchema,
    responses: { 200: userAccountInfoSchema },
    errors: [],
  }),
  sessions: defineRoute({
    method: 'GET',
    path: '/api/users/:userId/sessions',
    summary: "A user's live sessions.",
    access: 'administer',
    params: userRefSchema,
    responses: { 200: z.array(sessionInfoSchema) },
    errors: [],
  }),
  revokeSessions: defineRoute({
    method: 'POST',
    path: '/api/users/:userId/sessions/revoke',
    summary: 'End every session of the user (they stay active and may sign in again).',
    access: 'administer',
    params: userRefSchema,
    body: emptyBodySchema,
    responses: { 200: sessionsEndedResultSchema },
    errors: [],
  }),
};
