// Emulator state shared by the k6 module stand-ins and the runner: metrics, the current VU,
// open sockets, script errors.
export const state = {
  metrics: new Map(),
  vu: { idInTest: 0, iterationInScenario: 0 },
  scenario: { name: '', startTime: Date.now() },
  openSockets: new Set(),
  errors: [],
  startedAt: Date.now(),
};

/** Get or create a metric: type trend | counter | rate | gauge. */
export function metric(name, type, isTime = false) {
  let m = state.metrics.get(name);
  if (!m) {
    m = { name, type, isTime, samples: [] };
    state.metrics.set(name, m);
  }
  return m;
}

export function addSample(name, type, value, tags) {
  metric(name, type).samples.push({ value: Number(value), tags: tags ?? {} });
}

/** Run user code from a callback the way k6 does: an exception is reported, not fatal. */
export function guard(fn, ...args) {
  try {
    return fn(...args);
  } catch (error) {
    state.errors.push(String(error && error.stack ? error.stack : error));
    return undefined;
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.min(rank, sorted.length - 1)];
}

/** Aggregate a metric's samples (optionally those matching a tag filter) the way thresholds see them. */
export function aggregate(m, filter) {
  const samples = filter
    ? m.samples.filter((s) => Object.entries(filter).every(([k, v]) => String(s.tags[k]) === v))
    : m.samples;
  const values = samples.map((s) => s.value);
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((a, b) => a + b, 0);
  const seconds = Math.max(0.001, (Date.now() - state.startedAt) / 1000);
  return {
    count: m.type === 'counter' ? sum : values.length,
    samples: values.length,
    rate:
      m.type === 'rate' ? (values.length ? values.filter((v) => v !== 0).length / values.length : 0) : sum / seconds,
    avg: values.length ? sum / values.length : 0,
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    med: percentile(sorted, 50),
    value: values[values.length - 1] ?? 0,
    p: (n) => percentile(sorted, n),
  };
}

/** Evaluate "p(99)<=10", "count==0", "rate<0.01"… on an aggregate. */
export function evaluate(agg, rule) {
  const m = /^\s*(count|rate|avg|min|max|med|value|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*([0-9.]+)\s*$/.exec(
    rule,
  );
  if (!m) throw new Error(`threshold not understood: ${rule}`);
  const actual = m[2] !== undefined ? agg.p(Number(m[2])) : agg[m[1]];
  const target = Number(m[4]);
  const ok = {
    '<': actual < target,
    '<=': actual <= target,
    '>': actual > target,
    '>=': actual >= target,
    '==': actual === target,
    '===': actual === target,
    '!=': actual !== target,
  }[m[3]];
  return { actual, ok };
}
