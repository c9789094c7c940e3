/**
 * Queue numbers 排号 and calling 叫号 against a real server, PostgreSQL, Redis and BullMQ worker:
 * idempotent and gapless issuing under concurrent kiosks, calling order, the no-show rule, the
 * selection window of linked registrations, the public buyer page, the ticket PDF and live events.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { io as ioClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  QUEUE_NAMESPACE,
  countPeopleAhead,
  type BuyerServerToClientEvents,
  type BuyerView,
  type CallResult,
  type QueueCategoryInfo,
  type QueueState,
  type QueueTicketView,
  type TakeTicketResult,
} from '@kaipan/shared';
import { Redis } from 'ioredis';
import { hashDeviceKey } from '../server/src/services/auth-service.js';
import { testRedisUrl } from './support/services.js';
import { emitAck, http, startTestServer, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';

const run = promisify(execFile);

let server: TestServer;
let admin: string;
let manager: string;
let consultant: string;
const kioskKey = 'test-kiosk-key-0123456789abcdef';
let seq = 0;

/** A fresh phone number per call, so tests never share tickets. */
function phone(): string {
  seq += 1;
  return `139${String(process.pid % 1000).padStart(3, '0')}${String(seq).padStart(5, '0')}`;
}

/** A project of its own (queues are per project), with a kiosk and VIP/GEN categories. Admins reach every project. */
async function freshProject(
  settings: { noShowRule?: 'REQUEUE' | 'DROP'; noShowRequeueAfter?: number; selectionMinutes?: number } = {},
) {
  const p = await server.db.project.create({
    data: {
      code: `Q-${randomBytes(4).toString('hex')}`,
      name: '排号测试',
      nameEn: 'Queue Test',
      city: '上海',
      ...settings,
    },
  });
  const key = `kiosk-${randomBytes(12).toString('hex')}`;
  await server.db.device.create({
    data: { projectId: p.id, kind: 'KIOSK', name: 'Kiosk', keyHash: hashDeviceKey(key) },
  });
  await server.db.queueCategory.createMany({
    data: [
      { projectId: p.id, code: 'VIP', name: '贵宾', nameEn: 'VIP', prefix: 'V', priority: 0 },
      { projectId: p.id, code: 'GEN', name: '普通', nameEn: 'General', prefix: 'A', priority: 1 },
    ],
  });
  return { projectId: p.id, key };
}

function take(projectId: string, body: object, key = kioskKey) {
  return http<TakeTicketResult>(server.url, 'POST', `/api/projects/${projectId}/queue/tickets`, undefined, body, {
    'x-device-key': key,
  });
}

function callNext(projectId: string, body: object, token = admin) {
  return http<CallResult>(server.url, 'POST', `/api/projects/${projectId}/queue/call-next`, token, body);
}

function mark(projectId: string, ticketId: string, what: 'served' | 'no-show' | 'requeue', token = admin) {
  return http<QueueTicketView>(
    server.url,
    'POST',
    `/api/projects/${projectId}/queue/tickets/${ticketId}/${what}`,
    token,
    {},
  );
}

