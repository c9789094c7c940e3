/**
 * The bench orchestrator: starts (or targets) a Kaipan server, logs consultants in before the
 * window, forks load-generator processes, runs one scenario, runs the bare socket.io baseline at
 * the same concurrency, samples the server's CPU/RSS from /proc, checks correctness against
 * PostgreSQL and the boards' state, and writes a JSON result and a Markdown summary.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import {
  HUB_NAMESPACE,
  type HubCommandInput,
  type LoginResponse,
  type ProjectSnapshot,
  type SendRequest,
} from '@kaipan/shared';
import { loadProfile, newestProfile, summarizeProfile } from './cpuprofile.js';
import { readDbState, readWriteCounters, writeCountersDelta, type DbState, type WriteCounters } from './database.js';
import { Histogram, addCounts, mergeSets, type LatencySummary } from './histogram.js';
import { curveCsv, curveMarkdown, MemoryCurveSampler } from './memory-curve.js';
import { DEMO_BOARD_KEY, DEMO_PROJECT_CODE, DEMO_USERS, type BenchOptions } from './options.js';
import { readServerInternals, ResourceSampler, type ResourceSummary } from './proc.js';
import { buildTargets, renderMarkdown } from './report.js';
import { addLoadTestTowers, createBoardDevice, fetchSender, findProject, revokeDevice, signIn } from './setup-api.js';
import type { BenchResult, PhaseResult, Verdict } from './result.js';
import { launchBare, launchKaipan, REPO_ROOT, removeDataDir, type LaunchedServer } from './server.js';
import type {
  BoardVerifyResult,
  ConsultantAssignment,
  FromWorker,
  HubSocket,
  StormStats,
  ToWorker,
  WorkerConfig,
  WorkerStats,
} from './types.js';

type Log = (line: string) => void;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// HTTP helpers

async function postJson<T>(
  url: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, json: (await res.json()) as T };
}

async function getJson<T>(url: string, path: string, token: string): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Session {
  username: string;
  userId: string;
  token: string;
}

/** Log the consultants in before the window (the server hashes at most 2 passwords at a time). */
async function loginAll(
  url: string,
  count: number,
  password: string,
  log: Log,
): Promise<{ sessions: Session[]; totalMs: number; hist: Histogram }> {
  const hist = new Histogram();
  const names = Array.from({ length: count }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);
  const sessions: Session[] = new Array(count);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, count) }, async () => {
      while (next < names.length) {
        const i = next++;
        const username = names[i]!;
        for (let attempt = 1; ; attempt++) {
          const t = performance.now();
          const r = await postJson<LoginResponse & { error?: { code: string } }>(url, '/api/auth/login', {
            username,
            password,
          });
          hist.record(performance.now() - t);
          if (r.status === 200) {
            sessions[i] = { username, userId: r.json.user.id, token: r.json.token };
            break;
          }
          if (attempt >= 3) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.json)}`);
          await sleep(500 * attempt);
        }
      }
    }),
  );
  const totalMs = Math.round(performance.now() - t0);
  log(`logged in ${count} consultants in ${totalMs} ms (p50 ${hist.summary().p50} ms per login)`);
  return { sessions, totalMs, hist };
}

// ---------------------------------------------------------------------------------------------
// Units and assignments

function unitsNeeded(o: BenchOptions): number {
  if (o.units > 0) return o.units;
  if (o.scenario === 'launch-storm') return 0;
  const reserve = o.consultants * 3;
  if (o.scenario === 'api-mix') {
    const total = Object.values(o.httpMix).reduce((s, w) => s + w, 0);
    const share = total ? (o.httpMix.lockConfirm ?? 0) / total : 0;
    return Math.ceil(o.consultants * o.rate * share * o.durationS * 1.3) + reserve;
  }
  // Closed loop: budget for up to 2,500 cycles/s.
  const cycles = o.rate > 0 ? o.consultants * o.rate * o.durationS : 2_500 * o.durationS;
  return Math.ceil(cycles * o.confirmRatio * 1.25) + reserve;
}

function shuffle<T>(items: T[], seed: number): T[] {
  const a = [...items];
  let s = seed >>> 0 || 1;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function assign(
  o: BenchOptions,
  sessions: Session[],
  snapshot: ProjectSnapshot,
): { consultants: ConsultantAssignment[]; hot: string[] } {
  const available = snapshot.units.filter((u) => u.status === 'AVAILABLE');
  const session = (i: number) => sessions[i % sessions.length]!;
  if (o.scenario === 'launch-storm') {
    // Everyone wants the top floors: hot = the highest available units, then a "warm" list.
    const ranked = [...available].sort((a, b) => b.floor - a.floor || a.code.localeCompare(b.code)).map((u) => u.id);
    const hot = ranked.slice(0, o.hotUnits);
    const warm = ranked.slice(o.hotUnits, o.hotUnits + 200);
    // Sockets sharing a demo user (i, i+200, …) aim at different hot units: the same user pressing on
    // the same unit twice would get the same lock back (idempotent), which is not a second winner.
    // User i mod U in round ⌊i / U⌋ takes hot[(i mod U + round) mod HOT], as k6/launch-storm.js does:
    // distinct for every round below HOT (i + round alone repeats when U + 1 shares a factor with HOT).
    const consultants = Array.from({ length: o.consultants }, (_, i) => {
      const s = session(i);
      const rest = shuffle(warm, i + 1).slice(0, Math.max(0, o.choices - 1));
      const first = hot[((i % sessions.length) + Math.floor(i / sessions.length)) % hot.length]!;
      return { index: i, username: s.username, userId: s.userId, token: s.token, units: [first, ...rest] };
    });
    return { consultants, hot };
  }
  // Partition the available units so consultants do not collide (collisions are the storm's job).
  const ids = shuffle(
    available.map((u) => u.id),
    42,
  );
  const n = Math.max(1, o.consultants);
  const parts: string[][] = Array.from({ length: n }, () => []);
  ids.forEach((id, j) => parts[j % n]!.push(id));
  const consultants = Array.from({ length: o.consultants }, (_, i) => {
    const s = session(i);
    return { index: i, username: s.username, userId: s.userId, token: s.token, units: parts[i]! };
  });
  return { consultants, hot: [] };
}

// ---------------------------------------------------------------------------------------------
// Probe: a no-I/O round trip through the server's event loop (an invalid command is refused by
// validation before any Redis or PostgreSQL call), 20 times a second.

class Probe {
  private socket: HubSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly hist = new Histogram();

  async start(url: string, deviceKey: string): Promise<void> {
    const socket: HubSocket = io(`${url}${HUB_NAMESPACE}`, {
      auth: { deviceKey },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 10_000,
    });
    await new Promise<void>((resolvePromise, reject) => {
      const t = setTimeout(() => reject(new Error('probe connect timeout')), 15_000);
      socket.once('connect', () => (clearTimeout(t), resolvePromise()));
      socket.once('connect_error', (e) => (clearTimeout(t), reject(e)));
    });
    this.socket = socket;
    this.timer = setInterval(() => {
      const t0 = performance.now();
      // Deliberately invalid (no unitId): the hub refuses it in validation, before any I/O.
      socket.timeout(5_000).emit('unit:lock', {} as HubCommandInput<'unit:lock'>, (err: Error | null) => {
        if (!err) this.hist.record(performance.now() - t0);
      });
    }, 50);
  }

  stop(): LatencySummary {
    if (this.timer) clearInterval(this.timer);
    this.socket?.close();
    return this.hist.summary();
  }
}

// ---------------------------------------------------------------------------------------------
// A phase: fork workers, set up, run the window, collect.

interface PhaseInput {
  target: 'kaipan' | 'bare';
  url: string;
  projectId: string;
  /** Key of a wall board of the project (boards and the probe). */
  deviceKey: string;
  opts: BenchOptions;
  consultants: ConsultantAssignment[];
  boards: number;
  durationS: number;
  samplerPid: number | null;
  /** With it, PostgreSQL's write counters are read at the window's start and end. */
  databaseUrl?: string;
  probe: boolean;
  /** The soak curve: sample the server's memory every `everyS` s (heap from the preload hook's file). */
  memoryCurve?: { everyS: number; statsFile: string | null };
  /** Signal the server (started with --heapsnapshot-signal) to write a heap snapshot here after the window. */
  heapSnapshotDir?: string;
  /** Called after the workers stopped, before they disconnect: check boards against the server. */
  verify?: (ask: (seq: number, statuses: Record<string, string>) => Promise<BoardVerifyResult>) => Promise<void>;
  log: Log;
}

class WorkerHandle {
  private waiters = new Map<string, (m: FromWorker) => void>();
  private fatal: ((e: Error) => void)[] = [];
  readonly exited: Promise<void>;
  finished = false;
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: FromWorker) => {
      if (m.type === 'fatal') {
        for (const f of this.fatal) f(new Error(`worker failed: ${m.message}`));
        return;
      }
      if (m.type === 'finished') this.finished = true;
      const w = this.waiters.get(m.type);
      if (w) {
        this.waiters.delete(m.type);
        w(m);
      }
    });
    this.exited = new Promise((r) => proc.once('exit', () => r()));
  }
  send(m: ToWorker): void {
    if (this.proc.connected) this.proc.send(m);
  }
  wait<T extends FromWorker['type']>(type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(type, (m) => {
        clearTimeout(timer);
        resolvePromise(m as Extract<FromWorker, { type: T }>);
      });
      this.fatal.push((e) => {
        clearTimeout(timer);
        reject(e);
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`worker exited while waiting for '${type}'`));
      });
    });
  }
  async kill(): Promise<void> {
    this.send({ type: 'shutdown' });
    await Promise.race([this.exited, sleep(5_000)]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

/**
 * SIGUSR2 to a server started with `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=dir`; resolves
 * with the new `.heapsnapshot` once its size stops changing (V8 writes it synchronously, the whole
 * process pauses meanwhile), or null after 3 minutes.
 */
async function takeHeapSnapshot(pid: number, dir: string, log: Log): Promise<string | null> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  let last = -1;
  for (let i = 0; i < 360; i++) {
    await sleep(500);
    const name = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!name) continue;
    const size = statSync(join(dir, name)).size;
    if (size > 0 && size === last) {
      log(`heap snapshot ${join(dir, name)} (${Math.round(size / 1048576)} MB): npm run bench:heap -- <file>`);
      return join(dir, name);
    }
    last = size;
  }
  log('no heap snapshot appeared within 3 minutes');
  return null;
}

async function runPhase(input: PhaseInput): Promise<PhaseResult> {
  const { opts, log } = input;
  const n = Math.max(1, Math.min(opts.workers, Math.max(input.consultants.length, input.boards, 1)));
  const behaviour = opts.scenario === 'launch-storm' ? 'storm' : opts.scenario === 'api-mix' ? 'http' : 'cycle';
  const workers: WorkerHandle[] = [];
  let probe: Probe | null = null;
  let sampler: ResourceSampler | null = null;
  let curveSampler: MemoryCurveSampler | null = null;
  try {
    for (let w = 0; w < n; w++) {
      const proc = fork(resolve(REPO_ROOT, 'load-tests/lib/worker.ts'), [], {
        cwd: REPO_ROOT,
        execArgv: [
          ...(opts.workerProfDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(opts.workerProfDir)}`] : []),
          '--import',
          'tsx',
        ],
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      workers.push(new WorkerHandle(proc));
    }
    const sockets = input.consultants.length + input.boards;
    const setupTimeout = 120_000 + sockets * 200;
    const t0 = performance.now();
    const ready = workers.map((h, w) => {
      const config: WorkerConfig = {
        workerId: w,
        target: input.target,
        url: input.url,
        projectId: input.projectId,
        behaviour,
        consultants: input.consultants.filter((_, i) => i % n === w),
        boards: Math.floor(input.boards / n) + (w < input.boards % n ? 1 : 0),
        deviceKey: input.deviceKey,
        consultantsJoin: input.target === 'kaipan' && opts.consultantsJoin,
        rate: opts.rate,
        holdMs: opts.holdMs,
        confirmRatio: opts.confirmRatio,
        ackTimeoutMs: opts.ackTimeoutMs,
        connectConcurrency: 25,
        httpMix: opts.httpMix,
      };
      h.send({ type: 'init', config });
      return h.wait('ready', setupTimeout);
    });
    const readies = await Promise.all(ready);
    const failed = readies.reduce((s, r) => s + r.failed, 0);
    log(
      `${input.target}: ${sockets} sockets connected${input.target === 'kaipan' ? ' and joined' : ''} in ${Math.round(performance.now() - t0)} ms (${failed} failed)`,
    );

    if (input.samplerPid) {
      sampler = new ResourceSampler(input.samplerPid);
      sampler.start();
      if (input.memoryCurve) {
        curveSampler = new MemoryCurveSampler(input.samplerPid, input.memoryCurve.everyS, input.memoryCurve.statsFile);
        curveSampler.start();
      }
    }
    if (input.probe) {
      probe = new Probe();
      await probe.start(input.url, input.deviceKey);
    }
    const startAt = Date.now() + opts.startDelayMs;
    const hrFrom = Number(process.hrtime.bigint() / 1000n) + opts.startDelayMs * 1000;
    const durationMs = input.durationS * 1000;
    for (const h of workers) h.send({ type: 'start', startAt, durationMs });
    log(`${input.target}: window ${input.durationS} s starts at ${new Date(startAt).toISOString()}`);
    let pgBefore: WriteCounters | null = null;
    if (input.databaseUrl) {
      await sleep(Math.max(0, startAt - Date.now()));
      pgBefore = await readWriteCounters(input.databaseUrl).catch(() => null);
    }
    // Wait out the window (storm: until every worker's consultants are done), bounded.
    const endAt = startAt + durationMs;
    for (let i = 0; Date.now() < endAt && i < 100_000; i++) {
      if (behaviour === 'storm' && workers.every((h) => h.finished)) break;
      await sleep(Math.min(100, Math.max(1, endAt - Date.now())));
    }
    const stoppedAt = Date.now();
    const hrTo = Number(process.hrtime.bigint() / 1000n);
    for (const h of workers) h.send({ type: 'stop' });
    const done = await Promise.all(workers.map((h) => h.wait('done', opts.ackTimeoutMs + 30_000)));
    const resources = sampler?.stop() ?? null;
    sampler = null;
    const memoryCurve = curveSampler?.stop() ?? null;
    curveSampler = null;
    // Read after the backends flushed their statistics (at most once a second each).
    const pgAfter =
      pgBefore && input.databaseUrl
        ? await sleep(1_100).then(() => readWriteCounters(input.databaseUrl!).catch(() => null))
        : null;
    // After the memory figures: writing a snapshot grows the RSS by about the heap's size.
    const heapSnapshot =
      input.heapSnapshotDir && input.samplerPid
        ? await takeHeapSnapshot(input.samplerPid, input.heapSnapshotDir, log)
        : null;
    const probeSummary = probe?.stop() ?? null;
    probe = null;

    if (input.verify) {
      await input.verify(async (seq, statuses) => {
        const results = await Promise.all(
          workers.map((h) => {
            h.send({ type: 'verify', seq, statuses });
            return h.wait('verified', 60_000);
          }),
        );
        return results.reduce<BoardVerifyResult>(
          (acc, { result: r }) => ({
            boards: acc.boards + r.boards,
            consistent: acc.consistent + r.consistent,
            behind: acc.behind + r.behind,
            mismatchedUnits: acc.mismatchedUnits + r.mismatchedUnits,
            examples: [...acc.examples, ...r.examples].slice(0, 10),
          }),
          { boards: 0, consistent: 0, behind: 0, mismatchedUnits: 0, examples: [] },
        );
      });
    }
    const result = aggregate(
      input.target,
      done.map((d) => d.stats),
      Math.max(1, stoppedAt - startAt),
      n,
      failed,
      resources,
      probeSummary,
      { from: hrFrom, to: hrTo },
    );
    result.epochWindow = { from: startAt, to: stoppedAt };
    result.postgresWork = pgBefore && pgAfter ? writeCountersDelta(pgBefore, pgAfter) : null;
    result.memoryCurve = memoryCurve;
    result.heapSnapshot = heapSnapshot;
    return result;
  } finally {
    probe?.stop();
    sampler?.stop();
    curveSampler?.stop();
    await Promise.all(workers.map((h) => h.kill()));
  }
}

