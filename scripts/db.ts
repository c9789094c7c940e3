/**
 * Database CLI (Prisma 7 + Wasm schema engine; see server/src/infra/migrate.ts).
 *
 *   npm run db:migrate                 apply prisma/migrations to $DATABASE_URL, or — when unset — to the
 *                                      embedded cluster in $KAIPAN_DATA_DIR/postgres (default .kaipan/postgres,
 *                                      started for the duration of the command)
 *   npm run db:new-migration -- <name> write prisma/migrations/<timestamp>_<name>/migration.sql from the diff
 *                                      migrations → schema.prisma ("no changes" if empty)
 *   npm run db:generate                prisma generate (client in server/src/generated/prisma)
 *   tsx scripts/db.ts seed             create the demo project in $DATABASE_URL if missing (what npm start runs)
 *   tsx scripts/db.ts check            exit 1 and print the SQL if migrations lag behind schema.prisma
 *
 * `new` and `check` need a PostgreSQL server only for a temporary shadow database: $DATABASE_URL's server
 * if set (role needs CREATEDB), otherwise a throw-away embedded cluster (~2 s).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defaultEmbeddedPostgresDir, startEmbeddedPostgres } from '../server/src/infra/embedded-postgres.js';
import {
  applyMigrations,
  checkMigrationsUpToDate,
  createMigration,
  ensureSchemaEngineWasm,
  REPO_ROOT,
} from '../server/src/infra/migrate.js';
import { findFreePort } from '../server/src/infra/ports.js';

const USAGE = 'usage: tsx scripts/db.ts <migrate | seed | new <name> | generate | check>';

/**
 * Create the demo project if it is missing (DATABASE_URL required). The launcher runs it in a child
 * process, like migrations: password hashing and the seed's one-off allocations then never stay in
 * the server's memory (measured: ~80 MB of RSS kept after an in-process seed).
 */
async function seed(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const { createDb } = await import('../server/src/infra/db.js');
  const { seedDemo } = await import('../server/src/seed/demo.js');
  const db = createDb(url, 2);
  try {
    const seeded = await seedDemo(db);
    console.log(seeded.created ? 'demo project created' : 'demo project present');
  } finally {
    await db.$disconnect();
  }
}

async function migrate(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const { applied } = await applyMigrations(url);
    report(applied);
    return;
  }
  const dataDir = defaultEmbeddedPostgresDir();
  console.log(`DATABASE_URL not set: using embedded PostgreSQL in ${dataDir}`);
  const pg = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
  try {
    report((await applyMigrations(pg.url)).applied);
  } finally {
    await pg.stop();
  }
}

function report(applied: string[]): void {
  if (applied.length === 0) console.log('No pending migrations to apply.');
  else console.log(`Applied ${applied.length} migration(s):\n${applied.map((m) => `  - ${m}`).join('\n')}`);
}

async function newMigration(name: string | undefined): Promise<void> {
  if (!name) throw new Error('missing migration name. usage: npm run db:new-migration -- <name>');
  const created = await createMigration(name);
  if (!created) {
    console.log('No changes: prisma/migrations already matches prisma/schema.prisma.');
    return;
  }
  console.log(`Created ${path.relative(process.cwd(), created.path)}\n\n${created.sql}`);
}

async function check(): Promise<void> {
  const pending = await checkMigrationsUpToDate();
  if (pending) {
    console.error(
      'prisma/migrations is NOT up to date with prisma/schema.prisma. Missing SQL:\n\n' +
        `${pending}\nRun: npm run db:new-migration -- <name>`,
    );
    process.exitCode = 1;
    return;
  }
  console.log('Migrations are up to date with prisma/schema.prisma.');
}

async function generate(): Promise<void> {
  // Also put the schema-engine wasm where @prisma/internals looks for it (postinstall runs this).
  if (!(await ensureSchemaEngineWasm())) {
    console.warn(
      '[db] could not copy schema_engine_bg.wasm into @prisma/internals/build (read-only node_modules?); ' +
        'migrations will load it directly.',
    );
  }
  const require = createRequire(import.meta.url);
  const cli = require.resolve('prisma/build/index.js');
  // prisma generate never runs the schema engine, but insists on finding a binary for it; the native
  // one cannot be downloaded here. Any existing file satisfies the check.
  const engineStub =
    process.env.PRISMA_SCHEMA_ENGINE_BINARY && existsSync(process.env.PRISMA_SCHEMA_ENGINE_BINARY)
      ? process.env.PRISMA_SCHEMA_ENGINE_BINARY
      : cli;
  const res = spawnSync(process.execPath, [cli, 'generate'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: engineStub,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
  if (res.status !== 0) throw new Error(`prisma generate failed (exit ${res.status ?? res.signal})`);
}

async function main(): Promise<void> {
  const [command, arg] = process.argv.slice(2);
  switch (command) {
    case 'migrate':
      return migrate();
    case 'seed':
      return seed();
    case 'new':
      return newMigration(arg);
    case 'generate':
      return generate();
    case 'check':
      return check();
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main().then(
  // Exit explicitly: nothing should linger, but a stray timer must not hold the CLI open.
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
