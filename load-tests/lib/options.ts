/** Bench options: defaults per scenario, and the command-line parser of `npm run bench`. */
import { SCENARIOS, type Scenario } from './types.js';

export interface BenchOptions {
  scenario: Scenario;
  /** Consultant sockets (api-mix: HTTP users). More than 200 reuse the demo users c001…c200. */
  consultants: number;
  boards: number;
  /** Measured window, s (launch-storm: the longest it may take). */
  durationS: number;
  /** Sales cycles (lock → confirm|release) per consultant per second; 0 = closed loop. api-mix: requests/s per user. */
  rate: number;
  /** ms a consultant holds a lock before confirming or releasing. */
  holdMs: number;
  /** Share of cycles that confirm (the rest release). */
  confirmRatio: number;
  /** launch-storm: how many hot units everyone goes for at the instant. */
  hotUnits: number;
  /** launch-storm: length of each consultant's ranked list (first choice = a hot unit). */
  choices: number;
  /** Consultant sockets join the project room (receive every units:changed frame, as the real grid does). */
  consultantsJoin: boolean;
  /** Target a running server instead of starting one. */
  url?: string;
  /** PostgreSQL of the target (default: the embedded one the bench started). */
  databaseUrl?: string;
  /** PID of an external server's Node process, for CPU/RSS. */
  serverPid?: number;
  /** Load-generator processes. */
  workers: number;
  /** Run the bare socket.io baseline at the same concurrency. */
  bare: boolean;
  bareDurationS: number;
  /**
   * At least this many AVAILABLE units: when the project has fewer, the bench adds load-test towers
   * through the setup API (lib/setup-api.ts) as `adminUser`. 0 = estimate.
   */
  units: number;
  /** Code of the target project (any project, e.g. a rehearsal 演练); default the first one c001 sees. */
  project?: string;
  /** Who makes what the run needs through the setup API (an administrator, or a manager of the project). */
  adminUser: string;
  adminPassword: string;
  /** Write a V8 CPU profile of the server into this directory and summarise it over the window. */
  cpuProfDir?: string;
  /** Write V8 CPU profiles of the load-generator workers into this directory. */
  workerProfDir?: string;
  outDir: string;
  /** Password of the consultants c001…c200. */
  password: string;
  /** Key of a wall board of the target project; default the demo board's, or a device created for the run. */
  deviceKey?: string;
  ackTimeoutMs: number;
  /** ms between "everyone is connected" and the common start instant. */
  startDelayMs: number;
  /** HTTP action weights (api-mix). */
  httpMix: Record<string, number>;
  /** Preload lib/server-preload.cjs into the spawned server (event-loop delay and heap, once a second). */
  serverHook: boolean;
  /** Extra environment for the spawned server (e.g. FANOUT_INTERVAL_MS, PG_POOL_SIZE, MALLOC_ARENA_MAX). */
  serverEnv: Record<string, string>;
  /**
   * Sample the server's RSS and V8 heap every this many seconds of the window into
   * `<result>.memory.csv` and the report (the soak curve). 0 = off.
   */
  sampleEveryS: number;
  /**
   * Write a V8 heap snapshot of the spawned server into this directory at the end of the window
   * (sockets still connected), after the memory figures were taken: a snapshot grows the RSS.
   */
  heapSnapshotDir?: string;
  /** Keep the temp data dir of the spawned server. */
  keepData: boolean;
  quiet: boolean;
  /** Exit non-zero when a performance target is missed (correctness failures always do). */
  strict: boolean;
}

export const DEMO_USERS = 200;
export const DEMO_PASSWORD = 'kaipan-demo';
export const DEMO_BOARD_KEY = 'demo-board-key-7f3a9c2e5b8d1046';
export const DEMO_PROJECT_CODE = 'DEMO-YHF';

