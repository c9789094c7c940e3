/**
 * First run: the first administrator of an empty install, created in the browser with the one-time
 * setup code the server prints at start (docs/protocol.md "First run"). Public routes: nobody can
 * sign in yet. Once an active administrator exists both refuse or say so.
 */
import { createdUserSchema, firstRunBodySchema, firstRunStatusSchema } from '../accounts.js';
import { defineRoute } from './route.js';

export const firstRunApi = {
  status: defineRoute({
    method: 'GET',
    path: '/api/setup/first-run',
    summary: 'Does this install still need its first administrator? (The sign-in screen then leads to the setup page.)',
    access: 'public',
    responses: { 200: firstRunStatusSchema },
    errors: [],
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/setup/first-run',
    summary:
      'Create the first administrator with the setup code printed at start (single use, expires, throttled like sign-in). Audited `user.created`.',
    access: 'public',
    body: firstRunBodySchema,
    responses: { 201: createdUserSchema },
    errors: ['SETUP_CODE_INVALID', 'ALREADY_SET_UP', 'USERNAME_TAKEN', 'WEAK_PASSWORD', 'RATE_LIMITED'],
  }),
};
