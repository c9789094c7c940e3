import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_PRICE_FEN, UNIT_IMPORT_MAX_ERRORS } from '@kaipan/shared';
import {
  UNIT_SHEET_COLUMNS,
  checkImport,
  csvField,
  decodeText,
  fenToYuanText,
  hundredthsToText,
  matchHeader,
  numberToDecimalText,
  parseArea,
  parseCsv,
  parseMoney,
  parseWhole,
  readCsv,
  readSheet,
  readXlsx,
  toCsv,
  toXlsx,
  zipDeclaredSize,
  type ExistingUnit,
  type ExportRow,
  type ImportContext,
  type SheetTable,
} from './unit-sheet.js';

const HEADERS = UNIT_SHEET_COLUMNS.map((c) => c.header);

const ok = <T>(value: T) => ({ ok: true, value });
const code = (r: { ok: boolean; code?: string }) => (r.ok ? 'OK' : r.code);

describe('money: yuan text → fen, never floating point', () => {
  it('reads plain, grouped, currency-marked and full-width amounts', () => {
    expect(parseMoney('2000000')).toEqual(ok(200_000_000));
    expect(parseMoney('2,000,000.10')).toEqual(ok(200_000_010));
    expect(parseMoney(' ¥1.5 ')).toEqual(ok(150));
    expect(parseMoney('1.50元')).toEqual(ok(150));
    expect(parseMoney('１２３.４')).toEqual(ok(12_340));
    expect(parseMoney('.5')).toEqual(ok(50));
    expect(parseMoney('1.230')).toEqual(ok(123)); // trailing zeros are not decimals that matter
    expect(parseMoney('0.01')).toEqual(ok(1));
    expect(parseMoney('10000000000')).toEqual(ok(MAX_PRICE_FEN));
  });

  it('refuses with a code: not a number, too many decimals, not positive, out of range', () => {
    expect(code(parseMoney('abc'))).toBe('NOT_A_NUMBER');
    expect(code(parseMoney('1e6'))).toBe('NOT_A_NUMBER');
    expect(code(parseMoney('1,00'))).toBe('NOT_A_NUMBER');
    expect(code(parseMoney('1.2.3'))).toBe('NOT_A_NUMBER');
    expect(code(parseMoney('.'))).toBe('NOT_A_NUMBER');
    expect(code(parseMoney('1.234'))).toBe('TOO_MANY_DECIMALS');
    expect(code(parseMoney('0.30000000000000004'))).toBe('TOO_MANY_DECIMALS');
    expect(code(parseMoney('0'))).toBe('NOT_POSITIVE');
    expect(code(parseMoney('0.00'))).toBe('NOT_POSITIVE');
    expect(code(parseMoney('-5'))).toBe('NOT_POSITIVE');
    expect(code(parseMoney('10000000000.01'))).toBe('OUT_OF_RANGE');
    expect(code(parseMoney('99999999999999999999999'))).toBe('OUT_OF_RANGE');
  });

  it('fen → yuan text → fen is the identity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_PRICE_FEN }), (fen) => {
        expect(parseMoney(fenToYuanText(fen))).toEqual(ok(fen));
      }),
    );
  });

  it('fen → XLSX number cell (a double) → decimal text → fen is the identity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_PRICE_FEN }), (fen) => {
        const cell = Number(fenToYuanText(fen));
        expect(parseMoney(numberToDecimalText(cell))).toEqual(ok(fen));
      }),
    );
  });

  it('any text either parses to whole fen in range or is refused with a code; never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^-?[0-9,]{0,14}(\.[0-9]{0,4})?$/)), (text) => {
        const r = parseMoney(text);
        if (r.ok) expect(Number.isSafeInteger(r.value) && r.value > 0 && r.value <= MAX_PRICE_FEN).toBe(true);
        else expect(r.reason.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('areas and whole numbers', () => {
  it('areas: m², two decimals, positive', () => {
    expect(parseArea('118.56')).toEqual(ok(11_856));
    expect(parseArea('90')).toEqual(ok(9_000));
    expect(parseArea('90.5 m²')).toEqual(ok(9_050));
    expect(parseArea('90.5㎡')).toEqual(ok(9_050));
    expect(code(parseArea('100.255'))).toBe('TOO_MANY_DECIMALS');
    expect(code(parseArea('-1'))).toBe('NOT_POSITIVE');
    expect(code(parseArea('10000000'))).toBe('OUT_OF_RANGE');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), (centi) => {
        expect(parseArea(numberToDecimalText(Number(hundredthsToText(centi))))).toEqual(ok(centi));
      }),
    );
  });

  it('whole numbers 1 … 9999', () => {
    expect(parseWhole('3')).toEqual(ok(3));
    expect(parseWhole('3.0')).toEqual(ok(3));
    expect(code(parseWhole('2.5'))).toBe('NOT_AN_INTEGER');
    expect(code(parseWhole('x'))).toBe('NOT_A_NUMBER');
    expect(code(parseWhole('0'))).toBe('OUT_OF_RANGE');
    expect(code(parseWhole('-2'))).toBe('OUT_OF_RANGE');
    expect(code(parseWhole('10000'))).toBe('OUT_OF_RANGE');
  });

  it('numbers print without exponents', () => {
    expect(numberToDecimalText(1e21)).toBe('1000000000000000000000');
    expect(numberToDecimalText(1.5e-7)).toBe('0.00000015');
    expect(numberToDecimalText(-2.5e-7)).toBe('-0.00000025');
    expect(numberToDecimalText(1234.1)).toBe('1234.1');
    expect(numberToDecimalText(0.1 + 0.2)).toBe('0.30000000000000004');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = numberToDecimalText(n);
        expect(text).not.toMatch(/e/i);
        expect(Number(text)).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});

describe('headers', () => {
  it('accepts Chinese, English, both, any case, brackets and units', () => {
    expect(matchHeader('楼栋 Building')).toBe('building');
    expect(matchHeader('楼栋')).toBe('building');
    expect(matchHeader('BUILDING')).toBe('building');
    expect(matchHeader('Building 楼栋')).toBe('building');
    expect(matchHeader('楼栋\nBuilding')).toBe('building');
    expect(matchHeader('户型')).toBe('layout');
    expect(matchHeader('户型名称')).toBe('layoutName');
    expect(matchHeader('建筑面积 Gross area m²')).toBe('grossArea');
    expect(matchHeader('建筑面积(㎡)')).toBe('grossArea');
    expect(matchHeader('Net area (m2)')).toBe('netArea');
    expect(matchHeader('表价（元）')).toBe('listPrice');
    expect(matchHeader('Floor')).toBe('floor');
    expect(matchHeader('Floor price')).toBe('floorPrice');
    expect(matchHeader('floorPrice')).toBe('floorPrice');
    expect(matchHeader('备注')).toBeNull();
    expect(matchHeader('')).toBeNull();
    for (const c of UNIT_SHEET_COLUMNS) expect(matchHeader(c.header)).toBe(c.field);
  });
});

describe('CSV', () => {
  it('reads RFC 4180: quotes, doubled quotes, delimiters and line breaks inside quotes, CRLF or LF', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n1,"x\r\ny",3\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', 'x\r\ny', '3'],
    ]);
    expect(parseCsv('a,b')).toEqual([['a', 'b']]);
    expect(parseCsv('a,\n,b\n')).toEqual([
      ['a', ''],
      ['', 'b'],
    ]);
    expect(parseCsv('"open')).toBeNull();
  });

  it('writing then reading any table gives it back', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '楼', ',', '"', '\r', '\n', ' ', ';', '\t', 'x') });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        (records) => {
          const text = records.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
          expect(parseCsv(text, ',')).toEqual(records);
        },
      ),
    );
  });

  it('decodes UTF-8 (with or without BOM), UTF-16 with BOM and GB18030', () => {
    expect(decodeText(Buffer.from('\uFEFF楼栋', 'utf8'))).toBe('楼栋');
    expect(decodeText(Buffer.from('楼栋', 'utf8'))).toBe('楼栋');
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('楼栋', 'utf16le')]))).toBe('楼栋');
    expect(decodeText(Buffer.from([0xc2, 0xa5, 0xb6, 0xb0]))).toBe('楼栋'); // GBK / GB18030
  });

  it('sniffs ; and tab delimiters, skips blank lines keeping row numbers', () => {
    const read = readCsv(Buffer.from(`${HEADERS.join(';')}\n\nB;B-1;1;1;A;x;90;80;南;100;90\n`));
    expect(read.ok && read.table.lines).toEqual([
      { row: 3, cells: ['B', 'B-1', '1', '1', 'A', 'x', '90', '80', '南', '100', '90'] },
    ]);
    const tab = readCsv(Buffer.from(`${HEADERS.join('\t')}\r\nB\tB-1\t1\t1\tA\tx\t90\t80\t南\t100\t90\r\n`));
    expect(tab.ok && tab.table.lines[0]!.cells[1]).toBe('B-1');
  });

  it('file-level problems', async () => {
    expect(readCsv(Buffer.alloc(0))).toMatchObject({ ok: false, error: { code: 'FILE_EMPTY', row: 0 } });
    expect(readCsv(Buffer.from('\r\n\r\n'))).toMatchObject({ ok: false, error: { code: 'FILE_EMPTY' } });
    expect(readCsv(Buffer.from(`${HEADERS.join(',')}\r\n`))).toMatchObject({
      ok: false,
      error: { code: 'FILE_EMPTY' },
    });
    expect(readCsv(Buffer.from('a,"b\n'))).toMatchObject({ ok: false, error: { code: 'FILE_UNREADABLE' } });
    expect(readCsv(Buffer.from([0x00, 0x01, 0x02]))).toMatchObject({ ok: false, error: { code: 'FILE_UNREADABLE' } });
    expect(await readXlsx(Buffer.from('PK\u0003\u0004 not really'))).toMatchObject({
      ok: false,
      error: { code: 'FILE_UNREADABLE' },
    });
    expect(await readXlsx(Buffer.from('hello'))).toMatchObject({ ok: false, error: { code: 'FILE_UNREADABLE' } });
    const tooMany = `${HEADERS.join(',')}\n${'B,B-1,1,1,A,x,90,80,南,100,90\n'.repeat(10_001)}`;
    expect(readCsv(Buffer.from(tooMany))).toMatchObject({ ok: false, error: { code: 'TOO_MANY_ROWS' } });
  });
});

