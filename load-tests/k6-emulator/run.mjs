// node --import ./load-tests/k6-emulator/register.mjs load-tests/k6-emulator/run.mjs <script.js> [-e KEY=VALUE]…
// Runs setup(), every scenario's VUs (per-vu-iterations, constant-vus, constant-arrival-rate), waits
// for the hub sessions to end, evaluates the thresholds, prints a JSON summary; exit 99 when a
// threshold fails (as k6 does), 1 on script errors.
import { pathToFileURL } from 'node:url';
import { aggregate, evaluate, guard, state } from './state.mjs';

const args = process.argv.slice(2);
const script = args.find((a) => !a.startsWith('-') && !a.includes('='));
const env = { ...process.env };
for (let i = 0; i < args.length; i++) {
  if (args[i] === '-e' && args[i + 1]) {
    const [k, ...v] = args[++i].split('=');
    env[k] = v.join('=');
  }
}
globalThis.__ENV = env;
if (!script) {
  console.error('usage: run.mjs <script.js> [-e KEY=VALUE]…');
  process.exit(2);
}

const HARD_LIMIT_MS = Number(env.EMULATOR_MAX_MS ?? 300_000);
const started = Date.now();
const mod = await import(pathToFileURL(script).href);
const options = mod.options ?? {};
const data = typeof mod.setup === 'function' ? mod.setup() : undefined;
const copy = () => (data === undefined ? undefined : JSON.parse(JSON.stringify(data)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const seconds = (d) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(d ?? '0s'));
  return m ? Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]] : 0;
};

let nextVu = 1;
const scenarios = Object.entries(
  options.scenarios ?? { default: { executor: 'per-vu-iterations', vus: options.vus ?? 1, iterations: 1 } },
);
const runs = scenarios.map(async ([name, sc]) => {
  const fn = mod[sc.exec ?? 'default'];
  if (typeof fn !== 'function') throw new Error(`scenario ${name}: no exported function ${sc.exec ?? 'default'}`);
  const firstVu = nextVu;
  const vus = sc.vus ?? sc.preAllocatedVUs ?? 1;
  nextVu += vus;
  const call = (vu, iteration) => {
    state.vu = { idInTest: vu, idInInstance: vu, iterationInScenario: iteration, iterationInInstance: iteration };
    state.scenario = { name, executor: sc.executor, startTime: started, progress: 0 };
    globalThis.__VU = vu;
    globalThis.__ITER = iteration;
    guard(fn, copy());
  };
  if (sc.executor === 'per-vu-iterations' || sc.executor === 'shared-iterations') {
    for (let v = 0; v < vus; v++) for (let it = 0; it < (sc.iterations ?? 1); it++) call(firstVu + v, it);
  } else if (sc.executor === 'constant-vus') {
    const end = Date.now() + seconds(sc.duration) * 1000;
    for (let it = 0; Date.now() < end && Date.now() - started < HARD_LIMIT_MS; it++) {
      for (let v = 0; v < vus; v++) call(firstVu + v, it);
      await sleep(0);
    }
  } else if (sc.executor === 'constant-arrival-rate') {
    const perSecond = (sc.rate ?? 1) / seconds(sc.timeUnit ?? '1s');
    const end = Date.now() + seconds(sc.duration) * 1000;
    for (let it = 0; Date.now() < end && Date.now() - started < HARD_LIMIT_MS; it++) {
      call(firstVu + (it % vus), it);
      await sleep(Math.max(0, started + ((it + 1) / perSecond) * 1000 - Date.now()));
    }
  } else {
    throw new Error(`executor not emulated: ${sc.executor}`);
  }
});
await Promise.all(runs);

// ws sessions end on their own (the scripts close them); bounded by maxDuration and the hard limit.
const maxDuration = Math.max(...scenarios.map(([, sc]) => seconds(sc.maxDuration ?? '10m'))) * 1000;
while (state.openSockets.size > 0 && Date.now() - started < Math.min(maxDuration, HARD_LIMIT_MS)) await sleep(100);
const unclosed = state.openSockets.size;
for (const s of state.openSockets) s.ws.terminate();
if (typeof mod.teardown === 'function') guard(mod.teardown, copy());

const thresholds = {};
let failed = false;
for (const [key, rules] of Object.entries(options.thresholds ?? {})) {
  const m = /^([^{]+)(?:\{([^}]*)\})?$/.exec(key);
  const filter = m[2] ? Object.fromEntries(m[2].split(',').map((kv) => kv.split(':').map((x) => x.trim()))) : undefined;
  const metric = state.metrics.get(m[1]);
  thresholds[key] = {};
  for (const rule of rules) {
    const agg = metric ? aggregate(metric, filter) : null;
    // A metric that never got a sample: k6 does not fail count==0-style thresholds on it.
    const result = agg
      ? evaluate(agg, rule)
      : { actual: null, ok: /^count\s*==\s*0$/.test(rule) || /^rate\s*==\s*1$/.test(rule) };
    thresholds[key][rule] = result;
    if (!result.ok) failed = true;
  }
}
const metrics = {};
for (const [name, m] of state.metrics) {
  const a = aggregate(m);
  metrics[name] = {
    type: m.type,
    samples: a.samples,
    count: a.count,
    avg: a.avg,
    p99: a.p(99),
    max: a.max,
    rate: a.rate,
  };
}
console.log(
  JSON.stringify({
    script,
    ms: Date.now() - started,
    unclosed,
    errors: state.errors.slice(0, 10),
    thresholds,
    metrics,
  }),
);
process.exit(state.errors.length ? 1 : failed ? 99 : 0);
