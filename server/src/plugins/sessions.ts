/**
 * Session revocation: sessions ended on any process (sign-out, deactivation) are known here before
 * the first request, then through Redis pub/sub and polling (services/session-service.ts); and
 * membership changes through Redis pub/sub (services/membership-feed.ts).
 */
import fp from 'fastify-plugin';

export const sessionsPlugin = fp(
  async (app) => {
    const { sessions, membershipFeed } = app.services;
    app.addHook('onReady', () => sessions.start());
    app.addHook('onClose', () => sessions.stop());
    // Membership changes (roles, removals) the same way: at once on every process (membership-feed.ts).
    app.addHook('onReady', () => membershipFeed.start());
    app.addHook('onClose', () => membershipFeed.stop());
  },
  { name: 'sessions', dependencies: ['services'] },
);
