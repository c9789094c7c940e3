/**
 * The one translation of thrown errors into coded error bodies, used by HTTP and the hub alike.
 * Internals of unexpected errors never leak: they become INTERNAL (logged with the stack).
 * PostgreSQL too busy to finish in time (a transaction without a connection or over its time, a
 * statement over `statement_timeout`, a lock wait over `lock_timeout`, a deadlock) answers
 * SERVICE_UNAVAILABLE too: rolled back, safe to retry. A dependency that is down (PostgreSQL or Redis
 * unreachable, restarting, shutting down) is not a bug either: it answers SERVICE_UNAVAILABLE (503)
 * and tells the process's health monitor, which checks at once and tells the screens.
 */
import { AppError, ERROR_HTTP_STATUS, ERROR_MESSAGES, type Dependency, type ErrorBody } from '@kaipan/shared';
import type { Logger } from './logger.js';

/** Told about every request that failed because a dependency looked down (DependencyHealth). */
export interface DependencyFailureSink {
  noteFailure(dependency: Dependency): void;
}

export function toErrorBody(
  error: unknown,
  log: Logger,
  health?: DependencyFailureSink,
): { status: number; body: ErrorBody } {
  if (error instanceof AppError) return { status: ERROR_HTTP_STATUS[error.code], body: error.toBody() };
  if (isTransactionNotInTime(error) || busySqlState(error)) {
    // Busy, not down (the health monitor is not told): the transaction was rolled back, a retry is safe.
    log.warn({ err: error }, 'a statement or transaction could not finish in time');
    return {
      status: ERROR_HTTP_STATUS.SERVICE_UNAVAILABLE,
      body: {
        code: 'SERVICE_UNAVAILABLE',
        message: ERROR_MESSAGES.SERVICE_UNAVAILABLE,
        details: { dependency: 'postgres' },
      },
    };
  }
  const dependency = unavailableDependency(error);
  if (dependency) {
    health?.noteFailure(dependency);
    // Not logged per request: the health monitor logs the outage once.
    return {
      status: ERROR_HTTP_STATUS.SERVICE_UNAVAILABLE,
      body: { code: 'SERVICE_UNAVAILABLE', message: ERROR_MESSAGES.SERVICE_UNAVAILABLE, details: { dependency } },
    };
  }
  log.error({ err: error }, 'unexpected error');
  return { status: 500, body: { code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL } };
}

/**
 * Prisma P2028: an interactive transaction that did not get a connection within maxWait, or was
 * still open at its timeout (rolled back). Both mean PostgreSQL is busy; neither committed anything.
 */
function isTransactionNotInTime(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2028';
}

/**
 * PostgreSQL SQLSTATEs of a statement PostgreSQL gave up on because it is busy — the statement was
 * cancelled and its transaction rolled back, so a retry is safe: 57014 query_canceled (over
 * `statement_timeout`), 55P03 lock_not_available (over `lock_timeout`), 40P01 deadlock_detected,
 * 40001 serialization_failure.
 */
const BUSY_SQL_STATES = new Set(['57014', '55P03', '40P01', '40001']);
/** Prisma's own code for 40001/40P01 ("write conflict or a deadlock"). */
const PRISMA_BUSY = 'P2034';

/**
 * The busy SQLSTATE behind this error, or null. Looks through the wrappers as
 * `unavailableDependency` does (node-postgres' `code`, Prisma's `meta.driverAdapterError.cause`
 * with `originalCode`, `cause` chains).
 */
export function busySqlState(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth += 1) {
    const record = current as Record<string, unknown>;
    for (const candidate of [record.code, record.originalCode])
      if (typeof candidate === 'string' && (BUSY_SQL_STATES.has(candidate) || candidate === PRISMA_BUSY))
        return candidate;
    const meta = record.meta as Record<string, unknown> | undefined;
    const driver = meta?.driverAdapterError as Record<string, unknown> | undefined;
    current = driver?.cause ?? driver ?? record.cause;
  }
  return null;
}

/**
 * PostgreSQL SQLSTATEs that mean "the server is not there now": class 08 (connection exception),
 * 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up, recovering),
 * 53300 too many connections.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** Prisma's codes for an unreachable server, a closed connection or an exhausted pool. */
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** @prisma/adapter-pg's error kinds for the same. */
const ADAPTER_UNAVAILABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** Socket errors (only PostgreSQL's driver lets them through to a request; ioredis words its own). */
const SOCKET_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** node-postgres's messages for a connection lost or never made (no SQLSTATE on these). */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];
/**
 * ioredis's and BullMQ's: a command refused while disconnected (enableOfflineQueue: false), flushed
 * after a dropped connection (maxRetriesPerRequest), on a closed connection, while Redis loads its
 * data after a restart, or unanswered (commandTimeout: a hung Redis).
 */
const REDIS_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Reached the max retries per request limit',
  'LOADING ',
  'Command timed out',
];

/**
 * Which dependency made this error, when it says that dependency is unreachable or restarting;
 * null for every other error (a bug, a constraint, a timeout of a slow statement…). Looks through
 * the wrappers (Prisma's `meta.driverAdapterError.cause`, `cause` chains).
 */
export function unavailableDependency(error: unknown): Dependency | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth += 1) {
    const record = current as Record<string, unknown>;
    const name = typeof record.name === 'string' ? record.name : '';
    const message = typeof record.message === 'string' ? record.message : '';
    const code = typeof record.code === 'string' ? record.code : '';
    if (name === 'MaxRetriesPerRequestError' || name === 'ConnectionClosedError') return 'redis';
    if (REDIS_MESSAGES.some((m) => message.startsWith(m))) return 'redis';
    if (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)) return 'postgres';
    if (PRISMA_UNAVAILABLE.has(code) || SOCKET_ERRNOS.has(code)) return 'postgres';
    if (PG_MESSAGES.some((m) => message.startsWith(m))) return 'postgres';
    const kind = record.kind;
    if (typeof kind === 'string' && ADAPTER_UNAVAILABLE.has(kind)) return 'postgres';
    const original = record.originalCode;
    if (typeof original === 'string' && isUnavailableSqlState(original)) return 'postgres';
    const meta = record.meta as Record<string, unknown> | undefined;
    const driver = meta?.driverAdapterError as Record<string, unknown> | undefined;
    current = driver?.cause ?? driver ?? record.cause;
  }
  return null;
}