const COMMON = {
  holdMs: 50,
  confirmRatio: 0.5,
  hotUnits: 10,
  choices: 5,
  consultantsJoin: true,
  workers: 2,
  bare: true,
  bareDurationS: 20,
  units: 0,
  outDir: 'load-tests/results',
  password: DEMO_PASSWORD,
  adminUser: 'admin',
  adminPassword: 'kaipan-admin',
  ackTimeoutMs: 10_000,
  startDelayMs: 1_500,
  httpMix: { projects: 1, catalog: 1, snapshot: 2, deals: 2, lockRelease: 3.5, lockConfirm: 0.5 },
  serverHook: true,
  serverEnv: {},
  sampleEveryS: 0,
  keepData: false,
  quiet: false,
  strict: false,
};

export const SCENARIO_DEFAULTS: Record<Scenario, Partial<BenchOptions>> = {
  // One generator process: at the instant, a second one only competes with the server for the 2 cores.
  'launch-storm': { consultants: 1000, boards: 0, durationS: 30, rate: 0, holdMs: 0, startDelayMs: 2_000, workers: 1 },
  'steady-selling': { consultants: 500, boards: 100, durationS: 60, rate: 1, confirmRatio: 0.5 },
  'board-fanout': { consultants: 50, boards: 500, durationS: 60, rate: 2, confirmRatio: 0.2 },
  'api-mix': { consultants: 100, boards: 0, durationS: 60, rate: 2, bare: false },
  'confirm-throughput': {
    consultants: 200,
    boards: 0,
    durationS: 20,
    rate: 0,
    confirmRatio: 1,
    holdMs: 0,
    consultantsJoin: false,
    bare: false,
  },
  // 250 commands/s (125 cycles/s) for 10 minutes, memory sampled every 10 s. One confirm in fifty:
  // the units the window needs (~3,400) are added before it starts, so the project does not grow
  // during it, and joining 520 sockets stays cheap (each join answers with the whole snapshot).
  soak: {
    consultants: 500,
    boards: 20,
    durationS: 600,
    rate: 0.25,
    confirmRatio: 0.02,
    bare: false,
    sampleEveryS: 10,
  },
};

