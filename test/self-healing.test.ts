/**
 * Faults, proven on the real thing: `npm start` (and `npm start -- --nodes 3`) with its own
 * redis-server and embedded PostgreSQL; the test kill -9s them mid-storm. The launcher restarts each
 * on the same port and data; meanwhile every request and hub command answers SERVICE_UNAVAILABLE at
 * once (never a 500, never the 8 s hang), locks are refused while PostgreSQL is down, screens hear
 * `system:status`, and selling resumes by itself. Afterwards nothing is sold twice and the Redis
 * mirror equals PostgreSQL. Recovery times are printed ([self-healing] lines) for docs/deploy.md.
 * In the first test the dead redis-server's port is held for 1.5 s, so its first restarts fail and
 * the outage outlasts the clients' reconnect attempts (a slow restart).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { io as ioClient } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  HUB_NAMESPACE,
  type LockResult,
  type LoginResponse,
  type ProjectSnapshot,
  type ProjectSummary,
  type SystemStatus,
} from '@kaipan/shared';
import { findFreePort } from '../server/src/infra/ports.js';
import { emitAck, type HubClient } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';
import { descendants, embeddedDatabaseUrl, launch, makeDataDir, type Launched } from './support/launch.js';

/**
 * A refusal must come at once: the bug was an 8 s hang then a 500. A correctness bound, not a
 * benchmark: the server answers these in milliseconds; the margin is for a shared 2-core machine
 * (load average 20 seen) running three hubs, a worker, PostgreSQL's recovery and this storm.
 */
const FAST_MS = 3_000;

const data = makeDataDir();
let launched: Launched | undefined;
afterAll(async () => {
  await launched?.stop();
  data.remove();
});

interface Answer {
  op: 'lock' | 'confirm' | 'release';
  status: number;
  code?: string;
  dependency?: string;
  sentAt: number;
  ms: number;
  subscriptionId?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function call(
  base: string,
  token: string,
  path: string,
  body: object,
): Promise<{ status: number; json: Record<string, unknown>; ms: number; sentAt: number }> {
  const sentAt = Date.now();
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, json, ms: Date.now() - sentAt, sentAt };
}

function errorOf(json: Record<string, unknown>): { code?: string; dependency?: string } {
  const error = json.error as { code?: string; details?: { dependency?: string } } | undefined;
  return { code: error?.code, dependency: error?.details?.dependency };
}

async function login(base: string, username: string, password: string): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.ok) return ((await res.json()) as LoginResponse).token;
    if (attempt > 20) throw new Error(`login ${username}: ${res.status}`);
    await sleep(250);
  }
}

/**
 * Consultants racing for the same units: lock, then confirm (1 in 4) or release. Every answer is
 * recorded; a lock that failed with a dependency down is simply retried later, like a person would.
 */
class Storm {
  readonly answers: Answer[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly base: string,
    tokens: string[],
    private readonly units: string[],
  ) {
    this.loops = tokens.map((token, i) => this.loop(token, i));
  }

  private record(op: Answer['op'], r: Awaited<ReturnType<typeof call>>): Answer {
    const answer: Answer = { op, status: r.status, sentAt: r.sentAt, ms: r.ms, ...errorOf(r.json) };
    if (op === 'confirm' && r.status === 200) answer.subscriptionId = r.json.subscriptionId as string;
    this.answers.push(answer);
    return answer;
  }

