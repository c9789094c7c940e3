/**
 * A plain node-postgres pool for the one statement on the launch-morning hot path (confirm).
 * Named (prepared) statements skip parsing and planning after a connection's first use, and skip
 * the ORM's query layer entirely. Everything else goes through Prisma.
 */
import pg from 'pg';

export type SqlPool = pg.Pool;

export function createSqlPool(databaseUrl: string, size: number, statementTimeoutMs: number): SqlPool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: size,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
  });
  // An idle connection that breaks (PostgreSQL restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` in one transaction on a checked-out client (BEGIN `begin` … COMMIT, ROLLBACK on a throw).
 * A checked-out client is not watched by the pool: PostgreSQL going away between two statements would
 * otherwise be an unhandled 'error' event (a crash); the failing statement reports it, and a client
 * that failed is discarded, not returned to the pool.
 */
export async function inClientTransaction<T>(
  pool: SqlPool,
  begin: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken ??= error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
