/**
 * The live dashboard's data endpoint (docs/dashboard.md) against a real server, PostgreSQL and Redis:
 * sales made through the hub and deposits through the cashier, then every total the endpoint answers
 * equals the same count or sum taken straight from the tables; reads racing new sales never count a
 * sale twice (each answer is one snapshot); the sales target is set by managers only, audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, SalesTarget } from '@kaipan/shared';
import { http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { createBook, createCashiers, freshPhone, newKey, pay, subscribe } from './support/cashier.js';

let server: TestServer;
let pid: string;
let manager: string;
let consultant: string;
let sellers: HubClient[];
let nextUnit = 0;
const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;
const buyer = () => ({ name: `买家${nextUnit}`, phone: freshPhone(137) });

const read = async (token = manager): Promise<Dashboard> => {
  const res = await http<Dashboard>(server.url, 'GET', `/api/projects/${pid}/dashboard`, token);
  expect(res.status).toBe(200);
  return res.body;
};

/** The figures straight from the tables. */
async function fromSql() {
  const [units] = await server.db.$queryRaw<{ sold: number; released: number; area: string; amount: bigint }[]>`
    SELECT count(*) FILTER (WHERE u.status IN ('SUBSCRIBED', 'CONTRACTED'))::int AS sold,
           count(*) FILTER (WHERE u.status <> 'NOT_RELEASED')::int AS released,
           coalesce(sum(u.gross_area) FILTER (WHERE u.status IN ('SUBSCRIBED', 'CONTRACTED')), 0)::text AS area,
           (SELECT coalesce(sum(price), 0) FROM subscriptions WHERE project_id = ${pid}::uuid AND status IN ('ACTIVE', 'CONTRACTED'))::bigint AS amount
      FROM units u WHERE u.project_id = ${pid}::uuid`;
  const [money] = await server.db.$queryRaw<{ deposits: bigint; n: number }[]>`
    SELECT coalesce(sum(amount), 0)::bigint AS deposits, count(*)::int AS n
      FROM payments WHERE project_id = ${pid}::uuid AND kind = 'DEPOSIT' AND status = 'RECORDED'`;
  const subscriptions = await server.db.subscription.count({ where: { projectId: pid, replacesId: null } });
  return {
    sold: units!.sold,
    released: units!.released,
    soldArea: Number(units!.area),
    soldAmountFen: Number(units!.amount),
    depositsFen: Number(money!.deposits),
    depositPayments: money!.n,
    subscriptions,
  };
}

/** The figures of one answer agree with each other (no sale counted in one and not another). */
function expectCoherent(d: Dashboard): void {
  const sum = (xs: { sold?: number; units?: number }[], k: 'sold' | 'units') => xs.reduce((n, x) => n + (x[k] ?? 0), 0);
  expect(sum(d.byBuilding, 'sold')).toBe(d.totals.sold);
  expect(sum(d.byLayout, 'sold')).toBe(d.totals.sold);
  expect(sum(d.byFloorBand, 'sold')).toBe(d.totals.sold);
  expect(sum(d.consultants, 'units')).toBe(d.totals.sold);
  expect(sum(d.teams, 'units')).toBe(d.totals.sold);
  expect(d.perMinute.minutes.reduce((n, m) => n + m.count, 0)).toBe(d.totals.sold);
  expect(d.consultants.reduce((n, c) => n + c.amountFen, 0)).toBe(d.totals.soldAmountFen);
}

