/**
 * Project setup against a real server, PostgreSQL and Redis (docs/setup.md): create (administrators),
 * edit with before/after audit, the payee's credit code, presale permits and the release they guard,
 * archive / unarchive (read-only, nothing sold).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchInfo, LockResult, PermitInfo, ProjectDetails, ProjectSummary } from '@kaipan/shared';
import { emitAck, http, startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
let admin: string;
let manager: string;
let consultant: string;

function call<T = unknown>(method: string, path: string, token: string, body?: unknown) {
  return http<T>(server.url, method, path, token, body);
}
const errorCode = (r: { body: unknown }) => (r.body as { error?: { code?: string } }).error?.code;

const PAYEE = {
  name: '上海云湖置业有限公司',
  creditCode: '91350100m000100y43',
  bank: '中国工商银行上海市分行营业部',
  account: '1001 2345 6789 0123 456',
};

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2 });
  const [a, m, c] = await Promise.all([server.login('admin'), server.login('manager'), server.login('s001')]);
  admin = a.token;
  manager = m.token;
  consultant = c.token;
});

afterAll(async () => {
  await server?.close();
});

describe('creating a project', () => {
  it('answers 201 with the id and a generated code; defaults filled in; audited', async () => {
    const res = await call<ProjectDetails>('POST', '/api/projects', admin, { name: '滨江壹号', city: '杭州' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      code: expect.stringMatching(/^P\d{6}-[0-9A-Z]{3}$/),
      name: '滨江壹号',
      nameEn: '',
      city: '杭州',
      timezone: 'Asia/Shanghai',
      rounding: { unit: 'YUAN', mode: 'HALF_UP' },
      payee: null,
      archived: false,
      salesPaused: false,
      unitCount: 0,
    });
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: res.body.id, action: 'project.create' },
    });
    expect(audit.after).toMatchObject({ code: res.body.code, name: '滨江壹号', city: '杭州' });
    const listed = await call<ProjectSummary[]>('GET', '/api/projects', admin);
    expect(listed.body.map((p) => p.id)).toContain(res.body.id);
  });

  it('takes a given code, time zone, rounding and payee (credit code upper-cased); a code in use is a CONFLICT', async () => {
    const body = {
      name: '湾区中心',
      nameEn: 'Bay Centre',
      code: 'BAY-01',
      timezone: 'Asia/Hong_Kong',
      rounding: { unit: 'HUNDRED_YUAN', mode: 'DOWN' },
      payee: PAYEE,
    };
    const res = await call<ProjectDetails>('POST', '/api/projects', admin, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      code: 'BAY-01',
      timezone: 'Asia/Hong_Kong',
      rounding: { unit: 'HUNDRED_YUAN', mode: 'DOWN' },
      payee: { ...PAYEE, creditCode: '91350100M000100Y43' },
    });
    const stored = await server.db.project.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored.pricingPolicy).toMatchObject({ rounding: { unit: 'HUNDRED_YUAN', mode: 'DOWN' } });
    const again = await call('POST', '/api/projects', admin, { ...body, name: 'x' });
    expect([again.status, errorCode(again)]).toEqual([409, 'CONFLICT']);
  });

  it('refuses a bad time zone, a bad credit code, an unknown field, and a manager', async () => {
    for (const body of [
      { name: 'x', timezone: 'Mars/Olympus' },
      { name: 'x', timezone: '+08:00' },
      { name: 'x', payee: { ...PAYEE, creditCode: '91350100M000100Y44' } },
      { name: 'x', payee: { ...PAYEE, creditCode: '91350100M000100Y4' } },
      { name: '' },
      { name: 'x', salesPaused: true },
    ]) {
      const res = await call('POST', '/api/projects', admin, body);
      expect([res.status, errorCode(res)], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
    }
    const byManager = await call('POST', '/api/projects', manager, { name: 'x' });
    expect([byManager.status, errorCode(byManager)]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('editing a project', () => {
  it('a manager of the project edits names, payee and rounding; the audit keeps what changed, before and after', async () => {
    const id = server.fixture.projectId;
    const res = await call<ProjectDetails>('PATCH', `/api/projects/${id}`, manager, {
      nameEn: 'Test Residences',
      address: '浦东新区世纪大道 100 号',
      payee: PAYEE,
      rounding: { unit: 'FEN', mode: 'HALF_UP' },
      city: '上海',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      nameEn: 'Test Residences',
      address: '浦东新区世纪大道 100 号',
      rounding: { unit: 'FEN', mode: 'HALF_UP' },
      payee: { creditCode: '91350100M000100Y43' },
    });
    const audit = await server.db.auditEvent.findFirstOrThrow({ where: { entityId: id, action: 'project.update' } });
    // city was sent unchanged: not in the event.
    expect(audit.before).toEqual({
      nameEn: 'Test Project',
      address: '',
      payee: null,
      rounding: { unit: 'YUAN', mode: 'HALF_UP' },
    });
    expect(audit.after).toMatchObject({ nameEn: 'Test Residences', payee: { name: PAYEE.name } });
    const stored = await server.db.project.findUniqueOrThrow({ where: { id } });
    expect(stored.pricingPolicy).toMatchObject({
      rounding: { unit: 'FEN', mode: 'HALF_UP' },
      maxTotalDiscountBp: 1000,
    });

    const outsider = await server.login('outsider');
    expect((await call('PATCH', `/api/projects/${id}`, outsider.token, { name: 'x' })).status).toBe(403);
    expect((await call('PATCH', `/api/projects/${id}`, consultant, { name: 'x' })).status).toBe(403);
    expect((await call('PATCH', `/api/projects/${id}`, manager, {})).status).toBe(400);
  });
});

describe('presale permits 预售许可证', () => {
  it('a project without permits releases any batch; once it has one, a unit outside every permit blocks the release, naming it', async () => {
    const projectId = server.fixture.projectId;
    const [p0, p1, p2] = server.fixture.pendingUnitIds as [string, string, string, string];

    // No permits: a batch of one pending unit releases (cancel it from the pending batch first).
    const free = await call<BatchInfo>('POST', `/api/batches/${server.fixture.pendingBatchId}/cancel`, manager, {});
    expect(free.status).toBe(200);
    const trial = await call<BatchInfo>('POST', `/api/projects/${projectId}/batches`, manager, {
      name: 'trial',
      unitIds: [p0],
      release: true,
    });
    expect(trial.status).toBe(201);

    const permit = await call<PermitInfo>('POST', `/api/projects/${projectId}/permits`, manager, {
      number: '沪房许字（2026）第0012号',
      issuedOn: '2026-11-20',
      unitIds: [p1],
    });
    expect(permit.status).toBe(201);
    expect(permit.body).toMatchObject({ issuedOn: '2026-11-20', unitIds: [p1], buildingIds: [], unitCount: 1 });

    const batch = await call<BatchInfo>('POST', `/api/projects/${projectId}/batches`, manager, {
      name: 'second',
      unitIds: [p1, p2],
    });
    expect(batch.status).toBe(201);
    const refused = await call('POST', `/api/batches/${batch.body.id}/release`, manager, {});
    expect([refused.status, errorCode(refused)]).toEqual([409, 'UNIT_NOT_PERMITTED']);
    expect((refused.body as { error: { details: unknown } }).error.details).toEqual({ unitCodes: ['P-2'], count: 1 });
    // All or nothing: the covered unit stayed too, and the batch is still pending.
    const units = await server.db.unit.findMany({ where: { id: { in: [p1, p2] } }, select: { status: true } });
    expect(units.map((u) => u.status)).toEqual(['NOT_RELEASED', 'NOT_RELEASED']);
    expect((await server.db.batch.findUniqueOrThrow({ where: { id: batch.body.id } })).status).toBe('PENDING');

    // Create-and-release at once is the same path, and the scheduled release (the job) too.
    const direct = await call('POST', `/api/projects/${projectId}/batches`, manager, {
      name: 'direct',
      unitIds: [server.fixture.pendingUnitIds[3]],
      release: true,
    });
    expect(errorCode(direct)).toBe('UNIT_NOT_PERMITTED');
    const at = new Date(Date.now() + 60_000);
    await server.db.batch.update({ where: { id: batch.body.id }, data: { releaseAt: at } });
    await expect(server.kaipan.services.control.releaseScheduled(batch.body.id, at)).rejects.toMatchObject({
      code: 'UNIT_NOT_PERMITTED',
    });
    await server.db.batch.update({ where: { id: batch.body.id }, data: { releaseAt: null } });

    // The permit now covers the whole building: the release goes through.
    const building = await server.db.unit.findUniqueOrThrow({ where: { id: p2 }, select: { buildingId: true } });
    const widened = await call<PermitInfo>('PUT', `/api/permits/${permit.body.id}`, manager, {
      number: '沪房许字（2026）第0012号',
      issuedOn: '2026-11-20',
      buildingIds: [building.buildingId],
    });
    expect(widened.status).toBe(200);
    expect(widened.body.unitCount).toBeGreaterThanOrEqual(12);
    const released = await call<BatchInfo>('POST', `/api/batches/${batch.body.id}/release`, manager, {});
    expect(released.body).toMatchObject({ status: 'RELEASED' });

    const list = await call<PermitInfo[]>('GET', `/api/projects/${projectId}/permits`, manager);
    expect(list.body).toHaveLength(1);
    const actions = await server.db.auditEvent.findMany({
      where: { entityId: permit.body.id },
      orderBy: { createdAt: 'asc' },
      select: { action: true, before: true },
    });
    expect(actions.map((a) => a.action)).toEqual(['permit.create', 'permit.update']);
    expect(actions[1]?.before).toMatchObject({ unitIds: [p1], buildingIds: [] });
  });

  it('refuses a duplicate number, a unit of another project, and consultants', async () => {
    const projectId = server.fixture.projectId;
    const dup = await call('POST', `/api/projects/${projectId}/permits`, manager, {
      number: '沪房许字（2026）第0012号',
      issuedOn: '2026-11-21',
      unitIds: [server.fixture.unitIds[0]],
    });
    expect(errorCode(dup)).toBe('CONFLICT');
    const stranger = await call('POST', `/api/projects/${projectId}/permits`, manager, {
      number: 'X-1',
      issuedOn: '2026-11-21',
      unitIds: [server.fixture.otherUnitId],
    });
    expect([stranger.status, errorCode(stranger)]).toEqual([400, 'VALIDATION_FAILED']);
    const empty = await call('POST', `/api/projects/${projectId}/permits`, manager, {
      number: 'X-2',
      issuedOn: '2026-11-21',
    });
    expect(empty.status).toBe(400);
    const byConsultant = await call('GET', `/api/projects/${projectId}/permits`, consultant);
    expect(byConsultant.status).toBe(403);
    // A permit entered by mistake is deleted (audited); the released units stay on sale.
    const mistake = await call<PermitInfo>('POST', `/api/projects/${projectId}/permits`, manager, {
      number: 'X-3',
      issuedOn: '2026-11-21',
      unitIds: [server.fixture.unitIds[0]],
    });
    expect(mistake.status).toBe(201);
    const deleted = await call<PermitInfo>('DELETE', `/api/permits/${mistake.body.id}`, manager, {});
    expect(deleted.body).toMatchObject({ number: 'X-3', unitCount: 1 });
    expect(await server.db.presalePermit.count({ where: { id: mistake.body.id } })).toBe(0);
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: mistake.body.id, action: 'permit.delete' },
    });
    expect(audit.before).toMatchObject({ number: 'X-3' });
  });
});

describe('archiving a project', () => {
  it('pauses sales, hides it from the list, makes it read-only; unarchive makes it editable again, still paused', async () => {
    const id = server.fixture.projectId;
    expect((await call('POST', `/api/projects/${id}/archive`, manager, {})).status).toBe(403);
    const archived = await call<ProjectDetails>('POST', `/api/projects/${id}/archive`, admin, {});
    expect(archived.body).toMatchObject({ archived: true, salesPaused: true, archivedAt: expect.any(String) });
    expect(errorCode(await call('POST', `/api/projects/${id}/archive`, admin, {}))).toBe('INVALID_TRANSITION');

    const listed = await call<ProjectSummary[]>('GET', '/api/projects', manager);
    expect(listed.body.map((p) => p.id)).not.toContain(id);
    const all = await call<ProjectSummary[]>('GET', '/api/projects?includeArchived=true', manager);
    expect(all.body.find((p) => p.id === id)).toMatchObject({ archived: true });

    // Nothing sold: a lock answers SALES_PAUSED (the archive paused sales), resuming is refused.
    const socket = await server.connect({ token: consultant });
    const lock = await emitAck<LockResult>(socket, 'unit:lock', { unitId: server.fixture.unitIds[1] });
    expect(lock).toMatchObject({ ok: false, error: { code: 'SALES_PAUSED' } });
    socket.disconnect();
    expect(errorCode(await call('POST', `/api/projects/${id}/resume`, manager, {}))).toBe('PROJECT_ARCHIVED');
    // Read-only: edits, settings, batches, permits.
    expect(errorCode(await call('PATCH', `/api/projects/${id}`, manager, { name: 'x' }))).toBe('PROJECT_ARCHIVED');
    expect(errorCode(await call('PATCH', `/api/projects/${id}/settings`, manager, { lockTtlSeconds: 60 }))).toBe(
      'PROJECT_ARCHIVED',
    );
    expect(
      errorCode(
        await call('POST', `/api/projects/${id}/batches`, manager, { name: 'b', unitIds: [server.fixture.unitIds[0]] }),
      ),
    ).toBe('PROJECT_ARCHIVED');
    expect(
      errorCode(
        await call('POST', `/api/projects/${id}/permits`, manager, {
          number: 'Y',
          issuedOn: '2026-01-01',
          unitIds: [server.fixture.unitIds[0]],
        }),
      ),
    ).toBe('PROJECT_ARCHIVED');
    // …and the cashier settings, the 认购书 terms and the kiosk PIN: refused, nothing written.
    const before = await server.db.project.findUniqueOrThrow({
      where: { id },
      select: { depositWindowMinutes: true, agreementTerms: true, signingDays: true, kioskPinHash: true },
    });
    const writes = [
      () => call('PATCH', `/api/projects/${id}/cashier-settings`, manager, { depositWindowMinutes: 45 }),
      () => call('PATCH', `/api/projects/${id}/agreement`, manager, { terms: '归档后的条款', signingDays: 9 }),
      () => call('PUT', `/api/projects/${id}/kiosk-pin`, manager, { pin: '135790' }),
    ];
    for (const write of writes) {
      const refused = await write();
      expect(refused.status).toBe(409);
      expect(errorCode(refused)).toBe('PROJECT_ARCHIVED');
    }
    const after = await server.db.project.findUniqueOrThrow({
      where: { id },
      select: { depositWindowMinutes: true, agreementTerms: true, signingDays: true, kioskPinHash: true },
    });
    expect(after).toEqual(before);
    expect(
      await server.db.auditEvent.count({
        where: {
          projectId: id,
          action: { in: ['project.cashier_settings', 'project.agreement', 'project.kiosk-pin'] },
        },
      }),
    ).toBe(0);

    const back = await call<ProjectDetails>('POST', `/api/projects/${id}/unarchive`, admin, {});
    expect(back.body).toMatchObject({ archived: false, archivedAt: null, salesPaused: true });
    expect((await call('PATCH', `/api/projects/${id}`, manager, { name: '测试项目二期' })).status).toBe(200);
    expect((await call('POST', `/api/projects/${id}/resume`, manager, {})).status).toBe(200);
    for (const write of writes) expect((await write()).status).toBe(200);
    const audit = await server.db.auditEvent.findMany({
      where: { entityId: id, action: { in: ['project.archive', 'project.unarchive'] } },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.before, a.after])).toEqual([
      ['project.archive', { archived: false, salesPaused: false }, { archived: true, salesPaused: true }],
      ['project.unarchive', { archived: true, salesPaused: true }, { archived: false, salesPaused: true }],
    ]);
  });
});
