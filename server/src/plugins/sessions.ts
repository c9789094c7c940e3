/**
 * Session revocation: sessions ended on any process (sign-out, deactivation) are known here before
 * the first request, then through Redis pub/sub and polling (services/session-service.ts).
 */
import fp from 'fastify-plugin';

export const sessionsPlugin = fp(
  async (app) => {
    const { sessions } = app.services;
    app.addHook('onReady', () => sessions.start());
    app.addHook('onClose', () => sessions.stop());
  },
  { name: 'sessions', dependencies: ['services'] },
);
