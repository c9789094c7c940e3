/**
 * A tiny run of the bench runner (steady-selling: 20 consultants, 5 boards, 3 s, plus a 2 s bare
 * baseline) against its own freshly started server: the result has the promised fields, nothing
 * was sold twice, acked confirms are rows, and the boards equal the database.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultOptions } from './lib/options.js';
import type { BenchResult } from './lib/result.js';
import { runBench } from './lib/runner.js';

const outDir = mkdtempSync(join(tmpdir(), 'kaipan-bench-smoke-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('bench runner (smoke)', () => {
  it('runs steady-selling end to end and writes a consistent result', async () => {
    const opts = defaultOptions('steady-selling', {
      consultants: 20,
      boards: 5,
      durationS: 3,
      rate: 2,
      bareDurationS: 2,
      workers: 1,
      startDelayMs: 500,
      outDir,
      quiet: true,
    });
    const lines: string[] = [];
    const { result, jsonPath, mdPath } = await runBench(opts, (l) => lines.push(l));
    expect(existsSync(jsonPath) && existsSync(mdPath)).toBe(true);
    const r = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchResult;
    expect(r).toEqual(JSON.parse(JSON.stringify(result)));

    expect(r.schema).toBe('kaipan-bench/1');
    for (const key of ['lock', 'confirm', 'release', 'board-delivery']) {
      const s = r.latency[key];
      expect(s, `latency.${key}`).toBeDefined();
      expect(s!.count).toBeGreaterThan(0);
      for (const f of ['p50', 'p95', 'p99', 'max'] as const) expect(typeof s![f]).toBe('number');
      expect(s!.p50).toBeLessThanOrEqual(s!.p99);
      expect(s!.p99).toBeLessThanOrEqual(s!.max);
    }
    expect(r.throughput['lock/s']).toBeGreaterThan(0);
    expect(r.counts.errors).toBeTypeOf('object');
    expect(r.counts.timeouts).toBe(0);
    expect(r.setup.login.users).toBe(20);
    expect(r.resources.server?.rssMaxMB).toBeGreaterThan(0);
    expect(r.resources.server?.samples).toBeGreaterThan(1);
    expect(r.eventLoop.server?.seconds).toBeGreaterThan(0);
    expect(r.bare?.ack.count).toBeGreaterThan(0);
    expect(r.bare?.ratio).toBeGreaterThan(0);
    expect(r.targets.length).toBeGreaterThan(0);
    // What the window cost PostgreSQL, read from its statistics at the window's start and end.
    expect(r.postgresWork?.commits).toBeGreaterThan(0);
    expect(r.postgresWork?.walRecords).toBeGreaterThan(0);
    expect(r.postgresWork?.rows.subscriptions).toBeDefined();

    // Correctness.
    expect(r.verdict.checked).toBe(true);
    expect(r.verdict.doubleSold).toEqual([]);
    expect(r.verdict.activeLocksLeft).toBe(0);
    expect(r.verdict.mirrorMismatches).toBe(0);
    expect(r.verdict.ackedConfirms).toBeGreaterThan(0);
    expect(r.verdict.newActiveSubscriptions).toBe(r.verdict.ackedConfirms);
    expect(r.boards.connected).toBe(5);
    expect(r.boards.gaps).toBe(0);
    expect(r.boards.reorders).toBe(0);
    expect(r.verdict.boards).toMatchObject({ boards: 5, consistent: 5, behind: 0, mismatchedUnits: 0 });
    expect(r.verdict.boardsConsistentWithDb).toBe(true);
    expect(r.verdict.ok).toBe(true);
    expect(r.targets.find((t) => t.name.startsWith('no server errors'))?.met).toBe(true);
    expect(readFileSync(mdPath, 'utf8')).toContain('## Correctness verdict');
    expect(readFileSync(mdPath, 'utf8')).toContain('CPU per confirm');
  }, 90_000);
});
