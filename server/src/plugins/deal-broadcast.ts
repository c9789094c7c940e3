/**
 * The worker's deal events (a deal the deposit rule cancelled, a scheduled batch pushed) reach the
 * hubs' sockets through the socket.io Redis adapter (hub/deal-routing.ts). A hub process does not
 * need it: its hub routes them itself.
 */
import fp from 'fastify-plugin';
import { createBroadcaster } from '../hub/deal-routing.js';

export const dealBroadcastPlugin = fp(
  async (app) => {
    const broadcaster = createBroadcaster(app.services.dealEvents, app.adapterRedis, app.config.redisPrefix);
    app.addHook('onClose', () => broadcaster.close());
  },
  { name: 'deal-broadcast', dependencies: ['config', 'redis', 'services'] },
);
