/**
 * The deposit deadline 定金时限 shown before it is too late: the `unit:confirm` ack carries
 * `depositDueAt` (= the subscription's createdAt + the project's window, as stored) when the project
 * has a deposit rule and nothing without one; the deals API answers depositDueAt and, once the
 * cashier recorded the deposit, depositPaidAt. Real server, PostgreSQL, Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CashierSubscription, ConfirmResult, LockResult, ProjectSnapshot, SubscriptionInfo } from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { cash, createBook, freshPhone, pay } from './support/cashier.js';

let server: TestServer;
let pid: string;
let manager: string;
let cashier: string;
let consultant: string;
let socket: HubClient;
const others: HubClient[] = [];
let nextUnit = 0;
const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;

async function confirm(unitId: string, name: string, via: HubClient = socket): Promise<ConfirmResult> {
  const lock = await emitAck<LockResult>(via, 'unit:lock', { unitId });
  if (!lock.ok) throw new Error(`lock failed: ${JSON.stringify(lock)}`);
  const ack = await emitAck<ConfirmResult>(via, 'unit:confirm', {
    unitId,
    token: lock.data.token,
    buyer: { name, phone: freshPhone(136) },
  });
  if (!ack.ok) throw new Error(`confirm failed: ${JSON.stringify(ack)}`);
  return ack.data;
}

async function listed(token: string, subscriptionId: string): Promise<SubscriptionInfo> {
  const res = await http<SubscriptionInfo[]>(server.url, 'GET', `/api/projects/${pid}/subscriptions`, token);
  expect(res.status).toBe(200);
  const found = res.body.find((s) => s.id === subscriptionId);
  if (!found) throw new Error(`${subscriptionId} not listed`);
  return found;
}

beforeAll(async () => {
  server = await startTestServer({ units: 6, consultants: 3 });
  pid = server.fixture.projectId;
  manager = (await server.login('manager')).token;
  const c = await server.login('cashier');
  cashier = c.token;
  await createBook(server, manager, c.user.id, 'DD', 1, 999);
  consultant = (await server.login('s001')).token;
  socket = await server.connect({ token: consultant });
  expect((await emitAck<ProjectSnapshot>(socket, 'project:join', { projectId: pid })).ok).toBe(true);
  for (const who of ['s002', 's003']) {
    const other = await server.connect({ token: (await server.login(who)).token });
    expect((await emitAck<ProjectSnapshot>(other, 'project:join', { projectId: pid })).ok).toBe(true);
    others.push(other);
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('the deposit deadline in the confirm ack and the deals API', () => {
  it('without a deposit window the ack has no depositDueAt and the deal none either', async () => {
    const project = await server.db.project.findUniqueOrThrow({
      where: { id: pid },
      select: { depositWindowMinutes: true },
    });
    expect(project.depositWindowMinutes).toBeNull();
    const ack = await confirm(freshUnit(), '无限期');
    expect(ack.subscriptionId).toBeTruthy();
    expect(ack).not.toHaveProperty('depositDueAt');
    const row = await server.db.subscription.findUniqueOrThrow({ where: { id: ack.subscriptionId } });
    expect(row.depositDueAt).toBeNull();
    const info = await listed(manager, ack.subscriptionId);
    expect(info.depositDueAt).toBeNull();
    expect(info.depositPaidAt).toBeNull();
  });

  it('with a 5-minute window the ack carries createdAt + 5 min; the deals API shows it, then the payment', async () => {
    const set = await http(server.url, 'PATCH', `/api/projects/${pid}/cashier-settings`, manager, {
      depositWindowMinutes: 5,
    });
    expect(set.status).toBe(200);

    const ack = await confirm(freshUnit(), '限时甲');
    const row = await server.db.subscription.findUniqueOrThrow({ where: { id: ack.subscriptionId } });
    const expected = new Date(row.createdAt.getTime() + 5 * 60_000).toISOString();
    expect(ack.depositDueAt).toBe(expected);
    expect(row.depositDueAt?.toISOString()).toBe(expected);

    // The consultant's own list and detail, and the manager's list, show the deadline, nothing paid yet.
    const mine = await listed(consultant, ack.subscriptionId);
    expect(mine.status).toBe('ACTIVE');
    expect(mine.depositDueAt).toBe(expected);
    expect(mine.depositPaidAt).toBeNull();
    expect((await listed(manager, ack.subscriptionId)).depositDueAt).toBe(expected);
    const detail = await http<SubscriptionInfo>(
      server.url,
      'GET',
      `/api/subscriptions/${ack.subscriptionId}`,
      consultant,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.depositDueAt).toBe(expected);

    // The cashier records the deposit: the deals API says when.
    const required = (
      await http<CashierSubscription>(server.url, 'GET', `/api/subscriptions/${ack.subscriptionId}/cashier`, cashier)
    ).body.depositRequired;
    await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: ack.subscriptionId, lines: cash(required) });
    const paidRow = await server.db.subscription.findUniqueOrThrow({ where: { id: ack.subscriptionId } });
    expect(paidRow.depositPaidAt).not.toBeNull();
    const paid = await listed(consultant, ack.subscriptionId);
    expect(paid.depositPaidAt).toBe(paidRow.depositPaidAt!.toISOString());
    expect(paid.depositDueAt).toBe(expected);
    const paidDetail = await http<SubscriptionInfo>(
      server.url,
      'GET',
      `/api/subscriptions/${ack.subscriptionId}`,
      manager,
    );
    expect(paidDetail.body.depositPaidAt).toBe(paidRow.depositPaidAt!.toISOString());
  });

  it('concurrent confirms (three consultants at once) each get their own deadline', async () => {
    const via = [socket, ...others];
    const units = via.map(() => freshUnit());
    const acks = await Promise.all(units.map((u, i) => confirm(u, `并发${i}`, via[i])));
    for (const ack of acks) {
      const row = await server.db.subscription.findUniqueOrThrow({ where: { id: ack.subscriptionId } });
      expect(ack.depositDueAt).toBe(new Date(row.createdAt.getTime() + 5 * 60_000).toISOString());
      expect(row.depositDueAt?.toISOString()).toBe(ack.depositDueAt);
    }
  });
});