function aggregate(
  target: 'kaipan' | 'bare',
  stats: WorkerStats[],
  durationMs: number,
  workers: number,
  failed: number,
  resources: ResourceSummary | null,
  probe: LatencySummary | null,
  hrWindowUs: { from: number; to: number },
): PhaseResult {
  const hists = mergeSets(stats.map((s) => s.histograms));
  const latency: Record<string, LatencySummary> = {};
  for (const [name, h] of Object.entries(hists)) latency[name] = h.summary();
  const ok = stats.reduce((acc, s) => addCounts(acc, s.ok), {} as Record<string, number>);
  const okInWindow = stats.reduce((acc, s) => addCounts(acc, s.okInWindow), {} as Record<string, number>);
  const throughput: Record<string, number> = {};
  for (const [k, v] of Object.entries(okInWindow)) throughput[`${k}/s`] = Math.round((v / durationMs) * 1000 * 10) / 10;
  const sum = (f: (s: WorkerStats) => number) => stats.reduce((acc, s) => acc + f(s), 0);
  const storms = stats.map((s) => s.storm).filter((s): s is StormStats => !!s);
  return {
    target,
    durationMs,
    latency,
    throughput,
    ok,
    errors: stats.reduce((acc, s) => addCounts(acc, s.errors), {} as Record<string, number>),
    timeouts: sum((s) => s.timeouts),
    disconnects: sum((s) => s.disconnects),
    connectErrors: sum((s) => s.connectErrors),
    skippedCycles: sum((s) => s.skippedCycles),
    exhausted: sum((s) => s.exhausted),
    boards: {
      boards: sum((s) => s.boards.boards),
      connected: sum((s) => s.boards.connected),
      frames: sum((s) => s.boards.frames),
      changesApplied: sum((s) => s.boards.changesApplied),
      gaps: sum((s) => s.boards.gaps),
      reorders: sum((s) => s.boards.reorders),
      resyncs: sum((s) => s.boards.resyncs),
      missed: 0,
      minSeq: Math.min(...stats.filter((s) => s.boards.connected).map((s) => s.boards.minSeq), Number.MAX_SAFE_INTEGER),
      maxSeq: Math.max(0, ...stats.map((s) => s.boards.maxSeq)),
    },
    consultantFrames: { frames: sum((s) => s.consultantFrames.frames), bytes: sum((s) => s.consultantFrames.bytes) },
    distinctConfirms: new Set(stats.flatMap((s) => s.subscriptionIds)).size,
    storm: storms.length
      ? {
          firstWave: {
            sent: storms.reduce((a, s) => a + s.firstWave.sent, 0),
            answered: storms.reduce((a, s) => a + s.firstWave.answered, 0),
            wins: storms.flatMap((s) => s.firstWave.wins),
          },
          secured: storms.reduce((a, s) => a + s.secured, 0),
          attempts: storms.reduce((a, s) => a + s.attempts, 0),
        }
      : undefined,
    generator: {
      workers,
      cpuPct: Math.round((sum((s) => s.generator.cpuMs) / durationMs) * 1000) / 10,
      eventLoopP99Ms: Math.max(0, ...stats.map((s) => s.generator.eventLoopP99Ms)),
      eventLoopMaxMs: Math.max(0, ...stats.map((s) => s.generator.eventLoopMaxMs)),
      rssMB: sum((s) => s.generator.rssMB),
    },
    setup: {
      connectMs: Math.max(0, ...stats.map((s) => s.setup.connectMs)),
      joinMs: Math.max(0, ...stats.map((s) => s.setup.joinMs)),
      failed,
    },
    resources,
    probe,
    hrWindowUs,
    epochWindow: { from: 0, to: 0 },
    postgresWork: null,
    memoryCurve: null,
    heapSnapshot: null,
  };
}

