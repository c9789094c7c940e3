/*
 * Measurement hook for the server under test, loaded only by the bench with
 * `node --require=<this file> dist/scripts/start.js`. It adds no endpoint and changes no
 * server code. Once a second it appends to the file named by KAIPAN_BENCH_STATS_FILE (JSON lines):
 *  - the event-loop delay of the main thread (perf_hooks.monitorEventLoopDelay, reset every second),
 *  - memory use (process.memoryUsage),
 *  - fan-out: how long each socket.io room broadcast held the event loop (Adapter#broadcast is
 *    wrapped with a timer; the frame is written to every socket of the room synchronously) and to
 *    how many sockets it went (with the chunked fan-out, one broadcast = one chunk of sockets),
 *  - garbage collection: pauses and their total and longest duration (PerformanceObserver 'gc').
 */
'use strict';
const { monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks');
const { appendFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const file = process.env.KAIPAN_BENCH_STATS_FILE;
// Preloads also run in worker threads: sample the main event loop only.
if (file && isMainThread) {
  const RESOLUTION_MS = 5;
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  // The histogram holds whole timer intervals (resolution + delay): report the delay alone.
  const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  const round = (x) => Math.round(x * 100) / 100;

  /** Broadcast durations (ms) and recipient counts of the current second. */
  let broadcasts = [];
  let recipients = 0;
  try {
    const { Adapter } = require('socket.io-adapter');
    const original = Adapter.prototype.broadcast;
    Adapter.prototype.broadcast = function timedBroadcast(packet, opts) {
      const t0 = process.hrtime.bigint();
      try {
        return original.call(this, packet, opts);
      } finally {
        broadcasts.push(Number(process.hrtime.bigint() - t0) / 1e6);
        for (const room of (opts && opts.rooms) || []) recipients += (this.rooms.get(room) || { size: 0 }).size;
      }
    };
  } catch {
    /* socket.io-adapter not resolvable from here: no fan-out figures */
  }

  /** GC pauses of the current second (ms), and those of full (mark-compact) collections. */
  let gcPauses = [];
  let majorPauses = [];
  const { constants } = require('node:perf_hooks');
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauses.push(entry.duration);
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorPauses.push(entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });

  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const b = broadcasts.sort((x, y) => x - y);
    const pick = (q) => (b.length ? b[Math.min(b.length - 1, Math.ceil(q * b.length) - 1)] : 0);
    const line = {
      pid: process.pid,
      at: Date.now(),
      eld: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) },
      mem: {
        rss: m.rss,
        heapTotal: m.heapTotal,
        heapUsed: m.heapUsed,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      },
      fanout: {
        frames: b.length,
        recipients,
        totalMs: round(b.reduce((s, x) => s + x, 0)),
        p50: round(pick(0.5)),
        p99: round(pick(0.99)),
        max: round(b.length ? b[b.length - 1] : 0),
      },
      gc: {
        count: gcPauses.length,
        totalMs: round(gcPauses.reduce((sum, x) => sum + x, 0)),
        max: round(gcPauses.length ? Math.max(...gcPauses) : 0),
        major: majorPauses.length,
        majorMs: round(majorPauses.reduce((sum, x) => sum + x, 0)),
      },
    };
    h.reset();
    gcPauses = [];
    majorPauses = [];
    broadcasts = [];
    recipients = 0;
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      /* the bench removed the file: nothing to do */
    }
  }, 1000);
  timer.unref();
}
