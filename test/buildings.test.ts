/**
 * Buildings and units of a project's setup against a real server, PostgreSQL and Redis
 * (docs/buildings.md): generation (preview = creation, all or nothing, audited, codes unique, the
 * catalog shows it at once), layouts and their units, formula prices, deletion of units never on
 * sale, the filed-price rule at confirm, and the unit import still filling a generated building.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  BuildingPatternInput,
  BuildingPreview,
  BuildingSummary,
  ConfirmResult,
  LayoutInfo,
  LockResult,
  ProjectCatalog,
  SetupUnit,
  UnitImportResult,
} from '@kaipan/shared';
import { http, startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
let manager: string;
let consultant: string;
let outsider: string;
let projectId: string;

const TOWER: BuildingPatternInput = {
  name: '3号楼',
  nameEn: 'Tower 3',
  floors: 20,
  startFloor: -1,
  stairwells: [
    { units: 2, layoutCodes: ['A89', 'B120'] },
    { units: 2, layoutCodes: ['B120', 'A89'] },
  ],
  skipFloors: [4, 13, 14],
  namedFloors: [{ floor: 2, label: '架空层', labelEn: 'Open floor' }],
  floorRules: [
    { from: -1, to: -1, kind: 'PARKING', unitsPerFloor: 6, layoutCode: 'P' },
    { from: 1, to: 1, kind: 'SHOP', unitsPerFloor: 2 },
  ],
  duplexes: [{ floor: 21 }],
};

async function api<T>(method: string, path: string, body?: unknown, token = manager) {
  return http<T>(server.url, method, path, token, body);
}

async function unitsOf(buildingId?: string): Promise<SetupUnit[]> {
  const q = buildingId ? `?buildingId=${buildingId}` : '';
  const res = await api<SetupUnit[]>('GET', `/api/projects/${projectId}/setup-units${q}`);
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  server = await startTestServer({ units: 4, consultants: 1 });
  projectId = server.fixture.projectId;
  const [m, c, o] = await Promise.all([server.login('manager'), server.login('s001'), server.login('outsider')]);
  manager = m.token;
  consultant = c.token;
  outsider = o.token;
});

afterAll(async () => {
  await server?.close();
});

describe('layouts 户型', () => {
  it('creates layouts with two-decimal areas; a code is unique; net above gross is refused', async () => {
    for (const body of [
      { code: 'A89', name: '2室2厅1卫', nameEn: '2 bed', grossArea: 89.5, netArea: 71.25, orientation: '南', rooms: 2 },
      { code: 'B120', name: '3室2厅2卫', grossArea: 120.05, netArea: 98.4, orientation: '南北', rooms: 3 },
      {
        code: 'P',
        name: '标准车位',
        nameEn: 'Parking space',
        grossArea: 12.5,
        netArea: 12.5,
        orientation: '-',
        rooms: 0,
      },
    ]) {
      const res = await api<LayoutInfo>('POST', `/api/projects/${projectId}/layouts`, body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ code: body.code, grossArea: body.grossArea, unitCount: 0 });
    }
    const again = await api('POST', `/api/projects/${projectId}/layouts`, {
      code: 'A89',
      name: 'x',
      grossArea: 1,
      netArea: 1,
      orientation: '南',
      rooms: 1,
    });
    expect(again.status).toBe(409);
    const inverted = await api<{ error: { code: string } }>('POST', `/api/projects/${projectId}/layouts`, {
      code: 'X',
      name: 'x',
      grossArea: 50,
      netArea: 60,
      orientation: '南',
      rooms: 1,
    });
    expect(inverted.body.error.code).toBe('VALIDATION_FAILED');
    const three = await api('POST', `/api/projects/${projectId}/layouts`, {
      code: 'Y',
      name: 'x',
      grossArea: 50.123,
      netArea: 40,
      orientation: '南',
      rooms: 1,
    });
    expect(three.status).toBe(400);
  });
});

describe('generating a building', () => {
  let preview: BuildingPreview;
  let building: BuildingSummary;

  it('the preview shows exactly what the pattern makes and writes nothing', async () => {
    const before = await server.db.unit.count({ where: { projectId } });
    const res = await api<BuildingPreview>('POST', `/api/projects/${projectId}/buildings/preview`, TOWER);
    expect(res.status).toBe(200);
    preview = res.body;
    expect(await server.db.unit.count({ where: { projectId } })).toBe(before);
    expect(preview.code).toBe('3');
    expect(preview.floors[0]!.label).toBe('22'); // 20 storeys from B1, no 4/13/14 → top floor 22
    expect(preview.floors.at(-1)!.label).toBe('B1');
    expect(preview.floors.find((f) => f.floor === 2)).toMatchObject({ named: true, label: '架空层' });
    const codes = preview.units.map((u) => u.code);
    expect(codes).toContain('3-B101');
    expect(codes).toContain('3-1502');
    expect(codes).not.toContain('3-401');
    expect(codes).not.toContain('3-2201'); // upper half of the duplexes from 21
    expect(preview.units.filter((u) => u.floorSpan === 2)).toHaveLength(4);
    expect(preview.units.filter((u) => u.kind === 'PARKING')).toHaveLength(6);
    expect(preview.units.filter((u) => u.kind === 'SHOP')).toHaveLength(2);
    expect(preview.units.find((u) => u.code === '3-1502')).toMatchObject({
      layoutCode: 'B120',
      grossArea: 120.05,
      stairwell: 1,
    });
    expect(preview.unknownLayouts).toEqual([]);
    expect(preview.takenCodes).toEqual([]);
  });

  it('the pinned minimum is refused to consultants and outsiders', async () => {
    const body = { name: '9', floors: 2, unitsPerFloor: 2 };
    expect((await api('POST', `/api/projects/${projectId}/buildings`, body, consultant)).status).toBe(403);
    expect((await api('POST', `/api/projects/${projectId}/buildings`, body, outsider)).status).toBe(403);
  });

  it('creates the building and every unit NOT_RELEASED in one transaction, audited; the catalog shows it at once', async () => {
    // Read the catalog first so it is cached: generation must drop it.
    await api<ProjectCatalog>('GET', `/api/projects/${projectId}/catalog`);
    const res = await api<{ building: BuildingSummary; created: number }>(
      'POST',
      `/api/projects/${projectId}/buildings`,
      TOWER,
    );
    expect(res.status).toBe(201);
    building = res.body.building;
    expect(res.body.created).toBe(preview.units.length);
    expect(building).toMatchObject({
      code: '3',
      floors: 22,
      unitsPerFloor: 6,
      unitCount: preview.units.length,
      lockedOrSold: 0,
      namedFloors: [{ floor: 2, label: '架空层', labelEn: 'Open floor' }],
    });
    expect(building.kinds).toMatchObject({ PARKING: 6, SHOP: 2 });
    const units = await unitsOf(building.id);
    expect(units.map((u) => u.code).sort()).toEqual(preview.units.map((u) => u.code).sort());
    expect(units.every((u) => u.status === 'NOT_RELEASED' && u.listPrice === 0)).toBe(true);
    const catalog = await api<ProjectCatalog>('GET', `/api/projects/${projectId}/catalog`);
    const inCatalog = catalog.body.units.filter((u) => u.buildingId === building.id);
    expect(inCatalog).toHaveLength(preview.units.length);
    expect(inCatalog.find((u) => u.code === '3-2101')).toMatchObject({ floorSpan: 2, kind: 'RESIDENCE' });
    expect(inCatalog.find((u) => u.code === '3-B101')).toMatchObject({ floor: -1, kind: 'PARKING', grossArea: 12.5 });
    // Every unit joins the active price list (a complete snapshot).
    const active = await server.db.priceList.findFirstOrThrow({
      where: { projectId, status: 'ACTIVE' },
      include: { _count: { select: { entries: true } } },
    });
    expect(active._count.entries).toBe(active.unitCount);
    expect(active.unitCount).toBe(await server.db.unit.count({ where: { projectId } }));
    const audit = await server.db.auditEvent.groupBy({
      by: ['action'],
      where: { projectId, action: { in: ['building.create', 'unit.create'] } },
      _count: true,
    });
    expect(Object.fromEntries(audit.map((a) => [a.action, a._count]))).toEqual({
      'building.create': 1,
      'unit.create': preview.units.length,
    });
  });

  it('codes are unique in the project: a clash is UNIT_CODE_TAKEN naming the codes, and nothing is created', async () => {
    const before = await server.db.unit.count({ where: { projectId } });
    const res = await api<{ error: { code: string; details: { codes: string[] } } }>(
      'POST',
      `/api/projects/${projectId}/buildings`,
      { name: '3座', code: 'T3', floors: 2, unitsPerFloor: 2, codePattern: '3-{floor}{position:02}' },
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('UNIT_CODE_TAKEN');
    // Floor 1 of tower 3 has two shops; its floor 2 is the open floor (no units).
    expect(res.body.error.details.codes).toEqual(['3-101', '3-102']);
    expect(await server.db.unit.count({ where: { projectId } })).toBe(before);
    expect(await server.db.building.count({ where: { projectId, code: 'T3' } })).toBe(0);
    // A pattern that repeats codes itself: the same code, the clashing codes named.
    const self = await api<{ error: { code: string; details: { codes: string[] } } }>(
      'POST',
      `/api/projects/${projectId}/buildings`,
      { name: '8', floors: 1, stairwells: [{ units: 2 }, { units: 2 }], codePattern: '{building}-{floor}{index:02}' },
    );
    expect(self.body.error).toMatchObject({ code: 'UNIT_CODE_TAKEN', details: { codes: ['8-101', '8-102'] } });
    // A layout the project lacks.
    const unknown = await api<{ error: { code: string } }>('POST', `/api/projects/${projectId}/buildings`, {
      name: '8',
      floors: 1,
      stairwells: [{ units: 1, layoutCodes: ['NOPE'] }],
    });
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('the unit import fills a generated building (within its floors and positions)', async () => {
    const header =
      '楼栋 Building,房号 Unit,楼层 Floor,位置 Position,户型 Layout,户型名称 Layout name,建筑面积 Gross area (m²),套内面积 Net area (m²),朝向 Orientation,表价 List price (¥),底价 Floor price (¥)';
    const csv = `${header}\r\n3,3-2205,22,5,A89,2室2厅1卫,89.50,71.25,南,1500000,1400000\r\n`;
    const res = await fetch(`${server.url}/api/projects/${projectId}/units/import?format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manager}`, 'content-type': 'text/csv; charset=utf-8' },
      body: csv,
    });
    const body = (await res.json()) as UnitImportResult;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.created).toBe(1);
  });
});

describe('layouts and their units', () => {
  it("editing a layout's areas updates its units not sold; sold units keep theirs", async () => {
    const layouts = await api<LayoutInfo[]>('GET', `/api/projects/${projectId}/layouts`);
    const a89 = layouts.body.find((l) => l.code === 'A89')!;
    expect(a89.unitCount).toBeGreaterThan(0);
    // One of them sold (straight in the database: the selling path is tested elsewhere).
    const sold = await server.db.unit.findFirstOrThrow({ where: { projectId, layoutId: a89.id } });
    await server.db.unit.update({ where: { id: sold.id }, data: { status: 'SUBSCRIBED' } });
    const res = await api<LayoutInfo & { unitsUpdated: number; unitsKept: number }>('PUT', `/api/layouts/${a89.id}`, {
      code: 'A89',
      name: '2室2厅1卫',
      nameEn: '2 bed',
      grossArea: 90.1,
      netArea: 72,
      orientation: '南',
      rooms: 2,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ grossArea: 90.1, unitsKept: 1, unitsUpdated: a89.unitCount - 1 });
    expect(Number((await server.db.unit.findUniqueOrThrow({ where: { id: sold.id } })).grossArea)).toBe(89.5);
    const other = await server.db.unit.findFirstOrThrow({
      where: { projectId, layoutId: a89.id, id: { not: sold.id } },
    });
    expect(Number(other.grossArea)).toBe(90.1);
    await server.db.unit.update({ where: { id: sold.id }, data: { status: 'NOT_RELEASED' } });
  });
});

describe('prices by formula 公式定价', () => {
  it('previews, then applies to units never on sale, rounded by the project precision; released units are skipped', async () => {
    const building = (await api<BuildingSummary[]>('GET', `/api/projects/${projectId}/buildings`)).body.find(
      (b) => b.code === '3',
    )!;
    const formula = {
      buildingIds: [building.id],
      kinds: ['RESIDENCE'],
      baseFen: 2_000_000,
      floorIncrementFen: 5_000,
      positionFactorsBp: { '1': 10_100 },
      floorPriceBp: 9_700,
      filedPriceBp: 10_500,
    };
    const preview = await api<{
      rows: { code: string; listPrice: number; floorPrice: number; filedPrice: number | null }[];
      skippedCodes: string[];
    }>('POST', `/api/projects/${projectId}/price-formula/preview`, formula);
    expect(preview.status).toBe(200);
    const row = preview.body.rows.find((r) => r.code === '3-1502')!;
    // (20,000 + 14 × 50) yuan/m² × 120.05 m² = 2,485,035 yuan; the fixture policy rounds to the yuan.
    expect(row.listPrice).toBe(248_503_500);
    expect(row.listPrice % 100).toBe(0);
    expect(row.floorPrice).toBe(241_048_400);
    expect(row.filedPrice).toBe(260_928_700);
    // The whole project: the fixture's released units are in scope but keep their prices.
    const whole = await api<{ rows: { code: string }[]; skippedCodes: string[] }>(
      'POST',
      `/api/projects/${projectId}/price-formula/preview`,
      { ...formula, buildingIds: [] },
    );
    expect(whole.body.skippedCodes).toContain('A-0101');
    expect(whole.body.rows.map((r) => r.code)).not.toContain('A-0101');
    const unchanged = await server.db.unit.findFirstOrThrow({ where: { projectId, code: '3-1502' } });
    expect(Number(unchanged.listPrice)).toBe(0);

    const applied = await api<{ count: number }>('POST', `/api/projects/${projectId}/price-formula/apply`, formula);
    expect(applied.body.count).toBe(preview.body.rows.length);
    const after = await server.db.unit.findFirstOrThrow({ where: { projectId, code: '3-1502' } });
    expect([Number(after.listPrice), Number(after.floorPrice), Number(after.filedPrice)]).toEqual([
      248_503_500, 241_048_400, 260_928_700,
    ]);
    const entry = await server.db.priceListEntry.findFirstOrThrow({
      where: { unitId: after.id, priceList: { status: 'ACTIVE' } },
    });
    expect(Number(entry.listPrice)).toBe(248_503_500);
  });
});

describe('deleting 批量删除', () => {
  it('deletes units never on sale, refuses NOT_DELETABLE for any unit ever released or locked, audited', async () => {
    const units = await unitsOf();
    const generated = units.filter((u) => u.code.startsWith('3-') && u.floor === 3);
    const released = units.find((u) => u.status === 'AVAILABLE')!;
    const refused = await api<{ error: { code: string; details: { codes: string[] } } }>(
      'POST',
      `/api/projects/${projectId}/units/delete`,
      { unitIds: [generated[0]!.id, released.id] },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'NOT_DELETABLE', details: { codes: [released.code] } });
    expect(await server.db.unit.count({ where: { id: generated[0]!.id } })).toBe(1);

    const ok = await api<{ count: number }>('POST', `/api/projects/${projectId}/units/delete`, {
      unitIds: generated.map((u) => u.id),
    });
    expect(ok.body.count).toBe(generated.length);
    expect(await server.db.unit.count({ where: { id: { in: generated.map((u) => u.id) } } })).toBe(0);
    expect(await server.db.auditEvent.count({ where: { projectId, action: 'unit.delete' } })).toBe(generated.length);
    const active = await server.db.priceList.findFirstOrThrow({
      where: { projectId, status: 'ACTIVE' },
      include: { _count: { select: { entries: true } } },
    });
    expect(active.unitCount).toBe(active._count.entries);
  });

  it('a building is deleted only when none of its units was ever on sale', async () => {
    const res = await api<{ building: BuildingSummary }>('POST', `/api/projects/${projectId}/buildings`, {
      name: '9号楼',
      floors: 2,
      unitsPerFloor: 2,
    });
    expect(res.status).toBe(201);
    const [unit] = await unitsOf(res.body.building.id);
    // A lock once recorded on one of its units (as the selling core audits it) makes it undeletable.
    await server.db.auditEvent.create({
      data: {
        projectId,
        actorKind: 'user',
        actorName: 's001',
        action: 'unit.lock',
        entity: 'unit',
        entityId: unit!.id,
      },
    });
    const refused = await api<{ error: { code: string } }>('DELETE', `/api/buildings/${res.body.building.id}`);
    expect(refused.body.error.code).toBe('NOT_DELETABLE');
    expect(await server.db.building.count({ where: { id: res.body.building.id } })).toBe(1);
    // The same building without that lock in its history (the audit trail is append-only: a lock once
    // recorded stays, so the twin is a second building).
    const twin = await api<{ building: BuildingSummary }>('POST', `/api/projects/${projectId}/buildings`, {
      name: '10号楼',
      floors: 2,
      unitsPerFloor: 2,
    });
    expect(twin.status).toBe(201);
    const ok = await api<{ count: number }>('DELETE', `/api/buildings/${twin.body.building.id}`);
    expect(ok.body.count).toBe(4);
    expect(await server.db.building.count({ where: { id: twin.body.building.id } })).toBe(0);
    expect(await server.db.auditEvent.count({ where: { projectId, action: 'building.delete' } })).toBe(1);
  });
});

describe('the filed price 备案价 at confirm', () => {
  it('with the rule on, a deal above the filed price is ABOVE_FILED_PRICE; at or under it, it confirms', async () => {
    const unitId = server.fixture.unitIds[0]!;
    const unit = await server.db.unit.findUniqueOrThrow({ where: { id: unitId } });
    const list = Number(unit.listPrice);
    // Filed below the list price, rule off: no refusal of that kind (quote only, no sale yet).
    const edit = await api<{ count: number }>('POST', `/api/projects/${projectId}/units/edit`, {
      unitIds: [unitId],
      filedPrice: list - 100_000,
    });
    expect(edit.body.count).toBe(1);
    const quoteOff = await api('POST', `/api/units/${unitId}/quote`, {}, consultant);
    expect(quoteOff.status).toBe(200);

    expect(
      (await api('PUT', `/api/projects/${projectId}/filed-price-rule`, { refuseAboveFiledPrice: true })).status,
    ).toBe(200);
    expect(
      (await api<{ refuseAboveFiledPrice: boolean }>('GET', `/api/projects/${projectId}/filed-price-rule`)).body,
    ).toEqual({
      refuseAboveFiledPrice: true,
    });
    const lock = await api<LockResult>('POST', `/api/units/${unitId}/lock`, {}, consultant);
    expect(lock.status).toBe(200);
    const refused = await api<{ error: { code: string } }>(
      'POST',
      `/api/units/${unitId}/confirm`,
      { token: lock.body.token, buyer: { name: '王先生', phone: '13800138000' } },
      consultant,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('ABOVE_FILED_PRICE');
    expect((await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).status).toBe('AVAILABLE');

    // The filed price raised to the list price: the same lock confirms.
    await api('POST', `/api/projects/${projectId}/units/edit`, { unitIds: [unitId], filedPrice: list });
    const sold = await api<ConfirmResult>(
      'POST',
      `/api/units/${unitId}/confirm`,
      { token: lock.body.token, buyer: { name: '王先生', phone: '13800138000' } },
      consultant,
    );
    expect(sold.status, JSON.stringify(sold.body)).toBe(200);
    // Sold: its filed price no longer changes, and it can never be deleted.
    const late = await api<{ error: { code: string } }>('POST', `/api/projects/${projectId}/units/edit`, {
      unitIds: [unitId],
      filedPrice: list + 1,
    });
    expect(late.body.error.code).toBe('CONFLICT');
    const del = await api<{ error: { code: string } }>('POST', `/api/projects/${projectId}/units/delete`, {
      unitIds: [unitId],
    });
    expect(del.body.error.code).toBe('NOT_DELETABLE');
  });
});
