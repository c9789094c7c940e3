/** The generation rules of docs/buildings.md, case by case (the tricky ones first). */
import { describe, expect, it } from 'vitest';
import { formatUnitCode, generateBuilding, storeyNumbers, type GenerateResult } from './building-pattern.js';

function ok(result: GenerateResult): Extract<GenerateResult, { ok: true }> {
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}
const codes = (r: GenerateResult): string[] => ok(r).units.map((u) => u.code);

describe('generateBuilding', () => {
  it('the pinned minimum: floors × units per floor with the default code pattern', () => {
    const r = ok(generateBuilding({ name: '3号楼', floors: 2, unitsPerFloor: 2 }));
    expect(r.code).toBe('3');
    expect(r.units.map((u) => u.code)).toEqual(['3-101', '3-102', '3-201', '3-202']);
    expect(r.units.every((u) => u.kind === 'RESIDENCE' && u.floorSpan === 1)).toBe(true);
    expect(r.floors.map((f) => f.label)).toEqual(['2', '1']);
  });

  it('15 storeys with 4, 13 and 14 skipped reach floor 18, and 3-1502 is floor 15 position 2', () => {
    const r = ok(generateBuilding({ name: '3号楼', floors: 15, unitsPerFloor: 2, skipFloors: [4, 13, 14] }));
    const floors = [...new Set(r.units.map((u) => u.floor))];
    expect(floors).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18]);
    expect(r.topFloor).toBe(18);
    expect(r.units.find((u) => u.code === '3-1502')).toMatchObject({ floor: 15, position: 2 });
    expect(codes(generateBuilding({ name: '3', floors: 15, unitsPerFloor: 1, skipFloors: [4] }))).not.toContain(
      '3-401',
    );
  });

  it('basements: start floor -2 gives B2, B1, then 1 (no floor 0), parking by a floor rule', () => {
    const r = ok(
      generateBuilding({
        name: '1号楼',
        floors: 4,
        unitsPerFloor: 2,
        startFloor: -2,
        floorRules: [{ from: -2, to: -1, kind: 'PARKING', unitsPerFloor: 3, layoutCode: 'P' }],
        codePattern: '{building}-{floor}{position:02}',
      }),
    );
    expect(storeyNumbers(-2, 4, [])).toEqual([-2, -1, 1, 2]);
    expect(r.units.filter((u) => u.kind === 'PARKING').map((u) => u.code)).toEqual([
      '1-B201',
      '1-B202',
      '1-B203',
      '1-B101',
      '1-B102',
      '1-B103',
    ]);
    expect(r.units.filter((u) => u.floor < 0).every((u) => u.layoutCode === 'P')).toBe(true);
    expect(r.floors.map((f) => f.label)).toEqual(['2', '1', 'B1', 'B2']);
    expect(r.columns).toBe(3);
    expect(r.topFloor).toBe(2);
  });

  it('stairwells: positions run on across them, {stairwell}/{index} number within them, layouts per stairwell', () => {
    const r = ok(
      generateBuilding({
        name: '5',
        floors: 1,
        stairwells: [
          { units: 2, layoutCodes: ['A', 'B'] },
          { units: 3, layoutCodes: ['C'] },
        ],
        codePattern: '{building}-{stairwell}-{floor}{index:02}',
      }),
    );
    expect(r.units.map((u) => [u.code, u.position, u.stairwell, u.layoutCode])).toEqual([
      ['5-1-101', 1, 1, 'A'],
      ['5-1-102', 2, 1, 'B'],
      ['5-2-101', 3, 2, 'C'],
      ['5-2-102', 4, 2, null],
      ['5-2-103', 5, 2, null],
    ]);
  });

  it('a pattern that repeats a code across stairwells is refused with the clashing codes', () => {
    const r = generateBuilding({
      name: '5',
      floors: 1,
      stairwells: [{ units: 2 }, { units: 2 }],
      codePattern: '{building}-{floor}{index:02}',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ path: 'codePattern', codes: ['5-101', '5-102'] });
  });

  it('duplexes: the unit spans its floor and the next storey (over a skipped number); the upper storey has no unit there', () => {
    const r = ok(
      generateBuilding({
        name: '7',
        floors: 4,
        unitsPerFloor: 2,
        skipFloors: [4],
        duplexes: [{ floor: 3, positions: [2] }],
      }),
    );
    expect(r.units.map((u) => `${u.code}/${u.floorSpan}`)).toEqual([
      '7-101/1',
      '7-102/1',
      '7-201/1',
      '7-202/1',
      '7-301/1',
      '7-302/2',
      '7-501/1',
    ]);
    expect(r.floors.find((f) => f.floor === 5)?.duplexUpper).toEqual([2]);
    // Every position of the top two storeys (跃层 penthouses).
    const top = ok(generateBuilding({ name: '7', floors: 4, unitsPerFloor: 2, duplexes: [{ floor: 3 }] }));
    expect(top.units.filter((u) => u.floor >= 3).map((u) => u.code)).toEqual(['7-301', '7-302']);
  });

  it('refuses a duplex on the top storey, onto a named floor, or overlapping another duplex', () => {
    const top = generateBuilding({ name: '7', floors: 3, unitsPerFloor: 2, duplexes: [{ floor: 3 }] });
    expect(top.ok).toBe(false);
    const named = generateBuilding({
      name: '7',
      floors: 3,
      unitsPerFloor: 2,
      namedFloors: [{ floor: 2, label: '架空层' }],
      duplexes: [{ floor: 1 }],
    });
    expect(named.ok).toBe(false);
    const twice = generateBuilding({ name: '7', floors: 3, unitsPerFloor: 2, duplexes: [{ floor: 1 }, { floor: 2 }] });
    expect(twice.ok).toBe(false);
  });

  it('a named floor (架空层) is a storey with a label and no units', () => {
    const r = ok(
      generateBuilding({
        name: '2',
        floors: 3,
        unitsPerFloor: 1,
        namedFloors: [{ floor: 1, label: '架空层', labelEn: 'Open floor' }],
      }),
    );
    expect(r.units.map((u) => u.code)).toEqual(['2-201', '2-301']);
    expect(r.floors.at(-1)).toMatchObject({ floor: 1, label: '架空层', labelEn: 'Open floor', named: true });
  });

  it('reports every problem at once, with the field it belongs to', () => {
    const r = generateBuilding({
      name: '2',
      floors: 3,
      unitsPerFloor: 1,
      namedFloors: [{ floor: 9, label: 'x' }],
      floorRules: [
        { from: 1, to: 2, kind: 'SHOP' },
        { from: 2, to: 3, kind: 'STORAGE' },
      ],
    });
    expect(r.ok ? [] : r.problems.map((p) => p.path)).toEqual(['namedFloors.0.floor', 'floorRules.1']);
    const bad = generateBuilding({ name: '2', floors: 0, unitsPerFloor: 1, codePattern: '{floor}{room}' });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path).sort()).toEqual(['codePattern', 'codePattern', 'floors']);
  });

  it('codes each problem, with the numbers a translation names', () => {
    const r = generateBuilding({
      name: '2',
      floors: 3,
      unitsPerFloor: 2,
      skipFloors: [0],
      namedFloors: [{ floor: 9, label: 'x' }],
      duplexes: [{ floor: 3 }],
      codePattern: '{building}-{floor}{room}',
    });
    expect(r.ok ? [] : r.problems.map(({ path, problem, params }) => ({ path, problem, params }))).toEqual([
      { path: 'skipFloors.0', problem: 'FLOOR_ZERO', params: undefined },
      { path: 'codePattern', problem: 'UNKNOWN_TOKEN', params: { token: '{room}' } },
      { path: 'codePattern', problem: 'NO_POSITION_TOKEN', params: undefined },
    ]);
    const later = generateBuilding({
      name: '2',
      floors: 3,
      unitsPerFloor: 2,
      namedFloors: [{ floor: 9, label: 'x' }],
      duplexes: [{ floor: 3 }],
    });
    expect(later.ok ? [] : later.problems.map(({ problem, params }) => ({ problem, params }))).toEqual([
      { problem: 'NOT_A_STOREY', params: { floor: '9' } },
      { problem: 'DUPLEX_TOP', params: { floor: '3' } },
    ]);
    const none = generateBuilding({ name: '2', floors: 1, unitsPerFloor: 1, namedFloors: [{ floor: 1, label: 'x' }] });
    expect(none.ok ? [] : none.problems.map((p) => p.problem)).toEqual(['NO_UNITS']);
    const outOfRange = generateBuilding({ name: '2', floors: 500, unitsPerFloor: 1 });
    expect(outOfRange.ok ? [] : outOfRange.problems.map((p) => p.problem)).toEqual(['INVALID']);
  });

  it('formats the code tokens with padding, basements as B', () => {
    const v = { building: 'A', floor: -1, position: 3, stairwell: 2, index: 1 };
    expect(formatUnitCode('{building}#{floor:02}-{position}', v)).toBe('A#B01-3');
    expect(formatUnitCode('{building}-{stairwell}单元-{floor}{index:02}', { ...v, floor: 8 })).toBe('A-2单元-801');
  });
});