beforeAll(async () => {
  server = await startTestServer({ units: 12, consultants: 2 });
  await server.db.device.create({
    data: { projectId: server.fixture.projectId, kind: 'KIOSK', name: 'Kiosk 1', keyHash: hashDeviceKey(kioskKey) },
  });
  [admin, manager, consultant] = (
    await Promise.all([server.login('admin'), server.login('manager'), server.login('s001')])
  ).map((l) => l.token) as [string, string, string];
  const pid = server.fixture.projectId;
  for (const c of [
    { code: 'VIP', name: '贵宾', nameEn: 'VIP', prefix: 'V', priority: 0 },
    { code: 'GEN', name: '普通', nameEn: 'General', prefix: 'A', priority: 1 },
  ]) {
    const res = await http<QueueCategoryInfo>(server.url, 'POST', `/api/projects/${pid}/queue/categories`, manager, c);
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  await server?.close();
});

describe('categories', () => {
  it('managers create them; duplicates and non-managers are refused', async () => {
    const pid = server.fixture.projectId;
    const dup = await http<{ error: { code: string } }>(
      server.url,
      'POST',
      `/api/projects/${pid}/queue/categories`,
      manager,
      {
        code: 'VIP',
        name: '贵宾',
        nameEn: 'VIP',
        prefix: 'V',
      },
    );
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    const byConsultant = await http(server.url, 'POST', `/api/projects/${pid}/queue/categories`, consultant, {
      code: 'X',
      name: 'X',
      nameEn: 'X',
      prefix: 'X',
    });
    expect(byConsultant.status).toBe(403);
    const bad = await http(server.url, 'POST', `/api/projects/${pid}/queue/categories`, manager, {
      code: 'Y',
      name: 'Y',
      nameEn: 'Y',
      prefix: 'y1',
    });
    expect(bad.status).toBe(400);
    const list = await http<QueueCategoryInfo[]>(server.url, 'GET', `/api/projects/${pid}/queue/categories`, manager);
    expect(list.body.map((c) => c.code)).toEqual(['VIP', 'GEN']);
  });
});

describe('taking a number', () => {
  it('the same phone asking 10 times at once gets one ticket (one 201, nine 200)', async () => {
    const pid = server.fixture.projectId;
    const p = phone();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => take(pid, { category: i % 2 ? 'VIP' : 'GEN', phone: p })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(results.map((r) => r.body.ticket.id));
    expect(ids.size).toBe(1);
    expect(new Set(results.map((r) => r.body.token)).size).toBe(1);
    expect(await server.db.queueTicket.count({ where: { projectId: pid, phone: p } })).toBe(1);
    const [id] = [...ids];
    expect(await server.db.auditEvent.count({ where: { action: 'queue.ticket.issue', entityId: id } })).toBe(1);
    // The phone is never returned in clear; typed another way it is still the same buyer.
    expect(JSON.stringify(results[0]!.body)).not.toContain(p);
    const formatted = `+86 ${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`;
    expect((await take(pid, { category: 'VIP', phone: formatted })).body.ticket.id).toBe([...ids][0]);
  });

  it('numbers per category stay gapless under 50 concurrent takes across two categories', async () => {
    const { projectId, key } = await freshProject();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => take(projectId, { category: i % 2 ? 'VIP' : 'GEN', phone: phone() }, key)),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    for (const [code, prefix] of [
      ['VIP', 'V'],
      ['GEN', 'A'],
    ] as const) {
      const mine = results.filter((r) => r.body.ticket.category.code === code).map((r) => r.body.ticket);
      expect(mine.map((t) => t.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(mine.every((t) => t.label === `${prefix}${String(t.number).padStart(3, '0')}`)).toBe(true);
    }
    const state = await http<QueueState>(server.url, 'GET', `/api/projects/${projectId}/queue`, undefined, undefined, {
      'x-device-key': key,
    });
    expect(state.body.categories.map((c) => [c.code, c.issued, c.waitingCount])).toEqual([
      ['VIP', 25, 25],
      ['GEN', 25, 25],
    ]);
  });

  it('takes queued behind a busy category are all served in order, never a 500; the other category is not held up', async () => {
    // The VIP counter row held for 3 s (longer than Prisma's default 2 s to start a transaction):
    // before, the waiting takes held every pooled connection and the next ones gave up (P2028 → 500).
    const { projectId, key } = await freshProject();
    const vip = await server.db.queueCategory.findUniqueOrThrow({
      where: { projectId_code: { projectId, code: 'VIP' } },
    });
    let held!: () => void;
    const locked = new Promise<void>((resolve) => {
      held = resolve;
    });
    let released = false;
    const holder = server.db
      .$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT id FROM queue_categories WHERE id = ${vip.id}::uuid FOR UPDATE`;
          held();
          await tx.$executeRaw`SELECT pg_sleep(3)`;
        },
        { timeout: 20_000 },
      )
      .then(() => {
        released = true;
      });
    await locked;
    const takes = server.config.pgPoolSize + 6;
    const waiting = Promise.all(
      Array.from({ length: takes }, () => take(projectId, { category: 'VIP', phone: phone() }, key)),
    );
    // Waiting VIP takes hold at most one pooled connection: a GEN take is answered meanwhile.
    expect((await take(projectId, { category: 'GEN', phone: phone() }, key)).status).toBe(201);
    expect(released).toBe(false);
    const results = await waiting;
    await holder;
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: takes }, () => 201));
    expect(results.map((r) => r.body.ticket.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: takes }, (_, i) => i + 1),
    );
  });

  it('validates the request and who is asking', async () => {
    const pid = server.fixture.projectId;
    expect((await take(pid, { category: 'VIP' })).status).toBe(400);
    expect((await take(pid, { category: 'VIP', phone: phone(), registrationNo: 'R0001' })).status).toBe(400);
    expect((await take(pid, { category: 'VIP', phone: 'not-a-phone' })).status).toBe(400);
    const unknown = await take(pid, { category: 'NOPE', phone: phone() });
    expect(unknown.status).toBe(404);
    const board = await take(pid, { category: 'VIP', phone: phone() }, TEST_BOARD_KEY);
    expect(board.status).toBe(403);
    const asConsultant = await http(server.url, 'POST', `/api/projects/${pid}/queue/tickets`, consultant, {
      category: 'VIP',
      phone: phone(),
    });
    expect(asConsultant.status).toBe(403);
    const otherProject = await take(server.fixture.otherProjectId, { category: 'VIP', phone: phone() });
    expect(otherProject.status).toBe(403);
    const asCashier = await http(
      server.url,
      'POST',
      `/api/projects/${pid}/queue/tickets`,
      (await server.login('cashier')).token,
      {
        category: 'GEN',
        phone: phone(),
      },
    );
    expect(asCashier.status).toBe(201);
  });

  it('an idempotency key replays its first ticket and refuses another buyer', async () => {
    const pid = server.fixture.projectId;
    const p = phone();
    const first = await take(pid, { category: 'GEN', phone: p, idempotencyKey: 'kiosk-1-press-0001' });
    const again = await take(pid, { category: 'GEN', phone: p, idempotencyKey: 'kiosk-1-press-0001' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.ticket.id).toBe(first.body.ticket.id);
    const other = await take(pid, { category: 'GEN', phone: phone(), idempotencyKey: 'kiosk-1-press-0001' });
    expect(other.status).toBe(409);
  });
});

describe('calling', () => {
  it('calls by category priority, then order of issue; a category alone; nothing when nobody waits', async () => {
    const { projectId, key } = await freshProject();
    const a1 = await take(projectId, { category: 'GEN', phone: phone() }, key);
    const v1 = await take(projectId, { category: 'VIP', phone: phone() }, key);
    const a2 = await take(projectId, { category: 'GEN', phone: phone() }, key);
    const v2 = await take(projectId, { category: 'VIP', phone: phone() }, key);
    expect([a1, v1, a2, v2].map((r) => r.body.ticket.label)).toEqual(['A001', 'V001', 'A002', 'V002']);
    // People ahead are counted in the ticket's own queue: VIP numbers never count for A…
    expect(a2.body.ticket.peopleAhead).toBe(1);
    const waiting = await http<QueueTicketView[]>(
      server.url,
      'GET',
      `/api/projects/${projectId}/queue/tickets?status=WAITING`,
      admin,
    );
    expect(waiting.body.map((t) => [t.label, t.peopleAhead])).toEqual([
      ['V001', 0],
      ['V002', 1],
      ['A001', 0],
      ['A002', 1],
    ]);

    const first = await callNext(projectId, { count: 3 });
    expect(first.status).toBe(200);
    expect(first.body.called.map((t) => t.label)).toEqual(['V001', 'V002', 'A001']);
    expect(first.body.called.every((t) => t.status === 'CALLED' && t.calledAt !== null)).toBe(true);
    const gen = await callNext(projectId, { category: 'GEN', count: 5 });
    expect(gen.body.called.map((t) => t.label)).toEqual(['A002']);
    const none = await callNext(projectId, { count: 1 });
    expect(none.body.called).toEqual([]);

    const state = await http<QueueState>(server.url, 'GET', `/api/projects/${projectId}/queue`, admin);
    const vip = state.body.categories.find((c) => c.code === 'VIP');
    expect(vip?.nowServing.map((t) => t.label).sort()).toEqual(['V001', 'V002']);
    expect(vip?.waitingCount).toBe(0);
    expect(state.body.callsPerMinute).toBeGreaterThan(0);
    expect(await server.db.auditEvent.count({ where: { projectId, action: 'queue.ticket.call-next' } })).toBe(4);
  });

  it('a repeated call-next press with the same idempotency key calls nobody new', async () => {
    const { projectId, key } = await freshProject();
    for (let i = 0; i < 4; i += 1) await take(projectId, { category: 'GEN', phone: phone() }, key);
    const body = { count: 2, idempotencyKey: 'manager-press-0001' };
    const [a, b] = [await callNext(projectId, body), await callNext(projectId, body)];
    expect(a.body.called.map((t) => t.label)).toEqual(['A001', 'A002']);
    expect(b.body.called.map((t) => t.id)).toEqual(a.body.called.map((t) => t.id));
    expect(await server.db.queueTicket.count({ where: { projectId, status: 'CALLED' } })).toBe(2);
  });

  it('managers racing call-next never call the same ticket twice', async () => {
    const { projectId, key } = await freshProject();
    await Promise.all(Array.from({ length: 12 }, () => take(projectId, { category: 'GEN', phone: phone() }, key)));
    const results = await Promise.all(Array.from({ length: 10 }, () => callNext(projectId, { count: 1 })));
    const called = results.flatMap((r) => r.body.called.map((t) => t.label));
    expect(called).toHaveLength(10);
    expect(new Set(called).size).toBe(10);
    expect(await server.db.queueTicket.count({ where: { projectId, status: 'CALLED' } })).toBe(10);
  });

  it('calls specific tickets; a repeat changes nothing; a served ticket cannot be called', async () => {
    const { projectId, key } = await freshProject();
    const tickets = [];
    for (let i = 0; i < 3; i += 1)
      tickets.push((await take(projectId, { category: 'GEN', phone: phone() }, key)).body.ticket);
    const call = (ids: string[]) =>
      http<CallResult & { error?: { code: string } }>(
        server.url,
        'POST',
        `/api/projects/${projectId}/queue/call`,
        admin,
        { ticketIds: ids },
      );
    const third = await call([tickets[2]!.id]);
    expect(third.body.called.map((t) => t.label)).toEqual(['A003']);
    const repeat = await call([tickets[2]!.id]);
    expect(repeat.status).toBe(200);
    expect(repeat.body.called[0]?.calledAt).toBe(third.body.called[0]?.calledAt);
    expect((await mark(projectId, tickets[2]!.id, 'served')).body.status).toBe('SERVED');
    const refused = await call([tickets[0]!.id, tickets[2]!.id]);
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('INVALID_TRANSITION');
    // All or nothing: A001 was not called.
    expect((await server.db.queueTicket.findUniqueOrThrow({ where: { id: tickets[0]!.id } })).status).toBe('WAITING');
    // Serving twice answers the same ticket; consultants may not call.
    expect((await mark(projectId, tickets[2]!.id, 'served')).status).toBe(200);
    expect((await callNext(projectId, { count: 1 }, consultant)).status).toBe(403);
  });
});

describe('no-shows 过号', () => {
  it('REQUEUE: back in line after K waiting tickets; missed twice → DROPPED; a manager may requeue', async () => {
    const { projectId, key } = await freshProject({ noShowRule: 'REQUEUE', noShowRequeueAfter: 2 });
    for (let i = 0; i < 5; i += 1) await take(projectId, { category: 'GEN', phone: phone() }, key);
    const a1 = (await callNext(projectId, { count: 1 })).body.called[0]!;
    expect(a1.label).toBe('A001');
    const missed = await mark(projectId, a1.id, 'no-show');
    expect(missed.status).toBe(200);
    expect(missed.body).toMatchObject({ status: 'WAITING', missedCount: 1, peopleAhead: 2 });
    // A repeated no-show press is refused and changes nothing.
    const again = await mark(projectId, a1.id, 'no-show');
    expect(again.status).toBe(409);

    const next3 = await callNext(projectId, { count: 3 });
    expect(next3.body.called.map((t) => t.label)).toEqual(['A002', 'A003', 'A001']);
    const dropped = await mark(projectId, a1.id, 'no-show');
    expect(dropped.body).toMatchObject({ status: 'DROPPED', missedCount: 2 });

    const back = await mark(projectId, a1.id, 'requeue');
    expect(back.body.status).toBe('WAITING');
    const rest = await callNext(projectId, { count: 5 });
    expect(rest.body.called.map((t) => t.label)).toEqual(['A004', 'A005', 'A001']);
    const actions = await server.db.auditEvent.findMany({
      where: { projectId, entityId: a1.id },
      orderBy: { id: 'asc' },
      select: { action: true },
    });
    expect(actions.map((a) => a.action)).toEqual([
      'queue.ticket.issue',
      'queue.ticket.call-next',
      'queue.ticket.no-show',
      'queue.ticket.call-next',
      'queue.ticket.no-show',
      'queue.ticket.requeue',
      'queue.ticket.call-next',
    ]);
  });

  it('DROP: dropped at once', async () => {
    const { projectId, key } = await freshProject({ noShowRule: 'DROP' });
    await take(projectId, { category: 'VIP', phone: phone() }, key);
    await take(projectId, { category: 'VIP', phone: phone() }, key);
    const v1 = (await callNext(projectId, { count: 1 })).body.called[0]!;
    const res = await mark(projectId, v1.id, 'no-show');
    expect(res.body).toMatchObject({ status: 'DROPPED', missedCount: 1, label: 'V001' });
    expect((await callNext(projectId, { count: 5 })).body.called.map((t) => t.label)).toEqual(['V002']);
  });
});

describe('selection window of a registered buyer', () => {
  async function registeredBuyer(projectId: string, number: number) {
    const creator = await server.db.user.findUniqueOrThrow({ where: { username: 'manager' } });
    const p = phone();
    const customer = await server.db.customer.create({ data: { projectId, name: '张三', phone: p } });
    const registration = await server.db.registration.create({
      data: { projectId, customerId: customer.id, number, unitsAllowed: 1, createdById: creator.id },
    });
    return { phone: p, customer, registration };
  }

  it('opens on call (selectionMinutes) and closes when served or missed', async () => {
    const { projectId, key } = await freshProject({ selectionMinutes: 20 });
    const byQr = await registeredBuyer(projectId, 1);
    const byPhone = await registeredBuyer(projectId, 2);
    const t1 = await take(projectId, { category: 'VIP', registrationNo: 'R0001' }, key);
    expect(t1.status).toBe(201);
    expect(t1.body.ticket).toMatchObject({
      registrationNo: 'R0001',
      registrationId: byQr.registration.id,
      customerId: byQr.customer.id,
    });
    // The same buyer typing their phone afterwards gets the same ticket.
    expect((await take(projectId, { category: 'GEN', phone: byQr.phone }, key)).body.ticket.id).toBe(t1.body.ticket.id);
    const t2 = await take(projectId, { category: 'VIP', phone: byPhone.phone }, key);
    expect(t2.body.ticket.registrationNo).toBe('R0002');
    expect((await take(projectId, { category: 'VIP', registrationNo: 'R0099' }, key)).status).toBe(404);

    const called = (await callNext(projectId, { count: 2 })).body.called;
    expect(called.map((t) => t.registrationNo)).toEqual(['R0001', 'R0002']);
    for (const [i, r] of [byQr.registration, byPhone.registration].entries()) {
      const reg = await server.db.registration.findUniqueOrThrow({ where: { id: r.id } });
      expect(reg.selectionStartsAt?.toISOString()).toBe(called[i]!.calledAt);
      expect(reg.selectionEndsAt!.getTime() - reg.selectionStartsAt!.getTime()).toBe(20 * 60_000);
    }
    const served = await mark(projectId, called[0]!.id, 'served');
    const reg1 = await server.db.registration.findUniqueOrThrow({ where: { id: byQr.registration.id } });
    expect(reg1.selectionEndsAt?.toISOString()).toBe(served.body.doneAt);
    await mark(projectId, called[1]!.id, 'no-show');
    const reg2 = await server.db.registration.findUniqueOrThrow({ where: { id: byPhone.registration.id } });
    expect(reg2.selectionEndsAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(reg2.selectionEndsAt!.getTime()).toBeGreaterThanOrEqual(reg2.selectionStartsAt!.getTime());
  });
});

describe('buyer page', () => {
  it('shows the ticket by token, with shortlist and availability; an unknown token learns nothing', async () => {
    const pid = server.fixture.projectId;
    const creator = await server.db.user.findUniqueOrThrow({ where: { username: 'manager' } });
    const p = phone();
    const customer = await server.db.customer.create({ data: { projectId: pid, name: '李四', phone: p } });
    const [u1, u2] = server.fixture.unitIds;
    await server.db.shortlistItem.createMany({
      data: [
        { customerId: customer.id, unitId: u2!, rank: 2 },
        { customerId: customer.id, unitId: u1!, rank: 1 },
      ],
    });
    await server.db.registration.create({
      data: { projectId: pid, customerId: customer.id, number: 77, unitsAllowed: 1, createdById: creator.id },
    });
    const taken = await take(pid, { category: 'GEN', phone: p });
    const res = await http<BuyerView>(server.url, 'GET', `/api/public/tickets/${taken.body.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ticketId: taken.body.ticket.id,
      label: taken.body.ticket.label,
      status: 'WAITING',
    });
    expect(res.body.project.name).toBe('测试项目');
    expect(res.body.peopleAhead).toBe(taken.body.ticket.peopleAhead);
    expect(res.body.shortlist.map((u) => [u.unitId, u.rank, u.status])).toEqual([
      [u1, 1, 'AVAILABLE'],
      [u2, 2, 'AVAILABLE'],
    ]);
    expect(res.body.availability.reduce((n, l) => n + l.total, 0)).toBe(
      server.fixture.unitIds.length + server.fixture.pendingUnitIds.length,
    );
    expect(res.body.availability.reduce((n, l) => n + l.available, 0)).toBe(server.fixture.unitIds.length);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(p);
    expect(text).not.toContain('李四');

    const unknown = await http<{ error: unknown }>(
      server.url,
      'GET',
      `/api/public/tickets/${randomBytes(16).toString('base64url')}`,
    );
    const malformed = await http<{ error: unknown }>(server.url, 'GET', '/api/public/tickets/abc');
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Not found.' } });
    expect(malformed.body).toEqual(unknown.body);
    // The token is 128 random bits.
    expect(Buffer.from(taken.body.token, 'base64url')).toHaveLength(16);
  });

  it('estimates the wait from the recent calling rate once numbers are being called', async () => {
    const { projectId, key } = await freshProject();
    const tickets = [];
    for (let i = 0; i < 4; i += 1) tickets.push((await take(projectId, { category: 'GEN', phone: phone() }, key)).body);
    const before = await http<BuyerView>(server.url, 'GET', `/api/public/tickets/${tickets[3]!.token}`);
    expect(before.body.estimatedWaitMinutes).toBeNull();
    await callNext(projectId, { count: 2 });
    const after = await http<BuyerView>(server.url, 'GET', `/api/public/tickets/${tickets[3]!.token}`);
    expect(after.body.peopleAhead).toBe(1);
    expect(after.body.estimatedWaitMinutes).toBe(1);
    expect(after.body.nowServing.sort()).toEqual(['A001', 'A002']);
  });
});

describe('people ahead 前面还有 N 人', () => {
  it('counts the own queue only — on the kiosk answer, the ticket list, the buyer page, the live event, the PDF and the wait', async () => {
    const { projectId, key } = await freshProject();
    const a1 = (await take(projectId, { category: 'GEN', phone: phone() }, key)).body;
    const v1 = (await take(projectId, { category: 'VIP', phone: phone() }, key)).body;
    const a2 = (await take(projectId, { category: 'GEN', phone: phone() }, key)).body;
    // The report: A002 read "前面还有 2 人" with only A001 before it in the general queue.
    expect([a1.ticket.label, v1.ticket.label, a2.ticket.label]).toEqual(['A001', 'V001', 'A002']);
    expect(a2.ticket.peopleAhead).toBe(1);
    expect(v1.ticket.peopleAhead).toBe(0);
    const page = await http<BuyerView>(server.url, 'GET', `/api/public/tickets/${a2.token}`);
    expect(page.body.peopleAhead).toBe(1);

    // More VIPs change nothing for A002; the same rule as the shared one over the waiting tickets.
    for (let i = 0; i < 3; i += 1) await take(projectId, { category: 'VIP', phone: phone() }, key);
    const a3 = (await take(projectId, { category: 'GEN', phone: phone() }, key)).body;
    expect(a3.ticket.peopleAhead).toBe(2);
    const list = await http<QueueTicketView[]>(
      server.url,
      'GET',
      `/api/projects/${projectId}/queue/tickets?status=WAITING`,
      admin,
    );
    const rows = await server.db.queueTicket.findMany({
      where: { projectId, status: 'WAITING' },
      select: { id: true, categoryId: true, sortKey: true, number: true },
    });
    for (const t of list.body) expect(t.peopleAhead).toBe(countPeopleAhead(rows.find((r) => r.id === t.id)!, rows));

    // VIP calls alone: the general line has not moved, its pace is unknown (no estimate from VIP calls).
    const buyer = ioClient(`${server.url}${QUEUE_NAMESPACE}`, {
      auth: { ticketToken: a2.token },
      transports: ['websocket'],
      forceNew: true,
    }) as Socket<BuyerServerToClientEvents>;
    try {
      await new Promise<void>((resolve, reject) => {
        buyer.once('connect', () => resolve());
        buyer.once('connect_error', reject);
      });
      await callNext(projectId, { category: 'VIP', count: 2 });
      const afterVip = await http<BuyerView>(server.url, 'GET', `/api/public/tickets/${a2.token}`);
      expect(afterVip.body.peopleAhead).toBe(1);
      expect(afterVip.body.estimatedWaitMinutes).toBeNull();
      // A001 called: A002's own buyer socket hears 0 ahead (its ticket changes only when called, so read the page).
      const heard = new Promise<BuyerView>((resolve) => buyer.on('ticket:changed', (v) => resolve(v)));
      await callNext(projectId, { category: 'GEN', count: 1 });
      const afterGen = await http<BuyerView>(server.url, 'GET', `/api/public/tickets/${a2.token}`);
      expect(afterGen.body.peopleAhead).toBe(0);
      expect(afterGen.body.estimatedWaitMinutes).toBe(0);
      const a3page = await http<BuyerView>(server.url, 'GET', `/api/public/tickets/${a3.token}`);
      expect(a3page.body.peopleAhead).toBe(1);
      expect(a3page.body.estimatedWaitMinutes).toBe(1); // one GEN call in the last minute: 1 per minute
      await callNext(projectId, { category: 'GEN', count: 1 });
      expect((await heard).peopleAhead).toBeNull(); // A002 itself is called now
    } finally {
      buyer.disconnect();
    }

    // The printed ticket says the same number as the kiosk: A003 was issued with 2 ahead.
    let res: Response | null = null;
    for (let i = 0; i < 120; i += 1) {
      res = await fetch(`${server.url}${a3.pdfPath}`);
      if (res.status !== 202) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(res?.status).toBe(200);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-ahead-'));
    try {
      const file = path.join(dir, 'ticket.pdf');
      await fs.writeFile(file, Buffer.from(await res!.arrayBuffer()));
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
      expect(stdout).toContain('A003');
      expect(stdout.replace(/\s+/g, ' ')).toMatch(/2 人 people/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ticket PDF (BullMQ worker)', () => {
  it('is rendered by the worker and served with its SHA-256; the wrong token gets 404', async () => {
    const pid = server.fixture.projectId;
    const taken = await take(pid, { category: 'VIP', phone: phone() });
    let res: Response | null = null;
    for (let i = 0; i < 120; i += 1) {
      res = await fetch(`${server.url}${taken.body.pdfPath}`);
      if (res.status !== 202) break;
      expect(res.headers.get('retry-after')).toBe('1');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(res?.status).toBe(200);
    expect(res?.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res!.arrayBuffer());
    expect(res?.headers.get('etag')).toBe(`"${createHash('sha256').update(pdf).digest('hex')}"`);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-queue-'));
    try {
      const file = path.join(dir, 'ticket.pdf');
      await fs.writeFile(file, pdf);
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
      expect(stdout).toContain(taken.body.ticket.label);
      expect(stdout).toContain('测试项目');
      expect(stdout).toContain('贵宾');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    const redis = new Redis(testRedisUrl());
    try {
      const ttl = await redis.ttl(`${server.config.redisPrefix}doc:ticket:${taken.body.ticket.id}`);
      expect(ttl).toBeGreaterThan(23 * 3600);
      expect(ttl).toBeLessThanOrEqual(24 * 3600);
    } finally {
      redis.disconnect();
    }
    const wrong = await fetch(
      `${server.url}/api/queue/tickets/${taken.body.ticket.id}/pdf?token=${randomBytes(16).toString('base64url')}`,
    );
    expect(wrong.status).toBe(404);
  });
});

describe('live events', () => {
  it('queue:changed reaches a board socket; the buyer socket hears its own ticket called', async () => {
    const pid = server.fixture.projectId;
    const board = await server.connect({ deviceKey: TEST_BOARD_KEY });
    expect((await emitAck(board, 'project:join', { projectId: pid })).ok).toBe(true);
    const taken = await take(pid, { category: 'VIP', phone: phone() });

    const buyer: Socket<BuyerServerToClientEvents> = ioClient(`${server.url}${QUEUE_NAMESPACE}`, {
      auth: { ticketToken: taken.body.token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        buyer.once('connect', () => resolve());
        buyer.once('connect_error', reject);
      });
      const onBoard = new Promise<QueueState>((resolve) => {
        board.on('queue:changed', (state) => {
          if (state.categories.some((c) => c.nowServing.some((t) => t.id === taken.body.ticket.id))) resolve(state);
        });
      });
      const onBuyerQueue = new Promise<QueueState>((resolve) => buyer.once('queue:changed', resolve));
      const onBuyerTicket = new Promise<BuyerView>((resolve) => {
        buyer.on('ticket:changed', (view) => {
          if (view.status === 'CALLED') resolve(view);
        });
      });
      const called = await http<CallResult>(server.url, 'POST', `/api/projects/${pid}/queue/call`, manager, {
        ticketIds: [taken.body.ticket.id],
      });
      expect(called.status).toBe(200);
      const state = await onBoard;
      expect(state.projectId).toBe(pid);
      expect(JSON.stringify(state)).not.toMatch(/phone/i);
      expect((await onBuyerQueue).projectId).toBe(pid);
      const view = await onBuyerTicket;
      expect(view).toMatchObject({ ticketId: taken.body.ticket.id, status: 'CALLED', label: taken.body.ticket.label });
    } finally {
      buyer.disconnect();
      board.disconnect();
    }
  });

  it('a buyer socket without a valid ticket token is refused', async () => {
    for (const auth of [{}, { ticketToken: 'short' }, { ticketToken: randomBytes(16).toString('base64url') }]) {
      const socket = ioClient(`${server.url}${QUEUE_NAMESPACE}`, {
        auth,
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
      const error = await new Promise<Error>((resolve, reject) => {
        socket.once('connect', () => reject(new Error('connected')));
        socket.once('connect_error', resolve);
      });
      socket.disconnect();
      expect(error.message).toBe('UNAUTHENTICATED');
    }
  });
});
