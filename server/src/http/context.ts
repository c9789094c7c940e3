/** Request helpers shared by the routes: who is calling, and payload validation. */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError, describeIssues } from '@kaipan/shared';
import type { Principal } from '../domain/principal.js';
import type { Services } from '../services/index.js';

export const SESSION_COOKIE = 'kaipan_token';

function deviceOf(request: FastifyRequest): string | null {
  const id = request.headers['x-kaipan-device'];
  const ua = request.headers['user-agent'];
  const text = (typeof id === 'string' && id) || ua || null;
  return text ? text.slice(0, 160) : null;
}

/** The caller, from `Authorization: Bearer`, the session cookie, or `X-Device-Key`. */
export async function requirePrincipal(services: Services, request: FastifyRequest): Promise<Principal> {
  const device = deviceOf(request);
  const header = request.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  const token = bearer ?? request.cookies[SESSION_COOKIE];
  if (token) {
    const user = await services.auth.authenticateToken(token, device);
    if (user) return user;
  }
  const key = request.headers['x-device-key'];
  if (typeof key === 'string') {
    const dev = await services.auth.authenticateDevice(key, device);
    if (dev) return dev;
  }
  throw new AppError('UNAUTHENTICATED');
}

/** Validate with a shared schema; a failure is VALIDATION_FAILED with the failing paths. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new AppError('VALIDATION_FAILED', undefined, describeIssues(result.error));
  return result.data;
}
