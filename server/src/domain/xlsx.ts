/**
 * The XLSX writer of exports: one sheet with a bold, shaded, frozen header row, an auto-filter and
 * column widths — the look of the unit sheet (unit-sheet.ts), for any table of text and numbers.
 * exceljs is loaded on first use (it is large, and most processes never write a sheet).
 */
import type ExcelJS from 'exceljs';

const excel = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default;

export interface SheetColumnSpec {
  header: string;
  /** Characters. */
  width: number;
  /** An Excel number format (text columns: '@'). */
  numFmt?: string;
}

/** Bold, shaded, vertically centred: the header row of every sheet Kaipan writes. */
export function styleHeaderRow(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle' };
  row.eachCell((cell) => {
    cell.numFmt = 'General';
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
  });
}

/** A table sheet: its name, columns and rows of text and numbers; optionally a totals row under the data. */
export interface TableSheet {
  name: string;
  columns: readonly SheetColumnSpec[];
  rows: readonly (readonly (string | number)[])[];
  /** The totals row under the data, bold (reports: its sums equal the rows' and the database's). */
  totals?: readonly (string | number)[];
}

/** An empty workbook (exceljs loaded on first use). */
export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  const workbook = new (await excel()).Workbook();
  workbook.creator = 'Kaipan';
  return workbook;
}

/** Adds a table sheet: header, rows (text cells wrap), frozen header and auto-filter; the totals row last. */
export function addTableSheet(workbook: ExcelJS.Workbook, sheet: TableSheet): ExcelJS.Worksheet {
  const ws = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = sheet.columns.map((c) => ({
    header: c.header,
    width: c.width,
    style: { numFmt: c.numFmt ?? '@', alignment: { wrapText: true, vertical: 'top' } },
  }));
  styleHeaderRow(ws.getRow(1));
  for (const row of sheet.rows) ws.addRow([...row]);
  if (sheet.totals) {
    const totals = ws.addRow([...sheet.totals]);
    totals.font = { bold: true };
    totals.eachCell((cell) => {
      cell.border = { top: { style: 'thin' } };
    });
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columns.length } };
  return ws;
}

export async function toXlsxBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}

/** A workbook of one table sheet (see {@link addTableSheet}). */
export async function writeSheet(sheet: TableSheet): Promise<Buffer> {
  const workbook = await newWorkbook();
  addTableSheet(workbook, sheet);
  return toXlsxBuffer(workbook);
}
