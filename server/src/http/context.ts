/** Request helpers: who is calling (the gate of register-api.ts), over TLS or not. */
import type { FastifyRequest } from 'fastify';
import { AppError, DEVICE_KEY_HEADER } from '@kaipan/shared';
import { deviceLabel, type Principal, type UserPrincipal } from '../domain/principal.js';
import type { Services } from '../services/index.js';

export const SESSION_COOKIE = 'kaipan_token';

/** Methods a browser may send cross-site without asking first; they must never change anything. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The request's body is declared JSON (`Content-Type: application/json`, any parameters). */
export function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && (type.split(';')[0] ?? '').trim().toLowerCase() === 'application/json';
}

/**
 * The caller, from `Authorization: Bearer`, the session cookie, or `X-Device-Key` (a revoked key:
 * DEVICE_REVOKED; a cashier desk's key beside a person's session names the desk, `atDesk`).
 *
 * CSRF: a browser attaches the cookie to cross-site requests too. A write authenticated by the
 * cookie alone must therefore be `Content-Type: application/json`, which a cross-site form or
 * simple request cannot send without a CORS preflight (and the server answers no CORS). Requests
 * carrying `Authorization` or `X-Device-Key` are not affected: those headers need a preflight too.
 */
export async function requirePrincipal(services: Services, request: FastifyRequest): Promise<Principal> {
  const device = deviceLabel(request.headers);
  const header = request.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  const cookie = request.cookies[SESSION_COOKIE];
  const token = bearer ?? cookie;
  const key = request.headers[DEVICE_KEY_HEADER];
  if (token) {
    const user = await services.auth.authenticateToken(token, device);
    if (user) {
      const cookieOnly = bearer === undefined && header === undefined && key === undefined;
      if (cookieOnly && !SAFE_METHODS.has(request.method) && !isJson(request)) {
        throw new AppError('FORBIDDEN', 'Cookie-authenticated writes must be JSON.');
      }
      return typeof key === 'string' ? atDesk(services, user, key) : user;
    }
  }
  if (typeof key === 'string') {
    const dev = await services.auth.authenticateDevice(key, device);
    if (dev) return dev;
  }
  throw new AppError('UNAUTHENTICATED');
}

/**
 * A person signed in at a cashier desk terminal: the desk's key (CASHIER_DESK, shared/src/devices.ts)
 * names the terminal in the audit trail (`desk:<name>` as the device); it grants nothing itself. Any
 * other key, or a revoked or unknown one, leaves the person as they are.
 */
async function atDesk(services: Services, user: UserPrincipal, key: string): Promise<UserPrincipal> {
  const desk = await services.auth.authenticateDevice(key, null).catch(() => null);
  if (desk?.deviceKind !== 'CASHIER_DESK') return user;
  return { ...user, device: `desk:${desk.name}${user.device ? ` · ${user.device}` : ''}`.slice(0, 160) };
}

/**
 * Did the request come over TLS? Directly, or — with `TRUST_PROXY` set for the load balancer — as its
 * `X-Forwarded-Proto: https` says. Cookies are `Secure` and HSTS is sent only then.
 */
export function isTls(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}
