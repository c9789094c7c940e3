/**
 * Every HTTP route, registered from the route table (shared/src/api): fastify validates params,
 * query and body with the table's zod schemas (a failure is VALIDATION_FAILED in the one error
 * shape), one gate authenticates the caller before validation and checks the table's permission
 * after it, and the handler of the feature (./routes/<feature>.ts) calls one service.
 *
 * Order of refusals, as before the table: the text rule (input-guard.ts) → credentials
 * (UNAUTHENTICATED; the CSRF rule) → params, body, query (VALIDATION_FAILED) → permission
 * (FORBIDDEN) → the service's own finer checks.
 */
import type { FastifyInstance, FastifyRequest, FastifySchema, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import {
  DEVICE_KINDS,
  API,
  AppError,
  ERROR_MESSAGES,
  PERMISSIONS,
  describeIssues,
  errorCodesOf,
  errorResponseSchema,
  type ApiRoute,
  type Feature,
  type RouteGroup,
} from '@kaipan/shared';
import { isAllowedSomewhere, type Principal } from '../domain/principal.js';
import { requirePrincipal } from './context.js';
import type { Call, GuardedHandler, Handler } from './handler.js';
import { apiHandlers, type ApiDeps } from './routes/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller of a route of the table (null on public routes). */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The route of the table this fastify route serves. */
    apiRoute?: ApiRoute;
  }
}

/**
 * fastify's validator for the table's zod schemas: the parsed value (coercions, defaults) or
 * VALIDATION_FAILED with the failing paths — as `parse` in context.ts did. An absent body stands for
 * `{}` (a JSON `null` never gets here: the input guard refuses it).
 */
function validatorFor(notFoundOnMalformed: ReadonlySet<string>): FastifySchemaCompiler<z.ZodType> {
  return ({ schema, httpPart, method, url }) =>
    (data) => {
      const result = schema.safeParse(httpPart === 'body' && data == null ? {} : data);
      if (result.success) return { value: result.data };
      if (httpPart !== 'body' && notFoundOnMalformed.has(`${method} ${url}`))
        return { error: new AppError('NOT_FOUND') };
      return { error: new AppError('VALIDATION_FAILED', undefined, describeIssues(result.error)) };
    };
}

/**
 * Answers are serialised as they are, never validated here: the hot path pays nothing for the
 * contract. The tests validate every answer against the table instead (test/support/app.ts `http`).
 */
const serializeAsIs = () => (data: unknown) => JSON.stringify(data);

