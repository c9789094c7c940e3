/*
 * Measurement hook for the server under test, loaded only by the bench with
 * `node --require=<this file> --import tsx scripts/start.ts`. It adds no endpoint and changes no server code: once a second
 * it appends the process's event-loop delay (perf_hooks.monitorEventLoopDelay, reset every second)
 * and memory use to the file named by KAIPAN_BENCH_STATS_FILE, as JSON lines.
 */
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');
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
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const line = {
      pid: process.pid,
      at: Date.now(),
      eld: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) },
      mem: { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers },
    };
    h.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      /* the bench removed the file: nothing to do */
    }
  }, 1000);
  timer.unref();
}
