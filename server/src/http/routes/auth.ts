import type { FastifyInstance } from 'fastify';
import { AppError, loginBodySchema } from '@kaipan/shared';
import type { AppConfig } from '../../config/index.js';
import type { RateLimiter } from '../../infra/rate-limiter.js';
import type { Services } from '../../services/index.js';
import { parse, requirePrincipal, SESSION_COOKIE } from '../context.js';

export function authRoutes(app: FastifyInstance, services: Services, config: AppConfig, loginLimiter: RateLimiter): void {
  app.post('/api/auth/login', async (request, reply) => {
    const body = parse(loginBodySchema, request.body);
    if (!loginLimiter.take(`${body.username}|${request.ip}`)) throw new AppError('RATE_LIMITED');
    const result = await services.auth.login(body.username, body.password);
    void reply.setCookie(SESSION_COOKIE, result.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.env === 'production',
      maxAge: config.sessionHours * 3600,
    });
    return result;
  });

  app.post('/api/auth/logout', async (_request, reply) => {
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
