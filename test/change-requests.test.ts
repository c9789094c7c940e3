/**
 * Change requests 换房 / 退房 / 更名 / 调价 against a real server, PostgreSQL and Redis: request →
 * four-eyes decision → execution exactly once, with the database, the audit trail, the live mirror
 * and the screens in step. The unit change races real consultants grabbing its target unit and must
 * never leave the buyer with zero or two units.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ChangeRequestInfo,
  ConfirmResult,
  LockResult,
  ProjectSnapshot,
  RegistrationInfo,
  SubscriptionInfo,
  UnitChange,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { waitFor } from './support/wait.js';
import { TEST_BOARD_KEY } from './support/fixture.js';

type ErrorBody = { error: { code: string; message: string } };
type Detail = SubscriptionInfo & { changes: ChangeRequestInfo[] };

let server: TestServer;
let projectId: string;
let admin: string;
let manager: string;
/** Consultant tokens and sockets s001…s008. */
const tokens: string[] = [];
const sockets: HubClient[] = [];
const consultantIds: string[] = [];
let board: HubClient;
let managerSocket: HubClient;
const boardChanges: UnitChange[] = [];
const managerEvents: ChangeRequestInfo[] = [];
let nextUnit = 0;
let nextPhone = 0;
let plans: { id: string; code: string }[] = [];
let discounts: { id: string; code: string }[] = [];

const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;
const freshBuyer = () => {
  nextPhone += 1;
  return { name: `买家${nextPhone}`, phone: `137${String(nextPhone).padStart(8, '0')}` };
};
const call = <T = ChangeRequestInfo>(method: string, path: string, token: string, body?: unknown) =>
  http<T & Partial<ErrorBody>>(server.url, method, path, token, body);
const requestChange = (token: string, body: object) => call('POST', '/api/change-requests', token, body);
const decide = (token: string, id: string, approve: boolean, note?: string) =>
  call('POST', `/api/change-requests/${id}/decision`, token, { approve, ...(note ? { note } : {}) });
const execute = (token: string, id: string) => call('POST', `/api/change-requests/${id}/execute`, token, {});
const withdraw = (token: string, id: string) => call('POST', `/api/change-requests/${id}/withdraw`, token, {});

/** Lock and confirm a unit over the socket, as a consultant does; returns the subscription id. */
async function subscribe(
  consultant: number,
  unitId: string,
  buyer: { name: string; phone: string } | undefined,
  extra: { registrationId?: string; planId?: string; discountIds?: string[] } = {},
): Promise<string> {
  const socket = sockets[consultant]!;
  const lock = await emitAck<LockResult>(socket, 'unit:lock', {
    unitId,
    ...(extra.registrationId ? { registrationId: extra.registrationId } : {}),
  });
  if (!lock.ok) throw new Error(`lock failed: ${JSON.stringify(lock)}`);
  const confirm = await emitAck<ConfirmResult>(socket, 'unit:confirm', {
    unitId,
    token: lock.data.token,
    ...(buyer ? { buyer } : {}),
    ...(extra.planId ? { planId: extra.planId } : {}),
    ...(extra.discountIds ? { discountIds: extra.discountIds } : {}),
  });
  if (!confirm.ok) throw new Error(`confirm failed: ${JSON.stringify(confirm)}`);
  return confirm.data.subscriptionId;
}

/** Request, approve (by the other manager-level user) and return the approved request. */
async function approved(token: string, body: object, approver = manager): Promise<ChangeRequestInfo> {
  const req = await requestChange(token, body);
  expect(req.status).toBe(201);
  const ok = await decide(approver, req.body.id, true, 'ok');
  expect(ok.status).toBe(200);
  expect(ok.body.status).toBe('APPROVED');
  return ok.body;
}

async function unitRow(unitId: string) {
  return server.db.unit.findUniqueOrThrow({
    where: { id: unitId },
    select: { status: true, version: true, code: true },
  });
}

async function liveOnUnit(unitId: string) {
  return server.db.subscription.findMany({ where: { unitId, status: { in: ['ACTIVE', 'CONTRACTED'] } } });
}

async function snapshot(): Promise<ProjectSnapshot> {
  const res = await http<ProjectSnapshot>(server.url, 'GET', `/api/projects/${projectId}/snapshot`, manager);
  expect(res.status).toBe(200);
  return res.body;
}

