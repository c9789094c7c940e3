/**
 * Resource use of the server under test, read from /proc (Linux): CPU of the server process and of
 * its PostgreSQL and Redis process trees, and the server's RSS. Sampled on a timer by the runner.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  /* default */
}

interface ProcRow {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, ms */
  cpuMs: number;
}

function readStat(pid: number): ProcRow | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: split after the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const rest = text.slice(close + 2).split(' ');
    // rest[0] = state (field 3); utime = field 14, stime = field 15 → rest[11], rest[12]
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return { pid, ppid: Number(rest[1]), comm, cpuMs: ((utime + stime) * 1000) / clockTicks };
  } catch {
    return null;
  }
}

function allProcs(): ProcRow[] {
  const rows: ProcRow[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    const row = readStat(Number(name));
    if (row) rows.push(row);
  }
  return rows;
}

/** VmRSS and VmHWM of a process, MB. */
export function readMemory(pid: number): { rssMB: number; hwmMB: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rssMB: Math.round(kb('VmRSS') / 1024), hwmMB: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

function descendants(rows: ProcRow[], root: number): ProcRow[] {
  const byParent = new Map<number, ProcRow[]>();
  for (const r of rows) byParent.set(r.ppid, [...(byParent.get(r.ppid) ?? []), r]);
  const out: ProcRow[] = [];
  const stack = [root];
  for (let guard = 0; stack.length && guard < 100_000; guard++) {
    const pid = stack.pop()!;
    for (const child of byParent.get(pid) ?? []) {
      out.push(child);
      stack.push(child.pid);
    }
  }
  return out;
}

export interface ResourceSample {
  at: number;
  serverCpuMs: number;
  postgresCpuMs: number;
  redisCpuMs: number;
  rssMB: number;
}

export interface ResourceSummary {
  samples: number;
  /** Average CPU over the window, % of one core (200 % = both cores of this machine). */
  serverCpuAvgPct: number;
  serverCpuMaxPct: number;
  postgresCpuAvgPct: number;
  redisCpuAvgPct: number;
  rssStartMB: number;
  rssMaxMB: number;
  rssEndMB: number;
  /** Peak RSS over the server's whole life (VmHWM). */
  rssHighWaterMB: number;
}

/** Samples the server process (pid) and its children every `intervalMs`. */
export class ResourceSampler {
  private samples: ResourceSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private hwm = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 500,
  ) {}

  sample(): ResourceSample | null {
    const rows = allProcs();
    const server = rows.find((r) => r.pid === this.pid);
    if (!server) return null;
    const kids = descendants(rows, this.pid);
    // The postmaster and its backends; redis-server (and its background threads are in-process).
    const pgRoot = kids.find((k) => k.comm === 'postgres' && k.ppid === this.pid);
    const postgres = pgRoot
      ? [pgRoot, ...descendants(rows, pgRoot.pid)]
      : kids.filter((k) => k.comm.startsWith('postgres'));
    const redis = kids.filter((k) => k.comm.startsWith('redis-server'));
    const mem = readMemory(this.pid);
    if (mem) this.hwm = Math.max(this.hwm, mem.hwmMB);
    const s: ResourceSample = {
      at: Date.now(),
      serverCpuMs: server.cpuMs,
      postgresCpuMs: postgres.reduce((sum, r) => sum + r.cpuMs, 0),
      redisCpuMs: redis.reduce((sum, r) => sum + r.cpuMs, 0),
      rssMB: mem?.rssMB ?? 0,
    };
    this.samples.push(s);
    return s;
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): ResourceSummary {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return summarize(this.samples, this.hwm);
  }
}

export function summarize(samples: ResourceSample[], hwm: number): ResourceSummary {
  const first = samples[0];
  const last = samples[samples.length - 1];
  const empty: ResourceSummary = {
    samples: samples.length,
    serverCpuAvgPct: 0,
    serverCpuMaxPct: 0,
    postgresCpuAvgPct: 0,
    redisCpuAvgPct: 0,
    rssStartMB: first?.rssMB ?? 0,
    rssMaxMB: first?.rssMB ?? 0,
    rssEndMB: last?.rssMB ?? 0,
    rssHighWaterMB: hwm,
  };
  if (!first || !last || last.at === first.at) return empty;
  const span = last.at - first.at;
  let maxPct = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (b.at > a.at) maxPct = Math.max(maxPct, ((b.serverCpuMs - a.serverCpuMs) / (b.at - a.at)) * 100);
  }
  const pct = (d: number) => Math.round((d / span) * 1000) / 10;
  return {
    ...empty,
    serverCpuAvgPct: pct(last.serverCpuMs - first.serverCpuMs),
    serverCpuMaxPct: Math.round(maxPct * 10) / 10,
    postgresCpuAvgPct: pct(last.postgresCpuMs - first.postgresCpuMs),
    redisCpuAvgPct: pct(last.redisCpuMs - first.redisCpuMs),
    rssMaxMB: Math.max(...samples.map((s) => s.rssMB)),
  };
}