// ── Checking against a project ────────────────────────────────────────────────────────────

const B1 = { id: 'b1', code: '1', floors: 3, unitsPerFloor: 2 };
const B2 = { id: 'b2', code: '2', floors: 2, unitsPerFloor: 2 };

function unit(code: string, floor: number, position: number, over: Partial<ExistingUnit> = {}): ExistingUnit {
  return {
    id: `u-${code}`,
    code,
    buildingId: 'b1',
    floor,
    position,
    layout: 'A',
    layoutName: '3室',
    grossAreaCenti: 10_000,
    netAreaCenti: 8_000,
    orientation: '南',
    listPrice: 100_000_000,
    floorPrice: 90_000_000,
    filedPrice: null,
    status: 'AVAILABLE',
    ...over,
  };
}

/** A row in the standard column order: building, unit, floor, position, then overrides. */
function line(
  row: number,
  building: string,
  code: string,
  floor: string,
  position: string,
  over: Partial<Record<string, string>> = {},
) {
  const v: Record<string, string> = {
    building,
    unit: code,
    floor,
    position,
    layout: 'A',
    layoutName: '3室',
    grossArea: '100',
    netArea: '80',
    orientation: '南',
    listPrice: '1000000',
    floorPrice: '900000',
    ...over,
  };
  return { row, cells: UNIT_SHEET_COLUMNS.map((c) => v[c.field]!) };
}

