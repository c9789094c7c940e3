/**
 * The approval workflow under a race, for each of its four kinds, against a real server,
 * PostgreSQL and Redis: many clients (three managers approving, three rejecting, the requester
 * withdrawing) press at the same instant on the same pending request. Exactly one step wins — one
 * audit event of a decision or withdrawal — every caller whose step lost answers 409
 * INVALID_TRANSITION {reason: 'ALREADY_DECIDED'} (those who asked for what won answer 200 with
 * it), and the request's state and what approval does (the lock held, the receipt voided, the
 * prices active) agree with the winner. docs/approvals.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ChangeRequestInfo,
  LockResult,
  PriceApprovalInfo,
  PriceListInfo,
  PricingTerms,
  VoidRequestInfo,
} from '@kaipan/shared';
import { hashPassword } from '../server/src/domain/passwords.js';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';
import {
  caller,
  cash,
  createBook,
  createCashiers,
  createRegistration,
  pay,
  subscribe,
  type Answer,
} from './support/cashier.js';
import { TEST_PASSWORD } from './support/fixture.js';

let server: TestServer;
let call: ReturnType<typeof caller>;
let projectId: string;
/** Manager-level tokens: admin, manager and five more managers (six deciders besides a requesting manager). */
const managers: { id: string; username: string; token: string }[] = [];
let consultant: { id: string; token: string; socket: HubClient };
let nextUnit = 0;

const ROUNDS = 3;
type Step = { who: string; what: 'approve' | 'reject' | 'withdraw' };

/** More MANAGER users, members of the project. */
async function createManagers(names: string[]): Promise<void> {
  const hash = await hashPassword(TEST_PASSWORD);
  for (const username of names) {
    const user = await server.db.user.create({
      data: { username, displayName: `经理${username}`, passwordHash: hash },
    });
    await server.db.projectMember.create({ data: { projectId, userId: user.id, role: 'MANAGER' } });
    managers.push({ id: user.id, username, token: (await server.login(username)).token });
  }
}

/**
 * Everyone at once: three deciders approve, three others reject (never the requester), the
 * requester withdraws. Returns the answers with who pressed what.
 */
async function race<T>(
  requesterId: string,
  requesterToken: string,
  decide: (token: string, approve: boolean) => Promise<Answer<T>>,
  withdraw: (token: string) => Promise<Answer<T>>,
): Promise<{ step: Step; answer: Answer<T> }[]> {
  const deciders = managers.filter((m) => m.id !== requesterId).slice(0, 6);
  expect(deciders).toHaveLength(6);
  const steps: { step: Step; run: () => Promise<Answer<T>> }[] = [
    ...deciders.map((m, i) => ({
      step: { who: m.id, what: i % 2 === 0 ? 'approve' : 'reject' } as Step,
      run: () => decide(m.token, i % 2 === 0),
    })),
    { step: { who: requesterId, what: 'withdraw' }, run: () => withdraw(requesterToken) },
  ];
  const answers = await Promise.all(steps.map((s) => s.run()));
  return steps.map((s, i) => ({ step: s.step, answer: answers[i]! }));
}

/**
 * The race's verdict. Exactly one step left PENDING: one audit event of a decision or withdrawal
 * starts from PENDING, by one of the callers who pressed that step. Callers of the winning step
 * answer 200 with its status; every other caller answers 409 INVALID_TRANSITION ALREADY_DECIDED —
 * except that a change request may still be withdrawn once APPROVED (`withdrawAfterApproval`): then
 * the requester's withdrawal, pressed in the same instant, also goes through, after the approval.
 */
