/**
 * Import and export of units, areas and prices (XLSX / CSV) against a real server, PostgreSQL and
 * Redis. Every file is built here with ExcelJS or as text (no binary fixtures in the repository).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type {
  ConfirmResult,
  ImportInvalidDetails,
  LockResult,
  PriceListChange,
  PriceListInfo,
  ProjectCatalog,
  ProjectChangedEvent,
  ProjectSnapshot,
  UnitImportResult,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';
import { UNIT_SHEET_COLUMNS } from '../server/src/domain/unit-sheet.js';

let server: TestServer;
let manager: string;
let admin: string;
let consultant: string;
let outsider: string;
let projectId: string;
let projectCode: string;
let board: HubClient;
const projectEvents: ProjectChangedEvent[] = [];

const HEADERS = UNIT_SHEET_COLUMNS.map((c) => c.header);
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Cell = string | number | null;

interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

async function download(path: string, token: string): Promise<Download> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function upload<T = UnitImportResult>(
  body: Uint8Array,
  opts: {
    format?: 'xlsx' | 'csv';
    token?: string;
    dryRun?: boolean;
    fileName?: string;
    project?: string;
    contentType?: string;
  } = {},
): Promise<{ status: number; body: T }> {
  const format = opts.format ?? 'xlsx';
  const qs = new URLSearchParams({ format });
  if (opts.dryRun) qs.set('dryRun', '1');
  if (opts.fileName) qs.set('fileName', opts.fileName);
  const res = await fetch(`${server.url}/api/projects/${opts.project ?? projectId}/units/import?${qs}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${opts.token ?? manager}`,
      'content-type': opts.contentType ?? (format === 'xlsx' ? XLSX_TYPE : 'text/csv; charset=utf-8'),
    },
    body: new Blob([body as Uint8Array<ArrayBuffer>]),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function xlsxFrom(rows: Cell[][], header: string[] = HEADERS): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Units');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function readXlsx(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook;
}

/** Rows of a worksheet as arrays of cell values (1-based columns → 0-based). */
function sheetRows(sheet: ExcelJS.Worksheet): Cell[][] {
  const out: Cell[][] = [];
  sheet.eachRow((row) => out.push((row.values as Cell[]).slice(1)));
  return out;
}

/** A new unit's row: building, code, floor, position, then facts and prices (yuan). */
function unitRow(
  building: string,
  code: string,
  floor: Cell,
  position: Cell,
  over: Partial<Record<string, Cell>> = {},
): Cell[] {
  const base: Record<string, Cell> = {
    building,
    unit: code,
    floor,
    position,
    layout: 'A',
    layoutName: '3室2厅2卫',
    grossArea: 100.25,
    netArea: 80.5,
    orientation: '南',
    listPrice: 2_100_000,
    floorPrice: 2_000_000,
    ...over,
  };
  return UNIT_SHEET_COLUMNS.map((c) => base[c.field] ?? null);
}

/** Counts and a checksum of everything an import may touch (audit: the import's own actions; lock events are written asynchronously). */
async function dbState() {
  const [row] = await server.db.$queryRaw<
    { units: bigint; sum: string; lists: bigint; entries: bigint; audit: bigint; counter: number }[]
  >`
    SELECT (SELECT count(*) FROM units WHERE project_id = ${projectId}::uuid) AS units,
      (SELECT md5(string_agg(concat_ws('|', id, code, building_id, floor, position, layout, layout_name, gross_area, net_area,
          orientation, list_price, floor_price, status, version, batch_id), ',' ORDER BY id)) FROM units WHERE project_id = ${projectId}::uuid) AS sum,
      (SELECT count(*) FROM price_lists WHERE project_id = ${projectId}::uuid) AS lists,
      (SELECT count(*) FROM price_list_entries e JOIN price_lists l ON l.id = e.price_list_id WHERE l.project_id = ${projectId}::uuid) AS entries,
      (SELECT count(*) FROM audit_events WHERE project_id = ${projectId}::uuid AND action IN ('units.import', 'unit.create', 'unit.update', 'price_list.request')) AS audit,
      (SELECT price_version_counter FROM projects WHERE id = ${projectId}::uuid) AS counter`;
  return row!;
}