function table(...lines: ReturnType<typeof line>[]): SheetTable {
  return { header: { row: 1, cells: HEADERS }, lines };
}

const ctx = (units: ExistingUnit[], locked: string[] = []): ImportContext => ({
  buildings: [B1, B2],
  units,
  lockedUnitIds: new Set(locked),
});

describe('checkImport: the filed price 备案价 column', () => {
  const FILED = '备案价 Filed price (元)';
  const withoutFiled = (...lines: ReturnType<typeof line>[]): SheetTable => {
    const at = HEADERS.indexOf(FILED);
    const drop = <T>(cells: T[]) => cells.filter((_, i) => i !== at);
    return { header: { row: 1, cells: drop(HEADERS) }, lines: lines.map((l) => ({ ...l, cells: drop(l.cells) })) };
  };

  it('sets, changes and clears filed prices (empty cell = none); an unchanged one is no change', () => {
    const units = [
      unit('1-0101', 1, 1, { filedPrice: 110_000_000 }),
      unit('1-0102', 1, 2, { filedPrice: 120_000_000 }),
    ];
    const result = checkImport(
      table(
        line(2, '1', '1-0101', '1', '1', { filedPrice: '1100000' }),
        line(3, '1', '1-0102', '1', '2', { filedPrice: '' }),
        line(4, '2', '2-0101', '1', '1', { filedPrice: '1050000.50' }),
      ),
      ctx(units),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.unchanged).toBe(1);
    expect(result.plan.filedPriceChanges.map((c) => [c.unit.code, c.row.filedPrice])).toEqual([['1-0102', null]]);
    expect(result.plan.creates.map((c) => [c.row.unit, c.row.filedPrice])).toEqual([['2-0101', 105_000_050]]);
  });

  it('a file without the column (made before it existed) imports and leaves every filed price as it is', () => {
    const units = [unit('1-0101', 1, 1, { filedPrice: 110_000_000 })];
    const result = checkImport(withoutFiled(line(2, '1', '1-0101', '1', '1', { listPrice: '1050000' })), ctx(units));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.filedPriceChanges).toEqual([]);
    expect(result.plan.priceChanges.map((c) => c.unit.code)).toEqual(['1-0101']);
  });

  it('while the project refuses deals above the filed price, a list price above it is refused (ABOVE_FILED_PRICE)', () => {
    const units = [unit('1-0101', 1, 1, { filedPrice: 95_000_000 }), unit('1-0102', 1, 2)];
    const rows = [
      line(2, '1', '1-0101', '1', '1', { filedPrice: '950000' }), // list 1,000,000 > filed 950,000
      line(3, '1', '1-0102', '1', '2', { filedPrice: '1000000' }), // list = filed: fine
      line(4, '2', '2-0101', '1', '1', { listPrice: '1000000.01', filedPrice: '1000000' }),
    ];
    const on = checkImport(table(...rows), { ...ctx(units), refuseAboveFiledPrice: true });
    expect(on.ok).toBe(false);
    if (on.ok) return;
    expect(on.errors.map((e) => [e.row, e.column, e.code, e.value])).toEqual([
      [2, FILED, 'ABOVE_FILED_PRICE', '950000'],
      [4, FILED, 'ABOVE_FILED_PRICE', '1000000'],
    ]);
    // The unit's own filed price counts when the file has no such column.
    const kept = checkImport(withoutFiled(rows[0]!), { ...ctx(units), refuseAboveFiledPrice: true });
    expect(!kept.ok && kept.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, '表价 List price (元)', 'ABOVE_FILED_PRICE'],
    ]);
    // Rule off: the filed price is recorded, nothing refused.
    const off = checkImport(table(...rows), ctx(units));
    expect(off.ok).toBe(true);
  });

  it('a sold unit keeps its filed price (UNIT_NOT_EDITABLE)', () => {
    const units = [unit('1-0101', 1, 1, { status: 'SUBSCRIBED', filedPrice: 110_000_000 })];
    const result = checkImport(table(line(2, '1', '1-0101', '1', '1', { filedPrice: '1200000' })), ctx(units));
    expect(!result.ok && result.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, FILED, 'UNIT_NOT_EDITABLE'],
    ]);
  });
});

