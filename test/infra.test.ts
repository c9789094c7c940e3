/**
 * Infrastructure smoke tests: embedded PostgreSQL + migrations, the hand-written constraints,
 * redis-server, and that prisma/migrations is in sync with prisma/schema.prisma.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  applyMigrations,
  checkMigrationsUpToDate,
  createMigration,
  MIGRATIONS_DIR,
  SCHEMA_PATH,
  stripHandWrittenObjects,
} from '../server/src/infra/migrate.js';
import { createTestDatabase, testRedisUrl, uniqueRedisPrefix, type TestDatabase } from './support/services.js';

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

async function pgErrorCode(p: Promise<unknown>): Promise<{ code?: string; constraint?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; constraint?: string };
  }
  throw new Error('expected the statement to fail');
}

describe('migrations', () => {
  it('created every table', async () => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      [
        '_prisma_migrations',
        'audit_events',
        'batches',
        'buildings',
        'change_requests',
        'customers',
        'day_closes',
        'devices',
        'discount_rules',
        'documents',
        'follow_ups',
        'lottery_draws',
        'payment_lines',
        'payment_plans',
        'payments',
        'price_approvals',
        'price_list_entries',
        'price_lists',
        'project_members',
        'projects',
        'queue_categories',
        'queue_tickets',
        'receipt_books',
        'receipts',
        'registrations',
        'rehearsal_snapshots',
        'sessions',
        'shortlist_items',
        'subscriptions',
        'teams',
        'presale_permits',
        'unit_layouts',
        'units',
        'users',
        'void_requests',
      ].sort(),
    );
  });

  it('recorded the init migration in _prisma_migrations, like prisma migrate deploy', async () => {
    const dirs = (await fs.readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((d) => d.isDirectory());
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null; checksum: string }>(
      'SELECT migration_name, finished_at, checksum FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(dirs.map((d) => d.name).sort());
    expect(rows[0]!.migration_name).toMatch(/^\d{14}_init$/);
    expect(rows.every((r) => r.finished_at !== null && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it('is idempotent (re-applying to a migrated database applies nothing)', async () => {
    expect(await applyMigrations(db.url)).toEqual({ applied: [] });
  });

  it('prisma/migrations is up to date with prisma/schema.prisma', async () => {
    expect(await checkMigrationsUpToDate(inject('pgAdminUrl'))).toBe('');
  });
});

describe('hand-written constraints', () => {
  const ids = {
    user: randomUUID(),
    project: randomUUID(),
    building: randomUUID(),
    unit: randomUUID(),
  };

  beforeAll(async () => {
    await client.query(`INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, 'c1', 'C1', 'x')`, [
      ids.user,
    ]);
    await client.query(
      `INSERT INTO projects (id, code, name, name_en, city) VALUES ($1, 'P1', '项目', 'Project', 'Hangzhou')`,
      [ids.project],
    );
    await client.query(
      `INSERT INTO buildings (id, project_id, code, name, name_en, floors, units_per_floor)
       VALUES ($1, $2, 'B1', '1号楼', 'Building 1', 10, 4)`,
      [ids.building, ids.project],
    );
    await client.query(
      `INSERT INTO units (id, project_id, building_id, code, floor, position, layout, layout_name,
                          gross_area, net_area, orientation, list_price, floor_price, updated_at)
       VALUES ($1, $2, $3, '0801', 8, 1, 'A', '三室两厅', 98.50, 80.10, 'S', 300000000, 280000000, now())`,
      [ids.unit, ids.project, ids.building],
    );
  });

  const subscribe = (status: 'ACTIVE' | 'CANCELLED' | 'CONTRACTED') =>
    client.query(
      `INSERT INTO subscriptions (id, project_id, unit_id, consultant_id, buyer_name, buyer_phone, price, lock_token, status)
       VALUES ($1, $2, $3, $4, 'Buyer', '13800000000', 290000000, 1, $5) RETURNING id`,
      [randomUUID(), ids.project, ids.unit, ids.user, status],
    );

  it('allows at most one ACTIVE subscription per unit, any number of CANCELLED ones', async () => {
    const first = await subscribe('ACTIVE');
    const err = await pgErrorCode(subscribe('ACTIVE'));
    expect(err.code).toBe('23505'); // unique_violation
    expect(err.constraint).toBe('subscriptions_one_live_per_unit');

    await subscribe('CANCELLED');
    await subscribe('CANCELLED');

    // Once the active one is cancelled, a new ACTIVE subscription is accepted.
    await client.query(`UPDATE subscriptions SET status = 'CANCELLED' WHERE id = $1`, [first.rows[0].id]);
    await subscribe('ACTIVE');
    const { rows } = await client.query(
      `SELECT status, count(*)::int AS n FROM subscriptions WHERE unit_id = $1 GROUP BY status ORDER BY status`,
      [ids.unit],
    );
    expect(rows).toEqual([
      { status: 'ACTIVE', n: 1 },
      { status: 'CANCELLED', n: 3 },
    ]);

    // A CONTRACTED subscription is live too: no ACTIVE one may join it.
    await client.query(`UPDATE subscriptions SET status = 'CONTRACTED' WHERE unit_id = $1 AND status = 'ACTIVE'`, [
      ids.unit,
    ]);
    expect((await pgErrorCode(subscribe('ACTIVE'))).code).toBe('23505');
    expect((await pgErrorCode(subscribe('CONTRACTED'))).code).toBe('23505');
  });

  it('rejects negative list/floor prices', async () => {
    for (const column of ['list_price', 'floor_price']) {
      const err = await pgErrorCode(client.query(`UPDATE units SET ${column} = -1 WHERE id = $1`, [ids.unit]));
      expect(err.code).toBe('23514'); // check_violation
    }
  });
});

describe('createMigration / check tolerance', () => {
  it('ignores DROP INDEX of allow-listed hand-written indexes only', () => {
    const sql = [
      '-- DropIndex',
      'DROP INDEX "subscriptions_one_live_per_unit";',
      '',
      '-- DropIndex',
      'DROP INDEX "some_other_index";',
    ].join('\n');
    expect(stripHandWrittenObjects(sql)).toBe('-- DropIndex\nDROP INDEX "some_other_index";\n');
    expect(stripHandWrittenObjects('-- DropIndex\nDROP INDEX "subscriptions_one_live_per_unit";\n')).toBe('');
    expect(stripHandWrittenObjects('-- This is an empty migration.')).toBe('');
  });

  it('writes a new migration for a schema change (and nothing when there is none)', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-mig-'));
    try {
      const migrationsDir = path.join(tmp, 'migrations');
      await fs.cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
      const schemaPath = path.join(tmp, 'schema.prisma');
      const schema = await fs.readFile(SCHEMA_PATH, 'utf8');
      await fs.writeFile(schemaPath, schema);
      const admin = inject('pgAdminUrl');

      expect(await createMigration('noop', admin, { migrationsDir, schemaPath })).toBeNull();

      const changed = schema.replace(
        /(\n\s*displayName\s+String\s+@map\("display_name"\))/,
        '$1\n  phone        String?',
      );
      expect(changed).not.toBe(schema);
      await fs.writeFile(schemaPath, changed);
      expect(await checkMigrationsUpToDate(admin, { migrationsDir, schemaPath })).toContain(
        'ALTER TABLE "users" ADD COLUMN     "phone" TEXT;',
      );
      const created = await createMigration('add phone', admin, { migrationsDir, schemaPath });
      expect(created?.name).toMatch(/^\d{14}_add_phone$/);
      expect(created?.sql).not.toContain('subscriptions_one_live_per_unit');
      expect(await checkMigrationsUpToDate(admin, { migrationsDir, schemaPath })).toBe('');
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});

describe('redis', () => {
  it('answers PING and isolates keys by prefix', async () => {
    const redis = new Redis(testRedisUrl(), { keyPrefix: uniqueRedisPrefix(), lazyConnect: true });
    try {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
      await redis.set('k', 'v');
      expect(await redis.get('k')).toBe('v');
    } finally {
      redis.disconnect();
    }
  });
});
