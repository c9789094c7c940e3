/**
 * The built web apps, when present: the client (client/dist) at /, the kiosk (kiosk/dist, built with
 * base /queue/) under /queue/; each app's index.html for its own client-side routes; and the one
 * NOT_FOUND answer for everything else.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { ERROR_MESSAGES } from '@kaipan/shared';

export const staticAppsPlugin = fp(
  async (app) => {
    const { clientDist, kioskDist: kioskDir } = app.config;
    const dist = resolve(clientDist);
    const serveClient = clientDist !== '' && existsSync(resolve(dist, 'index.html'));
    if (serveClient) {
      await app.register(fastifyStatic, { root: dist, wildcard: false, maxAge: '1h' });
    }
    // The kiosk's files under /queue/, its index.html for the kiosk's own routes (/queue,
    // /queue/screen, /cashier) below, never cached.
    const kioskDist = resolve(kioskDir);
    const serveKiosk = kioskDir !== '' && existsSync(resolve(kioskDist, 'index.html'));
    if (serveKiosk) {
      await app.register(fastifyStatic, {
        root: kioskDist,
        prefix: '/queue/',
        wildcard: false,
        maxAge: '1h',
        index: false,
        decorateReply: !serveClient,
      });
    }
    const isKioskRoute = (path: string): boolean => /^\/(queue|cashier)(\/|$)/.test(path);
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      // A missing hashed asset must be a 404 (an old tab after a deploy), never index.html.
      const isAsset = path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(path);
      if (serveKiosk && request.method === 'GET' && !isAsset && isKioskRoute(path)) {
        return reply.header('cache-control', 'no-cache').sendFile('index.html', kioskDist);
      }
      if (
        serveClient &&
        request.method === 'GET' &&
        !isAsset &&
        !path.startsWith('/api/') &&
        !path.startsWith('/socket.io')
      ) {
        // Single-page app: every other path is a client route.
        return reply.header('cache-control', 'no-cache').sendFile('index.html');
      }
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: ERROR_MESSAGES.NOT_FOUND } });
    });
  },
  { name: 'static-apps', dependencies: ['config', 'http'] },
);