export interface ServerInternals {
  /** Seconds of samples inside the window. */
  seconds: number;
  eventLoop: { p50AvgMs: number; p99MedianMs: number; p99MaxMs: number; maxMs: number };
  heapUsedMaxMB: number;
  heapTotalMaxMB: number;
  externalMaxMB: number;
  arrayBuffersMaxMB: number;
  /** Room broadcasts (units:changed / project:changed frames): how long each held the event loop. */
  fanout: {
    framesPerSecond: number;
    recipientsPerFrame: number;
    /** Share of wall time spent inside broadcasts, %. */
    busyPct: number;
    /** Worst per-second p99 and the max of one broadcast, ms. */
    p99MaxMs: number;
    p50MedianMs: number;
    maxMs: number;
  } | null;
  /** Garbage-collection pauses (PerformanceObserver 'gc'). */
  gc: {
    pausesPerSecond: number;
    pauseMsPerSecond: number;
    maxMs: number;
    /** Full (mark-compact) collections: per second, and their pause ms per second. */
    majorPerSecond: number;
    majorMsPerSecond: number;
  } | null;
}

interface PreloadLine {
  pid: number;
  at: number;
  eld: { p50: number; p99: number; max: number; mean: number };
  mem: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  fanout?: { frames: number; recipients: number; totalMs: number; p50: number; p99: number; max: number };
  gc?: { count: number; totalMs: number; max: number; major?: number; majorMs?: number };
}

/** Summarise the lines server-preload.cjs wrote for `pid` between `from` and `to` (epoch ms). */
export function readServerInternals(file: string, pid: number, from: number, to: number): ServerInternals | null {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const lines: PreloadLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const l = JSON.parse(raw) as PreloadLine;
      // Each line covers the second before `at`.
      if (l.pid === pid && l.at > from && l.at <= to + 1000) lines.push(l);
    } catch {
      /* partial line */
    }
  }
  if (lines.length === 0) return null;
  const mb = (b: number) => Math.round(b / 1048576);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const p99s = lines.map((l) => l.eld.p99).sort((a, b) => a - b);
  const fl = lines.filter((l) => l.fanout && l.fanout.frames > 0).map((l) => l.fanout!);
  const frames = fl.reduce((s, f) => s + f.frames, 0);
  const p50s = fl.map((f) => f.p50).sort((a, b) => a - b);
  const fanout = fl.length
    ? {
        framesPerSecond: r2(frames / lines.length),
        recipientsPerFrame: r2(fl.reduce((s, f) => s + f.recipients, 0) / Math.max(1, frames)),
        busyPct: r2(fl.reduce((s, f) => s + f.totalMs, 0) / (lines.length * 10)),
        p99MaxMs: r2(Math.max(...fl.map((f) => f.p99))),
        p50MedianMs: r2(p50s[Math.floor(p50s.length / 2)]!),
        maxMs: r2(Math.max(...fl.map((f) => f.max))),
      }
    : null;
  const gl = lines.flatMap((l) => (l.gc ? [l.gc] : []));
  const gc = gl.length
    ? {
        pausesPerSecond: r2(gl.reduce((s, g) => s + g.count, 0) / gl.length),
        pauseMsPerSecond: r2(gl.reduce((s, g) => s + g.totalMs, 0) / gl.length),
        maxMs: r2(Math.max(...gl.map((g) => g.max))),
        majorPerSecond: r2(gl.reduce((s, g) => s + (g.major ?? 0), 0) / gl.length),
        majorMsPerSecond: r2(gl.reduce((s, g) => s + (g.majorMs ?? 0), 0) / gl.length),
      }
    : null;
  return {
    fanout,
    gc,
    seconds: lines.length,
    eventLoop: {
      p50AvgMs: r2(lines.reduce((s, l) => s + l.eld.p50, 0) / lines.length),
      p99MedianMs: r2(p99s[Math.floor(p99s.length / 2)]!),
      p99MaxMs: r2(p99s[p99s.length - 1]!),
      maxMs: r2(Math.max(...lines.map((l) => l.eld.max))),
    },
    heapUsedMaxMB: mb(Math.max(...lines.map((l) => l.mem.heapUsed))),
    heapTotalMaxMB: mb(Math.max(...lines.map((l) => l.mem.heapTotal))),
    externalMaxMB: mb(Math.max(...lines.map((l) => l.mem.external))),
    arrayBuffersMaxMB: mb(Math.max(...lines.map((l) => l.mem.arrayBuffers))),
  };
}
