/**
 * The validated configuration (config/index.ts), as `app.config`. Every other plugin depends on
 * this one; nothing reads `process.env` after it.
 */
import fp from 'fastify-plugin';
import type { AppConfig } from '../config/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
  }
}

export const configPlugin = fp<{ config: AppConfig }>(
  async (app, { config }) => {
    app.decorate('config', config);
    if (config.customerDataKeyDerived) {
      app.log.warn(
        {},
        'CUSTOMER_DATA_KEY is not set: ID numbers are encrypted with a DEVELOPMENT key derived from the auth secret. Demo only — set CUSTOMER_DATA_KEY (32 bytes, base64) for real data.',
      );
    }
  },
  { name: 'config' },
);