function expectInvalid(res: { status: number; body: unknown }): ImportInvalidDetails {
  expect(res.status).toBe(422);
  const body = res.body as { error: { code: string; details: ImportInvalidDetails } };
  expect(body.error.code).toBe('IMPORT_INVALID');
  return body.error.details;
}

async function unitByCode(code: string) {
  return server.db.unit.findFirstOrThrow({ where: { projectId, code } });
}

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2 });
  projectId = server.fixture.projectId;
  projectCode = (await server.db.project.findUniqueOrThrow({ where: { id: projectId } })).code;
  // Room for new units: building B, 5 floors of 2.
  await server.db.building.create({
    data: { projectId, code: 'B', name: 'B栋', nameEn: 'Block B', floors: 5, unitsPerFloor: 2, sortOrder: 1 },
  });
  const [m, a, s, o] = await Promise.all([
    server.login('manager'),
    server.login('admin'),
    server.login('s001'),
    server.login('outsider'),
  ]);
  manager = m.token;
  admin = a.token;
  consultant = s.token;
  outsider = o.token;
  board = await server.connect({ deviceKey: TEST_BOARD_KEY });
  board.on('project:changed', (event) => projectEvents.push(event));
  expect((await emitAck<ProjectSnapshot>(board, 'project:join', { projectId })).ok).toBe(true);
});

afterAll(async () => {
  await server?.close();
});

describe('template and export', () => {
  it('the XLSX template has the bilingual header, no rows, and an instructions sheet', async () => {
    const res = await download(`/api/projects/${projectId}/units/template?format=xlsx`, manager);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(res.headers.get('content-disposition')).toContain(`${projectCode}-units-template.xlsx`);
    const workbook = await readXlsx(res.bytes);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['房源 Units', '说明 Instructions']);
    const rows = sheetRows(workbook.worksheets[0]!);
    expect(rows).toEqual([HEADERS]);
    expect(HEADERS).toContain('楼栋 Building');
    // Every column is explained in both languages.
    const help = sheetRows(workbook.worksheets[1]!).map((r) => r[0]);
    for (const h of HEADERS) expect(help).toContain(h);
  });

  it('the CSV template is the header only: UTF-8 BOM and CRLF', async () => {
    const res = await download(`/api/projects/${projectId}/units/template?format=csv`, manager);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.bytes.subarray(3).toString('utf8')).toBe(`${HEADERS.join(',')}\r\n`);
  });

  it('exports every unit with its active prices in building/floor/position order (XLSX formats, CSV text)', async () => {
    const today = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date());
    const xlsx = await download(`/api/projects/${projectId}/units/export?format=xlsx`, manager);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain(`filename="${projectCode}-units-${today}.xlsx"`);
    const workbook = await readXlsx(xlsx.bytes);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getColumn(1).width).toBeGreaterThan(5);
    const rows = sheetRows(sheet);
    expect(rows[0]).toEqual(HEADERS);
    expect(rows).toHaveLength(1 + 12);
    // The last column, the filed price 备案价, is empty: these units have none.
    expect(rows[1]).toEqual(['A', 'A-0101', 1, 1, 'A', '3室2厅2卫', 100.25, 80.5, '南', 2_000_000, 1_900_000]);
    expect(rows[0]!.at(-1)).toBe('备案价 Filed price (元)');
    expect(rows[2]!.slice(1, 4)).toEqual(['A-0102', 1, 2]);
    expect(rows[5]!.slice(1, 4)).toEqual(['A-0201', 2, 1]);
    expect(rows[5]![9]).toBe(2_000_400);
    expect(sheet.getCell('J2').numFmt).toBe('#,##0.00');
    expect(sheet.getCell('K2').numFmt).toBe('#,##0.00');
    expect(sheet.getCell('G2').numFmt).toBe('0.00');

    const csv = await download(`/api/projects/${projectId}/units/export?format=csv`, manager);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain(`${projectCode}-units-${today}.csv`);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines).toHaveLength(1 + 12 + 1);
    expect(lines[1]).toBe('A,A-0101,1,1,A,3室2厅2卫,100.25,80.50,南,2000000.00,1900000.00,');
    expect(lines[13]).toBe('');
  });

  it('an export imports back unchanged (XLSX and CSV): zero changes, nothing written', async () => {
    const before = await dbState();
    for (const format of ['xlsx', 'csv'] as const) {
      const file = await download(`/api/projects/${projectId}/units/export?format=${format}`, manager);
      const res = await upload(file.bytes, { format, fileName: `export.${format}` });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        dryRun: false,
        rowCount: 12,
        created: 0,
        updated: 0,
        priceChanges: 0,
        unchanged: 12,
        pendingPriceList: null,
      });
    }
    const after = await dbState();
    expect({ ...after, audit: 0n }).toEqual({ ...before, audit: 0n });
    // Only the two `units.import` records were written.
    expect(after.audit - before.audit).toBe(2n);
  });
});