async function verdict<T extends { status: string }>(
  id: string,
  results: { step: Step; answer: Answer<T> }[],
  actions: Record<Step['what'], string>,
  statusOf: Record<Step['what'], string>,
  withdrawAfterApproval = false,
): Promise<Step['what']> {
  const events = await server.db.auditEvent.findMany({
    where: { entityId: id, action: { in: Object.values(actions) } },
    orderBy: { id: 'asc' },
  });
  const first = events.filter((e) => (e.before as { status?: string } | null)?.status === 'PENDING');
  expect(first).toHaveLength(1);
  const won = (Object.keys(actions) as Step['what'][]).find((w) => actions[w] === first[0]!.action)!;
  expect(results.filter((r) => r.step.what === won).map((r) => r.step.who)).toContain(first[0]!.actorId);
  const chained = withdrawAfterApproval && won === 'approve' && events.length === 2;
  if (!chained) expect(events).toHaveLength(1);
  else expect(events.map((e) => e.action)).toEqual([actions.approve, actions.withdraw]);
  for (const { step, answer } of results) {
    if (step.what === won || (chained && step.what === 'withdraw')) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      // The approval's answer reads the request after its commit: the withdrawal chained on it may
      // already show there.
      if (chained && step.what === 'approve')
        expect([statusOf.approve, statusOf.withdraw]).toContain(answer.body.status);
      else expect(answer.body.status).toBe(statusOf[step.what]);
    } else {
      expect(answer.status, JSON.stringify(answer.body)).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: { reason: 'ALREADY_DECIDED' } });
      expect(chained ? [statusOf.approve, statusOf.withdraw] : [statusOf[won]]).toContain(
        (answer.body.error!.details as { status: string }).status,
      );
    }
  }
  return chained ? 'withdraw' : won;
}

beforeAll(async () => {
  server = await startTestServer({ units: 40, consultants: 2 });
  call = caller(server);
  projectId = server.fixture.projectId;
  for (const username of ['admin', 'manager']) {
    const login = await server.login(username);
    managers.push({ id: login.user.id, username, token: login.token });
  }
  await createManagers(['m3', 'm4', 'm5', 'm6', 'm7']);
  const c = await server.login('s001');
  const socket = await server.connect({ token: c.token });
  const joined = await emitAck(socket, 'project:join', { projectId });
  expect(joined.ok).toBe(true);
  consultant = { id: c.user.id, token: c.token, socket };
  await server.db.customer.create({
    data: { projectId, name: STAFF.name, phone: STAFF.phone, identityTags: ['staff'] },
  });
});

afterAll(async () => {
  await server?.close();
});

/** Below the fixture's 95 % floor (see deals.test.ts): the staff buyer's identity discount included. */
const STAFF = { name: '李员工', phone: '13900002222' };
async function belowFloorBody(): Promise<Record<string, unknown>> {
  const terms = (await call<PricingTerms>('GET', `/api/projects/${projectId}/pricing`, managers[0]!.token)).body;
  const rule = (code: string) => terms.discounts.find((d) => d.code === code)!.id;
  const plan = terms.plans.find((p) => p.code === 'LUMP')!.id;
  return {
    buyer: STAFF,
    note: '特批',
    planId: plan,
    discountIds: [rule('OPEN99'), rule('STAFF97'), rule('PROMO10K'), rule('LUMP98')],
  };
}

/** Lock the next unit from `socket` and ask for a below-floor price on it. */
async function askPriceApproval(
  socket: HubClient,
  token: string,
): Promise<{ id: string; unitId: string; lockToken: string }> {
  const unitId = server.fixture.unitIds[nextUnit++]!;
  const lock = await emitAck<LockResult>(socket, 'unit:lock', { unitId });
  if (!lock.ok) throw new Error(`lock: ${lock.error.code}`);
  const asked = await call<PriceApprovalInfo>('POST', `/api/units/${unitId}/price-approvals`, token, {
    token: lock.data.token,
    ...(await belowFloorBody()),
  });
  expect(asked.status).toBe(201);
  return { id: asked.body.id, unitId, lockToken: lock.data.token };
}

