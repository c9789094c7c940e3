/**
 * The unit sheet 房源表: one row per unit with its facts and prices, read from and written to XLSX
 * (ExcelJS, in memory) or CSV (RFC 4180). Pure: no database, no clock, no network — the service
 * (services/unit-import-service.ts) supplies the project's buildings and units and applies the plan.
 *
 * Money is read as decimal text in yuan and converted to integer fen without floating point; a
 * number cell of an XLSX file is first turned back into the shortest decimal text that denotes it
 * (what the person typed), so 1234.1 stays 1234.10 元 and 0.1 + 0.2 is refused (too many decimals).
 * Areas are m² with at most two decimals, kept as integer hundredths of a m² here.
 *
 * docs/import.md describes the columns, the rules and every error code.
 */
import type ExcelJS from 'exceljs';
import { styleHeaderRow } from './xlsx.js';

/** ExcelJS is loaded on first use: ~28 MB a server process does not carry until someone imports or exports. */
const excel = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default;
import {
  MAX_PRICE_FEN,
  lineProblem,
  textProblem,
  UNIT_IMPORT_MAX_ERRORS,
  UNIT_IMPORT_MAX_ROWS,
  type ImportErrorCode,
  type ImportRowError,
  type StoredUnitStatus,
  type UnitSheetFormat,
} from '@kaipan/shared';

// ── Columns ─────────────────────────────────────────────────────────────────────────────────

export type UnitSheetField =
  | 'building'
  | 'unit'
  | 'floor'
  | 'position'
  | 'layout'
  | 'layoutName'
  | 'grossArea'
  | 'netArea'
  | 'orientation'
  | 'listPrice'
  | 'floorPrice'
  | 'filedPrice';

type ColumnKind = 'text' | 'int' | 'area' | 'money';

export interface SheetColumn {
  field: UnitSheetField;
  /** The header written in row 1: Chinese, a space, English. */
  header: string;
  kind: ColumnKind;
  /** Text columns: most characters allowed. */
  maxLength?: number;
  /** Text columns: line breaks allowed inside (a two-line layout name); the others are one line. */
  multiline?: true;
  /** Other header spellings accepted on import (compared after normalisation). */
  aliases: readonly string[];
  /**
   * The column may be left out of the header (files made before it existed: what it holds stays as
   * it is) and its cells may be empty (= none).
   */
  optional?: true;
  /** XLSX column width, characters. */
  width: number;
  /** One line for the instructions sheet, per language. */
  help: { zh: string; en: string };
  example: string;
}

export const UNIT_SHEET_COLUMNS: readonly SheetColumn[] = [
  {
    field: 'building',
    header: '楼栋 Building',
    kind: 'text',
    maxLength: 20,
    aliases: ['楼栋', '楼号', 'Building', 'Building code'],
    width: 12,
    help: { zh: '楼栋编号，必须是本项目已有的楼栋。', en: 'Building code; must be a building of this project.' },
    example: '1',
  },
  {
    field: 'unit',
    header: '房号 Unit',
    kind: 'text',
    maxLength: 32,
    aliases: ['房号', '房间号', 'Unit', 'Unit code'],
    width: 14,
    help: {
      zh: '房号，本项目内唯一。新房号将新增房源（未推状态）。',
      en: 'Unit code, unique in the project. A new code adds a unit (not released).',
    },
    example: '1-0101',
  },
  {
    field: 'floor',
    header: '楼层 Floor',
    kind: 'int',
    aliases: ['楼层', 'Floor'],
    width: 10,
    help: { zh: '整数，1 至该楼栋的总层数。', en: 'Whole number, 1 to the building’s number of floors.' },
    example: '1',
  },
  {
    field: 'position',
    header: '位置 Position',
    kind: 'int',
    aliases: ['位置', 'Position'],
    width: 10,
    help: {
      zh: '该层从左到右的位置，整数，1 至每层户数；同一楼栋同层不可重复。',
      en: 'Column on the floor, 1 to units per floor; unique per building and floor.',
    },
    example: '1',
  },
  {
    field: 'layout',
    header: '户型 Layout',
    kind: 'text',
    maxLength: 20,
    aliases: ['户型', 'Layout', 'Layout code'],
    width: 10,
    help: { zh: '户型代码。', en: 'Layout code.' },
    example: 'A',
  },
  {
    field: 'layoutName',
    header: '户型名称 Layout name',
    kind: 'text',
    maxLength: 40,
    multiline: true,
    aliases: ['户型名称', 'Layout name'],
    width: 16,
    help: { zh: '户型名称，如 3室2厅2卫。', en: 'Layout name, e.g. 3室2厅2卫.' },
    example: '3室2厅2卫',
  },
  {
    field: 'grossArea',
    header: '建筑面积 Gross area (m²)',
    kind: 'area',
    aliases: ['建筑面积', 'Gross area'],
    width: 16,
    help: { zh: '平方米，大于 0，最多两位小数。', en: 'm², above 0, at most two decimals.' },
    example: '118.56',
  },
  {
    field: 'netArea',
    header: '套内面积 Net area (m²)',
    kind: 'area',
    aliases: ['套内面积', 'Net area'],
    width: 16,
    help: {
      zh: '平方米，大于 0，不大于建筑面积，最多两位小数。',
      en: 'm², above 0, not above the gross area, at most two decimals.',
    },
    example: '95.12',
  },
  {
    field: 'orientation',
    header: '朝向 Orientation',
    kind: 'text',
    maxLength: 20,
    aliases: ['朝向', 'Orientation'],
    width: 12,
    help: { zh: '朝向，如 南北。', en: 'Orientation, e.g. 南北 (north–south).' },
    example: '南北',
  },
  {
    field: 'listPrice',
    header: '表价 List price (元)',
    kind: 'money',
    aliases: ['表价', 'List price'],
    width: 18,
    help: {
      zh: '元，大于 0，最多两位小数。已有房源的价格变动不会直接生效：生成待审批的价目表版本。',
      en: 'Yuan, above 0, at most two decimals. Changes to existing units do not apply at once: they become a pending price-list version.',
    },
    example: '3853200.00',
  },
  {
    field: 'floorPrice',
    header: '底价 Floor price (元)',
    kind: 'money',
    aliases: ['底价', 'Floor price'],
    width: 18,
    help: {
      zh: '元，大于 0，不高于表价，最多两位小数。',
      en: 'Yuan, above 0, not above the list price, at most two decimals.',
    },
    example: '3660540.00',
  },
  {
    field: 'filedPrice',
    header: '备案价 Filed price (元)',
    kind: 'money',
    aliases: ['备案价', 'Filed price'],
    optional: true,
    width: 18,
    help: {
      zh: '元，可空（无备案价）。项目开启"不得高于备案价"时，表价不得高于备案价。整列省略则备案价不变。',
      en: 'Yuan, may be empty (no filed price). While the project refuses deals above the filed price, the list price may not be above it. Leave the column out to keep the filed prices as they are.',
    },
    example: '3950000.00',
  },
];

