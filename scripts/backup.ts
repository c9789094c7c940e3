/**
 * Backup and restore of an install (docs/deploy.md "Backup and restore"):
 *
 *   npm run backup [-- --out <file>]          database + data files → one archive (default ./backups/kaipan-<time>.kpbackup)
 *   npm run restore -- <file> [--force]       into an EMPTY database; --force empties a non-empty one first
 *
 * Which database: DATABASE_URL when set; otherwise the embedded PostgreSQL of KAIPAN_DATA_DIR
 * (default .kaipan) — for a backup the running server's (found through postmaster.pid; the server
 * keeps selling: the dump is one consistent snapshot) or started for the command; a restore refuses
 * a running one (stop the server first) and initialises a new data dir when there is none.
 *
 * The archive (server/src/backup/archive.ts) is one gzip file: a manifest first (Kaipan version, time,
 * projects, each audit chain's head, migrations — `zcat <file> | head -1`), every table's rows, the
 * install's data files (the demo mode's generated auth-secret), and a checksum last. Documents (PDFs)
 * are rows of the database. Not in it: Redis (locks are minutes long and the live mirror is rebuilt from
 * PostgreSQL at start) and the secrets set in the environment (AUTH_SECRET, CUSTOMER_DATA_KEY: keep
 * them apart — without CUSTOMER_DATA_KEY the stored ID numbers cannot be read).
 *
 * Exit codes: 0 done, 1 refused or failed (the message says why), 2 bad usage.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ArchiveWriter,
  type BackupManifest,
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  readManifest,
} from '../server/src/backup/archive.js';
import {
  databaseContents,
  emptyDatabase,
  openDatabaseSnapshot,
  restoreDatabase,
} from '../server/src/backup/database.js';
import {
  embeddedDatabaseUrl,
  runningPostmaster,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '../server/src/infra/embedded-postgres.js';
import { REPO_ROOT } from '../server/src/infra/migrate.js';
import { findFreePort } from '../server/src/infra/ports.js';

const USAGE = `Back up or restore a Kaipan install (database, documents, data files).

usage: npm run backup [-- --out <file>]
       npm run restore -- <file> [--force]

  --out     where to write the archive (default backups/kaipan-<UTC time>.kpbackup)
  --force   restore into a database that is not empty: everything in it is DROPPED first

environment:
  DATABASE_URL      an external PostgreSQL; otherwise the embedded one of KAIPAN_DATA_DIR
  KAIPAN_DATA_DIR   as npm start (default .kaipan)

exit codes: 0 done, 1 refused or failed, 2 bad usage`;

/** Data files of KAIPAN_DATA_DIR that belong in a backup (the database itself is dumped, not copied). */
const DATA_FILES = ['auth-secret'];

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

const dataDir = (): string => path.resolve(process.env.KAIPAN_DATA_DIR ?? '.kaipan');

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** The database to read or write, and what to stop afterwards. */
async function openDatabase(
  mode: 'backup' | 'restore',
): Promise<{ url: string; where: string; close(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, where: 'DATABASE_URL', close: async () => {} };
  const pgDir = path.join(dataDir(), 'postgres');
  const running = runningPostmaster(pgDir);
  if (running) {
    if (mode === 'restore')
      throw new CliError(`a server is running on ${pgDir} (postmaster ${running.pid}): stop it before a restore`, 1);
    return {
      url: embeddedDatabaseUrl(running.port),
      where: `the running server's PostgreSQL (${pgDir})`,
      close: async () => {},
    };
  }
  if (mode === 'backup' && !existsSync(pgDir)) throw new CliError(`no database: ${pgDir} does not exist`, 1);
  mkdirSync(dataDir(), { recursive: true });
  const pg: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir: pgDir, port: await findFreePort() });
  return { url: pg.url, where: `embedded PostgreSQL in ${pgDir} (started for this command)`, close: () => pg.stop() };
}

