/**
 * Socket.IO namespace /hub. Thin: authenticate the handshake, validate each command, call one
 * service, ack. Broadcasts come from the change feed after the write succeeded.
 */
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import {
  AppError,
  ERROR_MESSAGES,
  HUB_COMMANDS,
  HUB_COMMAND_ACCESS,
  PERMISSIONS,
  HUB_NAMESPACE,
  describeIssues,
  handshakeRefusal,
  type Ack,
  type ClientToServerEvents,
  type HubCommand,
  type HubCommandPayload,
  type HubCommandResults,
  type InterServerEvents,
  type ServerToClientEvents,
} from '@kaipan/shared';
import type { AppConfig } from '../config/index.js';
import type { ProcessMetrics } from '../infra/process-metrics.js';
import { RateLimiter } from '../infra/rate-limiter.js';
import { canManage, deviceLabel, isAllowedSomewhere, type Principal } from '../domain/principal.js';
import type { FeedSink } from '../services/change-feed.js';
import { Fanout, audienceOf, deviceRoom, managersRoom, projectRoom, sessionRoom, userRoom } from './fanout.js';
import { checkHandshake, isAckCallback, readCommand, unknownCommand } from './command-input.js';
import { routeDealEvent } from './deal-routing.js';
import type { HubServer, HubSocket, SocketData } from './hub-types.js';
import { toErrorBody } from '../services/errors.js';
import type { Services } from '../services/index.js';
import type { Logger } from '../services/logger.js';

/** The process's socket.io server (app.ts keeps it to close it and to count sockets). */
export type { HubServer } from './hub-types.js';

const unauthenticated = (): Error =>
  handshakeRefusal(new AppError('UNAUTHENTICATED', 'A valid token or device key is required.').toBody());

