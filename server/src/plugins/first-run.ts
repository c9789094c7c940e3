/**
 * First run: while the install has no active administrator, this process prints a one-time setup
 * code when it starts (to its log, and `npm start` repeats it in its banner). With it, whoever reads
 * the server's output creates the first administrator at /setup/first-run
 * (services/first-run-service.ts). A worker process prints none: it serves no browser.
 */
import fp from 'fastify-plugin';
import type { IssuedSetupCode } from '../services/first-run-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The setup code this process printed at start (null: an administrator existed). */
    setupCode: IssuedSetupCode | null;
  }
}

export const firstRunPlugin = fp(
  async (app) => {
    app.decorate('setupCode', null);
    app.addHook('onReady', async () => {
      try {
        app.setupCode = await app.services.firstRun.issueCode();
      } catch (error) {
        // Never stop the server for it: a restart prints a new code, and the admin CLI works without one.
        app.log.error({ err: error }, 'first run: could not issue a setup code');
        return;
      }
      if (!app.setupCode) return;
      app.log.warn(
        { setupCode: app.setupCode.code, expiresAt: app.setupCode.expiresAt.toISOString(), path: '/setup/first-run' },
        `No administrator yet. Open /setup/first-run and enter the setup code ${app.setupCode.code} ` +
          '(single use, valid 60 minutes; a restart prints a new one), or run: npm run admin -- create-user <username> --role ADMIN',
      );
    });
  },
  { name: 'first-run', dependencies: ['services'] },
);
