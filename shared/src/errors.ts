/**
 * The one registry of coded errors. Every error a client can see is listed here with its HTTP
 * status; the socket ack carries the same `{code, message}`. A missing entry fails to compile.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_CREDENTIALS',
  'PASSWORD_CHANGE_REQUIRED',
  'WEAK_PASSWORD',
  'USERNAME_TAKEN',
  'SETUP_CODE_INVALID',
  'ALREADY_SET_UP',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'UNIT_NOT_AVAILABLE',
  'NOT_RELEASED',
  'LOCK_HELD',
  'LOCK_EXPIRED',
  'LOCK_LIMIT',
  'SALES_PAUSED',
  'INVALID_TRANSITION',
  'CONFLICT',
  'DUPLICATE_CUSTOMER',
  'ALREADY_REGISTERED',
  'ENTITLEMENT_EXCEEDED',
  'REGISTRATION_REQUIRED',
  'SELECTION_NOT_OPEN',
  'PRICE_VERSION_STALE',
  'APPROVAL_REQUIRED',
  'DISCOUNT_NOT_APPLICABLE',
  'PLAN_NOT_APPLICABLE',
  'IMPORT_INVALID',
  'UNIT_CODE_TAKEN',
  'NOT_DELETABLE',
  'ABOVE_FILED_PRICE',
  'PROJECT_ARCHIVED',
  'UNIT_NOT_PERMITTED',
  'NOT_A_REHEARSAL',
  'REHEARSAL_SOURCE',
  'UNPRINTABLE_CHARACTER',
  'LAST_MANAGER',
  'ROLE_NOT_ASSIGNABLE',
  'DEVICE_REVOKED',
  'PAIRING_EXPIRED',
  'PAIRING_USED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Optional machine-readable detail, e.g. the failing fields of a validation error. */
  details?: unknown;
}

/** Every refusal over HTTP: `{error: {code, message, details?}}` (the status from ERROR_HTTP_STATUS). */
export const errorResponseSchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
});

/** HTTP status for each code: the only place this mapping is written. */
export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_CREDENTIALS: 401,
  PASSWORD_CHANGE_REQUIRED: 403,
  WEAK_PASSWORD: 422,
  USERNAME_TAKEN: 409,
  SETUP_CODE_INVALID: 401,
  ALREADY_SET_UP: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNIT_NOT_AVAILABLE: 409,
  NOT_RELEASED: 409,
  LOCK_HELD: 409,
  LOCK_EXPIRED: 409,
  LOCK_LIMIT: 409,
  SALES_PAUSED: 409,
  INVALID_TRANSITION: 409,
  CONFLICT: 409,
  DUPLICATE_CUSTOMER: 409,
  ALREADY_REGISTERED: 409,
  ENTITLEMENT_EXCEEDED: 409,
  REGISTRATION_REQUIRED: 409,
  SELECTION_NOT_OPEN: 409,
  PRICE_VERSION_STALE: 409,
  APPROVAL_REQUIRED: 409,
  DISCOUNT_NOT_APPLICABLE: 422,
  PLAN_NOT_APPLICABLE: 422,
  IMPORT_INVALID: 422,
  UNIT_CODE_TAKEN: 409,
  NOT_DELETABLE: 409,
  ABOVE_FILED_PRICE: 422,
  PROJECT_ARCHIVED: 409,
  UNIT_NOT_PERMITTED: 409,
  NOT_A_REHEARSAL: 409,
  REHEARSAL_SOURCE: 409,
  UNPRINTABLE_CHARACTER: 422,
  LAST_MANAGER: 409,
  ROLE_NOT_ASSIGNABLE: 422,
  DEVICE_REVOKED: 401,
  PAIRING_EXPIRED: 410,
  PAIRING_USED: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Default human message per code (English; clients translate by code). */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The request is not valid.',
  INVALID_CREDENTIALS: 'Wrong username or password.',
  PASSWORD_CHANGE_REQUIRED: 'Choose a new password before you continue.',
  WEAK_PASSWORD: 'The password does not meet the password rules.',
  USERNAME_TAKEN: 'This username is already taken.',
  SETUP_CODE_INVALID: 'The setup code is wrong, used or expired.',
  ALREADY_SET_UP: 'An administrator exists already; sign in instead.',
  UNAUTHENTICATED: 'Please log in.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'Not found.',
  UNIT_NOT_AVAILABLE: 'The unit is not available.',
  NOT_RELEASED: 'The unit has not been released for sale.',
  LOCK_HELD: 'Another consultant holds this unit.',
  LOCK_EXPIRED: 'Your lock on this unit has expired or was released.',
  LOCK_LIMIT: 'You already hold the maximum number of locks.',
  SALES_PAUSED: 'Sales are paused.',
  INVALID_TRANSITION: 'The unit cannot change to that status now.',
  CONFLICT: 'The request conflicts with the current state.',
  DUPLICATE_CUSTOMER: 'A customer with this phone number is already registered in this project.',
  ALREADY_REGISTERED: 'This household already has a registration in this project.',
  ENTITLEMENT_EXCEEDED: 'The buyer has used all the units their registration allows.',
  REGISTRATION_REQUIRED: 'Choose the registered buyer this unit is for.',
  SELECTION_NOT_OPEN: "The buyer's number has not been called, or their selection time is over.",
  PRICE_VERSION_STALE: 'Prices changed since this quote (a new price list is active); quote again.',
  APPROVAL_REQUIRED: "The price is below the floor price and needs a manager's approval.",
  DISCOUNT_NOT_APPLICABLE: 'A selected discount does not apply to this deal.',
  PLAN_NOT_APPLICABLE: 'The payment plan cannot be used for this price.',
  IMPORT_INVALID: 'The file has invalid rows; nothing was imported.',
  UNIT_CODE_TAKEN: 'Unit codes of the project would be used twice; nothing was created.',
  NOT_DELETABLE: 'Units that were ever released, locked or sold cannot be deleted.',
  ABOVE_FILED_PRICE: 'The price is above the filed price 备案价 of the unit.',
  PROJECT_ARCHIVED: 'The project is archived: it is read-only and nothing is sold.',
  UNIT_NOT_PERMITTED: 'Some units are covered by no presale permit of the project and cannot be released.',
  NOT_A_REHEARSAL: 'Only a rehearsal can be reset; this is a real project.',
  REHEARSAL_SOURCE: 'A rehearsal is copied from a real project, not from another rehearsal.',
  UNPRINTABLE_CHARACTER: 'A character of this document is in no font on the server; it was not printed.',
  LAST_MANAGER: 'The project would be left without a manager; make someone else manager first.',
  ROLE_NOT_ASSIGNABLE: 'Administrator is an account setting, not a role in a project.',
  DEVICE_REVOKED: 'This screen was removed by a manager; pair it again.',
  PAIRING_EXPIRED: 'This pairing code has expired or does not exist; show a new code on the screen.',
  PAIRING_USED: 'This pairing code has already been used.',
  RATE_LIMITED: 'Too many requests; slow down.',
  PAYLOAD_TOO_LARGE: 'The request is too large.',
  SERVICE_UNAVAILABLE: 'A service is unavailable; try again shortly.',
  INTERNAL: 'Something went wrong on the server.',
};

/** An error that carries a registered code. Services throw it; transports map it. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_MESSAGES[code]);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
