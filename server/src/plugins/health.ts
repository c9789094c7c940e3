/**
 * Dependency health: PostgreSQL and Redis up or down as this process sees them — the selling gate,
 * `system:status` and SERVICE_UNAVAILABLE (services/dependency-health.ts). Started last, before the
 * first request; stopped first.
 */
import fp from 'fastify-plugin';

export const healthPlugin = fp(
  async (app) => {
    const { health } = app.services;
    app.addHook('onReady', () => health.start());
    app.addHook('onClose', () => health.stop());
  },
  { name: 'health', dependencies: ['services'] },
);