describe('checkImport', () => {
  it('plans creates, fact changes, price changes and unchanged rows', () => {
    const units = [unit('1-0101', 1, 1), unit('1-0102', 1, 2), unit('1-0201', 2, 1, { status: 'NOT_RELEASED' })];
    const result = checkImport(
      table(
        line(2, '1', '1-0101', '1', '1'),
        line(3, '1', '1-0102', '1', '2', { orientation: '北', listPrice: '1000000.01' }),
        line(4, '1', '1-0201', '2', '1', { floorPrice: '800000' }),
        line(5, '2', '2-0101', '1', '1'),
      ),
      ctx(units),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { plan } = result;
    expect(plan.unchanged).toBe(1);
    expect(plan.creates.map((c) => [c.row.unit, c.buildingId])).toEqual([['2-0101', 'b2']]);
    expect(plan.factChanges.map((c) => [c.unit.code, c.changed])).toEqual([['1-0102', ['orientation']]]);
    expect(plan.priceChanges.map((c) => [c.unit.code, c.row.listPrice, c.row.floorPrice])).toEqual([
      ['1-0102', 100_000_001, 90_000_000],
      ['1-0201', 100_000_000, 80_000_000],
    ]);
  });

  it('lets units swap places, and never re-judges a place the file leaves unchanged', () => {
    // 1-0301 sits on floor 4 of a 3-floor building (older data): its row keeps it there, fine.
    const units = [unit('1-0101', 1, 1), unit('1-0102', 1, 2), unit('1-0401', 4, 1)];
    const result = checkImport(
      table(line(2, '1', '1-0101', '1', '2'), line(3, '1', '1-0102', '1', '1'), line(4, '1', '1-0401', '4', '1')),
      ctx(units),
    );
    expect(result.ok && result.plan.factChanges.map((c) => c.unit.code)).toEqual(['1-0101', '1-0102']);
  });

  it('a place held by a unit not in the file, or by an earlier row, is taken', () => {
    const units = [unit('1-0101', 1, 1), unit('1-0102', 1, 2)];
    const result = checkImport(
      table(line(2, '1', '1-0101', '1', '2'), line(3, '1', 'NEW-1', '2', '1'), line(4, '1', 'NEW-2', '2', '1')),
      ctx(units),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.code, e.reason])).toEqual([
      [2, 'DUPLICATE_POSITION', expect.stringContaining('unit 1-0102')],
      [4, 'DUPLICATE_POSITION', expect.stringContaining('row 3')],
    ]);
  });

  it('facts of subscribed, contracted, withheld and locked units cannot change; their prices can', () => {
    const units = [
      unit('S', 1, 1, { status: 'SUBSCRIBED' }),
      unit('C', 1, 2, { status: 'CONTRACTED' }),
      unit('W', 2, 1, { status: 'WITHHELD' }),
      unit('L', 2, 2),
      unit('P', 3, 1, { status: 'SUBSCRIBED' }),
    ];
    const result = checkImport(
      table(
        line(2, '1', 'S', '1', '1', { grossArea: '101' }),
        line(3, '1', 'C', '1', '2', { layoutName: '4室' }),
        line(4, '1', 'W', '3', '2'),
        line(5, '1', 'L', '2', '2', { netArea: '79' }),
        line(6, '1', 'P', '3', '1', { listPrice: '1200000' }),
      ),
      ctx(units, ['u-L']),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, '建筑面积 Gross area (m²)', 'UNIT_NOT_EDITABLE'],
      [3, '户型名称 Layout name', 'UNIT_NOT_EDITABLE'],
      [4, '楼层 Floor', 'UNIT_NOT_EDITABLE'],
      [5, '套内面积 Net area (m²)', 'UNIT_LOCKED'],
    ]);
    const pricesOnly = checkImport(table(line(2, '1', 'P', '3', '1', { listPrice: '1200000' })), ctx(units));
    expect(pricesOnly.ok && pricesOnly.plan.priceChanges.map((c) => c.unit.code)).toEqual(['P']);
  });

  it('reports every problem of every row, sorted by row then column; text limits; formula guard', () => {
    const result = checkImport(
      table(
        line(2, '', 'X', 'a', '1', { listPrice: '1.001', floorPrice: '-3' }),
        line(3, '1', 'Y'.repeat(33), '1', '1', { netArea: '200' }),
        line(4, '1', "'=Z", '1', '2'),
      ),
      ctx([]),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.column, e.code, e.value])).toEqual([
      [2, '楼栋 Building', 'REQUIRED', null],
      [2, '楼层 Floor', 'NOT_A_NUMBER', 'a'],
      [2, '表价 List price (元)', 'TOO_MANY_DECIMALS', '1.001'],
      [2, '底价 Floor price (元)', 'NOT_POSITIVE', '-3'],
      [3, '房号 Unit', 'TOO_LONG', 'Y'.repeat(33)],
      [3, '套内面积 Net area (m²)', 'NET_ABOVE_GROSS', '200'],
    ]);
    const guarded = checkImport(table(line(2, '1', "'=Z", '1', '2')), ctx([]));
    expect(guarded.ok && guarded.plan.creates[0]!.row.unit).toBe('=Z');
  });

  it('missing and repeated columns stop before the rows', () => {
    const header = { row: 1, cells: [...HEADERS.filter((h) => !h.startsWith('底价')), 'Layout'] };
    const result = checkImport({ header, lines: [line(2, '1', 'A', '1', '1')] }, ctx([]));
    expect(!result.ok && result.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [1, '户型 Layout', 'DUPLICATE_COLUMN'],
      [1, '底价 Floor price (元)', 'MISSING_COLUMN'],
    ]);
  });

  it('caps the report but counts every problem', () => {
    const lines = Array.from({ length: UNIT_IMPORT_MAX_ERRORS + 5 }, (_, i) => line(i + 2, '9', `U${i}`, '1', '1'));
    const result = checkImport(table(...lines), ctx([]));
    expect(!result.ok && [result.errors.length, result.errorCount, result.rowCount]).toEqual([
      UNIT_IMPORT_MAX_ERRORS,
      UNIT_IMPORT_MAX_ERRORS + 5,
      UNIT_IMPORT_MAX_ERRORS + 5,
    ]);
  });
});

