import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { drawOrder, listCommitment, seedCommitment, type LotteryRecord } from '@kaipan/shared';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'kaipan-lottery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seed = createHash('sha256').update('cli-test-seed').digest('hex');
const entries = Array.from({ length: 40 }, (_, i) => `K${i + 1}`);
const good: LotteryRecord = {
  version: 'kaipan-lottery-v1',
  projectCode: 'DEMO-01',
  drawnAt: '2025-05-01T09:30:00+08:00',
  listCommitment: listCommitment(entries),
  seedCommitment: seedCommitment(seed),
  seed,
  entries,
  order: drawOrder(entries, seed),
};

/** Runs the CLI exactly as a user would (fresh process, tsx loader, repo tsconfig for the alias). */
function run(content: string | null): { status: number | null; stdout: string; stderr: string } {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  if (content !== null) writeFileSync(file, content);
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-lottery.ts', file], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('verify-lottery CLI', () => {
  it('exits 0 with a bilingual report for a valid record', () => {
    const { status, stdout } = run(JSON.stringify(good, null, 2));
    expect(status).toBe(0);
    expect(stdout).toContain(`名单承诺 list commitment: 一致 OK  ${good.listCommitment}`);
    expect(stdout).toContain('种子承诺 seed commitment: 一致 OK');
    expect(stdout).toContain('全部 40 个位置相同 all positions match');
    expect(stdout).toContain('结论 Result: 通过 VALID');
  });

  it('exits 1 and names the first differing position of a tampered order', () => {
    const order = [...good.order];
    [order[0], order[1]] = [order[1]!, order[0]!];
    const { status, stdout } = run(JSON.stringify({ ...good, order }));
    expect(status).toBe(1);
    expect(stdout).toContain('第 1 位起不同 first difference at position 1');
    expect(stdout).toContain('名单承诺 list commitment: 一致 OK');
    expect(stdout).toContain('结论 Result: 不通过 INVALID');
  });

  it('exits 1 on a seed that does not match its commitment', () => {
    const { status, stdout } = run(
      JSON.stringify({ ...good, seed: createHash('sha256').update('other').digest('hex') }),
    );
    expect(status).toBe(1);
    expect(stdout).toContain('种子承诺 seed commitment: 不一致 MISMATCH');
  });

  it('exits 2 with a clear message on missing, non-JSON or invalid input', () => {
    const missing = run(null);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const notJson = run('{ nope');
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain('not valid JSON');
    const invalid = run(JSON.stringify({ ...good, seed: 'xyz' }));
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toMatch(/not a valid lottery record[\s\S]*seed/);
  });
});
