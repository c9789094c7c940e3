/**
 * A load-generator process (forked by the runner; never in the server's process). It opens the
 * consultant and board sockets it is given, waits for the common start instant, drives its
 * behaviour until told to stop, and reports histograms and counters over IPC.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { NodeWebSocket } from 'engine.io-client';
import * as sioParser from 'socket.io-parser';
import {
  HUB_NAMESPACE,
  LiveProject,
  planFrame,
  type Ack,
  type HubAuth,
  type HubCommand,
  type HubCommandInput,
  type HubCommandResults,
  type UnitsChangedFrame,
} from '@kaipan/shared';
import { Histogram, type HistogramSet } from './histogram.js';
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

type TimedHubSocket = ReturnType<HubSocket['timeout']>;

type AckResult<T> = { ack?: Ack<T>; ms: number; timeout: boolean };

const BUYER = { name: '压测买家', phone: '13800138000' };
const MAX_CYCLES_PER_CONSULTANT = 10_000_000;

let config!: WorkerConfig;
// Until 'start' nothing is in the window (joins and other setup do not count as throughput).
let windowStart = Number.POSITIVE_INFINITY;
let windowEnd = Number.NEGATIVE_INFINITY;
let stopping = false;
const timers = new Set<NodeJS.Timeout>();
const inflight = new Set<Promise<unknown>>();
const histograms = new Map<string, Histogram>();
const ok: Record<string, number> = {};
const okInWindow: Record<string, number> = {};
const errors: Record<string, number> = {};
const counters = { timeouts: 0, disconnects: 0, connectErrors: 0, skippedCycles: 0, exhausted: 0 };
const storm: StormStats = { firstWave: { sent: 0, answered: 0, wins: [] }, secured: 0, attempts: 0 };
const consultants: Consultant[] = [];
const subscriptionIds = new Set<string>();
const boards: Board[] = [];
const sockets: HubSocket[] = [];
const eld = monitorEventLoopDelay({ resolution: 5 });
let cpuAtStart = process.cpuUsage();
let setup = { connectMs: 0, joinMs: 0 };

function send(message: FromWorker): void {
  process.send?.(message);
}

const hist = (name: string): Histogram => {
  let h = histograms.get(name);
  if (!h) histograms.set(name, (h = new Histogram()));
  return h;
};
const bump = (map: Record<string, number>, key: string, n = 1): void => {
  map[key] = (map[key] ?? 0) + n;
};
const epochNow = (): number => performance.timeOrigin + performance.now();

/** A pause inside a cycle (never cancelled: a cycle always finishes, so it never leaves a lock behind). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Run `fn` over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(runners);
}

/**
 * Consultant sockets receive every units:changed frame (they are in the project room, as the real
 * grid is) but the bench has no use for them. This WebSocket transport counts those frames on the
 * raw bytes and drops them — no UTF-8 decoding, no JSON parsing — and replaces a huge ack (the join
 * snapshot) by a short one, so the load generator spends its CPU on sending commands and timing
 * acks. The server does exactly the same work as for a real client.
 */
const consultantFrames = { frames: 0, bytes: 0 };
const FRAME_PREFIX = Buffer.from(`4${sioParser.PacketType.EVENT}${HUB_NAMESPACE},["units:changed"`);
const ACK_PREFIX = `4${sioParser.PacketType.ACK}${HUB_NAMESPACE},`;

function leanText(data: Buffer): string | null {
  if (
    data.length >= FRAME_PREFIX.length &&
    data.compare(FRAME_PREFIX, 0, FRAME_PREFIX.length, 0, FRAME_PREFIX.length) === 0
  ) {
    consultantFrames.frames += 1;
    consultantFrames.bytes += data.length;
    return null;
  }
  if (data.length > 65_536) {
    const head = data.subarray(0, 64).toString();
    const m = new RegExp(`^${ACK_PREFIX}(\\d+)\\[\\{"ok":true`).exec(head);
    if (m) return `${ACK_PREFIX}${m[1]}[{"ok":true,"data":{"skipped":${data.length}}}]`;
  }
  return data.toString();
}

