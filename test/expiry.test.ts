/** Lock expiry is noticed and broadcast promptly; an expired or stale token can never confirm. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockResult, ProjectSnapshot, UnitsChangedFrame } from '@kaipan/shared';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';

let server: TestServer;
let a: HubClient;
let b: HubClient;
let board: HubClient;

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2, lockTtlSeconds: 1, env: { HUB_RATE_PER_SECOND: '5' } });
  a = await server.connect({ token: (await server.login('s001')).token });
  b = await server.connect({ token: (await server.login('s002')).token });
  board = await server.connect({ deviceKey: TEST_BOARD_KEY });
  await emitAck<ProjectSnapshot>(board, 'project:join', { projectId: server.fixture.projectId });
});

afterAll(async () => {
  await server?.close();
});

function nextStatus(unitId: string, status: string): Promise<number> {
  return new Promise((resolve) => {
    const onFrame = (frame: UnitsChangedFrame) => {
      if (frame.changes.some((c) => c.unitId === unitId && c.status === status)) {
        board.off('units:changed', onFrame);
        resolve(Date.now());
      }
    };
    board.on('units:changed', onFrame);
  });
}

describe('lock expiry', () => {
  it('frees the unit on every screen within 1 s of expiry, audited', async () => {
    const unitId = server.fixture.unitIds[0]!;
    const freed = nextStatus(unitId, 'AVAILABLE');
    const lock = await emitAck<LockResult>(a, 'unit:lock', { unitId });
    if (!lock.ok) throw new Error(lock.error.code);
    const seenAt = await freed;
    const lag = seenAt - new Date(lock.data.expiresAt).getTime();
    console.log(`[expiry] broadcast ${lag} ms after the lock's expiry`);
    expect(lag).toBeGreaterThanOrEqual(-50);
    expect(lag).toBeLessThan(1_000);
    // The sweeper records the audit event right after its script; poll until it is written.
    let events: Awaited<ReturnType<typeof server.db.auditEvent.findMany>> = [];
    for (let i = 0; i < 50 && events.length < 2; i += 1) {
      await server.kaipan.services.audit.flush();
      events = await server.db.auditEvent.findMany({ where: { entityId: unitId }, orderBy: { id: 'asc' } });
      if (events.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(events.map((e) => e.action)).toEqual(['unit.lock', 'unit.lock_expired']);
    expect(events[1]).toMatchObject({ actorKind: 'system', after: { status: 'AVAILABLE' } });
  });

  it('refuses a confirm with an expired token, and with a stale token after someone else locked', async () => {
    const unitId = server.fixture.unitIds[1]!;
    const first = await emitAck<LockResult>(a, 'unit:lock', { unitId });
    if (!first.ok) throw new Error(first.error.code);
    await new Promise((r) => setTimeout(r, 1_300));
    const buyer = { name: '赵六', phone: '13500000000' };
    expect(await emitAck(a, 'unit:confirm', { unitId, token: first.data.token, buyer })).toMatchObject({
      ok: false,
      error: { code: 'LOCK_EXPIRED' },
    });

    const second = await emitAck<LockResult>(b, 'unit:lock', { unitId });
    if (!second.ok) throw new Error(second.error.code);
    expect(BigInt(second.data.token)).toBeGreaterThan(BigInt(first.data.token));
    expect(await emitAck(a, 'unit:confirm', { unitId, token: first.data.token, buyer })).toMatchObject({
      ok: false,
      error: { code: 'LOCK_EXPIRED' },
    });
    expect(await emitAck(a, 'unit:confirm', { unitId, token: second.data.token, buyer })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const ok = await emitAck(b, 'unit:confirm', { unitId, token: second.data.token, buyer });
    expect(ok.ok).toBe(true);
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(1);
  });
});

describe('rate limiting', () => {
  it('answers RATE_LIMITED past the per-socket burst and changes nothing', async () => {
    const c = await server.connect({ token: (await server.login('s002')).token });
    const unitId = server.fixture.unitIds[5]!;
    const acks = await Promise.all(Array.from({ length: 25 }, () => emitAck(c, 'unit:lock', { unitId })));
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThan(0);
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
  });
});