describe('many clients decide one request at once: exactly one step wins', () => {
  it('below-floor price approvals 底价审批', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { id, unitId, lockToken } = await askPriceApproval(consultant.socket, consultant.token);
      const results = await race<PriceApprovalInfo>(
        consultant.id,
        consultant.token,
        (token, approve) => call('POST', `/api/price-approvals/${id}/decision`, token, { approve }),
        (token) => call('POST', `/api/price-approvals/${id}/withdraw`, token, {}),
      );
      const won = await verdict(
        id,
        results,
        { approve: 'price_approval.approve', reject: 'price_approval.reject', withdraw: 'price_approval.cancel' },
        { approve: 'APPROVED', reject: 'REJECTED', withdraw: 'CANCELLED' },
      );
      const row = await server.db.priceApproval.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe({ approve: 'APPROVED', reject: 'REJECTED', withdraw: 'CANCELLED' }[won]);
      // Approved: the consultant's lock is held at least two more minutes to confirm with it.
      const held = await server.kaipan.services.mirror.getLock(projectId, unitId);
      expect(held?.t).toBe(lockToken);
      if (won === 'approve') expect(held!.e).toBeGreaterThan(Date.now() + 100_000);
      expect(row.decidedById === null).toBe(won === 'withdraw');
      await call('POST', `/api/units/${unitId}/release`, consultant.token, { token: lockToken });
    }
  });

  it('change requests 退房: decided or withdrawn once; then execute × 6 against withdraw: executed once or withdrawn', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const unitId = server.fixture.unitIds[nextUnit++]!;
      const subscriptionId = await subscribe(consultant.socket, unitId, {
        name: `退房${round}`,
        phone: `1370000${String(round).padStart(4, '0')}`,
      });
      const asked = await call<ChangeRequestInfo>('POST', '/api/change-requests', consultant.token, {
        kind: 'CANCEL',
        subscriptionId,
        reason: '客户退房',
      });
      expect(asked.status).toBe(201);
      const id = asked.body.id;
      const results = await race<ChangeRequestInfo>(
        consultant.id,
        consultant.token,
        (token, approve) => call('POST', `/api/change-requests/${id}/decision`, token, { approve }),
        (token) => call('POST', `/api/change-requests/${id}/withdraw`, token, {}),
      );
      const won = await verdict(
        id,
        results,
        { approve: 'change.approve', reject: 'change.reject', withdraw: 'change.withdraw' },
        { approve: 'APPROVED', reject: 'REJECTED', withdraw: 'WITHDRAWN' },
        true,
      );
      const row = await server.db.changeRequest.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe({ approve: 'APPROVED', reject: 'REJECTED', withdraw: 'WITHDRAWN' }[won]);
      // Nothing is executed by a decision: the deal and the unit are as they were.
      expect((await server.db.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).status).toBe('ACTIVE');
      expect((await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).status).toBe('SUBSCRIBED');
      if (won !== 'approve') continue;

      // Approved: six managers execute while the requester withdraws.
      const steps = [
        ...managers.slice(0, 6).map((m) => ({
          what: 'execute',
          who: m.id,
          run: () => call<ChangeRequestInfo>('POST', `/api/change-requests/${id}/execute`, m.token, {}),
        })),
        {
          what: 'withdraw',
          who: consultant.id,
          run: () => call<ChangeRequestInfo>('POST', `/api/change-requests/${id}/withdraw`, consultant.token, {}),
        },
      ];
      const answers = await Promise.all(steps.map((s) => s.run()));
      const after = await server.db.changeRequest.findUniqueOrThrow({ where: { id } });
      expect(['EXECUTED', 'WITHDRAWN']).toContain(after.status);
      const winner = after.status === 'EXECUTED' ? 'execute' : 'withdraw';
      steps.forEach((s, i) => {
        const a = answers[i]!;
        if (s.what === winner) expect(a.body.status).toBe(after.status);
        else expect(a.body.error).toMatchObject({ code: 'INVALID_TRANSITION' });
      });
      expect(
        await server.db.auditEvent.count({
          where: { entityId: id, action: { in: ['change.execute', 'change.withdraw'] } },
        }),
      ).toBe(1);
      const sub = await server.db.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
      const unit = await server.db.unit.findUniqueOrThrow({ where: { id: unitId } });
      expect([sub.status, unit.status]).toEqual(
        winner === 'execute' ? ['CANCELLED', 'AVAILABLE'] : ['ACTIVE', 'SUBSCRIBED'],
      );
    }
  });

  it('receipt voids 作废', async () => {
    const [cashier] = await createCashiers(server, ['racer']);
    await createBook(server, managers[1]!.token, cashier!.id, 'RC-', 1, 999);
    const registration = await createRegistration(server, managers[1]!.token, '作废竞争');
    for (let round = 0; round < ROUNDS; round += 1) {
      const payment = await pay(server, cashier!.token, {
        kind: 'SINCERITY',
        registrationId: registration.id,
        lines: cash(500_00),
      });
      const asked = await call<VoidRequestInfo>(
        'POST',
        `/api/receipts/${payment.receipt!.id}/void-requests`,
        cashier!.token,
        { reason: '录错' },
      );
      expect(asked.status).toBe(201);
      const id = asked.body.id;
      const results = await race<VoidRequestInfo>(
        cashier!.id,
        cashier!.token,
        (token, approve) => call('POST', `/api/void-requests/${id}/decision`, token, { approve }),
        (token) => call('POST', `/api/void-requests/${id}/withdraw`, token, {}),
      );
      const won = await verdict(
        id,
        results,
        { approve: 'receipt.void_approve', reject: 'receipt.void_reject', withdraw: 'receipt.void_withdraw' },
        { approve: 'APPROVED', reject: 'REJECTED', withdraw: 'WITHDRAWN' },
      );
      const row = await server.db.voidRequest.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe({ approve: 'APPROVED', reject: 'REJECTED', withdraw: 'WITHDRAWN' }[won]);
      const receipt = await server.db.receipt.findUniqueOrThrow({
        where: { id: payment.receipt!.id },
        include: { payment: true },
      });
      expect([receipt.status, receipt.payment.status]).toEqual(
        won === 'approve' ? ['VOIDED', 'VOIDED'] : ['ISSUED', 'RECORDED'],
      );
      expect(
        await server.db.auditEvent.count({ where: { entityId: payment.receipt!.id, action: 'receipt.void' } }),
      ).toBe(won === 'approve' ? 1 : 0);
    }
  });

  it('price-list versions 价目表', async () => {
    const requester = managers[2]!;
    for (let round = 0; round < ROUNDS; round += 1) {
      const active = await server.db.project.findUniqueOrThrow({
        where: { id: projectId },
        select: { priceVersion: true },
      });
      const unitsBefore = await server.db.unit.findMany({
        where: { projectId },
        select: { id: true, listPrice: true },
        orderBy: { id: 'asc' },
      });
      const asked = await call<PriceListInfo>('POST', `/api/projects/${projectId}/price-lists`, requester.token, {
        scope: { floorFrom: 1, floorTo: 2 },
        change: { kind: 'AMOUNT', fen: 1_000_00 * (round + 1) },
        applyToFloor: false,
        rounding: { unit: 'YUAN', mode: 'HALF_UP' },
        note: `竞争${round}`,
      });
      expect(asked.status).toBe(201);
      const id = asked.body.id;
      const results = await race<PriceListInfo>(
        requester.id,
        requester.token,
        (token, approve) => call('POST', `/api/price-lists/${id}/decision`, token, { approve }),
        (token) => call('POST', `/api/price-lists/${id}/withdraw`, token, {}),
      );
      const won = await verdict(
        id,
        results,
        { approve: 'price_list.activate', reject: 'price_list.reject', withdraw: 'price_list.withdraw' },
        { approve: 'ACTIVE', reject: 'REJECTED', withdraw: 'WITHDRAWN' },
      );
      const row = await server.db.priceList.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe({ approve: 'ACTIVE', reject: 'REJECTED', withdraw: 'WITHDRAWN' }[won]);
      const now = await server.db.project.findUniqueOrThrow({
        where: { id: projectId },
        select: { priceVersion: true },
      });
      const unitsAfter = await server.db.unit.findMany({
        where: { projectId },
        select: { id: true, listPrice: true },
        orderBy: { id: 'asc' },
      });
      const lists = await server.db.priceList.findMany({ where: { projectId, status: 'ACTIVE' } });
      expect(lists).toHaveLength(1);
      if (won === 'approve') {
        expect(now.priceVersion).toBe(row.version);
        expect(unitsAfter).not.toEqual(unitsBefore);
      } else {
        expect(now.priceVersion).toBe(active.priceVersion);
        expect(unitsAfter).toEqual(unitsBefore);
      }
    }
  });
});

