/**
 * `npm start`: everything on one machine. Embedded PostgreSQL (unless DATABASE_URL), a local
 * redis-server (unless REDIS_URL), migrations, demo data, the built client, one server process.
 * `npm start -- --nodes 3`: three hub processes sharing the port (node:cluster, round-robin; the
 * hub is WebSocket-only so no sticky sessions are needed) plus one worker process for background
 * jobs; a process that dies is replaced. The primary also restarts the redis-server and PostgreSQL it
 * started when they die (same port, same data). Ctrl-C stops every child process.
 */
import { spawnSync } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../server/src/app.js';
import type { IssuedSetupCode } from '../server/src/services/first-run-service.js';
import { hasActiveAdministrator } from '../server/src/services/user-service.js';
import { startWorker } from '../server/src/worker.js';
import { buildConfig, ConfigError, parseEnv } from '../server/src/config/index.js';
import { createDb } from '../server/src/infra/db.js';
import { startEmbeddedPostgres } from '../server/src/infra/embedded-postgres.js';
import { findFreePort } from '../server/src/infra/ports.js';
import { ensureRedisBinary, startRedisServer } from '../server/src/infra/redis-server.js';
import { supervise } from '../server/src/infra/supervisor.js';
import {
  DEMO_ACCOUNTS,
  DEMO_BOARD_KEY,
  DEMO_CALLING_KEY,
  DEMO_KIOSK_KEY,
  DEMO_KIOSK_PIN,
  DEMO_CONSULTANT_PASSWORD,
  DEMO_CONSULTANTS,
} from '../server/src/seed/demo.js';

const started = Date.now();
/**
 * db.ts beside this file: dist/scripts/db.js when running compiled (`npm start`), scripts/db.ts
 * under tsx (the tests that start the launcher from its sources). Children inherit execArgv.
 */
const DB_SCRIPT = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './db.ts' : './db.js', import.meta.url));
const stops: (() => Promise<void>)[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    // Never hang on the way out: whatever is still stopping after 20 s is abandoned.
    setTimeout(() => {
      console.error('[kaipan] shutdown took too long; exiting');
      process.exit(code || 1);
    }, 20_000).unref();
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error(e));
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

