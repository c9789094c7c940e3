/**
 * Deals at confirm (issue 5), against a real server, PostgreSQL and Redis: the server prices the
 * deal with the shared functions (client and server agree to the fen), stores the breakdown and the
 * schedule, and kaipan_confirm checks in one transaction that the price-list version is the active
 * one and that a below-floor price carries a manager's approval. Below-floor approvals end to end:
 * request → the lock is held → managers hear it live → four-eyes decision → confirm consumes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  discountRuleOf,
  quoteDeal,
  type Ack,
  type ConfirmResult,
  type DealQuoteInfo,
  type LockResult,
  type PriceApprovalInfo,
  type PriceBreakdown,
  type PricingTerms,
  type ProjectSnapshot,
  type ScheduleItem,
  type UnitChange,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { waitFor } from './support/wait.js';
import { TEST_BOARD_KEY } from './support/fixture.js';

let server: TestServer;
let consultant: HubClient;
let consultantToken: string;
let consultantId: string;
let managerToken: string;
let managerSocket: HubClient;
let board: HubClient;
let terms: PricingTerms;
const managerHeard: PriceApprovalInfo[] = [];
const consultantHeard: PriceApprovalInfo[] = [];
const boardSeen: UnitChange[] = [];
let nextUnit = 0;

const STAFF_PHONE = '13900001111';
const buyer = { name: '王建国', phone: '13800000001' };
const staffBuyer = { name: '李员工', phone: STAFF_PHONE };

const rule = (code: string): string => {
  const found = terms.discounts.find((d) => d.code === code);
  if (!found) throw new Error(`no discount ${code}`);
  return found.id;
};
const plan = (code: string): string => {
  const found = terms.plans.find((p) => p.code === code);
  if (!found) throw new Error(`no plan ${code}`);
  return found.id;
};

const call = <T = unknown>(method: string, path: string, token: string, body?: unknown) =>
  http<T>(server.url, method, path, token, body);

async function lockNext(socket = consultant): Promise<{ unitId: string; token: string }> {
  const unitId = server.fixture.unitIds[nextUnit++]!;
  const ack = await emitAck<LockResult>(socket, 'unit:lock', { unitId });
  if (!ack.ok) throw new Error(`lock failed: ${ack.error.code}`);
  return { unitId, token: ack.data.token };
}

async function unitPrices(unitId: string) {
  const u = await server.db.unit.findUniqueOrThrow({
    where: { id: unitId },
    select: { listPrice: true, floorPrice: true, status: true },
  });
  return { list: Number(u.listPrice), floor: Number(u.floorPrice), status: u.status };
}

const errorCode = (ack: Ack<unknown>): string | null => (ack.ok ? null : ack.error.code);

beforeAll(async () => {
  server = await startTestServer({ units: 40, consultants: 3 });
  const [c, m] = await Promise.all([server.login('s001'), server.login('manager')]);
  consultantToken = c.token;
  consultantId = c.user.id;
  managerToken = m.token;
  consultant = await server.connect({ token: consultantToken });
  managerSocket = await server.connect({ token: managerToken });
  board = await server.connect({ deviceKey: TEST_BOARD_KEY });
  for (const s of [consultant, managerSocket, board]) {
    const joined = await emitAck<ProjectSnapshot>(s, 'project:join', { projectId: server.fixture.projectId });
    expect(joined.ok).toBe(true);
  }
  managerSocket.on('approval:changed', (e) => managerHeard.push(e));
  consultant.on('approval:changed', (e) => consultantHeard.push(e));
  board.on('units:changed', (frame) => boardSeen.push(...frame.changes));
  terms = await server.kaipan.services.pricing.terms(server.fixture.projectId);
  // A customer holding the staff identity (IDENTITY discounts check the customer's tags).
  await server.db.customer.create({
    data: { projectId: server.fixture.projectId, name: staffBuyer.name, phone: STAFF_PHONE, identityTags: ['staff'] },
  });
});

afterAll(async () => {
  for (const s of [consultant, managerSocket, board]) s?.disconnect();
  await server?.close();
});

describe('confirm prices the deal', () => {
  it('stores the plan, the breakdown (list → each discount → final) and the schedule — equal to the shared quoteDeal', async () => {
    const { unitId, token } = await lockNext();
    const discountIds = [rule('OPEN99'), rule('LUMP98')];
    const ack = await emitAck<ConfirmResult>(consultant, 'unit:confirm', {
      unitId,
      token,
      buyer,
      planId: plan('LUMP'),
      discountIds,
      priceVersion: 1,
    });
    expect(ack.ok).toBe(true);
    const sub = await server.db.subscription.findFirstOrThrow({ where: { unitId, status: 'ACTIVE' } });
    const prices = await unitPrices(unitId);
    const lump = terms.plans.find((p) => p.code === 'LUMP')!;
    const expected = quoteDeal({
      listPrice: prices.list,
      floorPrice: prices.floor,
      discounts: terms.discounts.map(discountRuleOf),
      selected: discountIds,
      identityTags: [],
      policy: terms.policy,
      plan: lump.terms,
      signedAt: sub.createdAt.toISOString(),
      timeZone: terms.timezone,
    });
    expect(expected.ok).toBe(true);
    if (!expected.ok) return;
    const breakdown = sub.breakdown as unknown as PriceBreakdown;
    expect(breakdown.steps.map((s) => s.code)).toEqual(['OPEN99', 'LUMP98']);
    expect(breakdown.finalPrice).toBe(expected.breakdown.finalPrice);
    expect(Number(sub.price)).toBe(expected.breakdown.finalPrice);
    // ¥2,000,000 × 99 % × 98 % = ¥1,940,400 (to the yuan).
    expect(Number(sub.price)).toBe(Math.round((prices.list * 0.99 * 0.98) / 100) * 100);
    expect(sub.planId).toBe(lump.id);
    expect(sub.priceVersion).toBe(1);
    expect(Number(sub.listPrice)).toBe(prices.list);
    expect(Number(sub.floorPrice)).toBe(prices.floor);
    const schedule = sub.schedule as unknown as ScheduleItem[];
    expect(schedule.map((i) => i.kind)).toEqual(['DEPOSIT', 'BALANCE']);
    expect(schedule.reduce((sum, i) => sum + i.amount, 0)).toBe(Number(sub.price));
    const audit = await server.db.auditEvent.findFirstOrThrow({ where: { entityId: unitId, action: 'unit.confirm' } });
    expect(audit.after).toMatchObject({ price: Number(sub.price), priceVersion: 1, planId: lump.id });
  });

  it('without plan or discounts: the project’s default plan (first by sort order) and the list price', async () => {
    const { unitId, token } = await lockNext();
    const ack = await emitAck<ConfirmResult>(consultant, 'unit:confirm', { unitId, token, buyer });
    expect(ack.ok).toBe(true);
    const sub = await server.db.subscription.findFirstOrThrow({ where: { unitId, status: 'ACTIVE' } });
    expect(sub.planId).toBe(plan('LUMP'));
    expect(Number(sub.price)).toBe((await unitPrices(unitId)).list);
  });

  it('a discount that does not apply is refused with its reason, nothing is written, and the lock is kept for a retry', async () => {
    const { unitId, token } = await lockNext();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ planId: plan('LUMP'), discountIds: [rule('MORT99')] }, 'DISCOUNT_NOT_APPLICABLE', 'PAYMENT_METHOD_MISMATCH'],
      [{ discountIds: [rule('STAFF97')] }, 'DISCOUNT_NOT_APPLICABLE', 'IDENTITY_NOT_HELD'],
      [{ discountIds: ['00000000-0000-4000-8000-000000000000'] }, 'DISCOUNT_NOT_APPLICABLE', 'UNKNOWN_DISCOUNT'],
      [{ discountIds: [rule('OPEN99'), rule('OPEN99')] }, 'DISCOUNT_NOT_APPLICABLE', 'DUPLICATE_SELECTION'],
      [{ planId: '00000000-0000-4000-8000-000000000000' }, 'PLAN_NOT_APPLICABLE', 'UNKNOWN_PLAN'],
    ];
    for (const [terms, code, reason] of cases) {
      const ack = await emitAck(consultant, 'unit:confirm', { unitId, token, buyer, ...terms });
      expect(
        ack.ok ? null : { code: ack.error.code, reason: (ack.error.details as { reason?: string }).reason },
      ).toEqual({ code, reason });
    }
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
    expect((await unitPrices(unitId)).status).toBe('AVAILABLE');
    const retry = await emitAck(consultant, 'unit:confirm', { unitId, token, buyer, discountIds: [rule('OPEN99')] });
    expect(retry.ok).toBe(true);
  });

  it('identity discounts follow the customer’s tags', async () => {
    const { unitId, token } = await lockNext();
    const ack = await emitAck(consultant, 'unit:confirm', {
      unitId,
      token,
      buyer: staffBuyer,
      discountIds: [rule('STAFF97')],
    });
    expect(ack.ok).toBe(true);
    const sub = await server.db.subscription.findFirstOrThrow({ where: { unitId, status: 'ACTIVE' } });
    expect(Number(sub.price)).toBe(Math.round(((await unitPrices(unitId)).list * 0.97) / 100) * 100);
  });

  it('a quote from another price-list version is refused: PRICE_VERSION_STALE, nothing written', async () => {
    const { unitId, token } = await lockNext();
    const ack = await emitAck(consultant, 'unit:confirm', { unitId, token, buyer, priceVersion: 2 });
    expect(errorCode(ack)).toBe('PRICE_VERSION_STALE');
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
    const ok = await emitAck(consultant, 'unit:confirm', { unitId, token, buyer, priceVersion: 1 });
    expect(ok.ok).toBe(true);
  });

  it('kaipan_confirm itself refuses prices, a version or terms that are no longer current (the check inside the transaction)', async () => {
    const { unitId, token } = await lockNext();
    const prices = await unitPrices(unitId);
    const projectId = server.fixture.projectId;
    const run = (version: number, list: number) =>
      server.db.$queryRawUnsafe(
        `SELECT * FROM kaipan_confirm($1::uuid, $2::uuid, $3::bigint, $4::uuid, 'x', '1', 'u', null, null, false, $5::int, $6::bigint, $7::bigint, $6::bigint, null, '{}'::jsonb, null, null, $8::int)`,
        unitId,
        projectId,
        token,
        consultantId,
        version,
        list,
        prices.floor,
        termsVersion,
      );
    const { termsVersion: current } = await server.db.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { termsVersion: true },
    });
    let termsVersion = current;
    await expect(run(2, prices.list)).rejects.toThrow(/PRICE_VERSION_STALE/);
    await expect(run(1, prices.list + 100)).rejects.toThrow(/PRICE_VERSION_STALE/);
    termsVersion = current - 1;
    await expect(run(1, prices.list)).rejects.toThrow(/PRICE_VERSION_STALE/);
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
    expect((await unitPrices(unitId)).status).toBe('AVAILABLE');
    await emitAck(consultant, 'unit:release', { unitId, token });
  });
});

describe('the server quote and the shared functions agree (client preview = server)', () => {
  it('for random plans and discount selections, POST /quote equals quoteDeal on the same inputs', async () => {
    const unitId = server.fixture.unitIds[39]!;
    const prices = await unitPrices(unitId);
    const codes = ['OPEN99', 'PROMO10K', 'LUMP98', 'MORT99', 'STAFF97'];
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(codes),
        fc.constantFrom('LUMP', 'MORTGAGE30', 'INSTALL3'),
        fc.boolean(),
        async (picked, planCode, staff) => {
          const discountIds = picked.map(rule);
          const res = await call<DealQuoteInfo | { error: { code: string; details?: { reason?: string } } }>(
            'POST',
            `/api/units/${unitId}/quote`,
            managerToken,
            { planId: plan(planCode), discountIds, ...(staff ? { phone: STAFF_PHONE } : {}) },
          );
          const local = quoteDeal({
            listPrice: prices.list,
            floorPrice: prices.floor,
            discounts: terms.discounts.map(discountRuleOf),
            selected: discountIds,
            identityTags: staff ? ['staff'] : [],
            policy: terms.policy,
            plan: terms.plans.find((p) => p.code === planCode)!.terms,
            signedAt: new Date().toISOString(),
            timeZone: terms.timezone,
          });
          if (local.ok) {
            expect(res.status).toBe(200);
            const quote = res.body as DealQuoteInfo;
            expect(quote.breakdown.finalPrice).toBe(local.breakdown.finalPrice);
            expect(quote.breakdown.steps.map((s) => s.after)).toEqual(local.breakdown.steps.map((s) => s.after));
            expect(quote.schedule!.map((s) => s.amount)).toEqual(local.schedule.map((s) => s.amount));
            expect(quote.belowFloor).toBe(local.breakdown.belowFloor);
          } else {
            expect(res.status).toBe(422);
            expect((res.body as { error: { details?: { reason?: string } } }).error.details?.reason).toBe(local.code);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('consultants never see floor prices in quotes', async () => {
    const unitId = server.fixture.unitIds[39]!;
    const seller = await call<DealQuoteInfo>('POST', `/api/units/${unitId}/quote`, consultantToken, {
      discountIds: [],
    });
    const manager = await call<DealQuoteInfo>('POST', `/api/units/${unitId}/quote`, managerToken, { discountIds: [] });
    expect(seller.body.breakdown.floorPrice).toBe(0);
    expect(manager.body.breakdown.floorPrice).toBe((await unitPrices(unitId)).floor);
    expect(seller.body.breakdown.finalPrice).toBe(manager.body.breakdown.finalPrice);
  });
});

describe('below-floor approvals 底价审批', () => {
  // OPEN99 × STAFF97 × PROMO10K × LUMP98 ≈ 94.1 % − ¥10,000: below the fixture's 95 % floor, within the 10 % cap.
  const deep = () => ({
    planId: plan('LUMP'),
    discountIds: [rule('OPEN99'), rule('STAFF97'), rule('PROMO10K'), rule('LUMP98')],
  });

  it('confirm without an approval → APPROVAL_REQUIRED; request → lock held, managers notified; four-eyes approve → confirm consumes it once', async () => {
    const { unitId, token } = await lockNext();
    const refused = await emitAck(consultant, 'unit:confirm', { unitId, token, buyer: staffBuyer, ...deep() });
    expect(errorCode(refused)).toBe('APPROVAL_REQUIRED');
    expect((await unitPrices(unitId)).status).toBe('AVAILABLE');

    const before = await server.kaipan.services.mirror.getLock(server.fixture.projectId, unitId);
    const asked = await call<PriceApprovalInfo>('POST', `/api/units/${unitId}/price-approvals`, consultantToken, {
      token,
      buyer: staffBuyer,
      note: '老客户带新客户，请求特批',
      ...deep(),
    });
    expect(asked.status).toBe(201);
    expect(asked.body.status).toBe('PENDING');
    expect(asked.body.floorPrice).toBe(0); // redacted for the consultant
    const again = await call<PriceApprovalInfo>('POST', `/api/units/${unitId}/price-approvals`, consultantToken, {
      token,
      buyer: staffBuyer,
      note: '老客户带新客户，请求特批',
      ...deep(),
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(asked.body.id);

    // The lock is held for the approval (120 s lock → 600 s hold), and every screen hears the new expiry.
    const held = await server.kaipan.services.mirror.getLock(server.fixture.projectId, unitId);
    expect(held!.e).toBeGreaterThan(before!.e + 400_000);
    await waitFor(
      () =>
        boardSeen.find(
          (c) => c.unitId === unitId && c.status === 'LOCKED' && Date.parse(c.lock!.expiresAt) === held!.e,
        ),
      'board hold',
    );

    const heard = await waitFor(
      () => managerHeard.find((e) => e.id === asked.body.id && e.status === 'PENDING'),
      'manager notification',
    );
    expect(heard.floorPrice).toBe((await unitPrices(unitId)).floor);
    expect(heard.finalPrice).toBeLessThan(heard.floorPrice);

    // Four-eyes: a consultant cannot decide, nor the requester.
    const byConsultant = await call('POST', `/api/price-approvals/${asked.body.id}/decision`, consultantToken, {
      approve: true,
    });
    expect(byConsultant.status).toBe(403);
    const approved = await call<PriceApprovalInfo>(
      'POST',
      `/api/price-approvals/${asked.body.id}/decision`,
      managerToken,
      { approve: true, note: '同意' },
    );
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('APPROVED');
    const twice = await call<PriceApprovalInfo>(
      'POST',
      `/api/price-approvals/${asked.body.id}/decision`,
      managerToken,
      { approve: true },
    );
    expect(twice.body.status).toBe('APPROVED');
    const flip = await call<{ error: { code: string } }>(
      'POST',
      `/api/price-approvals/${asked.body.id}/decision`,
      managerToken,
      { approve: false },
    );
    expect(flip.body.error.code).toBe('INVALID_TRANSITION');
    await waitFor(
      () => consultantHeard.find((e) => e.id === asked.body.id && e.status === 'APPROVED'),
      'consultant notification',
    );

    // The approval covers exactly this price: other discounts → refused.
    const other = await emitAck(consultant, 'unit:confirm', {
      unitId,
      token,
      buyer: staffBuyer,
      approvalId: asked.body.id,
      planId: plan('LUMP'),
      discountIds: [rule('OPEN99'), rule('STAFF97'), rule('LUMP98')],
    });
    expect(errorCode(other)).toBe('APPROVAL_REQUIRED');
    const ok = await emitAck<ConfirmResult>(consultant, 'unit:confirm', {
      unitId,
      token,
      buyer: staffBuyer,
      approvalId: asked.body.id,
      ...deep(),
    });
    expect(ok.ok).toBe(true);
    const sub = await server.db.subscription.findFirstOrThrow({ where: { unitId, status: 'ACTIVE' } });
    expect(sub.approvalId).toBe(asked.body.id);
    expect(Number(sub.price)).toBe(approved.body.finalPrice);
    expect((await server.db.priceApproval.findUniqueOrThrow({ where: { id: asked.body.id } })).status).toBe('USED');
    const actions = (
      await server.db.auditEvent.findMany({ where: { entityId: asked.body.id }, orderBy: { id: 'asc' } })
    ).map((a) => a.action);
    expect(actions).toEqual(['price_approval.request', 'price_approval.approve']);
  });

  it('a rejected request cannot be used; a price above the floor needs no request', async () => {
    const { unitId, token } = await lockNext();
    const notBelow = await call<{ error: { code: string } }>(
      'POST',
      `/api/units/${unitId}/price-approvals`,
      consultantToken,
      {
        token,
        buyer,
        note: 'x',
        discountIds: [rule('OPEN99')],
      },
    );
    expect(notBelow.body.error.code).toBe('CONFLICT');
    const asked = await call<PriceApprovalInfo>('POST', `/api/units/${unitId}/price-approvals`, consultantToken, {
      token,
      buyer: staffBuyer,
      note: '请批',
      ...deep(),
    });
    const rejected = await call<PriceApprovalInfo>(
      'POST',
      `/api/price-approvals/${asked.body.id}/decision`,
      managerToken,
      { approve: false, note: '低于公司底线' },
    );
    expect(rejected.body.status).toBe('REJECTED');
    const ack = await emitAck(consultant, 'unit:confirm', {
      unitId,
      token,
      buyer: staffBuyer,
      approvalId: asked.body.id,
      ...deep(),
    });
    expect(errorCode(ack)).toBe('APPROVAL_REQUIRED');
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
    await emitAck(consultant, 'unit:release', { unitId, token });
  });

  it('a request whose lock ended is closed, not approved; requests need the caller’s own lock', async () => {
    const { unitId, token } = await lockNext();
    const other = await server.connect({ token: (await server.login('s002')).token });
    const notMine = await call<{ error: { code: string } }>(
      'POST',
      `/api/units/${unitId}/price-approvals`,
      (await server.login('s002')).token,
      {
        token,
        buyer: staffBuyer,
        note: 'x',
        ...deep(),
      },
    );
    expect(notMine.body.error.code).toBe('LOCK_EXPIRED');
    other.disconnect();
    const asked = await call<PriceApprovalInfo>('POST', `/api/units/${unitId}/price-approvals`, consultantToken, {
      token,
      buyer: staffBuyer,
      note: '请批',
      ...deep(),
    });
    expect(asked.status).toBe(201);
    expect((await emitAck(consultant, 'unit:release', { unitId, token })).ok).toBe(true);
    const late = await call<{ error: { code: string } }>(
      'POST',
      `/api/price-approvals/${asked.body.id}/decision`,
      managerToken,
      { approve: true },
    );
    expect(late.body.error.code).toBe('INVALID_TRANSITION');
    expect((await server.db.priceApproval.findUniqueOrThrow({ where: { id: asked.body.id } })).status).toBe(
      'CANCELLED',
    );
    const list = await call<PriceApprovalInfo[]>(
      'GET',
      `/api/projects/${server.fixture.projectId}/price-approvals`,
      managerToken,
    );
    expect(list.body.find((a) => a.id === asked.body.id)?.status).toBe('CANCELLED');
  });

  it('the consultant withdraws a pending request; bad input changes nothing', async () => {
    const { unitId, token } = await lockNext();
    const bad = await call<{ error: { code: string } }>(
      'POST',
      `/api/units/${unitId}/price-approvals`,
      consultantToken,
      { token, note: '' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(await server.db.priceApproval.count({ where: { unitId } })).toBe(0);
    const asked = await call<PriceApprovalInfo>('POST', `/api/units/${unitId}/price-approvals`, consultantToken, {
      token,
      buyer: staffBuyer,
      note: '请批',
      ...deep(),
    });
    const byManager = await call('POST', `/api/price-approvals/${asked.body.id}/withdraw`, managerToken, {});
    expect(byManager.status).toBe(403);
    const withdrawn = await call<PriceApprovalInfo>(
      'POST',
      `/api/price-approvals/${asked.body.id}/withdraw`,
      consultantToken,
      {},
    );
    expect(withdrawn.body.status).toBe('CANCELLED');
    await emitAck(consultant, 'unit:release', { unitId, token });
  });
});

/**
 * Confirms are priced from an in-memory snapshot of the project's terms and prices (no read per
 * confirm). A change made through this server applies to the very next confirm; a change the server
 * did not see (another process, an operator's SQL) is caught by kaipan_confirm (terms_version, price
 * version, unit prices), and the confirm is priced again from the current terms — never at old ones.
 */
