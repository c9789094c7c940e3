/**
 * Devices of a project and pairing a screen by QR code (shared/src/api/devices.ts). The pairing
 * routes a screen calls have no credentials: they are rate-limited per address here.
 */
import type { FastifyRequest } from 'fastify';
import { AppError, type API } from '@kaipan/shared';
import { deviceLabel } from '../../domain/principal.js';
import { RateLimiter } from '../../infra/rate-limiter.js';
import type { Services } from '../../services/index.js';
import type { Handlers } from '../handler.js';

/** New pairing codes per address: one every 10 s, bursts of 6 (a screen reloading, a few TVs behind one NAT). */
const START_RATE = { perSecond: 0.1, burst: 6 };
/** Claims per address: a waiting screen asks every 2 s; room for a few screens behind one NAT. */
const CLAIM_RATE = { perSecond: 3, burst: 20 };

export function deviceHandlers(services: Services): Handlers<typeof API.devices> {
  const { devices, pairing } = services;
  const limiter = (rate: { perSecond: number; burst: number }) => {
    const buckets = new RateLimiter(rate.perSecond, rate.burst);
    return (request: FastifyRequest): void => {
      if (!buckets.take(request.ip)) throw new AppError('RATE_LIMITED');
    };
  };
  return {
    list: ({ principal, params }) => devices.list(principal, params.projectId),
    create: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await devices.create(principal, params.projectId, body)),
    rename: ({ principal, params, body }) => devices.rename(principal, params.deviceId, body.name),
    revoke: ({ principal, params }) => devices.revoke(principal, params.deviceId),

    startPairing: {
      beforeValidation: limiter(START_RATE),
      handle: async ({ body, reply }) =>
        reply
          .code(201)
          .header('cache-control', 'no-store')
          .send(await pairing.start(body.kind)),
    },
    claimPairing: {
      beforeValidation: limiter(CLAIM_RATE),
      handle: async ({ body, request, reply }) =>
        reply
          .header('cache-control', 'no-store')
          .send(await pairing.claim(body.code, body.secret, deviceLabel(request.headers))),
    },
    showPairing: ({ params }) => pairing.show(params.code),
    approvePairing: async ({ principal, params, body, reply }) =>
      reply.code(201).send(await pairing.approve(principal, params.code, body)),
  };
}
