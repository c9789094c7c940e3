/**
 * Import and export of units, areas and prices as XLSX or CSV (issue 5 "Deals"): query schemas,
 * the per-row error report of a refused import (IMPORT_INVALID) and the answer of an accepted one.
 * The columns, parsing and validation rules are server/src/domain/unit-sheet.ts; docs/import.md
 * describes them for people.
 */
import { z } from 'zod';
import { lineText } from './text.js';
import { priceListInfoSchema } from './deals.js';

export const UNIT_SHEET_FORMATS = ['xlsx', 'csv'] as const;
export type UnitSheetFormat = (typeof UNIT_SHEET_FORMATS)[number];

/** Content type of each format (the import body and the downloads). */
export const UNIT_SHEET_CONTENT_TYPES: Record<UnitSheetFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

/** Largest import body, bytes (a bigger one answers PAYLOAD_TOO_LARGE, 413). */
export const UNIT_IMPORT_MAX_BYTES = 5 * 1024 * 1024;
/** Most unit rows one file may hold. */
export const UNIT_IMPORT_MAX_ROWS = 10_000;
/** At most this many entries in a refused import's report (the count says how many there were). */
export const UNIT_IMPORT_MAX_ERRORS = 1_000;

/** `?format=` of the export and template downloads (default xlsx). */
export const unitSheetQuerySchema = z.strictObject({
  format: z.enum(UNIT_SHEET_FORMATS).default('xlsx'),
});

const flagSchema = z
  .enum(['1', '0', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

/**
 * `POST …/units/import?format=&dryRun=&fileName=` — the raw file is the body. `format` defaults to
 * the body's content type; `fileName` (shown in the pending price list's note) defaults to
 * `units.<format>`.
 */
export const unitImportQuerySchema = z.strictObject({
  format: z.enum(UNIT_SHEET_FORMATS).optional(),
  dryRun: flagSchema,
  fileName: lineText(120).optional(),
});
export type UnitImportQuery = z.infer<typeof unitImportQuerySchema>;

/**
 * Why a row (or the file) was refused. The client translates by code; `reason` is English for logs
 * and API users.
 */
export const IMPORT_ERROR_CODES = [
  /** The body is not a readable XLSX (or CSV in a known encoding). */
  'FILE_UNREADABLE',
  /** No header row, or no unit rows under it. */
  'FILE_EMPTY',
  /** More rows than UNIT_IMPORT_MAX_ROWS. */
  'TOO_MANY_ROWS',
  /** A required column header is absent (`column` names it). */
  'MISSING_COLUMN',
  /** The same column appears twice in the header. */
  'DUPLICATE_COLUMN',
  /** An empty cell in a required column. */
  'REQUIRED',
  /** Text longer than the column allows. */
  'TOO_LONG',
  /** Text a cell may not hold (shared/src/text.ts): a control character, a line break, U+0000… */
  'INVALID_TEXT',
  'NOT_A_NUMBER',
  'NOT_AN_INTEGER',
  /** More than two decimals (prices in yuan, areas in m²). */
  'TOO_MANY_DECIMALS',
  /** Zero or negative where a positive amount is required. */
  'NOT_POSITIVE',
  /** Outside the allowed range (a floor above the building's top floor, a price above the maximum…). */
  'OUT_OF_RANGE',
  'FLOOR_ABOVE_LIST',
  'NET_ABOVE_GROSS',
  'UNKNOWN_BUILDING',
  /** The unit code appears on an earlier row of the file. */
  'DUPLICATE_UNIT',
  /** Another unit (earlier in the file, or in the project and not in the file) has this floor and position. */
  'DUPLICATE_POSITION',
  /** The row changes the facts of a unit that is subscribed, contracted or withheld. */
  'UNIT_NOT_EDITABLE',
  /** The row changes the facts of a unit a consultant holds locked right now. */
  'UNIT_LOCKED',
  /** The project refuses deals above the filed price 备案价, and the row's list price is above it. */
  'ABOVE_FILED_PRICE',
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

/** One problem of a refused import. */
export interface ImportRowError {
  /** Row number as the spreadsheet shows it (the header is row 1); 0 = the file as a whole. */
  row: number;
  /** The column header (bilingual, e.g. "表价 List price (元)"); null for the file or a whole row. */
  column: string | null;
  /** The cell's text as read (null when there is none). */
  value: string | null;
  /** English explanation; the client shows its own text for `code`. */
  reason: string;
  code: ImportErrorCode;
}

/** `details` of IMPORT_INVALID (422): every invalid row; nothing was changed. */
export interface ImportInvalidDetails {
  errors: ImportRowError[];
  /** Unit rows read from the file (blank rows not counted). */
  rowCount: number;
  /** Problems found (may exceed `errors.length` when the report was cut at UNIT_IMPORT_MAX_ERRORS). */
  errorCount: number;
}

/** What an accepted import did (or, with dryRun, would do). */
export const unitImportResultSchema = z.object({
  dryRun: z.boolean(),
  rowCount: z.number().int(),
  /** New units (NOT_RELEASED, with their prices in the active price list). */
  created: z.number().int(),
  /** Existing units whose facts (building, floor, position, layout, areas, orientation) changed. */
  updated: z.number().int(),
  /** Rows that change nothing at all. */
  unchanged: z.number().int(),
  /** Existing units whose list or floor price differs: they go into one PENDING price-list version. */
  priceChanges: z.number().int(),
  /** Existing units whose filed price 备案价 changed (applied at once; the project's pricing terms move). */
  filedPriceChanges: z.number().int(),
  /** The PENDING version holding the price changes (null: none, or dryRun). */
  pendingPriceList: priceListInfoSchema.nullable(),
  /** Unit codes per kind of change (at most 200 each, in file order). */
  createdCodes: z.array(z.string()),
  updatedCodes: z.array(z.string()),
  pricedCodes: z.array(z.string()),
});
export type UnitImportResult = z.infer<typeof unitImportResultSchema>;
