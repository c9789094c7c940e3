/**
 * Price book 价目表 and pricing-terms administration (docs/price-book.md), against a real server,
 * PostgreSQL and Redis: terms visibility, rule and plan validation, repricing requests, the
 * four-eyes decision, activation (units, catalog, socket event), staleness, history, audit, and
 * activation raced against many real confirms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  repriceAmount,
  repricePreview,
  type ConfirmResult,
  type LockResult,
  type PriceListChange,
  type PriceListInfo,
  type PricesChangedEvent,
  type PricingTerms,
  type ProjectCatalog,
  type ProjectSnapshot,
  type RepriceBody,
  type RepriceRow,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { waitFor } from './support/wait.js';

let server: TestServer;
let manager: string;
let admin: string;
let consultant: string;
let projectId: string;
let managerSocket: HubClient;
const priceEvents: PricesChangedEvent[] = [];

type ErrorBody = { error: { code: string; message: string; details?: unknown } };

function call<T = unknown>(method: string, path: string, token: string, body?: unknown) {
  return http<T>(server.url, method, path, token, body);
}

const YUAN_HALF_UP = { unit: 'YUAN', mode: 'HALF_UP' } as const;

async function unitPrices(): Promise<Map<string, { list: number; floor: number; code: string }>> {
  const rows = await server.db.unit.findMany({
    where: { projectId },
    select: { id: true, code: true, listPrice: true, floorPrice: true },
  });
  return new Map(rows.map((r) => [r.id, { code: r.code, list: Number(r.listPrice), floor: Number(r.floorPrice) }]));
}

async function activeVersion(): Promise<number> {
  return (await server.db.project.findUniqueOrThrow({ where: { id: projectId }, select: { priceVersion: true } }))
    .priceVersion;
}

async function priceListCount(): Promise<number> {
  return server.db.priceList.count({ where: { projectId } });
}

/** Request a repricing as `token` (default: the manager). */
function request(body: RepriceBody & { note: string }, token = manager) {
  return call<PriceListInfo>('POST', `/api/projects/${projectId}/price-lists`, token, body);
}

function decide(id: string, approve: boolean, token: string, note?: string) {
  return call<PriceListInfo>('POST', `/api/price-lists/${id}/decision`, token, { approve, ...(note ? { note } : {}) });
}