// ── Writing and reading back ──────────────────────────────────────────────────────────────

const exportRow = fc.record<ExportRow>({
  building: fc.constantFrom('1', '2'),
  unit: fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,10}$/),
  floor: fc.integer({ min: 1, max: 2 }),
  position: fc.integer({ min: 1, max: 2 }),
  layout: fc.constantFrom('A', 'B2', '=1+1'),
  layoutName: fc.constantFrom('3室2厅2卫', 'Loft, "big"', '两行\n名称', ' spaced '.trim()),
  grossAreaCenti: fc.integer({ min: 10_000, max: 99_999_999 }),
  netAreaCenti: fc.integer({ min: 1, max: 9_999 }),
  orientation: fc.constantFrom('南', '南,北', '-东'),
  listPrice: fc.integer({ min: 2, max: MAX_PRICE_FEN }),
  floorPrice: fc.constant(1),
  filedPrice: fc.option(fc.integer({ min: 1, max: MAX_PRICE_FEN }), { nil: null }),
});

describe('export files read back as they were written', () => {
  it('CSV and XLSX: every row and value survives (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(exportRow, { minLength: 1, maxLength: 4, selector: (r) => r.unit }),
        async (rows) => {
          for (const format of ['csv', 'xlsx'] as const) {
            const bytes = format === 'csv' ? toCsv(rows) : await toXlsx(rows, { instructions: false });
            const read = await readSheet(bytes, format);
            expect(read.ok).toBe(true);
            if (!read.ok) return;
            // An empty project with both buildings: each row is a create with exactly the written values.
            const result = checkImport(read.table, { buildings: [{ ...B1, floors: 2 }, B2], units: [] });
            const positions = new Set(rows.map((r) => `${r.building}|${r.floor}|${r.position}`));
            if (positions.size < rows.length) {
              expect(result.ok).toBe(false);
              continue;
            }
            expect(result.ok).toBe(true);
            if (!result.ok) return;
            expect(result.plan.creates.map(({ row: { row: _row, ...r } }) => r)).toEqual(rows);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the XLSX template: header, no rows, an instructions sheet; the ZIP is of modest size', async () => {
    const bytes = await toXlsx([], { instructions: true });
    const read = await readXlsx(bytes);
    expect(read).toMatchObject({ ok: false, error: { code: 'FILE_EMPTY' } });
    const declared = zipDeclaredSize(bytes);
    expect(declared).toBeGreaterThan(bytes.length);
    expect(declared).toBeLessThan(1_000_000);
    expect(zipDeclaredSize(Buffer.from('no zip here'))).toBeNull();
  });
});
