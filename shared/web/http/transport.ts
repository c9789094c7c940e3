/**
 * The one HTTP transport of the web apps (client/ and kiosk/): fetch with a timeout, the offline
 * check, the caller's credentials (bearer token or device key) and every failure as an ApiError with
 * a registered code (or NETWORK_ERROR / TIMEOUT / OFFLINE when the server never answered). The
 * per-endpoint functions (client/src/lib/api.ts, kiosk/src/lib/api.ts, kiosk/src/lib/cashier-api.ts)
 * sit on top of it.
 */
import { ApiError, DEVICE_KEY_HEADER, apiErrorFrom, toApiError, type HttpMethod } from '@kaipan/shared';

/** Default time a request may take before it fails with TIMEOUT, ms. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** The methods of the route table (shared/src/api/route.ts). */
export type { HttpMethod };

/**
 * How one request authenticates: a person's bearer token (at a cashier desk with the desk's key
 * beside it, which names the desk in the audit trail), a device key (board, kiosk), or nothing.
 */
export type RequestAuth = { token: string | null; deskKey?: string | null } | { deviceKey: string } | null;

export interface TransportConfig {
  /** The credentials of the app's requests when a call names none (e.g. the signed-in user's token). */
  auth?: () => RequestAuth;
  /** fetch's `credentials` (cookies): 'same-origin' for the consultant app, 'omit' for devices. */
  credentials: RequestCredentials;
  /** Bypass the HTTP cache (kiosk and cashier answers are always live). */
  noStore?: boolean;
  /**
   * Called when a request sent with a token is refused as UNAUTHENTICATED: the session is over
   * (expired, ended elsewhere, user deactivated) and the app signs out.
   */
  onSessionRejected?: () => void;
}

export interface SendOptions {
  /** Overrides the transport's `auth` for this request. */
  auth?: RequestAuth;
  /** A JSON body. */
  json?: unknown;
  /** A body sent as is (file upload, raw JSON text) with its content type. */
  raw?: { data: Blob | string; contentType: string };
  /** The Accept header; JSON by default. */
  accept?: string;
  /** ms; REQUEST_TIMEOUT_MS by default. Ignored when `signal` is given. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Overrides the transport's fetch `credentials` for this request. */
  credentials?: RequestCredentials;
}

export interface Transport {
  /** Send a request; resolves to the 2xx Response, throws an ApiError otherwise. */
  send(method: HttpMethod, path: string, options?: SendOptions): Promise<Response>;
  /** Send a request and read its JSON answer (an empty or unreadable body is INTERNAL). */
  json<T>(method: HttpMethod, path: string, options?: SendOptions): Promise<T>;
}

function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A transport with the app's defaults (credentials, cache, who signs out on a refused token). */
export function createTransport(config: TransportConfig): Transport {
  async function send(method: HttpMethod, path: string, options: SendOptions = {}): Promise<Response> {
    const auth = options.auth !== undefined ? options.auth : (config.auth?.() ?? null);
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    let usedToken = false;
    if (auth && 'deviceKey' in auth) {
      headers[DEVICE_KEY_HEADER] = auth.deviceKey;
    } else if (auth?.token) {
      headers.Authorization = `Bearer ${auth.token}`;
      usedToken = true;
      if (auth.deskKey) headers[DEVICE_KEY_HEADER] = auth.deskKey;
    }
    let body: BodyInit | undefined;
    if (options.raw) {
      headers['Content-Type'] = options.raw.contentType;
      body = options.raw.data;
    } else if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    if (isOffline()) throw new ApiError('OFFLINE', 'The device is offline.');
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body,
        credentials: options.credentials ?? config.credentials,
        ...(config.noStore ? { cache: 'no-store' as const } : {}),
        signal: options.signal ?? AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw toApiError(error);
    }
    if (!response.ok) {
      const error = apiErrorFrom(response.status, await readJson(response));
      if (usedToken && error.code === 'UNAUTHENTICATED') config.onSessionRejected?.();
      throw error;
    }
    return response;
  }

  async function json<T>(method: HttpMethod, path: string, options?: SendOptions): Promise<T> {
    const response = await send(method, path, options);
    const parsed = await readJson(response);
    if (parsed === undefined)
      throw new ApiError('INTERNAL', `Unexpected response from ${method} ${path}`, response.status);
    return parsed as T;
  }

  return { send, json };
}
