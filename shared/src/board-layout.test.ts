import { describe, expect, it } from 'vitest';
import { boardLayout, type BoardBuildingShape, type BoardLayout, type BoardLayoutInput } from './board-layout.js';

/** The building area of the board at a screen size (board.css: 23vw side column, 8.2vh header, paddings). */
function screen(width: number, height: number, buildings: BoardBuildingShape[]): BoardLayoutInput {
  return { width: Math.round(width * 0.73), height: Math.round(height * 0.865), screenHeight: height, buildings };
}

const towers = (n: number, floors: number, columns: number): BoardBuildingShape[] =>
  Array.from({ length: n }, (_, i) => ({ id: `T${i + 1}`, floors, columns }));

/** The demo project 云湖府: four towers of 18–33 floors, 2–6 units a floor (355 units). */
const DEMO: BoardBuildingShape[] = [
  { id: '1', floors: 33, columns: 4 },
  { id: '2', floors: 26, columns: 6 },
  { id: '3', floors: 18, columns: 2 },
  { id: '5', floors: 24, columns: 4 },
];

/** Every cell (floor × position) of every building appears on exactly one page, bands in order. */
function expectEveryRowOnce(layout: BoardLayout, buildings: BoardBuildingShape[]): void {
  for (const b of buildings) {
    const panels = layout.pages.flatMap((p) => p.panels).filter((p) => p.buildingId === b.id);
    const cells = panels.flatMap((p) =>
      Array.from({ length: p.rowTo - p.rowFrom }, (_, r) =>
        Array.from({ length: p.colTo - p.colFrom }, (_, c) => (p.rowFrom + r) * 1000 + p.colFrom + c),
      ).flat(),
    );
    const all = Array.from({ length: b.floors }, (_, r) =>
      Array.from({ length: b.columns }, (_, c) => r * 1000 + c),
    ).flat();
    expect(cells.sort((x, y) => x - y)).toEqual(all);
    expect(panels.map((p) => p.band)).toEqual(panels.map((_, i) => i));
  }
}

/** Nothing drawn outside the area: panels side by side fit its width, rows fit its height. */
function expectInside(layout: BoardLayout, input: BoardLayoutInput): void {
  for (const page of layout.pages) {
    const width = page.panels.reduce((n, p) => n + p.width, 0);
    expect(width).toBeLessThanOrEqual(input.width + 0.5);
    for (const p of page.panels) expect((p.rowTo - p.rowFrom) * p.tileHeight).toBeLessThanOrEqual(input.height);
  }
}

describe('boardLayout', () => {
  it('shows the demo project in three pages at 1920×1080 with numbers readable across the hall', () => {
    const input = screen(1920, 1080, DEMO);
    const layout = boardLayout(input);
    // Tower 1 in floor bands side by side; tower 2; towers 3 and 5 — no building split over pages.
    expect(layout.pages.map((p) => [...new Set(p.panels.map((x) => x.buildingId))])).toEqual([
      ['1'],
      ['2'],
      ['3', '5'],
    ]);
    expect(layout.readableFontPx).toBe(27);
    expect(layout.minFontPx).toBeGreaterThanOrEqual(layout.readableFontPx);
    expectInside(layout, input);
    expectEveryRowOnce(layout, DEMO);
  });

  it('scales with the screen: the same layout at 1366×768, 1920×1080 and 3840×2160', () => {
    const fonts = [768, 1080, 2160].map((h) => boardLayout(screen((h * 16) / 9, h, DEMO)).minFontPx / h);
    expect(fonts[0]).toBeCloseTo(fonts[1]!, 2);
    expect(fonts[2]).toBeCloseTo(fonts[1]!, 2);
  });

  it('fills the panel of a shorter tower with taller tiles instead of leaving it empty', () => {
    // Everything on one page (a small readable minimum): the shorter towers' rows are taller.
    const [page] = boardLayout({ ...screen(1920, 1080, DEMO), minFontFraction: 1 / 100 }).pages;
    const tall = page!.panels.find((p) => p.buildingId === '1')!;
    const short = page!.panels.find((p) => p.buildingId === '3')!;
    expect(short.tileHeight).toBeGreaterThan(tall.tileHeight * 1.3);
    // The short tower's rows cover at least 85 % of what the tall tower's do.
    expect(18 * short.tileHeight).toBeGreaterThan(0.85 * 33 * tall.tileHeight);
  });

  it('gives a 50-unit project big tiles on one page', () => {
    const buildings = [{ id: 'A', floors: 10, columns: 5 }];
    const input = screen(1920, 1080, buildings);
    const layout = boardLayout(input);
    expect(layout.pages).toHaveLength(1);
    expect(layout.minFontPx).toBeGreaterThan(1.5 * layout.readableFontPx);
    expectInside(layout, input);
  });

  it('pages a 2,000-unit project, every page readable, every floor shown once', () => {
    const buildings = towers(8, 34, 8); // 2,176 units
    for (const [w, h] of [
      [1366, 768],
      [1920, 1080],
      [3840, 2160],
    ] as const) {
      const input = screen(w, h, buildings);
      const layout = boardLayout(input);
      expect(layout.pages.length).toBeGreaterThan(1);
      expect(layout.minFontPx).toBeGreaterThanOrEqual(layout.readableFontPx - 1e-6);
      expectInside(layout, input);
      expectEveryRowOnce(layout, buildings);
    }
  });

  it('folds a tower too tall for one readable column into floor bands, side by side, then over pages', () => {
    const buildings = [{ id: 'T', floors: 60, columns: 4 }];
    const input = screen(1920, 1080, buildings);
    const layout = boardLayout(input);
    const panels = layout.pages.flatMap((p) => p.panels);
    expect(panels.length).toBeGreaterThan(layout.pages.length);
    expect(layout.pages.length).toBeGreaterThan(1);
    expect(panels.every((p) => p.bands === panels.length)).toBe(true);
    expect(layout.minFontPx).toBeGreaterThanOrEqual(layout.readableFontPx - 1e-6);
    expectEveryRowOnce(layout, buildings);
  });

  it('splits a building wider than a readable page by position too (the load-test towers: 20 a floor)', () => {
    const buildings = towers(4, 30, 20); // 2,400 units
    for (const h of [768, 1080, 2160]) {
      const input = screen((h * 16) / 9, h, buildings);
      const layout = boardLayout(input);
      expect(layout.minFontPx).toBeGreaterThanOrEqual(layout.readableFontPx - 1e-6);
      expect(layout.pages.flatMap((p) => p.panels).some((p) => p.colTo - p.colFrom < 20)).toBe(true);
      expectInside(layout, input);
      expectEveryRowOnce(layout, buildings);
    }
  });

  it('is empty without buildings and ignores a building with no units', () => {
    expect(boardLayout(screen(1920, 1080, [])).pages).toEqual([]);
    const layout = boardLayout({
      ...screen(1920, 1080, [{ id: 'x', floors: 0, columns: 4 }, ...DEMO]),
      minFontFraction: 0.01,
    });
    expect(layout.pages[0]!.panels.map((p) => p.buildingId)).toEqual(['1', '2', '3', '5']);
  });
});
