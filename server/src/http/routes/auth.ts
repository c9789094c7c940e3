import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type API } from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import { DEVICE_COOKIE_MAX_AGE_S, DEVICE_COOKIE_PATH, deviceCookieName } from '../../domain/device-cookie.js';
import { deviceLabel } from '../../domain/principal.js';
import type { Services } from '../../services/index.js';
import { isTls, requirePrincipal, SESSION_COOKIE } from '../context.js';
import type { Handlers } from '../handler.js';

/**
 * Sign-in, sign-out and a user's own sessions (docs/protocol.md "Sessions and accounts").
 * Throttling: per (username, source) with backoff — never per username alone, so nobody can lock
 * someone else out (server/src/domain/login-throttle.ts); a browser that signed in as the user before
 * holds a trusted-device cookie and is counted apart from the address it shares with the hall.
 */
export function authHandlers(services: Services, config: AppConfig): Handlers<typeof API.auth> {
  return {
    login: async ({ body, request, reply }) => {
      let signed;
      try {
        signed = await services.signIn.signIn({
          username: body.username,
          password: body.password,
          ip: request.ip,
          device: deviceLabel(request.headers),
          deviceCookie: request.cookies[deviceCookieName(body.username)],
        });
      } catch (error) {
        const retry =
          error instanceof AppError
            ? (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds
            : undefined;
        if (retry !== undefined) void reply.header('retry-after', String(retry));
        throw error;
      }
      setSessionCookies(request, reply, config, body.username, signed);
      return signed.response;
    },

    /** Ends the session the request came with (every process, its sockets too) and clears the cookie. */
    logout: async ({ request, reply }) => {
      const principal = await optionalPrincipal(services, request);
      if (principal) await services.users.signOut(principal);
      clearSessionCookie(request, reply);
      return { ok: true as const };
    },

    me: async ({ principal }) => {
      if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Devices have no user profile.');
      const { id, username, admin, displayName } = principal;
      return { user: { id, username, admin, displayName }, passwordChangeRequired: !!principal.passwordChangeRequired };
    },

    /** A new password: every session of the user ends; the fresh one is answered and set as the cookie. */
    changePassword: async ({ principal, body, request, reply }) => {
      if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Devices have no password.');
      const signed = await services.signIn.changePassword(principal, { ...body, ip: request.ip });
      setSessionCookies(request, reply, config, principal.username, signed);
      return signed.response;
    },

    /** The caller's live sessions (device, address, last use; the current one marked). */
    sessions: async ({ principal }) => {
      if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Devices have no sessions.');
      return services.users.sessionsOf(principal, principal.id);
    },

    /** "Sign out this phone": end one of the caller's sessions. */
    revokeSession: async ({ principal, params }) => {
      if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Devices have no sessions.');
      return services.users.endSessions(principal, principal.id, params.sessionId);
    },

    /** Failed sign-ins, newest first (administrators). */
    failedLogins: ({ principal, query }) => services.signIn.failedLogins(principal, query),
  };
}

/** The caller if the request carries valid credentials, else null (sign-out of an already ended session). */
async function optionalPrincipal(services: Services, request: FastifyRequest) {
  try {
    return await requirePrincipal(services, request);
  } catch (error) {
    if (error instanceof AppError && error.code === 'UNAUTHENTICATED') return null;
    throw error;
  }
}

/** The session cookie and the trusted-device cookie of a sign-in (or of a password change). */
function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  config: AppConfig,
  username: string,
  signed: { response: { token: string }; deviceCookie: string },
): void {
  const secure = isTls(request);
  void reply.setCookie(SESSION_COOKIE, signed.response.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: config.sessionHours * 3600,
  });
  void reply.setCookie(deviceCookieName(username), signed.deviceCookie, {
    path: DEVICE_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: DEVICE_COOKIE_MAX_AGE_S,
  });
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: isTls(request) });
}
