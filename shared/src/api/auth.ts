/** Sign-in, sign-out and a user's own sessions (docs/protocol.md "Sessions and accounts"). */
import {
  changePasswordBodySchema,
  failedLoginPageSchema,
  failedLoginsQuerySchema,
  sessionInfoSchema,
  sessionRefSchema,
  sessionsEndedResultSchema,
} from '../accounts.js';
import { loginResponseSchema, userInfoSchema } from '../protocol.js';
import { emptyBodySchema, loginBodySchema } from '../schemas.js';
import { z } from 'zod';
import { defineRoute, okResponseSchema } from './route.js';

export const authApi = {
  login: defineRoute({
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Sign in: the session token (also set as the kaipan_token cookie) and who signed in.',
    access: 'public',
    body: loginBodySchema,
    responses: { 200: loginResponseSchema },
    errors: ['INVALID_CREDENTIALS', 'RATE_LIMITED'],
  }),
  logout: defineRoute({
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'End the session the request came with (its sockets too) and clear the cookie; fine without one.',
    access: 'public',
    body: emptyBodySchema,
    responses: { 200: okResponseSchema },
    errors: ['FORBIDDEN'],
  }),
  me: defineRoute({
    method: 'GET',
    path: '/api/auth/me',
    summary: 'Who is signed in (and whether they must choose a new password first).',
    access: 'staff',
    responses: { 200: z.object({ user: userInfoSchema, passwordChangeRequired: z.boolean() }) },
    errors: [],
    duringPasswordChange: true,
  }),
  changePassword: defineRoute({
    method: 'POST',
    path: '/api/auth/password',
    summary:
      "Choose a new password (the current one confirms it's you): every session of the user ends and a fresh one is answered, as at sign-in.",
    access: 'staff',
    body: changePasswordBodySchema,
    responses: { 200: loginResponseSchema },
    errors: ['INVALID_CREDENTIALS', 'WEAK_PASSWORD', 'RATE_LIMITED'],
    duringPasswordChange: true,
  }),
  sessions: defineRoute({
    method: 'GET',
    path: '/api/auth/sessions',
    summary: "The caller's live sessions (device, address, last use; the current one marked).",
    access: 'staff',
    responses: { 200: z.array(sessionInfoSchema) },
    errors: [],
  }),
  revokeSession: defineRoute({
    method: 'POST',
    path: '/api/auth/sessions/:sessionId/revoke',
    summary: '"Sign out this phone": end one of the caller\'s sessions.',
    access: 'staff',
    params: sessionRefSchema,
    body: emptyBodySchema,
    responses: { 200: sessionsEndedResultSchema },
    errors: [],
  }),
  failedLogins: defineRoute({
    method: 'GET',
    path: '/api/auth/failed-logins',
    summary: 'Failed sign-ins, newest first.',
    access: 'administer',
    query: failedLoginsQuerySchema,
    responses: { 200: failedLoginPageSchema },
    errors: [],
  }),
};