async function backup(args: string[]): Promise<void> {
  let out: string | null = null;
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--out' && args[i + 1]) out = args[(i += 1)]!;
    else throw new CliError(`unknown argument "${args[i]}"\n\n${USAGE}`, 2);
  }
  const target = path.resolve(
    out ?? path.join('backups', `kaipan-${new Date().toISOString().replace(/[:.]/g, '-')}.kpbackup`),
  );
  mkdirSync(path.dirname(target), { recursive: true });
  const db = await openDatabase('backup');
  try {
    console.error(`kaipan backup: ${db.where}`);
    const snapshot = await openDatabaseSnapshot(db.url);
    try {
      const files = DATA_FILES.filter((f) => existsSync(path.join(dataDir(), f)));
      const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      const manifest: BackupManifest = {
        format: ARCHIVE_FORMAT,
        formatVersion: ARCHIVE_FORMAT_VERSION,
        kaipanVersion: pkg.version,
        commit: gitCommit(),
        createdAt: new Date().toISOString(),
        source: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
        ...snapshot.facts,
        files,
      };
      const archive = new ArchiveWriter(target, manifest);
      await snapshot.dump(archive);
      for (const f of files) await archive.file(f, readFileSync(path.join(dataDir(), f)));
      const trailer = await archive.close();
      const rows = Object.values(trailer.rows).reduce((a, b) => a + b, 0);
      console.log(`${target}`);
      console.log(
        `  ${manifest.projects.length} project(s), ${manifest.tables.length} tables, ${rows} rows, ${files.length} data file(s)`,
      );
      for (const h of manifest.auditChainHeads)
        console.log(`  audit chain ${h.projectId ?? '(install)'}: head ${h.reference}`);
    } finally {
      await snapshot.close();
    }
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  } finally {
    await db.close();
  }
}

async function restore(args: string[]): Promise<void> {
  const force = args.includes('--force');
  const rest = args.filter((a) => a !== '--force');
  if (rest.length !== 1 || rest[0]!.startsWith('--')) throw new CliError(USAGE, 2);
  const file = path.resolve(rest[0]!);
  if (!existsSync(file)) throw new CliError(`no file ${file}`, 1);
  const manifest = await readManifest(file);
  console.error(
    `kaipan restore: ${path.basename(file)} — made ${manifest.createdAt} by Kaipan ${manifest.kaipanVersion}` +
      `${manifest.commit ? ` (${manifest.commit.slice(0, 10)})` : ''}, ${manifest.projects.length} project(s)`,
  );
  const files = DATA_FILES.filter((f) => existsSync(path.join(dataDir(), f)));
  const db = await openDatabase('restore');
  try {
    console.error(`into ${db.where}`);
    const contents = await databaseContents(db.url);
    if (contents.tables > 0) {
      if (!force)
        throw new CliError(
          `refused: the database is not empty (${contents.tables} tables, ~${contents.rows} rows). ` +
            'Restore into an empty database, or add --force to DROP everything in it first.',
          1,
        );
      console.error(`--force: dropping ${contents.tables} tables of the target first`);
      await emptyDatabase(db.url);
    }
    const clashing = files.filter((f) => manifest.files.includes(f));
    if (clashing.length > 0 && !force)
      throw new CliError(`refused: ${clashing.join(', ')} exists in ${dataDir()} (--force replaces it)`, 1);
    const result = await restoreDatabase(file, db.url);
    if (result.files.length > 0) mkdirSync(dataDir(), { recursive: true });
    for (const f of result.files) writeFileSync(path.join(dataDir(), f.name), f.content, { mode: 0o600 });
    // The embedded Redis's append-only file belongs to the database that was replaced: its locks and
    // mirror would describe other sales. npm start rebuilds the mirror from the restored database.
    if (!process.env.DATABASE_URL && !process.env.REDIS_URL)
      rmSync(path.join(dataDir(), 'redis'), { recursive: true, force: true });
    console.log(
      `restored ${result.rows} rows of ${manifest.tables.length} tables, ${result.files.length} data file(s)`,
    );
    for (const h of manifest.auditChainHeads)
      console.log(
        `  verify: npm run audit:verify -- ${h.projectId ? `--project ${h.projectId}` : '--install'} --expect-head ${h.reference}`,
      );
  } finally {
    await db.close();
  }
}

async function run(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (command === 'backup') return backup(args);
  if (command === 'restore') return restore(args);
  throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(error.message);
      process.exit(error.exitCode);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
