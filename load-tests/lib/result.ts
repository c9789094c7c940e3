/**
 * The bench result document (schema kaipan-bench/1): what runner.ts measures, report.ts judges and
 * renders, and bench.ts writes as JSON. Its own module so that runner and report both depend on it
 * and not on each other.
 */
import type { ProfileSummary } from './cpuprofile.js';
import type { DbState, WriteCounters } from './database.js';
import type { LatencySummary } from './histogram.js';
import type { MemoryCurve } from './memory-curve.js';
import type { BenchOptions } from './options.js';
import type { ResourceSummary, ServerInternals } from './proc.js';
import type { BoardStats, BoardVerifyResult, StormStats } from './types.js';

export interface TargetCheck {
  name: string;
  target: string;
  value: string;
  /** null: not applicable to this run's shape (e.g. fewer connections than the target names). */
  met: boolean | null;
}

export interface PhaseResult {
  target: 'kaipan' | 'bare';
  durationMs: number;
  latency: Record<string, LatencySummary>;
  throughput: Record<string, number>;
  ok: Record<string, number>;
  errors: Record<string, number>;
  timeouts: number;
  disconnects: number;
  connectErrors: number;
  skippedCycles: number;
  exhausted: number;
  boards: BoardStats;
  consultantFrames: { frames: number; bytes: number };
  /** Distinct subscriptions acked (HTTP confirms included). */
  distinctConfirms: number;
  storm?: StormStats;
  generator: { workers: number; cpuPct: number; eventLoopP99Ms: number; eventLoopMaxMs: number; rssMB: number };
  setup: { connectMs: number; joinMs: number; failed: number };
  resources: ResourceSummary | null;
  probe: LatencySummary | null;
  hrWindowUs: { from: number; to: number };
  epochWindow: { from: number; to: number };
  /** PostgreSQL's write counters over the window (with a database URL; see database.ts). */
  postgresWork: WriteCounters | null;
  /** The server's memory every `--sample-every` s over the window (null: not asked for). */
  memoryCurve: MemoryCurve | null;
  /** The heap snapshot written after the window (`--heap-snapshot DIR`). */
  heapSnapshot: string | null;
}

export interface Verdict {
  checked: boolean;
  ok: boolean;
  doubleSold: string[];
  activeLocksLeft: number;
  mirrorMismatches: number;
  boards: BoardVerifyResult | null;
  boardsConsistentWithDb: boolean | null;
  ackedConfirms: number;
  newActiveSubscriptions: number | null;
  orphans: DbState['orphans'] | null;
  finalSeq: number;
  problems: string[];
}

export interface BenchResult {
  schema: 'kaipan-bench/1';
  scenario: string;
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memGB: number;
    freeMemGB: number;
    node: string;
    platform: string;
    loadavgAtStart: number[];
    loadavgAtEnd: number[];
  };
  /** The code measured: HEAD and whether the working tree had uncommitted changes. */
  git: { commit: string; dirty: boolean } | null;
  options: BenchOptions;
  server: {
    mode: 'spawned' | 'external';
    url: string;
    pid: number | null;
    readyMs: number | null;
    units: { total: number; available: number; added: number };
    connections: { consultants: number; boards: number; total: number };
  };
  setup: {
    login: { users: number; totalMs: number; perLogin: LatencySummary };
    connectMs: number;
    joinMs: number;
    failedSockets: number;
  };
  /** hr: the window on the monotonic clock in µs (what V8 CPU profiles are stamped with). */
  window: { durationMs: number; startedAt: string; hrFromUs: number; hrToUs: number };
  latency: Record<string, LatencySummary>;
  throughput: Record<string, number>;
  counts: {
    ok: Record<string, number>;
    errors: Record<string, number>;
    timeouts: number;
    disconnects: number;
    connectErrors: number;
    skippedCycles: number;
    exhausted: number;
    lockLimit: number;
  };
  boards: BoardStats;
  consultantFrames: { frames: number; bytes: number };
  /** winnersPerHotUnit: distinct users granted each hot unit at the instant (must be 1). */
  storm:
    | (StormStats & { hotUnits: string[]; winnersPerHotUnit: Record<string, number>; distinctWinners: number })
    | null;
  resources: { server: ResourceSummary | null; generator: PhaseResult['generator'] };
  /** What the window cost PostgreSQL (commits, WAL, fsyncs, rows written); null without a database URL. */
  postgresWork: WriteCounters | null;
  /** The soak curve (`--sample-every`, the soak scenario): RSS and heap over the window. */
  memoryCurve: MemoryCurve | null;
  heapSnapshot: string | null;
  eventLoop: { probe: LatencySummary | null; server: ServerInternals | null; note: string };
  bare: {
    durationMs: number;
    ack: LatencySummary;
    ackFirstWave: LatencySummary | null;
    ratio: number | null;
    resources: ResourceSummary | null;
    generator: PhaseResult['generator'];
  } | null;
  verdict: Verdict;
  targets: TargetCheck[];
  profile: (ProfileSummary & { file: string }) | null;
  notes: string[];
}
