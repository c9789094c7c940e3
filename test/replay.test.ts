/**
 * Launch replay (docs/replay.md) on real PostgreSQL and Redis: a morning of real 推盘, locks,
 * confirms, releases, an expiry, a withholding and its end runs through the server; after each step
 * the live state is read (GET snapshot, the Redis mirror). Then the replay must show, at instants
 * between the steps and at the exact time of each step's event, the state that was live then — and
 * at "now" the live state. The route answers managers only, and its window's initial state is the
 * replayed state at `from`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  replayStateAt,
  type ConfirmResult,
  type LockResult,
  type ProjectSnapshot,
  type Replay,
  type UnitStatus,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';

let server: TestServer;
let manager: string;
let a: HubClient;
let b: HubClient;
let projectId: string;

/** The live state after a step, and the instant it was read. */
interface Moment {
  step: string;
  /** Read after the step's acks (and its audit events were flushed). */
  at: number;
  state: Record<string, UnitStatus>;
}
const moments: Moment[] = [];
let startedAt = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function live(): Promise<Record<string, UnitStatus>> {
  const res = await http<ProjectSnapshot>(server.url, 'GET', `/api/projects/${projectId}/snapshot`, manager);
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.units.map((u) => [u.id, u.status]));
}

/** Run a step, wait until its audit events are written, read the live state. */
async function step(name: string, run: () => Promise<void>): Promise<void> {
  await sleep(15); // distinct milliseconds between steps
  await run();
  await server.kaipan.services.audit.flush();
  const state = await live();
  moments.push({ step: name, at: Date.now(), state });
  await sleep(15);
}

async function replay(query: string, token = manager): Promise<{ status: number; body: Replay }> {
  return http<Replay>(server.url, 'GET', `/api/projects/${projectId}/replay?${query}`, token);
}

beforeAll(async () => {
  server = await startTestServer({ units: 10, consultants: 2, lockTtlSeconds: 2 });
  projectId = server.fixture.projectId;
  manager = (await server.login('manager')).token;
  const [c1, c2] = server.fixture.consultants;
  a = await server.connect({ token: (await server.login(c1!)).token });
  b = await server.connect({ token: (await server.login(c2!)).token });

  const [u0, u1, u2, u3, u4] = server.fixture.unitIds;
  const ok = <T>(ack: { ok: true; data: T } | { ok: false; error: { code: string } }): T => {
    if (!ack.ok) throw new Error(ack.error.code);
    return ack.data;
  };
  startedAt = Date.now();
  await step('start', async () => {});
  await step('推盘', async () => {
    const res = await http(server.url, 'POST', `/api/batches/${server.fixture.pendingBatchId}/release`, manager, {});
    expect(res.status).toBe(200);
  });
  let token = '';
  await step('lock', async () => {
    token = ok(await emitAck<LockResult>(a, 'unit:lock', { unitId: u0 })).token;
  });
  await step('confirm', async () => {
    ok(
      await emitAck<ConfirmResult>(a, 'unit:confirm', {
        unitId: u0,
        token,
        buyer: { name: '回放买家', phone: '13900000001' },
      }),
    );
  });
  await step('lock and release', async () => {
    const lock = ok(await emitAck<LockResult>(b, 'unit:lock', { unitId: u1 }));
    ok(await emitAck(b, 'unit:release', { unitId: u1, token: lock.token }));
  });
  await step('withhold', async () => {
    const res = await http(server.url, 'POST', `/api/units/${u2}/withhold`, manager, {
      reason: '领导预留',
      channel: 'VIP',
    });
    expect(res.status).toBe(200);
  });
  await step('lock that expires', async () => {
    ok(await emitAck<LockResult>(a, 'unit:lock', { unitId: u3 }));
  });
  await step('expiry', async () => {
    // The sweeper frees the unit after the 2 s lock and audits it.
    for (let i = 0; i < 100; i++) {
      await server.kaipan.services.audit.flush();
      const n = await server.db.auditEvent.count({ where: { entityId: u3!, action: 'unit.lock_expired' } });
      if (n > 0) return;
      await sleep(100);
    }
    throw new Error('the lock did not expire');
  });
  await step('unwithhold', async () => {
    const res = await http(server.url, 'POST', `/api/units/${u2}/unwithhold`, manager, {});
    expect(res.status).toBe(200);
  });
  await step('lock held now', async () => {
    ok(await emitAck<LockResult>(b, 'unit:lock', { unitId: u4 }));
  });
}, 120_000);

afterAll(async () => {
  a?.close();
  b?.close();
  await server?.close();
});

