/**
 * Layouts 户型 and list prices by formula (公式设置) — pure rules and payloads of the setup screens
 * (docs/buildings.md). Money is integer fen, areas are hundredths of m² (two decimals) as integers.
 */
import { z } from 'zod';
import { idSchema } from './schemas.js';
import { lineText } from './text.js';
import { MAX_PRICE_FEN } from './payment-plans.js';
import { ROUNDING_UNIT_FEN, roundFen, type Rounding } from './pricing.js';
import { UNIT_KINDS, unitKindSchema, type UnitKind } from './building-pattern.js';

/** m² with at most two decimals, 0 … 100 000. */
export const areaSchema = z
  .number()
  .min(0)
  .max(100_000)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most two decimals');

/** A layout 户型 of a project: the facts its units share. */
export const layoutBodySchema = z.strictObject({
  /** Short code, unique in the project (e.g. A1, C-89); units and patterns refer to it. */
  code: z
    .string()
    .min(1)
    .max(20)
    .regex(/^[\p{L}\p{N}\-_.]+$/u, 'letters, digits and - _ . only'),
  /** Display name, e.g. 3室2厅2卫. */
  name: lineText(40),
  nameEn: lineText(60).optional(),
  /** Gross area 建筑面积, m². */
  grossArea: areaSchema,
  /** Net area 套内面积, m² (never above the gross area). */
  netArea: areaSchema,
  /** 朝向, e.g. 南北 / S-N. */
  orientation: lineText(20),
  /** Rooms 室 (0 for a shop, parking space or storage room). */
  rooms: z.number().int().min(0).max(20),
});
export type LayoutBody = z.infer<typeof layoutBodySchema>;

export const layoutSchema = layoutBodySchema.extend({
  id: z.string(),
  nameEn: z.string(),
  /** Units of the project with this layout, and how many of them kept their own areas (sold). */
  unitCount: z.number().int(),
});
export type LayoutInfo = z.infer<typeof layoutSchema>;

/** A floor range with its own 层差 per floor, fen per m² (or per unit for PER_UNIT formulas). */
export const floorIncrementRangeSchema = z.strictObject({
  from: z.number().int().min(-10).max(200),
  to: z.number().int().min(-10).max(200),
  perFloorFen: z.number().int().min(-10_000_000).max(10_000_000),
});

/**
 * A list-price formula: `base + 层差 × floors above the base floor`, times the position factor, per
 * m² of gross area (PER_M2) or per unit (PER_UNIT, for parking spaces and storage rooms), rounded
 * once by the project's rounding (the pricing policy's `rounding`).
 */
export const priceFormulaSchema = z
  .strictObject({
    /** Which units: these buildings (none = all), these kinds (none = all). Sold or released units never change. */
    buildingIds: z.array(idSchema).max(200).optional(),
    kinds: z.array(unitKindSchema).max(UNIT_KINDS.length).optional(),
    basis: z.enum(['PER_M2', 'PER_UNIT']).default('PER_M2'),
    /** Base price, fen per m² (PER_M2) or per unit (PER_UNIT), at the base floor. */
    baseFen: z.number().int().min(0).max(MAX_PRICE_FEN),
    /** The floor at which the base applies (default 1). */
    baseFloor: z.number().int().min(-10).max(200).default(1),
    /** 层差: added per floor above the base floor (subtracted per floor below), fen. */
    floorIncrementFen: z.number().int().min(-10_000_000).max(10_000_000).default(0),
    /** Other increments for floor ranges (the floor counted is the one stepped onto). */
    floorIncrementRanges: z.array(floorIncrementRangeSchema).max(20).default([]),
    /** Position factor, basis points by position (10000 = ×1, 10200 = +2 % for an end unit). */
    positionFactorsBp: z.record(z.string().regex(/^\d{1,2}$/), z.number().int().min(1).max(30_000)).default({}),
    /** Floor price 底价 as a share of the list price, bp (10000 = the list price). */
    floorPriceBp: z.number().int().min(1).max(10_000).default(10_000),
    /** When set: the filed price 备案价 = list × this factor, bp (e.g. 10500 = 5 % above the list). */
    filedPriceBp: z.number().int().min(1).max(30_000).optional(),
  })
  .refine((f) => f.floorIncrementRanges.every((r) => r.from <= r.to), {
    message: 'a range ends below its start',
    path: ['floorIncrementRanges'],
  });