class LeanWebSocket extends NodeWebSocket {
  override createSocket(uri: string, protocols: string | string[] | undefined, opts: Record<string, unknown>): unknown {
    const socket = super.createSocket(uri, protocols, opts) as {
      on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): void;
      removeAllListeners(event: string): void;
    };
    // engine.io-client assigns `onmessage` right after; take the raw ('message', data, isBinary) event instead.
    Object.defineProperty(socket, 'onmessage', {
      configurable: true,
      get: () => undefined,
      set: (handler: ((ev: { data: unknown }) => void) | null) => {
        socket.removeAllListeners('message');
        if (!handler) return;
        socket.on('message', (data, isBinary) => {
          if (isBinary) return handler({ data });
          const text = leanText(data);
          if (text !== null) handler({ data: text });
        });
      },
    });
    return socket;
  }
}

function connect(auth: HubAuth, label: string, lean = false): Promise<HubSocket> {
  return new Promise((resolve, reject) => {
    const socket: HubSocket = io(`${config.url}${HUB_NAMESPACE}`, {
      auth,
      transports: lean ? [LeanWebSocket] : ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 20_000,
      extraHeaders: { 'x-kaipan-device': label },
    });
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`connect timeout (${label})`));
    }, 30_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      sockets.push(socket);
      socket.on('disconnect', (reason) => {
        if (reason !== 'io client disconnect') counters.disconnects += 1;
      });
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
  });
}

type AckDone<C extends HubCommand> = (err: Error | null, res: Ack<HubCommandResults[C]>) => void;

/**
 * One typed emit per command (the same table as client/src/lib/socket.ts, with the callback kept:
 * the latency is measured to the callback, as before): socket.io's typings cannot follow an event
 * name that is a type parameter, a table indexed by it can.
 */
const emit: {
  [C in HubCommand]: (socket: TimedHubSocket, payload: HubCommandInput<C>, done: AckDone<C>) => void;
} = {
  'project:join': (socket, payload, done) => socket.emit('project:join', payload, done),
  'project:leave': (socket, payload, done) => socket.emit('project:leave', payload, done),
  'unit:lock': (socket, payload, done) => socket.emit('unit:lock', payload, done),
  'unit:release': (socket, payload, done) => socket.emit('unit:release', payload, done),
  'unit:confirm': (socket, payload, done) => socket.emit('unit:confirm', payload, done),
};

/** Emit a hub command with an ack; never rejects. */
function call<C extends HubCommand>(
  socket: HubSocket,
  event: C,
  payload: HubCommandInput<C>,
): Promise<AckResult<HubCommandResults[C]>> {
  const t0 = performance.now();
  const p = new Promise<AckResult<HubCommandResults[C]>>((resolve) => {
    emit[event](socket.timeout(config.ackTimeoutMs), payload, (err, res) => {
      resolve(
        err ? { ms: performance.now() - t0, timeout: true } : { ack: res, ms: performance.now() - t0, timeout: false },
      );
    });
  });
  inflight.add(p);
  void p.finally(() => inflight.delete(p));
  return p;
}

/** Record a command's latency and outcome under `name`; returns the error code or null. */
function record(name: string, r: AckResult<unknown>): string | null {
  hist(name).record(r.ms);
  if (r.timeout || !r.ack) {
    counters.timeouts += 1;
    bump(errors, `${name}:TIMEOUT`);
    return 'TIMEOUT';
  }
  if (r.ack.ok) {
    bump(ok, name);
    const sub = (r.ack.data as { subscriptionId?: unknown } | undefined)?.subscriptionId;
    if (typeof sub === 'string') subscriptionIds.add(sub);
    const now = Date.now();
    if (now >= windowStart && now <= windowEnd) bump(okInWindow, name);
    return null;
  }
  bump(errors, `${name}:${r.ack.error.code}`);
  return r.ack.error.code;
}

// ---------------------------------------------------------------------------------------------
// Consultants

class Consultant {
  busy = false;
  done = false;
  readonly queue: string[];
  constructor(
    readonly socket: HubSocket,
    readonly a: ConsultantAssignment,
  ) {
    this.queue = [...a.units];
  }

