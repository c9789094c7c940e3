/** Types of towers.js (the load-test towers as setup-API bodies), for the Node runner and tests. */
export declare const TOWER_FLOORS: number;
export declare const TOWER_UNITS_PER_FLOOR: number;
export declare const UNITS_PER_TOWER: number;
export declare const TOWER_LAYOUT: {
  code: string;
  name: string;
  nameEn: string;
  grossArea: number;
  netArea: number;
  orientation: string;
  rooms: number;
};
export declare function nextTowerCodes(existingCodes: Iterable<string>, count: number): string[];
export declare function towersFor(extra: number): number;
export declare function towerPattern(code: string): {
  code: string;
  name: string;
  nameEn: string;
  floors: number;
  stairwells: { units: number; layoutCodes: string[] }[];
};
export declare function towerFormula(buildingId: string): {
  buildingIds: string[];
  basis: 'PER_M2';
  baseFen: number;
  floorIncrementFen: number;
  floorPriceBp: number;
};
export declare function towerBatch(code: string, unitIds: string[]): { name: string; unitIds: string[]; release: true };
