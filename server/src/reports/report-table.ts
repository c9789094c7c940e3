/**
 * What every report is made of: a context (project, zone, language, filters, the reader's view of
 * buyers) in, a table (columns, rows, a totals row) out. The totals row is computed from the rows it
 * sits under — never read separately — so "totals = sum of rows" holds by construction, and the
 * reconciliation tests check "sum of rows = the database's own SUM/COUNT".
 */
import type { Locale, PersonView, ReportFilter } from '@kaipan/shared';
import { Prisma, type Db } from '../infra/db.js';
import type { SheetColumnSpec } from '../domain/xlsx.js';

export type Cell = string | number;

export interface ReportContext {
  db: Db;
  projectId: string;
  projectCode: string;
  /** The project's IANA zone: days of the filters and every time shown. */
  timeZone: string;
  lang: Locale;
  filter: ReportFilter;
  /** What the reader sees of a buyer they do not own (privacy rule: managers full, finance masked phones). */
  view: PersonView;
  /** Reports progress, 0–100 (a job's; a direct download ignores it). */
  progress(percent: number): Promise<void>;
}

export interface ReportTable {
  /** Sheet name (≤ 31 characters). */
  sheet: string;
  /** File name without date and extension, e.g. 认购明细 / subscriptions. */
  fileStem: string;
  columns: SheetColumnSpec[];
  rows: Cell[][];
  totals: Cell[];
}

/** Excel number formats: yuan with two decimals, m² with two, whole counts, percentages. */
export const MONEY = '#,##0.00';
export const AREA = '#,##0.00';
export const COUNT = '0';
export const PERCENT = '0.0%';

/** A header in the report's language. */
export const header = (lang: Locale, zh: string, en: string): string => (lang === 'en' ? en : zh);

/** Fen → yuan as a number (exact to the fen: fen are integers, the cell shows two decimals). */
export const yuan = (fen: number | bigint): number => Number(fen) / 100;

/** Σ of a numeric column of the rows (fen-exact: summed in fen, shown in yuan). */
export function sumYuan(rows: readonly Cell[][], column: number): number {
  let fen = 0;
  for (const row of rows) {
    const v = row[column];
    if (typeof v === 'number') fen += Math.round(v * 100);
  }
  return fen / 100;
}

/** Σ of a numeric column (counts, m²: two decimals). */
export function sum(rows: readonly Cell[][], column: number): number {
  let hundredths = 0;
  for (const row of rows) {
    const v = row[column];
    if (typeof v === 'number') hundredths += Math.round(v * 100);
  }
  return hundredths / 100;
}

/**
 * `column` (a timestamptz) falls on the filter's project-local days: the day is the wall-clock date
 * in the project's zone, computed by PostgreSQL (AT TIME ZONE), so a deal at 23:30 local on the 7th is
 * on the 7th whatever UTC says.
 */
export function dayCondition(column: Prisma.Sql, ctx: Pick<ReportContext, 'filter' | 'timeZone'>): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (ctx.filter.from)
    parts.push(Prisma.sql`(${column} AT TIME ZONE ${ctx.timeZone})::date >= ${ctx.filter.from}::date`);
  if (ctx.filter.to) parts.push(Prisma.sql`(${column} AT TIME ZONE ${ctx.timeZone})::date <= ${ctx.filter.to}::date`);
  return parts.length ? Prisma.sql` AND ${Prisma.join(parts, ' AND ')}` : Prisma.empty;
}

/** `column = the filter's building` (or nothing). */
export function buildingCondition(column: Prisma.Sql, filter: ReportFilter): Prisma.Sql {
  return filter.buildingId ? Prisma.sql` AND ${column} = ${filter.buildingId}::uuid` : Prisma.empty;
}

/** `column = the filter's consultant` (or nothing). */
export function consultantCondition(column: Prisma.Sql, filter: ReportFilter): Prisma.Sql {
  return filter.consultantId ? Prisma.sql` AND ${column} = ${filter.consultantId}::uuid` : Prisma.empty;
}
