/**
 * The memory curve of a soak: every `--sample-every` seconds the server's RSS (from /proc) and its
 * V8 heap (the last line the preloaded hook wrote, when the bench started the server), with the
 * load average beside each sample. Written as CSV next to the report and printed as a table; the
 * slope after warm-up says whether memory stays flat.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { readMemory } from './proc.js';

export interface MemorySample {
  /** Seconds since the window started. */
  t: number;
  rssMB: number;
  /** V8 heap used / total, external memory (null: the server was not started by the bench). */
  heapUsedMB: number | null;
  heapTotalMB: number | null;
  externalMB: number | null;
  load1: number;
}

export interface MemoryCurve {
  everyS: number;
  samples: MemorySample[];
  /** From the end of warm-up (the first fifth of the window, at least one sample) to the end. */
  afterWarmup: {
    fromS: number;
    rss: { firstMB: number; lastMB: number; maxMB: number; slopeMBPer10Min: number };
    heapUsed: { firstMB: number; lastMB: number; maxMB: number; slopeMBPer10Min: number } | null;
  } | null;
}

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

/** The newest heap figures the preload hook wrote for `pid` (it appends one JSON line a second). */
function lastHeapLine(file: string, pid: number): { heapUsed: number; heapTotal: number; external: number } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 50; i--) {
    try {
      const l = JSON.parse(lines[i]!) as {
        pid: number;
        mem: { heapUsed: number; heapTotal: number; external: number };
      };
      if (l.pid === pid) return l.mem;
    } catch {
      /* a partial last line */
    }
  }
  return null;
}

/** Least-squares slope of y over t (s), in units per 10 minutes. */
export function slopePer10Min(points: { t: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.y - my);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : Math.round((num / den) * 600 * 10) / 10;
}

export function summariseCurve(everyS: number, samples: MemorySample[]): MemoryCurve {
  if (samples.length < 2) return { everyS, samples, afterWarmup: null };
  const end = samples[samples.length - 1]!.t;
  const from = Math.min(end * 0.2, samples[samples.length - 2]!.t);
  const tail = samples.filter((s) => s.t >= from);
  const stats = (pick: (s: MemorySample) => number | null) => {
    const points = tail.flatMap((s) => (pick(s) === null ? [] : [{ t: s.t, y: pick(s)! }]));
    if (points.length === 0) return null;
    return {
      firstMB: points[0]!.y,
      lastMB: points[points.length - 1]!.y,
      maxMB: Math.max(...points.map((p) => p.y)),
      slopeMBPer10Min: slopePer10Min(points),
    };
  };
  const rss = stats((s) => s.rssMB)!;
  return { everyS, samples, afterWarmup: { fromS: tail[0]!.t, rss, heapUsed: stats((s) => s.heapUsedMB) } };
}

/** Samples the server `pid` every `everyS` seconds until stopped. */
export class MemoryCurveSampler {
  private readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private t0 = 0;

  constructor(
    private readonly pid: number,
    private readonly everyS: number,
    /** The preload hook's JSON-lines file (heap figures), when the bench started the server. */
    private readonly statsFile: string | null,
  ) {}

  private sample(): void {
    const mem = readMemory(this.pid);
    if (!mem) return;
    const heap = this.statsFile ? lastHeapLine(this.statsFile, this.pid) : null;
    this.samples.push({
      t: Math.round((Date.now() - this.t0) / 1000),
      rssMB: mem.rssMB,
      heapUsedMB: heap ? mb(heap.heapUsed) : null,
      heapTotalMB: heap ? mb(heap.heapTotal) : null,
      externalMB: heap ? mb(heap.external) : null,
      load1: Math.round(loadavg()[0]! * 100) / 100,
    });
  }

  start(): void {
    this.t0 = Date.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyS * 1000);
  }

  stop(): MemoryCurve {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return summariseCurve(this.everyS, this.samples);
  }
}

const cell = (x: number | null): string => (x === null ? '' : String(x));

export function curveCsv(curve: MemoryCurve): string {
  const rows = curve.samples.map((s) =>
    [s.t, s.rssMB, cell(s.heapUsedMB), cell(s.heapTotalMB), cell(s.externalMB), s.load1].join(','),
  );
  return `${['t_s', 'rss_mb', 'heap_used_mb', 'heap_total_mb', 'external_mb', 'load1'].join(',')}\n${rows.join('\n')}\n`;
}

/** The curve as Markdown lines: a verdict line and one row per sample with a bar of the RSS. */
export function curveMarkdown(curve: MemoryCurve): string[] {
  const lines: string[] = [];
  const w = curve.afterWarmup;
  if (w) {
    const heap = w.heapUsed
      ? `; heap used ${w.heapUsed.firstMB} → ${w.heapUsed.lastMB} MB (max ${w.heapUsed.maxMB}), slope ${w.heapUsed.slopeMBPer10Min} MB / 10 min`
      : '';
    lines.push(
      `- after warm-up (from ${w.fromS} s): RSS ${w.rss.firstMB} → ${w.rss.lastMB} MB (max ${w.rss.maxMB}), slope ${w.rss.slopeMBPer10Min} MB / 10 min${heap}`,
      '',
    );
  }
  const maxRss = Math.max(1, ...curve.samples.map((s) => s.rssMB));
  lines.push(
    '| t (s) | RSS MB | heap used MB | heap total MB | external MB | load 1 min | RSS |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const s of curve.samples) {
    const bar = '█'.repeat(Math.max(1, Math.round((s.rssMB / maxRss) * 30)));
    lines.push(
      `| ${s.t} | ${s.rssMB} | ${cell(s.heapUsedMB)} | ${cell(s.heapTotalMB)} | ${cell(s.externalMB)} | ${s.load1} | ${bar} |`,
    );
  }
  return lines;
}
