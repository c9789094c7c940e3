/**
 * The database of this install, as the command-line tools find it (`npm run admin`, `npm run
 * audit:verify`): DATABASE_URL when set; otherwise the embedded one of KAIPAN_DATA_DIR (default
 * .kaipan) as `npm start` uses it — the running server's PostgreSQL when it is up (its port from
 * `postmaster.pid`), else started for the duration of the command. Pending migrations are applied
 * first (an empty install can get its administrator before the first `npm start`).
 */
import path from 'node:path';
import {
  embeddedDatabaseUrl,
  runningPostmaster,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from './embedded-postgres.js';
import { applyMigrations } from './migrate.js';
import { findFreePort } from './ports.js';

export interface InstallDatabase {
  url: string;
  /** Which database this is, for the terminal. */
  where: string;
  /** Stop the embedded PostgreSQL if it was started for the command. */
  close(): Promise<void>;
}

export async function openInstallDatabase(): Promise<InstallDatabase> {
  let url = process.env.DATABASE_URL;
  let where = 'DATABASE_URL';
  let started: EmbeddedPostgresHandle | null = null;
  if (!url) {
    const dataDir = path.resolve(process.env.KAIPAN_DATA_DIR ?? '.kaipan', 'postgres');
    const running = runningPostmaster(dataDir);
    if (running) {
      url = embeddedDatabaseUrl(running.port);
      where = `the running server's PostgreSQL (${dataDir}, port ${running.port})`;
    } else {
      started = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
      url = started.url;
      where = `embedded PostgreSQL in ${dataDir} (started for this command)`;
    }
  }
  try {
    await applyMigrations(url);
  } catch (error) {
    await started?.stop();
    throw error;
  }
  return { url, where, close: async () => void (await started?.stop()) };
}