const COLUMN_BY_FIELD = new Map(UNIT_SHEET_COLUMNS.map((c) => [c.field, c]));

export function columnHeader(field: UnitSheetField): string {
  return COLUMN_BY_FIELD.get(field)!.header;
}

/** Name of the instructions sheet of the XLSX template (never read on import). */
export const INSTRUCTIONS_SHEET = '说明 Instructions';
export const UNITS_SHEET = '房源 Units';

/** Largest area, m² × 100 (the column is numeric(9,2)). */
const MAX_AREA_CENTI = 999_999_999;
const MAX_INT = 9_999;

// ── Numbers without floating point ──────────────────────────────────────────────────────────

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: ImportErrorCode; reason: string };

const fail = (code: ImportErrorCode, reason: string): { ok: false; code: ImportErrorCode; reason: string } => ({
  ok: false,
  code,
  reason,
});

/**
 * The decimal text a JavaScript number prints as, never in exponent form: the shortest text that
 * reads back as the same number (ECMAScript Number::toString), with the exponent expanded.
 * 1e21 → "1000000000000000000000", 1.5e-7 → "0.00000015".
 */
export function numberToDecimalText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const sign = m[1]!;
  const intPart = m[2]!;
  const fracPart = m[3] ?? '';
  const digits = intPart + fracPart;
  const point = intPart.length + Number(m[4]);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  out = out.replace(/^0+(?=\d)/, '');
  return sign + out;
}

interface DecimalParts {
  negative: boolean;
  int: string;
  /** Fraction digits without trailing zeros. */
  frac: string;
}

/**
 * Split decimal text: optional sign, digits, optional fraction; thousands separators only in
 * well-formed groups of three ("2,000,000.00"). Full-width digits are accepted (NFKC).
 */
