/**
 * The load-test towers LT01, LT02 … added to a project that has too few AVAILABLE units, as request
 * bodies of the setup API (docs/buildings.md) — the same calls a manager makes in the setup screens:
 * a layout, a building generated from a pattern, list prices by formula, a batch released at once.
 * One definition for the k6 scripts (lib/kaipan.js) and the Node runner (lib/setup-api.ts). Pure: no
 * k6 imports.
 */

/** 30 floors × 20 units = 600 units per tower. */
export const TOWER_FLOORS = 30;
export const TOWER_UNITS_PER_FLOOR = 20;
export const UNITS_PER_TOWER = TOWER_FLOORS * TOWER_UNITS_PER_FLOOR;

/** The layout 户型 of every load-test unit (created in the project when it has none of this code). */
export const TOWER_LAYOUT = {
  code: 'LT-A',
  name: '3室2厅2卫',
  nameEn: '3 bed 2 living 2 bath',
  grossArea: 118.56,
  netArea: 95.12,
  orientation: '南北',
  rooms: 3,
};

/** Codes of the next `count` towers after those the project has (LT01 … LT99, then LT100 …). */
export function nextTowerCodes(existingCodes, count) {
  let n = 0;
  for (const code of existingCodes) {
    const m = /^LT(\d+)$/.exec(code);
    if (m) n = Math.max(n, parseInt(m[1], 10));
  }
  const out = [];
  for (let i = 1; i <= count; i++) out.push(`LT${String(n + i).padStart(2, '0')}`);
  return out;
}

/** How many towers give at least `extra` more units. */
export function towersFor(extra) {
  return extra > 0 ? Math.ceil(extra / UNITS_PER_TOWER) : 0;
}

/** `POST /api/projects/:projectId/buildings` body of one tower. */
export function towerPattern(code) {
  return {
    code,
    name: `压测楼 ${code}`,
    nameEn: `Load-test tower ${code}`,
    floors: TOWER_FLOORS,
    stairwells: [
      {
        units: TOWER_UNITS_PER_FLOOR,
        layoutCodes: Array.from({ length: TOWER_UNITS_PER_FLOOR }, () => TOWER_LAYOUT.code),
      },
    ],
  };
}

/** `POST /api/projects/:projectId/price-formula/apply` body: ¥25,000/m² + ¥200/m² per floor, 底价 95 %. */
export function towerFormula(buildingId) {
  return {
    buildingIds: [buildingId],
    basis: 'PER_M2',
    baseFen: 2500000,
    floorIncrementFen: 20000,
    floorPriceBp: 9500,
  };
}

/** `POST /api/projects/:projectId/batches` body: the tower's units, released now. */
export function towerBatch(code, unitIds) {
  return { name: `压测 ${code} Load test`, unitIds, release: true };
}
