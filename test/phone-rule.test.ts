/**
 * One phone rule (shared/src/phone.ts: a mainland mobile, 1[3-9] + 9 digits, +86 / spaces / dashes
 * accepted and removed) at every place a phone enters: confirm (hub and HTTP), the below-floor request,
 * the quote, 更名 (buyer change), the cashier's payer, customers and co-buyers, the queue kiosk. A
 * 7-digit "1381234" is refused everywhere with VALIDATION_FAILED and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashDeviceKey } from '../server/src/services/auth-service.js';
import type { ConfirmResult, LockResult, RegistrationInfo } from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { createBook, createCashiers, moneyState } from './support/cashier.js';

const SHORT = '1381234';
const KIOSK_KEY = 'phone-rule-kiosk-key-0123456789ab';

let server: TestServer;
let consultantToken: string;
let managerToken: string;
let cashierToken: string;
let socket: HubClient;
let nextUnit = 0;

const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;
type Err = { error?: { code: string; details?: { path: string }[] } };
const call = <T = unknown>(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers?: Record<string, string>,
) => http<T & Err>(server.url, method, path, token, body, headers);

async function lock(unitId: string): Promise<string> {
  const ack = await emitAck<LockResult>(socket, 'unit:lock', { unitId });
  if (!ack.ok) throw new Error(ack.error.code);
  return ack.data.token;
}

/** A confirmed walk-in deal (valid buyer). */
async function deal(): Promise<string> {
  const unitId = freshUnit();
  const token = await lock(unitId);
  const ack = await emitAck<ConfirmResult>(socket, 'unit:confirm', {
    unitId,
    token,
    buyer: { name: '正常买家', phone: '13912345678' },
  });
  if (!ack.ok) throw new Error(ack.error.code);
  return ack.data.subscriptionId;
}

const isPhoneRefusal = (status: number, body: Err, path: string) =>
  status === 400 && body.error?.code === 'VALIDATION_FAILED' && (body.error.details ?? []).some((d) => d.path === path);

beforeAll(async () => {
  server = await startTestServer({ units: 30, consultants: 2, maxLocks: 10 });
  consultantToken = (await server.login('s001')).token;
  managerToken = (await server.login('manager')).token;
  socket = await server.connect({ token: consultantToken });
  const [c] = await createCashiers(server, ['phonecashier']);
  cashierToken = c!.token;
  await createBook(server, managerToken, c!.id, 'PH-', 1, 999, 4);
  await server.db.device.create({
    data: { projectId: server.fixture.projectId, kind: 'KIOSK', name: 'Kiosk', keyHash: hashDeviceKey(KIOSK_KEY) },
  });
  await server.db.queueCategory.create({
    data: {
      projectId: server.fixture.projectId,
      code: 'GEN',
      name: '普通',
      nameEn: 'General',
      prefix: 'A',
      priority: 1,
    },
  });
});

afterAll(async () => {
  await server?.close();
});

