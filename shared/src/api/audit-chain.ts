/** The audit hash chain (docs/audit.md): its head, for managers. */
import { chainHeadSchema } from '../audit-chain.js';
import { projectRefSchema } from '../schemas.js';
import { defineRoute } from './route.js';

export const auditChainApi = {
  head: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/audit/chain-head',
    summary:
      'The head of the project’s audit hash chain: events sealed, hash, when sealed; print it to detect a later rewrite (docs/audit.md).',
    access: 'manage',
    params: projectRefSchema,
    responses: { 200: chainHeadSchema },
    errors: [],
  }),
};
