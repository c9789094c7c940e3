/** Health and load of the server process. */
import { healthResponseSchema } from '../protocol.js';
import { defineRoute, untypedResponse } from './route.js';

export const systemApi = {
  health: defineRoute({
    method: 'GET',
    path: '/api/health',
    summary: 'PostgreSQL and Redis reachable? 200 when both answer, 503 (same body) when not.',
    access: 'public',
    responses: { 200: healthResponseSchema },
    errors: [],
  }),
  metrics: defineRoute({
    method: 'GET',
    path: '/api/metrics',
    summary: "This process's load (rates, event loop, memory, sockets, pools); each process answers for itself.",
    access: 'manage',
    responses: { 200: untypedResponse },
    errors: [],
  }),
};
