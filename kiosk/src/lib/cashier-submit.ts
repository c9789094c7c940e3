/**
 * "A double click, a retry or a reconnect never records twice" (issue 6), on the client's side:
 *
 * - one idempotency key per payment: made when the form opens, KEPT through every retry and every
 *   refusal until the server answers success, and only then replaced (the next payment gets a new one);
 * - single flight: while a submission is on its way, submitting again joins it instead of sending;
 * - when the answer is lost (network error, timeout, 5xx — the server may have recorded it) the same
 *   body goes again with the same key, a few times with backoff; the server answers the first result.
 *
 * Pure (no DOM): time, randomness and the transport are injected, so the unit tests drive it.
 */
import { toApiError, type ApiError, type ClientErrorCode } from './api';

/** Answers that do not say whether the server acted: sending again (same key) is safe and needed. */
const UNKNOWN_OUTCOME: ReadonlySet<ClientErrorCode> = new Set([
  'NETWORK_ERROR',
  'TIMEOUT',
  'OFFLINE',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
]);

/** True when a failed submission may still have been recorded (resend with the same key). */
export function outcomeUnknown(error: ApiError): boolean {
  return UNKNOWN_OUTCOME.has(error.code) || error.status >= 500;
}

/** 22 url-safe random characters (idempotencyKeySchema: 8–64 of [A-Za-z0-9_-]). Works on plain http too. */
export function newIdempotencyKey(
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const bytes = random(new Uint8Array(16));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (const b of bytes) out += alphabet[b & 63]!;
  // 16 × 6 bits = 96 bits of entropy; a prefix keeps keys recognisable in the database.
  return `ck-${out}`;
}

export interface SubmitterOptions {
  /** Delays before each automatic resend after an unknown outcome, ms (default 600, 1500, 3000). */
  retryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  newKey?: () => string;
  /** Called on every attempt (the UI shows "sending again…"). */
  onAttempt?: (attempt: number, key: string) => void;
}

export interface Submitter<B, R> {
  /** The key the current payment is sent with. */
  key(): string;
  inFlight(): boolean;
  /**
   * Send `body` with the current key. While one is in flight, the same promise is returned (a second
   * click sends nothing). Success: resolves and replaces the key. Failure: rejects with an ApiError,
   * the key stays (a resend of the same payment must use it).
   */
  submit(body: B): Promise<R>;
  /** Start a new payment: a new key (only when nothing is in flight). */
  reset(): void;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createSubmitter<B, R>(
  send: (key: string, body: B) => Promise<R>,
  options: SubmitterOptions & { initialKey?: string } = {},
): Submitter<B, R> {
  const delays = options.retryDelaysMs ?? [600, 1_500, 3_000];
  const sleep = options.sleep ?? defaultSleep;
  const makeKey = options.newKey ?? (() => newIdempotencyKey());
  let key = options.initialKey ?? makeKey();
  let pending: Promise<R> | null = null;

  const run = async (body: B): Promise<R> => {
    const sentKey = key;
    for (let attempt = 0; ; attempt += 1) {
      options.onAttempt?.(attempt, sentKey);
      try {
        const result = await send(sentKey, body);
        // Recorded: the next payment is a new one.
        if (key === sentKey) key = makeKey();
        return result;
      } catch (err) {
        const error = toApiError(err);
        const delay = delays[attempt];
        if (!outcomeUnknown(error) || delay === undefined) throw error;
        await sleep(delay);
      }
    }
  };

  return {
    key: () => key,
    inFlight: () => pending !== null,
    submit(body) {
      if (pending) return pending;
      const p = run(body).finally(() => {
        pending = null;
      });
      pending = p;
      return p;
    },
    reset() {
      if (!pending) key = makeKey();
    },
  };
}
