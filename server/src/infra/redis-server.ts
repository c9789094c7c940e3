/**
 * Local redis-server management for the launcher and the test suite.
 * Production deployments point REDIS_URL at a real Redis instead.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { guardChildProcess } from './process-guard.js';
import { canAptInstall, ensurePrograms, findProgram, type SystemProgram } from './system-packages.js';

export interface StartRedisOptions {
  /** Working directory (RDB/AOF files). Created if missing. */
  dir: string;
  port: number;
  /** Durable append-only file (default false: pure in-memory, no snapshots). */
  appendOnly?: boolean;
  /** Receives every log line of the server (default: discarded). */
  onLog?: (line: string) => void;
  /** Milliseconds to wait for PING to answer (default 15 000). */
  startTimeoutMs?: number;
}

export interface RedisServerHandle {
  url: string;
  pid: number;
  port: number;
  /** Resolves when the server exited, for whatever reason ("signal SIGKILL", "code 1"). */
  exited: Promise<string>;
  /** SIGTERM (graceful: flushes the AOF), waits for exit; SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`, ' +
  'macOS: `brew install redis`) or set REDIS_URL to an existing Redis server.';

const REDIS: SystemProgram = {
  command: 'redis-server',
  debian: 'redis-server',
  otherwise: 'macOS: `brew install redis`, or set REDIS_URL',
};

/**
 * Absolute path of `redis-server`. If it is missing and we are root on an apt system, installs the
 * Debian package (infra/system-packages.ts). Otherwise throws an Error explaining how to install it
 * or to set REDIS_URL.
 */
export async function ensureRedisBinary(): Promise<string> {
  if (ensurePrograms([REDIS]).length > 0) {
    throw new Error(canAptInstall() ? `apt-get install redis-server failed. ${INSTALL_HINT}` : INSTALL_HINT);
  }
  return findProgram('redis-server')!;
}

/** One PING over a raw socket; resolves true on +PONG. */
function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    // Closed without a reply (something else holds the port and hangs up): not our server, and the
    // idle timeout no longer fires on a closed socket.
    socket.once('close', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

/**
 * Spawn `redis-server` (foreground, bound to 127.0.0.1) and wait until it answers PING.
 * The child is killed if this process exits or dies (see guardChildProcess).
 */
export async function startRedisServer(opts: StartRedisOptions): Promise<RedisServerHandle> {
  const bin = await ensureRedisBinary();
  const dir = path.resolve(opts.dir);
  await fs.mkdir(dir, { recursive: true });

  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--appendonly',
    opts.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    // No RDB snapshots: durability (if wanted) comes from the AOF; PostgreSQL is the system of record.
    '--save',
    '',
    '--logfile',
    '',
    '--pidfile',
    '',
    '--protected-mode',
    'yes',
    '--loglevel',
    'notice',
  ];
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const logTail: string[] = [];
  const onLine = (line: string): void => {
    if (!line) return;
    logTail.push(line);
    if (logTail.length > 40) logTail.shift();
    opts.onLog?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    });
  }

  let exited = false;
  const exitPromise = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const pid = child.pid;
  if (pid === undefined) {
    const err = await spawnError;
    throw new Error(`could not spawn ${bin}: ${err.message}`);
  }
  const release = guardChildProcess(pid, 'SIGTERM');

  const killNow = async (): Promise<void> => {
    if (!exited) child.kill('SIGKILL');
    await exitPromise;
    release();
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  for (;;) {
    if (exited) {
      release();
      throw new Error(
        `redis-server exited during startup (port ${opts.port}, dir ${dir}). Last log lines:\n${logTail.join('\n')}`,
      );
    }
    if (await ping(opts.port)) break;
    if (Date.now() > deadline) {
      await killNow();
      throw new Error(`redis-server did not answer PING on port ${opts.port} in time. Log:\n${logTail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  // Died by itself: the watchdog must not signal the pid later (it may be reused).
  void exitPromise.then(release);

  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${opts.port}`,
    pid,
    port: opts.port,
    exited: exitPromise,
    stop() {
      stopping ??= (async () => {
        if (!exited) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => {
            if (!exited) child.kill('SIGKILL');
          }, 10_000);
          await exitPromise;
          clearTimeout(timer);
        }
        release();
      })();
      return stopping;
    },
  };
}
