import type { API } from '@kaipan/shared';
import { deviceLabel } from '../../domain/principal.js';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/**
 * First run: the first administrator, with the setup code the server printed at start
 * (services/first-run-service.ts; docs/protocol.md "First run").
 */
export function firstRunHandlers(services: Services): Handlers<typeof API.firstRun> {
  return {
    status: async () => ({ needed: await services.firstRun.needed() }),
    create: async ({ body, request, reply }) => {
      const created = await services.firstRun.createAdministrator(body, {
        ip: request.ip,
        device: deviceLabel(request.headers),
      });
      return reply.code(201).send(created);
    },
  };
}
