import type { FastifyInstance } from 'fastify';
import { AppError, emptyBodySchema, loginBodySchema, type LoginResponse } from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import { RateLimiter } from '../../infra/rate-limiter.js';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal, SESSION_COOKIE } from '../context.js';

/**
 * Failed logins per username (from any IP): a burst of 5 — a consultant who mistypes a few times is
 * fine — then one more try every 30 s, so guessing one account's password online is slow.
 * A successful login gives its token back; an attempt refused for another reason does too.
 */
export const FAILED_LOGIN_BURST = 5;
export const FAILED_LOGINS_PER_MINUTE = 2;

/**
 * `loginLimiter` limits attempts per username and IP (`config.loginRatePerMinute`). Two more limits
 * are built here: attempts per username alone (5× that, so rotating IPs does not help) and failed
 * attempts per username. All must pass; a refused attempt never reaches the password check.
 */
export function authRoutes(app: FastifyInstance, services: Services, config: AppConfig, loginLimiter: RateLimiter): void {
  const perUsername = new RateLimiter((config.loginRatePerMinute * 5) / 60, config.loginRatePerMinute * 5);
  const failures = new RateLimiter(FAILED_LOGINS_PER_MINUTE / 60, FAILED_LOGIN_BURST);

  app.post('/api/auth/login', async (request, reply) => {
    const body = parse(loginBodySchema, request.body);
    if (!loginLimiter.take(`${body.username}|${request.ip}`) || !perUsername.take(body.username)) {
      throw new AppError('RATE_LIMITED');
    }
    // Reserve a failure before checking, so concurrent guesses cannot all slip through.
    if (!failures.take(body.username)) {
      throw new AppError('RATE_LIMITED', 'Too many failed logins for this user; try again in a minute.');
    }
    let result: LoginResponse;
    try {
      result = await services.auth.login(body.username, body.password);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'INVALID_CREDENTIALS')) failures.refund(body.username);
      throw error;
    }
    failures.refund(body.username);
    void reply.setCookie(SESSION_COOKIE, result.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.env === 'production',
      maxAge: config.sessionHours * 3600,
    });
    return result;
  });

  app.post('/api/auth/logout', async (request, reply) => {
    parse(emptyBodySchema, request.body);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/auth/me', async (request) => {
    const principal = await requirePrincipal(services, request);
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Devices have no user profile.');
    const { id, username, role, displayName } = principal;
    return { user: { id, username, role, displayName } };
  });
}
