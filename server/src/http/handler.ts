/** The handler of one route of the table, typed from the table (shared/src/api). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Access, ApiRoute, OutputOf, PERMISSIONS, ResponseOf, RouteGroup } from '@kaipan/shared';
import type { Principal, UserPrincipal } from '../domain/principal.js';

/**
 * The caller a handler sees, as the permission matrix allows it: none on public routes, a person on
 * routes no device may call, else a person or a device.
 */
export type PrincipalFor<A extends Access> = A extends 'public'
  ? null
  : A extends keyof typeof PERMISSIONS
    ? (typeof PERMISSIONS)[A]['devices'] extends readonly []
      ? UserPrincipal
      : Principal
    : never;

/** What a handler gets: the caller (null on public routes) and the parsed request parts. */
export interface Call<R extends ApiRoute> {
  principal: PrincipalFor<R['access']>;
  params: OutputOf<R['params']>;
  query: OutputOf<R['query']>;
  body: OutputOf<R['body']>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A route's handler: calls one service; answers the JSON body, or the reply it sent itself. */
export type Handler<R extends ApiRoute> = (call: Call<R>) => Promise<ResponseOf<R> | FastifyReply>;

/**
 * A handler with work before the route's validation, after the text rule of input-guard.ts (per-IP
 * rate limits of public routes: a flood of malformed tokens is limited like any other request).
 */
export interface GuardedHandler<R extends ApiRoute> {
  beforeValidation: (request: FastifyRequest) => void;
  handle: Handler<R>;
}

/** The handlers of one feature's table: one per route, by the route's name. */
export type Handlers<G extends RouteGroup> = { [K in keyof G]: Handler<G[K]> | GuardedHandler<G[K]> };
