/**
 * The one translation of thrown errors into coded error bodies, used by HTTP and the hub alike.
 * Internals of unexpected errors never leak: they become INTERNAL (logged with the stack).
 */
import { AppError, ERROR_HTTP_STATUS, ERROR_MESSAGES, type ErrorBody } from '@kaipan/shared';
import type { Logger } from './logger.js';

export function toErrorBody(error: unknown, log: Logger): { status: number; body: ErrorBody } {
  if (error instanceof AppError) return { status: ERROR_HTTP_STATUS[error.code], body: error.toBody() };
  log.error({ err: error }, 'unexpected error');
  return { status: 500, body: { code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL } };
}