/** The mirror agrees with PostgreSQL for every unit (a lock is an AVAILABLE unit in PostgreSQL). */
async function expectMirrorAgrees(): Promise<void> {
  const [snap, rows] = await Promise.all([
    snapshot(),
    server.db.unit.findMany({ where: { projectId }, select: { id: true, status: true } }),
  ]);
  const stored = new Map(rows.map((r) => [r.id, r.status as string]));
  const disagreements = snap.units
    .map((u) => ({ id: u.id, mirror: u.status === 'LOCKED' ? 'AVAILABLE' : u.status, db: stored.get(u.id) }))
    .filter((u) => u.mirror !== u.db);
  expect(disagreements).toEqual([]);
}

const boardSaw = (unitId: string, status: string) =>
  waitFor(() => boardChanges.find((c) => c.unitId === unitId && c.status === status), `board: ${status} for ${unitId}`);
const managerSaw = (id: string, status: string) =>
  waitFor(() => managerEvents.find((e) => e.id === id && e.status === status), `manager socket: ${status} for ${id}`);

beforeAll(async () => {
  server = await startTestServer({ units: 72, consultants: 8, maxLocks: 5 });
  projectId = server.fixture.projectId;
  admin = (await server.login('admin')).token;
  const m = await server.login('manager');
  manager = m.token;
  for (const username of server.fixture.consultants) {
    const login = await server.login(username);
    tokens.push(login.token);
    consultantIds.push(login.user.id);
    const socket = await server.connect({ token: login.token });
    expect((await emitAck(socket, 'project:join', { projectId })).ok).toBe(true);
    sockets.push(socket);
  }
  board = await server.connect({ deviceKey: TEST_BOARD_KEY });
  expect((await emitAck(board, 'project:join', { projectId })).ok).toBe(true);
  board.on('units:changed', (frame) => boardChanges.push(...frame.changes));
  managerSocket = await server.connect({ token: manager });
  expect((await emitAck(managerSocket, 'project:join', { projectId })).ok).toBe(true);
  managerSocket.on('change:changed', (event) => managerEvents.push(event));
  plans = await server.db.paymentPlanOption.findMany({ where: { projectId }, select: { id: true, code: true } });
  discounts = await server.db.discountRule.findMany({ where: { projectId }, select: { id: true, code: true } });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('换房 unit change', () => {
  it('request → approve → execute: old subscription CHANGED, new one on the target with the same terms, both units on every screen', async () => {
    const from = freshUnit();
    const target = freshUnit();
    const buyer = freshBuyer();
    const mortgage = plans.find((p) => p.code === 'MORTGAGE30')!;
    const open99 = discounts.find((d) => d.code === 'OPEN99')!;
    const subId = await subscribe(0, from, buyer, { planId: mortgage.id, discountIds: [open99.id] });

    const body = { kind: 'UNIT_CHANGE', subscriptionId: subId, targetUnitId: target, reason: '客户想要高楼层' };
    const req = await requestChange(tokens[0]!, body);
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({
      kind: 'UNIT_CHANGE',
      status: 'PENDING',
      subscriptionId: subId,
      payload: { targetUnitId: target },
    });
    const targetRow = await unitRow(target);
    const preview = req.body.preview as {
      targetUnitCode: string;
      finalPrice: number;
      listPrice: number;
      plan: { id: string };
      discountIds: string[];
      belowFloor: boolean;
    };
    expect(preview.targetUnitCode).toBe(targetRow.code);
    expect(preview.plan.id).toBe(mortgage.id);
    expect(preview.discountIds).toEqual([open99.id]);
    // List price × 99 %, rounded to the yuan; mortgage 99折 is not selected so it is not applied.
    expect(preview.finalPrice).toBe(Math.round((preview.listPrice * 0.99) / 100) * 100);
    expect(preview.belowFloor).toBe(false);
    // Floor prices 底价 are for managers only.
    expect(req.body.preview).not.toHaveProperty('floorPrice');
    expect((req.body.preview as { breakdown: { floorPrice: number } }).breakdown.floorPrice).toBe(0);
    const managerView = (
      await call<ChangeRequestInfo[]>('GET', `/api/projects/${projectId}/change-requests?status=PENDING`, manager)
    ).body.find((r) => r.id === req.body.id);
    expect(managerView?.preview).toMatchObject({ floorPrice: 1_900_000_00 });
    expect((await call<Detail>('GET', `/api/subscriptions/${subId}`, tokens[0]!)).body.floorPrice).toBeNull();
    expect((await call<Detail>('GET', `/api/subscriptions/${subId}`, manager)).body.floorPrice).toBe(1_900_000_00);
    const event = await managerSaw(req.body.id, 'PENDING');
    expect(event.preview).not.toHaveProperty('floorPrice');

    // Pressed twice: the same request back (200); a different request while it is open: CONFLICT.
    const again = await requestChange(tokens[0]!, body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(req.body.id);
    const other = await requestChange(tokens[0]!, { kind: 'CANCEL', subscriptionId: subId, reason: 'x' });
    expect(other.status).toBe(409);
    expect(other.body.error?.code).toBe('CONFLICT');
    expect(await server.db.changeRequest.count({ where: { subscriptionId: subId } })).toBe(1);

    // Consultants cannot decide.
    const byConsultant = await decide(tokens[1]!, req.body.id, true);
    expect(byConsultant.status).toBe(403);
    // Executing before approval is refused.
    expect((await execute(manager, req.body.id)).body.error?.code).toBe('INVALID_TRANSITION');

    const ok = await decide(manager, req.body.id, true, '同意');
    expect(ok.body).toMatchObject({ status: 'APPROVED', decidedBy: '经理', decisionNote: '同意' });
    await managerSaw(req.body.id, 'APPROVED');

    const done = await execute(manager, req.body.id);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('EXECUTED');
    const newId = (done.body.result as { newSubscriptionId: string }).newSubscriptionId;
    await managerSaw(req.body.id, 'EXECUTED');

    const [oldSub, newSub] = await Promise.all([
      server.db.subscription.findUniqueOrThrow({ where: { id: subId } }),
      server.db.subscription.findUniqueOrThrow({ where: { id: newId } }),
    ]);
    expect(oldSub).toMatchObject({ status: 'CHANGED', version: 2 });
    expect(oldSub.closedAt).not.toBeNull();
    expect(oldSub.closeReason).toContain('客户想要高楼层');
    expect(newSub).toMatchObject({
      status: 'ACTIVE',
      unitId: target,
      replacesId: subId,
      buyerName: buyer.name,
      buyerPhone: buyer.phone,
      consultantId: oldSub.consultantId,
      planId: mortgage.id,
      price: BigInt(preview.finalPrice),
      listPrice: BigInt(preview.listPrice),
    });
    expect((newSub.schedule as { amount: number }[]).reduce((s, i) => s + i.amount, 0)).toBe(preview.finalPrice);
    expect((await unitRow(from)).status).toBe('AVAILABLE');
    expect((await unitRow(target)).status).toBe('SUBSCRIBED');

    const audits = await server.db.auditEvent.findMany({
      where: { entityId: { in: [from, target, subId, newId, req.body.id] } },
    });
    const actions = audits.map((a) => `${a.entity}:${a.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'change_request:change.request',
        'change_request:change.approve',
        'change_request:change.execute',
        'unit:unit.change_out',
        'unit:unit.change_in',
        'subscription:subscription.changed',
        'subscription:subscription.create',
      ]),
    );
    expect(audits.find((a) => a.action === 'change.approve')).toMatchObject({
      actorName: 'manager',
      after: { status: 'APPROVED', note: '同意' },
    });

    await boardSaw(from, 'AVAILABLE');
    const sold = await boardSaw(target, 'SUBSCRIBED');
    expect(sold.deal).toMatchObject({ subscriptionId: newId, price: preview.finalPrice });
    await expectMirrorAgrees();

    const detail = await call<Detail>('GET', `/api/subscriptions/${subId}`, tokens[0]!);
    expect(detail.body).toMatchObject({ status: 'CHANGED', replacedById: newId });
    expect(detail.body.changes.map((c) => c.id)).toEqual([req.body.id]);
    const newDetail = await call<Detail>('GET', `/api/subscriptions/${newId}`, manager);
    expect(newDetail.body).toMatchObject({ status: 'ACTIVE', replacesId: subId, unitId: target });
    // The deal's history follows the chain.
    expect(newDetail.body.changes.map((c) => c.id)).toEqual([req.body.id]);
  });

  it('execute twice, then raced five times by the manager and the requester: exactly one new subscription', async () => {
    const subA = await subscribe(0, freshUnit(), freshBuyer());
    const reqA = await approved(tokens[0]!, {
      kind: 'UNIT_CHANGE',
      subscriptionId: subA,
      targetUnitId: freshUnit(),
      reason: 'twice',
    });
    const first = await execute(manager, reqA.id);
    const second = await execute(tokens[0]!, reqA.id);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.result).toEqual(first.body.result);
    expect(await server.db.subscription.count({ where: { replacesId: subA } })).toBe(1);

    const from = freshUnit();
    const target = freshUnit();
    const subB = await subscribe(1, from, freshBuyer());
    const reqB = await approved(
      tokens[1]!,
      { kind: 'UNIT_CHANGE', subscriptionId: subB, targetUnitId: target, reason: 'raced' },
      admin,
    );
    const results = await Promise.all(
      [manager, tokens[1]!, admin, manager, tokens[1]!].map((t) => execute(t, reqB.id)),
    );
    for (const r of results) {
      // The loser either sees the executed request or, if it asked before the winner finished, an invalid transition.
      if (r.status === 200) expect(r.body.status).toBe('EXECUTED');
      else expect(r.body.error?.code).toBe('INVALID_TRANSITION');
    }
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(await server.db.subscription.count({ where: { replacesId: subB } })).toBe(1);
    expect(await liveOnUnit(target)).toHaveLength(1);
    expect(await liveOnUnit(from)).toHaveLength(0);
    expect(await server.db.auditEvent.count({ where: { entityId: reqB.id, action: 'change.execute' } })).toBe(1);
    await expectMirrorAgrees();
  });

  it('a target taken meanwhile fails coded and leaves the request APPROVED (retry or withdraw)', async () => {
    const from = freshUnit();
    const target = freshUnit();
    const subId = await subscribe(0, from, freshBuyer());
    const req = await approved(tokens[0]!, {
      kind: 'UNIT_CHANGE',
      subscriptionId: subId,
      targetUnitId: target,
      reason: 'taken',
    });

    // Someone holds the target: LOCK_HELD.
    const lock = await emitAck<LockResult>(sockets[2]!, 'unit:lock', { unitId: target });
    expect(lock.ok).toBe(true);
    const held = await execute(manager, req.id);
    expect(held.status).toBe(409);
    expect(held.body.error?.code).toBe('LOCK_HELD');
    expect((await server.db.changeRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe('APPROVED');

    // …and then buys it: UNIT_NOT_AVAILABLE.
    if (!lock.ok) return;
    const bought = await emitAck<ConfirmResult>(sockets[2]!, 'unit:confirm', {
      unitId: target,
      token: lock.data.token,
      buyer: freshBuyer(),
    });
    expect(bought.ok).toBe(true);
    const sold = await execute(manager, req.id);
    expect(sold.body.error?.code).toBe('UNIT_NOT_AVAILABLE');
    expect((await server.db.changeRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe('APPROVED');
    expect((await server.db.subscription.findUniqueOrThrow({ where: { id: subId } })).status).toBe('ACTIVE');
    expect((await unitRow(from)).status).toBe('SUBSCRIBED');

    // Only the requester may withdraw; afterwards it cannot be executed.
    expect((await withdraw(manager, req.id)).status).toBe(403);
    const w = await withdraw(tokens[0]!, req.id);
    expect(w.body.status).toBe('WITHDRAWN');
    expect((await withdraw(tokens[0]!, req.id)).body.status).toBe('WITHDRAWN');
    expect((await execute(manager, req.id)).body.error?.code).toBe('INVALID_TRANSITION');
    expect(await server.db.auditEvent.count({ where: { entityId: req.id, action: 'change.withdraw' } })).toBe(1);
    await expectMirrorAgrees();
  });

  it('prices changed since approval: CONFLICT, nothing changed, the target’s lock given back', async () => {
    const from = freshUnit();
    const target = freshUnit();
    const subId = await subscribe(0, from, freshBuyer());
    const req = await approved(tokens[0]!, {
      kind: 'UNIT_CHANGE',
      subscriptionId: subId,
      targetUnitId: target,
      reason: 'repriced',
    });
    const original = await server.db.unit.findUniqueOrThrow({ where: { id: target }, select: { listPrice: true } });
    await server.db.unit.update({ where: { id: target }, data: { listPrice: original.listPrice + 1_000_000n } });
    const res = await execute(manager, req.id);
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('CONFLICT');
    expect((await server.db.changeRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe('APPROVED');
    expect((await unitRow(target)).status).toBe('AVAILABLE');
    expect((await unitRow(from)).status).toBe('SUBSCRIBED');
    const snap = await snapshot();
    expect(snap.units.find((u) => u.id === target)).toMatchObject({ status: 'AVAILABLE' });
    expect(snap.units.find((u) => u.id === target)?.lock).toBeUndefined();
    await server.db.unit.update({ where: { id: target }, data: { listPrice: original.listPrice } });
    // With the approved prices back the same request goes through.
    expect((await execute(manager, req.id)).body.status).toBe('EXECUTED');
    await expectMirrorAgrees();
  });

  it('a target that is not available cannot even be requested', async () => {
    const subId = await subscribe(0, freshUnit(), freshBuyer());
    const taken = await subscribe(1, freshUnit(), freshBuyer());
    const takenUnit = (await server.db.subscription.findUniqueOrThrow({ where: { id: taken } })).unitId;
    const res = await requestChange(tokens[0]!, {
      kind: 'UNIT_CHANGE',
      subscriptionId: subId,
      targetUnitId: takenUnit,
      reason: 'x',
    });
    expect(res.body.error?.code).toBe('UNIT_NOT_AVAILABLE');
    const notReleased = await requestChange(tokens[0]!, {
      kind: 'UNIT_CHANGE',
      subscriptionId: subId,
      targetUnitId: server.fixture.pendingUnitIds[0],
      reason: 'x',
    });
    expect(notReleased.body.error?.code).toBe('UNIT_NOT_AVAILABLE');
    const elsewhere = await requestChange(tokens[0]!, {
      kind: 'UNIT_CHANGE',
      subscriptionId: subId,
      targetUnitId: server.fixture.otherUnitId,
      reason: 'x',
    });
    expect(elsewhere.body.error?.code).toBe('NOT_FOUND');
    expect(await server.db.changeRequest.count({ where: { subscriptionId: subId } })).toBe(0);
  });
});

describe('who may do what', () => {
  it('four-eyes: the requester cannot decide; the same decision twice returns the state, the other one is refused', async () => {
    const subId = await subscribe(0, freshUnit(), freshBuyer());
    const req = await requestChange(manager, {
      kind: 'PRICE_CHANGE',
      subscriptionId: subId,
      finalPrice: 1_950_000_00,
      reason: '经理调价',
    });
    expect(req.status).toBe(201);
    const self = await decide(manager, req.body.id, true);
    expect(self.status).toBe(403);
    expect(self.body.error?.message).toMatch(/four-eyes/i);
    const r1 = await decide(admin, req.body.id, false, '价格太低');
    expect(r1.body).toMatchObject({ status: 'REJECTED', decisionNote: '价格太低' });
    const r2 = await decide(admin, req.body.id, false);
    expect(r2.status).toBe(200);
    expect(r2.body.status).toBe('REJECTED');
    const flip = await decide(admin, req.body.id, true);
    expect(flip.status).toBe(409);
    expect(flip.body.error?.code).toBe('INVALID_TRANSITION');
    expect((await execute(admin, req.body.id)).body.error?.code).toBe('INVALID_TRANSITION');
    expect(
      await server.db.auditEvent.count({
        where: { entityId: req.body.id, action: { in: ['change.approve', 'change.reject'] } },
      }),
    ).toBe(1);
    // Rejected is closed: a new request may be made.
    const next = await requestChange(tokens[0]!, {
      kind: 'PRICE_CHANGE',
      subscriptionId: subId,
      finalPrice: 1_990_000_00,
      reason: 'again',
    });
    expect(next.status).toBe(201);
  });

  it('another consultant can neither request on, nor read, someone else’s deal; consultants list only their own', async () => {
    const subId = await subscribe(0, freshUnit(), freshBuyer());
    const res = await requestChange(tokens[1]!, { kind: 'CANCEL', subscriptionId: subId, reason: 'not mine' });
    expect(res.status).toBe(403);
    expect((await call('GET', `/api/subscriptions/${subId}`, tokens[1]!)).status).toBe(403);
    const cashier = (await server.login('cashier')).token;
    expect((await requestChange(cashier, { kind: 'CANCEL', subscriptionId: subId, reason: 'x' })).status).toBe(403);
    const outsider = (await server.login('outsider')).token;
    expect((await requestChange(outsider, { kind: 'CANCEL', subscriptionId: subId, reason: 'x' })).status).toBe(403);

    const mine = await call<SubscriptionInfo[]>('GET', `/api/projects/${projectId}/subscriptions`, tokens[1]!);
    expect(mine.status).toBe(200);
    expect(mine.body.every((s) => s.consultant === '顾问s002')).toBe(true);
    const all = await call<SubscriptionInfo[]>(
      'GET',
      `/api/projects/${projectId}/subscriptions?status=ACTIVE`,
      manager,
    );
    expect(all.body.some((s) => s.id === subId)).toBe(true);
    expect(all.body.every((s) => s.status === 'ACTIVE')).toBe(true);
    const code = (await unitRow((await server.db.subscription.findUniqueOrThrow({ where: { id: subId } })).unitId))
      .code;
    const found = await call<SubscriptionInfo[]>(
      'GET',
      `/api/projects/${projectId}/subscriptions?q=${encodeURIComponent(code)}`,
      manager,
    );
    expect(found.body.map((s) => s.id)).toContain(subId);
    // Requests: consultants see their own only.
    const theirs = await call<ChangeRequestInfo[]>('GET', `/api/projects/${projectId}/change-requests`, tokens[1]!);
    const theirDeals = new Set(mine.body.map((d) => d.id));
    expect(theirs.body.length).toBeGreaterThan(0);
    expect(theirs.body.every((r) => r.requestedBy === '顾问s002' || theirDeals.has(r.subscriptionId))).toBe(true);
    expect(theirs.body.some((r) => r.subscriptionId === subId)).toBe(false);
    // Bad input changes nothing.
    const bad = await requestChange(tokens[0]!, {
      kind: 'PRICE_CHANGE',
      subscriptionId: subId,
      finalPrice: -5,
      reason: 'x',
    });
    expect(bad.status).toBe(400);
  });
});

describe('退房 cancellation', () => {
  it('returns the unit, gives the entitlement back, makes the customer interested again and hands the refund to the cashier', async () => {
    const owner = consultantIds[0]!;
    nextPhone += 1;
    const customer = await server.db.customer.create({
      data: {
        projectId,
        name: `登记买家${nextPhone}`,
        phone: `139${String(nextPhone).padStart(8, '0')}`,
        ownerId: owner,
      },
    });
    const reg = await http<RegistrationInfo>(server.url, 'POST', `/api/projects/${projectId}/registrations`, manager, {
      customerId: customer.id,
      unitsAllowed: 2,
    });
    expect(reg.status).toBe(201);
    const unitId = freshUnit();
    const subId = await subscribe(0, unitId, undefined, { registrationId: reg.body.id });
    expect((await server.db.registration.findUniqueOrThrow({ where: { id: reg.body.id } })).unitsUsed).toBe(1);
    expect((await server.db.customer.findUniqueOrThrow({ where: { id: customer.id } })).status).toBe('SUBSCRIBED');

    const req = await requestChange(tokens[0]!, { kind: 'CANCEL', subscriptionId: subId, reason: '客户资金问题' });
    expect(req.body.preview).toMatchObject({ refund: 'DUE' });
    await decide(admin, req.body.id, true);
    // The requester may execute their approved request.
    const done = await execute(tokens[0]!, req.body.id);
    expect(done.body).toMatchObject({ status: 'EXECUTED', result: { refund: 'DUE', unitsUsed: 0 } });

    const sub = await server.db.subscription.findUniqueOrThrow({ where: { id: subId } });
    expect(sub).toMatchObject({ status: 'CANCELLED', refundState: 'DUE', version: 2 });
    expect(sub.closedAt).not.toBeNull();
    expect((await server.db.registration.findUniqueOrThrow({ where: { id: reg.body.id } })).unitsUsed).toBe(0);
    expect((await server.db.customer.findUniqueOrThrow({ where: { id: customer.id } })).status).toBe('INTERESTED');
    expect((await unitRow(unitId)).status).toBe('AVAILABLE');
    const actions = (
      await server.db.auditEvent.findMany({
        where: { entityId: { in: [subId, unitId, customer.id, reg.body.id, req.body.id] } },
      })
    ).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'subscription.cancel',
        'unit.cancel',
        'customer.status',
        'registration.units_used',
        'change.execute',
      ]),
    );
    await boardSaw(unitId, 'AVAILABLE');
    await expectMirrorAgrees();

    // The cashier's list: DUE refunds.
    const due = await call<SubscriptionInfo[]>(
      'GET',
      `/api/projects/${projectId}/subscriptions?status=CANCELLED`,
      manager,
    );
    expect(due.body.find((s) => s.id === subId)).toMatchObject({ refundState: 'DUE', status: 'CANCELLED' });
    // A closed subscription takes no more requests.
    const late = await requestChange(tokens[0]!, { kind: 'CANCEL', subscriptionId: subId, reason: 'again' });
    expect(late.body.error?.code).toBe('INVALID_TRANSITION');
    // And the unit can be sold again.
    await subscribe(1, unitId, freshBuyer());
    expect(await liveOnUnit(unitId)).toHaveLength(1);
  });
});

describe('更名 buyer change and 调价 price change', () => {
  it('更名 keeps the unit and records the old and new buyers', async () => {
    const unitId = freshUnit();
    const buyer = freshBuyer();
    const subId = await subscribe(0, unitId, buyer);
    const versionBefore = (await unitRow(unitId)).version;
    const next = { name: '新买家', phone: '13900001234' };
    const req = await requestChange(tokens[0]!, {
      kind: 'BUYER_CHANGE',
      subscriptionId: subId,
      buyer: next,
      reason: '夫妻更名',
    });
    expect(req.body.preview).toEqual({ old: buyer, new: next });
    await decide(manager, req.body.id, true);
    const done = await execute(manager, req.body.id);
    expect(done.body.result).toMatchObject({ old: buyer, new: next });
    const sub = await server.db.subscription.findUniqueOrThrow({ where: { id: subId } });
    expect(sub).toMatchObject({ buyerName: next.name, buyerPhone: next.phone, unitId, status: 'ACTIVE', version: 2 });
    const unit = await unitRow(unitId);
    expect(unit).toMatchObject({ status: 'SUBSCRIBED', version: versionBefore });
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: subId, action: 'subscription.buyer_change' },
    });
    expect(audit.before).toMatchObject(buyer);
    expect(audit.after).toMatchObject(next);
  });

  it('调价 sets the new price, rebuilds the schedule with the plan and updates the screens', async () => {
    const unitId = freshUnit();
    const lump = plans.find((p) => p.code === 'LUMP')!;
    const subId = await subscribe(0, unitId, freshBuyer(), { planId: lump.id });
    const before = await server.db.subscription.findUniqueOrThrow({ where: { id: subId } });
    const newPrice = 1_880_000_00;
    const req = await requestChange(tokens[0]!, {
      kind: 'PRICE_CHANGE',
      subscriptionId: subId,
      finalPrice: newPrice,
      reason: '特批',
    });
    expect(req.body.preview).toMatchObject({ oldPrice: Number(before.price), newPrice, belowFloor: true });
    await decide(manager, req.body.id, true, '特批同意');
    const done = await execute(manager, req.body.id);
    expect(done.body.result).toMatchObject({ oldPrice: Number(before.price), newPrice });
    const sub = await server.db.subscription.findUniqueOrThrow({ where: { id: subId } });
    expect(sub.price).toBe(BigInt(newPrice));
    expect(sub.breakdown).toEqual(before.breakdown);
    const schedule = sub.schedule as { kind: string; amount: number; dueDate: string }[];
    expect(schedule.reduce((s, i) => s + i.amount, 0)).toBe(newPrice);
    expect(schedule.map((i) => i.dueDate)).toEqual((before.schedule as { dueDate: string }[]).map((i) => i.dueDate));
    expect(await server.db.auditEvent.count({ where: { entityId: subId, action: 'subscription.price_change' } })).toBe(
      1,
    );
    await waitFor(
      () => boardChanges.find((c) => c.unitId === unitId && c.status === 'SUBSCRIBED' && c.price === newPrice),
      'board price',
    );
    const snap = await snapshot();
    expect(snap.units.find((u) => u.id === unitId)?.price).toBe(newPrice);
  });
});

describe('concurrency: the unit change races consultants grabbing its target', () => {
  it('15 rounds: the buyer always ends with exactly one unit, no unit with two, the mirror agrees', async () => {
    const outcomes = { executed: 0, refused: 0, consultantWins: 0 };
    for (let round = 0; round < 15; round += 1) {
      const from = freshUnit();
      const target = freshUnit();
      const buyer = freshBuyer();
      const subId = await subscribe(0, from, buyer);
      const req = await approved(tokens[0]!, {
        kind: 'UNIT_CHANGE',
        subscriptionId: subId,
        targetUnitId: target,
        reason: `round ${round}`,
      });

      const grab = async (k: number) => {
        const socket = sockets[k]!;
        const lock = await emitAck<LockResult>(socket, 'unit:lock', { unitId: target });
        if (!lock.ok) return false;
        const confirm = await emitAck<ConfirmResult>(socket, 'unit:confirm', {
          unitId: target,
          token: lock.data.token,
          buyer: freshBuyer(),
        });
        return confirm.ok;
      };
      // Even rounds: everyone at the same instant. Odd rounds: the consultants pile in the moment the
      // screens show the executor's lock on the target, i.e. while its transaction is committing.
      const executing = execute(manager, req.id);
      const start =
        round % 2 === 0
          ? Promise.resolve()
          : boardSaw(target, 'LOCKED').then(
              () => undefined,
              () => undefined,
            );
      const [exec, ...grabs] = await Promise.all([
        executing,
        ...[1, 2, 3, 4, 5, 6].map((k) => start.then(() => grab(k))),
      ]);

      const status = (await server.db.changeRequest.findUniqueOrThrow({ where: { id: req.id } })).status;
      const buyerLive = await server.db.subscription.findMany({
        where: { buyerPhone: buyer.phone, status: { in: ['ACTIVE', 'CONTRACTED'] } },
      });
      expect(buyerLive).toHaveLength(1);
      expect((await liveOnUnit(target)).length).toBeLessThanOrEqual(1);
      if (status === 'EXECUTED') {
        outcomes.executed += 1;
        expect(exec.status).toBe(200);
        expect(buyerLive[0]!.unitId).toBe(target);
        expect(buyerLive[0]!.replacesId).toBe(subId);
        expect((await unitRow(from)).status).toBe('AVAILABLE');
        expect(grabs.filter(Boolean)).toHaveLength(0);
      } else {
        outcomes.refused += 1;
        expect(status).toBe('APPROVED');
        expect(['LOCK_HELD', 'UNIT_NOT_AVAILABLE']).toContain(exec.body.error?.code);
        expect(buyerLive[0]!.id).toBe(subId);
        expect((await unitRow(from)).status).toBe('SUBSCRIBED');
        if (grabs.some(Boolean)) outcomes.consultantWins += 1;
        expect(grabs.filter(Boolean).length).toBeLessThanOrEqual(1);
        // The request stays usable: withdraw it so the buyer's deal is clean for the next round.
        expect((await withdraw(tokens[0]!, req.id)).body.status).toBe('WITHDRAWN');
      }
      const doubles = await server.db.$queryRaw<{ unit_id: string }[]>`
        SELECT unit_id::text FROM subscriptions WHERE status IN ('ACTIVE', 'CONTRACTED') GROUP BY unit_id HAVING count(*) > 1`;
      expect(doubles).toEqual([]);
      // PostgreSQL and the unit agree: a SUBSCRIBED unit has exactly one live subscription.
      const target1 = await unitRow(target);
      expect(target1.status === 'SUBSCRIBED').toBe((await liveOnUnit(target)).length === 1);
      await expectMirrorAgrees();
    }
    expect(outcomes.executed + outcomes.refused).toBe(15);
    // Odd rounds: nobody can take the target from under the executor's lock.
    expect(outcomes.executed).toBeGreaterThanOrEqual(7);
  }, 120_000);
});
