/**
 * Per-test-file access to the services started by test/global-setup.ts.
 *
 *   const db = await createTestDatabase();   // beforeAll: fresh migrated DB (clone of kaipan_template)
 *   …new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) })…
 *   await db.drop();                          // afterAll (closes stray connections: WITH (FORCE))
 *
 *   const redis = new Redis(testRedisUrl()); const prefix = uniqueRedisPrefix();  // 't:<random>:'
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  /** postgresql://…/t_<random> */
  url: string;
  name: string;
  /** DROP DATABASE … WITH (FORCE). Idempotent. */
  drop(): Promise<void>;
}

function urlForDatabase(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database with all migrations applied, cloned from the template. One per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const template = inject('templateDb');
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      break;
    } catch (err) {
      // 55006: "source database is being accessed by other users" — a transient connection to the
      // template (none are expected; retry briefly rather than fail the file).
      if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: urlForDatabase(inject('pgAdminUrl'), name),
    drop: () => (dropped ??= adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/** A fresh database with nothing in it (no migration applied): what a first start migrates. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: urlForDatabase(inject('pgAdminUrl'), name),
    drop: () => (dropped ??= adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/** URL of the shared test redis-server. Always combine with uniqueRedisPrefix(). */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** Unique key prefix, e.g. `t:3f9a1c2b7d10:`, so test files can share one Redis. */
export function uniqueRedisPrefix(): string {
  return `t:${randomBytes(6).toString('hex')}:`;
}
