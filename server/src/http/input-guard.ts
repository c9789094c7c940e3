/**
 * The gate every HTTP request passes before its handler: the text rule of shared/src/text.ts on
 * route parameters, the query string, headers kept as data and the parsed body, and "a JSON body is
 * an object". A refusal is VALIDATION_FAILED naming the field, before any service runs, so it
 * changes nothing. Routes still validate their own shapes with the shared schemas (context.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, findTextProblem } from '@kaipan/shared';
import { isJson } from './context.js';

/** Headers whose text is kept (deviceLabel → the audit trail's device); the others are only compared. */
const DATA_HEADERS = ['x-kaipan-device', 'user-agent'] as const;

/** One registered route, as the router knows it (method, URL pattern with `:params` and `*`). */
export interface RouteEntry {
  method: string;
  url: string;
  /** Largest body accepted, bytes (the route's own limit or the server's). */
  bodyLimit: number;
}

const routesOf = new WeakMap<FastifyInstance, RouteEntry[]>();

/**
 * The first problem of a request, as a VALIDATION_FAILED error, or null. Paths: `params.<name>`,
 * `query.<name>`, `headers.<name>`, and body fields as the schemas name them (`reason`, `buyer.name`).
 */
export function checkRequestInput(request: FastifyRequest): AppError | null {
  const refuse = (issue: { path: string; message: string }): AppError =>
    new AppError('VALIDATION_FAILED', `${issue.path}: ${issue.message}`, [issue]);
  const params = findTextProblem(request.params, 'params');
  if (params) return refuse(params);
  const query = findTextProblem(request.query, 'query');
  if (query) return refuse(query);
  for (const name of DATA_HEADERS) {
    const header = findTextProblem(request.headers[name], `headers.${name}`);
    if (header) return refuse(header);
  }
  const body: unknown = request.body;
  // No body (undefined) is fine for routes that take none; raw file bodies (Buffer) are the import's.
  if (body === undefined || Buffer.isBuffer(body)) return null;
  // A text/plain body: the rule for its text here; the route refuses it as not an object, after
  // authentication (a cookie-only write that is not JSON stays FORBIDDEN, context.ts).
  if (typeof body === 'string' && !isJson(request)) {
    const problem = findTextProblem(body);
    return problem ? refuse(problem) : null;
  }
  // Every JSON body of the protocol is an object: `null`, arrays, strings and numbers are refused
  // here once, rather than read as "{}" by a route (a `null` body used to pause sales).
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse({
      path: '(root)',
      message: `the body must be a JSON object, not ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`,
    });
  }
  const problem = findTextProblem(body);
  return problem ? refuse(problem) : null;
}

/**
 * Install the gate (a preValidation hook on every route, the 404 handler included) and record the
 * routes registered after it, for the tests that go over every route. Call before any route.
 */
export function installInputGuard(app: FastifyInstance): void {
  const routes: RouteEntry[] = [];
  routesOf.set(app, routes);
  app.addHook('onRoute', (route) => {
    const bodyLimit = route.bodyLimit ?? app.initialConfig.bodyLimit ?? 1024 * 1024;
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, bodyLimit });
  });
  app.addHook('preValidation', async (request) => {
    const error = checkRequestInput(request);
    if (error) throw error;
  });
}

/** Every route registered after installInputGuard (HEAD routes fastify adds included). */
export function registeredRoutes(app: FastifyInstance): readonly RouteEntry[] {
  return routesOf.get(app) ?? [];
}
