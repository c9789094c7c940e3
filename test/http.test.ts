/** The HTTP API: auth, health, read models, sales control, and coded errors for bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AuditLogPage,
  BatchInfo,
  BulkWithholdResult,
  ConfirmResult,
  LockResult,
  ProjectCatalog,
  ProjectSnapshot,
  ProjectSummary,
  UnitState,
} from '@kaipan/shared';
import { http, startTestServer, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';

let server: TestServer;
let consultant: string;
let manager: string;
let outsider: string;
const UNKNOWN = '4d1a6f4e-8a51-4c2e-9a55-0d8a7c0c0f11';

beforeAll(async () => {
  server = await startTestServer({ units: 16, consultants: 2 });
  consultant = (await server.login('s001')).token;
  manager = (await server.login('manager')).token;
  outsider = (await server.login('outsider')).token;
});

afterAll(async () => {
  await server?.close();
});

const call = <T>(method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>) =>
  http<T>(server.url, method, path, token, body, headers);

describe('auth and health', () => {
  it('logs in with a token and an httpOnly cookie; refuses wrong credentials', async () => {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 's001', password: 'pw-test' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/kaipan_token=.+HttpOnly/i);
    const body = (await res.json()) as { token: string; user: { username: string; admin: boolean } };
    // The role is per project now (GET /api/projects answers `myRole`); the account says only admin or not.
    expect(body.user).toMatchObject({
      username: 's001',
      admin: false,
      displayName: '顾问s001',
      id: expect.any(String),
    });

    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await call('GET', '/api/auth/me', undefined, undefined, { cookie })).status).toBe(200);

    for (const wrong of [
      { username: 's001', password: 'nope' },
      { username: 'ghost', password: 'pw-test' },
    ]) {
      expect(await call('POST', '/api/auth/login', undefined, wrong)).toEqual({
        status: 401,
        body: { error: { code: 'INVALID_CREDENTIALS', message: expect.any(String) } },
      });
    }
    expect((await call('POST', '/api/auth/login', undefined, { username: 's001' })).status).toBe(400);
    expect((await call('GET', '/api/projects')).body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('reports health of both dependencies', async () => {
    expect(await call('GET', '/api/health')).toEqual({ status: 200, body: { ok: true, postgres: 'up', redis: 'up' } });
  });
});

describe('read models', () => {
  it('lists only the caller’s projects', async () => {
    const mine = await call<ProjectSummary[]>('GET', '/api/projects', consultant);
    expect(mine.body.map((p) => p.id)).toEqual([server.fixture.projectId]);
    expect(mine.body[0]).toMatchObject({
      lockTtlSeconds: 120,
      maxLocksPerConsultant: 2,
      timezone: 'Asia/Shanghai',
      unitCount: 20,
    });
    const theirs = await call<ProjectSummary[]>('GET', '/api/projects', outsider);
    expect(theirs.body.map((p) => p.id)).toEqual([server.fixture.otherProjectId]);
  });

  it('serves the catalog and snapshot to members and the project’s board, nobody else', async () => {
    const catalog = await call<ProjectCatalog>('GET', `/api/projects/${server.fixture.projectId}/catalog`, consultant);
    expect(catalog.status).toBe(200);
    expect(catalog.body.units).toHaveLength(20);
    expect(catalog.body.units[0]).toMatchObject({
      grossArea: 100.25,
      netArea: 80.5,
      listPrice: expect.any(Number),
      unitPrice: expect.any(Number),
    });
    const boardSnap = await call<ProjectSnapshot>(
      'GET',
      `/api/projects/${server.fixture.projectId}/snapshot`,
      undefined,
      undefined,
      { 'x-device-key': TEST_BOARD_KEY },
    );
    expect(boardSnap.status).toBe(200);
    expect(boardSnap.body.units).toHaveLength(20);
    expect((await call('GET', `/api/projects/${server.fixture.projectId}/catalog`, outsider)).status).toBe(403);
    expect((await call('GET', `/api/projects/${UNKNOWN}/catalog`, consultant)).status).toBe(404);
    expect((await call('GET', `/api/projects/not-a-uuid/catalog`, consultant)).body).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('revalidates an unchanged catalog with its ETag (304), never serving a stale one', async () => {
    const url = `${server.url}/api/projects/${server.fixture.projectId}/catalog`;
    const auth = { authorization: `Bearer ${consultant}` };
    const first = await fetch(url, { headers: auth });
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const body = (await first.json()) as ProjectCatalog;
    const again = await fetch(url, { headers: { ...auth, 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // Without credentials the ETag reveals nothing: 401 as always.
    expect((await fetch(url, { headers: { 'if-none-match': etag ?? '' } })).status).toBe(401);
    // A change of the project's facts gives a new body and a new ETag.
    await call('PATCH', `/api/projects/${server.fixture.projectId}/settings`, manager, { selectionMinutes: 17 });
    const changed = await fetch(url, { headers: { ...auth, 'if-none-match': etag ?? '' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as ProjectCatalog).project.selectionMinutes).toBe(17);
    expect(body.project.selectionMinutes).not.toBe(17);
    await call('PATCH', `/api/projects/${server.fixture.projectId}/settings`, manager, {
      selectionMinutes: body.project.selectionMinutes,
    });
  });
});

describe('selling over HTTP', () => {
  it('locks, confirms and lists the deal', async () => {
    const unitId = server.fixture.unitIds[0]!;
    const lock = await call<LockResult>('POST', `/api/units/${unitId}/lock`, consultant, {});
    expect(lock.status).toBe(200);
    const confirm = await call<ConfirmResult>('POST', `/api/units/${unitId}/confirm`, consultant, {
      token: lock.body.token,
      buyer: { name: '王小明', phone: '13612345678' },
    });
    expect(confirm.status).toBe(200);
    const deals = await call<{ unitId: string; buyer: string; price: number }[]>(
      'GET',
      `/api/projects/${server.fixture.projectId}/deals?limit=5`,
      consultant,
    );
    expect(deals.body[0]).toMatchObject({ unitId, buyer: '王**', subscriptionId: confirm.body.subscriptionId });
    expect((await call('POST', `/api/units/${unitId}/lock`, consultant, {})).body).toMatchObject({
      error: { code: 'UNIT_NOT_AVAILABLE' },
    });
  });

  it('lists my live locks with tokens, for my other devices', async () => {
    const unitId = server.fixture.unitIds[6]!;
    const lock = await call<LockResult>('POST', `/api/units/${unitId}/lock`, consultant, {});
    const mine = await call<LockResult[]>('GET', `/api/projects/${server.fixture.projectId}/my-locks`, consultant);
    expect(mine.body).toEqual([expect.objectContaining({ unitId, token: lock.body.token, ttlMs: expect.any(Number) })]);
    const others = await call<LockResult[]>('GET', `/api/projects/${server.fixture.projectId}/my-locks`, manager);
    expect(others.body).toEqual([]);
    await call('POST', `/api/units/${unitId}/release`, consultant, { token: lock.body.token });
  });

  it('a cashier cannot lock; nobody can act on another project', async () => {
    const cashier = (await server.login('cashier')).token;
    expect((await call('POST', `/api/units/${server.fixture.unitIds[1]}/lock`, cashier, {})).status).toBe(403);
    expect((await call('POST', `/api/units/${server.fixture.otherUnitId}/lock`, consultant, {})).status).toBe(403);
    expect((await call('POST', `/api/units/${UNKNOWN}/lock`, consultant, {})).status).toBe(404);
  });
});

describe('sales control', () => {
  it('pauses and resumes, audited', async () => {
    const paused = await call<ProjectSummary>('POST', `/api/projects/${server.fixture.projectId}/pause`, manager, {});
    expect(paused.body.salesPaused).toBe(true);
    expect((await call('POST', `/api/units/${server.fixture.unitIds[2]}/lock`, consultant, {})).body).toMatchObject({
      error: { code: 'SALES_PAUSED' },
    });
    expect((await call('POST', `/api/projects/${server.fixture.projectId}/pause`, consultant, {})).status).toBe(403);
    const resumed = await call<ProjectSummary>('POST', `/api/projects/${server.fixture.projectId}/resume`, manager, {});
    expect(resumed.body.salesPaused).toBe(false);
    const audit = await call<AuditLogPage>('GET', `/api/projects/${server.fixture.projectId}/audit?limit=10`, manager);
    expect(audit.body.entries.map((a) => a.action)).toEqual(expect.arrayContaining(['sales.pause', 'sales.resume']));
    expect(audit.body.entries.find((a) => a.action === 'sales.pause')).toMatchObject({
      actor: { kind: 'user', name: 'manager' },
      before: { salesPaused: false },
      after: { salesPaused: true },
    });
    expect((await call('GET', `/api/projects/${server.fixture.projectId}/audit`, consultant)).status).toBe(403);
  });

  it('withholds with a reason and unwithholds; refuses locked, sold and unreleased units', async () => {
    const unitId = server.fixture.unitIds[3]!;
    expect((await call('POST', `/api/units/${unitId}/withhold`, manager, {})).body).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    expect((await call('POST', `/api/units/${unitId}/withhold`, consultant, { reason: 'x' })).status).toBe(403);
    const held = await call<UnitState>('POST', `/api/units/${unitId}/withhold`, manager, { reason: 'VIP 保留' });
    expect(held.body).toMatchObject({ id: unitId, status: 'WITHHELD' });
    expect((await call('POST', `/api/units/${unitId}/lock`, consultant, {})).body).toMatchObject({
      error: { code: 'UNIT_NOT_AVAILABLE' },
    });
    expect((await call('POST', `/api/units/${unitId}/withhold`, manager, { reason: 'again' })).body).toMatchObject({
      error: { code: 'INVALID_TRANSITION' },
    });
    const freed = await call<UnitState>('POST', `/api/units/${unitId}/unwithhold`, manager, {});
    expect(freed.body.status).toBe('AVAILABLE');
    const row = await server.db.unit.findUniqueOrThrow({ where: { id: unitId } });
    expect(row.status).toBe('AVAILABLE');

    const locked = server.fixture.unitIds[4]!;
    await call('POST', `/api/units/${locked}/lock`, consultant, {});
    expect((await call('POST', `/api/units/${locked}/withhold`, manager, { reason: 'x' })).body).toMatchObject({
      error: { code: 'LOCK_HELD' },
    });
    expect(
      (await call('POST', `/api/units/${server.fixture.unitIds[0]}/withhold`, manager, { reason: 'x' })).body,
    ).toMatchObject({ error: { code: 'INVALID_TRANSITION' } });
    expect(
      (await call('POST', `/api/units/${server.fixture.pendingUnitIds[0]}/withhold`, manager, { reason: 'x' })).body,
    ).toMatchObject({ error: { code: 'NOT_RELEASED' } });
    const events = await server.db.auditEvent.findMany({ where: { entityId: unitId }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['unit.withhold', 'unit.unwithhold']);
    expect(events[0]).toMatchObject({ actorName: 'manager', after: { status: 'WITHHELD', reason: 'VIP 保留' } });
  });

  it('withholds many units with one reason: one audit event each, the others refused by themselves; idempotent', async () => {
    const projectId = server.fixture.projectId;
    const free = [server.fixture.unitIds[7]!, server.fixture.unitIds[8]!, server.fixture.unitIds[9]!];
    const locked = server.fixture.unitIds[4]!; // held by s001 since the test above
    const sold = server.fixture.unitIds[0]!;
    const pending = server.fixture.pendingUnitIds[1]!;
    const path = `/api/projects/${projectId}/units/withhold`;
    const body = {
      unitIds: [...free, locked, sold, pending, server.fixture.otherUnitId],
      reason: '开发商保留',
      channel: 'STAFF',
      idempotencyKey: 'bulk-withhold-0001',
    };
    expect((await call('POST', path, consultant, body)).status).toBe(403);
    expect((await call('POST', path, manager, { ...body, reason: '' })).body).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    const res = await call<BulkWithholdResult>('POST', path, manager, body);
    expect(res.status).toBe(200);
    expect(new Set(res.body.done.map((d) => d.unitId))).toEqual(new Set(free));
    expect(res.body.done.every((d) => d.status === 'WITHHELD')).toBe(true);
    const refusals = Object.fromEntries(res.body.refused.map((r) => [r.unitId, r.error.code]));
    expect(refusals).toEqual({
      [locked]: 'LOCK_HELD',
      [sold]: 'INVALID_TRANSITION',
      [pending]: 'NOT_RELEASED',
      [server.fixture.otherUnitId]: 'NOT_FOUND',
    });
    const rows = await server.db.unit.findMany({
      where: { id: { in: body.unitIds } },
      select: { id: true, status: true, withholdReason: true, withholdChannel: true },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of free)
      expect(byId.get(id)).toMatchObject({
        status: 'WITHHELD',
        withholdReason: '开发商保留',
        withholdChannel: 'STAFF',
      });
    expect(byId.get(locked)?.status).toBe('AVAILABLE');
    expect(byId.get(server.fixture.otherUnitId)?.status).toBe('AVAILABLE');
    // The mirror (what the hub sells from) knows: a consultant cannot lock a withheld unit.
    expect((await call('POST', `/api/units/${free[0]}/lock`, consultant, {})).body).toMatchObject({
      error: { code: 'UNIT_NOT_AVAILABLE' },
    });
    const audit = () =>
      server.db.auditEvent.findMany({
        where: { entityId: { in: body.unitIds }, action: { in: ['unit.withhold', 'unit.unwithhold'] } },
      });
    const events = await audit();
    expect(events.map((e) => e.entityId).sort()).toEqual([...free].sort());
    expect(events[0]).toMatchObject({
      actorName: 'manager',
      after: { status: 'WITHHELD', reason: '开发商保留', channel: 'STAFF' },
    });
    // The same key again (a double click, a retry): the first answer, nothing done twice.
    const again = await call<BulkWithholdResult>('POST', path, manager, body);
    expect(again.body).toEqual(res.body);
    expect(await audit()).toHaveLength(3);
    // Back on sale in one action; a unit not withheld is refused by itself.
    const freed = await call<BulkWithholdResult>('POST', `/api/projects/${projectId}/units/unwithhold`, manager, {
      unitIds: [...free, locked],
      idempotencyKey: 'bulk-unwithhold-0001',
    });
    expect(freed.status).toBe(200);
    expect(freed.body.done.map((d) => d.status)).toEqual(['AVAILABLE', 'AVAILABLE', 'AVAILABLE']);
    expect(freed.body.refused).toEqual([
      { unitId: locked, code: expect.any(String), error: { code: 'INVALID_TRANSITION', message: expect.any(String) } },
    ]);
    expect(await server.db.unit.count({ where: { id: { in: free }, status: 'AVAILABLE', withholdReason: null } })).toBe(
      3,
    );
    expect((await audit()).filter((e) => e.action === 'unit.unwithhold')).toHaveLength(3);
  });

  it('releases a pending batch once; refuses to batch units already on sale', async () => {
    const batches = await call<BatchInfo[]>('GET', `/api/projects/${server.fixture.projectId}/batches`, manager);
    expect(batches.body).toEqual([
      expect.objectContaining({ id: server.fixture.pendingBatchId, status: 'PENDING', unitCount: 4 }),
    ]);
    const bad = await call('POST', `/api/projects/${server.fixture.projectId}/batches`, manager, {
      name: 'Oops',
      unitIds: [server.fixture.unitIds[5], UNKNOWN],
    });
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: expect.any(Array) } },
    });
    const released = await call<BatchInfo>(
      'POST',
      `/api/batches/${server.fixture.pendingBatchId}/release`,
      manager,
      {},
    );
    expect(released.body).toMatchObject({ status: 'RELEASED', releasedAt: expect.any(String) });
    const statuses = await server.db.unit.findMany({
      where: { id: { in: server.fixture.pendingUnitIds } },
      select: { status: true },
    });
    expect(statuses.every((s) => s.status === 'AVAILABLE')).toBe(true);
    expect(
      (await call('POST', `/api/batches/${server.fixture.pendingBatchId}/release`, manager, {})).body,
    ).toMatchObject({ error: { code: 'INVALID_TRANSITION' } });
    const lock = await call<LockResult>('POST', `/api/units/${server.fixture.pendingUnitIds[0]}/lock`, consultant, {});
    expect(lock.status).toBe(200);
  });
});

describe('bad input on every route → coded 4xx, nothing changes', () => {
  const big = 'x'.repeat(1024 * 1024);
  const unit = () => server.fixture.unitIds[10]!;
  const cases: [string, string, () => string, unknown][] = [
    ['lock with extra field', 'POST', () => `/api/units/${unit()}/lock`, { x: 1 }],
    ['lock with bad id', 'POST', () => '/api/units/123/lock', {}],
    ['release without token', 'POST', () => `/api/units/${unit()}/release`, {}],
    ['release with 1 MB token', 'POST', () => `/api/units/${unit()}/release`, { token: big }],
    ['confirm with wrong types', 'POST', () => `/api/units/${unit()}/confirm`, { token: 5, buyer: 'me' }],
    [
      'confirm with 1 MB name',
      'POST',
      () => `/api/units/${unit()}/confirm`,
      { token: '1', buyer: { name: big, phone: '13800000000' } },
    ],
    ['withhold with 1 MB reason', 'POST', () => `/api/units/${unit()}/withhold`, { reason: big }],
    ['withhold with array body', 'POST', () => `/api/units/${unit()}/withhold`, ['reason']],
    ['pause with extra field', 'POST', () => `/api/projects/${server.fixture.projectId}/pause`, { now: true }],
    [
      'batch with empty list',
      'POST',
      () => `/api/projects/${server.fixture.projectId}/batches`,
      { name: 'x', unitIds: [] },
    ],
    ['batch release with bad id', 'POST', () => '/api/batches/zzz/release', {}],
    ['deals with bad limit', 'GET', () => `/api/projects/${server.fixture.projectId}/deals?limit=-1`, undefined],
    ['login with 1 MB password', 'POST', () => '/api/auth/login', { username: 'a', password: big }],
  ];

  it.each(cases)('%s', async (_name, method, path, body) => {
    const before = await server.db.unit.findMany({
      select: { id: true, status: true, version: true },
      orderBy: { id: 'asc' },
    });
    const res = await call<{ error: { code: string; message: string } }>(method, path(), manager, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) });
    expect(
      await server.db.unit.findMany({ select: { id: true, status: true, version: true }, orderBy: { id: 'asc' } }),
    ).toEqual(before);
  });

  it('a body over 2 MB → 413 PAYLOAD_TOO_LARGE; unknown route → 404 NOT_FOUND', async () => {
    const huge = await call('POST', `/api/units/${unit()}/withhold`, manager, { reason: 'x'.repeat(3 * 1024 * 1024) });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect(await call('GET', '/api/nowhere', manager)).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });
});

describe('project settings', () => {
  const path = () => `/api/projects/${server.fixture.projectId}/settings`;

  it('managers change settings, audited with before/after; the next lock uses the new window', async () => {
    const res = await call<ProjectSummary>('PATCH', path(), manager, {
      lockTtlSeconds: 300,
      entitlementPerRegistration: 2,
      noShowRule: 'DROP',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      lockTtlSeconds: 300,
      entitlementPerRegistration: 2,
      noShowRule: 'DROP',
      requireCalled: false,
    });
    const unitId = server.fixture.unitIds[15]!;
    const other = (await server.login('s002')).token;
    const lock = await call<LockResult>('POST', `/api/units/${unitId}/lock`, other, {});
    expect(lock.status, JSON.stringify(lock.body)).toBe(200);
    expect(lock.body.ttlMs).toBeGreaterThan(290_000);
    await call('POST', `/api/units/${unitId}/release`, other, { token: lock.body.token });
    const audit = await call<AuditLogPage>('GET', `/api/projects/${server.fixture.projectId}/audit?limit=20`, manager);
    expect(audit.body.entries.find((a) => a.action === 'project.settings')).toMatchObject({
      before: { lockTtlSeconds: 120, entitlementPerRegistration: 1, noShowRule: 'REQUEUE' },
      after: { lockTtlSeconds: 300, entitlementPerRegistration: 2, noShowRule: 'DROP' },
    });
    // The same values again: nothing changes, nothing is audited.
    const settingsEvents = async () =>
      (
        await call<AuditLogPage>('GET', `/api/projects/${server.fixture.projectId}/audit?limit=200`, manager)
      ).body.entries.filter((a) => a.action === 'project.settings').length;
    const before = await settingsEvents();
    await call('PATCH', path(), manager, { lockTtlSeconds: 300 });
    expect(await settingsEvents()).toBe(before);
    await call('PATCH', path(), manager, { lockTtlSeconds: 120, entitlementPerRegistration: 1, noShowRule: 'REQUEUE' });
  });

  it('refuses consultants, empty and out-of-range input, and unknown fields — changing nothing', async () => {
    const before = await server.db.project.findUniqueOrThrow({ where: { id: server.fixture.projectId } });
    expect((await call('PATCH', path(), consultant, { lockTtlSeconds: 60 })).status).toBe(403);
    for (const body of [
      {},
      { lockTtlSeconds: 5 },
      { selectionMinutes: 0 },
      { noShowRule: 'MAYBE' },
      { salesPaused: true },
    ]) {
      const res = await call('PATCH', path(), manager, body);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    }
    expect(await server.db.project.findUniqueOrThrow({ where: { id: server.fixture.projectId } })).toEqual(before);
  });
});
