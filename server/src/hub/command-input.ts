/**
 * What reaches the hub before a command's schema: the handshake (headers kept as data, `auth`) and
 * the arguments socket.io hands a handler. The text rule of shared/src/text.ts applies to both; a
 * command is exactly one payload and an acknowledgement. Refusals are coded errors in the ack shape
 * `{ok:false, error:{code, message, details?}}` and change nothing (docs/protocol.md "Socket.IO hub").
 */
import { AppError, findTextProblem, type Ack } from '@kaipan/shared';

export type AckFn = (response: Ack<unknown>) => void;

/**
 * Whether the last argument of an event is an acknowledgement: socket.io passes its own callback
 * there (whatever the client sends, it is never a function over the wire), which sends what it is
 * given back to the client.
 */
export function isAckCallback(value: unknown): value is AckFn {
  return typeof value === 'function';
}

/** Handshake headers whose text is kept (deviceLabel → audit trail), as over HTTP (input-guard.ts). */
const DATA_HEADERS = ['x-kaipan-device', 'user-agent'] as const;

const refuse = (issue: { path: string; message: string }): AppError =>
  new AppError('VALIDATION_FAILED', `${issue.path}: ${issue.message}`, [issue]);

/**
 * The arguments of one incoming command. socket.io passes the acknowledgement last; without one
 * nothing can be answered and the command is ignored (`ack: null`). Otherwise `error` is set when the
 * arguments are not exactly one payload (e.g. `emit('unit:lock', ack)` sent no payload at all) or
 * the payload breaks the text rule; the schema then checks the payload's shape.
 */
export function readCommand(args: readonly unknown[]): { ack: AckFn | null; payload: unknown; error: AppError | null } {
  const ack = args[args.length - 1];
  if (!isAckCallback(ack)) return { ack: null, payload: undefined, error: null };
  if (args.length !== 2) {
    const error = new AppError('VALIDATION_FAILED', 'Send one payload object, then the acknowledgement callback.', [
      { path: '(root)', message: `expected 1 payload argument, received ${args.length - 1}` },
    ]);
    return { ack, payload: undefined, error };
  }
  const payload = args[0];
  const problem = findTextProblem(payload);
  return { ack, payload, error: problem ? refuse(problem) : null };
}

/** The handshake's problem (text rule on `auth` and the data headers), or null. */
export function checkHandshake(handshake: {
  auth: unknown;
  headers: Record<string, string | string[] | undefined>;
}): AppError | null {
  const auth = findTextProblem(handshake.auth, 'auth');
  if (auth) return refuse(auth);
  for (const name of DATA_HEADERS) {
    const header = findTextProblem(handshake.headers[name], `headers.${name}`);
    if (header) return refuse(header);
  }
  return null;
}

/** An ack for an event the hub has no command for (socket.io would otherwise never answer it). */
export function unknownCommand(): Ack<never> {
  return { ok: false, error: new AppError('NOT_FOUND', 'No such command.').toBody() };
}
