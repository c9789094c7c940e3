/** Rehearsals 演练 of a project: copy, list, reset (shared/src/rehearsals.ts; docs/setup.md "Rehearsal"). */
import { z } from 'zod';
import { createdRehearsalSchema, rehearsalInfoSchema } from '../rehearsals.js';
import { emptyBodySchema, projectRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';

export const rehearsalsApi = {
  list: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/rehearsals',
    summary: 'The rehearsals copied from this project (archived ones included), newest first.',
    access: 'manage',
    params: projectRefSchema,
    responses: { 200: z.array(rehearsalInfoSchema) },
    errors: [],
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/rehearsals',
    summary:
      'Copy the project into a new rehearsal (administrators, like creating a project): configuration, members and teams, no customers, deals, money, queue, devices or audit. All or nothing; audited.',
    access: 'administer',
    params: projectRefSchema,
    body: emptyBodySchema,
    responses: { 201: createdRehearsalSchema },
    errors: ['REHEARSAL_SOURCE'],
  }),
  reset: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/rehearsal/reset',
    summary:
      'Return a rehearsal to the state right after its copy: practice data deleted, units and prices restored, locks dropped, numbering restarted. Audit, devices and members stay. Idempotent; audited.',
    access: 'manage',
    params: projectRefSchema,
    body: emptyBodySchema,
    responses: { 200: rehearsalInfoSchema },
    errors: ['NOT_A_REHEARSAL', 'PROJECT_ARCHIVED'],
  }),
};
