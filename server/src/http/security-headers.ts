/**
 * Security headers on every response — API, index.html of both apps, static assets, errors — through
 * @fastify/helmet (docs/deploy.md "Security headers").
 *
 * The Content-Security-Policy fits the built Solid apps (client/, kiosk/): scripts and styles only from
 * this origin (the builds have no inline script or style; Solid sets styles through the CSSOM, which
 * CSP does not restrict), the hub's WebSocket to this host, QR codes and the favicon as data: URLs,
 * PDF previews and prints in a blob: iframe, the kiosk camera as a MediaStream (no URL). Pages may only
 * be framed by this origin (the PDF preview frames our own documents). HSTS only over TLS.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { isTls } from './context.js';

/** HSTS sent on responses over TLS: one year, subdomains too (docs/deploy.md before enabling on a shared domain). */
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

/** The hub's WebSocket origin of this host (`'self'` covers it in current browsers; older Safari needs it named). */
function hubSocketSources(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  // Only a plain host[:port] may enter the header (a crafted Host must not add directives).
  return /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)
    ? `ws://${host} wss://${host}`
    : "'self'";
}

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        // blob: — object URLs this page made itself (a PDF read back); they cannot carry data out.
        connectSrc: ["'self'", hubSocketSources, 'blob:'],
        frameSrc: ["'self'", 'blob:'],
        mediaSrc: ["'self'", 'blob:', 'data:'],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
      },
    },
    // X-Frame-Options for browsers without frame-ancestors.
    frameguard: { action: 'sameorigin' },
    // Buyer pages carry their ticket token in the path: never hand it to another site.
    referrerPolicy: { policy: 'no-referrer' },
    // Over plain HTTP (a sales office LAN) HSTS would be ignored at best; sent below only over TLS.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (isTls(request)) void reply.header('strict-transport-security', HSTS_VALUE);
  });
}
