/**
 * The cashier's guarantees under real concurrency (many real HTTP clients at once against a real
 * server, PostgreSQL and Redis): a submission retried at once is recorded once; receipt numbers are
 * gapless and unique per book with many cashiers; a book running out mid-storm; a day closing while
 * payments arrive; two managers deciding one void; deposits racing to "paid".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DayEndTotals, PaymentInfo } from '@kaipan/shared';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';
import {
  caller,
  cash,
  createBook,
  createCashiers,
  createRegistration,
  freshPhone,
  newKey,
  pay,
  subscribe,
} from './support/cashier.js';

let server: TestServer;
let pid: string;
let admin: string;
let manager: string;
let socket: HubClient;
let call: ReturnType<typeof caller>;
let nextUnit = 0;
const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

beforeAll(async () => {
  server = await startTestServer({ units: 16, consultants: 1, maxLocks: 5 });
  pid = server.fixture.projectId;
  call = caller(server);
  admin = (await server.login('admin')).token;
  manager = (await server.login('manager')).token;
  socket = await server.connect({ token: (await server.login('s001')).token });
  expect((await emitAck(socket, 'project:join', { projectId: pid })).ok).toBe(true);
});

afterAll(async () => {
  await server?.close();
});

describe('idempotency under concurrent retries', () => {
  it('the same submission sent 10× at once: one payment, one receipt number, ten identical answers', async () => {
    const [c] = await createCashiers(server, ['idem']);
    await createBook(server, manager, c!.id, 'ID-', 1, 999);
    const r = await createRegistration(server, manager, '重试客户');
    const body = {
      idempotencyKey: newKey(),
      kind: 'SINCERITY',
      registrationId: r.id,
      lines: [{ method: 'WECHAT', amount: 20_000_00, reference: 'WX-R' }],
    };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call<PaymentInfo>('POST', `/api/projects/${pid}/payments`, c!.token, body)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
    expect(answers[0]!.body.receipt!.label).toBe('ID-000001');
    expect(await server.db.payment.count({ where: { cashierId: c!.id } })).toBe(1);
    expect(await server.db.receipt.count({ where: { payment: { cashierId: c!.id } } })).toBe(1);
    expect(await server.db.paymentLine.count({ where: { payment: { cashierId: c!.id } } })).toBe(1);
    // The losers' transactions rolled back with their numbers: the next payment is number 2.
    expect((await server.db.receiptBook.findFirstOrThrow({ where: { cashierId: c!.id } })).nextNumber).toBe(2);
    expect(
      await server.db.auditEvent.count({ where: { action: 'payment.record', entityId: answers[0]!.body.id } }),
    ).toBe(1);
    const next = await pay(server, c!.token, { kind: 'SINCERITY', registrationId: r.id, lines: cash(1_00) });
    expect(next.receipt!.label).toBe('ID-000002');

    // Conversion and refund, retried at once: one each too.
    const subId = await subscribe(socket, freshUnit(), undefined, r.id);
    const convBody = { idempotencyKey: newKey(), subscriptionId: subId };
    const convs = await Promise.all(
      Array.from({ length: 10 }, () =>
        call<PaymentInfo>('POST', `/api/payments/${answers[0]!.body.id}/convert`, c!.token, convBody),
      ),
    );
    expect(convs.filter((a) => a.status === 201)).toHaveLength(1);
    expect(convs.every((a) => a.status === 201 || a.status === 200)).toBe(true);
    for (const a of convs) expect(a.body).toEqual(convs[0]!.body);
    expect(await server.db.payment.count({ where: { convertedFromId: answers[0]!.body.id } })).toBe(1);

    const r2 = await createRegistration(server, manager, '重试退款');
    const s2 = await pay(server, c!.token, { kind: 'SINCERITY', registrationId: r2.id, lines: cash(3_000_00) });
    const refundBody = { idempotencyKey: newKey(), lines: cash(3_000_00), reason: '未购' };
    const refunds = await Promise.all(
      Array.from({ length: 10 }, () =>
        call<PaymentInfo>('POST', `/api/payments/${s2.id}/refund`, c!.token, refundBody),
      ),
    );
    expect(refunds.filter((a) => a.status === 201)).toHaveLength(1);
    for (const a of refunds) expect(a.body).toEqual(refunds[0]!.body);
    expect(await server.db.payment.count({ where: { correctsId: s2.id } })).toBe(1);

    // Ten different presses converting the same sincerity deposit: exactly one conversion.
    const r3 = await createRegistration(server, manager, '抢转客户');
    const s3 = await pay(server, c!.token, { kind: 'SINCERITY', registrationId: r3.id, lines: cash(10_000_00) });
    const sub3 = await subscribe(socket, freshUnit(), undefined, r3.id);
    const race = await Promise.all(
      Array.from({ length: 10 }, () =>
        call<PaymentInfo>('POST', `/api/payments/${s3.id}/convert`, c!.token, {
          idempotencyKey: newKey(),
          subscriptionId: sub3,
        }),
      ),
    );
    expect(race.filter((a) => a.status === 201)).toHaveLength(1);
    expect(race.filter((a) => a.status !== 201).every((a) => a.body.error?.code === 'INVALID_TRANSITION')).toBe(true);
    expect(await server.db.payment.count({ where: { convertedFromId: s3.id } })).toBe(1);
    // And still no gap in the book.
    const numbers = (
      await server.db.receipt.findMany({ where: { payment: { cashierId: c!.id } }, select: { number: true } })
    )
      .map((x) => x.number)
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
  });
});

describe('receipt numbering with many cashiers at once', () => {
  it('5 cashiers on one prefix (disjoint ranges) and 2 on prefixes of their own, 20 payments each, all at once: contiguous, unique, no gaps', async () => {
    const shared = await createCashiers(server, ['mc1', 'mc2', 'mc3', 'mc4', 'mc5']);
    const alone = await createCashiers(server, ['solo-a', 'solo-b']);
    const books = [
      ...(await Promise.all(
        shared.map((c, i) => createBook(server, manager, c.id, 'MC-', 1 + i * 1000, (i + 1) * 1000)),
      )),
      await createBook(server, manager, alone[0]!.id, 'SA-', 500, 600, 4),
      await createBook(server, manager, alone[1]!.id, 'SB-', 0, 50, 2),
    ];
    const cashiers = [...shared, ...alone];
    const regs = await Promise.all(cashiers.map((_c, i) => createRegistration(server, manager, `并发客户${i}`)));
    const PER = 20;
    const results = await Promise.all(
      cashiers.flatMap((c, i) =>
        Array.from({ length: PER }, (_, j) =>
          call<PaymentInfo>('POST', `/api/projects/${pid}/payments`, c.token, {
            idempotencyKey: newKey(),
            kind: 'SINCERITY',
            registrationId: regs[i]!.id,
            lines:
              j % 2 ? cash(1_000_00 + j) : [{ method: 'ALIPAY', amount: 2_000_00 + j, reference: `ALI-${i}-${j}` }],
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status !== 201).map((r) => r.body)).toEqual([]);
    const labels = results.map((r) => r.body.receipt!.label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const [i, book] of books.entries()) {
      const rows = await server.db.receipt.findMany({
        where: { bookId: book.id },
        select: { number: true, label: true, payment: { select: { cashierId: true } } },
      });
      const numbers = rows.map((r) => r.number).sort((a, b) => a - b);
      expect(numbers, book.prefix).toEqual(Array.from({ length: PER }, (_, k) => book.firstNumber + k));
      expect(rows.every((r) => r.payment.cashierId === cashiers[i]!.id)).toBe(true);
      expect((await server.db.receiptBook.findUniqueOrThrow({ where: { id: book.id } })).nextNumber).toBe(
        book.firstNumber + PER,
      );
    }
    expect(labels).toEqual(expect.arrayContaining(['MC-000001', 'MC-004020', 'SA-0500', 'SA-0519', 'SB-00', 'SB-19']));
    // Every answer is what was stored.
    const stored = await server.db.payment.count({ where: { cashierId: { in: cashiers.map((c) => c.id) } } });
    expect(stored).toBe(cashiers.length * PER);
  });

  it('a book running out mid-storm: exactly its numbers are used, the rest are refused and write nothing', async () => {
    const [c] = await createCashiers(server, ['runout']);
    await createBook(server, manager, c!.id, 'RO-', 1, 5, 2);
    const r = await createRegistration(server, manager, '用尽客户');
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        call<PaymentInfo>('POST', `/api/projects/${pid}/payments`, c!.token, {
          idempotencyKey: newKey(),
          kind: 'SINCERITY',
          registrationId: r.id,
          lines: cash(100_00),
        }),
      ),
    );
    const ok = results.filter((x) => x.status === 201);
    expect(ok.map((x) => x.body.receipt!.label).sort()).toEqual(['RO-01', 'RO-02', 'RO-03', 'RO-04', 'RO-05']);
    const refused = results.filter((x) => x.status !== 201);
    expect(refused).toHaveLength(7);
    for (const x of refused)
      expect(x.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'RECEIPT_BOOK_EXHAUSTED' } });
    expect(await server.db.payment.count({ where: { cashierId: c!.id } })).toBe(5);
    expect(await server.db.paymentLine.count({ where: { payment: { cashierId: c!.id } } })).toBe(5);
  });
});

describe('day-end close while payments arrive', () => {
  it('every payment is either in the closed day (stamped and counted) or refused; none slips past', async () => {
    const [c] = await createCashiers(server, ['closer']);
    await createBook(server, manager, c!.id, 'CL-', 1, 999);
    const r = await createRegistration(server, manager, '日结并发');
    const sends = Array.from({ length: 30 }, (_, j) =>
      call<PaymentInfo>('POST', `/api/projects/${pid}/payments`, c!.token, {
        idempotencyKey: newKey(),
        kind: 'SINCERITY',
        registrationId: r.id,
        lines: cash(100_00 + j),
      }),
    );
    // The close lands while the payments are in flight.
    const close = new Promise<void>((resolve) => setTimeout(resolve, 15)).then(() =>
      call<DayEndTotals>('POST', `/api/projects/${pid}/day-end/close`, manager, { date: today(), cashierId: c!.id }),
    );
    const [results, closed] = await Promise.all([Promise.all(sends), close]);
    expect(closed.status).toBe(200);
    const ok = results.filter((x) => x.status === 201).map((x) => x.body);
    const refused = results.filter((x) => x.status !== 201);
    for (const x of refused)
      expect(x.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'DAY_CLOSED' } });
    const rows = await server.db.payment.findMany({
      where: { cashierId: c!.id },
      select: { id: true, amount: true, dayCloseId: true },
    });
    expect(rows.map((x) => x.id).sort()).toEqual(ok.map((p) => p.id).sort());
    expect(rows.every((x) => x.dayCloseId !== null)).toBe(true);
    expect(closed.body).toMatchObject({
      closed: true,
      receiptsIssued: ok.length,
      net: ok.reduce((s, p) => s + p.amount, 0),
    });
    expect(closed.body.byKind.SINCERITY?.count ?? 0).toBe(ok.length);
    // Numbers stay gapless across the close.
    const numbers = (
      await server.db.receipt.findMany({ where: { payment: { cashierId: c!.id } }, select: { number: true } })
    )
      .map((x) => x.number)
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: ok.length }, (_, i) => i + 1));
  });
});

describe('decisions and deposits racing', () => {
  it('two managers deciding one void at once: one decision wins, the state matches it', async () => {
    const [c] = await createCashiers(server, ['voider']);
    await createBook(server, manager, c!.id, 'VO-', 1, 999);
    const r = await createRegistration(server, manager, '作废并发');
    for (let round = 0; round < 3; round += 1) {
      const p = await pay(server, c!.token, { kind: 'SINCERITY', registrationId: r.id, lines: cash(500_00) });
      const asks = await Promise.all(
        Array.from({ length: 5 }, () =>
          call<{ id: string }>('POST', `/api/receipts/${p.receipt!.id}/void-requests`, c!.token, {
            reason: '重复收款',
          }),
        ),
      );
      expect(new Set(asks.map((a) => a.body.id)).size).toBe(1);
      expect(asks.filter((a) => a.status === 201)).toHaveLength(1);
      const id = asks[0]!.body.id;
      const [a, b] = await Promise.all([
        call<{ status: string }>('POST', `/api/void-requests/${id}/decision`, admin, { approve: true }),
        call<{ status: string }>('POST', `/api/void-requests/${id}/decision`, manager, { approve: false }),
      ]);
      const winners = [a, b].filter((x) => x.status === 200);
      expect(winners).toHaveLength(1);
      const loser = [a, b].find((x) => x.status !== 200)!;
      // The loser answers as if it had pressed a moment later (docs/approvals.md): one code, not two.
      expect(loser.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: { reason: 'ALREADY_DECIDED' } });
      const final = await server.db.voidRequest.findUniqueOrThrow({ where: { id } });
      const receipt = await server.db.receipt.findUniqueOrThrow({
        where: { id: p.receipt!.id },
        include: { payment: true },
      });
      expect(final.status).toBe(winners[0]!.body.status);
      expect(receipt.status).toBe(final.status === 'APPROVED' ? 'VOIDED' : 'ISSUED');
      expect(receipt.payment.status).toBe(final.status === 'APPROVED' ? 'VOIDED' : 'RECORDED');
    }
  });

  it('two deposits completing the required deposit at once: paid exactly once', async () => {
    const [c1, c2] = await createCashiers(server, ['dep1', 'dep2']);
    await createBook(server, manager, c1!.id, 'DA-', 1, 999);
    await createBook(server, manager, c2!.id, 'DB-', 1, 999);
    const subId = await subscribe(socket, freshUnit(), { name: '定金并发', phone: freshPhone(136) });
    const required = (await call<{ depositRequired: number }>('GET', `/api/subscriptions/${subId}/cashier`, c1!.token))
      .body.depositRequired;
    const half = Math.ceil(required / 2);
    const [x, y] = await Promise.all([
      call<PaymentInfo>('POST', `/api/projects/${pid}/payments`, c1!.token, {
        idempotencyKey: newKey(),
        kind: 'DEPOSIT',
        subscriptionId: subId,
        lines: cash(half),
      }),
      call<PaymentInfo>('POST', `/api/projects/${pid}/payments`, c2!.token, {
        idempotencyKey: newKey(),
        kind: 'DEPOSIT',
        subscriptionId: subId,
        lines: cash(half),
      }),
    ]);
    expect([x.status, y.status]).toEqual([201, 201]);
    const s = await server.db.subscription.findUniqueOrThrow({ where: { id: subId } });
    expect(s.depositPaidAt).not.toBeNull();
    expect(await server.db.auditEvent.count({ where: { entityId: subId, action: 'subscription.deposit_paid' } })).toBe(
      1,
    );
  });
});
