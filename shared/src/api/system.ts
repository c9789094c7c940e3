/** Health and load of the server process. */
import { z } from 'zod';
import { healthResponseSchema, serverMetricsSchema } from '../protocol.js';

import { defineRoute } from './route.js';

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
    responses: { 200: serverMetricsSchema },
    errors: [],
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document: every endpoint of the route table as OpenAPI 3.1.',
    access: 'public',
    responses: {
      200: z.object({
        openapi: z.string(),
        info: z.object({ title: z.string(), version: z.string() }),
        paths: z.record(z.string(), z.unknown()),
      }),
    },
    errors: [],
  }),
  docs: defineRoute({
    method: 'GET',
    path: '/api/docs',
    summary: 'The API reference page for integrators (renders /api/openapi.json).',
    access: 'public',
    responses: {},
    file: 'text/html',
    errors: [],
  }),
  docsScript: defineRoute({
    method: 'GET',
    path: '/api/docs/docs.js',
    summary: "The reference page's script.",
    access: 'public',
    responses: {},
    file: 'text/javascript',
    errors: [],
  }),
  docsStyle: defineRoute({
    method: 'GET',
    path: '/api/docs/docs.css',
    summary: "The reference page's style sheet.",
    access: 'public',
    responses: {},
    file: 'text/css',
    errors: [],
  }),
};