describe('pricing terms snapshot', () => {
  const snapRule = {
    code: 'SNAP95',
    kind: 'STANDARD',
    name: '快照测试 95折',
    nameEn: 'Snapshot 5% off',
    rateBp: 9500,
  } as const;
  let ruleId: string;
  const termsVersion = async () =>
    (
      await server.db.project.findUniqueOrThrow({
        where: { id: server.fixture.projectId },
        select: { termsVersion: true },
      })
    ).termsVersion;
  const yuanRound = (fen: number) => Math.round(fen / 100) * 100;
  const storedPrice = async (unitId: string) => {
    const sub = await server.db.subscription.findFirstOrThrow({ where: { unitId, status: 'ACTIVE' } });
    return { price: Number(sub.price), listPrice: Number(sub.listPrice) };
  };

  it('a rule created, changed or withdrawn through the API applies to the very next confirm', async () => {
    const created = await call<{ id: string }>(
      'POST',
      `/api/projects/${server.fixture.projectId}/discounts`,
      managerToken,
      snapRule,
    );
    expect(created.status).toBe(201);
    ruleId = created.body.id;
    const first = await lockNext();
    expect((await emitAck(consultant, 'unit:confirm', { ...first, buyer, discountIds: [ruleId] })).ok).toBe(true);
    expect((await storedPrice(first.unitId)).price).toBe(yuanRound((await unitPrices(first.unitId)).list * 0.95));

    const changed = await call('PUT', `/api/discounts/${ruleId}`, managerToken, { ...snapRule, rateBp: 9600 });
    expect(changed.status).toBe(200);
    const second = await lockNext();
    expect((await emitAck(consultant, 'unit:confirm', { ...second, buyer, discountIds: [ruleId] })).ok).toBe(true);
    expect((await storedPrice(second.unitId)).price).toBe(yuanRound((await unitPrices(second.unitId)).list * 0.96));

    expect(
      (await call('PUT', `/api/discounts/${ruleId}`, managerToken, { ...snapRule, rateBp: 9600, active: false }))
        .status,
    ).toBe(200);
    const third = await lockNext();
    const refused = await emitAck(consultant, 'unit:confirm', { ...third, buyer, discountIds: [ruleId] });
    expect(refused.ok ? null : [refused.error.code, (refused.error.details as { reason?: string }).reason]).toEqual([
      'DISCOUNT_NOT_APPLICABLE',
      'UNKNOWN_DISCOUNT',
    ]);
    expect(await server.db.subscription.count({ where: { unitId: third.unitId } })).toBe(0);
    expect(
      (await call('PUT', `/api/discounts/${ruleId}`, managerToken, { ...snapRule, rateBp: 9600, active: true })).status,
    ).toBe(200);
    expect((await emitAck(consultant, 'unit:confirm', { ...third, buyer, discountIds: [ruleId] })).ok).toBe(true);
  });

  it('terms changed behind the server’s back: kaipan_confirm refuses the stale quote and the confirm is priced again from the current terms', async () => {
    const warm = await lockNext();
    expect((await emitAck(consultant, 'unit:confirm', { ...warm, buyer, discountIds: [ruleId] })).ok).toBe(true);
    const before = await termsVersion();
    // As another server process (or an operator) would: straight in PostgreSQL.
    await server.db.$executeRaw`UPDATE discount_rules SET rate_bp = 9700 WHERE id = ${ruleId}::uuid`;
    expect(await termsVersion()).toBe(before + 1);
    const { unitId, token } = await lockNext();
    const ack = await emitAck(consultant, 'unit:confirm', { unitId, token, buyer, discountIds: [ruleId] });
    expect(ack.ok ? 'ok' : ack.error).toBe('ok');
    expect((await storedPrice(unitId)).price).toBe(yuanRound((await unitPrices(unitId)).list * 0.97));
  });

  it('a unit’s prices changed behind the server’s back: the deal is priced at the current prices', async () => {
    const { unitId, token } = await lockNext();
    const old = await unitPrices(unitId);
    await server.db.$executeRaw`UPDATE units SET list_price = list_price + 1000000 WHERE id = ${unitId}::uuid`;
    expect((await emitAck(consultant, 'unit:confirm', { unitId, token, buyer })).ok).toBe(true);
    expect((await storedPrice(unitId)).listPrice).toBe(old.list + 1_000_000);
  });

  it('terms_version moves with every rule, plan, policy or time-zone change, and with nothing else', async () => {
    const projectId = server.fixture.projectId;
    const steps: [string, () => Promise<unknown>, number][] = [
      [
        'pause the sale',
        () => server.db.project.update({ where: { id: projectId }, data: { salesPaused: false, lockTtlSeconds: 300 } }),
        0,
      ],
      ['rule updated', () => server.db.$executeRaw`UPDATE discount_rules SET name = 'x' WHERE id = ${ruleId}::uuid`, 1],
      [
        'plan updated',
        () =>
          server.db
            .$executeRaw`UPDATE payment_plans SET sort_order = sort_order WHERE project_id = ${projectId}::uuid AND code = 'LUMP'`,
        1,
      ],
      [
        'policy unchanged',
        () => server.db.$executeRaw`UPDATE projects SET pricing_policy = pricing_policy WHERE id = ${projectId}::uuid`,
        0,
      ],
      [
        'policy changed',
        () =>
          server.db
            .$executeRaw`UPDATE projects SET pricing_policy = jsonb_set(pricing_policy, '{maxTotalDiscountBp}', '1200') WHERE id = ${projectId}::uuid`,
        1,
      ],
      [
        'zone changed',
        () => server.db.$executeRaw`UPDATE projects SET timezone = 'Asia/Shanghai ' WHERE id = ${projectId}::uuid`,
        1,
      ],
      [
        'zone back',
        () => server.db.$executeRaw`UPDATE projects SET timezone = 'Asia/Shanghai' WHERE id = ${projectId}::uuid`,
        1,
      ],
      ['rule deleted', () => server.db.$executeRaw`DELETE FROM discount_rules WHERE id = ${ruleId}::uuid`, 1],
    ];
    for (const [what, run, bump] of steps) {
      const before = await termsVersion();
      await run();
      expect({ what, bump: (await termsVersion()) - before }).toEqual({ what, bump });
    }
  });
});
