/**
 * The services of the process (services/index.ts), as `app.services`. They are built here and
 * started by the plugins that own each background loop (mirror, sessions, sweeper, jobs, health);
 * this plugin closes what the services themselves hold: the BullMQ producers, the audit buffer and
 * the PDF render threads — after every plugin registered later has stopped using them.
 */
import fp from 'fastify-plugin';
import { createServices, type Services } from '../services/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export const servicesPlugin = fp(
  async (app) => {
    const services = createServices(app.config, app.db, app.sql, app.redis, app.log);
    app.decorate('services', services);
    app.addHook('onClose', async () => {
      await services.documents.jobs.close();
      await services.batchJobs.close();
      await services.depositJobs.close();
      await services.reportJobs.close();
      await services.audit.close();
      await services.lottery.close();
      await services.docs.close();
      await services.printReports.close();
    });
  },
  { name: 'services', dependencies: ['config', 'redis', 'postgres'] },
);