// ---------------------------------------------------------------------------------------------

export async function runBench(
  opts: BenchOptions,
  log: Log = (l) => console.log(`[bench] ${l}`),
): Promise<{ result: BenchResult; jsonPath: string; mdPath: string }> {
  const startedAt = new Date();
  const notes: string[] = [];
  const loadAtStart = loadavg();
  let server: LaunchedServer | null = null;
  /** The board device created for this run (revoked at the end). */
  let runDevice: { send: SendRequest; id: string } | null = null;
  const revokeRunDevice = async () => {
    const device = runDevice;
    runDevice = null;
    if (device)
      await revokeDevice(device.send, device.id).catch((e: Error) => log(`revoking the board device: ${e.message}`));
  };
  let bareStop: (() => Promise<void>) | null = null;
  let serverOutput = '';
  const serverLog: Log | undefined = opts.quiet ? undefined : (l) => log(`server: ${l}`);
  const serverEnv: Record<string, string> = { ...opts.serverEnv };
  const nodeOptions: string[] = [];
  // Event-loop delay and heap of the server, sampled in-process by a preloaded hook (no server change).
  const statsFile = opts.serverHook ? join(tmpdir(), `kaipan-bench-stats-${process.pid}-${Date.now()}.jsonl`) : null;
  if (statsFile) {
    nodeOptions.push(`--require=${resolve(REPO_ROOT, 'load-tests/lib/server-preload.cjs')}`);
    serverEnv.KAIPAN_BENCH_STATS_FILE = statsFile;
  }
  if (opts.heapSnapshotDir) {
    mkdirSync(resolve(opts.heapSnapshotDir), { recursive: true });
    nodeOptions.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${resolve(opts.heapSnapshotDir)}`);
  }
  if (opts.cpuProfDir) {
    mkdirSync(resolve(opts.cpuProfDir), { recursive: true });
    nodeOptions.push('--cpu-prof', `--cpu-prof-dir=${resolve(opts.cpuProfDir)}`);
  }
  // Flags on the server's own command line (not NODE_OPTIONS): only the server process gets them.
  try {
    let url = opts.url;
    let databaseUrl = opts.databaseUrl;
    let serverPid: number | null = opts.serverPid ?? null;
    if (!url) {
      log('starting Kaipan (dist/scripts/start.js, fresh data dir)…');
      server = await launchKaipan({ env: serverEnv, nodeArgs: nodeOptions, log: serverLog });
      url = server.url;
      databaseUrl ??= server.databaseUrl;
      serverPid = server.pid;
      log(`Kaipan ready in ${server.readyMs} ms at ${url} (pid ${server.pid}, data ${server.dataDir})`);
    }

    const first = await postJson<LoginResponse>(url, '/api/auth/login', { username: 'c001', password: opts.password });
    if (first.status !== 200) throw new Error(`cannot log in c001: ${first.status} ${JSON.stringify(first.json)}`);
    const consultantApi = fetchSender(url, first.json.token);
    const project = await findProject(consultantApi, opts.project);
    log(`target project ${project.code} (${project.name})`);
    let snapshot = await getJson<ProjectSnapshot>(url, `/api/projects/${project.id}/snapshot`, first.json.token);
    let available = snapshot.units.filter((u) => u.status === 'AVAILABLE').length;
    const needed = unitsNeeded(opts);
    let added = 0;
    // What the run needs that the project lacks is made through the setup API, as an administrator.
    let setup: SendRequest | null = null;
    const admin = async (): Promise<SendRequest> => {
      setup ??= (await signIn(url!, opts.adminUser, opts.adminPassword)).send;
      return setup;
    };
    if (needed > available) {
      log(`need ~${needed} AVAILABLE units, the project has ${available}: adding load-test towers (setup API)`);
      added = await addLoadTestTowers(await admin(), project.id, needed - available, log);
      snapshot = await getJson<ProjectSnapshot>(url, `/api/projects/${project.id}/snapshot`, first.json.token);
      available = snapshot.units.filter((u) => u.status === 'AVAILABLE').length;
      log(`${added} units added: ${available} AVAILABLE`);
    }
    // The boards and the probe connect as a wall board of the target project.
    let deviceKey = opts.deviceKey ?? (project.code === DEMO_PROJECT_CODE ? DEMO_BOARD_KEY : undefined);
    if (!deviceKey) {
      const device = await createBoardDevice(await admin(), project.id);
      runDevice = { send: await admin(), id: device.id };
      deviceKey = device.key;
      log(`board device ${device.id} created for the run (revoked at the end)`);
    }

    const users = Math.min(Math.max(1, opts.consultants), DEMO_USERS);
    const logins = await loginAll(url, users, opts.password, log);
    if (opts.consultants > DEMO_USERS) {
      notes.push(
        `${opts.consultants} consultant sockets share ${DEMO_USERS} demo users (c001…c200); the per-user lock limit (${project.maxLocksPerConsultant}) applies per user, so LOCK_LIMIT refusals are counted separately.`,
      );
    }
    const { consultants, hot } = assign(opts, logins.sessions, snapshot);

    let dbBefore: DbState | null = null;
    if (databaseUrl) dbBefore = await readDbState(databaseUrl, project.id);
    else notes.push('No database URL: the PostgreSQL verdict (double-sold units, acked confirms = rows) was skipped.');

    // --- the measured phase against Kaipan
    let verdict: Verdict = {
      checked: false,
      ok: false,
      doubleSold: [],
      activeLocksLeft: 0,
      mirrorMismatches: 0,
      boards: null,
      boardsConsistentWithDb: null,
      ackedConfirms: 0,
      newActiveSubscriptions: null,
      orphans: null,
      finalSeq: 0,
      problems: [],
    };
    const token = first.json.token;
    const phase = await runPhase({
      target: 'kaipan',
      url,
      projectId: project.id,
      deviceKey,
      opts,
      consultants,
      boards: opts.boards,
      durationS: opts.durationS,
      samplerPid: serverPid,
      ...(databaseUrl ? { databaseUrl } : {}),
      probe: true,
      memoryCurve:
        opts.sampleEveryS > 0 ? { everyS: opts.sampleEveryS, statsFile: opts.url ? null : statsFile } : undefined,
      heapSnapshotDir: opts.heapSnapshotDir && !opts.url ? resolve(opts.heapSnapshotDir) : undefined,
      log,
      verify: async (ask) => {
        // Let the last frames go out (fan-out interval, lock sweep), then compare.
        await sleep(1_500);
        const final = await getJson<ProjectSnapshot>(url!, `/api/projects/${project.id}/snapshot`, token);
        const statuses: Record<string, string> = {};
        for (const u of final.units) statuses[u.id] = u.status;
        const boards = opts.boards > 0 ? await ask(final.seq, statuses) : null;
        verdict = await buildVerdict(databaseUrl, project.id, final, dbBefore, boards);
      },
    });
    verdict.ackedConfirms = phase.distinctConfirms;
    await revokeRunDevice();
    if (verdict.newActiveSubscriptions !== null && verdict.newActiveSubscriptions !== verdict.ackedConfirms) {
      verdict.problems.push(
        `acked confirms (${verdict.ackedConfirms}) ≠ new ACTIVE subscriptions (${verdict.newActiveSubscriptions})`,
      );
      verdict.ok = false;
    }
    if (phase.exhausted > 0) notes.push(`${phase.exhausted} consultants ran out of units before the window ended.`);

    // --- the bare socket.io baseline at the same concurrency
    let bare: BenchResult['bare'] = null;
    if (opts.bare && opts.scenario !== 'api-mix') {
      log('bare socket.io baseline…');
      const b = await launchBare();
      bareStop = b.stop;
      const fakeHot = hot.map(() => randomUUID());
      const fake = consultants.map((c, i) => ({
        ...c,
        units:
          opts.scenario === 'launch-storm'
            ? [fakeHot[i % fakeHot.length]!, ...c.units.slice(1).map(() => randomUUID())]
            : Array.from({ length: 8 }, () => randomUUID()),
      }));
      const bp = await runPhase({
        target: 'bare',
        url: b.url,
        projectId: project.id,
        deviceKey,
        opts: { ...opts, confirmRatio: opts.confirmRatio },
        consultants: fake,
        boards: opts.boards,
        durationS: opts.scenario === 'launch-storm' ? opts.durationS : opts.bareDurationS,
        samplerPid: b.pid,
        probe: false,
        log,
      });
      await b.stop();
      bareStop = null;
      const lockKey = opts.scenario === 'launch-storm' ? 'lock-first-wave' : 'lock';
      const bareAck = bp.latency[lockKey] ?? new Histogram().summary();
      const kaipanLock = phase.latency[lockKey];
      bare = {
        durationMs: bp.durationMs,
        ack: bp.latency.lock ?? new Histogram().summary(),
        ackFirstWave: bp.latency['lock-first-wave'] ?? null,
        ratio: kaipanLock && bareAck.p99 > 0 ? Math.round((kaipanLock.p99 / bareAck.p99) * 100) / 100 : null,
        resources: bp.resources,
        generator: bp.generator,
      };
    }

    // --- stop the server (writes the CPU profile), summarise
    let profile: BenchResult['profile'] = null;
    const readyMs = server?.readyMs ?? null;
    const pid = serverPid;
    if (server) {
      await server.stop();
      serverOutput = server.output().slice(-200_000);
      if (!opts.keepData) removeDataDir(server.dataDir);
      else notes.push(`Server data kept in ${server.dataDir}.`);
    }
    if (opts.cpuProfDir && pid) {
      const file = newestProfile(resolve(opts.cpuProfDir), pid);
      if (file)
        profile = {
          ...summarizeProfile(loadProfile(file), { fromUs: phase.hrWindowUs.from, toUs: phase.hrWindowUs.to, top: 30 }),
          file,
        };
      else notes.push(`No CPU profile of pid ${pid} found in ${opts.cpuProfDir}.`);
    }

    const lockLimit = Object.entries(phase.errors)
      .filter(([k]) => k.endsWith(':LOCK_LIMIT'))
      .reduce((s, [, v]) => s + v, 0);
    const storm: BenchResult['storm'] = phase.storm
      ? {
          ...phase.storm,
          hotUnits: hot,
          winnersPerHotUnit: Object.fromEntries(
            hot.map((id) => [
              id,
              new Set(phase.storm!.firstWave.wins.filter((w) => w.unitId === id).map((w) => w.username)).size,
            ]),
          ),
          distinctWinners: new Set(phase.storm.firstWave.wins.map((w) => `${w.unitId}|${w.username}`)).size,
        }
      : null;
    const cpu = cpus();
    const result: BenchResult = {
      schema: 'kaipan-bench/1',
      scenario: opts.scenario,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: {
        cpus: cpu.length,
        cpuModel: cpu[0]?.model ?? 'unknown',
        memGB: Math.round(totalmem() / 2 ** 30),
        freeMemGB: Math.round(freemem() / 2 ** 30),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadavgAtStart: loadAtStart.map((x) => Math.round(x * 100) / 100),
        loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      },
      git: gitState(),
      options: opts,
      server: {
        mode: opts.url ? 'external' : 'spawned',
        url,
        pid,
        readyMs,
        units: { total: snapshot.units.length, available, added },
        connections: { consultants: consultants.length, boards: opts.boards, total: consultants.length + opts.boards },
      },
      setup: {
        login: { users, totalMs: logins.totalMs, perLogin: logins.hist.summary() },
        connectMs: phase.setup.connectMs,
        joinMs: phase.setup.joinMs,
        failedSockets: phase.setup.failed,
      },
      window: {
        durationMs: phase.durationMs,
        startedAt: new Date(phase.epochWindow.from).toISOString(),
        hrFromUs: phase.hrWindowUs.from,
        hrToUs: phase.hrWindowUs.to,
      },
      latency: phase.latency,
      throughput: phase.throughput,
      counts: {
        ok: phase.ok,
        errors: phase.errors,
        timeouts: phase.timeouts,
        disconnects: phase.disconnects,
        connectErrors: phase.connectErrors,
        skippedCycles: phase.skippedCycles,
        exhausted: phase.exhausted,
        lockLimit,
      },
      boards: phase.boards,
      consultantFrames: phase.consultantFrames,
      storm,
      resources: { server: phase.resources, generator: phase.generator },
      postgresWork: phase.postgresWork,
      memoryCurve: phase.memoryCurve,
      heapSnapshot: phase.heapSnapshot,
      eventLoop: {
        probe: phase.probe,
        server:
          statsFile && pid && !opts.url
            ? readServerInternals(statsFile, pid, phase.epochWindow.from, phase.epochWindow.to)
            : null,
        note: 'Round trip of a command the hub refuses by validation (no Redis/PostgreSQL I/O), sent 20×/s from the runner: an upper bound on the server event-loop delay plus transport. The server exposes no event-loop metric.',
      },
      bare,
      verdict,
      targets: [],
      profile,
      notes,
    };
    if (phase.generator.eventLoopP99Ms > 20) {
      notes.push(
        `Load-generator event loop p99 was ${phase.generator.eventLoopP99Ms} ms: client-side queueing inflates the measured latencies.`,
      );
    }
    result.targets = buildTargets(result);
    const outDir = resolve(REPO_ROOT, opts.outDir);
    mkdirSync(outDir, { recursive: true });
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
    const base = join(outDir, `${opts.scenario}-${stamp}`);
    if (serverOutput) {
      writeFileSync(`${base}.server.log`, serverOutput);
      notes.push(`Server output (LOG_LEVEL=warn): ${base}.server.log`);
    }
    if (result.memoryCurve) {
      writeFileSync(`${base}.memory.csv`, curveCsv(result.memoryCurve));
      notes.push(`Memory curve (every ${result.memoryCurve.everyS} s): ${base}.memory.csv`);
      log(`memory curve:\n${curveMarkdown(result.memoryCurve).join('\n')}`);
    }
    writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(`${base}.md`, renderMarkdown(result));
    return { result, jsonPath: `${base}.json`, mdPath: `${base}.md` };
  } finally {
    await revokeRunDevice();
    if (statsFile) rmSync(statsFile, { force: true });
    if (bareStop) await bareStop().catch(() => undefined);
    if (server) {
      await server.stop().catch(() => undefined);
      if (!opts.keepData) removeDataDir(server.dataDir);
    }
  }
}

function gitState(): BenchResult['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared', 'scripts', 'prisma'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      }).trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

async function buildVerdict(
  databaseUrl: string | undefined,
  projectId: string,
  final: ProjectSnapshot,
  before: DbState | null,
  boards: BoardVerifyResult | null,
): Promise<Verdict> {
  const problems: string[] = [];
  const activeLocksLeft = final.units.filter((u) => u.status === 'LOCKED').length;
  if (activeLocksLeft > 0) problems.push(`${activeLocksLeft} locks left after the run`);
  if (boards && boards.consistent !== boards.boards) {
    problems.push(
      `${boards.boards - boards.consistent} of ${boards.boards} boards differ from the server's final state (${boards.behind} behind, ${boards.mismatchedUnits} unit mismatches)`,
    );
  }
  if (!databaseUrl) {
    return {
      checked: false,
      ok: problems.length === 0,
      doubleSold: [],
      activeLocksLeft,
      mirrorMismatches: 0,
      boards,
      boardsConsistentWithDb: null,
      ackedConfirms: 0,
      newActiveSubscriptions: null,
      orphans: null,
      finalSeq: final.seq,
      problems,
    };
  }
  const db = await readDbState(databaseUrl, projectId);
  // The live state (what boards must show) against the system of record: a LOCKED unit is AVAILABLE in PostgreSQL.
  let mirrorMismatches = 0;
  for (const u of final.units) {
    const stored = db.statuses.get(u.id);
    const expected = u.status === 'LOCKED' ? 'AVAILABLE' : u.status;
    if (stored !== expected) mirrorMismatches += 1;
  }
  if (db.doubleSold.length) problems.push(`DOUBLE-SOLD units: ${db.doubleSold.join(', ')}`);
  if (mirrorMismatches) problems.push(`${mirrorMismatches} units differ between the live state and PostgreSQL`);
  if (db.orphans.unitsWithoutSubscription || db.orphans.subscriptionsWithoutUnit) {
    problems.push(`inconsistent rows: ${JSON.stringify(db.orphans)}`);
  }
  const boardsOk = boards ? boards.consistent === boards.boards : null;
  return {
    checked: true,
    ok: problems.length === 0,
    doubleSold: db.doubleSold,
    activeLocksLeft,
    mirrorMismatches,
    boards,
    boardsConsistentWithDb: boardsOk === null ? null : boardsOk && mirrorMismatches === 0,
    ackedConfirms: 0,
    newActiveSubscriptions: before ? db.activeSubscriptions - before.activeSubscriptions : null,
    orphans: db.orphans,
    finalSeq: final.seq,
    problems,
  };
}