describe('access', () => {
  it('managers only; members of the project only', async () => {
    const xlsx = await xlsxFrom([unitRow('B', 'B-X', 1, 1)]);
    for (const path of ['export', 'template']) {
      expect((await download(`/api/projects/${projectId}/units/${path}?format=csv`, consultant)).status).toBe(403);
      expect((await download(`/api/projects/${projectId}/units/${path}?format=csv`, outsider)).status).toBe(403);
      expect((await fetch(`${server.url}/api/projects/${projectId}/units/${path}`)).status).toBe(401);
    }
    const before = await dbState();
    const asConsultant = await upload(xlsx, { token: consultant });
    expect(asConsultant.status).toBe(403);
    expect((await upload(xlsx, { token: outsider })).status).toBe(403);
    // The manager is no member of the other project.
    const other = await upload(xlsx, { project: server.fixture.otherProjectId });
    expect(other.status).toBe(403);
    expect((await download(`/api/projects/${server.fixture.otherProjectId}/units/export`, manager)).status).toBe(403);
    expect((await upload(xlsx, { project: '00000000-0000-4000-8000-000000000000', token: manager })).status).toBe(404);
    expect(await dbState()).toEqual(before);
  });

  it('refuses a body above 5 MB with 413, and a JSON body with 400', async () => {
    const before = await dbState();
    const big = Buffer.alloc(6 * 1024 * 1024, 0x41);
    const res = await upload(big, { format: 'csv' });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const json = await http(server.url, 'POST', `/api/projects/${projectId}/units/import?format=csv`, manager, {
      rows: [],
    });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await dbState()).toEqual(before);
  });
});