  private async loop(token: string, seed: number): Promise<void> {
    let n = seed;
    while (this.running) {
      n += 1;
      const unitId = this.units[(n * 7919 + seed * 104_729) % this.units.length]!;
      try {
        const lock = await call(this.base, token, `/api/units/${unitId}/lock`, {});
        this.record('lock', lock);
        if (lock.status === 200) {
          const lockToken = lock.json.token as string;
          if (n % 4 === 0) {
            this.record(
              'confirm',
              await call(this.base, token, `/api/units/${unitId}/confirm`, {
                token: lockToken,
                buyer: { name: `买家${seed}`, phone: `1390000${String(1000 + seed).slice(-4)}` },
              }),
            );
          } else {
            this.record('release', await call(this.base, token, `/api/units/${unitId}/release`, { token: lockToken }));
          }
        }
      } catch (error) {
        // A refused connection or a reset: the server process itself went away (never expected here).
        this.answers.push({ op: 'lock', status: 0, code: String((error as Error).message), sentAt: Date.now(), ms: 0 });
      }
      await sleep(40 + (n % 5) * 10);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

/** Lock + confirm a fresh unit every 50 ms until one succeeds; ms from `since` to that success. */
async function firstSale(
  base: string,
  token: string,
  units: string[],
  since: number,
  timeoutMs = 60_000,
): Promise<{ ms: number; unitId: string; subscriptionId: string }> {
  while (Date.now() - since < timeoutMs) {
    const unitId = units.shift();
    if (!unitId) throw new Error('no unit left to sell');
    const lock = await call(base, token, `/api/units/${unitId}/lock`, {});
    if (lock.status === 200) {
      const confirm = await call(base, token, `/api/units/${unitId}/confirm`, {
        token: lock.json.token,
        buyer: { name: '恢复测试', phone: '13900009999' },
      });
      if (confirm.status === 200)
        return { ms: Date.now() - since, unitId, subscriptionId: confirm.json.subscriptionId as string };
    } else if (lock.status === 409) {
      continue; // taken by the storm: try the next one at once
    }
    units.unshift(unitId);
    await sleep(50);
  }
  throw new Error(`no lock + confirm succeeded within ${timeoutMs} ms`);
}

/** A hub connection that records every `system:status` it hears, with the local time. */
function watchStatus(
  base: string,
  token: string,
): { socket: HubClient; heard: { at: number; status: SystemStatus }[] } {
  const socket = ioClient(`${base}${HUB_NAMESPACE}`, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1_000,
  }) as HubClient;
  const heard: { at: number; status: SystemStatus }[] = [];
  socket.on('system:status', (status) => heard.push({ at: Date.now(), status }));
  return { socket, heard };
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function pidOf(rootPid: number, command: string): number {
  const mine = new Set(descendants(rootPid));
  const rows = execFileSync('ps', ['-eo', 'pid=,comm='])
    .toString()
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const found = rows.find(([pid, comm]) => mine.has(Number(pid)) && comm === command);
  if (!found) throw new Error(`no ${command} under ${rootPid}`);
  return Number(found[0]);
}

/**
 * Take a port the moment its server died and keep it for `ms`: the restart fails (the supervisor
 * backs off and tries again) and the outage outlasts ioredis's reconnect attempts, as a slow
 * restart (a large append-only file to load) would.
 */
async function holdPort(port: number, ms: number): Promise<void> {
  for (;;) {
    const server = net.createServer((socket) => socket.destroy());
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      setTimeout(() => server.close(), ms);
      return;
    }
    await sleep(1);
  }
}

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** Answers of one fault window: fast, coded, never a 500 or a dropped connection. */
function expectFastAndCoded(answers: Answer[], label: string): void {
  const bad = answers.filter(
    (a) => ![200, 409, 503].includes(a.status) || (a.status === 503 && a.code !== 'SERVICE_UNAVAILABLE'),
  );
  expect(bad, `${label}: answers other than 200/409/503 SERVICE_UNAVAILABLE`).toEqual([]);
  const slow = answers.filter((a) => a.status === 503 && a.ms >= FAST_MS);
  expect(slow, `${label}: refusals slower than ${FAST_MS} ms`).toEqual([]);
}

/** Nothing sold twice, every confirmed subscription is in PostgreSQL, and the mirror equals PostgreSQL. */
async function expectConsistent(
  base: string,
  token: string,
  databaseUrl: string,
  projectId: string,
  confirmed: string[],
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const twice = await client.query(`
      SELECT unit_id FROM subscriptions WHERE status IN ('ACTIVE', 'CONTRACTED') GROUP BY unit_id HAVING count(*) > 1`);
    expect(twice.rows, 'units with two live subscriptions').toEqual([]);
    const live = await client.query<{ id: string }>(
      `SELECT id::text FROM subscriptions WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE'`,
      [confirmed],
    );
    expect(live.rows.length, 'every confirm answered 200 is a live subscription').toBe(new Set(confirmed).size);
    // The watchdog reconciles every second: give it a moment after the storm.
    let mismatches: string[] = [];
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const { rows } = await client.query<{ id: string; status: string }>(
        `SELECT id::text, status::text FROM units WHERE project_id = $1::uuid`,
        [projectId],
      );
      const res = await fetch(`${base}/api/projects/${projectId}/snapshot`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const snapshot = (await res.json()) as ProjectSnapshot;
      const mirror = new Map(snapshot.units.map((u) => [u.id, u.status]));
      mismatches = rows
        .filter((r) => {
          const shown = mirror.get(r.id);
          return r.status === 'AVAILABLE' ? shown !== 'AVAILABLE' && shown !== 'LOCKED' : shown !== r.status;
        })
        .map((r) => `${r.id}: postgres ${r.status}, mirror ${mirror.get(r.id)}`);
      if (mismatches.length === 0) break;
      await sleep(250);
    }
    expect(mismatches, 'mirror = PostgreSQL').toEqual([]);
  } finally {
    await client.end();
  }
}

interface Setup {
  base: string;
  projectId: string;
  manager: string;
  prober: string;
  racers: string[];
  stormUnits: string[];
  probeUnits: string[];
}

async function setUp(port: number, racers: number): Promise<Setup> {
  const base = `http://127.0.0.1:${port}`;
  const manager = await login(base, 'manager', 'kaipan-manager');
  const projects = (await (
    await fetch(`${base}/api/projects`, { headers: { authorization: `Bearer ${manager}` } })
  ).json()) as ProjectSummary[];
  const projectId = projects[0]!.id;
  const snapshot = (await (
    await fetch(`${base}/api/projects/${projectId}/snapshot`, { headers: { authorization: `Bearer ${manager}` } })
  ).json()) as ProjectSnapshot;
  const available = snapshot.units.filter((u) => u.status === 'AVAILABLE').map((u) => u.id);
  expect(available.length).toBeGreaterThan(60);
  const tokens = await Promise.all(
    Array.from({ length: racers + 1 }, (_, i) => login(base, `c${String(101 + i).padStart(3, '0')}`, 'kaipan-demo')),
  );
  // The storm races on a few dozen units (plenty of collisions); the recovery probe sells others.
  return {
    base,
    projectId,
    manager,
    prober: tokens[0]!,
    racers: tokens.slice(1),
    stormUnits: available.slice(0, 40),
    probeUnits: available.slice(40),
  };
}

/**
 * One fault: kill -9, watch the storm's answers and the hub's status events until a lock + confirm
 * succeeds again; returns the measured times.
 */
async function fault(
  s: Setup,
  storm: Storm,
  dependency: 'redis' | 'postgres',
  kill: () => void,
  watchers: { socket: HubClient; heard: { at: number; status: SystemStatus }[] }[],
): Promise<{ saleMs: number; upMs: number; refusals: number; confirmed: string[] }> {
  const from = storm.answers.length;
  const heardFrom = watchers.map((w) => w.heard.length);
  const killedAt = Date.now();
  kill();
  // A hub command sent as soon as the screens hear "down" is refused at once.
  const watcher = watchers[0]!;
  await waitUntil(
    `system:status ${dependency} down`,
    () => watcher.heard.slice(heardFrom[0]).some((h) => h.status[dependency] === 'down'),
    10_000,
  );
  const hubSent = Date.now();
  const ack = await emitAck<LockResult>(watcher.socket, 'unit:lock', { unitId: s.probeUnits[0] });
  const hubMs = Date.now() - hubSent;
  expect(ack.ok ? null : ack.error.code, 'hub unit:lock while down').toBe('SERVICE_UNAVAILABLE');
  expect(hubMs).toBeLessThan(FAST_MS);

  const sale = await firstSale(s.base, s.prober, s.probeUnits, killedAt);
  // Every screen heard the outage end (each hub process tells its own sockets).
  for (const [i, w] of watchers.entries()) {
    await waitUntil(
      `system:status ${dependency} up (watcher ${i})`,
      () => {
        const heard = w.heard.slice(heardFrom[i]);
        return heard.some((h) => h.status[dependency] === 'down') && heard.at(-1)?.status[dependency] === 'up';
      },
      15_000,
    );
  }
  const upAt = Math.max(...watchers.map((w) => w.heard.at(-1)!.at));
  await sleep(500); // the storm sells a little more after the recovery
  const window = storm.answers.slice(from);
  expectFastAndCoded(window, dependency);
  const refusals = window.filter((a) => a.status === 503 && a.dependency === dependency);
  expect(refusals.length, `${dependency}: the storm saw the outage as SERVICE_UNAVAILABLE`).toBeGreaterThan(0);
  if (dependency === 'postgres') {
    // No lock that could not be confirmed: a lock sent while the screens showed "database down" is refused.
    // With several hub processes each finds PostgreSQL back on its own (a poll every 250 ms): the
    // first "up" any screen heard is when some hub — maybe the one a storm lock went to — sold again.
    // Each hub also finds the outage on its own: a lock counts once EVERY screen was told "down" (the
    // latest first "down" across the watchers — they sit on different hubs), so a lock that reached a
    // hub whose own poll had not yet seen the outage is not mistaken for one sold against the rule.
    const downAt = Math.max(
      ...watchers.map((w, i) => w.heard.slice(heardFrom[i]).find((h) => h.status.postgres === 'down')?.at ?? -Infinity),
    );
    const upHeard = Math.min(
      ...watchers.map(
        (w, i) => w.heard.slice(heardFrom[i]).find((h) => h.at > downAt && h.status.postgres === 'up')?.at ?? Infinity,
      ),
    );
    const granted = window.filter(
      (a) => a.op === 'lock' && a.status === 200 && a.sentAt > downAt && a.sentAt + a.ms < upHeard - 200,
    );
    expect(granted, 'locks granted while PostgreSQL was down').toEqual([]);
  }
  return {
    saleMs: sale.ms,
    upMs: upAt - killedAt,
    refusals: refusals.length,
    confirmed: [sale.subscriptionId],
  };
}

describe('self-healing: kill -9 of the redis-server and PostgreSQL that npm start launched', () => {
  it('one process: restarts each, answers SERVICE_UNAVAILABLE at once meanwhile, resumes selling, never sells twice', async () => {
    ensureBuilt('client');
    const port = await findFreePort();
    launched = launch({ port, dataDir: data.dir, env: { LOGIN_RATE_PER_MINUTE: '10000', CLIENT_DIST: 'client/dist' } });
    await launched.ready;
    const s = await setUp(port, 10);

    // A consultant's phone with the sheet of an available unit open (a unit nobody else touches).
    const browser = await launchChromium();
    const phone = await (
      await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    ).newPage();
    await phone.goto(`${s.base}/login`);
    await phone.fill('input[name=username]', 'c150');
    await phone.fill('input[name=password]', 'kaipan-demo');
    await phone.press('input[name=password]', 'Enter');
    const cell = phone.locator('button.ucell--available').last();
    await cell.waitFor({ timeout: 20_000 });
    const code = (await cell.getAttribute('aria-label'))!.split(' ')[0]!;
    const snapshot = (await (
      await fetch(`${s.base}/api/projects/${s.projectId}/snapshot`, {
        headers: { authorization: `Bearer ${s.manager}` },
      })
    ).json()) as ProjectSnapshot;
    const mine = snapshot.units.find((u) => u.code === code)!.id;
    s.stormUnits = s.stormUnits.filter((id) => id !== mine);
    s.probeUnits = s.probeUnits.filter((id) => id !== mine);
    await cell.click();
    const lockButton = phone.locator('.sheet .btn--go');
    const banner = phone.locator('.banner--system');
    await lockButton.waitFor();
    const databaseUrl = embeddedDatabaseUrl(launched.output());
    const watcher = watchStatus(s.base, s.manager);
    await waitUntil('hub connected', () => watcher.heard.length > 0, 10_000);
    expect(watcher.heard[0]!.status).toEqual({ postgres: 'up', redis: 'up' });
    const joined = await emitAck<ProjectSnapshot>(watcher.socket, 'project:join', { projectId: s.projectId });
    expect(joined.ok && joined.data.system).toEqual({ postgres: 'up', redis: 'up' });

    const storm = new Storm(s.base, s.racers, s.stormUnits);
    await sleep(1_000);
    const rootPid = launched.proc.pid!;

    const redisPort = Number(/redis-server up \(redis:\/\/127\.0\.0\.1:(\d+)\)/.exec(launched.output())![1]);
    const redis = await fault(
      s,
      storm,
      'redis',
      () => {
        process.kill(pidOf(rootPid, 'redis-server'), 'SIGKILL');
        void holdPort(redisPort, 1_500);
      },
      [watcher],
    );
    console.log(
      `[self-healing] npm start, redis-server kill -9: first lock + confirm after ${redis.saleMs} ms; screens told "up" after ${redis.upMs} ms; ${redis.refusals} storm requests refused with 503`,
    );
    expect(launched.output()).toMatch(/redis-server restart failed .*; next attempt in \d+ ms/);
    expect(launched.output()).toMatch(/redis-server is back \(pid \d+\), \d+ ms after it exited/);

    // The phone shows the outage and takes the lock button away, then gives it back by itself.
    const shown = (async () => {
      await banner.waitFor({ timeout: 10_000 });
      expect(await banner.textContent()).toContain('系统故障，暂停选房');
      expect(await lockButton.count()).toBe(0);
      await phone.screenshot({ path: `${SHOTS}/self-healing-postgres-down-phone.png` });
    })();
    const postgres = await fault(s, storm, 'postgres', () => process.kill(postmasterPid(data.dir), 'SIGKILL'), [
      watcher,
    ]);
    await shown;
    await banner.waitFor({ state: 'hidden', timeout: 10_000 });
    await lockButton.click();
    await phone.locator('input[name=buyer-name]').waitFor({ timeout: 10_000 }); // locked, no reload
    await browser.close();
    console.log(
      `[self-healing] npm start, PostgreSQL kill -9: first lock + confirm after ${postgres.saleMs} ms; screens told "up" after ${postgres.upMs} ms; ${postgres.refusals} storm requests refused with 503`,
    );
    expect(launched.output()).toMatch(/embedded PostgreSQL is back \(pid \d+\), \d+ ms after it exited/);

    // Redis flushed behind our back (an external Redis, or one restarted without its data): the
    // mirror is rebuilt from PostgreSQL and selling goes on.
    const flushedAt = Date.now();
    const direct = new Redis(/redis-server up \((redis:\/\/[^)]+)\)/.exec(launched.output())![1]!);
    await direct.flushall();
    direct.disconnect();
    const afterFlush = await firstSale(s.base, s.prober, s.probeUnits, flushedAt);
    console.log(`[self-healing] npm start, Redis FLUSHALL: first lock + confirm after ${afterFlush.ms} ms`);
    await sleep(500);

    await storm.stop();
    expectFastAndCoded(storm.answers, 'whole storm');
    const confirmed = [
      ...storm.answers.filter((a) => a.subscriptionId).map((a) => a.subscriptionId!),
      ...redis.confirmed,
      ...postgres.confirmed,
      afterFlush.subscriptionId,
    ];
    console.log(
      `[self-healing] storm: ${storm.answers.length} answers, ${confirmed.length} sales, ${storm.answers.filter((a) => a.status === 503).length} refused with 503, slowest refusal ${Math.max(0, ...storm.answers.filter((a) => a.status === 503).map((a) => a.ms))} ms`,
    );
    await expectConsistent(s.base, s.manager, databaseUrl, s.projectId, confirmed);
    watcher.socket.disconnect();
    await launched.stop();
    launched = undefined;
  }, 150_000);

  it('--nodes 3: the primary restarts them; every hub process reconnects and sells again', async () => {
    const port = await findFreePort();
    launched = launch({ port, dataDir: data.dir, args: ['--nodes', '3'], env: { LOGIN_RATE_PER_MINUTE: '10000' } });
    await launched.ready;
    const s = await setUp(port, 4);
    const databaseUrl = embeddedDatabaseUrl(launched.output());
    // Round-robin: a few hub connections land on every hub process.
    const watchers = Array.from({ length: 6 }, () => watchStatus(s.base, s.manager));
    await waitUntil('hubs connected', () => watchers.every((w) => w.heard.length > 0), 10_000);
    const storm = new Storm(s.base, s.racers, s.stormUnits);
    await sleep(500);
    const rootPid = launched.proc.pid!;

    const redis = await fault(
      s,
      storm,
      'redis',
      () => process.kill(pidOf(rootPid, 'redis-server'), 'SIGKILL'),
      watchers,
    );
    console.log(
      `[self-healing] --nodes 3, redis-server kill -9: first lock + confirm after ${redis.saleMs} ms; every screen told "up" after ${redis.upMs} ms`,
    );
    const postgres = await fault(
      s,
      storm,
      'postgres',
      () => process.kill(postmasterPid(data.dir), 'SIGKILL'),
      watchers,
    );
    console.log(
      `[self-healing] --nodes 3, PostgreSQL kill -9: first lock + confirm after ${postgres.saleMs} ms; every screen told "up" after ${postgres.upMs} ms`,
    );

    // Every hub process sells again (new connections spread round-robin over them).
    for (let i = 0; i < 6; i += 1) {
      const sale = await firstSale(s.base, s.prober, s.probeUnits, Date.now(), 10_000);
      redis.confirmed.push(sale.subscriptionId);
    }
    await storm.stop();
    expectFastAndCoded(storm.answers, 'whole storm');
    const confirmed = [
      ...storm.answers.filter((a) => a.subscriptionId).map((a) => a.subscriptionId!),
      ...redis.confirmed,
      ...postgres.confirmed,
    ];
    await expectConsistent(s.base, s.manager, databaseUrl, s.projectId, confirmed);
    for (const w of watchers) w.socket.disconnect();
  }, 150_000);
});
