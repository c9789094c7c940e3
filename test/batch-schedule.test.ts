/**
 * Scheduled 推盘 (BullMQ `batches` queue) and withhold channels, against a real server, PostgreSQL
 * and Redis. BullMQ's delayed jobs live in Redis, so fake timers cannot drive them: the schedules
 * here are short real delays, and the assertions are a correctness window (released after the
 * instant, not before, and within about a second of it), not a performance claim.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { BatchInfo, ProjectSnapshot, UnitChange, WithheldUnitInfo } from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';
import { BATCHES_QUEUE, releaseJobId } from '../server/src/jobs/batches.js';
import { bullPrefix, createBullConnection } from '../server/src/jobs/producer.js';

let server: TestServer;
let board: HubClient;
let manager: string;
let consultant: string;
/** Board changes with the local receive time. */
const seen: { change: UnitChange; receivedAt: number }[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function call<T = unknown>(method: string, path: string, token: string, body?: unknown) {
  return http<T>(server.url, method, path, token, body);
}

function waitForAvailable(unitId: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const hit = seen.find((s) => s.change.unitId === unitId && s.change.status === 'AVAILABLE');
      if (hit) return resolve(hit.receivedAt);
      if (Date.now() - started > timeoutMs) return reject(new Error(`unit ${unitId} not released`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

async function unitStatus(unitId: string) {
  return (await server.db.unit.findUniqueOrThrow({ where: { id: unitId }, select: { status: true } })).status;
}

async function releases(batchId: string) {
  return server.db.auditEvent.findMany({ where: { entityId: batchId, action: 'batch.release' } });
}

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2 });
  const [m, s] = await Promise.all([server.login('manager'), server.login('s001')]);
  manager = m.token;
  consultant = s.token;
  board = await server.connect({ deviceKey: TEST_BOARD_KEY });
  const ack = await emitAck<ProjectSnapshot>(board, 'project:join', { projectId: server.fixture.projectId });
  expect(ack.ok).toBe(true);
  board.on('units:changed', (frame) =>
    seen.push(...frame.changes.map((change) => ({ change, receivedAt: Date.now() }))),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('batch schedule', () => {
  it('cancels a pending batch: audited, never released, its units stay NOT_RELEASED and free', async () => {
    const id = server.fixture.pendingBatchId;
    const cancelled = await call<BatchInfo>('POST', `/api/batches/${id}/cancel`, manager, {});
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'PENDING', cancelledAt: expect.any(String) } });
    expect((await call('POST', `/api/batches/${id}/release`, manager, {})).body).toMatchObject({
      error: { code: 'INVALID_TRANSITION' },
    });
    expect((await call('POST', `/api/batches/${id}/cancel`, manager, {})).body).toMatchObject({
      error: { code: 'INVALID_TRANSITION' },
    });
    expect((await call('PATCH', `/api/batches/${id}`, manager, { name: 'x' })).status).toBe(409);
    for (const u of server.fixture.pendingUnitIds) expect(await unitStatus(u)).toBe('NOT_RELEASED');
    const audit = await server.db.auditEvent.findMany({ where: { entityId: id, action: { startsWith: 'batch.' } } });
    expect(audit.map((a) => a.action)).toEqual(['batch.cancel']);
    expect(audit[0]).toMatchObject({
      actorName: 'manager',
      before: { status: 'PENDING' },
      after: { status: 'CANCELLED' },
    });
  });

  it('refuses bad schedules with a coded 4xx and changes nothing', async () => {
    const projectId = server.fixture.projectId;
    const unitIds = [server.fixture.pendingUnitIds[0]!];
    const before = await server.db.batch.count();
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 60_000).toISOString();
    const cases = [
      [manager, { name: 'Past', unitIds, releaseAt: past }, 400, 'VALIDATION_FAILED'],
      [manager, { name: 'Both', unitIds, releaseAt: future, release: true }, 400, 'VALIDATION_FAILED'],
      [manager, { name: 'Garbage', unitIds, releaseAt: 'tomorrow' }, 400, 'VALIDATION_FAILED'],
      [consultant, { name: 'Seller', unitIds, releaseAt: future }, 403, 'FORBIDDEN'],
    ] as const;
    for (const [token, body, status, code] of cases) {
      expect(await call('POST', `/api/projects/${projectId}/batches`, token, body)).toMatchObject({
        status,
        body: { error: { code } },
      });
    }
    expect(await server.db.batch.count()).toBe(before);
    // A released batch can be neither rescheduled nor cancelled.
    const now = await call<BatchInfo>('POST', `/api/projects/${projectId}/batches`, manager, {
      name: 'Now',
      unitIds,
      release: true,
    });
    expect(now.body).toMatchObject({ status: 'RELEASED' });
    expect((await call('PATCH', `/api/batches/${now.body.id}`, manager, { releaseAt: future })).body).toMatchObject({
      error: { code: 'INVALID_TRANSITION' },
    });
    expect((await call('POST', `/api/batches/${now.body.id}/cancel`, manager, {})).body).toMatchObject({
      error: { code: 'INVALID_TRANSITION' },
    });
    expect((await call('PATCH', `/api/batches/${now.body.id}`, consultant, { name: 'y' })).body).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    const audit = await server.db.auditEvent.findMany({ where: { entityId: now.body.id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['batch.create', 'batch.release']);
  });

  it('releases a scheduled batch on the board at (not before) its instant, once; the board may read the schedule', async () => {
    const unitId = server.fixture.pendingUnitIds[1]!;
    const releaseAt = new Date(Date.now() + 1500);
    const created = await call<BatchInfo>('POST', `/api/projects/${server.fixture.projectId}/batches`, manager, {
      name: '二批',
      unitIds: [unitId],
      releaseAt: releaseAt.toISOString(),
    });
    expect(created).toMatchObject({
      status: 201,
      body: { status: 'PENDING', releaseAt: releaseAt.toISOString(), cancelledAt: null },
    });
    const boardList = await http<BatchInfo[]>(
      server.url,
      'GET',
      `/api/projects/${server.fixture.projectId}/batches`,
      undefined,
      undefined,
      {
        'x-device-key': TEST_BOARD_KEY,
      },
    );
    expect(boardList.status).toBe(200);
    expect(boardList.body).toContainEqual(
      expect.objectContaining({ id: created.body.id, releaseAt: releaseAt.toISOString() }),
    );
    const receivedAt = await waitForAvailable(unitId, 5_000);
    expect(receivedAt).toBeGreaterThanOrEqual(releaseAt.getTime());
    expect(receivedAt).toBeLessThanOrEqual(releaseAt.getTime() + 1_000);
    const audit = await releases(created.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorName: 'system',
      after: { status: 'RELEASED', scheduledFor: releaseAt.toISOString() },
    });
    const schedule = await server.db.auditEvent.findMany({
      where: { entityId: created.body.id, action: 'batch.schedule' },
    });
    expect(schedule[0]).toMatchObject({ before: { releaseAt: null }, after: { releaseAt: releaseAt.toISOString() } });
  });

  it('reschedule: released at the new instant only, once', async () => {
    const unitId = server.fixture.pendingUnitIds[2]!;
    const first = new Date(Date.now() + 1500);
    const created = await call<BatchInfo>('POST', `/api/projects/${server.fixture.projectId}/batches`, manager, {
      name: '三批',
      unitIds: [unitId],
      releaseAt: first.toISOString(),
    });
    const second = new Date(Date.now() + 3000);
    const patched = await call<BatchInfo>('PATCH', `/api/batches/${created.body.id}`, manager, {
      releaseAt: second.toISOString(),
      name: '三批 B',
    });
    expect(patched.body).toMatchObject({ name: '三批 B', releaseAt: second.toISOString() });
    // A job for the old instant that Redis still ran would find the batch rescheduled and do nothing.
    expect(await server.kaipan.services.control.releaseScheduled(created.body.id, first)).toBe(false);
    await sleep(Math.max(0, first.getTime() + 600 - Date.now()));
    expect(await unitStatus(unitId)).toBe('NOT_RELEASED');
    const receivedAt = await waitForAvailable(unitId, 5_000);
    expect(receivedAt).toBeGreaterThanOrEqual(second.getTime());
    expect(receivedAt).toBeLessThanOrEqual(second.getTime() + 1_000);
    await sleep(300);
    expect(await releases(created.body.id)).toHaveLength(1);
    const audit = await server.db.auditEvent.findMany({
      where: { entityId: created.body.id, action: 'batch.reschedule' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      before: { releaseAt: first.toISOString(), name: '三批' },
      after: { releaseAt: second.toISOString(), name: '三批 B' },
    });
  });

  it('cancelled before its instant: never released', async () => {
    const unitId = server.fixture.pendingUnitIds[3]!;
    const at = new Date(Date.now() + 1200);
    const created = await call<BatchInfo>('POST', `/api/projects/${server.fixture.projectId}/batches`, manager, {
      name: '四批',
      unitIds: [unitId],
      releaseAt: at.toISOString(),
    });
    expect((await call('POST', `/api/batches/${created.body.id}/cancel`, manager, {})).status).toBe(200);
    await sleep(Math.max(0, at.getTime() + 800 - Date.now()));
    expect(await unitStatus(unitId)).toBe('NOT_RELEASED');
    expect(await releases(created.body.id)).toHaveLength(0);
    const cancel = await server.db.auditEvent.findMany({
      where: { entityId: created.body.id, action: 'batch.cancel' },
    });
    expect(cancel[0]).toMatchObject({ before: { releaseAt: at.toISOString() } });
  });

  it('a restarted worker re-enqueues a schedule Redis lost, and releases at once one already due', async () => {
    const unitId = server.fixture.pendingUnitIds[3]!;
    const at = new Date(Date.now() + 1500);
    const created = await call<BatchInfo>('POST', `/api/projects/${server.fixture.projectId}/batches`, manager, {
      name: '五批',
      unitIds: [unitId],
      releaseAt: at.toISOString(),
    });
    expect(created.status).toBe(201);
    await server.kaipan.close();
    // Redis lost the delayed job while the process was down.
    const connection = createBullConnection(server.config.redisUrl, 'test');
    const queue = new Queue(BATCHES_QUEUE, { connection, prefix: bullPrefix(server.config.redisPrefix) });
    expect(await queue.getJob(releaseJobId(created.body.id, at))).toBeDefined();
    await queue.remove(releaseJobId(created.body.id, at));
    expect(await queue.getJob(releaseJobId(created.body.id, at))).toBeUndefined();
    await sleep(Math.max(0, at.getTime() + 300 - Date.now()));
    expect(await unitStatus(unitId)).toBe('NOT_RELEASED');
    const restartedAt = Date.now();
    await server.restart();
    for (let i = 0; i < 100 && (await unitStatus(unitId)) !== 'AVAILABLE'; i++) await sleep(20);
    expect(await unitStatus(unitId)).toBe('AVAILABLE');
    expect(Date.now() - restartedAt).toBeLessThan(5_000);
    expect(await releases(created.body.id)).toHaveLength(1);
    await queue.close();
    connection.disconnect();
  });
});

describe('withhold channel', () => {
  it('stores the channel, audits it, clears it on unwithhold; refuses an unknown channel', async () => {
    const unitId = server.fixture.unitIds[0]!;
    expect(
      (await call('POST', `/api/units/${unitId}/withhold`, manager, { reason: '内部', channel: 'BOSS' })).body,
    ).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await server.db.unit.findUniqueOrThrow({ where: { id: unitId }, select: { status: true } })).toEqual({
      status: 'AVAILABLE',
    });
    const res = await call('POST', `/api/units/${unitId}/withhold`, manager, { reason: 'VIP 保留', channel: 'VIP' });
    expect(res).toMatchObject({ status: 200, body: { status: 'WITHHELD' } });
    expect(
      await server.db.unit.findUniqueOrThrow({
        where: { id: unitId },
        select: { withholdChannel: true, withholdReason: true },
      }),
    ).toEqual({
      withholdChannel: 'VIP',
      withholdReason: 'VIP 保留',
    });
    const audit = await server.db.auditEvent.findFirstOrThrow({ where: { entityId: unitId, action: 'unit.withhold' } });
    expect(audit.after).toEqual({ status: 'WITHHELD', reason: 'VIP 保留', channel: 'VIP' });
    // Staff screens read who a withheld unit is kept for; the project's board is refused it (the public
    // sees 保留 withheld, never why nor for whom).
    const boardView = await http(
      server.url,
      'GET',
      `/api/projects/${server.fixture.projectId}/withheld`,
      undefined,
      undefined,
      {
        'x-device-key': TEST_BOARD_KEY,
      },
    );
    expect(boardView.status).toBe(403);
    expect(JSON.stringify(boardView.body)).not.toContain('VIP');
    expect(
      (await call<WithheldUnitInfo[]>('GET', `/api/projects/${server.fixture.projectId}/withheld`, consultant)).body,
    ).toEqual([expect.objectContaining({ unitId, reason: 'VIP 保留', channel: 'VIP' })]);
    const outsider = await server.login('outsider');
    expect((await call('GET', `/api/projects/${server.fixture.projectId}/withheld`, outsider.token)).status).toBe(403);
    expect((await call('POST', `/api/units/${unitId}/unwithhold`, manager, {})).status).toBe(200);
    expect(
      await server.db.unit.findUniqueOrThrow({ where: { id: unitId }, select: { withholdChannel: true } }),
    ).toEqual({ withholdChannel: null });
    expect(
      (await call<WithheldUnitInfo[]>('GET', `/api/projects/${server.fixture.projectId}/withheld`, consultant)).body,
    ).toEqual([]);
  });
});