describe('import', () => {
  it('dry run: the summary of what would happen, nothing written', async () => {
    const before = await dbState();
    const file = await xlsxFrom([
      unitRow('B', 'B-0101', 1, 1),
      unitRow('A', 'A-0104', 1, 4, { orientation: '北', listPrice: 2_000_999, floorPrice: 1_900_000 }),
    ]);
    const res = await upload(file, { dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      rowCount: 2,
      created: 1,
      updated: 1,
      priceChanges: 1,
      unchanged: 0,
      pendingPriceList: null,
      createdCodes: ['B-0101'],
      updatedCodes: ['A-0104'],
      pricedCodes: ['A-0104'],
    });
    // An .xlsx sent as CSV (or as application/octet-stream) is recognised by its ZIP signature.
    const mislabelled = await upload(file, { dryRun: true, format: 'csv', contentType: 'application/octet-stream' });
    expect(mislabelled.body).toEqual(res.body);
    expect(await dbState()).toEqual(before);
  });

  it('creates new units: NOT_RELEASED, no batch, in the catalog and the snapshot, priced in the active version; screens resync', async () => {
    const eventsBefore = projectEvents.length;
    const active = await server.db.priceList.findFirstOrThrow({ where: { projectId, status: 'ACTIVE' } });
    const file = await xlsxFrom([
      unitRow('B', 'B-0101', 1, 1, {
        listPrice: 1_500_000.5,
        floorPrice: 1_400_000,
        grossArea: 88.8,
        netArea: 70.05,
        layoutName: '2室2厅1卫',
      }),
      unitRow('B', 'B-0102', 1, 2, { listPrice: '1,600,000.00', floorPrice: '1500000' }),
    ]);
    const res = await upload(file, { fileName: '新房源.xlsx' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      created: 2,
      updated: 0,
      unchanged: 0,
      priceChanges: 0,
      pendingPriceList: null,
      createdCodes: ['B-0101', 'B-0102'],
    });

    const b1 = await unitByCode('B-0101');
    expect(b1).toMatchObject({
      status: 'NOT_RELEASED',
      batchId: null,
      floor: 1,
      position: 1,
      layoutName: '2室2厅1卫',
      listPrice: 150_000_050n,
      floorPrice: 140_000_000n,
    });
    expect(b1.grossArea.toFixed(2)).toBe('88.80');
    expect(b1.netArea.toFixed(2)).toBe('70.05');
    expect((await unitByCode('B-0102')).listPrice).toBe(160_000_000n);

    const entries = await server.db.priceListEntry.findMany({
      where: { priceListId: active.id, unitId: { in: [b1.id] } },
    });
    expect(entries).toEqual([expect.objectContaining({ listPrice: 150_000_050n, floorPrice: 140_000_000n })]);
    const after = await server.db.priceList.findUniqueOrThrow({ where: { id: active.id } });
    expect(after.unitCount).toBe(active.unitCount + 2);
    expect(await server.db.priceListEntry.count({ where: { priceListId: active.id } })).toBe(after.unitCount);

    const catalog = await http<ProjectCatalog>(server.url, 'GET', `/api/projects/${projectId}/catalog`, consultant);
    expect(catalog.body.units.map((u) => u.code)).toEqual(expect.arrayContaining(['B-0101', 'B-0102']));
    expect(catalog.body.units.find((u) => u.code === 'B-0101')).toMatchObject({
      grossArea: 88.8,
      listPrice: 150_000_050,
    });
    const snapshot = await http<ProjectSnapshot>(server.url, 'GET', `/api/projects/${projectId}/snapshot`, consultant);
    expect(snapshot.body.units.find((u) => u.id === b1.id)).toMatchObject({ status: 'NOT_RELEASED' });

    const audit = await server.db.auditEvent.findMany({
      where: { projectId, action: { in: ['unit.create', 'units.import'] } },
      orderBy: { id: 'desc' },
      take: 3,
    });
    expect(audit.map((a) => a.action).sort()).toEqual(['unit.create', 'unit.create', 'units.import']);
    expect(audit.find((a) => a.action === 'units.import')?.after).toMatchObject({
      fileName: '新房源.xlsx',
      created: 2,
      updated: 0,
      priceChanges: 0,
      pendingVersion: null,
    });

    // The mirror was rebuilt: every screen of the project is told to resync.
    await expect
      .poll(() => projectEvents.slice(eventsBefore).some((e) => e.resync === true), { timeout: 5_000 })
      .toBe(true);
  });

  it('price changes become ONE pending version with exactly those units; prices apply only when another manager approves', async () => {
    const a3 = await unitByCode('A-0103');
    const a4 = await unitByCode('A-0104');
    const activeBefore = (await server.db.project.findUniqueOrThrow({ where: { id: projectId } })).priceVersion;
    const exported = await download(`/api/projects/${projectId}/units/export?format=xlsx`, manager);
    const workbook = await readXlsx(exported.bytes);
    const rows = sheetRows(workbook.worksheets[0]!).slice(1);
    const edited = rows.map((r) => {
      if (r[1] === 'A-0103') return [...r.slice(0, 9), 2_050_000.5, 1_950_000];
      if (r[1] === 'A-0104') return [...r.slice(0, 10), 1_800_000];
      if (r[1] === 'A-0102') return [...r.slice(0, 8), '南北', ...r.slice(9)]; // a fact change of an AVAILABLE unit
      return r;
    });
    const file = await xlsxFrom(edited);
    const res = await upload(file, { fileName: 'prices.xlsx' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      created: 0,
      updated: 1,
      priceChanges: 2,
      updatedCodes: ['A-0102'],
      pricedCodes: ['A-0103', 'A-0104'],
    });
    const pending = res.body.pendingPriceList as PriceListInfo;
    expect(pending).toMatchObject({
      status: 'PENDING',
      source: 'IMPORT',
      note: 'Import prices.xlsx',
      changedCount: 2,
      baseVersion: activeBefore,
      request: { fileName: 'prices.xlsx', rows: 14 },
    });
    expect((await unitByCode('A-0102')).orientation).toBe('南北');

    // Units keep their active prices until the version is approved.
    expect((await unitByCode('A-0103')).listPrice).toBe(a3.listPrice);
    expect((await unitByCode('A-0104')).floorPrice).toBe(a4.floorPrice);
    const changes = await http<PriceListChange[]>(server.url, 'GET', `/api/price-lists/${pending.id}/changes`, manager);
    expect(changes.body.map((c) => ({ code: c.code, after: c.after }))).toEqual([
      { code: 'A-0103', after: { list: 205_000_050, floor: 195_000_000 } },
      { code: 'A-0104', after: { list: Number(a4.listPrice), floor: 180_000_000 } },
    ]);
    const entries = await server.db.priceListEntry.count({ where: { priceListId: pending.id } });
    expect(entries).toBe(await server.db.unit.count({ where: { projectId } }));

    // The same file again: the open version is returned, not a duplicate.
    const again = await upload(file, { fileName: 'prices.xlsx' });
    expect(again.status).toBe(200);
    expect(again.body.pendingPriceList?.id).toBe(pending.id);
    expect(await server.db.priceList.count({ where: { projectId, status: 'PENDING' } })).toBe(1);

    // Four-eyes: the requester cannot approve; another manager can, and then the prices apply.
    expect(
      (await http(server.url, 'POST', `/api/price-lists/${pending.id}/decision`, manager, { approve: true })).status,
    ).toBe(403);
    const approved = await http<PriceListInfo>(server.url, 'POST', `/api/price-lists/${pending.id}/decision`, admin, {
      approve: true,
    });
    expect(approved.body).toMatchObject({ status: 'ACTIVE' });
    expect(await unitByCode('A-0103')).toMatchObject({ listPrice: 205_000_050n, floorPrice: 195_000_000n });
    expect(await unitByCode('A-0104')).toMatchObject({ listPrice: a4.listPrice, floorPrice: 180_000_000n });
  });

  it('filed prices 备案价: set at once on units not sold (terms version moves, audited); the project rule refuses a list price above one', async () => {
    const exported = await download(`/api/projects/${projectId}/units/export?format=xlsx`, manager);
    const rows = sheetRows((await readXlsx(exported.bytes)).worksheets[0]!).slice(1);
    const a1 = await unitByCode('A-0101');
    const list = Number(a1.listPrice) / 100;
    const withFiled = (filed: number) => rows.map((r) => (r[1] === 'A-0101' ? [...r.slice(0, 11), filed] : r));
    const termsBefore = (await server.db.project.findUniqueOrThrow({ where: { id: projectId } })).termsVersion;

    const res = await upload(await xlsxFrom(withFiled(list + 100_000)), { fileName: 'filed.xlsx' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ filedPriceChanges: 1, priceChanges: 0, created: 0 });
    expect((await unitByCode('A-0101')).filedPrice).toBe(BigInt((list + 100_000) * 100));
    const project = await server.db.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(project.termsVersion).toBeGreaterThan(termsBefore);
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: a1.id, action: 'unit.update' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit.after).toMatchObject({ filedPrice: (list + 100_000) * 100, source: 'import' });

    // The project now refuses deals above the filed price: a filed price below the list price is refused, nothing written.
    await server.db.project.update({ where: { id: projectId }, data: { refuseAboveFiledPrice: true } });
    try {
      const refused = expectInvalid(await upload(await xlsxFrom(withFiled(list - 1)), { fileName: 'below.xlsx' }));
      expect(refused.errors.map((e) => [e.column, e.code])).toEqual([['备案价 Filed price (元)', 'ABOVE_FILED_PRICE']]);
      expect((await unitByCode('A-0101')).filedPrice).toBe(BigInt((list + 100_000) * 100));
    } finally {
      await server.db.project.update({ where: { id: projectId }, data: { refuseAboveFiledPrice: false } });
    }
  });

  it('reads CSV with a BOM, quoted fields, commas, quotes and line breaks inside values', async () => {
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const text = [
      HEADERS.join(','),
      [
        'B',
        'B-0201',
        '2',
        '1',
        'C',
        q('4室2厅, "大"'),
        '143.80',
        '116.27',
        q('南,北'),
        q('3,800,000.10'),
        '3600000',
      ].join(','),
      ['B', q('B-0202'), '2', '2', 'C', q('两行\r\n名称'), '143.8', '116.2', '南', '3800000', '3600000.00'].join(','),
      '',
    ].join('\r\n');
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const res = await upload(body, { format: 'csv', fileName: 'units.csv' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2 });
    expect(await unitByCode('B-0201')).toMatchObject({
      layoutName: '4室2厅, "大"',
      orientation: '南,北',
      listPrice: 380_000_010n,
      floorPrice: 360_000_000n,
    });
    expect((await unitByCode('B-0202')).layoutName).toBe('两行\r\n名称');
    // And it exports back quoted (RFC 4180).
    const csv = (await download(`/api/projects/${projectId}/units/export?format=csv`, manager)).bytes.toString('utf8');
    expect(csv).toContain('B,B-0201,2,1,C,"4室2厅, ""大""",143.80,116.27,"南,北",3800000.10,3600000.00,\r\n');
  });
});