function splitDecimal(text: string): DecimalParts | null {
  let s = text.normalize('NFKC').trim();
  if (s.includes(',')) {
    if (!/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(s)) return null;
    s = s.replace(/,/g, '');
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  return { negative: m[1] === '-', int: m[2]!.replace(/^0+(?=\d)/, '') || '0', frac: (m[3] ?? '').replace(/0+$/, '') };
}

/** Decimal text → an exact integer number of hundredths (fen of yuan, hundredths of a m²). */
function parseHundredths(text: string, max: number, unit: string): Parsed<number> {
  const parts = splitDecimal(text);
  if (!parts) return fail('NOT_A_NUMBER', `"${text}" is not a number.`);
  if (parts.frac.length > 2) return fail('TOO_MANY_DECIMALS', `${text} has more than two decimals.`);
  const value = BigInt(parts.int) * 100n + BigInt(parts.frac.padEnd(2, '0'));
  if (parts.negative || value === 0n) return fail('NOT_POSITIVE', `${text} must be above 0.`);
  if (value > BigInt(max))
    return fail('OUT_OF_RANGE', `${text} is above the maximum of ${hundredthsToText(max)} ${unit}.`);
  return { ok: true, value: Number(value) };
}

/** A price in yuan (text, "¥" and "元" allowed) → fen. At most two decimals; above 0; at most MAX_PRICE_FEN. */
export function parseMoney(text: string): Parsed<number> {
  const bare = text
    .normalize('NFKC')
    .trim()
    .replace(/^¥\s*/, '')
    .replace(/\s*元$/, '');
  return parseHundredths(bare, MAX_PRICE_FEN, 'yuan');
}

/** An area in m² (text, "m²"/"㎡" allowed) → hundredths of a m². At most two decimals; above 0. */
export function parseArea(text: string): Parsed<number> {
  const bare = text
    .normalize('NFKC')
    .trim()
    .replace(/\s*(m2|平方米|平米)$/i, '');
  return parseHundredths(bare, MAX_AREA_CENTI, 'm²');
}

/** A whole number 1 … 9 999 ("3" or "3.0"). */
export function parseWhole(text: string): Parsed<number> {
  const parts = splitDecimal(text);
  if (!parts) return fail('NOT_A_NUMBER', `"${text}" is not a number.`);
  if (parts.frac !== '') return fail('NOT_AN_INTEGER', `${text} is not a whole number.`);
  const value = parts.negative ? -Number(parts.int) : Number(parts.int);
  if (value < 1 || value > MAX_INT) return fail('OUT_OF_RANGE', `${text} must be between 1 and ${MAX_INT}.`);
  return { ok: true, value };
}

/** Integer hundredths → "1234.50" (never floating point). */
export function hundredthsToText(value: number): string {
  const v = BigInt(value);
  const sign = v < 0n ? '-' : '';
  const abs = v < 0n ? -v : v;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Fen → yuan text with two decimals ("200000012" → "2000000.12"). */
export const fenToYuanText = hundredthsToText;

/** Prisma Decimal / numeric text ("100.5", "100.50") → hundredths of a m². */
export function areaTextToCenti(text: string): number {
  // A generated unit without a layout yet has no area (0): stored, so readable; a file still needs one.
  if (/^0(\.0*)?$/.test(text)) return 0;
  const parsed = parseHundredths(text, Number.MAX_SAFE_INTEGER, 'm²');
  if (!parsed.ok) throw new RangeError(`Not an area: ${text}`);
  return parsed.value;
}

// ── Header ──────────────────────────────────────────────────────────────────────────────────

/** Header text → comparison key: NFKC, lower case, no spaces, brackets, punctuation or units. */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/m2|平方米|平米|元|yuan|rmb|¥/g, '')
    .replace(/[\s()[\]{}【】（）/\\|·._\-:：*,，]/g, '');
}

const HEADER_KEYS: Map<string, UnitSheetField> = (() => {
  const keys = new Map<string, UnitSheetField>();
  for (const c of UNIT_SHEET_COLUMNS) {
    const zh = c.aliases.filter((a) => /[\u4e00-\u9fff]/.test(a));
    const en = c.aliases.filter((a) => !/[\u4e00-\u9fff]/.test(a));
    const spellings = [
      c.header,
      c.field,
      ...c.aliases,
      ...zh.flatMap((z) => en.flatMap((e) => [`${z} ${e}`, `${e} ${z}`])),
    ];
    for (const s of spellings) keys.set(normalizeHeader(s), c.field);
  }
  return keys;
})();

/** The column a header cell names, or null (an extra column, ignored). */
export function matchHeader(text: string): UnitSheetField | null {
  const key = normalizeHeader(text);
  return key === '' ? null : (HEADER_KEYS.get(key) ?? null);
}

// ── Reading files ───────────────────────────────────────────────────────────────────────────

/** One non-blank line of the sheet: its row number as the spreadsheet shows it, and its cells' text. */
export interface SheetLine {
  row: number;
  cells: string[];
}

export interface SheetTable {
  header: SheetLine;
  lines: SheetLine[];
}

export type ReadOutcome = { ok: true; table: SheetTable } | { ok: false; error: ImportRowError };

const fileError = (code: ImportErrorCode, reason: string): { ok: false; error: ImportRowError } => ({
  ok: false,
  error: { row: 0, column: null, value: null, reason, code },
});

const isBlank = (cells: readonly string[]): boolean => cells.every((c) => c.trim() === '');

/** Header = the first non-blank line; blank lines are skipped (they keep their numbers). */
function toTable(lines: SheetLine[]): ReadOutcome {
  const filled = lines.filter((l) => !isBlank(l.cells));
  const header = filled[0];
  if (!header) return fileError('FILE_EMPTY', 'The file is empty: no header row.');
  const body = filled.slice(1);
  if (body.length === 0) return fileError('FILE_EMPTY', 'The file has a header but no unit rows.');
  if (body.length > UNIT_IMPORT_MAX_ROWS)
    return fileError('TOO_MANY_ROWS', `The file has ${body.length} rows; at most ${UNIT_IMPORT_MAX_ROWS} are allowed.`);
  return { ok: true, table: { header, lines: body } };
}

