/**
 * The typed client of the route table, for client/ and kiosk/: `callApi(send, API.units.lock,
 * {params: {unitId}, body: {}})` builds the URL from the route (parameters percent-encoded, the
 * query string from the route's query), sends it through the app's own transport and answers the
 * route's response type. No path is written by hand in the apps and no answer type is re-declared.
 */
import type { z } from 'zod';
import { pathOf, type ApiRoute, type HttpMethod, type ResponseOf } from './route.js';

/**
 * The transport under the client: one HTTP request (credentials, timeouts, offline and error mapping
 * are the app's), answering the parsed JSON body. `body` is undefined when the route takes none.
 */
export type SendRequest = (method: HttpMethod, path: string, body?: unknown) => Promise<unknown>;

/** One part of a call's input: required when the schema requires something, optional when `{}` passes. */
type Part<K extends string, S> = S extends z.ZodType
  ? Record<never, never> extends z.input<S>
    ? { [P in K]?: z.input<S> }
    : { [P in K]: z.input<S> }
  : { [P in K]?: never };

/** What a call of the route takes: its path parameters, query and body, as the table types them. */
export type CallInput<R extends ApiRoute> = Part<'params', R['params']> &
  Part<'query', R['query']> &
  Part<'body', R['body']>;

/** The arguments after the route: the input, optional when every part of it is. */
export type CallArgs<R extends ApiRoute> =
  Record<never, never> extends CallInput<R> ? [input?: CallInput<R>] : [input: CallInput<R>];

/** What a URL of the route takes: its path parameters and query. */
export type UrlInput<R extends ApiRoute> = Part<'params', R['params']> & Part<'query', R['query']>;

/** The URL of a call: the path with its parameters and the query string (empty values left out). */
export function urlOf<R extends ApiRoute>(
  route: R,
  ...[input]: Record<never, never> extends UrlInput<R> ? [input?: UrlInput<R>] : [input: UrlInput<R>]
): string {
  const { params, query } = (input ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown> };
  const path = pathOf(route, params);
  const pairs = Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (pairs.length === 0) return path;
  return `${path}?${new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString()}`;
}

/** Call one route of the table through `send`; answers the route's response type. */
export function callApi<R extends ApiRoute>(send: SendRequest, route: R, ...args: CallArgs<R>): Promise<ResponseOf<R>> {
  const input = (args[0] ?? {}) as { body?: unknown };
  // A JSON body for every route that takes one (`{}` when the caller gave none), none for the others.
  const body = route.body ? (input.body ?? {}) : undefined;
  return send(route.method, urlOf(route, ...(args as [UrlInput<R>])), body) as Promise<ResponseOf<R>>;
}