describe('the same answers everywhere', () => {
  /** A kind's request asked by a manager (so four-eyes can be tried), its routes and its withdrawn state. */
  interface Asked {
    id: string;
    base: string;
    withdrawn: string;
    withdrawAction: string;
    /** A staff member of the project who is not a manager. */
    nonManager: string;
  }
  const asker = () => managers[3]!;

  const kinds: [string, () => Promise<Asked>][] = [
    [
      'price approvals',
      async () => {
        const socket = await server.connect({ token: asker().token });
        expect((await emitAck(socket, 'project:join', { projectId })).ok).toBe(true);
        const { id } = await askPriceApproval(socket, asker().token);
        return {
          id,
          base: '/api/price-approvals',
          withdrawn: 'CANCELLED',
          withdrawAction: 'price_approval.cancel',
          nonManager: consultant.token,
        };
      },
    ],
    [
      'change requests',
      async () => {
        const subscriptionId = await subscribe(consultant.socket, server.fixture.unitIds[nextUnit++]!, {
          name: '规则',
          phone: '13700009999',
        });
        const asked = await call<ChangeRequestInfo>('POST', '/api/change-requests', asker().token, {
          kind: 'CANCEL',
          subscriptionId,
          reason: '经理代客户申请',
        });
        expect(asked.status).toBe(201);
        return {
          id: asked.body.id,
          base: '/api/change-requests',
          withdrawn: 'WITHDRAWN',
          withdrawAction: 'change.withdraw',
          nonManager: consultant.token,
        };
      },
    ],
    [
      'receipt voids',
      async () => {
        const [cashier] = await createCashiers(server, ['rules']);
        await createBook(server, managers[1]!.token, cashier!.id, 'RU-', 1, 99);
        const registration = await createRegistration(server, managers[1]!.token, '规则');
        const payment = await pay(server, cashier!.token, {
          kind: 'SINCERITY',
          registrationId: registration.id,
          lines: cash(100_00),
        });
        const asked = await call<VoidRequestInfo>(
          'POST',
          `/api/receipts/${payment.receipt!.id}/void-requests`,
          asker().token,
          { reason: '经理申请' },
        );
        expect(asked.status).toBe(201);
        return {
          id: asked.body.id,
          base: '/api/void-requests',
          withdrawn: 'WITHDRAWN',
          withdrawAction: 'receipt.void_withdraw',
          nonManager: cashier!.token,
        };
      },
    ],
    [
      'price-list versions',
      async () => {
        const asked = await call<PriceListInfo>('POST', `/api/projects/${projectId}/price-lists`, asker().token, {
          scope: { floorFrom: 3, floorTo: 3 },
          change: { kind: 'AMOUNT', fen: 100_00 },
          applyToFloor: false,
          rounding: { unit: 'YUAN', mode: 'HALF_UP' },
          note: '规则',
        });
        expect(asked.status).toBe(201);
        return {
          id: asked.body.id,
          base: '/api/price-lists',
          withdrawn: 'WITHDRAWN',
          withdrawAction: 'price_list.withdraw',
          nonManager: consultant.token,
        };
      },
    ],
  ];

  it.each(kinds)(
    '%s: four-eyes, wrong role, someone else withdrawing → FORBIDDEN with the reason; decided → INVALID_TRANSITION; unknown → NOT_FOUND',
    async (_name, ask) => {
      const r = await ask();
      const other = managers[0]!;
      const own = await call('POST', `${r.base}/${r.id}/decision`, asker().token, { approve: true });
      expect(own).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN', details: { reason: 'FOUR_EYES' } } },
      });
      expect(own.body.error?.message).toMatch(/four-eyes/i);
      const role = await call('POST', `${r.base}/${r.id}/decision`, r.nonManager, { approve: false });
      expect(role).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN', details: { reason: 'MANAGER_REQUIRED' } } },
      });
      const notMine = await call('POST', `${r.base}/${r.id}/withdraw`, other.token, {});
      expect(notMine).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN', details: { reason: 'NOT_REQUESTER' } } },
      });
      // Withdrawn, then withdrawn again (a double press): the same state, one audit event.
      expect(await call<{ status: string }>('POST', `${r.base}/${r.id}/withdraw`, asker().token, {})).toMatchObject({
        status: 200,
        body: { status: r.withdrawn },
      });
      expect(await call<{ status: string }>('POST', `${r.base}/${r.id}/withdraw`, asker().token, {})).toMatchObject({
        status: 200,
        body: { status: r.withdrawn },
      });
      expect(await server.db.auditEvent.count({ where: { entityId: r.id, action: r.withdrawAction } })).toBe(1);
      for (const approve of [true, false]) {
        const late = await call('POST', `${r.base}/${r.id}/decision`, other.token, { approve });
        expect(late).toMatchObject({
          status: 409,
          body: { error: { code: 'INVALID_TRANSITION', details: { reason: 'ALREADY_DECIDED', status: r.withdrawn } } },
        });
      }
      const missing = '00000000-0000-4000-8000-000000000000';
      expect(
        (await call('POST', `${r.base}/${missing}/decision`, other.token, { approve: true })).body.error?.code,
      ).toBe('NOT_FOUND');
      expect((await call('POST', `${r.base}/${missing}/withdraw`, other.token, {})).body.error?.code).toBe('NOT_FOUND');
    },
  );
});