export type PriceFormula = z.infer<typeof priceFormulaSchema>;
export type PriceFormulaInput = z.input<typeof priceFormulaSchema>;

/** A unit the formula may price. */
export interface FormulaUnit {
  id: string;
  code: string;
  buildingId: string;
  floor: number;
  position: number;
  kind: UnitKind;
  /** Gross area, hundredths of m². */
  grossAreaCenti: number;
}

export interface FormulaPrice {
  unitId: string;
  code: string;
  /** Price per m² (PER_M2) or per unit (PER_UNIT) after 层差, before the position factor, fen. */
  basePrice: number;
  listPrice: number;
  floorPrice: number;
  /** Only when the formula sets filed prices. */
  filedPrice: number | null;
}

/** 层差 accumulated from the base floor to `floor` (floor 0 does not exist and is not counted). */
export function floorIncrementTotal(formula: PriceFormula, floor: number): number {
  const stepOf = (f: number): number =>
    formula.floorIncrementRanges.find((r) => r.from <= f && f <= r.to)?.perFloorFen ?? formula.floorIncrementFen;
  let total = 0;
  if (floor > formula.baseFloor) {
    for (let f = formula.baseFloor + 1; f <= floor; f++) if (f !== 0) total += stepOf(f);
  } else {
    for (let f = formula.baseFloor; f > floor; f--) if (f !== 0) total -= stepOf(f);
  }
  return total;
}

/** Whether the formula's scope covers the unit. */
export function inFormulaScope(formula: PriceFormula, unit: Pick<FormulaUnit, 'buildingId' | 'kind'>): boolean {
  const buildings = formula.buildingIds;
  const kinds = formula.kinds;
  return (
    (buildings === undefined || buildings.length === 0 || buildings.includes(unit.buildingId)) &&
    (kinds === undefined || kinds.length === 0 || kinds.includes(unit.kind))
  );
}

const divHalfUp = (num: bigint, den: bigint): bigint => (num * 2n + den) / (den * 2n);

/**
 * List, floor and (optionally) filed prices of every unit in scope, exactly:
 * `list = round(max(0, base + 层差) × factor / 10000 × area)` (PER_M2, area in m²) or without the area
 * (PER_UNIT), with ONE rounding to the project's unit at the end (HALF_UP to the fen first, then the
 * policy rounding); floor and filed prices are the list × their bp, rounded the same way.
 */
export function formulaPrices(input: {
  formula: PriceFormulaInput;
  units: readonly FormulaUnit[];
  rounding: Rounding;
}): FormulaPrice[] {
  const formula = priceFormulaSchema.parse(input.formula);
  const out: FormulaPrice[] = [];
  for (const u of input.units) {
    if (!inFormulaScope(formula, u)) continue;
    const basePrice = Math.max(0, formula.baseFen + floorIncrementTotal(formula, u.floor));
    const factor = BigInt(formula.positionFactorsBp[String(u.position)] ?? 10_000);
    const exact =
      formula.basis === 'PER_M2'
        ? divHalfUp(BigInt(basePrice) * factor * BigInt(u.grossAreaCenti), 10_000n * 100n)
        : divHalfUp(BigInt(basePrice) * factor, 10_000n);
    const listPrice = roundFen(Math.min(MAX_PRICE_FEN, Number(exact)), input.rounding);
    const share = (bp: number): number =>
      roundFen(Math.min(MAX_PRICE_FEN, Number(divHalfUp(BigInt(listPrice) * BigInt(bp), 10_000n))), input.rounding);
    out.push({
      unitId: u.id,
      code: u.code,
      basePrice,
      listPrice,
      floorPrice: Math.min(listPrice, share(formula.floorPriceBp)),
      filedPrice: formula.filedPriceBp === undefined ? null : share(formula.filedPriceBp),
    });
  }
  return out;
}

/** The rounding unit in fen (for the screen's hint "rounded to ¥100"). */
export const roundingUnitFen = (rounding: Rounding): number => ROUNDING_UNIT_FEN[rounding.unit];
