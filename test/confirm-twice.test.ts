/**
 * A double-pressed confirm is one sale: the second press of the same lock answers the same
 * subscription, like a retry — whether it arrives after the first answered, while the first is still
 * committing, over HTTP, from a second phone of the same consultant, or through another hub process.
 * Real server processes, PostgreSQL and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, ConfirmResult, LockResult, ProjectSnapshot } from '@kaipan/shared';
import {
  emitAck,
  http,
  startSecondHub,
  startTestServer,
  type HubClient,
  type SecondHub,
  type TestServer,
} from './support/app.js';

let server: TestServer;
let token: string;
let userId: string;
/** Two phones of the same consultant on the test server. */
let phoneA: HubClient;
let phoneB: HubClient;
let nextUnit = 0;

const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;
const buyer = (i: number) => ({ name: `双击买家${i}`, phone: `137${String(i).padStart(8, '0')}` });

async function lock(socket: HubClient, unitId: string): Promise<string> {
  const ack = await emitAck<LockResult>(socket, 'unit:lock', { unitId });
  if (!ack.ok) throw new Error(`lock: ${ack.error.code}`);
  return ack.data.token;
}

/** Every press answered the same subscription, and PostgreSQL holds exactly that one. */
async function expectOneSale(unitId: string, acks: Ack<ConfirmResult>[]): Promise<void> {
  for (const ack of acks) expect(ack, JSON.stringify(ack)).toMatchObject({ ok: true });
  const ids = new Set(acks.map((a) => (a.ok ? a.data.subscriptionId : '')));
  expect(ids.size).toBe(1);
  const subs = await server.db.subscription.findMany({ where: { unitId }, select: { id: true, consultantId: true } });
  expect(subs).toEqual([{ id: [...ids][0], consultantId: userId }]);
}

beforeAll(async () => {
  server = await startTestServer({ units: 80, consultants: 2, maxLocks: 20 });
  const login = await server.login('s001');
  token = login.token;
  userId = login.user.id;
  phoneA = await server.connect({ token });
  phoneB = await server.connect({ token });
});

afterAll(async () => {
  await server?.close();
});

describe('a confirm pressed twice', () => {
  it('after the first answered: the same subscription', async () => {
    const unitId = freshUnit();
    const t = await lock(phoneA, unitId);
    const first = await emitAck<ConfirmResult>(phoneA, 'unit:confirm', { unitId, token: t, buyer: buyer(1) });
    const second = await emitAck<ConfirmResult>(phoneA, 'unit:confirm', { unitId, token: t, buyer: buyer(1) });
    await expectOneSale(unitId, [first, second]);
  });

  it('while the first is still committing, same socket: 20 rounds, both presses answer the same subscription', async () => {
    for (let round = 0; round < 20; round += 1) {
      const unitId = freshUnit();
      const t = await lock(phoneA, unitId);
      const payload = { unitId, token: t, buyer: buyer(100 + round) };
      const acks = await Promise.all([
        emitAck<ConfirmResult>(phoneA, 'unit:confirm', payload),
        emitAck<ConfirmResult>(phoneA, 'unit:confirm', payload),
      ]);
      await expectOneSale(unitId, acks);
    }
  });

  it('two phones of the holder and HTTP at once: 10 rounds, three presses, one subscription', async () => {
    for (let round = 0; round < 10; round += 1) {
      const unitId = freshUnit();
      const t = await lock(phoneA, unitId);
      const payload = { unitId, token: t, buyer: buyer(200 + round) };
      const [a, b, viaHttp] = await Promise.all([
        emitAck<ConfirmResult>(phoneA, 'unit:confirm', payload),
        emitAck<ConfirmResult>(phoneB, 'unit:confirm', payload),
        http<ConfirmResult>(server.url, 'POST', `/api/units/${unitId}/confirm`, token, {
          token: t,
          buyer: payload.buyer,
        }),
      ]);
      expect(viaHttp.status).toBe(200);
      await expectOneSale(unitId, [a, b, { ok: true, data: viaHttp.body }]);
    }
  });

  it('the board sees one sale per unit: the second press does not disturb the mirror', async () => {
    const unitId = freshUnit();
    const t = await lock(phoneA, unitId);
    const payload = { unitId, token: t, buyer: buyer(300) };
    await Promise.all([
      emitAck<ConfirmResult>(phoneA, 'unit:confirm', payload),
      emitAck<ConfirmResult>(phoneB, 'unit:confirm', payload),
    ]);
    expect(await server.kaipan.services.mirror.getLock(server.fixture.projectId, unitId)).toBeNull();
    const snap = await emitAck<ProjectSnapshot>(phoneB, 'project:join', { projectId: server.fixture.projectId });
    if (!snap.ok) throw new Error(snap.error.code);
    expect(snap.data.units.find((u) => u.id === unitId)?.status).toBe('SUBSCRIBED');
  });
});

describe('a confirm pressed twice across two hub processes', () => {
  let second: SecondHub;
  let remote: HubClient;

  beforeAll(async () => {
    second = await startSecondHub(server);
    remote = await second.connect({ token });
  }, 90_000);

  afterAll(async () => {
    await second?.stop();
  });

  it('first press on hub 1, second on hub 2 while the first commits: 20 rounds, one subscription, both answered with it', async () => {
    for (let round = 0; round < 20; round += 1) {
      const unitId = freshUnit();
      const t = await lock(round % 2 ? phoneA : remote, unitId);
      const payload = { unitId, token: t, buyer: buyer(400 + round) };
      const acks = await Promise.all([
        emitAck<ConfirmResult>(phoneA, 'unit:confirm', payload),
        emitAck<ConfirmResult>(remote, 'unit:confirm', payload),
      ]);
      await expectOneSale(unitId, acks);
    }
  });
});
