/**
 * The one hub connection (namespace /hub), typed end to end from @kaipan/shared.
 * Reconnection uses socket.io's jittered exponential backoff; whoever needs project state
 * re-joins on every `connect` (see stores/units.ts).
 */
import { io, type Socket } from 'socket.io-client';
import {
  HUB_NAMESPACE,
  QUEUE_NAMESPACE,
  isErrorCode,
  type Ack,
  type BuyerClientToServerEvents,
  type BuyerHubAuth,
  type BuyerServerToClientEvents,
  type ClientToServerEvents,
  type HubAuth,
  type HubCommand,
  type HubCommandInput,
  type HubCommandResults,
  type ServerToClientEvents,
} from '@kaipan/shared';
import { ApiError } from './api';
import { sessionEndedByServer } from '../stores/session';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a command may wait for its ack before it counts as failed. */
export const COMMAND_TIMEOUT_MS = 8_000;

let current: { key: string; socket: HubSocket } | null = null;

function authKey(auth: HubAuth): string {
  return 'token' in auth ? `t:${auth.token}` : `d:${auth.deviceKey}`;
}

/**
 * The shared hub socket for these credentials. A different identity (sign-out, another board key)
 * closes the previous connection first, so there is never more than one.
 */
export function connectHub(auth: HubAuth): HubSocket {
  const key = authKey(auth);
  if (current && current.key === key) {
    if (!current.socket.active) current.socket.connect();
    return current.socket;
  }
  current?.socket.disconnect();
  const socket: HubSocket = io(HUB_NAMESPACE, {
    auth,
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.5,
    timeout: 10_000,
  });
  // The session ended on the server (here or on another device): sign out; the server hangs up next.
  if ('token' in auth) socket.on('session:ended', (event) => sessionEndedByServer(event.reason));
  current = { key, socket };
  return socket;
}

export type BuyerSocket = Socket<BuyerServerToClientEvents, BuyerClientToServerEvents>;

/**
 * The public buyer page's live connection: namespace /queue, handshake `{ticketToken}`,
 * receive-only. Its own socket (not the shared hub one): a buyer page has no user or device.
 * A refused handshake (`connect_error`) is not retried by socket.io: the page decides.
 */
export function connectBuyerHub(ticketToken: string): BuyerSocket {
  const auth: BuyerHubAuth = { ticketToken };
  return io(QUEUE_NAMESPACE, {
    auth,
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
    timeout: 10_000,
  });
}

/** Close the hub connection (sign-out). */
export function disconnectHub(): void {
  current?.socket.disconnect();
  current = null;
}

/**
 * Send a command and wait for its ack. Resolves with the ack's data; rejects with an ApiError
 * (the server's code, TIMEOUT after 8 s, or OFFLINE when the hub is not connected — a command
 * is never buffered to be sent later, when its intent may be stale).
 */
export async function command<C extends HubCommand>(
  socket: HubSocket,
  event: C,
  payload: HubCommandInput<C>,
): Promise<HubCommandResults[C]> {
  if (!socket.connected) throw new ApiError('OFFLINE', 'The live connection is down.');
  let ack: Ack<HubCommandResults[C]>;
  try {
    ack = await send[event](socket.timeout(COMMAND_TIMEOUT_MS), payload);
  } catch {
    throw new ApiError('TIMEOUT', `No answer to ${event} within ${COMMAND_TIMEOUT_MS} ms.`);
  }
  if (ack.ok) return ack.data;
  const code = isErrorCode(ack.error.code) ? ack.error.code : 'INTERNAL';
  throw new ApiError(code, ack.error.message, 0, ack.error.details);
}

type TimedHubSocket = ReturnType<HubSocket['timeout']>;

/**
 * One typed emit per command: socket.io's typings cannot follow an event name that is a type
 * parameter, a table indexed by it can (and a command missing here does not compile).
 */
const send: {
  [C in HubCommand]: (socket: TimedHubSocket, payload: HubCommandInput<C>) => Promise<Ack<HubCommandResults[C]>>;
} = {
  'project:join': (socket, payload) => socket.emitWithAck('project:join', payload),
  'project:leave': (socket, payload) => socket.emitWithAck('project:leave', payload),
  'unit:lock': (socket, payload) => socket.emitWithAck('unit:lock', payload),
  'unit:release': (socket, payload) => socket.emitWithAck('unit:release', payload),
  'unit:confirm': (socket, payload) => socket.emitWithAck('unit:confirm', payload),
};
