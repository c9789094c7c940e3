/**
 * The Socket.IO contract, written once: the namespaces, every event the server sends, every command
 * it accepts with its payload schema and its ack, and the handshakes. The server passes these maps as
 * the type parameters of its Server / Namespace / Socket (server/src/hub/hub-types.ts), the web apps
 * as those of their socket.io-client Socket, so an event name or a payload that is not here does not
 * compile; the hub validates each command with the schema of `HUB_COMMANDS` and nothing else.
 * Payload types live with their domain (protocol.ts, queue.ts, deals.ts …); docs/protocol.md
 * "Socket.IO hub" and "Queue and calling" describe them.
 *
 * Names are `domain:action`: imperative for commands (`unit:lock`), past tense for what the server
 * tells (`units:changed`).
 */
import { z } from 'zod';
import { isErrorCode, type ErrorBody, type ErrorCode } from './errors.js';
import type { Permission } from './permissions.js';
import type { LotteryDrawnEvent } from './lottery-draws.js';
import type { ChangeRequestInfo, PriceApprovalInfo, PricesChangedEvent } from './deals.js';
import type {
  ConfirmResult,
  LockResult,
  ProjectChangedEvent,
  ProjectSnapshot,
  SubscriptionCancelledEvent,
  UnitsChangedFrame,
} from './protocol.js';
import type { AvailabilityChangedEvent, BuyerView, QueueState } from './queue.js';
import {
  buyerSchema,
  dealTermsShape,
  idSchema,
  lockTokenSchema,
  projectRefSchema,
  type ProjectRef,
  type UnitRef,
} from './schemas.js';
import type { SystemStatus } from './system-status.js';

/** Namespace of staff screens, wall boards and kiosks (handshake `HubAuth`). */
export const HUB_NAMESPACE = '/hub';
/** Namespace of the public buyer page (handshake `BuyerHubAuth`; receive-only). */
export const QUEUE_NAMESPACE = '/queue';

// ── Acknowledgements ────────────────────────────────────────────────────────────────────────────

/** Every command is answered: the result, or a coded error (nothing changed). */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type AckCallback<T> = (response: Ack<T>) => void;

// ── /hub commands (client → server) ─────────────────────────────────────────────────────────────

/** `unit:lock`: the registered buyer (认筹) the unit is for, when the project counts entitlements. */
export const lockSchema = z.strictObject({ unitId: idSchema, registrationId: idSchema.optional() });

/** `unit:release`: the lock's token (a manager may release anyone's lock). */
export const releaseLockSchema = z.strictObject({ unitId: idSchema, token: lockTokenSchema });

/**
 * `unit:confirm`: `buyer` names who subscribes. For a lock taken for a registered buyer it may be
 * omitted: the customer record of the registration is used (and wins over what the client sent).
 * The deal terms are docs/pricing.md's.
 */
export const confirmSchema = z.strictObject({
  unitId: idSchema,
  token: lockTokenSchema,
  buyer: buyerSchema.optional(),
  ...dealTermsShape,
});

/** What each command's ack carries when it succeeds. */
export interface HubCommandResults {
  /** Joins the project's rooms and answers its live state (with the answering process's `system`). */
  'project:join': ProjectSnapshot;
  'project:leave': ProjectRef;
  'unit:lock': LockResult;
  'unit:release': UnitRef;
  'unit:confirm': ConfirmResult;
}

const commandSchemas = {
  'project:join': projectRefSchema,
  'project:leave': projectRefSchema,
  'unit:lock': lockSchema,
  'unit:release': releaseLockSchema,
  'unit:confirm': confirmSchema,
} satisfies Record<keyof HubCommandResults, z.ZodType>;

/**
 * Who may send each command: a permission of the matrix (shared/src/permissions.ts), checked by the
 * hub against the caller's role in the command's project (a unit's: resolved by the service).
 */
export const HUB_COMMAND_ACCESS = {
  'project:join': 'signedIn',
  'project:leave': 'signedIn',
  'unit:lock': 'sell',
  'unit:release': 'sell',
  'unit:confirm': 'sell',
} as const satisfies Record<keyof HubCommandResults, Permission>;

/** A command of namespace /hub, e.g. 'unit:lock'. */
export type HubCommand = keyof HubCommandResults;
/** A command's payload as a client sends it. */
export type HubCommandInput<C extends HubCommand> = z.input<(typeof commandSchemas)[C]>;
/** A command's payload as the hub reads it, validated. */
export type HubCommandPayload<C extends HubCommand> = z.output<(typeof commandSchemas)[C]>;

/**
 * The payload schema of every command: strict objects, so an unknown field is VALIDATION_FAILED. The
 * hub validates each command with its entry, once, before it calls the service.
 */
export const HUB_COMMANDS: { readonly [C in HubCommand]: z.ZodType<HubCommandPayload<C>, HubCommandInput<C>> } =
  commandSchemas;