function tooManySockets(max: number): Error {
  return handshakeRefusal(
    new AppError(
      'RATE_LIMITED',
      `Too many live connections for this user (at most ${max}); close another tab or device.`,
      {
        limit: 'sockets-per-user',
        max,
      },
    ).toBody(),
  );
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
  const io: HubServer = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(
    httpServer,
    {
      // WebSocket only: no long-polling means no sticky sessions behind a load balancer.
      transports: ['websocket'],
      // Room for a 1 MB string to reach validation and be refused with a coded error.
      maxHttpBufferSize: 2e6,
      pingInterval: 10_000,
      pingTimeout: 10_000,
    },
  );
  io.adapter(createAdapter(adapterRedis.pub, adapterRedis.sub, { key: `${config.redisPrefix}socket.io` }));
  const hub = io.of(HUB_NAMESPACE);
  const fanout = new Fanout(hub, config.gridFanoutIntervalMs, config.fanoutSocketsPerTurn);
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
      next(handshakeRefusal(bad.toBody()));
      return;
    }
    const auth: Record<string, unknown> = socket.handshake.auth ?? {};
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
        // A cashier desk's key grants nothing alone (the cashier signs in): no live connection either.
        if (principal.kind === 'device' && !isAllowedSomewhere(principal, 'signedIn')) {
          next(handshakeRefusal(new AppError('FORBIDDEN', 'This device has no live connection.').toBody()));
          return;
        }
        if (principal.kind === 'user') {
          // A session opened with a password an administrator reset may only choose a new one (HTTP).
          if (principal.passwordChangeRequired) {
            next(handshakeRefusal(new AppError('PASSWORD_CHANGE_REQUIRED').toBody()));
            return;
          }
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
        if (error instanceof AppError && error.code === 'DEVICE_REVOKED') {
          next(handshakeRefusal(error.toBody()));
          return;
        }
        log.error({ err: error }, 'hub authentication failed');
        next(handshakeRefusal(new AppError('SERVICE_UNAVAILABLE').toBody()));
      },
    );
  });

  hub.on('connection', (socket: HubSocket) => {
    let principal = socket.data.principal;
    // Whether selling is possible now, before anything else (a screen that joins later gets it in the ack too).
    socket.emit('system:status', services.health.status());
    // Personal events (answers to this user's approval and change requests); the session's room is
    // where its sockets are cut when it ends.
    if (principal.kind === 'user')
      void socket.join(
        principal.sessionId ? [userRoom(principal.id), sessionRoom(principal.sessionId)] : userRoom(principal.id),
      );
    // A device's room is where its sockets are cut when a manager revokes it.
    else void socket.join(deviceRoom(principal.id));

    /** Commands this socket answers (an event with an ack that is not one answers NOT_FOUND). */
    const commands = new Set<string>();
    /**
     * The listener of command `event`: validate (its schema in HUB_COMMANDS) → one service call →
     * ack; every failure is a coded error and changes nothing. The arguments are read as unknown:
     * what arrives is whatever the client sent, the schema decides.
     */
    const command = <C extends HubCommand>(
      event: C,
      /** `caller`: this command's principal (re-read for each command, scoped to its project by the service). */
      run: (payload: HubCommandPayload<C>, caller: Principal) => Promise<HubCommandResults[C]>,
    ) => {
      commands.add(event);
      const schema = HUB_COMMANDS[event];
      return async (...args: unknown[]): Promise<void> => {
        const { ack, payload, error: refused } = readCommand(args);
        if (!ack) return;
        const reply = (response: Ack<HubCommandResults[C]>): void => {
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
          reply({
            ok: false,
            error: new AppError('VALIDATION_FAILED', undefined, describeIssues(parsed.error)).toBody(),
          });
          return;
        }
        try {
          // A session that expired or a user deactivated since the handshake loses the socket.
          const current = await resolve(socket.data.credential, principal.device);
          if (!current) {
            reply({ ok: false, error: new AppError('UNAUTHENTICATED').toBody() });
            // Ended rather than expired: say so (an expired token's client finds out on its next request).
            const { credential } = socket.data;
            if ('claims' in credential && credential.claims.exp * 1000 > Date.now())
              socket.emit('session:ended', { reason: 'revoked' });
            socket.disconnect(true);
            return;
          }
          // The matrix, as on HTTP: a command naming its project is checked in it by the service
          // (directory.assertAccess); one on a unit first by "held somewhere", then in the unit's project.
          const access = HUB_COMMAND_ACCESS[event];
          const named = typeof (parsed.data as { projectId?: unknown }).projectId === 'string';
          if (!named && !isAllowedSomewhere(current, access)) {
            reply({
              ok: false,
              error: new AppError('FORBIDDEN', ERROR_MESSAGES.FORBIDDEN, {
                reason: PERMISSIONS[access].refusal,
                permission: access,
              }).toBody(),
            });
            return;
          }
          current.admittedAs = access;
          principal = current;
          reply({ ok: true, data: await run(parsed.data, current) });
        } catch (error) {
          reply({ ok: false, error: toErrorBody(error, log, services.health).body });
          if (error instanceof AppError && error.code === 'DEVICE_REVOKED') socket.disconnect(true);
        }
      };
    };

    // An event with an acknowledgement but no command answers NOT_FOUND rather than never.
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (!commands.has(event) && isAckCallback(ack)) ack(unknownCommand());
    });

    // One listener per command of ClientToServerEvents (hub.test.ts checks that each is answered).
    socket.on(
      'project:join',
      command('project:join', async ({ projectId }, caller) => {
        await services.directory.assertAccess(caller, projectId);
        // Join first, then read: a change made in between is both in the snapshot's seq range and
        // delivered; the client drops frames at or below the snapshot's seq.
        for (const room of Fanout.roomsOf(socket.rooms, projectId)) await socket.leave(room);
        await socket.join([
          ...fanout.roomsFor(projectId, audienceOf(caller)),
          ...(canManage(caller) ? [managersRoom(projectId)] : []),
        ]);
        return { ...(await services.query.snapshot(caller, projectId)), system: services.health.status() };
      }),
    );

    socket.on(
      'project:leave',
      command('project:leave', async ({ projectId }) => {
        for (const room of Fanout.roomsOf(socket.rooms, projectId)) await socket.leave(room);
        await socket.leave(managersRoom(projectId));
        return { projectId };
      }),
    );

    socket.on(
      'unit:lock',
      command('unit:lock', ({ unitId, registrationId }, caller) => services.sales.lock(caller, unitId, registrationId)),
    );

    socket.on(
      'unit:release',
      command('unit:release', ({ unitId, token }, caller) => services.sales.release(caller, unitId, token)),
    );

    socket.on(
      'unit:confirm',
      command('unit:confirm', ({ unitId, token, buyer, ...terms }, caller) =>
        services.sales.confirm(caller, unitId, token, buyer, terms),
      ),
    );

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

  // A member's role changed or they were removed (here or on another process, membership-feed.ts):
  // their sockets in this process leave the project's rooms — what they receive was chosen by the
  // old role — and are told to re-join, which checks the new role (a removed member: FORBIDDEN).
  services.membershipFeed.onChange(({ userId, projectId }) => {
    void (async () => {
      const sockets = await hub.local.in(userRoom(userId)).fetchSockets();
      if (sockets.length === 0) return;
      const paused = (await services.directory.getCatalog(projectId)).catalog.project.salesPaused;
      for (const s of sockets) {
        const rooms = [...Fanout.roomsOf(s.rooms, projectId), managersRoom(projectId)].filter((r) => s.rooms.has(r));
        if (rooms.length === 0) continue;
        for (const room of rooms) s.leave(room);
        s.emit('project:changed', { projectId, paused, resync: true });
      }
    })().catch((error: unknown) => log.error({ err: error }, 'hub: membership change not applied to sockets'));
  });

  // A device revoked (here, on another process, or found by the poll): likewise, cut at once.
  services.deviceRegistry.onRevoked((deviceIds) => {
    for (const deviceId of deviceIds) {
      hub.local.to(deviceRoom(deviceId)).emit('device:revoked', { deviceId });
      hub.local.in(deviceRoom(deviceId)).disconnectSockets(true);
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
