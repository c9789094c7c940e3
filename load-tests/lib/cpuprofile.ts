/**
 * Aggregates a V8 .cpuprofile (node --cpu-prof) into self time per function and per package,
 * optionally restricted to a window of the monotonic clock (process.hrtime in µs, the clock V8
 * stamps its samples with on Linux), so start-up work does not blur the measured run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeRow {
  name: string;
  where: string;
  selfMs: number;
  /** % of the busy (non-idle) time in the window */
  pct: number;
}

export interface ProfileSummary {
  file?: string;
  windowMs: number;
  busyMs: number;
  idleMs: number;
  /** busy time / window: the share of one core the process used */
  busyPct: number;
  functions: SelfTimeRow[];
  packages: SelfTimeRow[];
}

/** Which package / area a frame belongs to. */
export function packageOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native/V8)';
  if (url.startsWith('node:')) return 'node core';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(server|shared|scripts)\/src\/(?:([^/]+)\/)?/.exec(url) ?? /\/(scripts)\//.exec(url);
  if (m) return `kaipan ${m[1]}${m[2] ? `/${m[2]}` : ''}`;
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

function shortWhere(frame: CallFrame): string {
  if (!frame.url) return '';
  let url = frame.url.replace(/^file:\/\//, '');
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) url = url.slice(nm + '/node_modules/'.length);
  else {
    const i = url.search(/\/(server|shared|scripts|load-tests)\//);
    if (i >= 0) url = url.slice(i + 1);
  }
  return `${url}:${frame.lineNumber + 1}`;
}

export function summarizeProfile(
  profile: CpuProfile,
  opts: { fromUs?: number; toUs?: number; top?: number } = {},
): ProfileSummary {
  const from = opts.fromUs ?? profile.startTime;
  const to = opts.toUs ?? profile.endTime;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fnSelf = new Map<string, { frame: CallFrame; us: number }>();
  const pkgSelf = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  let t = profile.startTime;
  const n = Math.min(profile.samples.length, profile.timeDeltas.length);
  for (let i = 0; i < n; i++) {
    t += profile.timeDeltas[i]!;
    if (t < from || t > to) continue;
    // A sample stands for the time until the next one.
    const dur = i + 1 < n ? Math.max(0, profile.timeDeltas[i + 1]!) : 0;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') {
      idle += dur;
      continue;
    }
    busy += dur;
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`;
    const row = fnSelf.get(key) ?? { frame, us: 0 };
    row.us += dur;
    fnSelf.set(key, row);
    const pkg = packageOf(frame);
    pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + dur);
  }
  const top = opts.top ?? 25;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const pct = (us: number) => (busy ? Math.round((us / busy) * 1000) / 10 : 0);
  const windowUs = Math.max(1, Math.min(to, profile.endTime) - Math.max(from, profile.startTime));
  return {
    windowMs: ms(windowUs),
    busyMs: ms(busy),
    idleMs: ms(idle),
    busyPct: Math.round((busy / windowUs) * 1000) / 10,
    functions: [...fnSelf.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((r) => ({
        name: r.frame.functionName || '(anonymous)',
        where: shortWhere(r.frame),
        selfMs: ms(r.us),
        pct: pct(r.us),
      })),
    packages: [...pkgSelf.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, where: '', selfMs: ms(us), pct: pct(us) })),
  };
}

export interface StretchSummary {
  windowMs: number;
  /** Busy stretches: runs of consecutive non-idle samples — the event loop did not wait for I/O. */
  stretches: number;
  minMs: number;
  /** Stretches of at least `minMs`, per second, and their total time. */
  longPerSecond: number;
  longTotalMs: number;
  /** The longest stretches, ms. */
  longestMs: number[];
  /** Stretch length histogram: upper bounds (ms) and counts (the last bucket is open). */
  histogram: { belowMs: number[]; counts: number[] };
  /** Inside the long stretches: time with each function on the stack (inclusive), % of their total. */
  inside: SelfTimeRow[];
}

/**
 * Where the event loop's long busy stretches go: a command that arrives during one waits for its
 * end, so these — not the average CPU — make a latency tail. A stretch is a run of samples with no
 * `(idle)` between them (with the default 1 ms sampling, stretches shorter than that merge). On a
 * machine whose cores are oversubscribed, a preempted process also shows as busy.
 */
export function summarizeStretches(
  profile: CpuProfile,
  opts: { fromUs?: number; toUs?: number; minMs?: number; top?: number } = {},
): StretchSummary {
  const from = opts.fromUs ?? profile.startTime;
  const to = opts.toUs ?? profile.endTime;
  const minMs = opts.minMs ?? 5;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stretches: { us: number; samples: [number, number][] }[] = [];
  let current: { us: number; samples: [number, number][] } | null = null;
  let t = profile.startTime;
  const n = Math.min(profile.samples.length, profile.timeDeltas.length);
  for (let i = 0; i < n; i++) {
    t += profile.timeDeltas[i]!;
    if (t < from || t > to) continue;
    const dur = i + 1 < n ? Math.max(0, profile.timeDeltas[i + 1]!) : 0;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      if (current) stretches.push(current);
      current = null;
      continue;
    }
    current ??= { us: 0, samples: [] };
    current.us += dur;
    current.samples.push([node.id, dur]);
  }
  if (current) stretches.push(current);
  const long = stretches.filter((s) => s.us >= minMs * 1000);
  /** One key per distinct function (one function appears in many nodes). */
  const keyOf = (frame: CallFrame): string =>
    `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`;
  const frames = new Map(profile.nodes.map((node) => [keyOf(node.callFrame), node.callFrame]));
  const inclusive = new Map<string, number>();
  let insideUs = 0;
  for (const stretch of long) {
    for (const [id, dur] of stretch.samples) {
      insideUs += dur;
      // Each function once per sample, however often it recurses.
      const seen = new Set<string>();
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
        const key = keyOf(byId.get(x)!.callFrame);
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + dur);
      }
    }
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const windowUs = Math.max(1, Math.min(to, profile.endTime) - Math.max(from, profile.startTime));
  const belowMs = [1, 2, 5, 10, 20, 50];
  const counts = [...belowMs, Infinity].map(() => 0);
  for (const s of stretches) counts[[...belowMs, Infinity].findIndex((b) => s.us < b * 1000)]! += 1;
  return {
    windowMs: ms(windowUs),
    stretches: stretches.length,
    minMs,
    longPerSecond: Math.round((long.length / (windowUs / 1e6)) * 100) / 100,
    longTotalMs: ms(long.reduce((sum, s) => sum + s.us, 0)),
    longestMs: long
      .map((s) => ms(s.us))
      .sort((a, b) => b - a)
      .slice(0, 10),
    histogram: { belowMs, counts },
    inside: [...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .filter(([key]) => frames.get(key)!.functionName !== '(root)')
      .slice(0, opts.top ?? 25)
      .map(([key, us]) => {
        const frame = frames.get(key)!;
        return {
          name: frame.functionName || '(anonymous)',
          where: shortWhere(frame),
          selfMs: ms(us),
          pct: insideUs ? Math.round((us / insideUs) * 1000) / 10 : 0,
        };
      }),
  };
}

export function stretchesMarkdown(s: StretchSummary): string {
  const buckets = s.histogram.belowMs.map((b) => `< ${b}`).concat(`≥ ${s.histogram.belowMs.at(-1)}`);
  return [
    `Window ${(s.windowMs / 1000).toFixed(1)} s: ${s.stretches} busy stretches; ≥ ${s.minMs} ms: ${s.longPerSecond}/s, ${s.longTotalMs} ms in all; longest ${s.longestMs.join(', ')} ms.`,
    '',
    `| stretch length (ms) | ${buckets.join(' | ')} |`,
    `| --- | ${buckets.map(() => '---:').join(' | ')} |`,
    `| stretches | ${s.histogram.counts.join(' | ')} |`,
    '',
    `| on the stack inside stretches ≥ ${s.minMs} ms | where | ms | % |`,
    '| --- | --- | ---: | ---: |',
    ...s.inside.map((r) => `| \`${r.name}\` | ${r.where} | ${r.selfMs} | ${r.pct} |`),
  ].join('\n');
}

