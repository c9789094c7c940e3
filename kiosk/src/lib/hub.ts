/**
 * The kiosk's live connection: namespace /hub with the device key, typed from @kaipan/shared.
 * socket.io reconnects with jittered exponential backoff; the caller joins the project room on
 * every `connect` (the room is per connection) and reads the state again then.
 */
import { io, type Socket } from 'socket.io-client';
import {
  HUB_NAMESPACE,
  isErrorCode,
  type Ack,
  type ClientToServerEvents,
  type ProjectSnapshot,
  type ServerToClientEvents,
} from '@kaipan/shared';
import { ApiError } from './api';
import { forgetRevokedKey } from './device';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const JOIN_TIMEOUT_MS = 8_000;

export function connectHub(deviceKey: string): HubSocket {
  const socket: HubSocket = io(HUB_NAMESPACE, {
    auth: { deviceKey },
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.5,
    timeout: 10_000,
  });
  // A manager removed this device: the server hangs up next; back to the pairing screen.
  socket.on('device:revoked', () => forgetRevokedKey());
  socket.on('connect_error', (err) => {
    if ((err as Error & { data?: { code?: string } }).data?.code === 'DEVICE_REVOKED') forgetRevokedKey();
  });
  return socket;
}

/** Join the project's room (queue:changed is sent there). Rejects with an ApiError. */
export async function joinProject(socket: HubSocket, projectId: string): Promise<ProjectSnapshot> {
  if (!socket.connected) throw new ApiError('OFFLINE', 'The live connection is down.');
  let ack: Ack<ProjectSnapshot>;
  try {
    ack = await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck('project:join', { projectId });
  } catch {
    throw new ApiError('TIMEOUT', `No answer to project:join within ${JOIN_TIMEOUT_MS} ms.`);
  }
  if (ack.ok) return ack.data;
  throw new ApiError(
    isErrorCode(ack.error.code) ? ack.error.code : 'INTERNAL',
    ack.error.message,
    0,
    ack.error.details,
  );
}
