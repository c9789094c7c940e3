/**
 * Socket.IO namespace /hub. Thin: authenticate the handshake, validate each command, call one
 * service, ack. Broadcasts come from the change feed after the write succeeded.
 */
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import type { z } from 'zod';
import {
  AppError,
  HUB_NAMESPACE,
  confirmSchema,
  describeIssues,
  projectRefSchema,
  lockSchema,
  releaseLockSchema,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@kaipan/shared';
import type { AppConfig } from '../config/index.js';
import type { ProcessMetrics } from '../infra/process-metrics.js';
import { RateLimiter } from '../infra/rate-limiter.js';
import { canManage, deviceLabel, type Principal } from '../domain/principal.js';
import type { SessionClaims } from '../domain/session-token.js';
import type { FeedSink } from '../services/change-feed.js';
import { Fanout, audienceOf, managersRoom, projectRoom, userRoom } from './fanout.js';
import { routeDealEvent } from './deal-routing.js';
import { toErrorBody } from '../services/errors.js';
import type { Services } from '../services/index.js';
import type { Logger } from '../services/logger.js';

export interface SocketData {
  principal: Principal;
  /**
   * The handshake credential, re-checked on every command (deactivation, expiry): a token's claims
   * as verified once at the handshake, or the device key.
   */
  credential: { claims: SessionClaims } | { deviceKey: string };
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

function unauthenticated(): Error {
  const err = new Error('UNAUTHENTICATED') as Error & { data?: unknown };
  err.data = new AppError('UNAUTHENTICATED', 'A valid token or device key is required.').toBody();
  return err;
}

/**
 * `adapterRedis`: a pub and a sub connection for the socket.io Redis adapter, so a broadcast made
 * by one process (e.g. disconnecting a user everywhere) reaches the sockets of every process. The
 * ordered `units:changed` fan-out does not use it: every process reads the change log itself.
 */
export function createHub(
  httpServer: HttpServer,
  services: Services,
  config: AppConfig,
  log: Logger,
  adapterRedis: { pub: Redis; sub: Redis },
  /** Counts answered commands for GET /api/metrics. */
  metrics?: ProcessMetrics,
) {
  const io: HubServer = new Server(httpServer, {
    // WebSocket only: no long-polling means no sticky sessions behind a load balancer.
    transports: ['websocket'],
    // Room for a 1 MB string to reach validation and be refused with a coded error.
    maxHttpBufferSize: 2e6,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });
  io.adapter(createAdapter(adapterRedis.pub, adapterRedis.sub, { key: `${config.redisPrefix}socket.io` }));
  const hub = io.of(HUB_NAMESPACE);
  const fanout = new Fanout(hub, config.gridFanoutIntervalMs);
  const limiter = new RateLimiter(config.hubRatePerSecond, config.hubRatePerSecond * 2);

  /** The principal behind a credential now (users and devices cached by the auth service), or null. */
  const resolve = (credential: SocketData['credential'], device: string | null): Promise<Principal | null> =>
    'claims' in credential
      ? services.auth.authenticateClaims(credential.claims, device)
      : services.auth.authenticateDevice(credential.deviceKey, device);

  hub.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    const claims = typeof auth.token === 'string' ? services.auth.verifyToken(auth.token) : null;
    const credential = claims ? { claims } : typeof auth.deviceKey === 'string' ? { deviceKey: auth.deviceKey } : null;
    if (!credential) {
      next(unauthenticated());
      return;
    }
    resolve(credential, deviceLabel(socket.handshake.headers)).then(
      (principal) => {
        if (!principal) {
          next(unauthenticated());
          return;
        }
        socket.data.principal = principal;
        socket.data.credential = credential;
        next();
      },
      (error: unknown) => {
        log.error({ err: error }, 'hub authentication failed');
        next(new Error('SERVICE_UNAVAILABLE'));
      },
    );
  });

  hub.on('connection', (socket: HubSocket) => {
    let principal = socket.data.principal;
    // Whether selling is possible now, before anything else (a screen that joins later gets it in the ack too).
    socket.emit('system:status', services.health.status());
    // Personal events (answers to this user's approval and change requests).
    if (principal.kind === 'user') void socket.join(userRoom(principal.id));

    /** validate → one service call → ack; every failure is a coded error and changes nothing. */
    const command =
      <S extends z.ZodType, R>(event: string, schema: S, run: (payload: z.output<S>) => Promise<R>) =>
      async (payload: unknown, ack: unknown): Promise<void> => {
        if (typeof ack !== 'function') return;
        const reply = (response: Ack<R>): void => {
          metrics?.command(event, response.ok ? null : response.error.code);
          (ack as (response: Ack<R>) => void)(response);
        };
        if (!limiter.take(socket.id)) {
          reply({ ok: false, error: new AppError('RATE_LIMITED').toBody() });
          return;
        }
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          reply({ ok: false, error: new AppError('VALIDATION_FAILED', undefined, describeIssues(parsed.error)).toBody() });
          return;
        }
        try {
          // A session that expired or a user deactivated since the handshake loses the socket.
          const current = await resolve(socket.data.credential, principal.device);
          if (!current) {
            reply({ ok: false, error: new AppError('UNAUTHENTICATED').toBody() });
            socket.disconnect(true);
            return;
          }
          principal = current;
          reply({ ok: true, data: await run(parsed.data) });
        } catch (error) {
          reply({ ok: false, error: toErrorBody(error, log, services.health).body });
        }
      };

    const on = socket.on.bind(socket) as (event: string, handler: (payload: unknown, ack: unknown) => Promise<void>) => void;

    on('project:join', command('project:join', projectRefSchema, async ({ projectId }) => {
      await services.directory.assertAccess(principal, projectId);
      // Join first, then read: a change made in between is both in the snapshot's seq range and
      // delivered; the client drops frames at or below the snapshot's seq.
      for (const room of Fanout.roomsOf(socket.rooms, projectId)) await socket.leave(room);
      await socket.join([
        ...fanout.roomsFor(socket.id, projectId, audienceOf(principal)),
        ...(canManage(principal) ? [managersRoom(projectId)] : []),
      ]);
      return { ...(await services.query.snapshot(principal, projectId)), system: services.health.status() };
    }));

    on('project:leave', command('project:leave', projectRefSchema, async ({ projectId }) => {
      for (const room of Fanout.roomsOf(socket.rooms, projectId)) await socket.leave(room);
      await socket.leave(managersRoom(projectId));
      return { projectId };
    }));

    on('unit:lock', command('unit:lock', lockSchema, ({ unitId, registrationId }) => services.sales.lock(principal, unitId, registrationId)));

    on('unit:release', command('unit:release', releaseLockSchema, ({ unitId, token }) => services.sales.release(principal, unitId, token)));

    on('unit:confirm', command('unit:confirm', confirmSchema, ({ unitId, token, buyer, ...terms }) =>
      services.sales.confirm(principal, unitId, token, buyer, terms)));

    socket.on('disconnect', () => limiter.forget(socket.id));
  });

  // Lottery results go through the Redis adapter: the sockets of every process in the project room hear them.
  services.lottery.onDrawn((event) => hub.to(projectRoom(event.projectId)).emit('lottery:drawn', event));
  // Deal events likewise (routing in deal-routing.ts, shared with the worker process's broadcaster).
  services.dealEvents.subscribe((event) => routeDealEvent(hub, event));

  // Each process tells its own sockets what it sees (`local`: the Redis adapter may be what is down).
  services.health.onChange((status) => hub.local.emit('system:status', status));

  const sink: FeedSink = {
    unitsChanged: (frame) => fanout.unitsChanged(frame),
    projectChanged: (event) => fanout.projectChanged(event),
    seqSeen: (projectId, seq) => services.keeper.noteSeq(projectId, seq),
  };

  return { io, sink, fanout };
}