export function defaultOptions(scenario: Scenario, overrides: Partial<BenchOptions> = {}): BenchOptions {
  const merged = { ...COMMON, ...SCENARIO_DEFAULTS[scenario], ...stripUndefined(overrides), scenario } as BenchOptions;
  if (overrides.bareDurationS === undefined) merged.bareDurationS = Math.min(merged.durationS, COMMON.bareDurationS);
  return merged;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const USAGE = `usage: npm run bench -- <scenario> [options]
scenarios: ${SCENARIOS.join(', ')}
  --consultants N      consultant sockets (api-mix: HTTP users); >200 reuse c001…c200
  --boards M           wall-board sockets (device key)
  --duration S         measured window, seconds
  --rate R             cycles (lock→confirm|release) per consultant per second; 0 = closed loop
  --hold-ms MS         time a lock is held before confirm/release (default 50)
  --confirm-ratio P    share of cycles that confirm (default 0.5)
  --hot N              launch-storm: hot units (default 10)
  --choices K          launch-storm: ranked choices per consultant (default 5)
  --no-join            consultant sockets do not join the project room
  --units N            ensure at least N AVAILABLE units (adds load-test towers through the setup API)
  --project CODE       target the project with this code (e.g. a rehearsal); default the first c001 sees
  --admin-user U  --admin-password P   who adds towers / a board device (default the demo admin)
  --workers W          load-generator processes (default 2)
  --no-bare            skip the bare socket.io baseline;  --bare-duration S (default min(duration, 20))
  --url URL            target a running server instead of starting one (with --database-url, --server-pid)
  --cpu-prof DIR       profile the spawned server (node --cpu-prof) and summarise the window
  --profile-workers DIR  CPU-profile the load-generator workers too
  --out DIR            results directory (default load-tests/results)
  --server-env K=V     extra environment for the spawned server (repeatable), e.g. FANOUT_INTERVAL_MS=100
  --sample-every S     sample server RSS/heap every S s into <result>.memory.csv (soak default 10)
  --heap-snapshot DIR  write a V8 heap snapshot of the spawned server at the end of the window (npm run bench:heap)
  --no-server-hook     do not preload the event-loop/heap sampler into the spawned server
  --password P  --device-key K  --ack-timeout MS  --start-delay MS  --keep-data  --quiet  --strict`;

/** Parse `<scenario> [--flag value]…`. Throws on unknown flags. */
export function parseArgs(argv: string[]): BenchOptions {
  const scenario = argv.find((a) => !a.startsWith('--')) as Scenario | undefined;
  if (!scenario || !(SCENARIOS as readonly string[]).includes(scenario))
    throw new Error(`unknown or missing scenario\n${USAGE}`);
  const o: Partial<BenchOptions> = {};
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const eqAt = a.indexOf('=');
    const flag = eqAt > 0 ? a.slice(0, eqAt) : a;
    const inline = eqAt > 0 ? a.slice(eqAt + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--consultants':
        o.consultants = num(flag, value());
        break;
      case '--boards':
        o.boards = num(flag, value());
        break;
      case '--duration':
        o.durationS = num(flag, value());
        break;
      case '--rate':
        o.rate = num(flag, value());
        break;
      case '--hold-ms':
        o.holdMs = num(flag, value());
        break;
      case '--confirm-ratio':
        o.confirmRatio = num(flag, value());
        break;
      case '--hot':
        o.hotUnits = num(flag, value());
        break;
      case '--choices':
        o.choices = num(flag, value());
        break;
      case '--no-join':
        o.consultantsJoin = false;
        break;
      case '--join':
        o.consultantsJoin = true;
        break;
      case '--units':
        o.units = num(flag, value());
        break;
      case '--workers':
        o.workers = num(flag, value());
        break;
      case '--no-bare':
        o.bare = false;
        break;
      case '--bare':
        o.bare = true;
        break;
      case '--bare-duration':
        o.bareDurationS = num(flag, value());
        break;
      case '--url':
        o.url = value().replace(/\/$/, '');
        break;
      case '--database-url':
        o.databaseUrl = value();
        break;
      case '--server-pid':
        o.serverPid = num(flag, value());
        break;
      case '--cpu-prof':
        o.cpuProfDir = value();
        break;
      case '--profile-workers':
        o.workerProfDir = value();
        break;
      case '--out':
        o.outDir = value();
        break;
      case '--password':
        o.password = value();
        break;
      case '--device-key':
        o.deviceKey = value();
        break;
      case '--ack-timeout':
        o.ackTimeoutMs = num(flag, value());
        break;
      case '--start-delay':
        o.startDelayMs = num(flag, value());
        break;
      case '--sample-every':
        o.sampleEveryS = num(flag, value());
        break;
      case '--heap-snapshot':
        o.heapSnapshotDir = value();
        break;
      case '--keep-data':
        o.keepData = true;
        break;
      case '--no-server-hook':
        o.serverHook = false;
        break;
      case '--project':
        o.project = value();
        break;
      case '--admin-user':
        o.adminUser = value();
        break;
      case '--admin-password':
        o.adminPassword = value();
        break;
      case '--server-env': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new Error('--server-env needs KEY=VALUE');
        o.serverEnv = { ...(o.serverEnv ?? {}), [kv.slice(0, eq)]: kv.slice(eq + 1) };
        break;
      }
      case '--quiet':
        o.quiet = true;
        break;
      case '--strict':
        o.strict = true;
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  const opts = defaultOptions(scenario, o);
  if (opts.consultants < 0 || opts.boards < 0 || opts.durationS <= 0 || opts.workers < 1)
    throw new Error('counts must be ≥ 0, duration > 0, workers ≥ 1');
  if (opts.durationS > 3600) throw new Error('--duration is capped at 3600 s');
  if (opts.sampleEveryS < 0) throw new Error('--sample-every must be ≥ 0');
  return opts;
}