  /** One sales cycle: lock → (hold) → confirm or release. */
  async cycle(): Promise<void> {
    const unitId = this.queue.shift();
    if (!unitId) {
      if (!this.done) counters.exhausted += 1;
      this.done = true;
      return;
    }
    const lock = await call(this.socket, 'unit:lock', { unitId });
    const code = record('lock', lock);
    if (code) {
      // Transient refusals keep the unit in this consultant's list; sold/unknown units drop out.
      if (code !== 'UNIT_NOT_AVAILABLE' && code !== 'NOT_FOUND' && code !== 'NOT_RELEASED') this.queue.push(unitId);
      return;
    }
    if (config.holdMs > 0) await sleep(config.holdMs);
    const token = lock.ack?.ok ? lock.ack.data.token : '1';
    if (Math.random() < config.confirmRatio) {
      const confirm = await call(this.socket, 'unit:confirm', { unitId, token, buyer: BUYER });
      if (record('confirm', confirm)) {
        // Do not leave the lock behind.
        record('cleanup-release', await call(this.socket, 'unit:release', { unitId, token }));
        this.queue.push(unitId);
      }
    } else {
      record('release', await call(this.socket, 'unit:release', { unitId, token }));
      this.queue.push(unitId);
    }
  }

  /** Launch storm: the first choice at the common instant, then down the ranked list. */
  async storm(startAt: number): Promise<void> {
    for (let k = 0; k < this.a.units.length && !stopping; k++) {
      const unitId = this.a.units[k]!;
      storm.attempts += 1;
      if (k === 0) storm.firstWave.sent += 1;
      const lock = await call(this.socket, 'unit:lock', { unitId });
      const code = record(k === 0 ? 'lock-first-wave' : 'lock', lock);
      if (k === 0) {
        hist('lock').record(lock.ms);
        if (!lock.timeout) {
          storm.firstWave.answered += 1;
          hist('answer-since-start').record(epochNow() - startAt);
        }
      }
      if (code) continue;
      if (k === 0) storm.firstWave.wins.push({ unitId, consultant: this.a.index, username: this.a.username });
      if (config.holdMs > 0) await sleep(config.holdMs);
      const token = lock.ack?.ok ? lock.ack.data.token : '1';
      const confirm = await call(this.socket, 'unit:confirm', { unitId, token, buyer: BUYER });
      if (!record('confirm', confirm)) {
        storm.secured += 1;
        break;
      }
      record('cleanup-release', await call(this.socket, 'unit:release', { unitId, token }));
    }
    this.done = true;
  }
}

