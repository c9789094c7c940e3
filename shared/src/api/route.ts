/**
 * The shape of one HTTP endpoint in the route table: method, path, request schemas, the answers it
 * gives, who may call it and the error codes it may answer. The server registers every route from
 * the table (server/src/http/register-api.ts), `GET /api/openapi.json` is generated from it, the
 * tests check every answer against it and the web apps call through it (./client.ts).
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import type { Access } from '../permissions.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Success statuses a route answers, each with the schema of its JSON body. */
export type ResponseSchemas = Partial<Record<200 | 201 | 202, z.ZodType>>;

/** One endpoint of the API. */
export interface ApiRoute {
  method: HttpMethod;
  /** fastify's URL pattern: `:name` parameters, a trailing `*` wildcard. */
  path: string;
  /** One line for the API reference. */
  summary: string;
  /** Who may call it (shared/src/permissions.ts); checked before the handler runs. */
  access: Access;
  params?: z.ZodType;
  query?: z.ZodType;
  /** A JSON object body (absent means `{}`); routes that take a file name `rawBody` instead. */
  body?: z.ZodType;
  /** The route takes the raw bytes of a file as its body, of these content types. */
  rawBody?: readonly string[];
  /** Largest body accepted, bytes (default: the server's limit). */
  bodyLimit?: number;
  /** Success answers with JSON bodies, by status. */
  responses: ResponseSchemas;
  /** A success answer that is a file, not JSON (PDF, CSV, XLSX): its content type. */
  file?: string;
  /**
   * Error codes the route itself may answer, beyond those every route may (see `errorCodesOf`).
   * The tests check every refusal they see against this list.
   */
  errors: readonly ErrorCode[];
  /**
   * Malformed params or query answer NOT_FOUND instead of VALIDATION_FAILED: public links whose
   * token must not be probed (a malformed token is as unknown as a wrong one).
   */
  malformedAsNotFound?: boolean;
  /**
   * The route answers a session opened with a password an administrator reset (choose a new one,
   * who am I, sign out). Every other route refuses it with PASSWORD_CHANGE_REQUIRED.
   */
  duringPasswordChange?: true;
}

/** Identity with the route's literal types kept (so handlers and clients are typed from it). */
export function defineRoute<const R extends ApiRoute>(route: R): R {
  return route;
}

/** A feature's routes, by name. */
export type RouteGroup = Record<string, ApiRoute>;

/** `{}` — the JSON answer of a few acknowledgements. */
export const okResponseSchema = z.object({ ok: z.literal(true) });

/**
 * Every error code a route may answer: its own, plus those of the gate in front of every route
 * (bad input, something named that does not exist, missing or insufficient credentials, a body too
 * large, a dependency down, a bug). DEVICE_REVOKED: any credentialed route may be called with the key
 * of a device a manager revoked (shared/src/devices.ts).
 */
export function errorCodesOf(route: ApiRoute): ErrorCode[] {
  // NOT_FOUND: every route names something (a project, a unit, an id in its body) that may not exist.
  const common: ErrorCode[] = [
    'VALIDATION_FAILED',
    'NOT_FOUND',
    'PAYLOAD_TOO_LARGE',
    'SERVICE_UNAVAILABLE',
    'INTERNAL',
  ];
  if (route.access !== 'public') common.push('UNAUTHENTICATED', 'DEVICE_REVOKED', 'FORBIDDEN');
  if (route.access !== 'public' && !route.duringPasswordChange) common.push('PASSWORD_CHANGE_REQUIRED');
  return [...new Set([...common, ...route.errors])];
}

/** Input type of a part of a request (what a client sends); `never` for parts the route takes none of. */
export type InputOf<S> = S extends z.ZodType ? z.input<S> : never;
/** Output type (after parsing) of a part of a request, as the handler sees it. */
export type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The JSON body of a route's success answers (the union over its statuses). */
export type ResponseOf<R extends ApiRoute> = {
  [S in keyof R['responses']]: R['responses'][S] extends z.ZodType ? z.output<R['responses'][S]> : never;
}[keyof R['responses']];

/** The path of a route with its parameters filled in (each percent-encoded). */
export function pathOf(route: Pick<ApiRoute, 'path'>, params: Record<string, string> = {}): string {
  return route.path.replace(/:([A-Za-z0-9_]+)|\*$/g, (_m, name: string | undefined) => {
    const value = params[name ?? '*'];
    if (value === undefined) throw new Error(`missing path parameter ${name ?? '*'} of ${route.path}`);
    return name ? encodeURIComponent(value) : value;
  });
}

/** A compiled matcher of a route's path (for finding the route of a URL). */
function pathPattern(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${escaped}$`);
}

/**
 * The route of a request (method, path without the query), or undefined. A literal segment wins
 * over a parameter (`/queue/categories` before `/queue/:x`), as in fastify's router.
 */
export function findRoute<R extends ApiRoute>(routes: readonly R[], method: string, path: string): R | undefined {
  const matches = routes.filter((r) => r.method === method.toUpperCase() && pathPattern(r.path).test(path));
  if (matches.length <= 1) return matches[0];
  const literalness = (r: ApiRoute): number => r.path.split('/').filter((s) => !s.startsWith(':') && s !== '*').length;
  return matches.sort((a, b) => literalness(b) - literalness(a))[0];
}
