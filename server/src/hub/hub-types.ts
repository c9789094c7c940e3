/**
 * The socket.io server types of this process, typed with the event maps of shared/src/socket-events.ts:
 * an emit of an event that is not in the map, or with the wrong payload, does not compile — in the hub,
 * the fan-out, the queue events and the worker's broadcaster alike.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import type {
  BuyerClientToServerEvents,
  BuyerServerToClientEvents,
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
} from '@kaipan/shared';
import type { Principal } from '../domain/principal.js';
import type { SessionClaims } from '../domain/session-token.js';

/**
 * What the hub keeps per /hub socket (server-side only: it holds the principal, not a wire type).
 */
export interface SocketData {
  principal: Principal;
  /**
   * The handshake credential, re-checked on every command (deactivation, expiry): a token's claims
   * as verified once at the handshake, or the device key.
   */
  credential: { claims: SessionClaims } | { deviceKey: string };
}

/** One socket.io server per process; its /hub namespace is typed by these maps. */
export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * The /queue namespace of the same server, with its own maps (socket.io types a server's namespaces
 * alike; a namespace annotated with other maps is how its documentation types them apart). Buyer
 * sockets keep nothing in `data` (`unknown`: nothing to read there); their rooms say who they are.
 */
export type BuyerNamespace = Namespace<
  BuyerClientToServerEvents,
  BuyerServerToClientEvents,
  InterServerEvents,
  unknown
>;