function runOpenLoop(c: Consultant, startAt: number, endAt: number): void {
  const period = 1000 / config.rate;
  const phase = Math.random() * period;
  let k = 0;
  const tick = (): void => {
    if (stopping || c.done) return;
    const due = startAt + phase + k * period;
    k += 1;
    if (due >= endAt || k > MAX_CYCLES_PER_CONSULTANT) return;
    if (c.busy) counters.skippedCycles += 1;
    else {
      c.busy = true;
      const p = c.cycle().finally(() => (c.busy = false));
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    const t = setTimeout(tick, Math.max(0, startAt + phase + k * period - Date.now()));
    timers.add(t);
  };
  const t = setTimeout(tick, Math.max(0, startAt + phase - Date.now()));
  timers.add(t);
}

async function runClosedLoop(c: Consultant, startAt: number, endAt: number): Promise<void> {
  await sleep(Math.max(0, startAt - Date.now()));
  for (let n = 0; n < MAX_CYCLES_PER_CONSULTANT && !stopping && !c.done && Date.now() < endAt; n++) await c.cycle();
}

// ---------------------------------------------------------------------------------------------
// Boards

/**
 * A wall board following the project the way the real board does: the shared LiveProject with join
 * tickets (shared/src/live-state.ts; test/support/follow.ts) — frames that race a snapshot are held
 * and applied after it, only the answer to the latest join loads, a gap or `project:changed {resync}`
 * joins again. What the board adds is measurement: the delivery time of every change it applies
 * (arrival − the change's time, held frames included), frames older than its state after a load
 * (`reorders`), re-joins (`resyncs`); gaps are LiveProject's own count.
 */
class Board {
  readonly live = new LiveProject();
  frames = 0;
  applied = 0;
  reorders = 0;
  resyncs = 0;
  /** While a snapshot is awaited: the held frames with their arrival times (null while following). */
  private heldAt: [UnitsChangedFrame, number][] | null = [];
  /** The latest join's ticket: the answer to an earlier one is not loaded. */
  private ticket = 0;

  constructor(readonly socket: HubSocket) {
    socket.on('units:changed', (frame) => this.onFrame(frame, Date.now()));
    socket.on('project:changed', (e) => {
      if (e.resync) {
        this.resyncs += 1;
        void this.join();
      }
    });
  }

  get gaps(): number {
    return this.live.gaps;
  }

  async join(): Promise<boolean> {
    this.heldAt ??= [];
    const ticket = this.live.join();
    this.ticket = ticket;
    const r = await call(this.socket, 'project:join', { projectId: config.projectId });
    if (record('board-join', r) || !r.ack?.ok) return false;
    if (ticket !== this.ticket) return true; // a later join is on its way: its answer loads
    const from = r.ack.data.seq;
    const complete = this.live.load(r.ack.data, ticket);
    const held = this.heldAt ?? [];
    const delivery = hist('board-delivery');
    for (const [frame, at] of held) {
      for (const change of frame.changes) {
        if (change.seq > from && change.seq <= this.live.seq) {
          delivery.record(at - change.at);
          this.applied += 1;
        }
      }
    }
    if (complete) {
      this.heldAt = null;
      return true;
    }
    // A held frame did not follow on from the snapshot: join again (LiveProject keeps the rest).
    this.heldAt = held.filter(([frame]) => frame.seq > this.live.seq);
    this.resyncs += 1;
    void this.join();
    return true;
  }

  private onFrame(frame: UnitsChangedFrame, at: number): void {
    this.frames += 1;
    if (this.heldAt) {
      this.heldAt.push([frame, at]);
      this.live.apply(frame); // held until the snapshot loads
      return;
    }
    const plan = planFrame(this.live.seq, frame);
    if (plan.kind === 'stale') this.reorders += 1; // frames covered by the snapshot come right after a join only
    if (!this.live.apply(frame)) {
      this.heldAt = [[frame, at]];
      this.resyncs += 1;
      void this.join();
      return;
    }
    if (plan.kind === 'apply') {
      const delivery = hist('board-delivery');
      for (const change of plan.changes) delivery.record(at - change.at);
      this.applied += plan.changes.length;
    }
  }
}

function verifyBoards(seq: number, statuses: Record<string, string>): BoardVerifyResult {
  const result: BoardVerifyResult = {
    boards: boards.length,
    consistent: 0,
    behind: 0,
    mismatchedUnits: 0,
    examples: [],
  };
  const expected = Object.entries(statuses);
  boards.forEach((b, i) => {
    let bad = 0;
    if (b.live.seq !== seq) {
      result.behind += 1;
      if (result.examples.length < 5) result.examples.push(`w${config.workerId}b${i}: seq ${b.live.seq} ≠ ${seq}`);
    }
    for (const [id, status] of expected) {
      const got = b.live.units.get(id)?.status;
      if (got !== status) {
        bad += 1;
        if (result.examples.length < 5) result.examples.push(`w${config.workerId}b${i}: unit ${id} ${got} ≠ ${status}`);
      }
    }
    result.mismatchedUnits += bad;
    if (bad === 0 && b.live.seq === seq) result.consistent += 1;
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// HTTP users (api-mix)

async function httpCall(
  name: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const t0 = performance.now();
  const key = `http:${name}`;
  try {
    const res = await fetch(`${config.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(config.ackTimeoutMs),
    });
    const text = await res.text();
    hist(key).record(performance.now() - t0);
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    if (res.ok) {
      bump(ok, key);
      const sub = (json as { subscriptionId?: unknown } | null)?.subscriptionId;
      if (typeof sub === 'string') subscriptionIds.add(sub);
      const now = Date.now();
      if (now >= windowStart && now <= windowEnd) bump(okInWindow, key);
    } else {
      const code = (json as { error?: { code?: string } } | null)?.error?.code ?? String(res.status);
      bump(errors, `${key}:${code}`);
    }
    return { status: res.status, json };
  } catch {
    hist(key).record(performance.now() - t0);
    counters.timeouts += 1;
    bump(errors, `${key}:TIMEOUT`);
    return { status: 0, json: null };
  }
}

class HttpUser {
  busy = false;
  readonly queue: string[];
  private readonly actions: [string, number][];
  private readonly total: number;
  constructor(readonly a: ConsultantAssignment) {
    this.queue = [...a.units];
    this.actions = Object.entries(config.httpMix ?? { snapshot: 1 });
    this.total = this.actions.reduce((s, [, w]) => s + w, 0);
  }

  async cycle(): Promise<void> {
    let r = Math.random() * this.total;
    let action = this.actions[0]![0];
    for (const [name, w] of this.actions) {
      if ((r -= w) < 0) {
        action = name;
        break;
      }
    }
    const p = config.projectId;
    const t = this.a.token;
    switch (action) {
      case 'projects':
        await httpCall('projects', 'GET', '/api/projects', t);
        return;
      case 'catalog':
        await httpCall('catalog', 'GET', `/api/projects/${p}/catalog`, t);
        return;
      case 'snapshot':
        await httpCall('snapshot', 'GET', `/api/projects/${p}/snapshot`, t);
        return;
      case 'deals':
        await httpCall('deals', 'GET', `/api/projects/${p}/deals?limit=20`, t);
        return;
      case 'lockRelease':
      case 'lockConfirm': {
        const unitId = this.queue.shift();
        if (!unitId) return;
        const lock = await httpCall('lock', 'POST', `/api/units/${unitId}/lock`, t, {});
        const token = (lock.json as { token?: string } | null)?.token;
        if (lock.status !== 200 || !token) {
          if (lock.status !== 409 || (lock.json as { error?: { code?: string } })?.error?.code !== 'UNIT_NOT_AVAILABLE')
            this.queue.push(unitId);
          return;
        }
        if (action === 'lockConfirm') {
          const c = await httpCall('confirm', 'POST', `/api/units/${unitId}/confirm`, t, { token, buyer: BUYER });
          if (c.status === 200) return;
        }
        await httpCall('release', 'POST', `/api/units/${unitId}/release`, t, { token });
        this.queue.push(unitId);
        return;
      }
      default:
        return;
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function init(c: WorkerConfig): Promise<void> {
  config = c;
  const t0 = performance.now();
  let failed = 0;
  if (c.behaviour !== 'http') {
    const slots: (HubSocket | null)[] = [];
    await pool(
      c.consultants.map((a, i) => ({ a, i })),
      c.connectConcurrency,
      async ({ a, i }) => {
        try {
          slots[i] = await connect(
            c.target === 'bare' ? { token: 'bare' } : { token: a.token },
            `bench-w${c.workerId}-${a.username}-${a.index}`,
            true,
          );
        } catch {
          counters.connectErrors += 1;
          failed += 1;
          slots[i] = null;
        }
      },
    );
    c.consultants.forEach((a, i) => {
      const s = slots[i];
      if (s) consultants.push(new Consultant(s, a));
    });
    await pool(
      Array.from({ length: c.boards }, (_, i) => i),
      c.connectConcurrency,
      async (i) => {
        try {
          const s = await connect({ deviceKey: c.deviceKey }, `bench-w${c.workerId}-board-${i}`);
          boards.push(new Board(s));
        } catch {
          counters.connectErrors += 1;
          failed += 1;
        }
      },
    );
  }
  const t1 = performance.now();
  if (c.target === 'kaipan') {
    const joinLimit = Math.max(4, Math.floor(c.connectConcurrency / 2));
    if (c.consultantsJoin) {
      await pool(consultants, joinLimit, async (k) => {
        if (record('consultant-join', await call(k.socket, 'project:join', { projectId: c.projectId }))) failed += 1;
      });
    }
    await pool(boards, joinLimit, async (b) => {
      if (!(await b.join())) failed += 1;
    });
  }
  setup = { connectMs: Math.round(t1 - t0), joinMs: Math.round(performance.now() - t1) };
  send({ type: 'ready', connectMs: setup.connectMs, joinMs: setup.joinMs, failed });
}

function start(startAt: number, durationMs: number): void {
  windowStart = startAt;
  windowEnd = startAt + durationMs;
  eld.enable();
  cpuAtStart = process.cpuUsage();
  if (config.behaviour === 'cycle') {
    for (const c of consultants) {
      if (config.rate > 0) runOpenLoop(c, startAt, windowEnd);
      else {
        const p = runClosedLoop(c, startAt, windowEnd);
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
    }
  } else if (config.behaviour === 'storm') {
    // Sleep until just before the instant, then spin (bounded) to fire as close to it as possible.
    const fire = (): void => {
      for (let spins = 0; Date.now() < startAt && spins < 50_000_000; spins++);
      const all = consultants.map((c) => c.storm(startAt));
      void Promise.all(all).then(() => send({ type: 'finished' }));
    };
    const t = setTimeout(fire, Math.max(0, startAt - Date.now() - 3));
    timers.add(t);
  } else {
    const users = config.consultants.map((a) => new HttpUser(a));
    for (const u of users) {
      const period = 1000 / Math.max(0.01, config.rate);
      const phase = Math.random() * period;
      let k = 0;
      const tick = (): void => {
        if (stopping) return;
        const due = startAt + phase + k * period;
        k += 1;
        if (due >= windowEnd || k > MAX_CYCLES_PER_CONSULTANT) return;
        if (u.busy) counters.skippedCycles += 1;
        else {
          u.busy = true;
          const p = u.cycle().finally(() => (u.busy = false));
          inflight.add(p);
          void p.finally(() => inflight.delete(p));
        }
        const t = setTimeout(tick, Math.max(0, startAt + phase + k * period - Date.now()));
        timers.add(t);
      };
      const t = setTimeout(tick, Math.max(0, startAt + phase - Date.now()));
      timers.add(t);
    }
  }
}

async function stop(): Promise<void> {
  stopping = true;
  for (const t of timers) clearTimeout(t);
  timers.clear();
  // Let in-flight commands finish (bounded): a cycle never leaves a lock behind.
  const deadline = Date.now() + config.ackTimeoutMs + 5_000;
  while (inflight.size > 0 && Date.now() < deadline)
    await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => setTimeout(r, 100))]);
  eld.disable();
  const cpu = process.cpuUsage(cpuAtStart);
  const hs: HistogramSet = {};
  for (const [name, h] of histograms) hs[name] = h.toJSON();
  const stats: WorkerStats = {
    workerId: config.workerId,
    histograms: hs,
    ok,
    okInWindow,
    errors,
    ...counters,
    storm: config.behaviour === 'storm' ? storm : undefined,
    boards: {
      boards: config.boards,
      connected: boards.length,
      frames: boards.reduce((s, b) => s + b.frames, 0),
      changesApplied: boards.reduce((s, b) => s + b.applied, 0),
      gaps: boards.reduce((s, b) => s + b.gaps, 0),
      reorders: boards.reduce((s, b) => s + b.reorders, 0),
      resyncs: boards.reduce((s, b) => s + b.resyncs, 0),
      missed: 0,
      minSeq: boards.length ? Math.min(...boards.map((b) => b.live.seq)) : 0,
      maxSeq: boards.length ? Math.max(...boards.map((b) => b.live.seq)) : 0,
    },
    consultantFrames,
    subscriptionIds: [...subscriptionIds],
    generator: {
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      // The histogram holds whole 5 ms timer intervals: subtract the resolution to get the delay.
      eventLoopP99Ms: Math.max(0, Math.round(eld.percentile(99) / 1e4) / 100 - 5),
      eventLoopMaxMs: Math.max(0, Math.round(eld.max / 1e4) / 100 - 5),
      rssMB: Math.round(process.memoryUsage().rss / 1048576),
    },
    setup,
  };
  send({ type: 'done', stats });
}

function shutdown(): void {
  for (const s of sockets) s.close();
  // Give the close frames a moment, then leave.
  setTimeout(() => process.exit(0), 200).unref();
}

process.on('message', (message: ToWorker) => {
  const run = async (): Promise<void> => {
    switch (message.type) {
      case 'init':
        await init(message.config);
        break;
      case 'start':
        start(message.startAt, message.durationMs);
        break;
      case 'stop':
        await stop();
        break;
      case 'verify':
        send({ type: 'verified', result: verifyBoards(message.seq, message.statuses) });
        break;
      case 'shutdown':
        shutdown();
        break;
    }
  };
  run().catch((error: unknown) =>
    send({ type: 'fatal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
// The orchestrator went away: do not linger.
process.on('disconnect', () => process.exit(0));
