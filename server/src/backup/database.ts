/**
 * Backup and restore of Kaipan's PostgreSQL database through SQL alone — no pg_dump: the embedded
 * PostgreSQL package ships only initdb/pg_ctl/postgres, and a distribution's pg_dump older than the
 * server (15 here, the server is 18) refuses to dump it.
 *
 * Backup: one REPEATABLE READ, READ ONLY transaction (one consistent snapshot while the server keeps
 * selling), every table of the `public` schema row by row as row_to_json (exact: timestamps to the
 * microsecond, numerics as written, bytea as hex — the audit chain's hashes re-verify), through a
 * cursor. The schema is not dumped: it is the applied migrations, named in the manifest.
 *
 * Restore (into an EMPTY database): apply exactly the backup's migrations (this Kaipan's copies of
 * them — a backup from a newer Kaipan is refused), then in ONE transaction stage every row, insert
 * each table with one statement in foreign-key order (one statement: a self-reference, e.g. a
 * payment correcting another, is checked at its end), with the tables' own triggers off (the
 * terms-version triggers would otherwise renumber the restored projects), set the sequences, and
 * commit only when the archive's checksum and counts matched. Pending migrations of the running
 * Kaipan are applied by its next start, as after any upgrade.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { chainReference } from '@kaipan/shared';
import { applyMigrations, listMigrations, MIGRATIONS_DIR, pgConfigFromUrl } from '../infra/migrate.js';
import { ArchiveError, type ArchiveWriter, type BackupManifest, readArchive } from './archive.js';

/** Prisma's bookkeeping: recreated by applying the migrations, never restored as rows. */
const MIGRATIONS_TABLE = '_prisma_migrations';
const FETCH = 1000;

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client(pgConfigFromUrl(databaseUrl));
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function userTables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> $1 ORDER BY tablename`,
    [MIGRATIONS_TABLE],
  );
  return rows.map((r) => r.name);
}

/** What the manifest says about the database, read in the dump's snapshot. */
export type DatabaseFacts = Pick<
  BackupManifest,
  'postgresVersion' | 'migrations' | 'projects' | 'auditChainHeads' | 'tables'
>;

/**
 * Open the snapshot and read the manifest's facts; `dump` then writes every table into the archive
 * from that same snapshot. Always `close()`.
 */
export async function openDatabaseSnapshot(databaseUrl: string): Promise<{
  facts: DatabaseFacts;
  dump(archive: ArchiveWriter): Promise<void>;
  close(): Promise<void>;
}> {
  const client = await connect(databaseUrl);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const version = await client.query<{ v: string }>('SHOW server_version');
    const migrations = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM ${MIGRATIONS_TABLE}
       WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    );
    const projects = await client.query<{ id: string; code: string; name: string; rehearsalOfId: string | null }>(
      `SELECT id::text AS id, code, name, rehearsal_of_id::text AS "rehearsalOfId" FROM projects ORDER BY created_at, id`,
    );
    const heads = await client.query<{ projectId: string | null; events: string; hash: string }>(
      `SELECT DISTINCT ON (project_id) project_id::text AS "projectId", chain_seq::text AS events,
              encode(chain_hash, 'hex') AS hash
       FROM audit_events WHERE chain_seq IS NOT NULL ORDER BY project_id, chain_seq DESC`,
    );
    const tables = await userTables(client);
    const facts: DatabaseFacts = {
      postgresVersion: version.rows[0]!.v,
      migrations: migrations.rows.map((r) => r.name),
      projects: projects.rows,
      auditChainHeads: heads.rows.map((h) => ({
        projectId: h.projectId,
        events: Number(h.events),
        hash: h.hash,
        reference: chainReference(Number(h.events), h.hash),
      })),
      tables,
    };
    return {
      facts,
      async dump(archive) {
        for (const table of tables) {
          await archive.startTable(table);
          await client.query(
            `DECLARE kaipan_dump NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${ident(table)} t`,
          );
          for (;;) {
            const { rows } = await client.query<{ j: string }>(`FETCH ${FETCH} FROM kaipan_dump`);
            for (const row of rows) await archive.row(row.j);
            if (rows.length < FETCH) break;
          }
          await client.query('CLOSE kaipan_dump');
        }
      },
      async close() {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end();
      },
    };
  } catch (error) {
    await client.end();
    throw error;
  }
}

/** Tables and migrations already in the database: a restore needs none (or `force`). */
export async function databaseContents(databaseUrl: string): Promise<{ tables: number; rows: number }> {
  const client = await connect(databaseUrl).catch((error: { code?: string }) => {
    if (error.code === '3D000') return null; // no such database yet: empty
    throw error;
  });
  if (!client) return { tables: 0, rows: 0 };
  try {
    const { rows } = await client.query<{ tables: number; rows: string }>(
      `SELECT count(*)::int AS tables, coalesce(sum(n_live_tup), 0)::text AS rows
       FROM pg_stat_user_tables WHERE schemaname = 'public'`,
    );
    const all = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`,
    );
    return { tables: all.rows[0]!.n, rows: Number(rows[0]!.rows) };
  } finally {
    await client.end();
  }
}

