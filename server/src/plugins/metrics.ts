/** This process's load (CPU, memory, event-loop delay, hub command counts) for GET /api/metrics. */
import fp from 'fastify-plugin';
import { ProcessMetrics } from '../infra/process-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ProcessMetrics;
  }
}

export const metricsPlugin = fp(
  async (app) => {
    const metrics = new ProcessMetrics();
    app.decorate('metrics', metrics);
    app.addHook('onClose', async () => metrics.stop());
  },
  { name: 'metrics' },
);
