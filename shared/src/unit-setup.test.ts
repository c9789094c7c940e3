/** Formula prices 公式定价: 层差 by floor and by range, position factors, one rounding. */
import { describe, expect, it } from 'vitest';
import { floorIncrementTotal, formulaPrices, priceFormulaSchema, type FormulaUnit } from './unit-setup.js';

const unit = (over: Partial<FormulaUnit>): FormulaUnit => ({
  id: 'u',
  code: 'c',
  buildingId: 'b',
  floor: 1,
  position: 1,
  kind: 'RESIDENCE',
  grossAreaCenti: 8_950, // 89.50 m²
  ...over,
});
const YUAN = { unit: 'YUAN', mode: 'HALF_UP' } as const;

describe('formulaPrices', () => {
  it('base per m² + 层差 per floor above the base floor, × area, rounded to the yuan once', () => {
    // ¥20,000/m² + ¥50/m² per floor: floor 15 → 20,700 × 89.50 = ¥1,852,650.00
    const [row] = formulaPrices({
      formula: { baseFen: 2_000_000, floorIncrementFen: 5_000 },
      units: [unit({ floor: 15 })],
      rounding: YUAN,
    });
    expect(row).toMatchObject({
      basePrice: 2_070_000,
      listPrice: 185_265_000,
      floorPrice: 185_265_000,
      filedPrice: null,
    });
  });

  it('层差 by ranges, skipping floor 0 below the base, and basements below it', () => {
    const f = priceFormulaSchema.parse({
      baseFen: 0,
      floorIncrementFen: 100,
      floorIncrementRanges: [{ from: 11, to: 20, perFloorFen: 300 }],
    });
    expect(floorIncrementTotal(f, 10)).toBe(900);
    expect(floorIncrementTotal(f, 12)).toBe(900 + 600);
    expect(floorIncrementTotal(f, -1)).toBe(-100); // from 1 down to -1: one step (no floor 0)
  });

  it('position factor, floor and filed shares; PER_UNIT ignores the area; scope by kind', () => {
    const units = [unit({ id: 'a', position: 1 }), unit({ id: 'b', position: 2 }), unit({ id: 'p', kind: 'PARKING' })];
    const rows = formulaPrices({
      formula: {
        baseFen: 1_000_000,
        positionFactorsBp: { '2': 10_200 },
        floorPriceBp: 9_500,
        filedPriceBp: 11_000,
        kinds: ['RESIDENCE'],
      },
      units,
      rounding: { unit: 'HUNDRED_YUAN', mode: 'HALF_UP' },
    });
    expect(rows.map((r) => r.unitId)).toEqual(['a', 'b']);
    expect(rows[0]).toMatchObject({ listPrice: 89_500_000, floorPrice: 85_030_000, filedPrice: 98_450_000 });
    expect(rows[1]!.listPrice).toBe(91_290_000); // 89.5 × 10,000 × 1.02 = 912,900 yuan
    const parking = formulaPrices({
      formula: { basis: 'PER_UNIT', baseFen: 15_000_000, kinds: ['PARKING'] },
      units,
      rounding: YUAN,
    });
    expect(parking).toMatchObject([{ unitId: 'p', listPrice: 15_000_000 }]);
  });
});
