/** The public hub protocol against a real server, PostgreSQL and Redis. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  HUB_COMMANDS,
  type ConfirmResult,
  type HubCommand,
  type LockResult,
  type ProjectSnapshot,
  type ServerMetrics,
  type UnitsChangedFrame,
  type UnitChange,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';

let server: TestServer;
let c1: HubClient;
let c2: HubClient;
let board: HubClient;
let manager: string;
const boardChanges: UnitChange[] = [];

function waitForChange(predicate: (c: UnitChange) => boolean, timeoutMs = 3_000): Promise<UnitChange> {
  const found = boardChanges.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('change not seen')), timeoutMs);
    const onFrame = (frame: UnitsChangedFrame) => {
      const hit = frame.changes.find(predicate);
      if (hit) {
        clearTimeout(timer);
        board.off('units:changed', onFrame);
        resolve(hit);
      }
    };
    board.on('units:changed', onFrame);
  });
}

beforeAll(async () => {
  server = await startTestServer({ units: 24, consultants: 4 });
  const [a, b, m] = await Promise.all([server.login('s001'), server.login('s002'), server.login('manager')]);
  manager = m.token;
  c1 = await server.connect({ token: a.token });
  c2 = await server.connect({ token: b.token });
  board = await server.connect({ deviceKey: TEST_BOARD_KEY });
  for (const s of [c1, c2, board]) {
    const ack = await emitAck<ProjectSnapshot>(s, 'project:join', { projectId: server.fixture.projectId });
    expect(ack.ok).toBe(true);
  }
  board.on('units:changed', (frame) => boardChanges.push(...frame.changes));
});

afterAll(async () => {
  await server?.close();
});

describe('project:join', () => {
  it('returns every unit of the project with a seq', async () => {
    const ack = await emitAck<ProjectSnapshot>(c1, 'project:join', { projectId: server.fixture.projectId });
    if (!ack.ok) throw new Error(ack.error.code);
    expect(ack.data.units).toHaveLength(24 + 4);
    expect(ack.data.seq).toBeGreaterThan(0);
    expect(ack.data.paused).toBe(false);
    expect(ack.data.units.filter((u) => u.status === 'NOT_RELEASED')).toHaveLength(4);
    const u = ack.data.units[0]!;
    expect(u).toMatchObject({
      id: expect.any(String),
      code: expect.any(String),
      buildingId: expect.any(String),
      floor: expect.any(Number),
    });
  });

  it('refuses another project and unknown ids', async () => {
    const other = await emitAck(c1, 'project:join', { projectId: server.fixture.otherProjectId });
    expect(other).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const unknown = await emitAck(c1, 'project:join', { projectId: '4d1a6f4e-8a51-4c2e-9a55-0d8a7c0c0f11' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const bad = await emitAck(board, 'project:join', { projectId: server.fixture.otherProjectId });
    expect(bad).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('lock → confirm', () => {
  it('locks, broadcasts, refuses others, and is idempotent for the holder', async () => {
    const unitId = server.fixture.unitIds[0]!;
    const ack = await emitAck<LockResult>(c1, 'unit:lock', { unitId });
    if (!ack.ok) throw new Error(ack.error.code);
    expect(ack.data.token).toMatch(/^\d+$/);
    expect(ack.data.ttlMs).toBeGreaterThan(100_000);
    expect(new Date(ack.data.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const seen = await waitForChange((c) => c.unitId === unitId && c.status === 'LOCKED');
    expect(seen.lock).toMatchObject({ holderName: '顾问s001' });

    expect(await emitAck(c2, 'unit:lock', { unitId })).toMatchObject({ ok: false, error: { code: 'LOCK_HELD' } });
    const again = await emitAck<LockResult>(c1, 'unit:lock', { unitId });
    expect(again).toMatchObject({ ok: true, data: { token: ack.data.token } });

    const confirm = await emitAck<ConfirmResult>(c1, 'unit:confirm', {
      unitId,
      token: ack.data.token,
      buyer: { name: '张三丰', phone: '138 1234 5678' },
    });
    if (!confirm.ok) throw new Error(confirm.error.code);
    const sold = await waitForChange((c) => c.unitId === unitId && c.status === 'SUBSCRIBED');
    expect(sold.deal).toMatchObject({
      buyer: '张**',
      subscriptionId: confirm.data.subscriptionId,
      consultant: '顾问s001',
    });
    expect(sold.price).toBe(sold.deal?.price);

    const row = await server.db.subscription.findUniqueOrThrow({ where: { id: confirm.data.subscriptionId } });
    expect(row).toMatchObject({ unitId, buyerName: '张三丰', buyerPhone: '13812345678', status: 'ACTIVE' });
    expect(row.lockToken.toString()).toBe(ack.data.token);
    const unit = await server.db.unit.findUniqueOrThrow({ where: { id: unitId } });
    expect(unit.status).toBe('SUBSCRIBED');

    // A retried confirm (lost ack) returns the same subscription; nothing is recorded twice.
    const retry = await emitAck<ConfirmResult>(c1, 'unit:confirm', {
      unitId,
      token: ack.data.token,
      buyer: { name: '张三丰', phone: '13812345678' },
    });
    expect(retry).toEqual({ ok: true, data: { subscriptionId: confirm.data.subscriptionId } });
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(1);
    expect(await emitAck(c2, 'unit:lock', { unitId })).toMatchObject({
      ok: false,
      error: { code: 'UNIT_NOT_AVAILABLE' },
    });

    const audit = await server.db.auditEvent.findMany({ where: { entityId: unitId }, orderBy: { id: 'asc' } });
    await server.kaipan.services.audit.flush();
    const actions = (await server.db.auditEvent.findMany({ where: { entityId: unitId } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['unit.lock', 'unit.confirm']));
    expect(audit.find((a) => a.action === 'unit.confirm')).toMatchObject({
      actorName: 's001',
      before: { status: 'LOCKED' },
    });
  });

  it('releases with compare-and-delete; a repeated release is harmless', async () => {
    const unitId = server.fixture.unitIds[1]!;
    const ack = await emitAck<LockResult>(c1, 'unit:lock', { unitId });
    if (!ack.ok) throw new Error(ack.error.code);
    expect(await emitAck(c2, 'unit:release', { unitId, token: ack.data.token })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await emitAck(c1, 'unit:release', { unitId, token: '1' })).toMatchObject({
      ok: false,
      error: { code: 'LOCK_EXPIRED' },
    });
    expect(await emitAck(c1, 'unit:release', { unitId, token: ack.data.token })).toEqual({
      ok: true,
      data: { unitId },
    });
    await waitForChange((c) => c.unitId === unitId && c.status === 'AVAILABLE');
    expect(await emitAck(c1, 'unit:release', { unitId, token: ack.data.token })).toEqual({
      ok: true,
      data: { unitId },
    });
    // The released token cannot confirm.
    expect(
      await emitAck(c1, 'unit:confirm', { unitId, token: ack.data.token, buyer: { name: 'A', phone: '13800000000' } }),
    ).toMatchObject({ ok: false, error: { code: 'LOCK_EXPIRED' } });
  });

  it('limits how many locks one consultant holds', async () => {
    const [a, b, c] = server.fixture.unitIds.slice(4, 7) as [string, string, string];
    const first = await emitAck<LockResult>(c2, 'unit:lock', { unitId: a });
    const second = await emitAck<LockResult>(c2, 'unit:lock', { unitId: b });
    expect(first.ok && second.ok).toBe(true);
    expect(await emitAck(c2, 'unit:lock', { unitId: c })).toMatchObject({ ok: false, error: { code: 'LOCK_LIMIT' } });
    if (first.ok) await emitAck(c2, 'unit:release', { unitId: a, token: first.data.token });
    const third = await emitAck<LockResult>(c2, 'unit:lock', { unitId: c });
    expect(third.ok).toBe(true);
    for (const [unitId, r] of [
      [b, second],
      [c, third],
    ] as const) {
      if (r.ok) await emitAck(c2, 'unit:release', { unitId, token: r.data.token });
    }
  });

  it('refuses units not released; a pause refuses new locks and confirms, a held lock confirms after the resume', async () => {
    const pending = server.fixture.pendingUnitIds[0]!;
    expect(await emitAck(c1, 'unit:lock', { unitId: pending })).toMatchObject({
      ok: false,
      error: { code: 'NOT_RELEASED' },
    });

    const unitId = server.fixture.unitIds[8]!;
    const held = await emitAck<LockResult>(c1, 'unit:lock', { unitId });
    const pause = await http(server.url, 'POST', `/api/projects/${server.fixture.projectId}/pause`, manager, {});
    expect(pause.status).toBe(200);
    expect(await emitAck(c2, 'unit:lock', { unitId: server.fixture.unitIds[9]! })).toMatchObject({
      ok: false,
      error: { code: 'SALES_PAUSED' },
    });
    // A pause stops confirms too (a pause to fix a wrong price must); the held lock stays.
    if (!held.ok) throw new Error('lock failed');
    const payload = { unitId, token: held.data.token, buyer: { name: 'Li Lei', phone: '+8613900000000' } };
    expect(await emitAck(c1, 'unit:confirm', payload)).toMatchObject({ ok: false, error: { code: 'SALES_PAUSED' } });
    await http(server.url, 'POST', `/api/projects/${server.fixture.projectId}/resume`, manager, {});
    const confirm = await emitAck<ConfirmResult>(c1, 'unit:confirm', payload);
    expect(confirm.ok).toBe(true);
    expect((await emitAck<LockResult>(c2, 'unit:lock', { unitId: server.fixture.unitIds[9]! })).ok).toBe(true);
  });

  it('a board device can watch but never act', async () => {
    expect(await emitAck(board, 'unit:lock', { unitId: server.fixture.unitIds[12]! })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});

describe('bad input changes nothing', () => {
  const big = 'x'.repeat(1024 * 1024);
  const cases: [string, string, unknown][] = [
    ['missing field', 'unit:lock', {}],
    ['extra field', 'unit:lock', { unitId: '4d1a6f4e-8a51-4c2e-9a55-0d8a7c0c0f11', x: 1 }],
    ['wrong type', 'unit:lock', { unitId: 42 }],
    ['not an object', 'unit:lock', 'hello'],
    ['null payload', 'unit:release', null],
    ['1 MB string', 'unit:lock', { unitId: big }],
    ['bad token', 'unit:release', { unitId: '4d1a6f4e-8a51-4c2e-9a55-0d8a7c0c0f11', token: 'abc' }],
    [
      'bad phone',
      'unit:confirm',
      { unitId: '4d1a6f4e-8a51-4c2e-9a55-0d8a7c0c0f11', token: '1', buyer: { name: 'A', phone: 'call me' } },
    ],
    [
      '1 MB name',
      'unit:confirm',
      { unitId: '4d1a6f4e-8a51-4c2e-9a55-0d8a7c0c0f11', token: '1', buyer: { name: big, phone: '13800000000' } },
    ],
    [
      'extra buyer field',
      'unit:confirm',
      {
        unitId: '4d1a6f4e-8a51-4c2e-9a55-0d8a7c0c0f11',
        token: '1',
        buyer: { name: 'A', phone: '13800000000', vip: true },
      },
    ],
    ['join without id', 'project:join', { id: 'x' }],
  ];

  it.each(cases)('%s → VALIDATION_FAILED', async (_name, event, payload) => {
    const before = await emitAck<ProjectSnapshot>(c1, 'project:join', { projectId: server.fixture.projectId });
    const subs = await server.db.subscription.count();
    const ack = await emitAck(c1, event as 'unit:lock', payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
    const after = await emitAck<ProjectSnapshot>(c1, 'project:join', { projectId: server.fixture.projectId });
    if (!before.ok || !after.ok) throw new Error('join failed');
    expect(after.data.seq).toBe(before.data.seq);
    expect(await server.db.subscription.count()).toBe(subs);
  });

  it('every command of the shared map is answered, validated by its schema; an event that is none answers NOT_FOUND', async () => {
    const socket = await server.connect({ token: (await server.login('s003')).token });
    const events = Object.keys(HUB_COMMANDS);
    expect(events.sort()).toEqual(['project:join', 'project:leave', 'unit:confirm', 'unit:lock', 'unit:release']);
    for (const event of events) {
      expect(await emitAck(socket, event as HubCommand, {}), event).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
    }
    const notACommand = await emitAck(socket, 'unit:steal' as HubCommand, { unitId: server.fixture.unitIds[0]! });
    expect(notACommand).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('unknown unit → NOT_FOUND; another project’s unit → FORBIDDEN', async () => {
    expect(await emitAck(c1, 'unit:lock', { unitId: '4d1a6f4e-8a51-4c2e-9a55-0d8a7c0c0f11' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await emitAck(c1, 'unit:lock', { unitId: server.fixture.otherUnitId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('refuses a socket without valid credentials', async () => {
    await expect(server.connect({ token: 'v1.bogus.sig' })).rejects.toThrow(/UNAUTHENTICATED/);
    await expect(server.connect({ deviceKey: 'not-a-real-device-key' })).rejects.toThrow(/UNAUTHENTICATED/);
  });
});

describe('fan-out audiences', () => {
  it('boards get every frame, consultant phones merged frames; both see every seq exactly once, also after a re-join', async () => {
    const projectId = server.fixture.projectId;
    // Re-joining must not put a socket into its audience room twice (duplicate frames).
    for (const s of [c2, board]) expect((await emitAck(s, 'project:join', { projectId })).ok).toBe(true);
    const seen = { board: [] as UnitsChangedFrame[], phone: [] as UnitsChangedFrame[] };
    const onBoard = (f: UnitsChangedFrame) => seen.board.push(f);
    const onPhone = (f: UnitsChangedFrame) => seen.phone.push(f);
    board.on('units:changed', onBoard);
    c2.on('units:changed', onPhone);
    const unitId = server.fixture.unitIds[20]!;
    for (let i = 0; i < 6; i += 1) {
      const lock = await emitAck<LockResult>(c1, 'unit:lock', { unitId });
      if (!lock.ok) throw new Error(lock.error.code);
      expect((await emitAck(c1, 'unit:release', { unitId, token: lock.data.token })).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 60));
    }
    const seqsOf = (frames: UnitsChangedFrame[]) =>
      frames.flatMap((f) => f.changes.filter((c) => c.unitId === unitId).map((c) => c.seq));
    await vi.waitFor(() => expect(seqsOf(seen.phone)).toHaveLength(12), { timeout: 3_000 });
    await vi.waitFor(() => expect(seqsOf(seen.board)).toHaveLength(12), { timeout: 3_000 });
    board.off('units:changed', onBoard);
    c2.off('units:changed', onPhone);
    expect(seqsOf(seen.phone)).toEqual(seqsOf(seen.board));
    expect(new Set(seqsOf(seen.board)).size).toBe(12);
    // 12 changes spread over ~700 ms: the board frame rate (50 ms) separates them, the phones' (200 ms) merges them.
    expect(seen.phone.length).toBeLessThan(seen.board.length);
    for (const frames of [seen.board, seen.phone]) {
      for (const [i, f] of frames.entries()) {
        expect(f.changes.map((c) => c.seq)).toEqual(
          Array.from({ length: f.seq - f.fromSeq + 1 }, (_, k) => f.fromSeq + k),
        );
        if (i > 0) expect(f.fromSeq).toBe(frames[i - 1]!.seq + 1);
      }
    }
  });
});

describe('GET /api/metrics', () => {
  it('shows managers this process: sockets, event loop, memory, and hub commands answered by event and refusal code', async () => {
    const unitId = server.fixture.unitIds[22]!;
    const lock = await emitAck<LockResult>(c1, 'unit:lock', { unitId });
    if (!lock.ok) throw new Error(lock.error.code);
    expect(await emitAck(c2, 'unit:lock', { unitId })).toMatchObject({ ok: false, error: { code: 'LOCK_HELD' } });
    expect((await emitAck(c1, 'unit:release', { unitId, token: lock.data.token })).ok).toBe(true);
    const res = await http<ServerMetrics>(server.url, 'GET', '/api/metrics', manager);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      pid: expect.any(Number),
      role: 'all',
      memory: { rssMb: expect.any(Number), heapUsedMb: expect.any(Number) },
      eventLoop: { p50Ms: expect.any(Number), p99Ms: expect.any(Number), maxMs: expect.any(Number) },
      postgres: { up: true, pool: { total: expect.any(Number), idle: expect.any(Number), waiting: 0 } },
      redis: { up: true, pingMs: expect.any(Number) },
    });
    expect(res.body.sockets.hub).toBeGreaterThanOrEqual(3);
    const locks = res.body.commands.find((c) => c.event === 'unit:lock');
    expect(locks?.ok).toBeGreaterThanOrEqual(1);
    expect(locks?.refused.LOCK_HELD).toBeGreaterThanOrEqual(1);
    // A new window starts with every read.
    const again = await http<ServerMetrics>(server.url, 'GET', '/api/metrics', manager);
    expect(again.body.commands.find((c) => c.event === 'unit:lock')).toBeUndefined();
    const consultant = await server.login('s003');
    expect(await http(server.url, 'GET', '/api/metrics', consultant.token)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
  });
});
