/**
 * What every HTTP request goes through before a route: security headers (CSP, HSTS), cookies, one
 * error shape for every refusal (SERVICE_UNAVAILABLE once closing begins), and the text rule on every
 * input. Registered before the hub, so that on close requests are refused before the hub drains.
 */
import fastifyCookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import { installFrameworkErrors } from '../http/framework-errors.js';
import { installInputGuard } from '../http/input-guard.js';
import { registerSecurityHeaders } from '../http/security-headers.js';

export const httpPlugin = fp(
  async (app) => {
    await registerSecurityHeaders(app);
    await app.register(fastifyCookie);
    installFrameworkErrors(app, app.services.health);
    installInputGuard(app);
  },
  { name: 'http', dependencies: ['services'] },
);
