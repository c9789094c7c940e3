/**
 * How the browser apps (client/, kiosk/) see a failed request: one ApiError carrying a registered
 * ErrorCode, or a client-side code when the server was never reached. One definition for both apps.
 */
import { ERROR_MESSAGES, isErrorCode, type ErrorCode } from './errors.js';

/** Failures the server cannot report because it was never reached (or never answered). */
export const CLIENT_ERROR_CODES = ['NETWORK_ERROR', 'TIMEOUT', 'OFFLINE'] as const;
export type ClientErrorCode = ErrorCode | (typeof CLIENT_ERROR_CODES)[number];

export class ApiError extends Error {
  readonly code: ClientErrorCode;
  /** HTTP status, 0 when no response arrived. */
  readonly status: number;
  readonly details?: unknown;
  constructor(code: ClientErrorCode, message: string, status = 0, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Normalise anything thrown into an ApiError so screens can translate by code. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new ApiError('TIMEOUT', 'The server did not answer in time.');
  }
  if (error instanceof TypeError) return new ApiError('NETWORK_ERROR', error.message);
  return new ApiError('INTERNAL', error instanceof Error ? error.message : String(error));
}

/** The code for a failed response without a readable `{error:{code}}` body (e.g. from a proxy). */
export function statusToCode(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503 || status === 504) return 'SERVICE_UNAVAILABLE';
  if (status >= 400 && status < 500) return 'VALIDATION_FAILED';
  return 'INTERNAL';
}

/** The ApiError for a failed response: its `{error:{code, message, details}}` body when present. */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  const err = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const e =
    typeof err === 'object' && err !== null ? (err as { code?: unknown; message?: unknown; details?: unknown }) : {};
  const code = isErrorCode(e.code) ? e.code : statusToCode(status);
  const message = typeof e.message === 'string' ? e.message : ERROR_MESSAGES[code];
  return new ApiError(code, message, status, e.details);
}