/** `--force`: everything in the `public` schema goes (tables, types, functions). */
export async function emptyDatabase(databaseUrl: string): Promise<void> {
  const client = await connect(databaseUrl);
  try {
    await client.query('DROP SCHEMA public CASCADE');
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

/** Parents before children (foreign keys within `public`, self-references aside). */
async function foreignKeyOrder(client: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public' AND c.oid <> p.oid`,
  );
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const r of rows) parents.get(r.child)?.add(r.parent);
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < tables.length) {
    const ready = tables.filter(
      (t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p) || !parents.has(p)),
    );
    if (ready.length === 0)
      throw new Error(`foreign keys form a cycle among ${tables.filter((t) => !placed.has(t)).join(', ')}`);
    for (const t of ready) {
      order.push(t);
      placed.add(t);
    }
  }
  return order;
}

export interface RestoreResult {
  manifest: BackupManifest;
  rows: number;
  files: Array<{ name: string; content: Buffer }>;
}

/**
 * Restore an archive into an empty database (the caller checked emptiness or emptied it). Nothing
 * is committed unless the whole archive read back intact.
 */
export async function restoreDatabase(archivePath: string, databaseUrl: string): Promise<RestoreResult> {
  let manifest: BackupManifest | null = null;
  let client: pg.Client | null = null;
  const files: RestoreResult['files'] = [];
  let staged: { table: string; rows: string[] } | null = null;
  let total = 0;

  const flush = async (): Promise<void> => {
    if (!staged || staged.rows.length === 0) return;
    await client!.query('INSERT INTO kaipan_restore (tbl, doc) SELECT $1, unnest($2::json[])', [
      staged.table,
      staged.rows,
    ]);
    total += staged.rows.length;
    staged.rows = [];
  };

  try {
    await readArchive(
      archivePath,
      async (m) => {
        manifest = m;
        await applyBackupMigrations(databaseUrl, m.migrations);
        client = await connect(databaseUrl);
        await client.query('BEGIN');
        await client.query('CREATE TEMP TABLE kaipan_restore (tbl text NOT NULL, doc json NOT NULL) ON COMMIT DROP');
      },
      async (line) => {
        if (line.tag === 'T') {
          await flush();
          staged = { table: line.table, rows: [] };
        } else if (line.tag === 'R') {
          staged!.rows.push(line.json);
          if (staged!.rows.length >= FETCH) await flush();
        } else files.push({ name: line.name, content: line.content });
      },
    );
    await flush();
    const db = client as pg.Client | null;
    const m = manifest as BackupManifest | null;
    if (!db || !m) throw new ArchiveError('empty archive');
    const present = new Set(await userTables(db));
    const missing = m.tables.filter((t) => !present.has(t));
    if (missing.length > 0) throw new ArchiveError(`the migrations made no table ${missing.join(', ')}`);
    for (const table of await foreignKeyOrder(db, m.tables)) {
      await db.query(`ALTER TABLE ${ident(table)} DISABLE TRIGGER USER`);
      await db.query(
        `INSERT INTO ${ident(table)} OVERRIDING SYSTEM VALUE
         SELECT r.* FROM kaipan_restore s, json_populate_record(NULL::${ident(table)}, s.doc) r WHERE s.tbl = $1`,
        [table],
      );
      await db.query(`ALTER TABLE ${ident(table)} ENABLE TRIGGER USER`);
    }
    // Serial columns continue after the restored rows.
    const serials = await db.query<{ table: string; column: string }>(
      `SELECT table_name AS table, column_name AS column FROM information_schema.columns
       WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`,
    );
    for (const s of serials.rows)
      await db.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${ident(s.column)}), 0) + 1, false) FROM ${ident(s.table)}`,
        [ident(s.table), s.column],
      );
    await db.query('COMMIT');
    return { manifest: m, rows: total, files };
  } catch (error) {
    await (client as pg.Client | null)?.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await (client as pg.Client | null)?.end();
  }
}

/** Apply the backup's migrations — this Kaipan's copies of them — and no later one. */
async function applyBackupMigrations(databaseUrl: string, names: string[]): Promise<void> {
  const known = new Set((await listMigrations()).migrationDirectories.map((d) => d.path));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new ArchiveError(
      `the backup was made by a newer Kaipan (migrations unknown here: ${unknown.join(', ')}); restore with that version`,
    );
  const dir = mkdtempSync(path.join(tmpdir(), 'kaipan-restore-'));
  try {
    cpSync(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(dir, 'migration_lock.toml'));
    for (const name of names) cpSync(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    await applyMigrations(databaseUrl, { migrationsDir: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