beforeAll(async () => {
  server = await startTestServer({ units: 30, consultants: 3, maxLocks: 5 });
  pid = server.fixture.projectId;
  manager = (await server.login('manager')).token;
  consultant = (await server.login('s001')).token;
  sellers = await Promise.all(
    ['s001', 's002', 's003'].map(async (u) => server.connect({ token: (await server.login(u)).token })),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('dashboard', () => {
  it('before any sale: zero, and no minute chart', async () => {
    const d = await read();
    const sql = await fromSql();
    expect(d.totals).toMatchObject({ sold: 0, soldAmountFen: 0, soldArea: 0, released: sql.released });
    expect(d.perMinute).toEqual({ day: null, minutes: [] });
    expect(d.consultants).toEqual([]);
    expect(d.timeZone).toBe('Asia/Shanghai');
  });

  it('after sales through the hub and deposits at the cashier, every total equals the database', async () => {
    const plan = [0, 0, 0, 1, 1, 2];
    const subs: string[] = [];
    for (const who of plan) subs.push(await subscribe(sellers[who]!, freshUnit(), buyer()));
    const [cashier] = await createCashiers(server, ['dashcash']);
    await createBook(server, manager, cashier!.id, 'DB-', 1, 999);
    await pay(server, cashier!.token, {
      idempotencyKey: newKey(),
      kind: 'DEPOSIT',
      subscriptionId: subs[0],
      lines: [{ method: 'CASH', amount: 2_000_000 }],
    });
    await pay(server, cashier!.token, {
      idempotencyKey: newKey(),
      kind: 'DEPOSIT',
      subscriptionId: subs[1],
      lines: [
        { method: 'CASH', amount: 1_000_000 },
        { method: 'BANK_CARD', amount: 4_000_000, reference: '6222 0000 1111' },
      ],
    });

    const d = await read();
    const sql = await fromSql();
    expect(d.totals.sold).toBe(6);
    expect(d.totals).toMatchObject({
      sold: sql.sold,
      released: sql.released,
      soldArea: sql.soldArea,
      soldAmountFen: sql.soldAmountFen,
    });
    expect(d.deposits.totalFen).toBe(sql.depositsFen);
    expect(d.deposits.payments).toBe(sql.depositPayments);
    expect(Object.fromEntries(d.deposits.byMethod.map((m) => [m.method, m.amountFen]))).toEqual({
      CASH: 3_000_000,
      BANK_CARD: 4_000_000,
    });
    expect(d.perMinute.minutes.reduce((n, m) => n + m.count, 0)).toBe(sql.subscriptions);
    expect(d.consultants.map((c) => c.units)).toEqual([3, 2, 1]);
    expectCoherent(d);
    // Managers may name consultants; no buyer appears anywhere in the answer.
    const text = JSON.stringify(d);
    const buyers = await server.db.subscription.findMany({
      where: { projectId: pid },
      select: { buyerName: true, buyerPhone: true },
    });
    for (const b of buyers) {
      expect(text).not.toContain(b.buyerName);
      expect(text).not.toContain(b.buyerPhone);
    }
  });

  it('reads racing new sales: each answer is one snapshot, the last one equals the database', async () => {
    const sales = Promise.all(
      [0, 1, 2, 0, 1, 2].map(async (who, i) => {
        await new Promise((r) => setTimeout(r, i * 15));
        return subscribe(sellers[who]!, freshUnit(), buyer());
      }),
    );
    const reads: Promise<Dashboard>[] = [];
    for (let i = 0; i < 8; i += 1) {
      reads.push(read());
      await new Promise((r) => setTimeout(r, 10));
    }
    await sales;
    for (const d of await Promise.all(reads)) expectCoherent(d);
    const last = await read();
    const sql = await fromSql();
    expect(last.totals.sold).toBe(12);
    expect(last.totals).toMatchObject({ sold: sql.sold, soldAmountFen: sql.soldAmountFen, soldArea: sql.soldArea });
    expectCoherent(last);
  });

  it('alerts: a consultant whose locks keep expiring (as the lock sweeper audits them), deposits overdue', async () => {
    const s002 = await server.db.user.findUniqueOrThrow({ where: { username: 's002' } });
    // What selling/lock-sweeper.ts records for each expired lock.
    for (const unitId of server.fixture.unitIds.slice(25, 28)) {
      server.kaipan.services.audit.record({
        projectId: pid,
        actor: 'system',
        action: 'unit.lock_expired',
        entity: 'unit',
        entityId: unitId,
        before: { status: 'LOCKED', token: '1', holderId: s002.id },
        after: { status: 'AVAILABLE' },
      });
    }
    await server.kaipan.services.audit.flush();
    // Two live deals whose deposit deadline passed (the deposit rule's clock, run out).
    const due = new Date(Date.now() - 5 * 60_000);
    const unpaid = await server.db.subscription.findMany({
      where: { projectId: pid, status: 'ACTIVE', depositPaidAt: null },
      orderBy: { createdAt: 'asc' },
      take: 2,
    });
    await server.db.subscription.updateMany({
      where: { id: { in: unpaid.map((u) => u.id) } },
      data: { depositDueAt: due },
    });

    const d = await read();
    expect(d.alerts).toEqual([
      expect.objectContaining({
        kind: 'LOCKS_EXPIRING',
        consultantId: s002.id,
        consultant: s002.displayName,
        expiries: 3,
      }),
      { kind: 'DEPOSITS_OVERDUE', subscriptions: 2, oldestDueAt: due.toISOString() },
    ]);
  });

  it('finance and viewers read it; a consultant does not', async () => {
    expect((await http(server.url, 'GET', `/api/projects/${pid}/dashboard`, consultant)).status).toBe(403);
  });

  it('the sales target: managers set it (audited), it shows on the dashboard; consultants may not', async () => {
    const target: SalesTarget = { units: 20, area: 1800.5, amountFen: 60_000_000_00 };
    const put = await http<SalesTarget>(server.url, 'PUT', `/api/projects/${pid}/sales-target`, manager, target);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(target);
    expect((await read()).target).toEqual(target);
    const event = await server.db.auditEvent.findFirstOrThrow({
      where: { projectId: pid, action: 'project.sales_target' },
      orderBy: { id: 'desc' },
    });
    expect(event.before).toEqual({ targetUnits: null, targetArea: null, targetFen: null });
    expect(event.after).toEqual({ targetUnits: 20, targetArea: 1800.5, targetFen: 60_000_000_00 });
    const refused = await http(server.url, 'PUT', `/api/projects/${pid}/sales-target`, consultant, target);
    expect(refused.status).toBe(403);
    const bad = await http(server.url, 'PUT', `/api/projects/${pid}/sales-target`, manager, { ...target, area: 1.234 });
    expect(bad.status).toBe(400);
    const cleared = await http<SalesTarget>(server.url, 'PUT', `/api/projects/${pid}/sales-target`, manager, {
      units: null,
      area: null,
      amountFen: null,
    });
    expect(cleared.body).toEqual({ units: null, area: null, amountFen: null });
  });
});