describe('invalid files', () => {
  let lockedUnitId: string;

  beforeAll(async () => {
    // A-0101 is subscribed (lock + confirm), A-0201 is locked right now.
    const sock = await server.connect({ token: consultant });
    const sold = await unitByCode('A-0101');
    const lock = await emitAck<LockResult>(sock, 'unit:lock', { unitId: sold.id });
    if (!lock.ok) throw new Error(JSON.stringify(lock));
    const confirm = await emitAck<ConfirmResult>(sock, 'unit:confirm', {
      unitId: sold.id,
      token: lock.data.token,
      buyer: { name: '王五', phone: '13900000000' },
    });
    if (!confirm.ok) throw new Error(JSON.stringify(confirm));
    expect((await unitByCode('A-0101')).status).toBe('SUBSCRIBED');
    lockedUnitId = (await unitByCode('A-0201')).id;
    const held = await emitAck<LockResult>(sock, 'unit:lock', { unitId: lockedUnitId });
    expect(held.ok).toBe(true);
  });

  it('reports every invalid row (row, column, value, code) and changes nothing', async () => {
    const before = await dbState();
    const file = await xlsxFrom([
      unitRow('B', 'B-0501', 5, 1), // row 2: valid
      unitRow('B', 'B-0401', 4, 1, { layoutName: null }), // 3: missing value
      unitRow('Z', 'Z-0101', 1, 1), // 4: unknown building
      unitRow('B', 'B-0501', 5, 2), // 5: duplicate unit code in the file
      unitRow('B', 'B-0502', 5, 1), // 6: floor + position already taken (row 2)
      unitRow('B', 'B-0402', 4, 2, { listPrice: '两百万' }), // 7: not a number
      unitRow('B', 'B-0301', 3, 1, { listPrice: 2_000_000.123 }), // 8: too many decimals (price)
      unitRow('B', 'B-0302', 3, 2, { grossArea: 100.255 }), // 9: too many decimals (area)
      unitRow('B', 'B-0303', 3, 1, { grossArea: -5 }), // 10: negative
      unitRow('B', 'B-0304', 3, 2, { listPrice: 0 }), // 11: zero
      unitRow('B', 'B-0305', 3, 1, { floorPrice: 2_200_000 }), // 12: floor price above list price
      unitRow('B', 'B-0306', 3, 2, { netArea: 120 }), // 13: net area above gross
      unitRow('B', 'B-0601', 6, 1), // 14: floor out of range (B has 5 floors)
      unitRow('A', 'A-0101', 1, 1, { orientation: '北', listPrice: 2_000_000, floorPrice: 1_900_000 }), // 15: facts of a SUBSCRIBED unit
      unitRow('A', 'A-0201', 2, 1, { layout: 'C', listPrice: 2_000_400, floorPrice: 1_900_000 }), // 16: facts of a LOCKED unit
      unitRow('B', 'B-0307', 2.5, 1), // 17: not an integer
      unitRow('B', 'B-0308', 3, 3), // 18: position out of range (2 per floor)
    ]);
    for (const dryRun of [true, false]) {
      const details = expectInvalid(await upload(file, { dryRun, fileName: 'bad.xlsx' }));
      expect(details.rowCount).toBe(17);
      expect(details.errorCount).toBe(17 - 1);
      expect(details.errors.map((e) => ({ row: e.row, column: e.column, code: e.code }))).toEqual([
        { row: 3, column: '户型名称 Layout name', code: 'REQUIRED' },
        { row: 4, column: '楼栋 Building', code: 'UNKNOWN_BUILDING' },
        { row: 5, column: '房号 Unit', code: 'DUPLICATE_UNIT' },
        { row: 6, column: '位置 Position', code: 'DUPLICATE_POSITION' },
        { row: 7, column: '表价 List price (元)', code: 'NOT_A_NUMBER' },
        { row: 8, column: '表价 List price (元)', code: 'TOO_MANY_DECIMALS' },
        { row: 9, column: '建筑面积 Gross area (m²)', code: 'TOO_MANY_DECIMALS' },
        { row: 10, column: '建筑面积 Gross area (m²)', code: 'NOT_POSITIVE' },
        { row: 11, column: '表价 List price (元)', code: 'NOT_POSITIVE' },
        { row: 12, column: '底价 Floor price (元)', code: 'FLOOR_ABOVE_LIST' },
        { row: 13, column: '套内面积 Net area (m²)', code: 'NET_ABOVE_GROSS' },
        { row: 14, column: '楼层 Floor', code: 'OUT_OF_RANGE' },
        { row: 15, column: '朝向 Orientation', code: 'UNIT_NOT_EDITABLE' },
        { row: 16, column: '户型 Layout', code: 'UNIT_LOCKED' },
        { row: 17, column: '楼层 Floor', code: 'NOT_AN_INTEGER' },
        { row: 18, column: '位置 Position', code: 'OUT_OF_RANGE' },
      ]);
      const byRow = new Map(details.errors.map((e) => [e.row, e]));
      expect(byRow.get(3)?.value).toBeNull();
      expect(byRow.get(4)?.value).toBe('Z');
      expect(byRow.get(7)?.value).toBe('两百万');
      expect(byRow.get(8)?.value).toBe('2000000.123');
      expect(byRow.get(9)?.value).toBe('100.255');
      expect(byRow.get(10)?.value).toBe('-5');
      expect(byRow.get(15)?.reason).toContain('SUBSCRIBED');
      for (const e of details.errors) expect(e.reason.length).toBeGreaterThan(5);
    }
    expect(await dbState()).toEqual(before);
  });

  it('file-level problems: missing column, duplicate column, malformed XLSX, empty file, header only', async () => {
    const before = await dbState();
    const withoutOrientation = HEADERS.filter((h) => !h.startsWith('朝向'));
    const missing = expectInvalid(
      await upload(Buffer.from(`${withoutOrientation.join(',')}\r\nB,B-0401,4,1,A,x,90,80,100,90\r\n`), {
        format: 'csv',
      }),
    );
    expect(missing.errors).toEqual([
      { row: 1, column: '朝向 Orientation', value: null, code: 'MISSING_COLUMN', reason: expect.any(String) },
    ]);

    const twice = expectInvalid(await upload(await xlsxFrom([unitRow('B', 'B-0401', 4, 1)], [...HEADERS, 'Floor'])));
    expect(twice.errors.map((e) => [e.row, e.column, e.code])).toEqual([[1, '楼层 Floor', 'DUPLICATE_COLUMN']]);

    const notXlsx = expectInvalid(await upload(Buffer.from('this is not a workbook'), { format: 'xlsx' }));
    expect(notXlsx.errors).toEqual([expect.objectContaining({ row: 0, column: null, code: 'FILE_UNREADABLE' })]);
    const good = await xlsxFrom([unitRow('B', 'B-0401', 4, 1)]);
    const truncated = expectInvalid(await upload(good.subarray(0, Math.floor(good.length / 2)), { format: 'xlsx' }));
    expect(truncated.errors.map((e) => e.code)).toEqual(['FILE_UNREADABLE']);

    const empty = expectInvalid(await upload(Buffer.alloc(0), { format: 'csv' }));
    expect(empty.errors.map((e) => [e.row, e.code])).toEqual([[0, 'FILE_EMPTY']]);
    const emptyXlsx = expectInvalid(await upload(Buffer.alloc(0), { format: 'xlsx' }));
    expect(emptyXlsx.errors.map((e) => e.code)).toEqual(['FILE_EMPTY']);
    const headerOnly = await download(`/api/projects/${projectId}/units/template?format=xlsx`, manager);
    expect(expectInvalid(await upload(headerOnly.bytes)).errors.map((e) => e.code)).toEqual(['FILE_EMPTY']);

    expect(await dbState()).toEqual(before);
  });

  it('accepts header spellings in either language, any column order, extra columns ignored', async () => {
    const header = [
      'Unit',
      '楼栋',
      'floor',
      '位置',
      'Layout',
      '户型名称',
      '建筑面积(㎡)',
      'Net area m2',
      '朝向',
      'List price',
      '底价（元）',
      '备注 Note',
    ];
    const text = `${header.join(',')}\nB-0401,B,4,1,A,3室,90.00,80,南,"¥1,000,000",900000,just a note\n`;
    const res = await upload(Buffer.from(text), { format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1 });
    expect(await unitByCode('B-0401')).toMatchObject({ listPrice: 100_000_000n, floorPrice: 90_000_000n, floor: 4 });
  });
});

