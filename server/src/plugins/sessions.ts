/**
 * Session and device revocation: sessions ended on any process (sign-out, deactivation) are known here
 * before the first request, then through Redis pub/sub and polling (services/session-service.ts);
 * revoked devices the same way (services/device-registry.ts), and their last-seen times are batched;
 * membership changes through Redis pub/sub (services/membership-feed.ts).
 */
import fp from 'fastify-plugin';

export const sessionsPlugin = fp(
  async (app) => {
    const { sessions, deviceRegistry, membershipFeed } = app.services;
    app.addHook('onReady', () => Promise.all([sessions.start(), deviceRegistry.start()]).then(() => undefined));
    app.addHook('onClose', () => Promise.all([sessions.stop(), deviceRegistry.stop()]).then(() => undefined));
    // Membership changes (roles, removals) the same way: at once on every process (membership-feed.ts).
    app.addHook('onReady', () => membershipFeed.start());
    app.addHook('onClose', () => membershipFeed.stop());
  },
  { name: 'sessions', dependencies: ['services'] },
);
