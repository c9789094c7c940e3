/**
 * PostgreSQL: `app.db`, the Prisma client (its own pg pool), and `app.sql`, a small raw pg pool for
 * the hot path's single statements (confirm, audit batches). Both are warmed before the first
 * request, so the launch storm does not open connections.
 */
import fp from 'fastify-plugin';
import { createDb, warmDb, type Db } from '../infra/db.js';
import { createSqlPool, type SqlPool } from '../infra/sql.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    sql: SqlPool;
  }
}

export interface PostgresPluginOptions {
  /** `server`: PG_POOL_SIZE connections (and half as many raw); `worker`: a few, for jobs and sweeps. */
  process: 'server' | 'worker';
}

export const postgresPlugin = fp<PostgresPluginOptions>(
  async (app, opts) => {
    const { databaseUrl, pgPoolSize, pgStatementTimeoutMs } = app.config;
    const server = opts.process === 'server';
    const db = server ? createDb(databaseUrl, pgPoolSize, pgStatementTimeoutMs) : createDb(databaseUrl, 4);
    const sql = createSqlPool(databaseUrl, server ? Math.max(4, Math.ceil(pgPoolSize / 2)) : 1, pgStatementTimeoutMs);
    app.decorate('db', db);
    app.decorate('sql', sql);
    app.addHook('onReady', async () => {
      if (!server) {
        await warmDb(db, 2);
        return;
      }
      await warmDb(db, pgPoolSize);
      await Promise.all(Array.from({ length: sql.options.max ?? 4 }, () => sql.query('SELECT pg_sleep(0.02)')));
    });
    app.addHook('onClose', async () => {
      await db.$disconnect();
      await sql.end();
    });
  },
  { name: 'postgres', dependencies: ['config'] },
);