function step(text: string): void {
  console.log(`[kaipan] ${text} (+${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Demo mode keeps a generated secret under the data dir so sessions survive restarts. */
function demoSecret(dataDir: string): string {
  const file = resolve(dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const dataDir = resolve(env.KAIPAN_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  // What we start we also keep alive: a redis-server or PostgreSQL that dies (kill -9, OOM) is
  // started again on the same port and data directory (supervisor.ts); meanwhile every server
  // process answers SERVICE_UNAVAILABLE at once and reconnects by itself (docs/deploy.md "Faults").
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const pgDir = resolve(dataDir, 'postgres');
    const pgPort = await findFreePort();
    // Crash recovery first syncs the data directory: file by file (fsync) took ~5 s here, one
    // syncfs(2) of the file system ~0.1 s (Linux only; docs/deploy.md "Faults").
    const pgRecoveryFlags = process.platform === 'linux' ? ['-c', 'recovery_init_sync_method=syncfs'] : [];
    let restart = false;
    // After a crash, PostgreSQL's recovery lines (redo, end-of-recovery checkpoint) say where the time went.
    const recoveryLog = (line: string): void => {
      if (
        restart &&
        /recovery|redo|checkpoint|ready to accept|interrupted|PANIC/.test(line) &&
        !/FATAL|DETAIL/.test(line)
      )
        step(`postgres: ${line.replace(/^\S+ \S+ \S+ \[\d+\] /, '')}`);
    };
    const pg = await supervise(
      'embedded PostgreSQL',
      () => startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, onLog: recoveryLog, postgresFlags: pgRecoveryFlags }),
      {
        active: () => !stopping,
        log: (line) => {
          restart = true;
          step(line);
        },
      },
    );
    stops.push(() => pg.stop());
    databaseUrl = pg.current().url;
    step(`embedded PostgreSQL up on port ${pgPort}, data in ${pgDir}`);
  }

  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    await ensureRedisBinary();
    const redisDir = resolve(dataDir, 'redis');
    const redisPort = await findFreePort();
    const redis = await supervise(
      'redis-server',
      () => startRedisServer({ dir: redisDir, port: redisPort, appendOnly: true }),
      {
        active: () => !stopping,
        log: (line) => step(line),
      },
    );
    stops.push(() => redis.stop());
    redisUrl = redis.current().url;
    step(`redis-server up (${redisUrl}), append-only file in ${redisDir}`);
  }

  // Migrations run in a child process: the schema engine (WebAssembly) then never occupies the
  // server's memory (it would keep ~200 MB resident for the life of the process).
  const migrate = spawnSync(process.execPath, [...process.execArgv, DB_SCRIPT, 'migrate'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}${migrate.stderr}`);
  step(`migrations: ${migrate.stdout.trim().split('\n').join(' ')}`);

  if (env.KAIPAN_DEMO) {
    // In a child process too: password hashing and the seed's allocations stay out of the server.
    const seeded = spawnSync(process.execPath, [...process.execArgv, DB_SCRIPT, 'seed'], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
    });
    if (seeded.status !== 0) throw new Error(`demo seed failed:\n${seeded.stdout}${seeded.stderr}`);
    step(seeded.stdout.trim());
  }

  const clientDist = resolve(env.CLIENT_DIST);
  if (env.CLIENT_DIST && appBuildNeeded(clientDist, 'client')) {
    step('building the web client (its sources changed since the last build, or first start)');
    const build = spawnSync('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], {
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('client build failed');
  }
  if (env.KIOSK_DIST && appBuildNeeded(resolve(env.KIOSK_DIST), 'kiosk')) {
    step('building the queue kiosk (its sources changed since the last build, or first start)');
    const build = spawnSync('npx', ['vite', 'build', '--config', 'kiosk/vite.config.ts', '--logLevel', 'warn'], {
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('kiosk build failed');
  }

  const config = buildConfig(env, {
    databaseUrl,
    redisUrl,
    authSecret: env.KAIPAN_DEMO ? demoSecret(dataDir) : undefined,
  });
  const nodes = parseNodes(process.argv.slice(2));
  if (nodes === 1 && config.role === 'worker') {
    const worker = await startWorker(config, consoleLogger(`worker ${process.pid}`));
    stops.push(() => worker.close());
    step('worker ready');
    return;
  }
  let setupCode: IssuedSetupCode | null = null;
  if (nodes === 1) {
    const kaipan = await buildApp(config);
    stops.push(() => kaipan.close());
    await kaipan.listen();
    setupCode = kaipan.setupCode();
  } else {
    await startCluster(nodes, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, AUTH_SECRET: config.authSecret });
  }
  const base = `http://localhost:${config.port}`;
  const db = createDb(databaseUrl, 1);
  const projects = await db.project.findMany({
    select: { id: true },
    orderBy: [{ sortOrder: 'asc' }, { createdAt: 'asc' }],
  });
  const administered = await hasActiveAdministrator(db);
  await db.$disconnect();
  step(nodes === 1 ? 'ready' : `ready: ${nodes} hub processes + 1 worker process`);
  console.log(`
  Kaipan 开盘 is running: ${base}
    consultant app   ${base}/
    manager pages    ${base}/manager/${projects[0]?.id ?? '<projectId>'}
    wall board       ${env.KAIPAN_DEMO ? `${base}/board/${projects[0]?.id ?? '<projectId>'}?key=${DEMO_BOARD_KEY}` : `${base}/board (shows a pairing code)`}
    queue kiosk      ${base}/queue${env.KAIPAN_DEMO ? `?key=${DEMO_KIOSK_KEY}` : ' (shows a pairing code)'}
    calling screen   ${base}/queue/screen${env.KAIPAN_DEMO ? `?key=${DEMO_CALLING_KEY}` : ' (shows a pairing code)'}
    devices, pairing ${base}/setup/<projectId>/devices (managers)
    health           ${base}/api/health
`);
  if (env.KAIPAN_DEMO) {
    console.log('  Demo accounts (DEMO ONLY — public passwords, never use in production):');
    for (const [username, a] of Object.entries(DEMO_ACCOUNTS))
      console.log(`    ${username.padEnd(8)} ${a.password.padEnd(16)} ${a.role}`);
    console.log(
      `    c001…c${String(DEMO_CONSULTANTS).padStart(3, '0')}  ${DEMO_CONSULTANT_PASSWORD.padEnd(16)} CONSULTANT`,
    );
    console.log(`    board device key: ${DEMO_BOARD_KEY}`);
    console.log(`    queue kiosk key:  ${DEMO_KIOSK_KEY}`);
    console.log(`    calling key:      ${DEMO_CALLING_KEY}`);
    console.log(`    kiosk setup PIN:  ${DEMO_KIOSK_PIN}   (hold the kiosk's logo 3 s)\n`);
  }
  if (setupCode) {
    console.log(`  No administrator yet — first run:
    open             ${base}/setup/first-run
    setup code       ${setupCode.code}   (single use, valid until ${setupCode.expiresAt.toISOString()}; a restart prints a new one)
    or, scripted     KAIPAN_PASSWORD=… npm run admin -- create-user <username> --role ADMIN
`);
  } else if (!administered) {
    console.log('  No administrator yet? Each hub process logged a first-run setup code ("setupCode") above.\n');
  }
}

function parseNodes(args: string[]): number {
  const i = args.indexOf('--nodes');
  if (i === -1) return 1;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ConfigError([`--nodes: expected 1…64, got ${args[i + 1]}`]);
  return n;
}

/** Fork `nodes` hub processes and one worker; replace any that dies until we stop. */
async function startCluster(nodes: number, env: Record<string, string>): Promise<void> {
  const roles = new Map<number, 'hub' | 'worker'>();
  const fork = (role: 'hub' | 'worker'): Worker => {
    const worker = cluster.fork({ ...env, KAIPAN_ROLE: role });
    roles.set(worker.id, role);
    return worker;
  };
  const listening = Array.from({ length: nodes }, () => {
    const worker = fork('hub');
    return new Promise<void>((resolve, reject) => {
      worker.once('listening', () => resolve());
      worker.once('exit', (code) => reject(new Error(`hub process exited during start (code ${code})`)));
    });
  });
  fork('worker');
  // Replace a process that dies; back off (0.5 s doubling to 30 s) when they keep dying.
  const deaths: number[] = [];
  cluster.on('exit', (worker, code, signal) => {
    const role = roles.get(worker.id) ?? 'hub';
    roles.delete(worker.id);
    if (stopping) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0]! < now - 60_000) deaths.shift();
    const delay = Math.min(30_000, 500 * 2 ** Math.max(0, deaths.length - 1));
    console.error(
      `[kaipan] ${role} process ${worker.process.pid} died (${signal ?? code}); starting a replacement in ${delay} ms`,
    );
    setTimeout(() => {
      if (!stopping) fork(role);
    }, delay);
  });
  stops.push(async () => {
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              w.process.kill('SIGKILL');
              resolve();
            }, 10_000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  });
  await Promise.all(listening);
}

