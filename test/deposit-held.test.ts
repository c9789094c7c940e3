/**
 * Whether a household holds its sincerity deposit 诚意金 follows from the cashier's payments — recorded
 * or converted count, refunded and voided do not — and never from a flag a client sets: no
 * `depositPaid` at registration, no manual deposit-flag endpoint. Lottery eligibility
 * (ACTIVE_WITH_DEPOSIT) uses the same derived value. Real server, PostgreSQL and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LotteryDrawInfo, PaymentInfo, RegistrationInfo, RegistrationOverview } from '@kaipan/shared';
import { startTestServer, type HubClient, type TestServer } from './support/app.js';
import {
  caller,
  cash,
  createBook,
  createCashiers,
  createRegistration,
  newKey,
  pay,
  subscribe,
} from './support/cashier.js';

let server: TestServer;
let call: ReturnType<typeof caller>;
let manager: string;
let consultant: string;
let cashier: string;
let socket: HubClient;
let nextUnit = 0;
const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;

async function registration(id: string): Promise<RegistrationInfo> {
  const res = await call<RegistrationInfo>('GET', `/api/registrations/${id}`, manager);
  expect(res.status).toBe(200);
  return res.body;
}

/** The labels the manager's paid-deposit lottery would freeze now (a draw is created, not drawn). */
async function paidEntries(title: string): Promise<string[]> {
  const res = await call<LotteryDrawInfo>('POST', `/api/projects/${server.fixture.projectId}/lotteries`, manager, {
    title,
    eligible: 'ACTIVE_WITH_DEPOSIT',
  });
  if (res.status === 409) return [];
  expect(res.status).toBe(201);
  return res.body.entries;
}

beforeAll(async () => {
  server = await startTestServer({ units: 20, consultants: 2, maxLocks: 5 });
  call = caller(server);
  manager = (await server.login('manager')).token;
  const s001 = await server.login('s001');
  consultant = s001.token;
  socket = await server.connect({ token: consultant });
  const [c] = await createCashiers(server, ['depositcashier']);
  cashier = c!.token;
  await createBook(server, manager, c!.id, 'DH-', 1, 9999, 4);
});

afterAll(async () => {
  await server?.close();
});

describe('deposit held is derived from the cashier’s payments', () => {
  it('a consultant cannot register a buyer as "deposit paid": the field is refused and nothing is created', async () => {
    const pid = server.fixture.projectId;
    const customer = await call<{ id: string }>('POST', `/api/projects/${pid}/customers`, consultant, {
      name: '没交诚意金',
      phone: '13600009999',
    });
    expect(customer.status).toBe(201);
    const res = await call('POST', `/api/projects/${pid}/registrations`, consultant, {
      customerId: customer.body.id,
      depositPaid: true,
    });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await server.db.registration.count({ where: { customerId: customer.body.id } })).toBe(0);
    // Registered without it, the household is not in the paid-deposit lottery.
    const reg = await call<RegistrationInfo>('POST', `/api/projects/${pid}/registrations`, consultant, {
      customerId: customer.body.id,
    });
    expect(reg.status).toBe(201);
    expect(reg.body.depositPaid).toBe(false);
    expect(await paidEntries('no flag')).not.toContain(reg.body.label);
  });

  it('there is no manual deposit flag: the endpoint is gone for everyone, and changes nothing', async () => {
    const r = await createRegistration(server, manager, '手工标记');
    for (const token of [consultant, cashier, manager]) {
      const res = await call('POST', `/api/registrations/${r.id}/deposit`, token, { paid: true });
      expect(res.status).toBe(404);
      expect(res.body.error?.code).toBe('NOT_FOUND');
    }
    expect((await registration(r.id)).depositPaid).toBe(false);
    expect(await server.db.auditEvent.count({ where: { entityId: r.id, action: 'registration.deposit' } })).toBe(0);
  });

  it('recorded → held; refunded → not; voided → not; converted → still held; the lottery follows', async () => {
    const recorded = await createRegistration(server, manager, '已交诚意金');
    const refunded = await createRegistration(server, manager, '已退诚意金');
    const voided = await createRegistration(server, manager, '作废诚意金');
    const converted = await createRegistration(server, manager, '转定金');
    const none = await createRegistration(server, manager, '未交诚意金');
    const labels = Object.fromEntries(
      await Promise.all(
        [recorded, refunded, voided, converted, none].map(
          async (r) => [r.id, (await registration(r.id)).label] as const,
        ),
      ),
    );
    const s1 = await pay(server, cashier, { kind: 'SINCERITY', registrationId: recorded.id, lines: cash(20_000_00) });
    const s2 = await pay(server, cashier, { kind: 'SINCERITY', registrationId: refunded.id, lines: cash(20_000_00) });
    const s3 = await pay(server, cashier, { kind: 'SINCERITY', registrationId: voided.id, lines: cash(20_000_00) });
    const s4 = await pay(server, cashier, { kind: 'SINCERITY', registrationId: converted.id, lines: cash(20_000_00) });
    for (const r of [recorded, refunded, voided, converted]) expect((await registration(r.id)).depositPaid).toBe(true);

    const back = await call<PaymentInfo>('POST', `/api/payments/${s2.id}/refund`, cashier, {
      idempotencyKey: newKey(),
      lines: cash(20_000_00),
      reason: '未选房',
    });
    expect(back.status).toBe(201);
    const asked = await call<{ id: string }>('POST', `/api/receipts/${s3.receipt!.id}/void-requests`, cashier, {
      reason: '收错',
    });
    expect(asked.status).toBe(201);
    expect(
      (await call('POST', `/api/void-requests/${asked.body.id}/decision`, manager, { approve: true })).status,
    ).toBe(200);
    const subId = await subscribe(socket, freshUnit(), undefined, converted.id);
    const conv = await call('POST', `/api/payments/${s4.id}/convert`, cashier, {
      idempotencyKey: newKey(),
      subscriptionId: subId,
    });
    expect(conv.status).toBe(201);

    expect((await registration(recorded.id)).depositPaid).toBe(true);
    expect((await registration(refunded.id)).depositPaid).toBe(false);
    expect((await registration(voided.id)).depositPaid).toBe(false);
    expect((await registration(converted.id)).depositPaid).toBe(true);
    expect((await registration(none.id)).depositPaid).toBe(false);
    // The manager's list and the lottery say the same.
    const list = await call<RegistrationOverview>(
      'GET',
      `/api/projects/${server.fixture.projectId}/registrations`,
      manager,
    );
    const listed = new Map(list.body.registrations.map((r) => [r.id, r.depositPaid]));
    expect([recorded, refunded, voided, converted, none].map((r) => listed.get(r.id))).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    const entries = await paidEntries('derived');
    expect(entries).toContain(labels[recorded.id]);
    expect(entries).toContain(labels[converted.id]);
    for (const r of [refunded, voided, none]) expect(entries).not.toContain(labels[r.id]);
    expect(s1.status).toBe('RECORDED');
  });

  it('the customer record shows the same derived value', async () => {
    const r = await createRegistration(server, manager, '客户页');
    expect(
      (await call<{ registration: { depositPaid: boolean } }>('GET', `/api/customers/${r.customerId}`, manager)).body
        .registration.depositPaid,
    ).toBe(false);
    await pay(server, cashier, { kind: 'SINCERITY', registrationId: r.id, lines: cash(5_000_00) });
    expect(
      (await call<{ registration: { depositPaid: boolean } }>('GET', `/api/customers/${r.customerId}`, manager)).body
        .registration.depositPaid,
    ).toBe(true);
  });
});
