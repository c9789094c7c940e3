/**
 * What the kiosk's setup screen makes of the server's answer to a setup PIN (pure; the server's
 * rules are in server/src/domain/kiosk-pin.ts): wrong (and how many tries are left, or how long to
 * wait), wait, no PIN set for the project, or another failure (network…) to show with a retry.
 */
import type { KioskSetupRefusal } from '@kaipan/shared';
import { toApiError, type ApiError } from './api';

/** Longest PIN typed (the server takes 4–8 digits). */
export const PIN_MAX_DIGITS = 8;
export const PIN_MIN_DIGITS = 4;

export type PinRefusal =
  | { kind: 'wrong'; attemptsLeft: number; waitSeconds: number }
  | { kind: 'wait'; waitSeconds: number }
  | { kind: 'no-pin' }
  | { kind: 'other'; error: ApiError };

export function readPinRefusal(error: unknown): PinRefusal {
  const err = toApiError(error);
  const details = (typeof err.details === 'object' && err.details !== null ? err.details : {}) as KioskSetupRefusal;
  const wait = Math.max(0, Math.ceil(details.retryAfterSeconds ?? 0));
  if (err.code === 'INVALID_CREDENTIALS')
    return { kind: 'wrong', attemptsLeft: details.attemptsBeforeWait ?? 0, waitSeconds: wait };
  if (err.code === 'RATE_LIMITED') return { kind: 'wait', waitSeconds: Math.max(1, wait) };
  if (err.code === 'FORBIDDEN' && details.kioskPinSet === false) return { kind: 'no-pin' };
  return { kind: 'other', error: err };
}