describe('batches:changed', () => {
  it('every screen of the project hears a batch being scheduled, rescheduled and cancelled', async () => {
    const heard: string[] = [];
    const screen = await server.connect({ deviceKey: TEST_BOARD_KEY });
    expect((await emitAck(screen, 'project:join', { projectId: server.fixture.projectId })).ok).toBe(true);
    screen.on('batches:changed', (e) => heard.push(e.projectId));
    const projectId = server.fixture.projectId;
    // A unit of its own, not yet released and in no batch (the fixture's pending ones were used above).
    const template = await server.db.unit.findFirstOrThrow({ where: { projectId } });
    const { id: unitId } = await server.db.unit.create({
      data: {
        projectId,
        buildingId: template.buildingId,
        code: 'Z-9901',
        floor: 99,
        position: 1,
        layout: 'A',
        layoutName: 'A',
        grossArea: 100,
        netArea: 80,
        orientation: '南',
        listPrice: 100_000_00n,
        floorPrice: 90_000_00n,
        status: 'NOT_RELEASED',
      },
    });
    const created = await call<BatchInfo>('POST', `/api/projects/${projectId}/batches`, manager, {
      name: 'Later',
      unitIds: [unitId],
      releaseAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(created.status).toBe(201);
    await call('PATCH', `/api/batches/${created.body.id}`, manager, {
      releaseAt: new Date(Date.now() + 7_200_000).toISOString(),
    });
    await call('POST', `/api/batches/${created.body.id}/cancel`, manager, {});
    const deadline = Date.now() + 5_000;
    while (heard.length < 3 && Date.now() < deadline) await sleep(20);
    expect(heard).toEqual([projectId, projectId, projectId]);
    screen.disconnect();
  });
});