/** An XLSX file starts with a ZIP local file header. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Sum of the uncompressed sizes a ZIP declares (central directory); null when it cannot be read. */
export function zipDeclaredSize(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const min = Math.max(0, bytes.length - 65_557);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= min; i -= 1) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  let total = 0;
  for (let n = 0; n < entries; n += 1) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return null;
    const size = view.getUint32(offset + 24, true);
    if (size === 0xffffffff) return Number.POSITIVE_INFINITY; // ZIP64: far too big for a unit sheet
    total += size;
    offset +=
      46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return total;
}

/** Most bytes an XLSX may expand to (a 5 MB upload of a real sheet expands to well under this). */
const MAX_XLSX_EXPANDED = 100 * 1024 * 1024;

/** The text of an ExcelJS cell value: numbers as exact decimal text, formulas by their result. */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberToDecimalText(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result);
  if ('error' in value) return String(value.error);
  if ('text' in value) return cellText(value.text as ExcelJS.CellValue);
  return '';
}

/** The first worksheet that is not the instructions sheet. */
export async function readXlsx(bytes: Uint8Array): Promise<ReadOutcome> {
  if (!looksLikeZip(bytes)) return fileError('FILE_UNREADABLE', 'The file is not an XLSX workbook.');
  const expanded = zipDeclaredSize(bytes);
  if (expanded !== null && expanded > MAX_XLSX_EXPANDED)
    return fileError('FILE_UNREADABLE', 'The workbook is too large once unpacked.');
  const workbook = new (await excel()).Workbook();
  try {
    await workbook.xlsx.load(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer,
    );
  } catch {
    return fileError('FILE_UNREADABLE', 'The file is not a readable XLSX workbook.');
  }
  const sheet = workbook.worksheets.find((ws) => ws.name !== INSTRUCTIONS_SHEET);
  if (!sheet) return fileError('FILE_EMPTY', 'The workbook has no worksheet.');
  if (sheet.actualRowCount > UNIT_IMPORT_MAX_ROWS + 1) {
    return fileError(
      'TOO_MANY_ROWS',
      `The sheet has ${sheet.actualRowCount - 1} rows; at most ${UNIT_IMPORT_MAX_ROWS} are allowed.`,
    );
  }
  const lines: SheetLine[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[]; // 1-based, sparse
    const cells: string[] = [];
    for (let c = 1; c < values.length; c += 1) cells.push(cellText(values[c]));
    lines.push({ row: rowNumber, cells });
  });
  return toTable(lines);
}

/** Bytes → text: UTF-8 (BOM optional), UTF-16 with a BOM, else GB18030 (Excel's "CSV" on Chinese Windows). */
export function decodeText(bytes: Uint8Array): string | null {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
      return new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    if (bytes[0] === 0xfe && bytes[1] === 0xff)
      return new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
    } catch {
      return new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    }
  } catch {
    return null;
  }
}

