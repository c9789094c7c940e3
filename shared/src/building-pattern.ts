/**
 * Buildings and units generated from a pattern (生成房产) — pure rules, no I/O (docs/buildings.md).
 *
 * A pattern describes one tower the way a sales controller reads the drawings: how many storeys,
 * the first floor number (negative = basement, there is no floor 0), the floor numbers that are
 * never used (4, 13, 14 …), storeys without units (架空层, a refuge floor) that carry a label,
 * stairwells 单元 with their units per floor, ranges of floors of another kind (basement parking
 * 车位, ground-floor shops 商铺) and duplexes 复式 (a unit spanning its floor and the next storey).
 * `generateBuilding` turns it into the exact list of units the server creates; the preview endpoint
 * and the generator screen show the same list, so what is previewed is what is created.
 */
import { z } from 'zod';
import { lineText } from './text.js';

/** What a unit is; every kind is sold with the same lock protocol. */
export const UNIT_KINDS = ['RESIDENCE', 'SHOP', 'PARKING', 'STORAGE'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
export const unitKindSchema = z.enum(UNIT_KINDS);

/** The default unit-code pattern: building 3, floor 15, position 2 → `3-1502`. */
export const DEFAULT_CODE_PATTERN = '{building}-{floor}{position:02}';

/** Tokens of a code pattern. `:NN` pads the number with zeros to NN digits (e.g. `{position:02}`). */
export const CODE_PATTERN_TOKENS = ['building', 'floor', 'position', 'stairwell', 'index'] as const;
const TOKEN_RE = /\{([a-z]+)(?::(\d{1,2}))?\}/g;

/** Most storeys and units per storey one pattern may describe. */
export const MAX_STOREYS = 120;
export const MAX_UNITS_PER_FLOOR = 60;
/** Most units one generated building may hold. */
export const MAX_UNITS_PER_BUILDING = 3000;

const floorNumberSchema = z
  .number()
  .int()
  .min(-10)
  .max(200)
  .refine((n) => n !== 0, {
    message: 'there is no floor 0 (basements are -1, -2 …)',
    params: { problem: 'FLOOR_ZERO' },
  });

/** A unit code or building code: letters, digits and - _ # / . (printed on receipts and the board). */
export const unitCodeSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}#\-_/.]+$/u, 'letters, digits and - _ # / . only');

