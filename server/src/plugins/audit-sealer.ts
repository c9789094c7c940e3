/**
 * The audit sealer (audit-chain/sealer.ts): every ~0.5 s it seals the audit events committed since,
 * into their project's hash chain. Registered where the lock sweeper is (the worker of a
 * multi-process deployment, or the single `all` process); an advisory lock keeps it to one writer
 * even if several processes run it. At start it seals what a crash or a stop left unsealed; at close,
 * after a last flush of the audit buffer, it seals once more.
 */
import fp from 'fastify-plugin';
import { SEAL_INTERVAL_MS, sealAll } from '../audit-chain/sealer.js';
import { Loop } from '../services/background.js';

export const auditSealerPlugin = fp(
  async (app) => {
    const { sql, services } = app;
    const loop = new Loop('audit sealer', SEAL_INTERVAL_MS, () => sealAll(sql), app.log);
    app.addHook('onReady', async () => loop.start());
    app.addHook('onClose', async () => {
      await loop.stop();
      try {
        await services.audit.flush();
        await sealAll(sql);
      } catch (error) {
        // Unsealed events are sealed at the next start; nothing is lost.
        app.log.warn({ err: error }, 'audit sealer: last seal at close failed');
      }
    });
  },
  { name: 'audit-sealer', dependencies: ['postgres', 'services'] },
);
