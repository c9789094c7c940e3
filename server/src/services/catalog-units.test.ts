import { describe, expect, it } from 'vitest';
import { toCatalogUnit, type CatalogUnitRow } from './project-directory.js';
import { stringPool } from '../domain/string-pool.js';

/** A unit row as the database hands it out: every string a fresh copy (built, not literal). */
function row(i: number, over: Partial<CatalogUnitRow> = {}): CatalogUnitRow {
  const copy = (s: string) => [...s].join('');
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    code: `LT01-${i}`,
    buildingId: copy('11111111-1111-4111-8111-111111111111'),
    floor: 1 + (i % 30),
    position: 1 + (i % 4),
    layout: copy('A3'),
    layoutName: copy('三室两厅'),
    unitLayout: i % 2 ? { nameEn: copy('3 bed') } : null,
    grossArea: 98.5 as unknown as CatalogUnitRow['grossArea'],
    netArea: 80.25 as unknown as CatalogUnitRow['netArea'],
    orientation: copy('南北'),
    listPrice: 3_250_000_00 as unknown as CatalogUnitRow['listPrice'],
    kind: 'RESIDENCE',
    floorSpan: i % 7 === 0 ? 2 : 1,
    ...over,
  };
}

describe('stringPool', () => {
  it('returns the value it is given, equal to the first copy seen', () => {
    const intern = stringPool();
    expect(intern('南北')).toBe('南北');
    expect(intern([...'南北'].join(''))).toBe('南北');
    expect(intern('')).toBe('');
    expect(intern('东')).toBe('东');
  });
});

describe('catalog units with shared strings', () => {
  it('are exactly what the same rows give without sharing', () => {
    const rows = Array.from({ length: 50 }, (_, i) =>
      row(i, i === 3 ? { orientation: '东', layoutName: '两室', unitLayout: { nameEn: '' } } : {}),
    );
    const identity = <T extends string>(value: T): T => value;
    const intern = stringPool();
    const compact = rows.map((r) => toCatalogUnit(r, intern));
    const full = rows.map((r) => toCatalogUnit(r, identity));
    expect(compact).toEqual(full);
    // Same keys in the same order (the catalog is serialised as it is).
    expect(compact.map((u) => JSON.stringify(u))).toEqual(full.map((u) => JSON.stringify(u)));
    expect(full[1]).toMatchObject({ layoutNameEn: '3 bed', unitPrice: Math.round(3_250_000_00 / 98.5) });
    expect(full[3]).not.toHaveProperty('layoutNameEn');
    expect(full[7]?.floorSpan).toBe(2);
  });
});
