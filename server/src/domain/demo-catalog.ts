/**
 * The demo project's inventory as a manager enters it in the setup area (docs/buildings.md): the
 * layouts 户型, each tower's pattern (shared/src/building-pattern.ts) and its price formula 公式设置
 * (shared/src/unit-setup.ts). Pure data: the demo seed sends these through the setup services, and
 * tests derive the units and prices from them with the same pure rules (`generateBuilding`,
 * `formulaPrices`).
 */
import type { BuildingPatternInput, LayoutBody, PriceFormulaInput } from '@kaipan/shared';

/** The demo layouts: the facts (areas, orientation) their units share. */
export const DEMO_LAYOUTS = [
  {
    code: 'A',
    name: '3室2厅2卫',
    nameEn: '3 bed 2 bath',
    grossArea: 118.56,
    netArea: 95.12,
    orientation: '南北',
    rooms: 3,
  },
  {
    code: 'B',
    name: '2室2厅1卫',
    nameEn: '2 bed 1 bath',
    grossArea: 89.32,
    netArea: 71.45,
    orientation: '南',
    rooms: 2,
  },
  {
    code: 'C',
    name: '4室2厅2卫',
    nameEn: '4 bed 2 bath',
    grossArea: 143.8,
    netArea: 116.27,
    orientation: '南北',
    rooms: 4,
  },
  {
    code: 'D',
    name: '3室2厅1卫',
    nameEn: '3 bed 1 bath',
    grossArea: 99.67,
    netArea: 80.03,
    orientation: '东南',
    rooms: 3,
  },
] as const satisfies readonly LayoutBody[];

export interface DemoBuilding {
  /** `POST /api/projects/:projectId/buildings` body. */
  pattern: BuildingPatternInput & {
    code: string;
    floors: number;
    stairwells: { units: number; layoutCodes: string[] }[];
  };
  /** `POST /api/projects/:projectId/price-formula/apply` body, without the building (the seed adds its id). */
  formula: Omit<PriceFormulaInput, 'buildingIds'>;
  /** Released in the first batch (else in the second, pending one). */
  firstBatch: boolean;
}

/** The demo's codes keep two floor digits (1-0801, 2-1502), as its earlier data did. */
const CODE_PATTERN = '{building}-{floor:02}{position:02}';

/**
 * A tower's formula from its base price per m²: the first floor 4 % below it, 层差 of 0.6 % of it per
 * floor up to 80 % of the height (there about 8 % above it, as the demo's earlier prices were), level above, the top floor 2 % below its neighbours
 * (heat and roof); through-ventilated and end units (`factors`, basis points by position) above.
 * 底价 95 % of the list price; rounded by the project's rounding (whole yuan).
 */
function towerFormula(perM2Fen: number, floors: number, factors: Record<string, number>): DemoBuilding['formula'] {
  const step = Math.round((perM2Fen * 6) / 1000 / 100) * 100; // whole yuan per m² and floor
  const best = Math.round(floors * 0.8);
  return {
    basis: 'PER_M2',
    baseFen: perM2Fen - Math.round((perM2Fen * 40) / 1000 / 100) * 100,
    baseFloor: 1,
    floorIncrementFen: step,
    floorIncrementRanges: [
      { from: best + 1, to: floors - 1, perFloorFen: 0 },
      { from: floors, to: floors, perFloorFen: -Math.round((perM2Fen * 20) / 1000 / 100) * 100 },
    ],
    positionFactorsBp: factors,
    floorPriceBp: 9_500,
  };
}

export const DEMO_BUILDINGS: DemoBuilding[] = [
  {
    pattern: {
      code: '1',
      name: '1号楼',
      nameEn: 'Tower 1',
      floors: 26,
      stairwells: [{ units: 4, layoutCodes: ['A', 'B', 'B', 'A'] }],
      codePattern: CODE_PATTERN,
    },
    formula: towerFormula(3_250_000, 26, { '1': 10_300, '2': 10_150, '3': 10_150, '4': 10_300 }),
    firstBatch: true,
  },
  {
    pattern: {
      code: '2',
      name: '2号楼',
      nameEn: 'Tower 2',
      floors: 33,
      stairwells: [{ units: 3, layoutCodes: ['C', 'D', 'D'] }],
      codePattern: CODE_PATTERN,
    },
    formula: towerFormula(3_380_000, 33, { '1': 10_300, '2': 10_100, '3': 10_000 }),
    firstBatch: true,
  },
  {
    pattern: {
      code: '3',
      name: '3号楼',
      nameEn: 'Tower 3',
      floors: 18,
      stairwells: [
        { units: 3, layoutCodes: ['B', 'D', 'D'] },
        { units: 3, layoutCodes: ['A', 'A', 'B'] },
      ],
      codePattern: CODE_PATTERN,
    },
    formula: towerFormula(3_120_000, 18, {
      '1': 10_150,
      '2': 10_300,
      '3': 10_300,
      '4': 10_300,
      '5': 10_300,
      '6': 10_150,
    }),
    firstBatch: true,
  },
  {
    pattern: {
      code: '5',
      name: '5号楼',
      nameEn: 'Tower 5',
      floors: 22,
      stairwells: [{ units: 2, layoutCodes: ['A', 'A'] }],
      codePattern: CODE_PATTERN,
    },
    formula: towerFormula(3_300_000, 22, { '1': 10_300, '2': 10_300 }),
    firstBatch: false,
  },
];

/** Units withheld 保留 for VIP customers once the first batch is released. */
export const DEMO_WITHHELD = { codes: ['1-0801'], reason: 'VIP 客户保留 Reserved for VIP' } as const;