describe('launch replay', () => {
  it('the steps changed what they should (the live states the replay is judged against)', () => {
    const [u0, u1, u2, u3, u4] = server.fixture.unitIds;
    const at = (name: string) => moments.find((m) => m.step === name)!.state;
    expect(at('start')[server.fixture.pendingUnitIds[0]!]).toBe('NOT_RELEASED');
    expect(at('推盘')[server.fixture.pendingUnitIds[0]!]).toBe('AVAILABLE');
    expect(at('lock')[u0!]).toBe('LOCKED');
    expect(at('confirm')[u0!]).toBe('SUBSCRIBED');
    expect(at('lock and release')[u1!]).toBe('AVAILABLE');
    expect(at('withhold')[u2!]).toBe('WITHHELD');
    expect(at('lock that expires')[u3!]).toBe('LOCKED');
    expect(at('expiry')[u3!]).toBe('AVAILABLE');
    expect(at('unwithhold')[u2!]).toBe('AVAILABLE');
    expect(at('lock held now')[u4!]).toBe('LOCKED');
  });

  it('shows, between the steps, the state that was live then; at "now" the live state', async () => {
    const res = await replay(`from=${new Date(startedAt - 1000).toISOString()}`);
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('Asia/Shanghai');
    for (const m of moments) {
      // Right after the step was read, and midway to the next step.
      expect(replayStateAt(res.body, m.at), m.step).toEqual(m.state);
      expect(replayStateAt(res.body, m.at + 10), m.step).toEqual(m.state);
    }
    expect(replayStateAt(res.body, Date.parse(res.body.to))).toEqual(await live());
  });

  it("at a step's event's exact time shows the step done; a millisecond before, the state before it", async () => {
    const res = await replay(`from=${new Date(startedAt - 1000).toISOString()}`);
    const changes = res.body.changes;
    expect(changes.map((c) => c.action)).toEqual([
      ...server.fixture.pendingUnitIds.map(() => 'batch.release'),
      'unit.lock',
      'unit.confirm',
      'unit.lock',
      'unit.release',
      'unit.withhold',
      'unit.lock',
      'unit.lock_expired',
      'unit.unwithhold',
      'unit.lock',
    ]);
    // Each step's last change: at its exact time the state is the step's; just before, the one before.
    for (let i = 1; i < moments.length; i++) {
      const m = moments[i]!;
      const own = changes.filter((c) => Date.parse(c.at) > moments[i - 1]!.at && Date.parse(c.at) <= m.at);
      const last = own[own.length - 1];
      if (!last) continue; // a step whose change another step records (none here but 'start')
      expect(replayStateAt(res.body, Date.parse(last.at)), m.step).toEqual(m.state);
      if (own.length === 1 || own.every((c) => c.at === last.at))
        expect(replayStateAt(res.body, Date.parse(last.at) - 1), m.step).toEqual(moments[i - 1]!.state);
    }
  });

  it('answers a window: the initial state is the state at `from`, then only the later changes', async () => {
    const whole = (await replay(`from=${new Date(startedAt - 1000).toISOString()}`)).body;
    for (const m of moments) {
      const res = await replay(`from=${new Date(m.at).toISOString()}&to=${new Date(Date.now()).toISOString()}`);
      expect(res.status).toBe(200);
      expect(res.body.initial, m.step).toEqual(m.state);
      expect(res.body.changes.every((c) => Date.parse(c.at) > m.at)).toBe(true);
      expect(replayStateAt(res.body, Date.parse(res.body.to))).toEqual(replayStateAt(whole, Date.parse(whole.to)));
    }
    // At a step's exact event time as `from`: that event is in the initial state, not among the changes.
    const confirm = whole.changes.find((c) => c.action === 'unit.confirm')!;
    const at = (await replay(`from=${confirm.at}`)).body;
    expect(at.initial[confirm.unitId]).toBe('SUBSCRIBED');
    expect(at.changes.some((c) => c.eventId === confirm.eventId)).toBe(false);
  });

  it('managers only: a consultant, a board and an inverted window are refused', async () => {
    const consultant = (await server.login(server.fixture.consultants[0]!)).token;
    const from = new Date(startedAt).toISOString();
    expect((await replay(`from=${from}`, consultant)).status).toBe(403);
    const board = await http(
      server.url,
      'GET',
      `/api/projects/${projectId}/replay?from=${from}`,
      undefined,
      undefined,
      {
        'x-device-key': TEST_BOARD_KEY,
      },
    );
    expect(board.status).toBe(403);
    const inverted = await replay(`from=${new Date().toISOString()}&to=${from}`);
    expect(inverted.status).toBe(400);
    expect((inverted.body as unknown as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it('a board never receives why a unit is withheld (nor for whom): not over HTTP, not over the hub', async () => {
    const u2 = server.fixture.unitIds[2]!;
    const board = await server.connect({ deviceKey: TEST_BOARD_KEY });
    const frames: unknown[] = [];
    board.onAny((event, payload) => frames.push({ event, payload }));
    const join = await emitAck(board, 'project:join', { projectId });
    expect(join.ok).toBe(true);
    await http(server.url, 'POST', `/api/units/${u2}/withhold`, manager, { reason: '董事长亲属', channel: 'VIP' });
    await expect.poll(() => JSON.stringify(frames), { timeout: 5_000 }).toContain('WITHHELD');
    const rejoin = await emitAck(board, 'project:join', { projectId });
    const hubText = JSON.stringify([join, rejoin, frames]);
    expect(hubText).toContain(u2);
    expect(hubText).not.toContain('董事长亲属');
    expect(hubText).not.toContain('VIP');
    board.close();
    const headers = { 'x-device-key': TEST_BOARD_KEY };
    const list = await http(server.url, 'GET', `/api/projects/${projectId}/withheld`, undefined, undefined, headers);
    expect(list.status).toBe(403);
    for (const path of ['catalog', 'snapshot']) {
      const res = await http(server.url, 'GET', `/api/projects/${projectId}/${path}`, undefined, undefined, headers);
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('董事长亲属');
      expect(text).not.toContain('VIP');
    }
    const staff = await http<{ unitId: string; reason: string }[]>(
      server.url,
      'GET',
      `/api/projects/${projectId}/withheld`,
      manager,
    );
    expect(staff.body.find((w) => w.unitId === u2)?.reason).toBe('董事长亲属');
  });
});