/**
 * The newest main-thread .cpuprofile in a directory (optionally of one pid). Node names them
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; worker threads (thread ≠ 0) are skipped.
 */
export function newestProfile(dir: string, pid?: number): string | null {
  let best: { file: string; mtime: number } | null = null;
  for (const name of readdirSync(dir)) {
    const m = /^CPU\.\d+\.\d+\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(name);
    if (m ? m[2] !== '0' : !name.endsWith('.cpuprofile')) continue;
    if (pid !== undefined && m && Number(m[1]) !== pid) continue;
    const file = join(dir, name);
    const mtime = statSync(file).mtimeMs;
    if (!best || mtime > best.mtime) best = { file, mtime };
  }
  return best?.file ?? null;
}

export function loadProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function profileMarkdown(s: ProfileSummary): string {
  const lines = [
    `Window ${(s.windowMs / 1000).toFixed(1)} s: busy ${(s.busyMs / 1000).toFixed(1)} s (${s.busyPct} % of one core), idle ${(s.idleMs / 1000).toFixed(1)} s.`,
    '',
    '| self time by package / area | ms | % of busy |',
    '| --- | ---: | ---: |',
    ...s.packages.slice(0, 15).map((r) => `| ${r.name} | ${r.selfMs} | ${r.pct} |`),
    '',
    '| top functions by self time | where | ms | % of busy |',
    '| --- | --- | ---: | ---: |',
    ...s.functions.map((r) => `| \`${r.name}\` | ${r.where} | ${r.selfMs} | ${r.pct} |`),
  ];
  return lines.join('\n');
}