/** The route's schema for fastify (validation) and @fastify/swagger (the OpenAPI document). */
function schemaOf(feature: string, name: string, route: ApiRoute): FastifySchema {
  const response: Record<string, unknown> = { ...route.responses };
  if (route.file) {
    response[200] = {
      description: `The file (${route.file}).`,
      content: Object.fromEntries(
        route.file.split(' | ').map((type) => [type, { schema: z.string().meta({ format: 'binary' }) }]),
      ),
    };
  }
  response['4xx'] = errorResponseSchema;
  const security: Record<string, string[]>[] =
    route.access === 'public'
      ? []
      : isAllowedToDevices(route)
        ? [{ bearer: [] }, { cookie: [] }, { deviceKey: [] }]
        : [{ bearer: [] }, { cookie: [] }];
  return {
    summary: route.summary,
    description: `Who: ${route.access}. Error codes: ${errorCodesOf(route).join(', ')}.`,
    tags: [feature],
    operationId: `${feature}.${name}`,
    security,
    ...(route.params ? { params: route.params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
    response,
  } as FastifySchema;
}

function isAllowedToDevices(route: ApiRoute): boolean {
  return (
    route.access !== 'public' &&
    DEVICE_KINDS.some((deviceKind) => isAllowedSomewhere({ kind: 'device', deviceKind } as Principal, route.access))
  );
}

/**
 * Register every route of the table with its handler. Call after the framework's error handler and
 * the input guard (framework-errors.ts, input-guard.ts) and before the app is ready.
 */
export function registerApi(app: FastifyInstance, deps: Omit<ApiDeps, 'openapi'>): void {
  const { services } = deps;
  const handlers = apiHandlers({ ...deps, openapi: () => app.swagger() });
  const notFoundOnMalformed = new Set<string>();
  for (const routes of Object.values(API)) {
    for (const route of Object.values(routes as RouteGroup))
      if (route.malformedAsNotFound) notFoundOnMalformed.add(`${route.method} ${route.path}`);
  }
  app.decorateRequest('principal', null);
  app.setValidatorCompiler(validatorFor(notFoundOnMalformed));
  app.setSerializerCompiler(serializeAsIs);

  /** Credentials, before validation (UNAUTHENTICATED before VALIDATION_FAILED; the CSRF rule). */
  const authenticate = async (request: FastifyRequest): Promise<void> => {
    const principal = await requirePrincipal(services, request);
    // A session opened with a password an administrator reset may only choose a new one.
    if (
      principal.kind === 'user' &&
      principal.passwordChangeRequired &&
      !request.routeOptions.config.apiRoute?.duringPasswordChange
    ) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED');
    }
    request.principal = principal;
  };
  /**
   * The table's permission, after validation (VALIDATION_FAILED before FORBIDDEN), in the project
   * the call concerns: a route under /api/projects/:projectId is checked here against the caller's
   * role in that project (not a member: FORBIDDEN `NOT_A_MEMBER`; no such project: NOT_FOUND). A
   * route on a resource (a unit, a payment…) is let through when the caller holds the permission in
   * some project; the service resolves the resource's project and `directory.assertAccess` checks
   * the same permission there (the principal carries it: `admittedAs`).
   */
  const authorize = async (request: FastifyRequest): Promise<void> => {
    const route = request.routeOptions.config.apiRoute;
    if (!route || route.access === 'public') return;
    const principal = request.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    principal.admittedAs = route.access;
    const { projectId } = (request.params ?? {}) as { projectId?: unknown };
    if (typeof projectId === 'string') {
      await services.directory.assertAccess(principal, projectId);
      return;
    }
    if (!isAllowedSomewhere(principal, route.access)) {
      throw new AppError('FORBIDDEN', ERROR_MESSAGES.FORBIDDEN, {
        reason: PERMISSIONS[route.access].refusal,
        permission: route.access,
      });
    }
  };

  for (const [feature, routes] of Object.entries(API) as [Feature, RouteGroup][]) {
    // The loop erases the per-route types the handler maps were checked against.
    const featureHandlers = handlers[feature] as unknown as Record<
      string,
      Handler<ApiRoute> | GuardedHandler<ApiRoute>
    >;
    for (const [name, route] of Object.entries(routes)) {
      const entry = featureHandlers[name];
      if (!entry) throw new Error(`no handler for ${feature}.${name} (${route.method} ${route.path})`);
      const handle = typeof entry === 'function' ? entry : entry.handle;
      const beforeValidation = typeof entry === 'function' ? undefined : entry.beforeValidation;
      const register = (scope: FastifyInstance): void => {
        scope.route({
          method: route.method,
          url: route.path,
          schema: schemaOf(feature, name, route),
          config: { apiRoute: route },
          ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
          preValidation: [
            ...(route.access === 'public' ? [] : [authenticate]),
            ...(beforeValidation ? [async (request: FastifyRequest) => beforeValidation(request)] : []),
          ],
          ...(route.access === 'public' ? {} : { preHandler: authorize }),
          handler: (request, reply) =>
            handle({
              principal: request.principal,
              params: request.params,
              query: request.query,
              body: request.body,
              request,
              reply,
            } as Call<ApiRoute>),
        });
      };
      if (!route.rawBody) {
        register(app);
        continue;
      }
      // A file as the body: its parsers live in this route's own scope, so no other route accepts
      // CSV or XLSX bodies.
      const types = [...route.rawBody];
      void app.register(async (scope) => {
        scope.addContentTypeParser(
          types,
          { parseAs: 'buffer', ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}) },
          (_request, body, done) => {
            done(null, body);
          },
        );
        register(scope);
      });
    }
  }
}