/** A forked hub or worker process: configuration comes from the primary through the environment. */
async function child(): Promise<void> {
  const env = parseEnv(process.env);
  const config = buildConfig(env, { databaseUrl: env.DATABASE_URL!, redisUrl: env.REDIS_URL! });
  if (config.role === 'worker') {
    const log = consoleLogger(`worker ${process.pid}`);
    const worker = await startWorker(config, log);
    stops.push(() => worker.close());
  } else {
    const kaipan = await buildApp(config);
    stops.push(() => kaipan.close());
    await kaipan.listen();
  }
}

function consoleLogger(name: string) {
  const line = (level: string) => (obj: object, msg?: string) =>
    console.log(JSON.stringify({ level, name, msg, ...obj }));
  return { info: line('info'), warn: line('warn'), error: line('error'), debug: () => undefined };
}

(cluster.isPrimary ? main() : child()).catch(async (error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  await shutdown(1);
});

/**
 * Whether a web app (client or kiosk) must be built before serving: never built, or a source it is
 * built from is newer than its built index.html — so `git pull && npm start` never serves an old
 * app against a new API. An install without the sources (only the built app) is never rebuilt.
 */
function appBuildNeeded(dist: string, app: 'client' | 'kiosk'): boolean {
  const built = resolve(dist, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const inputs = [`${app}/src`, `${app}/index.html`, `${app}/vite.config.ts`, 'shared/src', 'shared/web'];
  const newer = (path: string): boolean => {
    if (!existsSync(path)) return false;
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs > builtAt;
    return readdirSync(path).some((name) => name !== 'node_modules' && newer(resolve(path, name)));
  };
  return inputs.some(newer);
}
