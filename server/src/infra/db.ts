/** PostgreSQL through Prisma (driver adapter on node-postgres). */
import { PrismaPg } from '@prisma/adapter-pg';
import type { IsolationLevel, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client.js';

import type { Prisma as PrismaNs } from '../generated/prisma/client.js';

export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = PrismaNs.TransactionClient;
export { Prisma } from '../generated/prisma/client.js';

/**
 * Run one transaction's queries one after another. Prisma's query interpreter loads a query's
 * relations in parallel (Promise.all over a join's children): on the pool each gets its own
 * connection, but a transaction has ONE pg client, and pg 8 queues a query sent while another runs
 * with a DeprecationWarning (pg 9 refuses it). The order and the round trips are what pg's own queue
 * gave; only the queue is ours. (Upstream: prisma/orm#29468. Outside transactions nothing changes.)
 */
function serialiseQueries(tx: Transaction): Transaction {
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  };
  const queryRaw = tx.queryRaw.bind(tx);
  const executeRaw = tx.executeRaw.bind(tx);
  tx.queryRaw = (query: SqlQuery) => inTurn(() => queryRaw(query));
  tx.executeRaw = (query: SqlQuery) => inTurn(() => executeRaw(query));
  return tx;
}

/** PrismaPg whose interactive transactions send one query at a time (see serialiseQueries). */
class PrismaPgSerialTransactions extends PrismaPg {
  override async connect(): ReturnType<PrismaPg['connect']> {
    const adapter = await super.connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel?: IsolationLevel) => serialiseQueries(await start(isolationLevel));
    return adapter;
  }
}

/** How long a query or a transaction waits for a pooled connection (then SERVICE_UNAVAILABLE). */
const CONNECTION_WAIT_MS = 10_000;
/** How long an interactive transaction may stay open: a few statements, each bounded by statement_timeout. */
const TRANSACTION_TIMEOUT_MS = 20_000;

export function createDb(databaseUrl: string, poolSize: number, statementTimeoutMs = 8_000): Db {
  const adapter = new PrismaPgSerialTransactions({
    connectionString: databaseUrl,
    max: poolSize,
    // Bounded waits: a confirm holds its lock "confirming" for CONFIRM_GRACE_MS, which must exceed
    // the time to get a connection plus the longest statement.
    connectionTimeoutMillis: CONNECTION_WAIT_MS,
    statement_timeout: statementTimeoutMs,
    idleTimeoutMillis: 30_000,
  });
  // A transaction waits for a connection as long as a query does, and may last as long as the
  // statements it waits on: Prisma's defaults (2 s to start, 5 s in all) gave up on transactions
  // that were only queued behind others (P2028: kiosk takes under load answered 500).
  return new PrismaClient({
    adapter,
    transactionOptions: { maxWait: CONNECTION_WAIT_MS, timeout: TRANSACTION_TIMEOUT_MS },
  });
}

/** Open the pool's connections up front so a launch-morning burst does not pay for handshakes. */
export async function warmDb(db: Db, connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => db.$queryRaw`SELECT 1 FROM pg_sleep(0.05)`));
}

/** True when PostgreSQL answers within `timeoutMs`. */
export async function pingDb(db: Db, timeoutMs = 2_000): Promise<boolean> {
  try {
    await withTimeout(db.$queryRaw`SELECT 1`, timeoutMs);
    return true;
  } catch {
    return false;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** PostgreSQL error code of a failed query (e.g. '23505' unique violation), if any. */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const record = current as Record<string, unknown>;
    if (typeof record.code === 'string' && /^[0-9A-Z]{5}$/.test(record.code)) return record.code;
    const meta = record.meta as Record<string, unknown> | undefined;
    const driver = meta?.driverAdapterError as Record<string, unknown> | undefined;
    const cause = driver?.cause as Record<string, unknown> | undefined;
    if (typeof cause?.originalCode === 'string') return cause.originalCode;
    if (typeof cause?.code === 'string' && /^[0-9A-Z]{5}$/.test(cause.code)) return cause.code;
    current = record.cause;
  }
  return undefined;
}