/** Client → server on /hub: each command is one payload and an acknowledgement. */
export type ClientToServerEvents = {
  [C in HubCommand]: (payload: HubCommandInput<C>, ack: AckCallback<HubCommandResults[C]>) => void;
};

// ── /hub events (server → client) ───────────────────────────────────────────────────────────────

export interface ServerToClientEvents {
  /** Unit status changes of a joined project, in order (`seq`), batched (shared/src/live-state.ts applies them). */
  'units:changed': (frame: UnitsChangedFrame) => void;
  /** Sales paused or resumed, or the live state was rebuilt (`resync`: fetch a new snapshot). */
  'project:changed': (event: ProjectChangedEvent) => void;
  /** Queue numbers changed (taken, called, served, missed): the whole board state, no personal data. */
  'queue:changed': (state: QueueState) => void;
  /** A lottery (摇号) was drawn: the selection order, once per draw (docs/lottery.md). */
  'lottery:drawn': (event: LotteryDrawnEvent) => void;
  /** A below-floor price request was made or decided (managers of the project; the consultant who asked). */
  'approval:changed': (event: PriceApprovalInfo) => void;
  /** A change request 换房/退房/更名/调价 moved (managers of the project; the requester). */
  'change:changed': (event: ChangeRequestInfo) => void;
  /** A new price-list version is active: re-read the catalog and the pricing terms. */
  'prices:changed': (event: PricesChangedEvent) => void;
  /** A batch 推盘 was created, rescheduled, cancelled or released: re-read the batches (countdowns). */
  'batches:changed': (event: ProjectRef) => void;
  /** The deposit rule cancelled a subscription (its consultant; the project's managers). */
  'subscription:cancelled': (event: SubscriptionCancelledEvent) => void;
  /**
   * PostgreSQL or Redis went down or came back (sent by each hub process to its own sockets, and
   * once on connect). While `sellingBlockedBy(status)` is not null, screens show "selling paused"
   * and locks/confirms are refused with SERVICE_UNAVAILABLE; it clears by itself.
   */
  'system:status': (status: SystemStatus) => void;
  /** This socket's session ended (sign-out, ended from another device, user deactivated): the server hangs up next. */
  'session:ended': (event: SessionEndedEvent) => void;
  /**
   * This socket's device (board, kiosk, calling screen) was removed by a manager: the server hangs up
   * next and refuses the key from then on with DEVICE_REVOKED. The screen says "pair again".
   */
  'device:revoked': (event: DeviceRevokedEvent) => void;
}

/** Hub event `device:revoked`. */
export interface DeviceRevokedEvent {
  deviceId: string;
}

/** Hub event `session:ended`, sent just before the server closes every socket of a session that ended. */
export interface SessionEndedEvent {
  /** Signed out; ended by its user or an admin ("sign out this phone"); or the user was deactivated. */
  reason: 'logout' | 'revoked' | 'deactivated';
}

/**
 * Server → server events: none. The processes share state through Redis (the change log, the
 * socket.io Redis adapter's broadcasts), never through `serverSideEmit`.
 */
export type InterServerEvents = Record<string, never>;

/** Socket.IO handshake `auth` of /hub: a user token or a device key (boards, kiosks). */
export type HubAuth = { token: string } | { deviceKey: string };

// ── /queue (the public buyer page) ──────────────────────────────────────────────────────────────

/** Events of namespace `/queue`. */
export interface BuyerServerToClientEvents {
  'queue:changed': (state: QueueState) => void;
  /** This buyer's ticket changed (called, served, re-queued, dropped): the fresh view. */
  'ticket:changed': (view: BuyerView) => void;
  'availability:changed': (event: AvailabilityChangedEvent) => void;
}
/** Buyer sockets send nothing (the server registers no handler). */
export type BuyerClientToServerEvents = Record<string, never>;
/** Handshake `auth` of namespace `/queue`. */
export interface BuyerHubAuth {
  ticketToken: string;
}

// ── Refused handshakes ─────────────────────────────────────────────────────────────────────────

/**
 * A refused handshake reaches the client as `connect_error`: an Error whose message is the code and
 * whose `data` is the error body (what socket.io carries of a middleware's `next(err)`).
 */
export type HandshakeRefusal = Error & { data: ErrorBody };

/** The refusal of a handshake, for a namespace middleware's `next()`. */
export function handshakeRefusal(body: ErrorBody): HandshakeRefusal {
  return Object.assign(new Error(body.code), { data: body });
}

/**
 * The error code of a refused handshake (`connect_error`), or null (e.g. a network failure): from
 * `data` (`{code}`, or `{error: {code}}` as HTTP answers it), else the message.
 */
export function handshakeErrorCode(error: Error): ErrorCode | null {
  const data = 'data' in error ? error.data : undefined;
  const code = field(data, 'code') ?? field(field(data, 'error'), 'code');
  if (isErrorCode(code)) return code;
  return isErrorCode(error.message) ? error.message : null;
}

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && key in value ? Reflect.get(value, key) : undefined;
