/**
 * The demo project's inventory, generated deterministically (pure): buildings, floors, layouts,
 * areas and prices in fen with floor and orientation premiums. Used by the demo seed and tests.
 */

export interface DemoLayout {
  code: string;
  name: string;
  grossArea: number;
  netArea: number;
}

export interface DemoUnit {
  code: string;
  floor: number;
  position: number;
  layout: DemoLayout;
  orientation: string;
  listPrice: number;
  floorPrice: number;
}

export interface DemoBuilding {
  code: string;
  name: string;
  nameEn: string;
  floors: number;
  /** Layout per column (position 1..n). */
  columns: { layout: DemoLayout; orientation: string }[];
  /** Base price per m² of gross area, fen. */
  basePerM2: number;
  /** Released in the first batch. */
  firstBatch: boolean;
}

const L = {
  A: { code: 'A', name: '3室2厅2卫', grossArea: 118.56, netArea: 95.12 },
  B: { code: 'B', name: '2室2厅1卫', grossArea: 89.32, netArea: 71.45 },
  C: { code: 'C', name: '4室2厅2卫', grossArea: 143.8, netArea: 116.27 },
  D: { code: 'D', name: '3室2厅1卫', grossArea: 99.67, netArea: 80.03 },
} satisfies Record<string, DemoLayout>;

export const DEMO_BUILDINGS: DemoBuilding[] = [
  {
    code: '1',
    name: '1号楼',
    nameEn: 'Tower 1',
    floors: 26,
    basePerM2: 3_250_000,
    firstBatch: true,
    columns: [
      { layout: L.A, orientation: '南北' },
      { layout: L.B, orientation: '南' },
      { layout: L.B, orientation: '南' },
      { layout: L.A, orientation: '南北' },
    ],
  },
  {
    code: '2',
    name: '2号楼',
    nameEn: 'Tower 2',
    floors: 33,
    basePerM2: 3_380_000,
    firstBatch: true,
    columns: [
      { layout: L.C, orientation: '南北' },
      { layout: L.D, orientation: '东南' },
      { layout: L.D, orientation: '西南' },
    ],
  },
  {
    code: '3',
    name: '3号楼',
    nameEn: 'Tower 3',
    floors: 18,
    basePerM2: 3_120_000,
    firstBatch: true,
    columns: [
      { layout: L.B, orientation: '南' },
      { layout: L.D, orientation: '南北' },
      { layout: L.D, orientation: '南北' },
      { layout: L.A, orientation: '南北' },
      { layout: L.A, orientation: '南北' },
      { layout: L.B, orientation: '南' },
    ],
  },
  {
    code: '5',
    name: '5号楼',
    nameEn: 'Tower 5',
    floors: 22,
    basePerM2: 3_300_000,
    firstBatch: false,
    columns: [
      { layout: L.A, orientation: '南北' },
      { layout: L.A, orientation: '南北' },
    ],
  },
];

/** Orientation premium, per mille of the base. */
const ORIENTATION_PERMILLE: Record<string, number> = { 南北: 30, 南: 15, 东南: 10, 西南: 0 };

/** Floor premium: low floors cheaper, best band mid-high, top floor slightly discounted. */
export function floorPremiumPermille(floor: number, floors: number): number {
  if (floor <= 2) return -40;
  const best = Math.round(floors * 0.8) * 4;
  if (floor === floors) return best - 20; // top floor: heat and roof, slightly below the best band
  return Math.min(floor * 4, best);
}

export function demoUnits(building: DemoBuilding): DemoUnit[] {
  const units: DemoUnit[] = [];
  for (let floor = 1; floor <= building.floors; floor += 1) {
    building.columns.forEach((column, index) => {
      const permille =
        1000 + floorPremiumPermille(floor, building.floors) + (ORIENTATION_PERMILLE[column.orientation] ?? 0);
      const perM2 = Math.round((building.basePerM2 * permille) / 1000 / 100) * 100; // whole yuan per m²
      const listPrice = Math.round((perM2 * column.layout.grossArea) / 10_000) * 10_000; // whole hundred yuan
      units.push({
        code: `${building.code}-${String(floor).padStart(2, '0')}${String(index + 1).padStart(2, '0')}`,
        floor,
        position: index + 1,
        layout: column.layout,
        orientation: column.orientation,
        listPrice,
        floorPrice: Math.round((listPrice * 0.95) / 10_000) * 10_000,
      });
    });
  }
  return units;
}
