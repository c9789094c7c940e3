/**
 * Session and device revocation: sessions ended on any process (sign-out, deactivation) are known here
 * before the first request, then through Redis pub/sub and polling (services/session-service.ts);
 * revoked devices the same way (services/device-registry.ts), and their last-seen times are batched;
 * membership changes and stale project caches through Redis pub/sub (services/membership-feed.ts,
 * services/project-cache-feed.ts).
 */
import fp from 'fastify-plugin';

export const sessionsPlugin = fp(
  async (app) => {
    const { sessions, deviceRegistry, membershipFeed, projectCacheFeed } = app.services;
    app.addHook('onReady', () => Promise.all([sessions.start(), deviceRegistry.start()]).then(() => undefined));
    app.addHook('onClose', () => Promise.all([sessions.stop(), deviceRegistry.stop()]).then(() => undefined));
    // Membership changes (roles, removals) the same way: at once on every process (membership-feed.ts).
    app.addHook('onReady', () => membershipFeed.start());
    app.addHook('onClose', () => membershipFeed.stop());
    // A project's cached catalog and prices forgotten everywhere (project-cache-feed.ts: a rehearsal reset).
    app.addHook('onReady', () => projectCacheFeed.start());
    app.addHook('onClose', () => projectCacheFeed.stop());
  },
  { name: 'sessions', dependencies: ['services'] },
);
