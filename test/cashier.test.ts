/**
 * The cashier 收银台 against a real server, PostgreSQL and Redis: receipt books, payments with
 * idempotency keys, receipts (numbering, voids with four-eyes approval, print counting), 诚意金转定金,
 * refunds, day-end 日结 (totals, close = frozen, CSV), settings, lookup and the deposit rule (BullMQ
 * `deposits` queue). Races of many real clients are in cashier-concurrency.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type {
  CashierLookup,
  CashierRegistration,
  CashierSubscription,
  DayEndTotals,
  PaymentInfo,
  ProjectSnapshot,
  ReceiptBookInfo,
  ReceiptInfo,
  RegistrationInfo,
  UnitChange,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { waitFor } from './support/wait.js';
import { TEST_BOARD_KEY } from './support/fixture.js';
import {
  caller,
  cash,
  createBook,
  createCashiers,
  createRegistration,
  freshPhone,
  moneyState,
  newKey,
  pay,
  subscribe,
} from './support/cashier.js';
import { DEPOSITS_QUEUE, depositJobId } from '../server/src/jobs/deposits.js';
import { bullPrefix, createBullConnection } from '../server/src/jobs/producer.js';

type SubView = CashierSubscription & { payments: PaymentInfo[] };
type RegView = CashierRegistration & { payments: PaymentInfo[] };
type VoidInfo = {
  id: string;
  status: string;
  receiptId: string;
  receiptLabel: string;
  requestedBy: string;
  decidedBy: string | null;
  reason: string;
};

let server: TestServer;
let pid: string;
let admin: string;
let manager: string;
let cashier: string;
let cashierId: string;
let consultant: string;
let socket: HubClient;
let board: HubClient;
const boardChanges: UnitChange[] = [];
let call: ReturnType<typeof caller>;
let nextUnit = 0;
const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;
const buyer = () => ({ name: `买家${nextUnit}`, phone: freshPhone(137) });

const sub = (id: string, token = cashier) => call<SubView>('GET', `/api/subscriptions/${id}/cashier`, token);
const reg = (id: string, token = cashier) => call<RegView>('GET', `/api/registrations/${id}/cashier`, token);
const payment = (id: string, token = cashier) => call<PaymentInfo>('GET', `/api/payments/${id}`, token);
const record = (token: string, body: Record<string, unknown>) =>
  call<PaymentInfo>('POST', `/api/projects/${pid}/payments`, token, body);
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

beforeAll(async () => {
  server = await startTestServer({ units: 24, consultants: 2, maxLocks: 5 });
  pid = server.fixture.projectId;
  call = caller(server);
  const [a, m, c, s] = await Promise.all(
    ['admin', 'manager', 'cashier', 's001'].map(async (u) => (await server.login(u)).token),
  );
  [admin, manager, cashier, consultant] = [a!, m!, c!, s!];
  cashierId = (await server.db.user.findUniqueOrThrow({ where: { username: 'cashier' } })).id;
  socket = await server.connect({ token: consultant });
  expect((await emitAck(socket, 'project:join', { projectId: pid })).ok).toBe(true);
  board = await server.connect({ deviceKey: TEST_BOARD_KEY });
  expect((await emitAck<ProjectSnapshot>(board, 'project:join', { projectId: pid })).ok).toBe(true);
  board.on('units:changed', (frame) => boardChanges.push(...frame.changes));
});

afterAll(async () => {
  await server?.close();
});

describe('receipt books 收据本', () => {
  it('managers create books; ranges of one prefix never overlap; one active book per cashier', async () => {
    const before = await moneyState(server);
    // Only managers; consultants not at all.
    expect(
      (
        await call('POST', `/api/projects/${pid}/receipt-books`, cashier, {
          prefix: 'KP2026-',
          firstNumber: 1,
          lastNumber: 999_999,
          cashierId,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('POST', `/api/projects/${pid}/receipt-books`, consultant, {
          prefix: 'KP2026-',
          firstNumber: 1,
          lastNumber: 999_999,
          cashierId,
        })
      ).status,
    ).toBe(403);
    // A consultant cannot hold a book; bad ranges are refused by the contract.
    const s001 = (await server.db.user.findUniqueOrThrow({ where: { username: 's001' } })).id;
    expect(
      (
        await call('POST', `/api/projects/${pid}/receipt-books`, manager, {
          prefix: 'KP2026-',
          firstNumber: 1,
          lastNumber: 9,
          cashierId: s001,
        })
      ).body.error?.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (
        await call('POST', `/api/projects/${pid}/receipt-books`, manager, {
          prefix: 'kp',
          firstNumber: 1,
          lastNumber: 9,
          cashierId,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', `/api/projects/${pid}/receipt-books`, manager, {
          prefix: 'KP-',
          firstNumber: 9,
          lastNumber: 1,
          cashierId,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', `/api/projects/${pid}/receipt-books`, manager, {
          prefix: 'KP-',
          firstNumber: 1,
          lastNumber: 1_000_000,
          digits: 6,
          cashierId,
        })
      ).status,
    ).toBe(400);
    expect(await moneyState(server)).toEqual(before);

    const book = await createBook(server, manager, cashierId, 'KP2026-', 1, 999_999);
    expect(book).toMatchObject({
      prefix: 'KP2026-',
      firstNumber: 1,
      lastNumber: 999_999,
      nextNumber: 1,
      digits: 6,
      remaining: 999_999,
      cashierId,
      cashier: '出纳',
      status: 'ACTIVE',
    });
    // The cashier still has numbers: a second book is a conflict; an overlapping range too.
    const again = await call('POST', `/api/projects/${pid}/receipt-books`, manager, {
      prefix: 'XX-',
      firstNumber: 1,
      lastNumber: 10,
      cashierId,
    });
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'ACTIVE_BOOK' } });
    const [other] = await createCashiers(server, ['cashier-b']);
    const overlap = await call('POST', `/api/projects/${pid}/receipt-books`, manager, {
      prefix: 'KP2026-',
      firstNumber: 999_000,
      lastNumber: 999_999,
      cashierId: other!.id,
    });
    expect(overlap.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'RANGE_OVERLAP' } });
    // A longer prefix that would print the same labels: KP2026-0 + 12345 = KP2026- + 012345.
    const sneaky = await call('POST', `/api/projects/${pid}/receipt-books`, manager, {
      prefix: 'KP2026-0',
      firstNumber: 1,
      lastNumber: 99,
      digits: 5,
      cashierId: other!.id,
    });
    expect(sneaky.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'RANGE_OVERLAP' } });
    // Lists: managers all, a cashier their own, consultants nothing.
    const own = await call<ReceiptBookInfo[]>('GET', `/api/projects/${pid}/receipt-books`, other!.token);
    expect(own.body).toEqual([]);
    expect(
      (await call<ReceiptBookInfo[]>('GET', `/api/projects/${pid}/receipt-books`, cashier)).body.map((b) => b.id),
    ).toEqual([book.id]);
    expect((await call('GET', `/api/projects/${pid}/receipt-books`, consultant)).status).toBe(403);
    const audit = await server.db.auditEvent.findMany({ where: { entityId: book.id } });
    expect(audit.map((a) => a.action)).toEqual(['receipt_book.create']);
  });

  it('a used-up book refuses with CONFLICT and writes nothing; a new book closes it', async () => {
    const [c] = await createCashiers(server, ['cashier-short']);
    const book = await createBook(server, manager, c!.id, 'SH-', 1, 2, 3);
    const r = await createRegistration(server, manager, '短本客户');
    const first = await pay(server, c!.token, { kind: 'SINCERITY', registrationId: r.id, lines: cash(100_00) });
    const second = await pay(server, c!.token, { kind: 'SINCERITY', registrationId: r.id, lines: cash(100_00) });
    expect([first.receipt!.label, second.receipt!.label]).toEqual(['SH-001', 'SH-002']);
    const before = await moneyState(server);
    const out = await record(c!.token, {
      idempotencyKey: newKey(),
      kind: 'SINCERITY',
      registrationId: r.id,
      lines: cash(100_00),
    });
    expect(out.status).toBe(409);
    expect(out.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'RECEIPT_BOOK_EXHAUSTED' } });
    expect(await moneyState(server)).toEqual(before);
    // A cashier without any book: CONFLICT too.
    const [none] = await createCashiers(server, ['cashier-nobook']);
    const nobook = await record(none!.token, {
      idempotencyKey: newKey(),
      kind: 'SINCERITY',
      registrationId: r.id,
      lines: cash(100_00),
    });
    expect(nobook.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'NO_RECEIPT_BOOK' } });
    expect(await moneyState(server)).toEqual(before);
    // The manager gives a new book: the exhausted one is closed first.
    const next = await createBook(server, manager, c!.id, 'SH-', 3, 5, 3);
    expect((await server.db.receiptBook.findUniqueOrThrow({ where: { id: book.id } })).status).toBe('CLOSED');
    const third = await pay(server, c!.token, { kind: 'SINCERITY', registrationId: r.id, lines: cash(100_00) });
    expect(third.receipt).toMatchObject({ label: 'SH-003', bookId: next.id, number: 3 });
    // Closing a book: managers only; twice is the same.
    expect((await call('POST', `/api/receipt-books/${next.id}/close`, c!.token, {})).status).toBe(403);
    const closed = await call<ReceiptBookInfo>('POST', `/api/receipt-books/${next.id}/close`, manager, {});
    expect(closed.body).toMatchObject({ status: 'CLOSED', remaining: 2 });
    expect(
      (await call<ReceiptBookInfo>('POST', `/api/receipt-books/${next.id}/close`, manager, {})).body,
    ).toMatchObject({ status: 'CLOSED' });
    expect(
      (await record(c!.token, { idempotencyKey: newKey(), kind: 'SINCERITY', registrationId: r.id, lines: cash(1) }))
        .body.error?.details,
    ).toMatchObject({ reason: 'NO_RECEIPT_BOOK' });
  });
});

describe('payments 收款', () => {
  it('records a sincerity deposit with a receipt, payer from the registration, audited; a replay answers the first result', async () => {
    const r = await createRegistration(server, manager, '诚意客户');
    const key = newKey();
    const body = {
      idempotencyKey: key,
      kind: 'SINCERITY',
      registrationId: r.id,
      lines: [
        { method: 'CASH', amount: 20_000_00 },
        { method: 'WECHAT', amount: 5_000_00, reference: 'WX-1' },
      ],
    };
    const res = await record(cashier, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      projectId: pid,
      kind: 'SINCERITY',
      amount: 25_000_00,
      status: 'RECORDED',
      payerName: '诚意客户',
      payerPhone: r.phone,
      lines: [
        { method: 'CASH', amount: 20_000_00, reference: null },
        { method: 'WECHAT', amount: 5_000_00, reference: 'WX-1' },
      ],
      subscriptionId: null,
      registrationId: r.id,
      registrationNo: `R${String(r.number).padStart(4, '0')}`,
      cashierId,
      cashier: '出纳',
      businessDate: today(),
      closed: false,
      convertedFromId: null,
      convertedToId: null,
      correctsId: null,
      receipt: {
        label: expect.stringMatching(/^KP2026-\d{6}$/),
        status: 'ISSUED',
        printCount: 0,
        pendingVoid: null,
        voidReason: null,
      },
    });
    // Pressed again (a retry, a reconnect): 200 and the very same answer; nothing new written.
    const before = await moneyState(server);
    const replay = await record(cashier, body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(res.body);
    // The same key for another submission is refused.
    const other = await record(cashier, { ...body, lines: cash(25_000_00) });
    expect(other.status).toBe(409);
    expect(other.body.error?.details).toMatchObject({ reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await moneyState(server)).toEqual(before);
    // Whether the registration holds its deposit follows from the payments; the cashier's view shows what is held.
    expect((await call<RegistrationInfo>('GET', `/api/registrations/${r.id}`, manager)).body.depositPaid).toBe(true);
    const view = await reg(r.id);
    expect(view.body).toMatchObject({ id: r.id, status: 'ACTIVE', customerName: '诚意客户', sincerityHeld: 25_000_00 });
    expect(view.body.payments.map((p) => p.id)).toEqual([res.body.id]);
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: res.body.id, action: 'payment.record' },
    });
    expect(audit).toMatchObject({
      actorName: 'cashier',
      after: { kind: 'SINCERITY', amount: 25_000_00, receipt: res.body.receipt!.label, registrationId: r.id },
    });
    expect((await payment(res.body.id)).body).toEqual(res.body);
  });

  it('refuses bad input and the wrong people, and changes nothing', async () => {
    const r = await createRegistration(server, manager, '校验客户');
    const unitId = freshUnit();
    const subId = await subscribe(socket, unitId, buyer());
    const before = await moneyState(server);
    const bad: [string, Record<string, unknown>][] = [
      [
        'no reference for WeChat',
        { kind: 'SINCERITY', registrationId: r.id, lines: [{ method: 'WECHAT', amount: 100 }] },
      ],
      ['zero amount', { kind: 'SINCERITY', registrationId: r.id, lines: [{ method: 'CASH', amount: 0 }] }],
      ['fractional fen', { kind: 'SINCERITY', registrationId: r.id, lines: [{ method: 'CASH', amount: 1.5 }] }],
      ['deposit without subscription', { kind: 'DEPOSIT', registrationId: r.id, lines: cash(100) }],
      ['sincerity without registration', { kind: 'SINCERITY', lines: cash(100) }],
      ['REFUND is not recorded here', { kind: 'REFUND', registrationId: r.id, lines: cash(100) }],
      [
        'CONVERSION is not a method',
        { kind: 'DEPOSIT', subscriptionId: subId, lines: [{ method: 'CONVERSION', amount: 100 }] },
      ],
      [
        'too many lines',
        {
          kind: 'SINCERITY',
          registrationId: r.id,
          lines: Array.from({ length: 7 }, () => ({ method: 'CASH', amount: 1 })),
        },
      ],
      ['unknown field', { kind: 'SINCERITY', registrationId: r.id, lines: cash(100), amount: 100 }],
      [
        'sincerity on a subscription',
        { kind: 'SINCERITY', registrationId: r.id, subscriptionId: subId, lines: cash(100) },
      ],
    ];
    for (const [what, body] of bad) {
      const res = await record(cashier, { idempotencyKey: newKey(), ...body });
      expect(res.status, what).toBe(400);
      expect(res.body.error?.code, what).toBe('VALIDATION_FAILED');
    }
    expect(
      (await record(cashier, { idempotencyKey: 'short', kind: 'SINCERITY', registrationId: r.id, lines: cash(100) }))
        .status,
    ).toBe(400);
    // Unknown subjects, other projects, the wrong household.
    const other = await createRegistration(server, manager, '别家');
    expect(
      (
        await record(cashier, {
          idempotencyKey: newKey(),
          kind: 'DEPOSIT',
          subscriptionId: '00000000-0000-4000-8000-000000000000',
          lines: cash(100),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await record(cashier, {
          idempotencyKey: newKey(),
          kind: 'DEPOSIT',
          subscriptionId: subId,
          registrationId: other.id,
          lines: cash(100),
        })
      ).body.error?.code,
    ).toBe('VALIDATION_FAILED');
    // Consultants, devices and outsiders handle no money.
    expect(
      (
        await record(consultant, {
          idempotencyKey: newKey(),
          kind: 'SINCERITY',
          registrationId: r.id,
          lines: cash(100),
        })
      ).status,
    ).toBe(403);
    const outsider = (await server.login('outsider')).token;
    expect(
      (await record(outsider, { idempotencyKey: newKey(), kind: 'SINCERITY', registrationId: r.id, lines: cash(100) }))
        .status,
    ).toBe(403);
    expect(
      (
        await http(
          server.url,
          'POST',
          `/api/projects/${pid}/payments`,
          undefined,
          { idempotencyKey: newKey(), kind: 'SINCERITY', registrationId: r.id, lines: cash(100) },
          { 'x-device-key': TEST_BOARD_KEY },
        )
      ).status,
    ).toBe(403);
    expect((await sub(subId, consultant)).status).toBe(403);
    expect((await reg(r.id, consultant)).status).toBe(403);
    expect((await call('GET', `/api/projects/${pid}/payments`, consultant)).status).toBe(403);
    // A cancelled registration takes no money.
    expect((await call('POST', `/api/registrations/${other.id}/cancel`, manager, {})).status).toBe(200);
    const cancelled = await record(cashier, {
      idempotencyKey: newKey(),
      kind: 'SINCERITY',
      registrationId: other.id,
      lines: cash(100),
    });
    expect(cancelled.body.error?.code).toBe('INVALID_TRANSITION');
    const after = await moneyState(server);
    expect(after).toEqual(before);
  });

  it('a deposit reaching the required deposit marks the subscription paid; split methods; payer defaults to the buyer', async () => {
    const b = buyer();
    const subId = await subscribe(socket, freshUnit(), b);
    const view0 = (await sub(subId)).body;
    expect(view0).toMatchObject({
      id: subId,
      status: 'ACTIVE',
      buyerName: b.name,
      depositPaid: 0,
      depositPaidAt: null,
      balanceHeld: 0,
      refundState: 'NONE',
    });
    const required = view0.depositRequired;
    expect(required).toBeGreaterThan(0);
    const part = await pay(server, cashier, {
      kind: 'DEPOSIT',
      subscriptionId: subId,
      lines: cash(required - 1_000_00),
    });
    expect(part).toMatchObject({ payerName: b.name, payerPhone: b.phone, unitCode: view0.unitCode, kind: 'DEPOSIT' });
    expect((await sub(subId)).body).toMatchObject({ depositPaid: required - 1_000_00, depositPaidAt: null });
    await pay(server, cashier, {
      kind: 'DEPOSIT',
      subscriptionId: subId,
      payerName: '代付人',
      payerPhone: '13900009999',
      lines: [
        { method: 'BANK_CARD', amount: 600_00, reference: 'POS-77' },
        { method: 'ALIPAY', amount: 400_00, reference: 'ALI-9' },
      ],
    });
    const view = (await sub(subId)).body;
    expect(view).toMatchObject({ depositPaid: required, balanceHeld: required, depositPaidAt: expect.any(String) });
    expect(view.payments).toHaveLength(2);
    expect(view.payments[0]).toMatchObject({ payerName: '代付人', payerPhone: '13900009999' });
    const audits = await server.db.auditEvent.findMany({
      where: { entityId: subId, action: 'subscription.deposit_paid' },
    });
    expect(audits).toHaveLength(1);
    // A down payment is money held but not deposit.
    await pay(server, cashier, { kind: 'DOWN_PAYMENT', subscriptionId: subId, lines: cash(10_000_00) });
    expect((await sub(subId)).body).toMatchObject({ depositPaid: required, balanceHeld: required + 10_000_00 });
    // Managers may take money too (with a book).
    const adminId = (await server.db.user.findUniqueOrThrow({ where: { username: 'admin' } })).id;
    await createBook(server, manager, adminId, 'AD-', 1, 100, 4);
    const byAdmin = await pay(server, admin, {
      kind: 'OTHER',
      subscriptionId: subId,
      lines: cash(1_00),
      note: '工本费',
    });
    expect(byAdmin).toMatchObject({ receipt: { label: 'AD-0001' }, cashier: 'Admin', note: '工本费' });
  });
});

describe('诚意金转定金 and refunds', () => {
  it('converts a sincerity deposit into the deposit: no money moves, both linked, the subscription paid', async () => {
    const r = await createRegistration(server, manager, '转定客户');
    const unitId = freshUnit();
    const subId = await subscribe(socket, unitId, undefined, r.id);
    const required = (await sub(subId)).body.depositRequired;
    const sincerity = await pay(server, cashier, { kind: 'SINCERITY', registrationId: r.id, lines: cash(required) });
    // Not this household's subscription: refused, nothing written.
    const stranger = await subscribe(socket, freshUnit(), buyer());
    const before = await moneyState(server);
    const wrong = await call('POST', `/api/payments/${sincerity.id}/convert`, cashier, {
      idempotencyKey: newKey(),
      subscriptionId: stranger,
    });
    expect(wrong.body.error?.code).toBe('VALIDATION_FAILED');
    expect(await moneyState(server)).toEqual(before);
    expect(
      (
        await call('POST', `/api/payments/${sincerity.id}/convert`, consultant, {
          idempotencyKey: newKey(),
          subscriptionId: subId,
        })
      ).status,
    ).toBe(403);

    const key = newKey();
    const res = await call<PaymentInfo>('POST', `/api/payments/${sincerity.id}/convert`, cashier, {
      idempotencyKey: key,
      subscriptionId: subId,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'DEPOSIT',
      amount: required,
      status: 'RECORDED',
      subscriptionId: subId,
      registrationId: r.id,
      convertedFromId: sincerity.id,
      lines: [{ method: 'CONVERSION', amount: required, reference: sincerity.receipt!.label }],
      receipt: { status: 'ISSUED' },
    });
    expect(res.body.receipt!.label).not.toBe(sincerity.receipt!.label);
    expect((await payment(sincerity.id)).body).toMatchObject({ status: 'CONVERTED', convertedToId: res.body.id });
    expect((await sub(subId)).body).toMatchObject({
      depositPaid: required,
      depositPaidAt: expect.any(String),
      balanceHeld: required,
    });
    expect((await reg(r.id)).body.sincerityHeld).toBe(0);
    // Replay: same answer; converting again: refused; a converted sincerity deposit cannot be voided or refunded.
    const replay = await call<PaymentInfo>('POST', `/api/payments/${sincerity.id}/convert`, cashier, {
      idempotencyKey: key,
      subscriptionId: subId,
    });
    expect(replay).toEqual({ status: 200, body: res.body });
    const twice = await call('POST', `/api/payments/${sincerity.id}/convert`, cashier, {
      idempotencyKey: newKey(),
      subscriptionId: subId,
    });
    expect(twice.body.error?.code).toBe('INVALID_TRANSITION');
    expect(
      (await call('POST', `/api/receipts/${sincerity.receipt!.id}/void-requests`, cashier, { reason: '错收' })).body
        .error?.details,
    ).toMatchObject({ reason: 'CONVERTED' });
    expect(
      (await call('POST', `/api/receipts/${res.body.receipt!.id}/void-requests`, cashier, { reason: '错转' })).body
        .error?.details,
    ).toMatchObject({ reason: 'CONVERSION' });
    expect(
      (
        await call('POST', `/api/payments/${sincerity.id}/refund`, cashier, {
          idempotencyKey: newKey(),
          lines: cash(required),
          reason: 'x',
        })
      ).body.error?.code,
    ).toBe('INVALID_TRANSITION');
    const audits = await server.db.auditEvent.findMany({
      where: {
        entityId: { in: [res.body.id, sincerity.id] },
        action: { in: ['payment.convert', 'payment.converted'] },
      },
    });
    expect(audits.map((a) => a.action).sort()).toEqual(['payment.convert', 'payment.converted']);
    // The lookup by the registration brings both ends.
    const found = await call<CashierLookup>(
      'GET',
      `/api/projects/${pid}/cashier/lookup?q=R${String(r.number).padStart(4, '0')}`,
      cashier,
    );
    expect(found.body.registrations.map((x) => x.id)).toContain(r.id);
    expect(found.body.subscriptions.map((x) => x.id)).toContain(subId);
  });

  it('refunds a sincerity deposit of a household that did not buy, in full only', async () => {
    const r = await createRegistration(server, manager, '退诚意客户');
    const s = await pay(server, cashier, { kind: 'SINCERITY', registrationId: r.id, lines: cash(30_000_00) });
    const before = await moneyState(server);
    const short = await call('POST', `/api/payments/${s.id}/refund`, cashier, {
      idempotencyKey: newKey(),
      lines: cash(29_999_99),
      reason: '未选房',
    });
    expect(short.status).toBe(409);
    expect(short.body.error).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'REFUND_AMOUNT', refundable: 30_000_00 },
    });
    expect(
      (
        await call('POST', `/api/payments/${s.id}/refund`, cashier, {
          idempotencyKey: newKey(),
          lines: cash(30_000_00),
        })
      ).status,
    ).toBe(400);
    expect(await moneyState(server)).toEqual(before);
    const key = newKey();
    const body = {
      idempotencyKey: key,
      lines: [{ method: 'TRANSFER', amount: 30_000_00, reference: 'BANK-001' }],
      reason: '未选房',
    };
    const res = await call<PaymentInfo>('POST', `/api/payments/${s.id}/refund`, cashier, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'REFUND',
      amount: 30_000_00,
      correctsId: s.id,
      registrationId: r.id,
      note: '未选房',
      payerName: '退诚意客户',
      receipt: { status: 'ISSUED' },
    });
    expect(await call<PaymentInfo>('POST', `/api/payments/${s.id}/refund`, cashier, body)).toEqual({
      status: 200,
      body: res.body,
    });
    expect((await payment(s.id)).body.status).toBe('REFUNDED');
    expect((await call<RegistrationInfo>('GET', `/api/registrations/${r.id}`, manager)).body.depositPaid).toBe(false);
    expect(
      (await call('POST', `/api/payments/${s.id}/refund`, cashier, { ...body, idempotencyKey: newKey() })).body.error
        ?.code,
    ).toBe('INVALID_TRANSITION');
    expect(
      (await call('POST', `/api/payments/${res.body.id}/refund`, cashier, { ...body, idempotencyKey: newKey() })).body
        .error?.code,
    ).toBe('INVALID_TRANSITION');
    // A household that bought converts instead of refunding.
    const r2 = await createRegistration(server, manager, '已购客户');
    const s2 = await pay(server, cashier, { kind: 'SINCERITY', registrationId: r2.id, lines: cash(10_000_00) });
    await subscribe(socket, freshUnit(), undefined, r2.id);
    const refused = await call('POST', `/api/payments/${s2.id}/refund`, cashier, {
      idempotencyKey: newKey(),
      lines: cash(10_000_00),
      reason: 'x',
    });
    expect(refused.body.error?.code).toBe('INVALID_TRANSITION');
  });

  it('refunds the payments of a subscription cancelled by 退房: DUE → DONE when nothing is held', async () => {
    const subId = await subscribe(socket, freshUnit(), buyer());
    const d = await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: subId, lines: cash(50_000_00) });
    const dp = await pay(server, cashier, {
      kind: 'DOWN_PAYMENT',
      subscriptionId: subId,
      lines: [{ method: 'CHEQUE', amount: 200_000_00, reference: 'CHQ-1' }],
    });
    // Not cancelled: no refund.
    expect(
      (
        await call('POST', `/api/payments/${d.id}/refund`, cashier, {
          idempotencyKey: newKey(),
          lines: cash(50_000_00),
          reason: 'x',
        })
      ).body.error?.code,
    ).toBe('INVALID_TRANSITION');
    // 退房: consultant asks, a manager approves, the consultant executes.
    const req = await call<{ id: string }>('POST', '/api/change-requests', consultant, {
      kind: 'CANCEL',
      subscriptionId: subId,
      reason: '客户退房',
    });
    expect(req.status).toBe(201);
    expect(
      (await call('POST', `/api/change-requests/${req.body.id}/decision`, manager, { approve: true })).status,
    ).toBe(200);
    expect((await call('POST', `/api/change-requests/${req.body.id}/execute`, consultant, {})).status).toBe(200);
    expect((await sub(subId)).body).toMatchObject({ status: 'CANCELLED', refundState: 'DUE', balanceHeld: 250_000_00 });
    // Money is no longer taken on it.
    expect(
      (await record(cashier, { idempotencyKey: newKey(), kind: 'DEPOSIT', subscriptionId: subId, lines: cash(1) })).body
        .error?.code,
    ).toBe('INVALID_TRANSITION');
    const r1 = await call<PaymentInfo>('POST', `/api/payments/${d.id}/refund`, cashier, {
      idempotencyKey: newKey(),
      lines: cash(50_000_00),
      reason: '退房退款',
    });
    expect(r1.status).toBe(201);
    expect((await sub(subId)).body).toMatchObject({ refundState: 'DUE', balanceHeld: 200_000_00 });
    const r2 = await call<PaymentInfo>('POST', `/api/payments/${dp.id}/refund`, cashier, {
      idempotencyKey: newKey(),
      lines: [
        { method: 'TRANSFER', amount: 150_000_00, reference: 'T-9' },
        { method: 'CASH', amount: 50_000_00 },
      ],
      reason: '退房退款',
    });
    expect(r2.status).toBe(201);
    const done = (await sub(subId)).body;
    expect(done).toMatchObject({ refundState: 'DONE', balanceHeld: 0 });
    expect(done.payments.map((p) => [p.kind, p.status]).sort()).toEqual([
      ['DEPOSIT', 'REFUNDED'],
      ['DOWN_PAYMENT', 'REFUNDED'],
      ['REFUND', 'RECORDED'],
      ['REFUND', 'RECORDED'],
    ]);
    expect(await server.db.auditEvent.count({ where: { entityId: subId, action: 'subscription.refund_done' } })).toBe(
      1,
    );
  });
});

describe('voids 作废 and prints', () => {
  it('void: the cashier asks, another manager approves; the receipt keeps its number, the payment is voided, day-end leaves it out', async () => {
    const subId = await subscribe(socket, freshUnit(), buyer());
    const required = (await sub(subId)).body.depositRequired;
    const deposit = await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: subId, lines: cash(required) });
    expect((await sub(subId)).body.depositPaidAt).not.toBeNull();
    const dayBefore = (await call<DayEndTotals>('GET', `/api/projects/${pid}/day-end`, cashier)).body;
    const receiptId = deposit.receipt!.id;

    const req = await call<VoidInfo>('POST', `/api/receipts/${receiptId}/void-requests`, cashier, {
      reason: '金额录错',
    });
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({
      status: 'PENDING',
      receiptId,
      receiptLabel: deposit.receipt!.label,
      requestedBy: '出纳',
      reason: '金额录错',
    });
    // Pressed twice: the same request; another reason while one is pending: CONFLICT.
    expect(await call('POST', `/api/receipts/${receiptId}/void-requests`, cashier, { reason: '金额录错' })).toEqual({
      status: 200,
      body: req.body,
    });
    expect(
      (await call('POST', `/api/receipts/${receiptId}/void-requests`, cashier, { reason: '别的' })).body.error?.code,
    ).toBe('CONFLICT');
    expect((await call('POST', `/api/receipts/${receiptId}/void-requests`, cashier, { reason: '' })).status).toBe(400);
    expect((await call<ReceiptInfo>('GET', `/api/receipts/${receiptId}`, cashier)).body.pendingVoid).toMatchObject({
      id: req.body.id,
      reason: '金额录错',
    });
    // Only managers decide; consultants cannot even ask.
    expect((await call('POST', `/api/void-requests/${req.body.id}/decision`, cashier, { approve: true })).status).toBe(
      403,
    );
    expect((await call('POST', `/api/receipts/${receiptId}/void-requests`, consultant, { reason: 'x' })).status).toBe(
      403,
    );
    expect(
      (await call<VoidInfo[]>('GET', `/api/projects/${pid}/void-requests?status=PENDING`, manager)).body.map(
        (v) => v.id,
      ),
    ).toContain(req.body.id);
    expect((await call('GET', `/api/projects/${pid}/void-requests`, cashier)).status).toBe(403);

    const ok = await call<VoidInfo>('POST', `/api/void-requests/${req.body.id}/decision`, manager, {
      approve: true,
      note: '核实',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'APPROVED', decidedBy: '经理' });
    const receipt = (await call<ReceiptInfo & { payment: PaymentInfo }>('GET', `/api/receipts/${receiptId}`, cashier))
      .body;
    expect(receipt).toMatchObject({
      label: deposit.receipt!.label,
      number: deposit.receipt!.number,
      status: 'VOIDED',
      voidReason: '金额录错',
      voidedAt: expect.any(String),
      pendingVoid: null,
    });
    expect(receipt.payment).toMatchObject({ status: 'VOIDED' });
    // The voided deposit made the subscription unpaid again.
    expect((await sub(subId)).body).toMatchObject({ depositPaid: 0, depositPaidAt: null });
    // Deciding again: same way = current state; the other way = INVALID_TRANSITION.
    expect(
      (await call<VoidInfo>('POST', `/api/void-requests/${req.body.id}/decision`, manager, { approve: true })).body
        .status,
    ).toBe('APPROVED');
    expect(
      (await call('POST', `/api/void-requests/${req.body.id}/decision`, manager, { approve: false })).body.error?.code,
    ).toBe('INVALID_TRANSITION');
    // Day-end: the number counts as issued and voided, the money does not count.
    const day = (await call<DayEndTotals>('GET', `/api/projects/${pid}/day-end`, cashier)).body;
    expect(day.net).toBe(dayBefore.net - required);
    expect(day.receiptsVoided).toBe(dayBefore.receiptsVoided + 1);
    expect(day.receiptsIssued).toBe(dayBefore.receiptsIssued);
    const actions = (
      await server.db.auditEvent.findMany({ where: { entityId: { in: [receiptId, deposit.id, req.body.id, subId] } } })
    ).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'receipt.void_request',
        'receipt.void_approve',
        'receipt.void',
        'payment.void',
        'subscription.deposit_unpaid',
      ]),
    );
    // A voided receipt is not printed and not voided again.
    expect((await call('POST', `/api/receipts/${receiptId}/prints`, cashier, {})).body.error?.code).toBe(
      'INVALID_TRANSITION',
    );
    expect(
      (await call('POST', `/api/receipts/${receiptId}/void-requests`, cashier, { reason: '再作废' })).body.error?.code,
    ).toBe('INVALID_TRANSITION');
  });

  it('four-eyes: whoever asked cannot decide; a rejection leaves the receipt issued', async () => {
    const r = await createRegistration(server, manager, '四眼客户');
    const p = await pay(server, cashier, { kind: 'SINCERITY', registrationId: r.id, lines: cash(1_000_00) });
    const req = await call<VoidInfo>('POST', `/api/receipts/${p.receipt!.id}/void-requests`, manager, {
      reason: '经理要求',
    });
    expect(req.status).toBe(201);
    const self = await call('POST', `/api/void-requests/${req.body.id}/decision`, manager, { approve: true });
    expect(self.status).toBe(403);
    expect(self.body.error?.message).toMatch(/Four-eyes/);
    const no = await call<VoidInfo>('POST', `/api/void-requests/${req.body.id}/decision`, admin, {
      approve: false,
      note: '不同意',
    });
    expect(no.body).toMatchObject({ status: 'REJECTED', decidedBy: 'Admin' });
    expect((await payment(p.id)).body).toMatchObject({
      status: 'RECORDED',
      receipt: { status: 'ISSUED', pendingVoid: null },
    });
    expect(
      (await call('POST', `/api/void-requests/${req.body.id}/decision`, admin, { approve: true })).body.error?.code,
    ).toBe('INVALID_TRANSITION');
    // A cashier asks only for their own receipts.
    const [other] = await createCashiers(server, ['cashier-void']);
    expect(
      (await call('POST', `/api/receipts/${p.receipt!.id}/void-requests`, other!.token, { reason: 'x' })).status,
    ).toBe(403);
  });

  it('voiding a refund puts the refunded payment back and the refund due again', async () => {
    const subId = await subscribe(socket, freshUnit(), buyer());
    const d = await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: subId, lines: cash(10_000_00) });
    const req = await call<{ id: string }>('POST', '/api/change-requests', consultant, {
      kind: 'CANCEL',
      subscriptionId: subId,
      reason: '退房',
    });
    await call('POST', `/api/change-requests/${req.body.id}/decision`, admin, { approve: true });
    await call('POST', `/api/change-requests/${req.body.id}/execute`, consultant, {});
    const refund = await call<PaymentInfo>('POST', `/api/payments/${d.id}/refund`, cashier, {
      idempotencyKey: newKey(),
      lines: cash(10_000_00),
      reason: '退款',
    });
    expect((await sub(subId)).body.refundState).toBe('DONE');
    const v = await call<VoidInfo>('POST', `/api/receipts/${refund.body.receipt!.id}/void-requests`, cashier, {
      reason: '退款未付出',
    });
    expect(
      (await call<VoidInfo>('POST', `/api/void-requests/${v.body.id}/decision`, manager, { approve: true })).body
        .status,
    ).toBe('APPROVED');
    expect((await payment(d.id)).body.status).toBe('RECORDED');
    expect((await sub(subId)).body).toMatchObject({ refundState: 'DUE', balanceHeld: 10_000_00 });
  });

  it('voiding the only payment of a cancelled deal settles its refund (nothing is owed)', async () => {
    const subId = await subscribe(socket, freshUnit(), buyer());
    const d = await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: subId, lines: cash(2_000_00) });
    const req = await call<{ id: string }>('POST', '/api/change-requests', consultant, {
      kind: 'CANCEL',
      subscriptionId: subId,
      reason: '退房',
    });
    await call('POST', `/api/change-requests/${req.body.id}/decision`, admin, { approve: true });
    await call('POST', `/api/change-requests/${req.body.id}/execute`, consultant, {});
    expect((await sub(subId)).body.refundState).toBe('DUE');
    const v = await call<VoidInfo>('POST', `/api/receipts/${d.receipt!.id}/void-requests`, cashier, {
      reason: '未实际收款',
    });
    expect(
      (await call<VoidInfo>('POST', `/api/void-requests/${v.body.id}/decision`, manager, { approve: true })).body
        .status,
    ).toBe('APPROVED');
    expect((await sub(subId)).body).toMatchObject({ refundState: 'DONE', balanceHeld: 0, depositPaid: 0 });
  });

  it('counts prints: the first is a print, later ones are reprints (COPY / 重打)', async () => {
    const r = await createRegistration(server, manager, '打印客户');
    const p = await pay(server, cashier, { kind: 'SINCERITY', registrationId: r.id, lines: cash(500_00) });
    const first = await call<ReceiptInfo>('POST', `/api/receipts/${p.receipt!.id}/prints`, cashier, {});
    expect(first.body).toMatchObject({ id: p.receipt!.id, printCount: 1, status: 'ISSUED' });
    const second = await call<ReceiptInfo>('POST', `/api/receipts/${p.receipt!.id}/prints`, manager, {});
    expect(second.body.printCount).toBe(2);
    expect((await call('POST', `/api/receipts/${p.receipt!.id}/prints`, consultant, {})).status).toBe(403);
    const audit = await server.db.auditEvent.findMany({ where: { entityId: p.receipt!.id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['receipt.print', 'receipt.reprint']);
  });
});

describe('day-end 日结', () => {
  it('totals by kind and method, conversions apart, voids out; closing freezes the day; CSV', async () => {
    const [c] = await createCashiers(server, ['cashier-day']);
    await createBook(server, manager, c!.id, 'DE-', 1, 999, 3);
    const r = await createRegistration(server, manager, '日结客户');
    const s1 = await pay(server, c!.token, { kind: 'SINCERITY', registrationId: r.id, lines: cash(20_000_00) });
    const subId = await subscribe(socket, freshUnit(), undefined, r.id);
    const conv = await call<PaymentInfo>('POST', `/api/payments/${s1.id}/convert`, c!.token, {
      idempotencyKey: newKey(),
      subscriptionId: subId,
    });
    expect(conv.status).toBe(201);
    const dep = await pay(server, c!.token, {
      kind: 'DEPOSIT',
      subscriptionId: subId,
      lines: [
        { method: 'WECHAT', amount: 30_000_00, reference: 'WX-9' },
        { method: 'BANK_CARD', amount: 10_000_00, reference: 'POS-1' },
      ],
    });
    const r2 = await createRegistration(server, manager, '日结退款');
    const s2 = await pay(server, c!.token, { kind: 'SINCERITY', registrationId: r2.id, lines: cash(5_000_00) });
    await call('POST', `/api/payments/${s2.id}/refund`, c!.token, {
      idempotencyKey: newKey(),
      lines: cash(5_000_00),
      reason: '未购',
    });
    // (r2 was withdrawn by its refund 退筹: the mistaken payment goes on r's registration.)
    const wrong = await pay(server, c!.token, { kind: 'OTHER', registrationId: r.id, lines: cash(123_45) });
    const v = await call<VoidInfo>('POST', `/api/receipts/${wrong.receipt!.id}/void-requests`, c!.token, {
      reason: '录错',
    });
    // Pending voids must be decided before the day closes.
    const early = await call('POST', `/api/projects/${pid}/day-end/close`, c!.token, { date: today() });
    expect(early.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'VOIDS_PENDING' } });
    await call('POST', `/api/void-requests/${v.body.id}/decision`, manager, { approve: true });

    const totals = await call<DayEndTotals>('GET', `/api/projects/${pid}/day-end`, c!.token);
    expect(totals.body).toEqual({
      businessDate: today(),
      cashierId: c!.id,
      cashier: '出纳cashier-day',
      byKind: {
        SINCERITY: { count: 2, amount: 25_000_00 },
        DEPOSIT: { count: 1, amount: 40_000_00 },
        REFUND: { count: 1, amount: 5_000_00 },
      },
      byMethod: {
        CASH: { count: 3, amount: 20_000_00 },
        WECHAT: { count: 1, amount: 30_000_00 },
        BANK_CARD: { count: 1, amount: 10_000_00 },
        CONVERSION: { count: 1, amount: 20_000_00 },
      },
      net: 60_000_00,
      receiptsIssued: 6,
      receiptsVoided: 1,
      firstReceipt: 'DE-001',
      lastReceipt: 'DE-006',
      closed: false,
      closedAt: null,
      closedBy: null,
      dayCloseId: null,
    });
    // Another cashier's day: managers only.
    expect((await call('GET', `/api/projects/${pid}/day-end?cashierId=${c!.id}`, cashier)).status).toBe(403);
    expect(
      (await call<DayEndTotals>('GET', `/api/projects/${pid}/day-end?cashierId=${c!.id}&date=${today()}`, manager))
        .body,
    ).toEqual(totals.body);
    expect((await call('GET', `/api/projects/${pid}/day-end?date=2026-13-45`, c!.token)).status).toBe(400);
    expect((await call('GET', `/api/projects/${pid}/day-end`, consultant)).status).toBe(403);

    // CSV: BOM, CRLF, a row per payment, the totals.
    const res = await fetch(`${server.url}/api/projects/${pid}/day-end.csv?date=${today()}`, {
      headers: { authorization: `Bearer ${c!.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toContain(`day-end-${today()}-cashier-day.csv`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split('\r\n');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(lines.filter((l) => /^DE-\d{3},/.test(l))).toHaveLength(6);
    expect(lines.find((l) => l.startsWith('DE-002,'))).toMatch(
      /,定金 Subscription deposit \(诚意金转入 Converted sincerity deposit\),诚意金转入 Converted sincerity deposit 20000\.00 \(DE-001\),20000\.00,日结客户,A-\d{4},已收款 Recorded$/,
    );
    expect(lines.find((l) => l.startsWith('DE-003,'))).toContain(
      ',定金 Subscription deposit,银行卡 Bank card 10000.00 (POS-1); 微信支付 WeChat Pay 30000.00 (WX-9),40000.00,',
    );
    expect(lines.find((l) => l.startsWith('DE-005,'))).toMatch(
      /,退款 Refund,现金 Cash 5000\.00,-5000\.00,日结退款,R\d{4},已收款 Recorded$/,
    );
    expect(lines.find((l) => l.startsWith('DE-006,'))).toMatch(
      /,其他 Other,现金 Cash 123\.45,123\.45,日结客户,R\d{4},已作废 Voided$/,
    );
    expect(text).toContain('净额 Net,,60000.00');
    expect(text).toContain('方式 诚意金转入 Converted sincerity deposit,1,20000.00');
    expect(text).toContain('作废 Receipts voided,1,');

    // Close: frozen. Twice: the same closed totals.
    const closed = await call<DayEndTotals>('POST', `/api/projects/${pid}/day-end/close`, c!.token, {
      date: today(),
      idempotencyKey: newKey(),
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({
      ...totals.body,
      closed: true,
      closedAt: expect.any(String),
      closedBy: '出纳cashier-day',
      dayCloseId: expect.any(String),
    });
    expect(
      (await call<DayEndTotals>('POST', `/api/projects/${pid}/day-end/close`, c!.token, { date: today() })).body,
    ).toEqual(closed.body);
    expect((await call<DayEndTotals>('GET', `/api/projects/${pid}/day-end`, c!.token)).body).toEqual(closed.body);
    expect((await payment(dep.id, c!.token)).body.closed).toBe(true);
    expect(await server.db.payment.count({ where: { cashierId: c!.id, dayCloseId: null } })).toBe(0);
    // Nothing more on a closed day; no voids of its receipts (corrections are new records).
    const before = await moneyState(server);
    const late = await record(c!.token, {
      idempotencyKey: newKey(),
      kind: 'SINCERITY',
      registrationId: r2.id,
      lines: cash(1_00),
    });
    expect(late.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'DAY_CLOSED' } });
    expect(await moneyState(server)).toEqual(before);
    const frozen = await call('POST', `/api/receipts/${dep.receipt!.id}/void-requests`, c!.token, { reason: '日结后' });
    expect(frozen.body.error).toMatchObject({
      code: 'INVALID_TRANSITION',
      message: expect.stringContaining('record a refund/correction'),
    });
    // Other cashiers' days are unaffected; a future day cannot be closed.
    expect((await call('POST', `/api/projects/${pid}/day-end/close`, c!.token, { date: '2999-01-01' })).status).toBe(
      400,
    );
    expect(
      (await call('POST', `/api/projects/${pid}/day-end/close`, c!.token, { date: today(), cashierId: cashierId }))
        .status,
    ).toBe(403);
    expect(
      await server.db.auditEvent.count({
        where: { action: 'day.close', after: { path: ['cashierId'], equals: c!.id } },
      }),
    ).toBe(1);
  });

  it('lists payments: a cashier their own, managers any, by date and kind', async () => {
    const mine = await call<PaymentInfo[]>('GET', `/api/projects/${pid}/payments?date=${today()}`, cashier);
    expect(mine.body.length).toBeGreaterThan(0);
    expect(new Set(mine.body.map((p) => p.cashierId))).toEqual(new Set([cashierId]));
    expect(
      (
        await call(
          'GET',
          `/api/projects/${pid}/payments?cashierId=${(await server.db.user.findUniqueOrThrow({ where: { username: 'admin' } })).id}`,
          cashier,
        )
      ).status,
    ).toBe(403);
    expect((await call('GET', `/api/projects/${pid}/payments?date=2026-02-30`, manager)).status).toBe(400);
    expect((await call('GET', `/api/projects/${pid}/payments?kind=GIFT`, manager)).status).toBe(400);
    const refunds = await call<PaymentInfo[]>('GET', `/api/projects/${pid}/payments?kind=REFUND`, manager);
    expect(refunds.body.length).toBeGreaterThan(0);
    expect(refunds.body.every((p) => p.kind === 'REFUND')).toBe(true);
    expect(new Set(refunds.body.map((p) => p.cashierId)).size).toBeGreaterThan(1);
  });
});

describe('lookup', () => {
  it('finds by unit code (with or without the building), phone, registration, queue ticket, receipt number and id', async () => {
    const r = await createRegistration(server, manager, '查找客户');
    const unitId = freshUnit();
    const subId = await subscribe(socket, unitId, undefined, r.id);
    const code = (await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).code;
    const p = await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: subId, lines: cash(1_000_00) });
    const cat = await server.db.queueCategory.create({
      data: { projectId: pid, code: 'GEN', name: '普通', nameEn: 'General', prefix: 'A' },
    });
    await server.db.queueTicket.create({
      data: {
        projectId: pid,
        categoryId: cat.id,
        number: 12,
        label: 'A012',
        phone: r.phone,
        registrationId: r.id,
        token: `tok-${newKey()}`,
        sortKey: 12_000,
      },
    });
    const find = async (q: string) =>
      (await call<CashierLookup>('GET', `/api/projects/${pid}/cashier/lookup?q=${encodeURIComponent(q)}`, cashier))
        .body;
    for (const q of [
      code,
      code.toLowerCase(),
      code.split('-')[1]!,
      r.phone,
      `R${String(r.number).padStart(4, '0')}`,
      'a012',
      p.receipt!.label,
      p.receipt!.id,
      p.id,
      subId,
    ]) {
      const hit = await find(q);
      expect(
        hit.subscriptions.map((s) => s.id),
        q,
      ).toContain(subId);
    }
    const byReceipt = await find(p.receipt!.label.toLowerCase());
    expect(byReceipt.payments.map((x) => x.id)).toEqual([p.id]);
    expect(byReceipt.subscriptions.find((s) => s.id === subId)).toMatchObject({
      unitCode: code,
      depositPaid: 1_000_00,
      balanceHeld: 1_000_00,
    });
    expect((await find(`R${String(r.number).padStart(4, '0')}`)).registrations.map((x) => x.id)).toEqual([r.id]);
    expect(await find('nothing-here')).toEqual({
      query: 'nothing-here',
      subscriptions: [],
      registrations: [],
      payments: [],
    });
    expect((await call('GET', `/api/projects/${pid}/cashier/lookup?q=${code}`, consultant)).status).toBe(403);
    expect((await call('GET', `/api/projects/${pid}/cashier/lookup?q=`, cashier)).status).toBe(400);
  });
});

describe('settings and the deposit rule 定金时限', () => {
  it('managers set the window and the required deposit (audited); bad values change nothing', async () => {
    expect(
      (await call('PATCH', `/api/projects/${pid}/cashier-settings`, cashier, { depositWindowMinutes: 30 })).status,
    ).toBe(403);
    for (const body of [
      { depositWindowMinutes: 4 },
      { depositWindowMinutes: 1441 },
      { requiredDepositFen: 0 },
      {},
      { other: 1 },
    ]) {
      expect((await call('PATCH', `/api/projects/${pid}/cashier-settings`, manager, body)).status).toBe(400);
    }
    expect((await call('GET', `/api/projects/${pid}/cashier-settings`, cashier)).body).toEqual({
      depositWindowMinutes: null,
      requiredDepositFen: 5_000_000,
    });
    const set = await call('PATCH', `/api/projects/${pid}/cashier-settings`, manager, {
      depositWindowMinutes: 5,
      requiredDepositFen: 3_000_000,
    });
    expect(set.body).toEqual({ depositWindowMinutes: 5, requiredDepositFen: 3_000_000 });
    const audit = await server.db.auditEvent.findFirstOrThrow({ where: { action: 'project.cashier_settings' } });
    expect(audit).toMatchObject({ before: { depositWindowMinutes: null }, after: { depositWindowMinutes: 5 } });
  });

  /**
   * BullMQ delayed jobs run on real time, so a 5-minute window is not waited out: the test moves the
   * stored deadline into the past (as if the minutes had passed) and promotes the delayed job — the
   * job then runs the real enforcement path, which decides from PostgreSQL alone.
   */
  it('cancels a subscription whose deposit did not come in time, and leaves a paid one alone', async () => {
    const connection = createBullConnection(server.config.redisUrl, 'test-deposits');
    const queue = new Queue(DEPOSITS_QUEUE, { connection, prefix: bullPrefix(server.config.redisPrefix) });
    try {
      const r = await createRegistration(server, manager, '逾期客户');
      const unpaidUnit = freshUnit();
      const unpaid = await subscribe(socket, unpaidUnit, undefined, r.id);
      const paid = await subscribe(socket, freshUnit(), buyer());
      const cashierSvc = server.kaipan.services.cashier;
      for (const id of [unpaid, paid]) {
        const row = await server.db.subscription.findUniqueOrThrow({ where: { id } });
        // SalesService calls this after a confirm; calling it again is harmless.
        const due = await cashierSvc.deposits.afterConfirm(pid, id, row.createdAt);
        expect(due?.getTime()).toBe(row.createdAt.getTime() + 5 * 60_000);
        expect(await cashierSvc.deposits.afterConfirm(pid, id, row.createdAt)).toEqual(due);
        const job = await queue.getJob(depositJobId(id));
        expect(job).toBeDefined();
        expect(await job!.isDelayed()).toBe(true);
      }
      expect((await sub(unpaid)).body.depositDueAt).not.toBeNull();
      // The paid one gets its deposit (the project's 30,000 yuan, or its plan's).
      const required = (await sub(paid)).body.depositRequired;
      await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: paid, lines: cash(required) });
      expect((await sub(paid)).body.depositPaidAt).not.toBeNull();
      await waitFor(
        async () => ((await queue.getJob(depositJobId(paid))) ? undefined : true),
        'the paid deadline job removed',
      );

      // Five minutes later…
      await server.db.subscription.updateMany({
        where: { id: { in: [unpaid, paid] } },
        data: { depositDueAt: new Date(Date.now() - 1_000) },
      });
      await (await queue.getJob(depositJobId(unpaid)))!.promote();
      // A stray job for the paid one (e.g. its removal failed) finds it paid and does nothing.
      await server.kaipan.services.depositJobs.schedule(paid, new Date(Date.now() - 1_000));

      const cancelled = await waitFor(async () => {
        const s = await server.db.subscription.findUniqueOrThrow({ where: { id: unpaid } });
        return s.status === 'CANCELLED' ? s : undefined;
      }, 'the unpaid subscription cancelled');
      expect(cancelled).toMatchObject({ closeReason: 'deposit not received', refundState: 'NONE' });
      expect((await server.db.unit.findUniqueOrThrow({ where: { id: unpaidUnit } })).status).toBe('AVAILABLE');
      expect((await server.db.registration.findUniqueOrThrow({ where: { id: r.id } })).unitsUsed).toBe(0);
      await waitFor(
        () => boardChanges.find((c) => c.unitId === unpaidUnit && c.status === 'AVAILABLE'),
        'the board hears the unit return',
      );
      const audit = await server.db.auditEvent.findFirstOrThrow({
        where: { entityId: unpaid, action: 'subscription.cancel' },
      });
      expect(audit).toMatchObject({
        actorKind: 'system',
        after: { status: 'CANCELLED', reason: 'deposit not received' },
      });

      await waitFor(async () => ((await queue.getJob(depositJobId(paid))) ? undefined : true), 'the stray job done');
      expect((await server.db.subscription.findUniqueOrThrow({ where: { id: paid } })).status).toBe('ACTIVE');
      // The cancelled one takes no more money.
      expect(
        (await record(cashier, { idempotencyKey: newKey(), kind: 'DEPOSIT', subscriptionId: unpaid, lines: cash(1) }))
          .body.error?.code,
      ).toBe('INVALID_TRANSITION');
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('a restarted worker re-enqueues a deadline Redis lost; one already due is enforced at once (money held → refund DUE)', async () => {
    const connection = createBullConnection(server.config.redisUrl, 'test-deposits-2');
    const queue = new Queue(DEPOSITS_QUEUE, { connection, prefix: bullPrefix(server.config.redisPrefix) });
    try {
      const unitId = freshUnit();
      const subId = await subscribe(socket, unitId, buyer());
      const row = await server.db.subscription.findUniqueOrThrow({ where: { id: subId } });
      await server.kaipan.services.cashier.deposits.afterConfirm(pid, subId, row.createdAt);
      // Part of the deposit came in; not enough.
      await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: subId, lines: cash(1_000_00) });
      await queue.remove(depositJobId(subId));
      expect(await queue.getJob(depositJobId(subId))).toBeUndefined();
      await server.db.subscription.update({
        where: { id: subId },
        data: { depositDueAt: new Date(Date.now() - 1_000) },
      });
      await server.restart();
      const cancelled = await waitFor(async () => {
        const s = await server.db.subscription.findUniqueOrThrow({ where: { id: subId } });
        return s.status === 'CANCELLED' ? s : undefined;
      }, 'the overdue subscription cancelled after restart');
      expect(cancelled).toMatchObject({ refundState: 'DUE', closeReason: 'deposit not received' });
      expect((await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).status).toBe('AVAILABLE');
      // The held money can now be refunded.
      cashier = (await server.login('cashier')).token;
      const held = (await sub(subId)).body.payments.find((p) => p.kind === 'DEPOSIT')!;
      const refund = await call<PaymentInfo>('POST', `/api/payments/${held.id}/refund`, cashier, {
        idempotencyKey: newKey(),
        lines: cash(1_000_00),
        reason: '逾期未付清',
      });
      expect(refund.status).toBe(201);
      expect((await sub(subId)).body.refundState).toBe('DONE');
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