/** The delimiter of the header line: the most frequent of , ; and tab outside quotes (default ,). */
function sniffDelimiter(text: string): string {
  const counts = new Map([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/**
 * RFC 4180 records: fields separated by `delimiter`, records by CRLF or LF; a quoted field may hold
 * the delimiter, line breaks and doubled quotes. Null when a quoted field never ends.
 */
export function parseCsv(text: string, delimiter = ','): string[][] | null {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (ch === delimiter) {
      record.push(field);
      field = '';
      fieldStarted = false;
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      fieldStarted = false;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    fieldStarted = true;
    i += 1;
  }
  if (quoted) return null;
  if (fieldStarted || field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

export function readCsv(bytes: Uint8Array): ReadOutcome {
  if (bytes.length === 0) return fileError('FILE_EMPTY', 'The file is empty.');
  if (looksLikeZip(bytes)) return fileError('FILE_UNREADABLE', 'This is an XLSX workbook, not CSV text.');
  const text = decodeText(bytes);
  if (text === null || text.includes('\u0000'))
    return fileError('FILE_UNREADABLE', 'The file is not CSV text (UTF-8 or GB18030).');
  const body = text.replace(/^\uFEFF/, '');
  const records = parseCsv(body, sniffDelimiter(body));
  if (!records) return fileError('FILE_UNREADABLE', 'A quoted field is never closed.');
  return toTable(records.map((cells, i) => ({ row: i + 1, cells })));
}

/** Read either format; a ZIP is read as XLSX whatever was declared (an .xlsx picked as CSV). */
export function readSheet(bytes: Uint8Array, format: UnitSheetFormat): Promise<ReadOutcome> {
  if (bytes.length === 0) return Promise.resolve(fileError('FILE_EMPTY', 'The file is empty.'));
  if (format === 'xlsx' || looksLikeZip(bytes)) return readXlsx(bytes);
  return Promise.resolve(readCsv(bytes));
}

// ── Rows ────────────────────────────────────────────────────────────────────────────────────

/** One valid row of the sheet. Areas in hundredths of a m², prices in fen. */
export interface UnitSheetRow {
  /** Row number in the file. */
  row: number;
  building: string;
  unit: string;
  floor: number;
  position: number;
  layout: string;
  layoutName: string;
  grossAreaCenti: number;
  netAreaCenti: number;
  orientation: string;
  listPrice: number;
  floorPrice: number;
  /** Filed price 备案价, fen; null = none (empty cell); undefined = the file has no such column. */
  filedPrice?: number | null;
}

type RowValues = Partial<Omit<UnitSheetRow, 'row'>>;

interface ParsedLine {
  row: number;
  raw: Record<UnitSheetField, string>;
  values: RowValues;
  /** A problem was found in this row. */
  bad: boolean;
}

/** Text a CSV export protected against formula injection ("'=…") comes back without the quote. */
function cleanTextCell(text: string): string {
  const t = text.trim();
  return /^'[=+\-@\t\r]/.test(t) ? t.slice(1) : t;
}

class Report {
  readonly errors: ImportRowError[] = [];
  add(row: number, field: UnitSheetField | null, value: string | null, code: ImportErrorCode, reason: string): void {
    this.errors.push({ row, column: field ? columnHeader(field) : null, value, reason, code });
  }
  sorted(): ImportRowError[] {
    const col = (e: ImportRowError): number => {
      const c = UNIT_SHEET_COLUMNS.findIndex((x) => x.header === e.column);
      return c < 0 ? -1 : c;
    };
    return [...this.errors].sort((a, b) => a.row - b.row || col(a) - col(b));
  }
}

/** Map header cells to columns; every column is required, none may repeat. */
function parseHeader(header: SheetLine, report: Report): Map<UnitSheetField, number> | null {
  const index = new Map<UnitSheetField, number>();
  header.cells.forEach((text, i) => {
    const field = matchHeader(text);
    if (!field) return;
    if (index.has(field)) {
      report.add(header.row, field, text, 'DUPLICATE_COLUMN', `The column "${columnHeader(field)}" appears twice.`);
      return;
    }
    index.set(field, i);
  });
  for (const c of UNIT_SHEET_COLUMNS) {
    if (!index.has(c.field) && !c.optional)
      report.add(header.row, c.field, null, 'MISSING_COLUMN', `The header has no column "${c.header}".`);
  }
  return report.errors.length > 0 ? null : index;
}

function parseLine(line: SheetLine, index: Map<UnitSheetField, number>, report: Report): ParsedLine {
  const raw = {} as Record<UnitSheetField, string>;
  const values: Record<string, string | number | null> = {};
  let bad = false;
  for (const c of UNIT_SHEET_COLUMNS) {
    const at = index.get(c.field);
    if (at === undefined) continue; // an optional column the file leaves out
    const text = line.cells[at] ?? '';
    raw[c.field] = text;
    const value = c.kind === 'text' ? cleanTextCell(text) : text.trim();
    if (value === '' && c.optional) {
      values[c.field] = null;
      continue;
    }
    if (value === '') {
      report.add(line.row, c.field, null, 'REQUIRED', `"${c.header}" is empty.`);
      bad = true;
      continue;
    }
    if (c.kind === 'text') {
      const problem = c.multiline ? textProblem(value) : lineProblem(value);
      if (problem) {
        report.add(line.row, c.field, text, 'INVALID_TEXT', `"${c.header}" ${problem}.`);
        bad = true;
      } else if (value.length > c.maxLength!) {
        report.add(line.row, c.field, text, 'TOO_LONG', `At most ${c.maxLength} characters.`);
        bad = true;
      } else values[c.field] = value;
      continue;
    }
    const parsed = c.kind === 'int' ? parseWhole(value) : c.kind === 'area' ? parseArea(value) : parseMoney(value);
    if (!parsed.ok) {
      report.add(line.row, c.field, text, parsed.code, parsed.reason);
      bad = true;
    } else values[c.kind === 'area' ? `${c.field}Centi` : c.field] = parsed.value;
  }
  const v = values as RowValues;
  if (v.grossAreaCenti !== undefined && v.netAreaCenti !== undefined && v.netAreaCenti > v.grossAreaCenti) {
    report.add(
      line.row,
      'netArea',
      raw.netArea,
      'NET_ABOVE_GROSS',
      `The net area ${hundredthsToText(v.netAreaCenti)} is above the gross area ${hundredthsToText(v.grossAreaCenti)}.`,
    );
    bad = true;
  }
  if (v.listPrice !== undefined && v.floorPrice !== undefined && v.floorPrice > v.listPrice) {
    report.add(
      line.row,
      'floorPrice',
      raw.floorPrice,
      'FLOOR_ABOVE_LIST',
      `The floor price ${fenToYuanText(v.floorPrice)} is above the list price ${fenToYuanText(v.listPrice)}.`,
    );
    bad = true;
  }
  return { row: line.row, raw, values: v, bad };
}

// ── Checking against the project ────────────────────────────────────────────────────────────

export interface SheetBuilding {
  id: string;
  code: string;
  floors: number;
  unitsPerFloor: number;
}

/** A unit of the project as the check needs it (areas in hundredths of a m², prices in fen). */
export interface ExistingUnit {
  id: string;
  code: string;
  buildingId: string;
  floor: number;
  position: number;
  layout: string;
  layoutName: string;
  grossAreaCenti: number;
  netAreaCenti: number;
  orientation: string;
  listPrice: number;
  floorPrice: number;
  /** Filed price 备案价, fen (null = none). */
  filedPrice: number | null;
  status: StoredUnitStatus;
}

export interface ImportContext {
  buildings: readonly SheetBuilding[];
  units: readonly ExistingUnit[];
  /**
   * The project refuses deals above the filed price 备案价 (its rule): a row whose list price is above
   * the unit's filed price (the file's, or the unit's own when the file has no such column) is refused.
   */
  refuseAboveFiledPrice?: boolean;
  /** Units locked by a consultant right now (the live mirror): their facts may not change. */
  lockedUnitIds?: ReadonlySet<string>;
}

/** The facts of a unit (everything but prices and status), in column order. */
export const FACT_FIELDS = [
  'building',
  'floor',
  'position',
  'layout',
  'layoutName',
  'grossArea',
  'netArea',
  'orientation',
] as const;
export type FactField = (typeof FACT_FIELDS)[number];

export interface FactChange {
  unit: ExistingUnit;
  row: UnitSheetRow;
  buildingId: string;
  changed: FactField[];
}

export interface PriceChange {
  unit: ExistingUnit;
  row: UnitSheetRow;
}

export interface ImportPlan {
  rowCount: number;
  /** New unit codes, with the building resolved. */
  creates: { row: UnitSheetRow; buildingId: string }[];
  factChanges: FactChange[];
  /** Existing units whose list or floor price differs from the active one. */
  priceChanges: PriceChange[];
  /** Existing units whose filed price 备案价 differs (applied at once, like the setup grid). */
  filedPriceChanges: PriceChange[];
  unchanged: number;
}

export type CheckResult =
  | { ok: true; plan: ImportPlan }
  | { ok: false; errors: ImportRowError[]; errorCount: number; rowCount: number };

/** Statuses in which a unit's facts may still change. */
const EDITABLE: ReadonlySet<StoredUnitStatus> = new Set(['NOT_RELEASED', 'AVAILABLE']);
/** Statuses in which a unit's filed price may no longer change (sold; docs/buildings.md). */
const SOLD: ReadonlySet<StoredUnitStatus> = new Set(['SUBSCRIBED', 'CONTRACTED']);

const locationKey = (buildingId: string, floor: number, position: number): string =>
  `${buildingId}|${floor}|${position}`;

function changedFacts(unit: ExistingUnit, row: UnitSheetRow, buildingId: string): FactField[] {
  const out: FactField[] = [];
  if (unit.buildingId !== buildingId) out.push('building');
  if (unit.floor !== row.floor) out.push('floor');
  if (unit.position !== row.position) out.push('position');
  if (unit.layout !== row.layout) out.push('layout');
  if (unit.layoutName !== row.layoutName) out.push('layoutName');
  if (unit.grossAreaCenti !== row.grossAreaCenti) out.push('grossArea');
  if (unit.netAreaCenti !== row.netAreaCenti) out.push('netArea');
  if (unit.orientation !== row.orientation) out.push('orientation');
  return out;
}

function finish(
  report: Report,
  rowCount: number,
): { ok: false; errors: ImportRowError[]; errorCount: number; rowCount: number } {
  const errors = report.sorted();
  return { ok: false, errors: errors.slice(0, UNIT_IMPORT_MAX_ERRORS), errorCount: errors.length, rowCount };
}

/**
 * Check EVERY row of a sheet against the project and plan the import, or report every problem:
 * format (required, numbers, decimals, positive, net ≤ gross, floor ≤ list), then the project
 * (building exists, unit code once in the file, floor and position within the building and free,
 * facts of a unit change only while it is NOT_RELEASED or AVAILABLE and not locked).
 *
 * A unit whose building, floor and position the file leaves as they are is not re-judged against
 * the building's size: an export always imports back.
 */
export function checkImport(table: SheetTable, ctx: ImportContext): CheckResult {
  const report = new Report();
  const rowCount = table.lines.length;
  const index = parseHeader(table.header, report);
  if (!index) return finish(report, rowCount);
  const lines = table.lines.map((l) => parseLine(l, index, report));

  const buildings = new Map(ctx.buildings.map((b) => [b.code, b]));
  const existing = new Map(ctx.units.map((u) => [u.code, u]));
  const locked = ctx.lockedUnitIds ?? new Set<string>();

  // Unit codes: the first row with a code owns it; later rows are duplicates.
  const firstRowOf = new Map<string, number>();
  for (const line of lines) {
    const code = line.values.unit;
    if (code === undefined) continue;
    const first = firstRowOf.get(code);
    if (first !== undefined) {
      report.add(line.row, 'unit', line.raw.unit, 'DUPLICATE_UNIT', `The unit ${code} is already on row ${first}.`);
      line.bad = true;
    } else firstRowOf.set(code, line.row);
  }

  // Buildings.
  const rows: { line: ParsedLine; row: UnitSheetRow; building: SheetBuilding; unit: ExistingUnit | undefined }[] = [];
  for (const line of lines) {
    const code = line.values.building;
    const building = code === undefined ? undefined : buildings.get(code);
    if (code !== undefined && !building) {
      report.add(line.row, 'building', line.raw.building, 'UNKNOWN_BUILDING', `The project has no building "${code}".`);
      line.bad = true;
    }
    if (line.bad || !building) continue;
    rows.push({
      line,
      row: { row: line.row, ...(line.values as Required<RowValues>) },
      building,
      unit: existing.get(line.values.unit!),
    });
  }

  // Locations: units not in the file and rows that keep their location hold theirs first; rows
  // that place a unit somewhere new (new units, moves) then take free places in file order.
  const taken = new Map<string, string>();
  for (const u of ctx.units) {
    if (!firstRowOf.has(u.code)) taken.set(locationKey(u.buildingId, u.floor, u.position), `unit ${u.code}`);
  }
  const movers: typeof rows = [];
  for (const r of rows) {
    const u = r.unit;
    if (u && u.buildingId === r.building.id && u.floor === r.row.floor && u.position === r.row.position) {
      taken.set(locationKey(u.buildingId, u.floor, u.position), `row ${r.row.row}`);
    } else movers.push(r);
  }
  for (const r of movers) {
    const { row, building, line } = r;
    if (row.floor > building.floors) {
      report.add(
        row.row,
        'floor',
        line.raw.floor,
        'OUT_OF_RANGE',
        `Building ${building.code} has floors 1 to ${building.floors}.`,
      );
      line.bad = true;
    }
    if (row.position > building.unitsPerFloor) {
      report.add(
        row.row,
        'position',
        line.raw.position,
        'OUT_OF_RANGE',
        `Building ${building.code} has positions 1 to ${building.unitsPerFloor} on each floor.`,
      );
      line.bad = true;
    }
    if (line.bad) continue;
    const key = locationKey(building.id, row.floor, row.position);
    const holder = taken.get(key);
    if (holder) {
      report.add(
        row.row,
        'position',
        line.raw.position,
        'DUPLICATE_POSITION',
        `Floor ${row.floor}, position ${row.position} of building ${building.code} is already taken by ${holder}.`,
      );
      line.bad = true;
    } else taken.set(key, `row ${row.row}`);
  }

  // Existing units: what changes, and may it?
  const plan: ImportPlan = {
    rowCount,
    creates: [],
    factChanges: [],
    priceChanges: [],
    filedPriceChanges: [],
    unchanged: 0,
  };
  for (const r of rows) {
    if (r.line.bad) continue;
    const { row, unit } = r;
    // The project's rule: no deal above the filed price, so a list price above it could never sell.
    const filed = row.filedPrice !== undefined ? row.filedPrice : (unit?.filedPrice ?? null);
    if (ctx.refuseAboveFiledPrice && filed !== null && row.listPrice > filed) {
      report.add(
        row.row,
        row.filedPrice !== undefined ? 'filedPrice' : 'listPrice',
        row.filedPrice !== undefined ? r.line.raw.filedPrice : r.line.raw.listPrice,
        'ABOVE_FILED_PRICE',
        `The list price ${fenToYuanText(row.listPrice)} is above the filed price ${fenToYuanText(filed)}: the project refuses deals above the filed price.`,
      );
      continue;
    }
    if (!unit) {
      plan.creates.push({ row, buildingId: r.building.id });
      continue;
    }
    const changed = changedFacts(unit, row, r.building.id);
    if (changed.length > 0) {
      const field = changed[0]!;
      if (!EDITABLE.has(unit.status)) {
        report.add(
          row.row,
          field,
          r.line.raw[field],
          'UNIT_NOT_EDITABLE',
          `Unit ${unit.code} is ${unit.status}: its facts (${changed.join(', ')}) cannot change.`,
        );
        continue;
      }
      if (locked.has(unit.id)) {
        report.add(
          row.row,
          field,
          r.line.raw[field],
          'UNIT_LOCKED',
          `Unit ${unit.code} is locked by a consultant right now: its facts cannot change.`,
        );
        continue;
      }
      plan.factChanges.push({ unit, row, buildingId: r.building.id, changed });
    }
    const priced = unit.listPrice !== row.listPrice || unit.floorPrice !== row.floorPrice;
    if (priced) plan.priceChanges.push({ unit, row });
    const filedChanged = row.filedPrice !== undefined && row.filedPrice !== unit.filedPrice;
    if (filedChanged) {
      if (SOLD.has(unit.status)) {
        report.add(
          row.row,
          'filedPrice',
          r.line.raw.filedPrice,
          'UNIT_NOT_EDITABLE',
          `Unit ${unit.code} is ${unit.status}: its filed price cannot change.`,
        );
        continue;
      }
      plan.filedPriceChanges.push({ unit, row });
    }
    if (changed.length === 0 && !priced && !filedChanged) plan.unchanged += 1;
  }
  if (report.errors.length > 0) return finish(report, rowCount);
  return { ok: true, plan };
}

// ── Writing files ───────────────────────────────────────────────────────────────────────────

/** A row to export: a unit with its building code and ACTIVE prices. */
export type ExportRow = Omit<UnitSheetRow, 'row'>;

/** Order of the export: buildings by their order (then code), floors and positions ascending. */
export function sortForExport<T extends { floor: number; position: number; unit: string }>(
  rows: readonly T[],
  buildingOrder: (row: T) => number,
): T[] {
  return [...rows].sort(
    (a, b) =>
      buildingOrder(a) - buildingOrder(b) ||
      a.floor - b.floor ||
      a.position - b.position ||
      (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0),
  );
}

/** The cells of a row as text, in column order (areas and prices with two decimals). */
export function rowTexts(row: ExportRow): string[] {
  return UNIT_SHEET_COLUMNS.map((c) => {
    switch (c.field) {
      case 'floor':
        return String(row.floor);
      case 'position':
        return String(row.position);
      case 'grossArea':
        return hundredthsToText(row.grossAreaCenti);
      case 'netArea':
        return hundredthsToText(row.netAreaCenti);
      case 'listPrice':
        return fenToYuanText(row.listPrice);
      case 'floorPrice':
        return fenToYuanText(row.floorPrice);
      case 'filedPrice':
        return row.filedPrice == null ? '' : fenToYuanText(row.filedPrice);
      default:
        return row[c.field];
    }
  });
}

/** RFC 4180 quoting: quote when the field holds a quote, comma, CR or LF, or edge spaces. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Text that Excel would run as a formula gets a leading apostrophe (read back without it). */
function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** CSV: UTF-8 with BOM (Excel then opens Chinese correctly), CRLF line ends, header row first. */
export function toCsv(rows: readonly ExportRow[]): Buffer {
  const lines = [UNIT_SHEET_COLUMNS.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) {
    const texts = rowTexts(row);
    lines.push(texts.map((t, i) => csvField(UNIT_SHEET_COLUMNS[i]!.kind === 'text' ? guardFormula(t) : t)).join(','));
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

const NUM_FMT: Record<ColumnKind, string | undefined> = { text: '@', int: '0', area: '0.00', money: '#,##0.00' };

/**
 * XLSX: one sheet "房源 Units" (bold frozen header, number formats, widths); with `instructions`
 * a second sheet explaining every column in Chinese and English (the template).
 */
export async function toXlsx(rows: readonly ExportRow[], options: { instructions: boolean }): Promise<Buffer> {
  const workbook = new (await excel()).Workbook();
  workbook.creator = 'Kaipan';
  const sheet = workbook.addWorksheet(UNITS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = UNIT_SHEET_COLUMNS.map((c) => ({
    header: c.header,
    key: c.field,
    width: c.width,
    style: { numFmt: NUM_FMT[c.kind]! },
  }));
  styleHeaderRow(sheet.getRow(1));
  for (const row of rows) {
    const texts = rowTexts(row);
    // Numbers as numbers; an empty optional cell (no filed price) stays empty, never 0.
    sheet.addRow(
      UNIT_SHEET_COLUMNS.map((c, i) => (c.kind === 'text' ? texts[i]! : texts[i] === '' ? null : Number(texts[i]!))),
    );
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: UNIT_SHEET_COLUMNS.length } };
  if (options.instructions) addInstructions(workbook);
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

function addInstructions(workbook: ExcelJS.Workbook): void {
  const ws = workbook.addWorksheet(INSTRUCTIONS_SHEET);
  ws.columns = [{ width: 26 }, { width: 56 }, { width: 64 }, { width: 16 }];
  const rules: [string, string][] = [
    [
      '每行一套房源；第 1 行为表头，列的顺序可以不同，多余的列会被忽略。',
      'One row per unit; row 1 is the header. Columns may be in any order; extra columns are ignored.',
    ],
    [
      '导入是“全部或全不”：任何一行有误，整个文件都不会导入，并列出每一行的错误。',
      'Imports are all-or-nothing: if any row is invalid nothing is imported, and every invalid row is reported.',
    ],
    [
      '新房号新增为“未推”房源；已有房源按房号更新。不在文件中的房源保持不变。',
      'New unit codes become units not yet released; existing units are matched by code. Units not in the file are left as they are.',
    ],
    [
      '已认购、已签约、保留或正被锁定的房源不能修改面积、户型、位置等信息。',
      'Subscribed, contracted, withheld or locked units cannot have their facts (areas, layout, place…) changed.',
    ],
    [
      '已有房源的价格变动生成一个待审批的价目表版本，由另一位经理审批后生效。',
      'Price changes of existing units become one pending price-list version; another manager approves it.',
    ],
  ];
  ws.addRow(['说明 Instructions']).font = { bold: true, size: 14 };
  for (const [zh, en] of rules) ws.addRow(['', zh, en]);
  ws.addRow([]);
  const head = ws.addRow(['列 Column', '说明', 'Description', '示例 Example']);
  head.font = { bold: true };
  for (const c of UNIT_SHEET_COLUMNS) ws.addRow([c.header, c.help.zh, c.help.en, c.example]);
  ws.eachRow((row) => {
    row.alignment = { wrapText: true, vertical: 'top' };
  });
}
