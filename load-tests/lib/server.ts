/**
 * The Kaipan server under test, started the way `npm start` starts it (dist/scripts/start.js: embedded
 * PostgreSQL, redis-server, migrations, demo data) in its own process group with a fresh data dir,
 * and the bare socket.io baseline server. Both run in their own processes, never in the runner's.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../../server/src/infra/ports.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

export interface LaunchOptions {
  /** Data dir to use (reused on restart); default: a fresh temp dir. */
  dataDir?: string;
  port?: number;
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /** Extra Node flags for the server process only (e.g. --cpu-prof, which NODE_OPTIONS does not allow on Node 20). */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface LaunchedServer {
  url: string;
  port: number;
  /** PID of the server's Node process (the launcher runs the server in-process). */
  pid: number;
  dataDir: string;
  databaseUrl: string;
  redisUrl: string;
  projectIdFromBanner: string | null;
  readyMs: number;
  output(): string;
  stop(): Promise<void>;
}

/** Start the compiled launcher with a fresh (or given) data dir; resolves once it prints 'Demo accounts'. */
export async function launchKaipan(opts: LaunchOptions = {}): Promise<LaunchedServer> {
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kaipan-bench-'));
  // As root, embedded PostgreSQL runs as user 'postgres', which must be able to enter the directory.
  chmodSync(dataDir, 0o755);
  const port = opts.port ?? (await findFreePort());
  const started = Date.now();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    KAIPAN_DATA_DIR: dataDir,
    CLIENT_DIST: '',
    LOG_LEVEL: 'warn',
    HUB_RATE_PER_SECOND: '1000',
    LOGIN_RATE_PER_MINUTE: '100000',
    // As `npm start` sets it (package.json; README "Memory"): two malloc arenas, not eight per core.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    ...opts.env,
  };
  if (!opts.env?.NODE_OPTIONS) delete env.NODE_OPTIONS;
  // As `npm start` runs it: the compiled launcher (built first when stale), our child *is* the server process.
  const built = spawnSync(process.execPath, ['scripts/build-server.mjs', '--if-stale'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`server build failed:\n${built.stdout}${built.stderr}`);
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), 'dist/scripts/start.js'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: SIGINT to the group is a terminal's Ctrl-C (stops postgres and redis too).
    detached: true,
  });
  let text = '';
  const onData = (d: Buffer): void => {
    const chunk = d.toString();
    text += chunk;
    if (text.length > 200_000) text = text.slice(-100_000);
    for (const line of chunk.split('\n')) if (line.trim() && opts.log) opts.log(line);
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));

  const readyTimeout = opts.readyTimeoutMs ?? 180_000;
  await new Promise<void>((resolvePromise, reject) => {
    const timer = setInterval(() => {
      if (text.includes('Demo accounts')) {
        clearInterval(timer);
        resolvePromise();
      } else if (Date.now() - started > readyTimeout) {
        clearInterval(timer);
        reject(new Error(`server not ready after ${readyTimeout} ms:\n${text}`));
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`launcher exited (${code}) before it was ready:\n${text}`));
    });
  }).catch(async (error: unknown) => {
    await stopGroup(proc, exited);
    if (ownDir) removeDataDir(dataDir);
    throw error;
  });

  const pgPort = /embedded PostgreSQL up on port (\d+)/.exec(text)?.[1];
  const redisUrl = /redis-server up \((redis:\/\/[^)]+)\)/.exec(text)?.[1] ?? '';
  const projectId = /board\/([0-9a-f-]{36})\?key=/.exec(text)?.[1] ?? null;
  let stopped: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: proc.pid!,
    dataDir,
    databaseUrl: pgPort ? `postgresql://kaipan:kaipan@127.0.0.1:${pgPort}/kaipan` : (env.DATABASE_URL ?? ''),
    redisUrl,
    projectIdFromBanner: projectId,
    readyMs: Date.now() - started,
    output: () => text,
    stop: () => (stopped ??= stopGroup(proc, exited)),
  };
}

/** Ctrl-C to the process group; SIGKILL to the group if it has not exited after 30 s. */
async function stopGroup(proc: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(-proc.pid!, 'SIGINT');
  } catch {
    return;
  }
  const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 30_000))]);
  if (!done) {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface BareServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The bare socket.io baseline (lib/bare-server.ts) in its own process. */
export async function launchBare(): Promise<BareServer> {
  const child = fork(resolve(REPO_ROOT, 'load-tests/lib/bare-server.ts'), [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const port = await new Promise<number>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('bare server did not start in 30 s')), 30_000);
    child.once('message', (m: { port?: number }) => {
      clearTimeout(timer);
      if (m.port) resolvePromise(m.port);
      else reject(new Error('bare server: bad hello'));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited (${code})`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