beforeAll(async () => {
  server = await startTestServer({ units: 40, consultants: 8 });
  projectId = server.fixture.projectId;
  const [m, a, s] = await Promise.all([server.login('manager'), server.login('admin'), server.login('s001')]);
  manager = m.token;
  admin = a.token;
  consultant = s.token;
  managerSocket = await server.connect({ token: manager });
  const ack = await emitAck<ProjectSnapshot>(managerSocket, 'project:join', { projectId });
  expect(ack.ok).toBe(true);
  managerSocket.on('prices:changed', (event) => priceEvents.push(event));
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('pricing terms', () => {
  it('consultants see active terms and no floor price anywhere; ?all=1 is for managers', async () => {
    const seller = await call<PricingTerms>('GET', `/api/projects/${projectId}/pricing`, consultant);
    expect(seller.status).toBe(200);
    expect(seller.body).toMatchObject({ projectId, priceVersion: 1, timezone: 'Asia/Shanghai' });
    expect(seller.body.discounts.length).toBeGreaterThan(0);
    expect(seller.body.plans.length).toBeGreaterThan(0);
    expect(seller.body.discounts.every((d) => d.active)).toBe(true);
    expect(JSON.stringify(seller.body)).not.toMatch(/floor/i);
    const catalog = await call<ProjectCatalog>('GET', `/api/projects/${projectId}/catalog`, consultant);
    expect(JSON.stringify(catalog.body)).not.toMatch(/floorPrice/);

    expect((await call<ErrorBody>('GET', `/api/projects/${projectId}/pricing?all=1`, consultant)).body.error.code).toBe(
      'FORBIDDEN',
    );
    const outsider = await server.login('outsider');
    expect((await call<ErrorBody>('GET', `/api/projects/${projectId}/pricing`, outsider.token)).body.error.code).toBe(
      'FORBIDDEN',
    );
    // Every price-book read is for managers only.
    const unitId = server.fixture.unitIds[0]!;
    const v1 = await server.db.priceList.findFirstOrThrow({ where: { projectId, version: 1 } });
    for (const [method, path, body] of [
      ['GET', `/api/projects/${projectId}/price-lists`, undefined],
      ['GET', `/api/price-lists/${v1.id}/changes`, undefined],
      ['GET', `/api/units/${unitId}/price-history`, undefined],
      [
        'POST',
        `/api/projects/${projectId}/price-lists/preview`,
        { scope: {}, change: { kind: 'PERCENT', bp: 100 }, applyToFloor: false, rounding: YUAN_HALF_UP },
      ],
    ] as const) {
      const res = await call<ErrorBody>(method, path, consultant, body);
      expect(res.status, path).toBe(403);
    }

    const all = await call<PricingTerms>('GET', `/api/projects/${projectId}/pricing?all=1`, manager);
    expect(all.status).toBe(200);
    expect(all.body.discounts.length).toBeGreaterThanOrEqual(seller.body.discounts.length);
  });

  it('refuses inconsistent discount rules exactly as the shared schema does, changing nothing', async () => {
    const before = await server.db.discountRule.count({ where: { projectId } });
    const base = { code: 'NEWRULE', kind: 'STANDARD', name: '新规则', nameEn: 'New rule' };
    const bad = [
      { ...base, rateBp: 9800, amountOffFen: 100 }, // both
      { ...base }, // neither
      { ...base, kind: 'IDENTITY', rateBp: 9800 }, // identity without tag
      { ...base, rateBp: 9800, identityTag: 'staff' }, // tag on a non-identity rule
      { ...base, kind: 'PAYMENT_METHOD', rateBp: 9800 }, // no payment methods
      { ...base, kind: 'PAYMENT_METHOD', rateBp: 9800, paymentMethods: ['LUMP_SUM', 'LUMP_SUM'] },
      { ...base, rateBp: 9800, validFrom: '2026-02-01T00:00:00Z', validTo: '2026-01-01T00:00:00Z' },
      { ...base, rateBp: 10000 }, // not a discount
      { ...base, code: 'lower case', rateBp: 9800 },
    ];
    for (const body of bad) {
      const res = await call<ErrorBody>('POST', `/api/projects/${projectId}/discounts`, manager, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toBeDefined();
    }
    expect(await server.db.discountRule.count({ where: { projectId } })).toBe(before);
    // Duplicate code.
    const dup = await call<ErrorBody>('POST', `/api/projects/${projectId}/discounts`, manager, {
      ...base,
      code: 'OPEN99',
      rateBp: 9800,
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    // Consultants may not.
    expect(
      (await call('POST', `/api/projects/${projectId}/discounts`, consultant, { ...base, rateBp: 9800 })).status,
    ).toBe(403);
    expect(await server.db.discountRule.count({ where: { projectId } })).toBe(before);
  });

  it('creates, replaces and deactivates a discount rule, audited; inactive rules leave the consultant terms', async () => {
    const body = {
      code: 'VIP95',
      kind: 'IDENTITY',
      name: 'VIP 95折',
      nameEn: 'VIP 5% off',
      rateBp: 9500,
      identityTag: 'vip',
      sortOrder: 9,
      validFrom: '2026-01-01T00:00:00+08:00',
      validTo: '2027-01-01T00:00:00Z',
    };
    const created = await call<{ id: string; active: boolean; validFrom: string }>(
      'POST',
      `/api/projects/${projectId}/discounts`,
      manager,
      body,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: 'VIP95',
      kind: 'IDENTITY',
      rateBp: 9500,
      identityTag: 'vip',
      active: true,
      validFrom: '2025-12-31T16:00:00.000Z',
    });
    const id = created.body.id;
    // Open screens hear that the terms changed (same version).
    await waitFor(
      () => priceEvents.some((e) => e.priceVersion === 1) || undefined,
      'prices:changed after a rule change',
    );
    // Full replace: the identity rule becomes an amount-off standard rule; the old fields go away.
    const replaced = await call<Record<string, unknown>>('PUT', `/api/discounts/${id}`, manager, {
      code: 'VIP95',
      kind: 'STANDARD',
      name: '减5千',
      nameEn: '¥5,000 off',
      amountOffFen: 500_000,
      active: false,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id, kind: 'STANDARD', amountOffFen: 500_000, active: false, sortOrder: 0 });
    expect(replaced.body).not.toHaveProperty('rateBp');
    expect(replaced.body).not.toHaveProperty('identityTag');
    expect(replaced.body).not.toHaveProperty('validFrom');
    // A bad replacement changes nothing.
    const bad = await call<ErrorBody>('PUT', `/api/discounts/${id}`, manager, {
      code: 'VIP95',
      kind: 'STANDARD',
      name: 'x',
      nameEn: 'x',
    });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const conflict = await call<ErrorBody>('PUT', `/api/discounts/${id}`, manager, {
      code: 'OPEN99',
      kind: 'STANDARD',
      name: 'x',
      nameEn: 'x',
      rateBp: 9000,
    });
    expect(conflict.body.error.code).toBe('CONFLICT');
    const stored = await server.db.discountRule.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ code: 'VIP95', amountOffFen: 500_000n, active: false });

    const seller = await call<PricingTerms>('GET', `/api/projects/${projectId}/pricing`, consultant);
    expect(seller.body.discounts.map((d) => d.id)).not.toContain(id);
    const all = await call<PricingTerms>('GET', `/api/projects/${projectId}/pricing?all=1`, manager);
    expect(all.body.discounts.find((d) => d.id === id)).toMatchObject({ active: false });

    const audit = await server.db.auditEvent.findMany({ where: { entityId: id }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['discount.create', 'discount.update']);
    expect(audit[1]).toMatchObject({
      actorName: 'manager',
      before: { kind: 'IDENTITY', rateBp: 9500 },
      after: { kind: 'STANDARD', active: false },
    });
  });

  it('payment plans: validated by the shared schema, duplicate code CONFLICT, replace audited', async () => {
    const before = await server.db.paymentPlanOption.count({ where: { projectId } });
    const bad = await call<ErrorBody>('POST', `/api/projects/${projectId}/payment-plans`, manager, {
      code: 'INST2',
      name: '分期',
      nameEn: 'Two',
      terms: {
        kind: 'INSTALLMENTS',
        depositFen: 0,
        installments: [
          { bp: 5000, dueDays: 10 },
          { bp: 4000, dueDays: 20 },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const dup = await call<ErrorBody>('POST', `/api/projects/${projectId}/payment-plans`, manager, {
      code: 'LUMP',
      name: '一次性',
      nameEn: 'Lump',
      terms: { kind: 'LUMP_SUM', depositFen: 0, balanceDueDays: 7 },
    });
    expect(dup.body.error.code).toBe('CONFLICT');
    expect(await server.db.paymentPlanOption.count({ where: { projectId } })).toBe(before);

    const created = await call<{ id: string }>('POST', `/api/projects/${projectId}/payment-plans`, manager, {
      code: 'INST2',
      name: '分期两期',
      nameEn: 'Two installments',
      sortOrder: 8,
      terms: {
        kind: 'INSTALLMENTS',
        depositFen: 1_000_000,
        installments: [
          { bp: 5000, dueDays: 10 },
          { bp: 5000, dueDays: 20 },
        ],
      },
    });
    expect(created.status).toBe(201);
    const replaced = await call<Record<string, unknown>>('PUT', `/api/payment-plans/${created.body.id}`, manager, {
      code: 'INST2',
      name: '按揭四成',
      nameEn: 'Mortgage 40%',
      active: false,
      terms: { kind: 'MORTGAGE', depositFen: 1_000_000, downPaymentBp: 4000, downPaymentDueDays: 15 },
    });
    expect(replaced.body).toMatchObject({ active: false, terms: { kind: 'MORTGAGE', downPaymentBp: 4000 } });
    const seller = await call<PricingTerms>('GET', `/api/projects/${projectId}/pricing`, consultant);
    expect(seller.body.plans.map((p) => p.id)).not.toContain(created.body.id);
    const audit = await server.db.auditEvent.findMany({
      where: { entityId: created.body.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['plan.create', 'plan.update']);
  });

  it('policy settings and identity tags: managers only, audited before/after', async () => {
    const policy = {
      stacking: 'BEST_SINGLE',
      maxTotalDiscountBp: 800,
      rounding: { unit: 'HUNDRED_YUAN', mode: 'DOWN' },
    };
    expect((await call('PATCH', `/api/projects/${projectId}/pricing`, consultant, { policy })).status).toBe(403);
    expect((await call<ErrorBody>('PATCH', `/api/projects/${projectId}/pricing`, manager, {})).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      (
        await call<ErrorBody>('PATCH', `/api/projects/${projectId}/pricing`, manager, {
          policy: { ...policy, order: ['STANDARD'] },
        })
      ).body.error.code,
    ).toBe('VALIDATION_FAILED');
    const res = await call<PricingTerms>('PATCH', `/api/projects/${projectId}/pricing`, manager, {
      policy,
      approvalHoldSeconds: 300,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      approvalHoldSeconds: 300,
      policy: { stacking: 'BEST_SINGLE', maxTotalDiscountBp: 800 },
    });
    const audit = await server.db.auditEvent.findFirstOrThrow({ where: { projectId, action: 'pricing.settings' } });
    expect(audit).toMatchObject({
      before: { approvalHoldSeconds: 600, policy: { stacking: 'MULTIPLY_IN_ORDER' } },
      after: { approvalHoldSeconds: 300, policy: { stacking: 'BEST_SINGLE' } },
    });
    // Back to the fixture policy (the confirm race below assumes its rounding).
    await call('PATCH', `/api/projects/${projectId}/pricing`, manager, {
      policy: { stacking: 'MULTIPLY_IN_ORDER', maxTotalDiscountBp: 1000, rounding: YUAN_HALF_UP },
      approvalHoldSeconds: 600,
    });

    const customer = await server.db.customer.create({ data: { projectId, name: '张三', phone: '13900000001' } });
    expect(
      (await call('PUT', `/api/customers/${customer.id}/identity-tags`, consultant, { tags: ['staff'] })).status,
    ).toBe(403);
    expect(
      (await call<ErrorBody>('PUT', `/api/customers/${customer.id}/identity-tags`, manager, { tags: ['Not A Tag'] }))
        .body.error.code,
    ).toBe('VALIDATION_FAILED');
    const tagged = await call('PUT', `/api/customers/${customer.id}/identity-tags`, manager, {
      tags: ['staff', 'returning-owner', 'staff'],
    });
    expect(tagged).toMatchObject({
      status: 200,
      body: { customerId: customer.id, tags: ['returning-owner', 'staff'] },
    });
    expect((await server.db.customer.findUniqueOrThrow({ where: { id: customer.id } })).identityTags).toEqual([
      'returning-owner',
      'staff',
    ]);
    const tagAudit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: customer.id, action: 'customer.identity_tags' },
    });
    expect(tagAudit).toMatchObject({ before: { tags: [] }, after: { tags: ['returning-owner', 'staff'] } });
  });
});

describe('price-list versions', () => {
  const plus3FirstFloor: RepriceBody & { note: string } = {
    scope: { floorFrom: 1, floorTo: 1 },
    change: { kind: 'PERCENT', bp: 300 },
    applyToFloor: true,
    rounding: YUAN_HALF_UP,
    note: '一楼上调3%',
  };
  let pendingId = '';

  it('preview = the shared repricePreview over the active prices', async () => {
    const body: RepriceBody = {
      scope: { floorFrom: 2, layouts: ['A'] },
      change: { kind: 'AMOUNT', fen: -1_234_56 },
      applyToFloor: false,
      rounding: { unit: 'HUNDRED_YUAN', mode: 'DOWN' },
    };
    const res = await call<{ rows: RepriceRow[]; floorAboveList: number }>(
      'POST',
      `/api/projects/${projectId}/price-lists/preview`,
      manager,
      body,
    );
    expect(res.status).toBe(200);
    const units = await server.db.unit.findMany({ where: { projectId }, orderBy: { code: 'asc' } });
    const expected = repricePreview({
      ...body,
      units: units.map((u) => ({
        id: u.id,
        code: u.code,
        buildingId: u.buildingId,
        floor: u.floor,
        layout: u.layout,
        listPrice: Number(u.listPrice),
        floorPrice: Number(u.floorPrice),
      })),
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(res.body.rows).toEqual(expected);
    expect(res.body.floorAboveList).toBe(expected.filter((r) => r.floorAboveList).length);
    // −6 % on list only pushes the 1,900,000 floor above every list price of the first floor.
    const inverted = await call<{ rows: RepriceRow[]; floorAboveList: number }>(
      'POST',
      `/api/projects/${projectId}/price-lists/preview`,
      manager,
      {
        scope: { floorFrom: 1, floorTo: 1 },
        change: { kind: 'PERCENT', bp: -600 },
        applyToFloor: false,
        rounding: YUAN_HALF_UP,
      },
    );
    expect(inverted.body.floorAboveList).toBe(4);
  });

  it('refuses an empty scope or a floor above list with details, creating nothing', async () => {
    const count = await priceListCount();
    const counter = (await server.db.project.findUniqueOrThrow({ where: { id: projectId } })).priceVersionCounter;
    const empty = await request({ ...plus3FirstFloor, scope: { floorFrom: 200 } });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: { reason: 'EMPTY_SCOPE' } } });
    const inverted = await request({ ...plus3FirstFloor, change: { kind: 'PERCENT', bp: -600 }, applyToFloor: false });
    expect(inverted.body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: { reason: 'FLOOR_ABOVE_LIST', count: 4 } },
    });
    const noNote = await call<ErrorBody>('POST', `/api/projects/${projectId}/price-lists`, manager, {
      ...plus3FirstFloor,
      note: '',
    });
    expect(noNote.body.error.code).toBe('VALIDATION_FAILED');
    expect((await request(plus3FirstFloor, consultant)).status).toBe(403);
    expect(await priceListCount()).toBe(count);
    expect((await server.db.project.findUniqueOrThrow({ where: { id: projectId } })).priceVersionCounter).toBe(counter);
  });

  it('a request becomes a complete PENDING version; pressing twice (even at once) returns the same one', async () => {
    const before = await unitPrices();
    const [first, second] = await Promise.all([request(plus3FirstFloor), request(plus3FirstFloor)]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 201]);
    expect(first.body.id).toBe(second.body.id);
    const info = first.body;
    pendingId = info.id;
    expect(info).toMatchObject({
      version: 2,
      status: 'PENDING',
      source: 'REPRICE',
      baseVersion: 1,
      unitCount: before.size,
      changedCount: 4,
      requestedBy: '经理',
      note: '一楼上调3%',
      decidedBy: null,
      activatedAt: null,
      request: { scope: { floorFrom: 1, floorTo: 1 }, change: { kind: 'PERCENT', bp: 300 }, applyToFloor: true },
    });
    const again = await request(plus3FirstFloor);
    expect(again).toMatchObject({ status: 200, body: { id: pendingId } });
    // A complete snapshot: every unit has an entry.
    expect(await server.db.priceListEntry.count({ where: { priceListId: pendingId } })).toBe(before.size);
    // Nothing changed yet on the units.
    expect(await unitPrices()).toEqual(before);

    const changes = await call<PriceListChange[]>('GET', `/api/price-lists/${pendingId}/changes`, manager);
    expect(changes.body).toHaveLength(4);
    for (const c of changes.body) {
      const unit = before.get(c.unitId)!;
      expect(c.before).toEqual({ list: unit.list, floor: unit.floor });
      expect(c.after.list).toBe(repriceAmount(unit.list, { kind: 'PERCENT', bp: 300 }, YUAN_HALF_UP));
      expect(c.after.floor).toBe(repriceAmount(unit.floor, { kind: 'PERCENT', bp: 300 }, YUAN_HALF_UP));
    }
    const v1 = await server.db.priceList.findFirstOrThrow({ where: { projectId, version: 1 } });
    expect((await call<PriceListChange[]>('GET', `/api/price-lists/${v1.id}/changes`, manager)).body).toEqual([]);
    const list = await call<PriceListInfo[]>('GET', `/api/projects/${projectId}/price-lists`, manager);
    expect(list.body.map((v) => [v.version, v.status])).toEqual([
      [2, 'PENDING'],
      [1, 'ACTIVE'],
    ]);
    const audit = await server.db.auditEvent.findMany({ where: { entityId: pendingId, action: 'price_list.request' } });
    expect(audit).toHaveLength(1);
  });

  it('four-eyes: the requester may not decide', async () => {
    const before = await unitPrices();
    for (const approve of [true, false]) {
      const res = await decide(pendingId, approve, manager);
      expect(res.status).toBe(403);
      expect((res.body as unknown as ErrorBody).error.code).toBe('FORBIDDEN');
    }
    expect((await decide(pendingId, true, consultant)).status).toBe(403);
    expect(await server.db.priceList.findUniqueOrThrow({ where: { id: pendingId } })).toMatchObject({
      status: 'PENDING',
    });
    expect(await unitPrices()).toEqual(before);
    expect(await activeVersion()).toBe(1);
  });

  it('approval activates: units, project version, catalog, socket event, audit; deciding again is idempotent', async () => {
    const before = await unitPrices();
    const changes = (await call<PriceListChange[]>('GET', `/api/price-lists/${pendingId}/changes`, admin)).body;
    const res = await decide(pendingId, true, admin, '同意');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ACTIVE',
      decidedBy: 'Admin',
      decisionNote: '同意',
      activatedAt: expect.any(String),
    });
    expect(await activeVersion()).toBe(2);
    const after = await unitPrices();
    const changed = new Map(changes.map((c) => [c.unitId, c]));
    for (const [id, unit] of after) {
      const c = changed.get(id);
      expect({ list: unit.list, floor: unit.floor }).toEqual(
        c ? c.after : { list: before.get(id)!.list, floor: before.get(id)!.floor },
      );
    }
    const catalog = await call<ProjectCatalog>('GET', `/api/projects/${projectId}/catalog`, consultant);
    const changedUnit = changes[0]!;
    expect(catalog.body.units.find((u) => u.id === changedUnit.unitId)!.listPrice).toBe(changedUnit.after.list);
    await waitFor(() => priceEvents.some((e) => e.priceVersion === 2) || undefined, 'prices:changed v2');
    expect(priceEvents.find((e) => e.priceVersion === 2)).toEqual({ projectId, priceVersion: 2 });
    const terms = await call<PricingTerms>('GET', `/api/projects/${projectId}/pricing`, consultant);
    expect(terms.body.priceVersion).toBe(2);

    const versions = await server.db.priceList.findMany({
      where: { projectId },
      orderBy: { version: 'asc' },
      select: { version: true, status: true },
    });
    expect(versions).toEqual([
      { version: 1, status: 'SUPERSEDED' },
      { version: 2, status: 'ACTIVE' },
    ]);
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: pendingId, action: 'price_list.activate' },
    });
    expect(audit).toMatchObject({
      actorName: 'admin',
      before: { priceVersion: 1 },
      after: { priceVersion: 2, changedCount: 4 },
    });

    expect(await decide(pendingId, true, admin)).toMatchObject({
      status: 200,
      body: { status: 'ACTIVE', id: pendingId },
    });
    expect((await decide(pendingId, false, admin)).body).toMatchObject({ error: { code: 'INVALID_TRANSITION' } });
    expect(await server.db.auditEvent.count({ where: { entityId: pendingId, action: 'price_list.activate' } })).toBe(1);
  });

  it('rejection: REJECTED, idempotent, approving it afterwards is INVALID_TRANSITION', async () => {
    const before = await unitPrices();
    const created = await request({ ...plus3FirstFloor, change: { kind: 'AMOUNT', fen: 5_000_00 }, note: 'reject me' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 3, baseVersion: 2 });
    const rejected = await decide(created.body.id, false, admin, '不合理');
    expect(rejected.body).toMatchObject({
      status: 'REJECTED',
      decidedBy: 'Admin',
      decisionNote: '不合理',
      activatedAt: null,
    });
    expect(await decide(created.body.id, false, admin)).toMatchObject({ status: 200, body: { status: 'REJECTED' } });
    expect((await decide(created.body.id, true, admin)).body).toMatchObject({ error: { code: 'INVALID_TRANSITION' } });
    expect(await unitPrices()).toEqual(before);
    expect(await activeVersion()).toBe(2);
    expect(
      await server.db.auditEvent.count({ where: { entityId: created.body.id, action: 'price_list.reject' } }),
    ).toBe(1);
    // A rejected request no longer blocks the same request.
    const again = await request({ ...plus3FirstFloor, change: { kind: 'AMOUNT', fen: 5_000_00 }, note: 'reject me' });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(created.body.id);
    await decide(again.body.id, false, admin);
  });

  it('two pending from the same base: approving one makes the other PRICE_VERSION_STALE', async () => {
    const a = await request({
      scope: { floorFrom: 2, floorTo: 2 },
      change: { kind: 'PERCENT', bp: 100 },
      applyToFloor: false,
      rounding: YUAN_HALF_UP,
      note: 'A',
    });
    const b = await request({
      scope: { floorFrom: 3, floorTo: 3 },
      change: { kind: 'PERCENT', bp: 200 },
      applyToFloor: false,
      rounding: YUAN_HALF_UP,
      note: 'B',
    });
    expect(a.body.baseVersion).toBe(2);
    expect(b.body.baseVersion).toBe(2);
    expect((await decide(a.body.id, true, admin)).body).toMatchObject({ status: 'ACTIVE' });
    const before = await unitPrices();
    const stale = await decide(b.body.id, true, admin);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: { code: 'PRICE_VERSION_STALE' } });
    expect(await server.db.priceList.findUniqueOrThrow({ where: { id: b.body.id } })).toMatchObject({
      status: 'PENDING',
      decidedById: null,
    });
    expect(await unitPrices()).toEqual(before);
    expect(await activeVersion()).toBe(a.body.version);
    // It can still be rejected (cleared away).
    expect((await decide(b.body.id, false, admin)).body).toMatchObject({ status: 'REJECTED' });
  });

  it('unit price history lists every version holding the unit, newest first', async () => {
    const unitId = server.fixture.unitIds[0]!; // floor 1: repriced in version 2
    const res = await call<
      { version: number; status: string; listPrice: number; floorPrice: number; activatedAt: string | null }[]
    >('GET', `/api/units/${unitId}/price-history`, manager);
    expect(res.status).toBe(200);
    const versions = res.body.map((r) => r.version);
    expect(versions).toEqual([...versions].sort((x, y) => y - x));
    const v1 = res.body.find((r) => r.version === 1)!;
    const v2 = res.body.find((r) => r.version === 2)!;
    expect(v1).toMatchObject({ status: 'SUPERSEDED', listPrice: 2_000_000_00, floorPrice: 1_900_000_00 });
    expect(v2).toMatchObject({
      status: 'SUPERSEDED',
      listPrice: 2_060_000_00,
      floorPrice: 1_957_000_00,
      activatedAt: expect.any(String),
    });
    expect(res.body.some((r) => r.status === 'REJECTED')).toBe(true);
  });

  it('proposeVersion (the import path): unlisted units keep their active price; bad prices are refused', async () => {
    const services = server.kaipan.services;
    const actor = {
      kind: 'user' as const,
      id: (await server.db.user.findUniqueOrThrow({ where: { username: 'manager' } })).id,
      username: 'manager',
      displayName: '经理',
      admin: false,
      memberships: new Map([[projectId, 'MANAGER' as const]]),
      projectId,
      role: 'MANAGER' as const,
      device: null,
    };
    const before = await unitPrices();
    const [firstId, secondId] = server.fixture.unitIds;
    const info = await server.db.$transaction((tx) =>
      services.priceBook.proposeVersion(tx, actor, projectId, {
        source: 'IMPORT',
        note: 'prices.xlsx',
        request: { fileName: 'prices.xlsx', rows: 1 },
        prices: new Map([
          [firstId!, { list: 3_000_000_00, floor: 2_800_000_00 }],
          [secondId!, { list: before.get(secondId!)!.list, floor: before.get(secondId!)!.floor }],
        ]),
      }),
    );
    expect(info).toMatchObject({
      status: 'PENDING',
      source: 'IMPORT',
      changedCount: 1,
      unitCount: before.size,
      request: { fileName: 'prices.xlsx', rows: 1 },
    });
    const entries = await server.db.priceListEntry.findMany({ where: { priceListId: info.id } });
    expect(entries).toHaveLength(before.size);
    for (const e of entries) {
      const expected =
        e.unitId === firstId
          ? { list: 3_000_000_00, floor: 2_800_000_00 }
          : { list: before.get(e.unitId)!.list, floor: before.get(e.unitId)!.floor };
      expect({ list: Number(e.listPrice), floor: Number(e.floorPrice) }).toEqual(expected);
    }
    const count = await priceListCount();
    await expect(
      server.db.$transaction((tx) =>
        services.priceBook.proposeVersion(tx, actor, projectId, {
          source: 'IMPORT',
          note: 'bad',
          request: null,
          prices: new Map([[firstId!, { list: 100, floor: 200 }]]),
        }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      server.db.$transaction((tx) =>
        services.priceBook.proposeVersion(tx, actor, projectId, {
          source: 'IMPORT',
          note: 'bad',
          request: null,
          prices: new Map([[server.fixture.otherUnitId, { list: 200, floor: 100 }]]),
        }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await priceListCount()).toBe(count);
    expect((await decide(info.id, false, admin)).body).toMatchObject({ status: 'REJECTED' });
  });
});

describe('activation raced against confirms', () => {
  it('every confirm either used the old version and its prices, or is PRICE_VERSION_STALE; afterwards all units carry the new prices', async () => {
    const logins = await Promise.all(server.fixture.consultants.map((u) => server.login(u)));
    const sockets = await Promise.all(logins.map((l) => server.connect({ token: l.token })));
    let outcomes = { ok: 0, stale: 0 };
    for (let round = 0; round < 3; round += 1) {
      const oldVersion = await activeVersion();
      const oldPrices = await unitPrices();
      const pending = await request({
        scope: {},
        change: { kind: 'PERCENT', bp: 500 },
        applyToFloor: true,
        rounding: YUAN_HALF_UP,
        note: `round ${round}`,
      });
      expect(pending.status).toBe(201);
      const available = await server.db.unit.findMany({
        where: { projectId, status: 'AVAILABLE' },
        orderBy: { code: 'asc' },
        take: sockets.length,
        select: { id: true },
      });
      expect(available).toHaveLength(sockets.length);
      const locks = await Promise.all(
        sockets.map((s, i) => emitAck<LockResult>(s, 'unit:lock', { unitId: available[i]!.id })),
      );
      for (const l of locks) expect(l.ok).toBe(true);
      const [decision, ...confirms] = await Promise.all([
        decide(pending.body.id, true, admin),
        ...sockets.map((s, i) => {
          const lock = locks[i]!;
          if (!lock.ok) throw new Error('lock failed');
          return emitAck<ConfirmResult>(s, 'unit:confirm', {
            unitId: available[i]!.id,
            token: lock.data.token,
            buyer: { name: `买家${round}-${i}`, phone: `1370000${round}${String(i).padStart(3, '0')}` },
            priceVersion: oldVersion,
          });
        }),
      ]);
      expect(decision.body).toMatchObject({ status: 'ACTIVE' });
      for (const [i, ack] of confirms.entries()) {
        const unitId = available[i]!.id;
        if (ack.ok) {
          outcomes.ok += 1;
          const sub = await server.db.subscription.findUniqueOrThrow({ where: { id: ack.data.subscriptionId } });
          expect(sub.priceVersion).toBe(oldVersion);
          expect(Number(sub.listPrice)).toBe(oldPrices.get(unitId)!.list);
          expect(Number(sub.floorPrice)).toBe(oldPrices.get(unitId)!.floor);
        } else {
          outcomes.stale += 1;
          expect(ack.error.code).toBe('PRICE_VERSION_STALE');
          // The lock is still held: release it for the next round.
          const lock = locks[i]!;
          if (lock.ok) await emitAck(sockets[i]!, 'unit:release', { unitId, token: lock.data.token });
        }
      }
      // Every unit (sold or not) carries the new version's price.
      const entries = await server.db.priceListEntry.findMany({ where: { priceListId: pending.body.id } });
      const now = await unitPrices();
      for (const e of entries) expect(now.get(e.unitId)!.list).toBe(Number(e.listPrice));
      for (const [id, p] of oldPrices)
        expect(now.get(id)!.list).toBe(repriceAmount(p.list, { kind: 'PERCENT', bp: 500 }, YUAN_HALF_UP));
      expect(await activeVersion()).toBe(pending.body.version);
    }
    console.log(`[price-book race] confirms: ${outcomes.ok} on the old version, ${outcomes.stale} PRICE_VERSION_STALE`);
    expect(outcomes.ok + outcomes.stale).toBe(3 * sockets.length);
    outcomes = { ok: 0, stale: 0 };
  }, 60_000);
});
