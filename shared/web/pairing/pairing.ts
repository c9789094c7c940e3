/**
 * The screen's side of pairing (shared/src/devices.ts): a board, kiosk or calling screen opened
 * without a key asks for a pairing code, shows it (and a QR code of `/pair/<code>` for the manager's
 * phone), and asks every CLAIM_EVERY_MS whether a manager approved it — with the secret only this
 * screen holds, so the QR code never carries a key. An expired code is replaced by a new one;
 * trouble on the way (offline, server down) is shown and retried, never an endless spinner.
 */
import { createSignal, onCleanup } from 'solid-js';
import {
  API,
  type ApiError,
  callApi,
  toApiError,
  type PairableKind,
  type PairingClaim,
  type PendingPairing,
  type SendRequest,
} from '@kaipan/shared';
import { createTransport } from '../http/transport';

/** How often the waiting screen asks whether it was approved. */
export const CLAIM_EVERY_MS = 2_000;
/** After a failure (offline, throttled, server down): wait this long, then try again. */
const RETRY_MS = 5_000;

export type PairedDevice = Extract<PairingClaim, { status: 'paired' }>;

const transport = createTransport({ credentials: 'omit', noStore: true });
const send: SendRequest = (method, path, body) => transport.json<unknown>(method, path, { auth: null, json: body });

/** The address a manager's phone opens for this code (the client app's approval page). */
export function pairingUrl(code: string, origin = location.origin): string {
  return `${origin}/pair/${code}`;
}

/**
 * Start pairing as `kind` (call inside a component: stops on cleanup). `onPaired` gets the device
 * key once a manager approved; the caller stores it and starts the screen.
 */
export function createScreenPairing(kind: PairableKind, onPaired: (device: PairedDevice) => void) {
  const [pending, setPending] = createSignal<PendingPairing | null>(null);
  const [problem, setProblem] = createSignal<ApiError | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const later = (ms: number, step: () => Promise<void>): void => {
    if (stopped) return;
    timer = setTimeout(() => void step(), ms);
  };

  const start = async (): Promise<void> => {
    try {
      const next = await callApi(send, API.devices.startPairing, { body: { kind } });
      if (stopped) return;
      setPending(next);
      setProblem(null);
      later(CLAIM_EVERY_MS, claim);
    } catch (error) {
      setProblem(toApiError(error));
      later(RETRY_MS, start);
    }
  };

  const claim = async (): Promise<void> => {
    const current = pending();
    if (!current) return start();
    try {
      const answer = await callApi(send, API.devices.claimPairing, {
        body: { code: current.code, secret: current.secret },
      });
      if (stopped) return;
      setProblem(null);
      if (answer.status === 'paired') {
        stopped = true;
        onPaired(answer);
        return;
      }
      later(CLAIM_EVERY_MS, claim);
    } catch (error) {
      const err = toApiError(error);
      // Expired (or taken by someone else): a fresh code at once.
      if (err.code === 'PAIRING_EXPIRED' || err.code === 'PAIRING_USED') {
        setPending(null);
        return start();
      }
      setProblem(err);
      later(RETRY_MS, claim);
    }
  };

  void start();
  onCleanup(() => {
    stopped = true;
    clearTimeout(timer);
  });
  return { pending, problem };
}
