/**
 * Run the launcher as `npm start` does — compiled: `node dist/scripts/start.js`, built first when
 * stale (scripts/build-server.mjs) — in its own process group with a temp data dir, and stop it with
 * Ctrl-C. So every launcher test runs the build output, and a file the build forgot fails them.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Launched {
  proc: ChildProcess;
  output(): string;
  /** Resolves with ms to readiness once the banner is printed. */
  ready: Promise<number>;
  /**
   * Ctrl-C to the whole process group; resolves when the launcher exited and every process it had
   * started is gone — or after 30 s, leaving the stragglers for the caller's check. (The launcher
   * may still be stopping PostgreSQL, whose checkpoint takes seconds on a loaded machine.)
   */
  stop(): Promise<void>;
}

/** The launcher as `npm start` runs it (the build output). */
export const COMPILED_START = 'dist/scripts/start.js';

/** `npm start`'s first half: build the server unless dist/ is of the current sources. */
export function ensureServerBuilt(): void {
  const built = spawnSync(process.execPath, ['scripts/build-server.mjs', '--if-stale'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`server build failed:\n${built.stdout}${built.stderr}`);
}

export function makeDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kaipan-launch-'));
  // As root, embedded PostgreSQL runs as the 'postgres' user, which must be able to enter it.
  chmodSync(dir, 0o755);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function launch(opts: {
  port: number;
  dataDir: string;
  args?: string[];
  env?: Record<string, string>;
  /** The banner's text that means ready (default: the demo accounts' heading). */
  readyText?: string;
}): Launched {
  ensureServerBuilt();
  const started = Date.now();
  const proc = spawn(process.execPath, [COMPILED_START, ...(opts.args ?? [])], {
    env: {
      ...process.env,
      PORT: String(opts.port),
      HOST: '127.0.0.1',
      KAIPAN_DATA_DIR: opts.dataDir,
      CLIENT_DIST: '',
      KIOSK_DIST: '',
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so we can press Ctrl-C the way a terminal does (SIGINT to the group).
    detached: true,
  });
  let text = '';
  proc.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      if (text.includes(opts.readyText ?? 'Demo accounts')) {
        clearInterval(timer);
        resolve(Date.now() - started);
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`launcher exited:\n${text}`));
    });
  });
  ready.catch(() => undefined);
  return {
    proc,
    output: () => text,
    ready,
    async stop() {
      const children = proc.pid === undefined ? [] : descendants(proc.pid);
      if (proc.exitCode === null) {
        try {
          process.kill(-proc.pid!, 'SIGINT');
        } catch {
          /* already gone */
        }
      }
      await exited;
      const deadline = Date.now() + 30_000;
      while (children.some(pidAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    },
  };
}

/** All descendants of a process. */
export function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='])
    .toString()
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows) {
      if (parent === p) {
        out.push(child!);
        walk(child!);
      }
    }
  };
  walk(pid);
  return out;
}

/** Running (a zombie waiting for a container init that never reaps it is not running). */
export function pidAlive(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)])
      .toString()
      .trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

/** The embedded PostgreSQL URL the launcher printed. */
export function embeddedDatabaseUrl(output: string): string {
  const port = /embedded PostgreSQL up on port (\d+)/.exec(output)?.[1];
  if (!port) throw new Error('no embedded PostgreSQL in the launcher output');
  return `postgresql://kaipan:kaipan@127.0.0.1:${port}/kaipan`;
}

/** The hub processes of a `--nodes N` launch (cluster children running start.js, minus the worker). */
export function clusterHubs(rootPid: number, workerPid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='])
    .toString()
    .trim()
    .split('\n')
    .map((l) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l)!;
      return { pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! };
    });
  const mine = new Set(descendants(rootPid));
  const starts = rows.filter((r) => (mine.has(r.pid) || r.pid === rootPid) && r.args.includes(COMPILED_START));
  // The cluster primary is the start.js process with several start.js children.
  const primary = starts.find((p) => starts.filter((c) => c.ppid === p.pid).length >= 2);
  return starts.filter((r) => r.ppid === primary?.pid && r.pid !== workerPid).map((r) => r.pid);
}
