/**
 * The socket.io hub (/hub and /queue) on this process's HTTP server, as `app.hub`: `io`, and `sink`,
 * where the change feed delivers `units:changed` / `project:changed` (fan-out to sockets, buyer
 * availability). On close it hangs up on every socket first (or the HTTP server waits for them
 * forever), then lets the commands already running finish their commit and mirror update.
 */
import fp from 'fastify-plugin';
import { createHub, type HubServer } from '../hub/hub.js';
import { attachQueueEvents } from '../hub/queue-events.js';
import type { FeedSink } from '../services/change-feed.js';

declare module 'fastify' {
  interface FastifyInstance {
    hub: { io: HubServer; sink: FeedSink };
  }
}

export const hubPlugin = fp(
  async (app) => {
    const { services, config } = app;
    const { io, sink, fanout } = createHub(app.server, services, config, app.log, app.adapterRedis, app.metrics);
    const queueEvents = attachQueueEvents(io, services, app.log);
    app.decorate('hub', { io, sink: queueEvents.tap(sink) });
    app.addHook('preClose', async () => {
      io.disconnectSockets(true);
      io.engine.close();
      await services.sales.drain(5_000);
    });
    app.addHook('onClose', async () => {
      await fanout.stop();
      await queueEvents.stop();
    });
  },
  { name: 'hub', dependencies: ['config', 'redis', 'services', 'metrics'] },
);