export const codePatternSchema = z
  .string()
  .min(1)
  .max(60)
  .superRefine((pattern, ctx) => {
    for (const m of pattern.matchAll(TOKEN_RE)) {
      if (!(CODE_PATTERN_TOKENS as readonly string[]).includes(m[1]!)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown token {${m[1]}} (known: ${CODE_PATTERN_TOKENS.join(', ')})`,
          params: { problem: 'UNKNOWN_TOKEN', token: `{${m[1]}}` },
        });
      }
    }
    if (!/\{position(:\d+)?\}|\{index(:\d+)?\}/.test(pattern)) {
      ctx.addIssue({
        code: 'custom',
        message: 'the pattern needs {position} or {index}, or units of a floor share a code',
        params: { problem: 'NO_POSITION_TOKEN' },
      });
    }
  });

/** A range of floors (inclusive, by floor number) whose units differ from the tower's default. */
export const floorRangeRuleSchema = z.strictObject({
  from: floorNumberSchema,
  to: floorNumberSchema,
  kind: unitKindSchema,
  /** Units on each of these floors (one run of positions, no stairwells); default: the tower's. */
  unitsPerFloor: z.number().int().min(1).max(MAX_UNITS_PER_FLOOR).optional(),
  /** Layout 户型 code of every unit of these floors (e.g. the parking space type). */
  layoutCode: lineText(20).optional(),
});
export type FloorRangeRule = z.infer<typeof floorRangeRuleSchema>;

export const stairwellSchema = z.strictObject({
  /** Units of this stairwell on each floor. */
  units: z.number().int().min(1).max(MAX_UNITS_PER_FLOOR),
  /** Layout code per unit of this stairwell, left to right (shorter list: the rest have none). */
  layoutCodes: z
    .array(lineText(20).or(z.literal('')))
    .max(MAX_UNITS_PER_FLOOR)
    .optional(),
});
export type Stairwell = z.infer<typeof stairwellSchema>;

/**
 * The body of the generator (`POST /api/projects/:projectId/buildings` and its preview). Pinned
 * minimum: `{name, floors, unitsPerFloor}`; everything else has a default.
 */
export const buildingPatternSchema = z
  .strictObject({
    /** Building code used in unit codes (`{building}`); default: the name's leading digits or the name. */
    code: unitCodeSchema.max(12).optional(),
    name: lineText(40),
    nameEn: lineText(60).optional(),
    /** Storeys counted from `startFloor` upwards, skipped numbers not counted (they are not storeys). */
    floors: z.number().int().min(1).max(MAX_STOREYS),
    /** Units per floor when no stairwells are given. */
    unitsPerFloor: z.number().int().min(1).max(MAX_UNITS_PER_FLOOR).optional(),
    /** Stairwells 单元, left to right; positions run on across them (1-2 | 3-4). */
    stairwells: z.array(stairwellSchema).min(1).max(12).optional(),
    /** The lowest storey's number: 1 (default), or -2 for two basement levels (then -1, 1, 2 …). */
    startFloor: floorNumberSchema.default(1),
    /** Floor numbers never used (4, 13, 14 …): the storey above gets the next number. */
    skipFloors: z.array(floorNumberSchema).max(60).default([]),
    /** Storeys without units, shown with a label (架空层, 避难层). */
    namedFloors: z
      .array(z.strictObject({ floor: floorNumberSchema, label: lineText(20), labelEn: lineText(30).optional() }))
      .max(20)
      .default([]),
    /** Floors of another kind than RESIDENCE (parking below ground, shops on the ground floor). */
    floorRules: z.array(floorRangeRuleSchema).max(20).default([]),
    /**
     * Duplexes 复式: the unit at `floor` (every position, or the listed ones) spans that storey and
     * the next one; the storey above has no unit of its own at that position.
     */
    duplexes: z
      .array(
        z.strictObject({
          floor: floorNumberSchema,
          positions: z.array(z.number().int().min(1).max(MAX_UNITS_PER_FLOOR)).max(MAX_UNITS_PER_FLOOR).optional(),
        }),
      )
      .max(40)
      .default([]),
    codePattern: codePatternSchema.default(DEFAULT_CODE_PATTERN),
    /** Kind of every unit no floor rule covers. */
    kind: unitKindSchema.default('RESIDENCE'),
  })
  .refine((p) => p.unitsPerFloor !== undefined || p.stairwells !== undefined, {
    message: 'give unitsPerFloor or stairwells',
    params: { problem: 'UNITS_MISSING' },
    path: ['unitsPerFloor'],
  });
export type BuildingPattern = z.infer<typeof buildingPatternSchema>;
export type BuildingPatternInput = z.input<typeof buildingPatternSchema>;

/** One unit the pattern creates. */
export interface GeneratedUnit {
  code: string;
  /** The (lower) floor number; a duplex also covers the next storey (`floorSpan` 2). */
  floor: number;
  /** 1-based column on its floor, running on across stairwells. */
  position: number;
  /** 1-based stairwell 单元 (1 when the tower has none). */
  stairwell: number;
  kind: UnitKind;
  /** Layout 户型 code, or null when the pattern assigns none. */
  layoutCode: string | null;
  /** Storeys the unit spans: 1, or 2 for a duplex. */
  floorSpan: 1 | 2;
}

/** One storey, top storey first in `GeneratedBuilding.floors`. */
export interface GeneratedFloor {
  floor: number;
  /** How the floor is shown: `15`, `B1`, or the named floor's label. */
  label: string;
  labelEn: string;
  /** A named floor (架空层): no units. */
  named: boolean;
  /** Positions on this storey occupied by the upper half of a duplex from the storey below. */
  duplexUpper: number[];
}

/** A pattern that cannot be built; `path` names the field (as zod paths do). */
/**
 * Why a pattern is refused, as a code the screens translate (client/src/i18n/setup-buildings.ts
 * `setupB.problem.<CODE>`, with `params`); `message` says the same in English for logs and the API.
 * INVALID: a field's value is out of its range or form (the schema's own checks).
 */
export const PATTERN_PROBLEMS = [
  'INVALID',
  'FLOOR_ZERO',
  'UNKNOWN_TOKEN',
  'NO_POSITION_TOKEN',
  'UNITS_MISSING',
  'NOT_A_STOREY',
  'RULE_INVERTED',
  'RULE_OVERLAP',
  'DUPLEX_TOP',
  'DUPLEX_NAMED',
  'DUPLEX_POSITION',
  'DUPLEX_TWICE',
  'NO_UNITS',
  'TOO_MANY_UNITS',
  'CODE_CLASH',
] as const;
export type PatternProblemCode = (typeof PATTERN_PROBLEMS)[number];

export interface PatternProblem {
  /** The field, as a path into the pattern (`duplexes.0.floor`; `(root)` for the whole). */
  path: string;
  problem: PatternProblemCode;
  /** What the translated text names (floor labels, positions, counts…). */
  params?: Record<string, string | number>;
  message: string;
  /** Codes that appear more than once (CODE_CLASH). */
  codes?: string[];
}

export type GenerateResult =
  | {
      ok: true;
      code: string;
      /** Storeys, top first. */
      floors: GeneratedFloor[];
      /** Units, bottom floor first, then by position. */
      units: GeneratedUnit[];
      /** Highest position used on any floor. */
      columns: number;
      /** Highest floor number (≥ 1 when the building has any storey above ground; else 1). */
      topFloor: number;
    }
  | { ok: false; problems: PatternProblem[] };

/** `B1` for -1, `15` for 15 — how a floor number is printed. */
export function floorLabel(floor: number): string {
  return floor < 0 ? `B${-floor}` : String(floor);
}

/** The default building code: the name's leading digits ("3号楼" → "3"), else the name without spaces. */
export function defaultBuildingCode(name: string): string {
  const digits = /^\s*([A-Za-z]?\d+[A-Za-z]?)/.exec(name)?.[1];
  return digits ?? name.replace(/\s+/g, '').slice(0, 12);
}

function pad(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  if (text.startsWith('B')) return `B${text.slice(1).padStart(width, '0')}`;
  return text.padStart(width, '0');
}

/**
 * A unit code from the pattern. `{floor}` of a basement prints `B1` (`{floor:02}` → `B01`).
 */
export function formatUnitCode(
  pattern: string,
  values: { building: string; floor: number; position: number; stairwell: number; index: number },
): string {
  return pattern.replace(TOKEN_RE, (_all, name: string, width: string | undefined) => {
    const w = width === undefined ? undefined : Number(width);
    switch (name) {
      case 'building':
        return values.building;
      case 'floor':
        return pad(floorLabel(values.floor), w);
      case 'position':
        return pad(String(values.position), w);
      case 'stairwell':
        return pad(String(values.stairwell), w);
      case 'index':
        return pad(String(values.index), w);
      default:
        return _all;
    }
  });
}

/** The storey numbers from `start` upwards: `count` of them, no 0, none of `skip`. */
export function storeyNumbers(start: number, count: number, skip: readonly number[]): number[] {
  const skipped = new Set(skip);
  const out: number[] = [];
  for (let n = start; out.length < count; n++) {
    if (n === 0 || skipped.has(n)) continue;
    out.push(n);
  }
  return out;
}

interface Slot {
  position: number;
  stairwell: number;
  index: number;
  layoutCode: string | null;
}

/** The positions of an ordinary floor: stairwells left to right, positions running on. */
function towerSlots(p: BuildingPattern): Slot[] {
  const wells: Stairwell[] = p.stairwells ?? [{ units: p.unitsPerFloor ?? 1 }];
  const out: Slot[] = [];
  wells.forEach((well, w) => {
    for (let i = 1; i <= well.units; i++) {
      const layout = well.layoutCodes?.[i - 1];
      out.push({ position: out.length + 1, stairwell: w + 1, index: i, layoutCode: layout ? layout : null });
    }
  });
  return out;
}

/**
 * Every unit and storey of a pattern, or every problem found (all of them, so the form can mark
 * each field at once): skipped or named floors outside the building, overlapping floor rules, a
 * duplex without a storey above it (or onto a named floor, or onto a position the storey above
 * lacks), codes the pattern makes twice (CODE_CLASH: e.g. a pattern without {stairwell} whose
 * stairwells repeat {index}), too many units.
 */
export function generateBuilding(input: BuildingPatternInput): GenerateResult {
  const parsed = buildingPatternSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => {
        const { problem, ...params } = (i.code === 'custom' ? i.params : undefined) ?? {};
        return {
          path: i.path.map(String).join('.') || '(root)',
          problem: PATTERN_PROBLEMS.includes(problem) ? (problem as PatternProblemCode) : 'INVALID',
          ...(Object.keys(params).length > 0 ? { params: params as Record<string, string | number> } : {}),
          message: i.message,
        };
      }),
    };
  }
  const p = parsed.data;
  const problems: PatternProblem[] = [];
  const code = p.code ?? defaultBuildingCode(p.name);
  const storeys = storeyNumbers(p.startFloor, p.floors, p.skipFloors);
  const inBuilding = new Set(storeys);
  const top = storeys[storeys.length - 1] ?? p.startFloor;

  p.namedFloors.forEach((f, i) => {
    if (!inBuilding.has(f.floor)) {
      problems.push({
        path: `namedFloors.${i}.floor`,
        problem: 'NOT_A_STOREY',
        params: { floor: floorLabel(f.floor) },
        message: `floor ${floorLabel(f.floor)} is not a storey of this building`,
      });
    }
  });
  const named = new Map(p.namedFloors.map((f) => [f.floor, f]));
  p.floorRules.forEach((r, i) => {
    if (r.from > r.to) {
      problems.push({ path: `floorRules.${i}.to`, problem: 'RULE_INVERTED', message: 'to is below from' });
    }
    p.floorRules.slice(0, i).forEach((o, j) => {
      if (r.from <= o.to && o.from <= r.to) {
        problems.push({
          path: `floorRules.${i}`,
          problem: 'RULE_OVERLAP',
          params: { rule: j + 1 },
          message: `overlaps floor rule ${j + 1}`,
        });
      }
    });
  });
  const ruleOf = (floor: number): FloorRangeRule | undefined =>
    p.floorRules.find((r) => r.from <= floor && floor <= r.to);

  const tower = towerSlots(p);
  const slotsOf = (floor: number): Slot[] => {
    if (named.has(floor)) return [];
    const rule = ruleOf(floor);
    if (rule?.unitsPerFloor !== undefined) {
      return Array.from({ length: rule.unitsPerFloor }, (_, i) => ({
        position: i + 1,
        stairwell: 1,
        index: i + 1,
        layoutCode: rule.layoutCode ?? null,
      }));
    }
    if (rule?.layoutCode !== undefined) return tower.map((s) => ({ ...s, layoutCode: rule.layoutCode ?? null }));
    return tower;
  };

  // Duplexes: (floor → positions spanning to the next storey).
  const duplexAt = new Map<number, Set<number>>();
  const upperOf = new Map<number, Set<number>>();
  p.duplexes.forEach((d, i) => {
    const at = storeys.indexOf(d.floor);
    const next = storeys[at + 1];
    if (at < 0) {
      problems.push({
        path: `duplexes.${i}.floor`,
        problem: 'NOT_A_STOREY',
        params: { floor: floorLabel(d.floor) },
        message: `floor ${floorLabel(d.floor)} is not a storey of this building`,
      });
      return;
    }
    if (next === undefined) {
      problems.push({
        path: `duplexes.${i}.floor`,
        problem: 'DUPLEX_TOP',
        params: { floor: floorLabel(d.floor) },
        message: `floor ${floorLabel(d.floor)} is the top storey: no storey above`,
      });
      return;
    }
    if (named.has(d.floor) || named.has(next)) {
      problems.push({
        path: `duplexes.${i}.floor`,
        problem: 'DUPLEX_NAMED',
        params: { floor: floorLabel(named.has(d.floor) ? d.floor : next) },
        message: `a duplex cannot include the named floor ${floorLabel(named.has(d.floor) ? d.floor : next)}`,
      });
      return;
    }
    const here = new Set(slotsOf(d.floor).map((s) => s.position));
    const above = new Set(slotsOf(next).map((s) => s.position));
    const positions = d.positions ?? [...here];
    for (const pos of positions) {
      if (!here.has(pos) || !above.has(pos)) {
        problems.push({
          path: `duplexes.${i}.positions`,
          problem: 'DUPLEX_POSITION',
          params: { position: pos, floor: floorLabel(d.floor), next: floorLabel(next) },
          message: `position ${pos} is not on floors ${floorLabel(d.floor)} and ${floorLabel(next)}`,
        });
        continue;
      }
      if (upperOf.get(d.floor)?.has(pos) || duplexAt.get(next)?.has(pos)) {
        problems.push({
          path: `duplexes.${i}.positions`,
          problem: 'DUPLEX_TWICE',
          params: { position: pos },
          message: `position ${pos} would be in two duplexes`,
        });
        continue;
      }
      const set = duplexAt.get(d.floor) ?? new Set<number>();
      set.add(pos);
      duplexAt.set(d.floor, set);
      const up = upperOf.get(next) ?? new Set<number>();
      up.add(pos);
      upperOf.set(next, up);
    }
  });

  const units: GeneratedUnit[] = [];
  for (const floor of storeys) {
    const rule = ruleOf(floor);
    for (const slot of slotsOf(floor)) {
      if (upperOf.get(floor)?.has(slot.position)) continue;
      units.push({
        code: formatUnitCode(p.codePattern, {
          building: code,
          floor,
          position: slot.position,
          stairwell: slot.stairwell,
          index: slot.index,
        }),
        floor,
        position: slot.position,
        stairwell: slot.stairwell,
        kind: rule?.kind ?? p.kind,
        layoutCode: slot.layoutCode,
        floorSpan: duplexAt.get(floor)?.has(slot.position) ? 2 : 1,
      });
    }
  }
  if (units.length === 0) problems.push({ path: 'floors', problem: 'NO_UNITS', message: 'the pattern makes no unit' });
  if (units.length > MAX_UNITS_PER_BUILDING) {
    problems.push({
      path: 'floors',
      problem: 'TOO_MANY_UNITS',
      params: { n: units.length, max: MAX_UNITS_PER_BUILDING },
      message: `${units.length} units: at most ${MAX_UNITS_PER_BUILDING} per building`,
    });
  }
  const clashes = duplicateCodes(units.map((u) => u.code));
  if (clashes.length > 0) {
    problems.push({
      path: 'codePattern',
      problem: 'CODE_CLASH',
      params: { codes: clashes.slice(0, 10).join(', '), n: clashes.length },
      message: `the pattern makes these codes twice: ${clashes.slice(0, 10).join(', ')}`,
      codes: clashes,
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  const floors: GeneratedFloor[] = [...storeys].reverse().map((floor) => {
    const n = named.get(floor);
    return {
      floor,
      label: n?.label ?? floorLabel(floor),
      labelEn: n?.labelEn ?? n?.label ?? floorLabel(floor),
      named: n !== undefined,
      duplexUpper: [...(upperOf.get(floor) ?? [])].sort((a, b) => a - b),
    };
  });
  return {
    ok: true,
    code,
    floors,
    units,
    columns: Math.max(1, ...units.map((u) => u.position)),
    topFloor: Math.max(1, top),
  };
}

/** Codes that appear more than once, each listed once, in first-seen order. */
export function duplicateCodes(codes: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const c of codes) (seen.has(c) ? twice : seen).add(c);
  return [...twice];
}
