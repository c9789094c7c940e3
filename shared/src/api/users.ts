/** User administration (administrators; docs/protocol.md "Sessions and accounts"). */
import { z } from 'zod';
import {
  createUserBodySchema,
  createdUserSchema,
  resetPasswordBodySchema,
  resetPasswordResultSchema,
  sessionInfoSchema,
  sessionsEndedResultSchema,
  userAccountInfoSchema,
  userRefSchema,
} from '../accounts.js';
import { emptyBodySchema } from '../schemas.js';
import { defineRoute } from './route.js';

export const usersApi = {
  list: defineRoute({
    method: 'GET',
    path: '/api/users',
    summary: 'Every account, for the admin screen (with the last sign-in).',
    access: 'administer',
    responses: { 200: z.array(userAccountInfoSchema) },
    errors: [],
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/users',
    summary: 'A new account (a consultant until given a role in a project). Audited `user.created`.',
    access: 'administer',
    body: createUserBodySchema,
    responses: { 201: createdUserSchema },
    errors: ['USERNAME_TAKEN', 'WEAK_PASSWORD'],
  }),
  resetPassword: defineRoute({
    method: 'POST',
    path: '/api/users/:userId/reset-password',
    summary:
      'A temporary password (typed, or made up and answered once): the user must choose a new one at the next sign-in; their sessions end now.',
    access: 'administer',
    params: userRefSchema,
    body: resetPasswordBodySchema,
    responses: { 200: resetPasswordResultSchema },
    errors: ['WEAK_PASSWORD'],
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
