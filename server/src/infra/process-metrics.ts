/**
 * What an operator needs to see of one server process during a storm: CPU, memory, event-loop
 * delay and hub command rates. Cheap enough to keep on in production (a histogram sampled every
 * 20 ms and a counter per answered command); read through GET /api/metrics.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const MAX_WINDOW_MS = 60_000;

interface CommandCount {
  ok: number;
  refused: Map<string, number>;
}

export class ProcessMetrics {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private windowStart = Date.now();
  private cpuAtStart = process.cpuUsage();
  private commands = new Map<string, CommandCount>();

  constructor() {
    this.loop.enable();
  }

  /** Count one answered hub command (`code` = the refusal's error code, or null for ok). */
  command(event: string, code: string | null): void {
    let c = this.commands.get(event);
    if (!c) {
      c = { ok: 0, refused: new Map() };
      this.commands.set(event, c);
    }
    if (code === null) c.ok += 1;
    else c.refused.set(code, (c.refused.get(code) ?? 0) + 1);
  }

  /** The figures of the window since the previous read; starts a new window. */
  read(): {
    windowSeconds: number;
    cpuPercent: number;
    eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
    commands: { event: string; perSecond: number; ok: number; refused: Record<string, number> }[];
  } {
    const now = Date.now();
    const windowMs = Math.max(1, Math.min(now - this.windowStart, MAX_WINDOW_MS));
    const cpu = process.cpuUsage(this.cpuAtStart);
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    const result = {
      windowSeconds: Math.round(windowMs / 100) / 10,
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / windowMs) * 1000) / 10,
      eventLoop:
        this.loop.count > 0
          ? { p50Ms: ms(this.loop.percentile(50)), p99Ms: ms(this.loop.percentile(99)), maxMs: ms(this.loop.max) }
          : { p50Ms: 0, p99Ms: 0, maxMs: 0 },
      commands: [...this.commands].map(([event, c]) => {
        const refused = Object.fromEntries(c.refused);
        const total = c.ok + [...c.refused.values()].reduce((a, b) => a + b, 0);
        return { event, perSecond: Math.round((total / windowMs) * 1e4) / 10, ok: c.ok, refused };
      }),
    };
    this.loop.reset();
    this.windowStart = now;
    this.cpuAtStart = process.cpuUsage();
    this.commands = new Map();
    return result;
  }

  stop(): void {
    this.loop.disable();
  }
}
