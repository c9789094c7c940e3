/**
 * The change feed: this process reads the Redis change log (its own blocking connection) and hands
 * each batch to the hub's sink, in order (services/change-feed.ts).
 */
import fp from 'fastify-plugin';
import { createRedis } from '../infra/redis.js';
import { ChangeFeed } from '../services/change-feed.js';

export const changeFeedPlugin = fp(
  async (app) => {
    const { config, services } = app;
    const feed = new ChangeFeed(
      createRedis(config.redisUrl, 'feed'),
      services.mirror,
      app.hub.sink,
      services.projects,
      app.log,
      config.fanoutIntervalMs,
    );
    app.addHook('onReady', () => feed.start());
    // Disconnects its connection too.
    app.addHook('onClose', () => feed.stop());
  },
  { name: 'change-feed', dependencies: ['config', 'services', 'hub'] },
);
