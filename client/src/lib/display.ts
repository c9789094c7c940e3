/**
 * Client-only display helpers (the shared ones live in @kaipan/shared format.ts). Pure: only
 * types are imported, so display.test.ts runs without the app around it.
 */
import { layoutNameLabel, type BuildingInfo, type CatalogUnit, type Locale } from '@kaipan/shared';

/**
 * Compact price for a grid cell: 285.6万 in Chinese, 2.86M in English. Units of 1,000万 and up
 * drop the decimal so the cell width stays constant.
 */
export function formatCompactPrice(fen: number, locale: Locale): string {
  const yuan = fen / 100;
  if (locale === 'zh-CN') {
    const wan = yuan / 10_000;
    return `${wan >= 1000 ? Math.round(wan).toString() : wan.toFixed(1)}万`;
  }
  const m = yuan / 1_000_000;
  return `${m >= 10 ? m.toFixed(1) : m.toFixed(2)}M`;
}

/**
 * The room part of a unit code for a grid cell whose building and floor are already shown:
 * "1#-0803" → "0803", "A-1202" → "1202", "0803" → "0803".
 */
export function shortUnitCode(code: string): string {
  const parts = code.split(/[-#/\s]+/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? code;
}

export function buildingName(b: BuildingInfo, locale: Locale): string {
  return locale === 'en' ? b.nameEn || b.name : b.name;
}

export interface BuildingLayout {
  building: BuildingInfo;
  /** Floors that have units, top floor first. */
  floors: number[];
  /** Columns (max position). */
  columns: number;
  /** floor → position → unit */
  cells: Map<number, Map<number, CatalogUnit>>;
  units: CatalogUnit[];
}

/** A unit's layout 户型 name in `locale`: the layout's English name, else a room count spelled out. */
export function layoutName(unit: CatalogUnit, locale: Locale): string {
  return locale === 'en' && unit.layoutNameEn ? unit.layoutNameEn : layoutNameLabel(unit.layoutName, locale);
}

/** Arrange a building's units as floors (rows, top first) × positions (columns). */
export function layoutBuilding(building: BuildingInfo, units: readonly CatalogUnit[]): BuildingLayout {
  const own = units.filter((u) => u.buildingId === building.id);
  const cells = new Map<number, Map<number, CatalogUnit>>();
  let columns = building.unitsPerFloor;
  for (const u of own) {
    let row = cells.get(u.floor);
    if (!row) {
      row = new Map();
      cells.set(u.floor, row);
    }
    row.set(u.position, u);
    columns = Math.max(columns, u.position);
  }
  // A duplex 复式 (floorSpan 2) also shows on the storey above its floor: the next floor holding
  // units (skipped numbers such as 13 and 14 lie between), else the next number up to the top floor.
  const withUnits = [...cells.keys()].sort((a, b) => a - b);
  for (const u of own) {
    if (u.floorSpan !== 2) continue;
    const upper = withUnits.find((f) => f > u.floor) ?? (u.floor + 1 === 0 ? 1 : u.floor + 1);
    if (!withUnits.includes(upper) && upper > Math.max(building.floors, u.floor + 1)) continue;
    let row = cells.get(upper);
    if (!row) {
      row = new Map();
      cells.set(upper, row);
    }
    if (!row.has(u.position)) row.set(u.position, u);
  }
  const floors = [...cells.keys()].sort((a, b) => b - a);
  return { building, floors, columns: Math.max(1, columns), cells, units: own };
}

/**
 * A short name for a signed-in device from its user agent (or the id the app sent): "iPhone · Safari",
 * "Windows · Chrome". Unknown strings are returned cut to 40 characters; null → null.
 */
export function describeDevice(device: string | null): string | null {
  if (!device) return null;
  if (!/Mozilla\/|AppleWebKit|Gecko\//.test(device)) return device.length > 40 ? `${device.slice(0, 39)}…` : device;
  const os = /iPhone/.test(device)
    ? 'iPhone'
    : /iPad/.test(device)
      ? 'iPad'
      : /Android/.test(device)
        ? 'Android'
        : /Windows/.test(device)
          ? 'Windows'
          : /Mac OS X|Macintosh/.test(device)
            ? 'Mac'
            : /CrOS/.test(device)
              ? 'ChromeOS'
              : /Linux/.test(device)
                ? 'Linux'
                : null;
  const browser = /MicroMessenger/.test(device)
    ? 'WeChat'
    : /Edg\//.test(device)
      ? 'Edge'
      : /HeadlessChrome/.test(device)
        ? 'Chrome (headless)'
        : /Firefox\//.test(device)
          ? 'Firefox'
          : /(Chrome|CriOS)\//.test(device)
            ? 'Chrome'
            : /Safari\//.test(device)
              ? 'Safari'
              : null;
  return [os, browser].filter(Boolean).join(' · ') || device.slice(0, 40);
}

/**
 * Date and time in the browser's own time zone, for things that belong to no project (sessions,
 * sign-ins): "12月7日 05:45" / "7 Dec, 05:45".
 */
export function formatLocalDateTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}
