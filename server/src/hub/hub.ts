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
import { Fanout, audienceOf, managersRoom, projectRoom, sessionRoom, userRoom } from './fanout.js';
import { checkHandshake, readCommand, unknownCommand } from './command-input.js';
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

/** A refused handshake: `connect_error` with the code as message and the error body as `data`. */
function refusal(error: AppError): Error {
  const err = new Error(error.code) as Error & { data?: unknown };
  err.data = error.toBody();
  return err;
}

function unauthenticated(): Error {
  return refusal(new AppError('UNAUTHENTICATED', 'A valid token or device key is required.'));
}

function tooManySockets(max: number): Error {
  return refusal(new AppError('RATE_LIMITED', `Too many live connections for this user (at most ${max}); close another tab or device.`, {
    limit: 'sockets-per-user',
    max,
  }));
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
  // Per user as well as per socket: many sockets on one token must not multiply the allowance.
  // Both limits are per process (no Redis round trip per command); with N hub processes a user
  // spread over all of them gets at most N times as much.
  const userLimiter = new RateLimiter(config.hubUserRatePerSecond, config.hubUserRatePerSecond * 2);
  /** Open (or handshaking) sockets per user id in this process. */
  const socketsOfUser = new Map<string, number>();
  /** Count a user's socket until its connection closes (also when it closes before `connection`). */
  const holdSocketSlot = (socket: HubSocket, userId: string): void => {
    socketsOfUser.set(userId, (socketsOfUser.get(userId) ?? 0) + 1);
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      const left = (socketsOfUser.get(userId) ?? 1) - 1;
      if (left > 0) socketsOfUser.set(userId, left);
      else socketsOfUser.delete(userId);
    };
    socket.conn.once('close', release);
    socket.once('disconnect', release);
  };

  /** The principal behind a credential now (users and devices cached by the auth service), or null. */
  const resolve = (credential: SocketData['credential'], device: string | null): Promise<Principal | null> =>
    'claims' in credential
      ? services.auth.authenticateClaims(credential.claims, device)
      : services.auth.authenticateDevice(credential.deviceKey, device);

  hub.use((socket, next) => {
    const bad = checkHandshake(socket.handshake);
    if (bad) {
      next(refusal(bad));
      return;
    }
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
        if (principal.kind === 'user') {
          if (socket.conn.readyState !== 'open') {
            next(unauthenticated()); // gone while we looked: nothing to count
            return;
          }
          if ((socketsOfUser.get(principal.id) ?? 0) >= config.hubSocketsPerUser) {
            next(tooManySockets(config.hubSocketsPerUser));
            return;
          }
          holdSocketSlot(socket, principal.id);
        }
        socket.data.principal = principal;
        socket.data.credential = credential;
        next();
      },
      (error: unknown) => {
        log.error({ err: error }, 'hub authentication failed');
        next(refusal(new AppError('SERVICE_UNAVAILABLE')));
      },
    );
  });

  hub.on('connection', (socket: HubSocket) => {
    let principal = socket.data.principal;
    // Whether selling is possible now, before anything else (a screen that joins later gets it in the ack too).
    socket.emit('system:status', services.health.status());
    // Personal events (answers to this user's approval and change requests); the session's room is
    // where its sockets are cut when it ends.
    if (principal.kind === 'user') void socket.join(principal.sessionId ? [userRoom(principal.id), sessionRoom(principal.sessionId)] : userRoom(principal.id));

    /** validate → one service call → ack; every failure is a coded error and changes nothing. */
    const command =
      <S extends z.ZodType, R>(event: string, schema: S, run: (payload: z.output<S>) => Promise<R>) =>
      async (...args: unknown[]): Promise<void> => {
        const { ack, payload, error: refused } = readCommand(args);
        if (!ack) return;
        const reply = (response: Ack<R>): void => {
          metrics?.command(event, response.ok ? null : response.error.code);
          ack(response);
        };
        if (!limiter.take(socket.id) || (principal.kind === 'user' && !userLimiter.take(principal.id))) {
          reply({ ok: false, error: new AppError('RATE_LIMITED').toBody() });
          return;
        }
        if (refused) {
          reply({ ok: false, error: refused.toBody() });
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
            // Ended rather than expired: say so (an expired token's client finds out on its next request).
            const { credential } = socket.data;
            if ('claims' in credential && credential.claims.exp * 1000 > Date.now()) socket.emit('session:ended', { reason: 'revoked' });
            socket.disconnect(true);
            return;
          }
          principal = current;
          reply({ ok: true, data: await run(parsed.data) });
        } catch (error) {
          reply({ ok: false, error: toErrorBody(error, log, services.health).body });
        }
      };

    const commands = new Set<string>();
    const listen = socket.on.bind(socket) as (event: string, handler: (...args: unknown[]) => Promise<void>) => void;
    const on = (event: string, handler: (...args: unknown[]) => Promise<void>): void => {
      commands.add(event);
      listen(event, handler);
    };
    // An event with an acknowledgement but no command answers NOT_FOUND rather than never.
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (!commands.has(event) && typeof ack === 'function') (ack as (r: unknown) => void)(unknownCommand());
    });

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

  // A session ended (here, on another process, or found by the poll): every process cuts its own
  // sockets of that session at once, telling them why first (the client then signs out).
  services.sessions.onEnded(({ sessions, reason }) => {
    for (const { id } of sessions) {
      hub.local.to(sessionRoom(id)).emit('session:ended', { reason });
      hub.local.in(sessionRoom(id)).disconnectSockets(true);
    }
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
