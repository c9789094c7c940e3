/**
 * The short form of `npm run chaos` (load-tests/chaos.ts): `npm start -- --nodes 3`, a 24 s storm of
 * locks, confirms and cashier deposits, kill -9 of redis-server, one hub process and PostgreSQL in
 * turn, and three confirms and three deposits answered into a cut connection and retried; the run passes only when no unit is sold twice, the client's ledger of acknowledged
 * operations equals the database, every board equals PostgreSQL within 5 s and the mirror equals
 * PostgreSQL. Run as its own process, as a user runs it; its table is printed.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('chaos (short form)', () => {
  it('kill -9 redis-server, a hub of three and PostgreSQL mid-storm: ledger = database, boards and mirror = PostgreSQL', () => {
    const run = spawnSync('npx', ['tsx', 'load-tests/chaos.ts', '--duration', '24'], {
      encoding: 'utf8',
      timeout: 150_000,
    });
    const table = run.stdout.split('\n').filter((l) => !l.startsWith('{'));
    console.log(`[chaos] ${table.join('\n')}`);
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    expect(run.stdout).toMatch(/^units sold twice +0$/m);
    expect(run.stdout).toMatch(/^payments lost \/ duplicated +0 \/ 0$/m);
    expect(run.stdout).toMatch(/^boards = PostgreSQL +yes/m);
    expect(run.stdout).toMatch(/^mirror = PostgreSQL +yes$/m);
    // confirms and deposits committed with their answer lost, retried: the first result, nothing twice
    const lostLine =
      /^answers lost on purpose +3 confirms, 3 deposits; (\d+) committed; retry = first result (\d+)\/(\d+)$/m.exec(
        run.stdout,
      );
    expect(lostLine).not.toBeNull();
    expect(Number(lostLine![1])).toBeGreaterThan(0);
    expect(lostLine![2]).toBe(lostLine![3]);
    expect(run.stdout).toMatch(/^result +PASS$/m);
  }, 160_000);
});
