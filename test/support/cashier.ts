/** Helpers for the cashier suites: money staff, registrations, subscriptions and payment bodies. */
import { randomUUID } from 'node:crypto';
import type { ConfirmResult, LockResult, PaymentInfo, ReceiptBookInfo, RegistrationInfo } from '@kaipan/shared';
import { hashPassword } from '../../server/src/domain/passwords.js';
import { emitAck, http, type HubClient, type TestServer } from './app.js';
import { TEST_PASSWORD } from './fixture.js';

export type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
export type Answer<T> = { status: number; body: T & Partial<ErrorBody> };

export function caller(server: TestServer) {
  return <T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<Answer<T>> =>
    http<T & Partial<ErrorBody>>(server.url, method, path, token, body);
}

let keys = 0;
/** A fresh idempotency key (one press of a button). */
export function newKey(): string {
  keys += 1;
  return `k${keys}-${randomUUID().slice(0, 12)}`;
}

let phones = 0;
export function freshPhone(base = 158): string {
  phones += 1;
  return `${base}${String(phones + Math.floor(Math.random() * 1000) * 10_000)
    .padStart(8, '0')
    .slice(-8)}`;
}

/** CASHIER users, members of the project; returns their ids and session tokens. */
export async function createCashiers(
  server: TestServer,
  names: string[],
): Promise<{ id: string; username: string; token: string }[]> {
  const hash = await hashPassword(TEST_PASSWORD);
  const out: { id: string; username: string; token: string }[] = [];
  for (const username of names) {
    const user = await server.db.user.create({
      data: { username, displayName: `出纳${username}`, passwordHash: hash },
    });
    await server.db.projectMember.create({
      data: { projectId: server.fixture.projectId, userId: user.id, role: 'CASHIER' },
    });
    out.push({ id: user.id, username, token: (await server.login(username)).token });
  }
  return out;
}

export async function createBook(
  server: TestServer,
  managerToken: string,
  cashierId: string,
  prefix: string,
  firstNumber: number,
  lastNumber: number,
  digits = 6,
): Promise<ReceiptBookInfo> {
  const res = await caller(server)<ReceiptBookInfo>(
    'POST',
    `/api/projects/${server.fixture.projectId}/receipt-books`,
    managerToken,
    {
      prefix,
      firstNumber,
      lastNumber,
      digits,
      cashierId,
    },
  );
  if (res.status !== 201) throw new Error(`book: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A customer with a registration 认筹 (R000n). The customer belongs to `owner` (default: the fixture's
 * first consultant, s001, who sells in these suites — only a buyer's owner or a manager selects for them).
 */
export async function createRegistration(
  server: TestServer,
  managerToken: string,
  name: string,
  unitsAllowed = 2,
  owner = server.fixture.consultants[0]!,
) {
  const call = caller(server);
  const pid = server.fixture.projectId;
  const phone = freshPhone(139);
  const ownerId = (await server.db.user.findUniqueOrThrow({ where: { username: owner }, select: { id: true } })).id;
  const customer = await call<{ id: string }>('POST', `/api/projects/${pid}/customers`, managerToken, {
    name,
    phone,
    ownerId,
  });
  if (customer.status !== 201) throw new Error(`customer: ${customer.status} ${JSON.stringify(customer.body)}`);
  const reg = await call<RegistrationInfo>('POST', `/api/projects/${pid}/registrations`, managerToken, {
    customerId: customer.body.id,
    unitsAllowed,
  });
  if (reg.status !== 201) throw new Error(`registration: ${reg.status} ${JSON.stringify(reg.body)}`);
  return { id: reg.body.id, number: reg.body.number, customerId: customer.body.id, name, phone };
}

/** Lock and confirm a unit over the socket, as a consultant does; returns the subscription id. */
export async function subscribe(
  socket: HubClient,
  unitId: string,
  buyer: { name: string; phone: string } | undefined,
  registrationId?: string,
): Promise<string> {
  const lock = await emitAck<LockResult>(socket, 'unit:lock', {
    unitId,
    ...(registrationId ? { registrationId } : {}),
  });
  if (!lock.ok) throw new Error(`lock failed: ${JSON.stringify(lock)}`);
  const confirm = await emitAck<ConfirmResult>(socket, 'unit:confirm', {
    unitId,
    token: lock.data.token,
    ...(buyer ? { buyer } : {}),
  });
  if (!confirm.ok) throw new Error(`confirm failed: ${JSON.stringify(confirm)}`);
  return confirm.data.subscriptionId;
}

export function cash(amount: number) {
  return [{ method: 'CASH' as const, amount }];
}

/** Record a payment; throws unless 201. */
export async function pay(server: TestServer, token: string, body: Record<string, unknown>): Promise<PaymentInfo> {
  const res = await caller(server)<PaymentInfo>('POST', `/api/projects/${server.fixture.projectId}/payments`, token, {
    idempotencyKey: newKey(),
    ...body,
  });
  if (res.status !== 201) throw new Error(`pay: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Rows that must not change when a command is refused. */
export async function moneyState(server: TestServer) {
  const pid = server.fixture.projectId;
  const [payments, receipts, lines, books, audits] = await Promise.all([
    server.db.payment.count({ where: { projectId: pid } }),
    server.db.receipt.count({ where: { projectId: pid } }),
    server.db.paymentLine.count(),
    server.db.receiptBook.findMany({
      where: { projectId: pid },
      select: { id: true, nextNumber: true, status: true },
      orderBy: { id: 'asc' },
    }),
    // The cashier's own audit events (lock/confirm events are written asynchronously, batched).
    server.db.auditEvent.count({
      where: {
        projectId: pid,
        OR: ['payment.', 'receipt', 'subscription.deposit', 'subscription.refund', 'registration.deposit', 'day.'].map(
          (p) => ({ action: { startsWith: p } }),
        ),
      },
    }),
  ]);
  return { payments, receipts, lines, books, audits };
}
