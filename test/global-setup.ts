/**
 * Vitest global setup: the programs the tests need, then one embedded PostgreSQL 18 + one
 * redis-server per `vitest run`.
 *
 * - chromium (browser tests) and poppler-utils (PDFs read back with pdftotext/pdfinfo/pdftoppm)
 *   come from the operating system: installed with apt-get when missing and we are root, as
 *   `npm start` does for redis-server (server/src/infra/system-packages.ts). Elsewhere a missing one
 *   is named with its install command here, and the tests that need it fail — never skip.
 *   Fonts need nothing: documents print with the CJK font shipped as an npm package.
 * - PostgreSQL in a fresh temp dir on a free port (fsync off: throw-away data), migrations applied to
 *   the template database `kaipan_template`. Each test file clones it with createTestDatabase()
 *   (test/support/services.ts): CREATE DATABASE … TEMPLATE is ~tens of ms, far cheaper than migrating.
 * - redis-server on a free port, no persistence. Isolate keys with uniqueRedisPrefix().
 * Both are stopped (and the temp dir removed) at teardown; they are also killed if vitest dies.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { makeTempDataRoot, startEmbeddedPostgres } from '../server/src/infra/embedded-postgres.js';
import { applyMigrations } from '../server/src/infra/migrate.js';
import { findFreePort } from '../server/src/infra/ports.js';
import { startRedisServer } from '../server/src/infra/redis-server.js';
import { ensurePrograms, installHint, type SystemProgram } from '../server/src/infra/system-packages.js';

/** What the suite runs besides Node: Debian's chromium for the browser tests, poppler to read PDFs. */
const TEST_PROGRAMS: SystemProgram[] = [
  { command: 'chromium', debian: 'chromium', otherwise: 'any Chromium, with CHROMIUM_PATH pointing at it' },
  { command: 'pdftotext', debian: 'poppler-utils', otherwise: 'macOS: `brew install poppler`' },
  { command: 'pdfinfo', debian: 'poppler-utils' },
  { command: 'pdftoppm', debian: 'poppler-utils' },
];

export const TEMPLATE_DB = 'kaipan_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgresql://…/postgres — maintenance DB of the test cluster (CREATE/DROP DATABASE). */
    pgAdminUrl: string;
    /** Name of the migrated template database. */
    templateDb: string;
    /** redis://127.0.0.1:<port> of the test redis-server. */
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = ensurePrograms(
    process.env.CHROMIUM_PATH ? TEST_PROGRAMS.filter((p) => p.command !== 'chromium') : TEST_PROGRAMS,
  );
  if (missing.length > 0) {
    console.error(
      `\n[global-setup] MISSING: ${missing.map((p) => p.command).join(', ')} — the tests that need them will fail.\n` +
        `  Install: ${installHint(missing)}\n`,
    );
  }
  const t0 = performance.now();
  const root = await makeTempDataRoot('kaipan-test-');
  const pgPort = await findFreePort();
  let redisPort = await findFreePort();
  while (redisPort === pgPort) redisPort = await findFreePort();

  const pgLog: string[] = [];
  const [pgResult, redisResult] = await Promise.allSettled([
    startEmbeddedPostgres({
      dataDir: path.join(root, 'pg'),
      port: pgPort,
      persistent: false,
      database: TEMPLATE_DB,
      onLog: (l) => pgLog.push(l),
      postgresFlags: [
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=300',
      ],
    }),
    startRedisServer({ dir: path.join(root, 'redis'), port: redisPort, appendOnly: false }),
  ]);
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([
      redisResult.status === 'fulfilled' ? redisResult.value.stop() : undefined,
      pgResult.status === 'fulfilled' ? pgResult.value.stop() : undefined,
    ]);
    await fs.rm(root, { recursive: true, force: true });
  };
  if (pgResult.status === 'rejected' || redisResult.status === 'rejected') {
    await stopAll();
    throw pgResult.status === 'rejected' ? pgResult.reason : (redisResult as PromiseRejectedResult).reason;
  }
  const tServices = performance.now();

  try {
    await applyMigrations(pgResult.value.url);
  } catch (err) {
    await stopAll();
    throw err;
  }
  const tDone = performance.now();

  project.provide('pgAdminUrl', pgResult.value.adminUrl);
  project.provide('templateDb', TEMPLATE_DB);
  project.provide('redisUrl', redisResult.value.url);

  if (process.env.KAIPAN_TEST_QUIET !== '1') {
    console.log(
      `[global-setup] postgres :${pgPort} + redis :${redisPort} up in ${Math.round(tServices - t0)} ms, ` +
        `migrations in ${Math.round(tDone - tServices)} ms (total ${Math.round(tDone - t0)} ms)`,
    );
  }
  return stopAll;
}
