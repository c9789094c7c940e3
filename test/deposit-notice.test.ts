/**
 * `subscription:cancelled` — the personal notice when the deposit rule 定金时限 cancels a deal, against
 * a real server, PostgreSQL, Redis and the BullMQ `deposits` worker: the deal's consultant and the
 * project's managers hear it exactly once (a job that runs again finds the deal closed and says
 * nothing); a paid deal, other consultants and wall boards hear nothing; the board sees the unit return.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { CashierSubscription, ProjectSnapshot, SubscriptionCancelledEvent, UnitChange } from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { waitFor } from './support/wait.js';
import { TEST_BOARD_KEY } from './support/fixture.js';
import { cash, createBook, freshPhone, pay, subscribe } from './support/cashier.js';
import { DEPOSITS_QUEUE, depositJobId } from '../server/src/jobs/deposits.js';
import { bullPrefix, createBullConnection } from '../server/src/jobs/producer.js';
import { createRedis } from '../server/src/infra/redis.js';
import { createBroadcaster } from '../server/src/hub/deal-routing.js';
import { DealEvents } from '../server/src/services/deal-events.js';

let server: TestServer;
let pid: string;
let manager: string;
let cashier: string;
let s001Id: string;
let s002Id: string;
const sockets: Record<'s001' | 's002' | 'manager' | 'board', HubClient | null> = {
  s001: null,
  s002: null,
  manager: null,
  board: null,
};
const heard: Record<'s001' | 's002' | 'manager' | 'board', SubscriptionCancelledEvent[]> = {
  s001: [],
  s002: [],
  manager: [],
  board: [],
};
const boardChanges: UnitChange[] = [];
let nextUnit = 0;
const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2 });
  pid = server.fixture.projectId;
  const m = await server.login('manager');
  manager = m.token;
  const c = await server.login('cashier');
  cashier = c.token;
  await createBook(server, manager, c.user.id, 'DN', 1, 999);
  const set = await http(server.url, 'PATCH', `/api/projects/${pid}/cashier-settings`, manager, {
    depositWindowMinutes: 5,
  });
  expect(set.status).toBe(200);
  const s1 = await server.login('s001');
  const s2 = await server.login('s002');
  s001Id = s1.user.id;
  s002Id = s2.user.id;
  const tokens = { s001: s1.token, s002: s2.token, manager } as const;
  for (const who of ['s001', 's002', 'manager'] as const) {
    const socket = await server.connect({ token: tokens[who] });
    expect((await emitAck<ProjectSnapshot>(socket, 'project:join', { projectId: pid })).ok).toBe(true);
    socket.on('subscription:cancelled', (e) => heard[who].push(e));
    sockets[who] = socket;
  }
  const board = await server.connect({ deviceKey: TEST_BOARD_KEY });
  expect((await emitAck<ProjectSnapshot>(board, 'project:join', { projectId: pid })).ok).toBe(true);
  board.on('subscription:cancelled', (e) => heard.board.push(e));
  board.on('units:changed', (frame) => boardChanges.push(...frame.changes));
  sockets.board = board;
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('subscription:cancelled (the deposit rule)', () => {
  /**
   * As in cashier.test.ts, the 5-minute window is not waited out: the stored deadline moves into the
   * past and the delayed job is promoted, so the real job runs the real enforcement path.
   */
  it('reaches the deal’s consultant and the managers exactly once; a paid deal, other consultants and boards hear nothing', async () => {
    const connection = createBullConnection(server.config.redisUrl, 'test-deposit-notice');
    const queue = new Queue(DEPOSITS_QUEUE, { connection, prefix: bullPrefix(server.config.redisPrefix) });
    const cashierSvc = server.kaipan.services.cashier;
    /** Subscribe, make sure the deadline job exists (SalesService set it after the confirm). */
    const deal = async (who: 's001' | 's002', name: string) => {
      const unitId = freshUnit();
      const subscriptionId = await subscribe(sockets[who]!, unitId, { name, phone: freshPhone(135) });
      const row = await server.db.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
      expect((await cashierSvc.deposits.afterConfirm(pid, subscriptionId, row.createdAt))?.getTime()).toBe(
        row.createdAt.getTime() + 5 * 60_000,
      );
      return { unitId, subscriptionId };
    };
    /** Five minutes later… */
    const due = async (ids: string[]) => {
      await server.db.subscription.updateMany({
        where: { id: { in: ids } },
        data: { depositDueAt: new Date(Date.now() - 1_000) },
      });
      for (const id of ids) await (await queue.getJob(depositJobId(id)))?.promote();
    };
    const cancelled = (id: string) =>
      waitFor(
        async () =>
          (await server.db.subscription.findUniqueOrThrow({ where: { id } })).status === 'CANCELLED' ? true : undefined,
        `${id} cancelled`,
      );
    try {
      const unpaid = await deal('s001', '逾期甲');
      const paid = await deal('s001', '准时乙');
      const required = (
        await http<CashierSubscription>(server.url, 'GET', `/api/subscriptions/${paid.subscriptionId}/cashier`, cashier)
      ).body.depositRequired;
      await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: paid.subscriptionId, lines: cash(required) });

      await due([unpaid.subscriptionId]);
      // A stray job for the paid one finds it paid and says nothing.
      await server.kaipan.services.depositJobs.schedule(paid.subscriptionId, new Date(Date.now() - 1_000));
      await cancelled(unpaid.subscriptionId);
      await waitFor(
        async () => ((await queue.getJob(depositJobId(paid.subscriptionId))) ? undefined : true),
        'the stray job done',
      );
      // The job running again (a retry, a restarted worker) finds the deal closed: no second notice.
      expect(await cashierSvc.deposits.enforce(unpaid.subscriptionId)).toEqual({ outcome: 'closed' });
      await waitFor(
        () => boardChanges.find((c) => c.unitId === unpaid.unitId && c.status === 'AVAILABLE'),
        'the board sees the unit return',
      );

      // Sentinels: one more cancelled deal per consultant. Events reach each socket in order, so
      // once a socket has its sentinel, anything the first cancellation sent it has arrived too.
      const sentinel1 = await deal('s001', '哨兵丙');
      const sentinel2 = await deal('s002', '哨兵丁');
      await due([sentinel1.subscriptionId, sentinel2.subscriptionId]);
      await waitFor(
        () => heard.s001.find((e) => e.subscriptionId === sentinel1.subscriptionId),
        's001 hears its sentinel',
      );
      await waitFor(
        () => heard.s002.find((e) => e.subscriptionId === sentinel2.subscriptionId),
        's002 hears its sentinel',
      );
      await waitFor(() => (heard.manager.length >= 3 ? true : undefined), 'the manager hears all three');

      const unitCode = (await server.db.unit.findUniqueOrThrow({ where: { id: unpaid.unitId } })).code;
      const first = heard.s001[0]!;
      expect(first).toEqual({
        projectId: pid,
        subscriptionId: unpaid.subscriptionId,
        unitId: unpaid.unitId,
        unitCode,
        consultantId: s001Id,
        buyerName: '逾**',
        reason: 'DEPOSIT_NOT_RECEIVED',
        windowMinutes: 5,
        dueAt: expect.any(String),
        at: expect.any(String),
      });
      expect(heard.s001.map((e) => e.subscriptionId)).toEqual([unpaid.subscriptionId, sentinel1.subscriptionId]);
      expect(heard.s002.map((e) => e.subscriptionId)).toEqual([sentinel2.subscriptionId]);
      expect(heard.s002[0]!.consultantId).toBe(s002Id);
      expect(heard.manager.map((e) => e.subscriptionId).sort()).toEqual(
        [unpaid.subscriptionId, sentinel1.subscriptionId, sentinel2.subscriptionId].sort(),
      );
      expect(heard.board).toEqual([]);
      for (const list of Object.values(heard))
        expect(list.some((e) => e.subscriptionId === paid.subscriptionId)).toBe(false);
      expect((await server.db.subscription.findUniqueOrThrow({ where: { id: paid.subscriptionId } })).status).toBe(
        'ACTIVE',
      );
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  /**
   * In a multi-process deployment the deposit rule runs in the worker process (KAIPAN_ROLE=worker),
   * which has no sockets: its deal events go out through an unattached socket.io server on the same
   * Redis adapter (server/src/worker.ts). Here, that broadcaster in this test process plays the worker.
   */
  it('raised in a process without a hub, the notice reaches the hub’s sockets through the Redis adapter, once', async () => {
    const events = new DealEvents();
    const adapterRedis = {
      pub: createRedis(server.config.redisUrl, 'test-worker-pub'),
      sub: createRedis(server.config.redisUrl, 'test-worker-sub'),
    };
    const broadcaster = createBroadcaster(events, adapterRedis, server.config.redisPrefix);
    try {
      await new Promise((r) => setTimeout(r, 200)); // the adapter's subscription is set up asynchronously
      const at = new Date().toISOString();
      const event = (consultantId: string, subscriptionId: string) => ({
        projectId: pid,
        subscriptionId,
        unitId: server.fixture.unitIds[0]!,
        unitCode: 'A-0101',
        consultantId,
        buyerName: '远**',
        reason: 'DEPOSIT_NOT_RECEIVED' as const,
        windowMinutes: 5,
        dueAt: at,
        at,
      });
      events.publish({ type: 'subscription:cancelled', payload: event(s001Id, 'from-the-worker') });
      events.publish({ type: 'subscription:cancelled', payload: event(s002Id, 'worker-sentinel') });
      await waitFor(
        () => heard.s002.find((e) => e.subscriptionId === 'worker-sentinel'),
        's002 hears the worker’s sentinel',
      );
      await waitFor(
        () =>
          heard.manager.filter((e) => e.subscriptionId.startsWith('worker') || e.subscriptionId.startsWith('from'))
            .length >= 2
            ? true
            : undefined,
        'the manager hears both',
      );
      expect(heard.s001.filter((e) => e.subscriptionId === 'from-the-worker')).toEqual([
        event(s001Id, 'from-the-worker'),
      ]);
      expect(heard.s002.some((e) => e.subscriptionId === 'from-the-worker')).toBe(false);
      expect(heard.board).toEqual([]);
    } finally {
      await broadcaster.close();
      adapterRedis.pub.disconnect();
      adapterRedis.sub.disconnect();
    }
  });
});