describe('concurrency', () => {
  it('racing imports of one file: the units are created once, one pending version, every answer 200', async () => {
    const before = await server.db.unit.count({ where: { projectId } });
    const pendingBefore = await server.db.priceList.count({ where: { projectId, status: 'PENDING' } });
    const file = await xlsxFrom([
      unitRow('B', 'B-0501', 5, 1),
      unitRow('B', 'B-0502', 5, 2),
      unitRow('A', 'A-0203', 2, 3, { listPrice: 2_345_678, floorPrice: 1_900_000 }),
    ]);
    const results = await Promise.all(Array.from({ length: 8 }, () => upload(file, { fileName: 'race.xlsx' })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.reduce((n, r) => n + r.body.created, 0)).toBe(2);
    expect(results.every((r) => r.body.priceChanges === 1)).toBe(true);
    const ids = new Set(results.map((r) => r.body.pendingPriceList?.id));
    expect(ids.size).toBe(1);
    expect(await server.db.unit.count({ where: { projectId } })).toBe(before + 2);
    expect(await server.db.priceList.count({ where: { projectId, status: 'PENDING' } })).toBe(pendingBefore + 1);
    expect(
      await server.db.auditEvent.count({
        where: { projectId, action: 'unit.create', after: { path: ['code'], equals: 'B-0501' } },
      }),
    ).toBe(1);
  });
});
