/**
 * The 销控表's layout (pure renderer, read back with pdftotext/pdfinfo): a building wider or taller
 * than a page continues over balanced pages with every unit on exactly one of them; the paper is A3
 * or A4 landscape; every page has the legend and "第 n 页 共 N 页".
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredUnitStatus } from '@kaipan/shared';
import { packagedCjkFont } from './fonts.js';
import { type GridBuilding, renderSalesControl, type SalesControlInput } from './sales-control.js';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-sc-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const STATUSES: StoredUnitStatus[] = ['AVAILABLE', 'SUBSCRIBED', 'CONTRACTED', 'WITHHELD', 'NOT_RELEASED'];

function tower(name: string, floors: number, positions: number): GridBuilding {
  const counts = { AVAILABLE: 0, SUBSCRIBED: 0, CONTRACTED: 0, WITHHELD: 0, NOT_RELEASED: 0 };
  return {
    name,
    nameEn: name,
    positions: Array.from({ length: positions }, (_, i) => i + 1),
    floors: Array.from({ length: floors }, (_, i) => floors - i).map((floor) => ({
      floor,
      cells: Array.from({ length: positions }, (_, p) => {
        const status = STATUSES[(floor + p) % STATUSES.length]!;
        counts[status] += 1;
        return {
          code: `${floor}${String(p + 1).padStart(2, '0')}`,
          layout: '三室两厅',
          grossArea: 100,
          listPrice: 3_000_000_00,
          status,
        };
      }),
    })),
    counts,
    units: floors * positions,
    released: floors * positions - counts.NOT_RELEASED,
    sold: counts.SUBSCRIBED + counts.CONTRACTED,
    soldArea: 0,
    soldAmount: 0,
  };
}

async function render(input: SalesControlInput): Promise<{ pages: string[]; size: string }> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  await fs.writeFile(file, await renderSalesControl(input, packagedCjkFont()));
  const [{ stdout }, { stdout: info }] = await Promise.all([
    run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']),
    run('pdfinfo', [file]),
  ]);
  return { pages: stdout.split('\f').filter((p) => p.trim()), size: /Page size:\s+([\d.]+ x [\d.]+)/.exec(info)![1]! };
}

const input = (paper: 'A3' | 'A4', buildings: GridBuilding[]): SalesControlInput => ({
  project: { name: '云湖府', nameEn: 'Cloud Lake', timezone: 'Asia/Shanghai' },
  printedAt: '2026-12-07T12:00:00.000Z',
  paper,
  scope: '全部楼栋 All buildings',
  buildings,
  totals: { ...tower('T', 1, 1), sellThrough: 0 },
});

describe('the 销控表 grid over pages', () => {
  it('a 20-position, 33-floor tower on A3 continues over balanced pages; each unit printed once', async () => {
    const b = tower('7号楼', 33, 20);
    const { pages, size } = await render(input('A3', [b]));
    expect(size).toMatch(/^1190\.\d+ x 841\.\d+$/);
    // 20 positions → two column groups of 10; 33 floors → two floor groups (17 + 16); + the summary.
    expect(pages.length).toBe(5);
    const all = pages.join('\n');
    const words = all.split(/\s+/);
    for (const f of b.floors)
      for (const c of f.cells) expect(words.filter((w) => w === c!.code).length, c!.code).toBe(1);
    for (const [i, page] of pages.entries()) {
      expect(page).toContain(`第 ${i + 1} 页 共 ${pages.length} 页`);
      expect(page.replace(/\s+/g, '')).toContain('可售');
    }
    expect(pages[0]).toContain('（1/4）');
    expect(pages[3]).toContain('（4/4）');
  });

  it('A4 landscape, a small building on one page', async () => {
    const { pages, size } = await render(input('A4', [tower('1号楼', 12, 4)]));
    expect(size).toMatch(/^841\.\d+ x 595\.\d+$/);
    expect(pages.length).toBe(2);
  });
});
