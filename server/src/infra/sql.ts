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