describe('one phone rule, everywhere a phone enters', () => {
  it('confirm over the hub: a 7-digit phone is refused, the lock stays, nothing is sold', async () => {
    const unitId = freshUnit();
    const token = await lock(unitId);
    const ack = await emitAck(socket, 'unit:confirm', { unitId, token, buyer: { name: '短号买家', phone: SHORT } });
    expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: [{ path: 'buyer.phone' }] } });
    for (const phone of ['12812345678', '1381234567', '138123456789', '+1 415 555 0100']) {
      const bad = await emitAck(socket, 'unit:confirm', { unitId, token, buyer: { name: '短号买家', phone } });
      expect(bad, phone).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
    expect(await server.kaipan.services.mirror.getLock(server.fixture.projectId, unitId)).not.toBeNull();
    // The same number written the way people write it is one number: stored normalised.
    const ok = await emitAck<ConfirmResult>(socket, 'unit:confirm', {
      unitId,
      token,
      buyer: { name: '正常买家', phone: '+86 138-1234-5678' },
    });
    if (!ok.ok) throw new Error(ok.error.code);
    expect((await server.db.subscription.findUniqueOrThrow({ where: { id: ok.data.subscriptionId } })).buyerPhone).toBe(
      '13812345678',
    );
  });

  it('confirm over HTTP', async () => {
    const unitId = freshUnit();
    const token = await lock(unitId);
    const res = await call('POST', `/api/units/${unitId}/confirm`, consultantToken, {
      token,
      buyer: { name: '短号买家', phone: SHORT },
    });
    expect(isPhoneRefusal(res.status, res.body, 'buyer.phone')).toBe(true);
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
    await emitAck(socket, 'unit:release', { unitId, token });
  });

  it('the below-floor request and the quote', async () => {
    const unitId = freshUnit();
    const token = await lock(unitId);
    const asked = await call('POST', `/api/units/${unitId}/price-approvals`, consultantToken, {
      token,
      buyer: { name: '短号买家', phone: SHORT },
      note: '特批',
    });
    expect(isPhoneRefusal(asked.status, asked.body, 'buyer.phone')).toBe(true);
    const quote = await call('POST', `/api/units/${unitId}/quote`, consultantToken, { phone: SHORT });
    expect(isPhoneRefusal(quote.status, quote.body, 'phone')).toBe(true);
    expect((await call('POST', `/api/units/${unitId}/quote`, consultantToken, { phone: '139 1234 5678' })).status).toBe(
      200,
    );
    expect(await server.db.priceApproval.count({ where: { unitId } })).toBe(0);
    await emitAck(socket, 'unit:release', { unitId, token });
  });

  it('更名: the new buyer’s phone', async () => {
    const subscriptionId = await deal();
    const res = await call('POST', '/api/change-requests', consultantToken, {
      kind: 'BUYER_CHANGE',
      subscriptionId,
      buyer: { name: '新买家', phone: SHORT },
      reason: '夫妻更名',
    });
    expect(isPhoneRefusal(res.status, res.body, 'buyer.phone')).toBe(true);
    expect(await server.db.changeRequest.count({ where: { subscriptionId } })).toBe(0);
  });

  it('the cashier’s payer phone', async () => {
    const subscriptionId = await deal();
    const before = await moneyState(server);
    const res = await call('POST', `/api/projects/${server.fixture.projectId}/payments`, cashierToken, {
      idempotencyKey: 'phone-rule-payer-1',
      kind: 'DEPOSIT',
      subscriptionId,
      payerPhone: SHORT,
      lines: [{ method: 'CASH', amount: 10_000_00 }],
    });
    expect(isPhoneRefusal(res.status, res.body, 'payerPhone')).toBe(true);
    expect(await moneyState(server)).toEqual(before);
  });

  it('customers, co-buyers and registrations’ buyers', async () => {
    const pid = server.fixture.projectId;
    const created = await call('POST', `/api/projects/${pid}/customers`, consultantToken, {
      name: '短号客户',
      phone: SHORT,
    });
    expect(isPhoneRefusal(created.status, created.body, 'phone')).toBe(true);
    const coBuyer = await call('POST', `/api/projects/${pid}/customers`, consultantToken, {
      name: '共同买家客户',
      phone: '13712340000',
      coBuyers: [{ name: '配偶', phone: SHORT }],
    });
    expect(coBuyer.status).toBe(400);
    expect(
      await server.db.customer.count({ where: { projectId: pid, name: { in: ['短号客户', '共同买家客户'] } } }),
    ).toBe(0);
    // A registered buyer's phone is the customer record's: always valid.
    const customer = await call<{ id: string }>('POST', `/api/projects/${pid}/customers`, consultantToken, {
      name: '认筹客户',
      phone: '13712340001',
    });
    const reg = await call<RegistrationInfo>('POST', `/api/projects/${pid}/registrations`, consultantToken, {
      customerId: customer.body.id,
    });
    expect(reg.body.customer.phone).toBe('13712340001');
  });

  it('the queue kiosk', async () => {
    const res = await call(
      'POST',
      `/api/projects/${server.fixture.projectId}/queue/tickets`,
      undefined,
      { category: 'GEN', phone: SHORT },
      { 'x-device-key': KIOSK_KEY },
    );
    expect(isPhoneRefusal(res.status, res.body, 'phone')).toBe(true);
    expect(await server.db.queueTicket.count({ where: { projectId: server.fixture.projectId } })).toBe(0);
  });
});
