/**
 * Customer registry 客户 against a real server, PostgreSQL and Redis: the one-customer-per-phone rule
 * (also when consultants race), ID numbers encrypted at rest and masked, who sees what, search,
 * follow-ups, reassignment / pool / claim races, and the shortlist's live availability.
 *
 * Permissions (documented choice): a consultant asking for another consultant's customer gets
 * FORBIDDEN, not NOT_FOUND — the duplicate rule names a phone's owner anyway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BOARD_KEY } from './support/fixture.js';
import {
  DEVICE_KEY_HEADER,
  type CustomerDetail,
  type CustomerInfo,
  type CustomerPage,
  type CustomerShortlist,
  type FollowUpInfo,
  type IdNumberReveal,
  type MoveIdleResult,
  type RegistrationInfo,
} from '@kaipan/shared';
import { buildConfig, ConfigError, parseEnv } from '../server/src/config/index.js';
import { createIdCipher } from '../server/src/domain/id-cipher.js';
import { http, startTestServer, type TestServer } from './support/app.js';

type ErrorReply = { error: { code: string; message: string; details?: unknown } };

let server: TestServer;
let manager: string;
let cashier: string;
let outsider: string;
const tokens: string[] = [];
const userIds: string[] = [];
let projectId: string;
let nextPhone = 0;

/** A fresh valid mainland mobile number per call. */
const phone = (): string => `137${String(++nextPhone).padStart(8, '0')}`;

const base = () => `/api/projects/${projectId}/customers`;

async function create(token: string, body: object) {
  return http<CustomerInfo & ErrorReply>(server.url, 'POST', base(), token, body);
}

async function created(token: string, body: object = {}): Promise<CustomerInfo> {
  const res = await create(token, { name: '客户', phone: phone(), ...body });
  expect(res.status).toBe(201);
  return res.body;
}

async function customerCount(): Promise<number> {
  return server.db.customer.count({ where: { projectId } });
}

async function auditCount(): Promise<number> {
  return server.db.auditEvent.count({ where: { entity: 'customer' } });
}

beforeAll(async () => {
  server = await startTestServer({ units: 40, consultants: 10 });
  projectId = server.fixture.projectId;
  manager = (await server.login('manager')).token;
  cashier = (await server.login('cashier')).token;
  outsider = (await server.login('outsider')).token;
  for (const username of server.fixture.consultants) {
    const { token, user } = await server.login(username);
    tokens.push(token);
    userIds.push(user.id);
  }
});

afterAll(async () => {
  await server?.close();
});

describe('one customer per phone per project', () => {
  it('normalises the phone, makes the consultant the owner, and audits the create', async () => {
    const res = await create(tokens[0]!, {
      name: '  张三 ',
      phone: '+86 137-9000-0001',
      channel: 'REFERRAL',
      intent: 'A',
      demand: 'UPGRADE',
      budgetMin: 300_000_000,
      budgetMax: 500_000_000,
      preferredLayouts: ['3室2厅2卫'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: '张三',
      phone: '13790000001',
      status: 'POTENTIAL',
      channel: 'REFERRAL',
      intent: 'A',
      demand: 'UPGRADE',
      budgetMin: 300_000_000,
      budgetMax: 500_000_000,
      preferredLayouts: ['3室2厅2卫'],
      version: 1,
      owner: { id: userIds[0], displayName: '顾问s001' },
      registration: null,
      idNumberMasked: null,
    });
    const audit = await server.db.auditEvent.findFirstOrThrow({ where: { entity: 'customer', entityId: res.body.id } });
    expect(audit).toMatchObject({ action: 'customer.create', actorName: 's001' });
  });

  it('refuses a second customer with the same phone, naming the owner consultant', async () => {
    const first = await created(tokens[0]!, { phone: '13790000002' });
    const before = await customerCount();
    const res = await create(tokens[1]!, { name: '李四', phone: '137 9000 0002' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DUPLICATE_CUSTOMER');
    expect(res.body.error.message).toContain('顾问s001');
    expect(res.body.error.details).toEqual({
      customerId: first.id,
      owner: { id: userIds[0], displayName: '顾问s001' },
    });
    expect(await customerCount()).toBe(before);
  });

  it('names no owner when the existing customer is in the pool', async () => {
    const pooled = await created(manager, { phone: '13790000003', ownerId: null });
    expect(pooled.owner).toBeNull();
    const res = await create(tokens[2]!, { name: '王五', phone: '13790000003' });
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual({ customerId: pooled.id, owner: null });
  });

  it('lets exactly one of 10 concurrent creates with the same phone win', async () => {
    const before = await customerCount();
    const results = await Promise.all(tokens.map((t, i) => create(t, { name: `抢${i}`, phone: '13790000004' })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
    const winner = results.find((r) => r.status === 201)!;
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(loser.body.error.code).toBe('DUPLICATE_CUSTOMER');
      expect((loser.body.error.details as { customerId: string }).customerId).toBe(winner.body.id);
    }
    expect(await customerCount()).toBe(before + 1);
    expect(
      await server.db.auditEvent.count({
        where: { entity: 'customer', action: 'customer.create', entityId: winner.body.id },
      }),
    ).toBe(1);
  });

  it('answers a repeated create with the same id once (idempotent), 200 the second time', async () => {
    const id = crypto.randomUUID();
    const body = { id, name: '双击', phone: phone() };
    const [a, b] = [await create(tokens[0]!, body), await create(tokens[0]!, body)];
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.id).toBe(id);
    expect(await server.db.customer.count({ where: { id } })).toBe(1);
  });

  it('consultants cannot choose another owner; managers can, but only a sales member of the project', async () => {
    const me = await create(tokens[0]!, { name: 'x', phone: phone(), ownerId: userIds[1] });
    expect(me.status).toBe(403);
    const outsiderUser = await server.db.user.findUniqueOrThrow({ where: { username: 'outsider' } });
    const bad = await create(manager, { name: 'x', phone: phone(), ownerId: outsiderUser.id });
    expect(bad.status).toBe(400);
    const ok = await create(manager, { name: 'x', phone: phone(), ownerId: userIds[1] });
    expect(ok.status).toBe(201);
    expect(ok.body.owner?.id).toBe(userIds[1]);
  });
});

describe('validation changes nothing', () => {
  it.each([
    ['a bad phone', { name: '甲', phone: '12345678901' }, 'phone'],
    ['a bad ID checksum', { name: '甲', phone: '13790009999', idNumber: '110101199003071234' }, 'idNumber'],
    ['a status', { name: '甲', phone: '13790009999', status: 'SIGNED' }, '(root)'],
    ['budgets out of order', { name: '甲', phone: '13790009999', budgetMin: 2, budgetMax: 1 }, 'budgetMax'],
    ['an empty name', { name: '  ', phone: '13790009999' }, 'name'],
  ])('refuses %s', async (_label, body, path) => {
    const [count, audits] = [await customerCount(), await auditCount()];
    const res = await create(tokens[0]!, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect((res.body.error.details as { path: string }[]).map((d) => d.path)).toContain(path);
    expect(await customerCount()).toBe(count);
    expect(await auditCount()).toBe(audits);
  });
});

describe('ID numbers: encrypted at rest, masked for everyone, clear only for managers (audited)', () => {
  const ID = '11010519491231002X';

  it('stores no clear ID number anywhere in the row or the audit trail', async () => {
    const c = await created(tokens[0]!, { idNumber: '110105 19491231 002x' });
    expect(c.idNumberMasked).toBe('110***********002X');
    expect(JSON.stringify(c)).not.toContain(ID);
    const rows = await server.db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM customers WHERE id = ${c.id}::uuid`;
    const raw = JSON.stringify(rows[0]);
    expect(raw).not.toContain(ID);
    expect(raw).not.toContain('19491231');
    const row = await server.db.customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.idNumberCipher).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(createIdCipher(server.config.customerDataKey).decrypt(row.idNumberCipher!, projectId)).toBe(ID);
    const audits = await server.db.auditEvent.findMany({ where: { entityId: c.id } });
    expect(JSON.stringify(audits, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(ID);

    const detail = await http<CustomerDetail>(server.url, 'GET', `/api/customers/${c.id}`, tokens[0]);
    expect(detail.body.idNumberMasked).toBe('110***********002X');
    expect(JSON.stringify(detail.body)).not.toContain(ID);
  });

  it('reveals the clear number to managers only, and audits each reading', async () => {
    const c = await created(tokens[0]!, { idNumber: ID, phone: phone() });
    const denied = await http<ErrorReply>(server.url, 'GET', `/api/customers/${c.id}/id-number`, tokens[0]);
    expect(denied.status).toBe(403);
    const cashierDenied = await http<ErrorReply>(server.url, 'GET', `/api/customers/${c.id}/id-number`, cashier);
    expect(cashierDenied.status).toBe(403);
    const shown = await http<IdNumberReveal>(server.url, 'GET', `/api/customers/${c.id}/id-number`, manager);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ customerId: c.id, idNumber: ID });
    const reads = await server.db.auditEvent.findMany({ where: { entityId: c.id, action: 'customer.reveal-id' } });
    expect(reads).toHaveLength(1);
    expect(reads[0]?.actorName).toBe('manager');
  });

  it('replaces and removes the ID number through PATCH', async () => {
    const c = await created(tokens[0]!, { idNumber: ID, phone: phone() });
    const changed = await http<CustomerInfo>(server.url, 'PATCH', `/api/customers/${c.id}`, tokens[0], {
      version: 1,
      idNumber: '110101199003071233',
    });
    expect(changed.body).toMatchObject({ idNumberMasked: '110***********1233', version: 2 });
    const removed = await http<CustomerInfo>(server.url, 'PATCH', `/api/customers/${c.id}`, tokens[0], {
      version: 2,
      idNumber: null,
    });
    expect(removed.body).toMatchObject({ idNumberMasked: null, version: 3 });
    const row = await server.db.customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.idNumberCipher).toBeNull();
  });
});

describe('who sees what', () => {
  let mine: CustomerInfo;

  beforeAll(async () => {
    mine = await created(tokens[0]!, { name: '私有客户' });
  });

  it('another consultant gets FORBIDDEN for read and write, and does not see it in lists', async () => {
    const read = await http<ErrorReply>(server.url, 'GET', `/api/customers/${mine.id}`, tokens[1]);
    expect(read.status).toBe(403);
    expect(read.body.error.code).toBe('FORBIDDEN');
    const write = await http<ErrorReply>(server.url, 'PATCH', `/api/customers/${mine.id}`, tokens[1], {
      version: 1,
      name: 'x',
    });
    expect(write.status).toBe(403);
    const follow = await http<ErrorReply>(server.url, 'POST', `/api/customers/${mine.id}/follow-ups`, tokens[1], {
      kind: 'NOTE',
      note: 'x',
    });
    expect(follow.status).toBe(403);
    const list = await http<CustomerPage>(server.url, 'GET', `${base()}?limit=200`, tokens[1]);
    expect(list.body.customers.map((c) => c.id)).not.toContain(mine.id);
    const other = await http<ErrorReply>(server.url, 'GET', `${base()}?owner=${userIds[0]}`, tokens[1]);
    expect(other.status).toBe(403);
    expect(await server.db.customer.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({
      name: '私有客户',
      version: 1,
    });
  });

  it('managers and cashiers read it; cashiers change nothing; outsiders and devices are refused', async () => {
    expect((await http(server.url, 'GET', `/api/customers/${mine.id}`, manager)).status).toBe(200);
    const byCashier = await http<CustomerDetail>(server.url, 'GET', `/api/customers/${mine.id}`, cashier);
    expect(byCashier.status).toBe(200);
    expect(byCashier.body.phone).toBe(mine.phone);
    expect(
      (await http(server.url, 'PATCH', `/api/customers/${mine.id}`, cashier, { version: 1, name: 'x' })).status,
    ).toBe(403);
    expect((await create(cashier, { name: 'x', phone: phone() })).status).toBe(403);
    expect((await http(server.url, 'GET', `/api/customers/${mine.id}`, outsider)).status).toBe(403);
    expect((await http(server.url, 'GET', base(), outsider)).status).toBe(403);
    const device = await http(server.url, 'GET', base(), undefined, undefined, { [DEVICE_KEY_HEADER]: TEST_BOARD_KEY });
    expect(device.status).toBe(403);
    expect((await http(server.url, 'GET', base())).status).toBe(401);
  });
});

describe('search and filters', () => {
  beforeAll(async () => {
    await created(tokens[5]!, { name: '欧阳明', phone: '13655551234' });
    await created(tokens[5]!, { name: '欧阳红', phone: '13655559876', intent: 'B' });
    await created(tokens[5]!, { name: 'Alice Ouyang', phone: '13955550000' });
  });

  it('finds by part of a name, case-insensitively, and by phone digits in any format', async () => {
    const byName = await http<CustomerPage>(server.url, 'GET', `${base()}?q=${encodeURIComponent('欧阳')}`, tokens[5]);
    expect(byName.body.customers.map((c) => c.name).sort()).toEqual(['欧阳明', '欧阳红']);
    const latin = await http<CustomerPage>(server.url, 'GET', `${base()}?q=ouyang`, tokens[5]);
    expect(latin.body.customers.map((c) => c.name)).toEqual(['Alice Ouyang']);
    const digits = await http<CustomerPage>(
      server.url,
      'GET',
      `${base()}?q=${encodeURIComponent('136-5555')}`,
      tokens[5],
    );
    expect(digits.body.customers.map((c) => c.phone).sort()).toEqual(['13655551234', '13655559876']);
    const full = await http<CustomerPage>(
      server.url,
      'GET',
      `${base()}?q=${encodeURIComponent('+86 139 5555 0000')}`,
      tokens[5],
    );
    expect(full.body.customers.map((c) => c.name)).toEqual(['Alice Ouyang']);
    const intent = await http<CustomerPage>(server.url, 'GET', `${base()}?owner=me&intent=B`, tokens[5]);
    expect(intent.body.customers.map((c) => c.name)).toEqual(['欧阳红']);
  });

  it('pages with a cursor through everything a manager sees, without repeats', async () => {
    const total = await customerCount();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page: { status: number; body: CustomerPage } = await http<CustomerPage>(
        server.url,
        'GET',
        `${base()}?limit=7${q}`,
        manager,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.customers.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toHaveLength(total);
    expect((await http<ErrorReply>(server.url, 'GET', `${base()}?cursor=nonsense`, manager)).status).toBe(400);
  });
});

describe('editing (optimistic version) and follow-ups', () => {
  it('updates with the current version, refuses a stale one, and audits before/after', async () => {
    const c = await created(tokens[0]!, { name: '改名前' });
    const ok = await http<CustomerInfo>(server.url, 'PATCH', `/api/customers/${c.id}`, tokens[0], {
      version: 1,
      name: '改名后',
      intent: 'A',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: '改名后', intent: 'A', version: 2 });
    const stale = await http<ErrorReply>(server.url, 'PATCH', `/api/customers/${c.id}`, tokens[0], {
      version: 1,
      name: '又改',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', details: { version: 2 } });
    const audit = await server.db.auditEvent.findFirstOrThrow({ where: { entityId: c.id, action: 'customer.update' } });
    expect(audit.before).toEqual({ name: '改名前', intent: null });
    expect(audit.after).toEqual({ name: '改名后', intent: 'A' });
    const status = await http<ErrorReply>(server.url, 'PATCH', `/api/customers/${c.id}`, tokens[0], {
      version: 2,
      status: 'SIGNED',
    });
    expect(status.status).toBe(400);
    expect((await server.db.customer.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('POTENTIAL');
  });

  it('refuses a phone that belongs to another customer, and a budget range the merge would invert', async () => {
    const a = await created(tokens[0]!, { budgetMax: 100 });
    const b = await created(tokens[0]!);
    const dup = await http<ErrorReply>(server.url, 'PATCH', `/api/customers/${b.id}`, tokens[0], {
      version: 1,
      phone: a.phone,
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('DUPLICATE_CUSTOMER');
    const inverted = await http<ErrorReply>(server.url, 'PATCH', `/api/customers/${a.id}`, tokens[0], {
      version: 1,
      budgetMin: 200,
    });
    expect(inverted.status).toBe(400);
    expect(await server.db.customer.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
      version: 1,
      budgetMin: null,
    });
    expect(await server.db.customer.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({
      version: 1,
      phone: b.phone,
    });
  });

  it('logs follow-ups newest first with their consultant and refreshes lastActivityAt', async () => {
    const c = await created(tokens[0]!);
    await server.db.customer.update({
      where: { id: c.id },
      data: { lastActivityAt: new Date(Date.now() - 30 * 86_400_000) },
    });
    const call = await http<FollowUpInfo>(server.url, 'POST', `/api/customers/${c.id}/follow-ups`, tokens[0], {
      kind: 'CALL',
      note: '约周六看房',
      at: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(call.status).toBe(201);
    expect(call.body).toMatchObject({
      kind: 'CALL',
      note: '约周六看房',
      consultant: { id: userIds[0], displayName: '顾问s001' },
    });
    const id = crypto.randomUUID();
    const visit = await http<FollowUpInfo>(server.url, 'POST', `/api/customers/${c.id}/follow-ups`, tokens[0], {
      id,
      kind: 'VISIT',
      note: '到访',
    });
    const again = await http<FollowUpInfo>(server.url, 'POST', `/api/customers/${c.id}/follow-ups`, tokens[0], {
      id,
      kind: 'VISIT',
      note: '到访',
    });
    expect([visit.status, again.status]).toEqual([201, 200]);
    const future = await http<ErrorReply>(server.url, 'POST', `/api/customers/${c.id}/follow-ups`, tokens[0], {
      kind: 'NOTE',
      note: 'x',
      at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.status).toBe(400);
    const detail = await http<CustomerDetail>(server.url, 'GET', `/api/customers/${c.id}`, tokens[0]);
    expect(detail.body.followUps.map((f) => f.kind)).toEqual(['VISIT', 'CALL']);
    expect(Date.now() - Date.parse(detail.body.lastActivityAt)).toBeLessThan(60_000);
    expect(await server.db.auditEvent.count({ where: { entityId: c.id, action: 'customer.follow-up' } })).toBe(2);
  });

  it('shows the registration summary and the status other services set', async () => {
    const c = await created(tokens[0]!);
    const reg = await http<RegistrationInfo>(
      server.url,
      'POST',
      `/api/projects/${projectId}/registrations`,
      tokens[0],
      { customerId: c.id },
    );
    expect(reg.status).toBe(201);
    const detail = await http<CustomerDetail>(server.url, 'GET', `/api/customers/${c.id}`, tokens[0]);
    expect(detail.body.status).toBe('INTERESTED');
    expect(detail.body.registration).toMatchObject({ id: reg.body.id, label: reg.body.label, status: 'ACTIVE' });
  });
});

describe('reassign, idle to pool, claim', () => {
  it('managers reassign customers (audited); consultants cannot', async () => {
    const a = await created(tokens[0]!);
    const b = await created(tokens[1]!);
    const owners = await http<{ id: string; displayName: string }[]>(server.url, 'GET', `${base()}/owners`, manager);
    expect(owners.body.map((o) => o.id)).toEqual(expect.arrayContaining(userIds));
    expect((await http(server.url, 'GET', `${base()}/owners`, tokens[0])).status).toBe(403);
    const denied = await http<ErrorReply>(server.url, 'POST', `${base()}/reassign`, tokens[0], {
      customerIds: [a.id],
      ownerId: userIds[0],
    });
    expect(denied.status).toBe(403);
    const res = await http(server.url, 'POST', `${base()}/reassign`, manager, {
      customerIds: [a.id, b.id],
      ownerId: userIds[2],
    });
    expect(res.status).toBe(200);
    const rows = await server.db.customer.findMany({ where: { id: { in: [a.id, b.id] } } });
    expect(rows.map((r) => r.ownerId)).toEqual([userIds[2], userIds[2]]);
    const audits = await server.db.auditEvent.findMany({
      where: { entityId: { in: [a.id, b.id] }, action: 'customer.reassign' },
    });
    expect(audits.map((x) => (x.before as { ownerId: string }).ownerId).sort()).toEqual(
      [userIds[0], userIds[1]].sort(),
    );
    expect(audits.map((x) => x.after)).toEqual([{ ownerId: userIds[2] }, { ownerId: userIds[2] }]);
    expect((await http<CustomerDetail>(server.url, 'GET', `/api/customers/${a.id}`, tokens[0])).status).toBe(403);
    expect((await http<CustomerDetail>(server.url, 'GET', `/api/customers/${a.id}`, tokens[2])).status).toBe(200);
    const foreign = await http<ErrorReply>(server.url, 'POST', `${base()}/reassign`, manager, {
      customerIds: [a.id, crypto.randomUUID()],
      ownerId: null,
    });
    expect(foreign.status).toBe(400);
    expect((await server.db.customer.findUniqueOrThrow({ where: { id: a.id } })).ownerId).toBe(userIds[2]);
  });

  it('moves customers idle for N days to the pool (not subscribed ones); consultants then see them masked and one claim wins', async () => {
    const idle = await created(tokens[3]!, { name: '久未联系' });
    const fresh = await created(tokens[3]!, { name: '刚联系' });
    const bought = await created(tokens[3]!, { name: '已认购' });
    const old = new Date(Date.now() - 20 * 86_400_000);
    await server.db.customer.updateMany({ where: { id: { in: [idle.id, bought.id] } }, data: { lastActivityAt: old } });
    await server.db.customer.update({ where: { id: bought.id }, data: { status: 'SUBSCRIBED' } });

    expect((await http(server.url, 'POST', `${base()}/move-idle-to-pool`, tokens[3], { days: 14 })).status).toBe(403);
    const notYet = await http<MoveIdleResult>(server.url, 'POST', `${base()}/move-idle-to-pool`, manager, { days: 30 });
    expect(notYet.body.customerIds).not.toContain(idle.id);
    const moved = await http<MoveIdleResult>(server.url, 'POST', `${base()}/move-idle-to-pool`, manager, {});
    expect(moved.status).toBe(200);
    expect(moved.body.days).toBe(14);
    expect(moved.body.customerIds).toContain(idle.id);
    expect(moved.body.customerIds).not.toContain(fresh.id);
    expect(moved.body.customerIds).not.toContain(bought.id);
    expect((await server.db.customer.findUniqueOrThrow({ where: { id: idle.id } })).ownerId).toBeNull();
    expect(await server.db.auditEvent.count({ where: { entityId: idle.id, action: 'customer.to-pool' } })).toBe(1);

    const pool = await http<CustomerPage>(server.url, 'GET', `${base()}?owner=pool&limit=200`, tokens[4]);
    const seen = pool.body.customers.find((c) => c.id === idle.id);
    expect(seen?.phone).toBe(`${idle.phone!.slice(0, 3)}****${idle.phone!.slice(-4)}`);
    // A consultant cannot edit a pool customer before claiming it.
    expect(
      (await http(server.url, 'POST', `/api/customers/${idle.id}/follow-ups`, tokens[4], { kind: 'CALL', note: 'x' }))
        .status,
    ).toBe(403);

    const [a, b] = await Promise.all([
      http<CustomerInfo & ErrorReply>(server.url, 'POST', `/api/customers/${idle.id}/claim`, tokens[4], {}),
      http<CustomerInfo & ErrorReply>(server.url, 'POST', `/api/customers/${idle.id}/claim`, tokens[5], {}),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expect(loser.body.error.code).toBe('CONFLICT');
    expect(winner.body.phone).toBe(idle.phone);
    const winnerToken = a.status === 200 ? tokens[4]! : tokens[5]!;
    const repeat = await http<CustomerInfo>(server.url, 'POST', `/api/customers/${idle.id}/claim`, winnerToken, {});
    expect(repeat.status).toBe(200);
    expect(await server.db.auditEvent.count({ where: { entityId: idle.id, action: 'customer.claim' } })).toBe(1);
    const row = await server.db.customer.findUniqueOrThrow({ where: { id: idle.id } });
    expect(row.ownerId).toBe(winner.body.owner?.id);
    expect(Date.now() - row.lastActivityAt.getTime()).toBeLessThan(60_000);
  });
});

describe('shortlist 意向房源 with live availability', () => {
  it('stores a ranked, deduped list of units of the project and reports a lock at once', async () => {
    const c = await created(tokens[6]!);
    const [u1, u2, u3] = server.fixture.unitIds.slice(30, 33) as [string, string, string];
    const put = await http<CustomerShortlist>(server.url, 'PUT', `/api/customers/${c.id}/shortlist`, tokens[6], {
      unitIds: [u3, u1, u2, u1],
    });
    expect(put.status).toBe(200);
    expect(put.body.items.map((i) => [i.unitId, i.rank, i.status, i.available])).toEqual([
      [u3, 1, 'AVAILABLE', true],
      [u1, 2, 'AVAILABLE', true],
      [u2, 3, 'AVAILABLE', true],
    ]);
    expect(put.body.availableCount).toBe(3);

    const lock = await http(server.url, 'POST', `/api/units/${u1}/lock`, tokens[7], {});
    expect(lock.status).toBe(200);
    const live = await http<CustomerShortlist>(server.url, 'GET', `/api/customers/${c.id}/shortlist`, tokens[6]);
    const locked = live.body.items.find((i) => i.unitId === u1);
    expect(locked).toMatchObject({ status: 'LOCKED', available: false, lock: { holderName: '顾问s008' } });
    expect(live.body.availableCount).toBe(2);
    const detail = await http<CustomerDetail>(server.url, 'GET', `/api/customers/${c.id}`, tokens[6]);
    expect(detail.body.shortlist.items.map((i) => i.status)).toEqual(['AVAILABLE', 'LOCKED', 'AVAILABLE']);
    expect(await server.db.auditEvent.count({ where: { entityId: c.id, action: 'customer.shortlist' } })).toBe(1);
  });

  it('refuses units of another project and more than 20 units, changing nothing', async () => {
    const c = await created(tokens[6]!);
    const first = server.fixture.unitIds[0]!;
    expect(
      (await http(server.url, 'PUT', `/api/customers/${c.id}/shortlist`, tokens[6], { unitIds: [first] })).status,
    ).toBe(200);
    const foreign = await http<ErrorReply>(server.url, 'PUT', `/api/customers/${c.id}/shortlist`, tokens[6], {
      unitIds: [first, server.fixture.otherUnitId],
    });
    expect(foreign.status).toBe(400);
    const many = await http<ErrorReply>(server.url, 'PUT', `/api/customers/${c.id}/shortlist`, tokens[6], {
      unitIds: server.fixture.unitIds.slice(0, 21),
    });
    expect(many.status).toBe(400);
    const byOther = await http<ErrorReply>(server.url, 'PUT', `/api/customers/${c.id}/shortlist`, tokens[7], {
      unitIds: [],
    });
    expect(byOther.status).toBe(403);
    const items = await server.db.shortlistItem.findMany({ where: { customerId: c.id } });
    expect(items.map((i) => i.unitId)).toEqual([first]);
  });
});

describe('configuration of the data key', () => {
  const key = Buffer.alloc(32, 7).toString('base64');

  it('is required outside demo mode, reported with the other problems', () => {
    let error: unknown;
    try {
      parseEnv({ KAIPAN_DEMO: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(/AUTH_SECRET[\s\S]*CUSTOMER_DATA_KEY/);
    expect(() => parseEnv({ KAIPAN_DEMO: '1', CUSTOMER_DATA_KEY: 'c2hvcnQ=' })).toThrow(/CUSTOMER_DATA_KEY/);
  });

  it('uses the given key, or in demo mode a deterministic key derived from the auth secret', () => {
    const urls = { databaseUrl: 'postgres://x', redisUrl: 'redis://x' };
    const prod = buildConfig(parseEnv({ KAIPAN_DEMO: '0', AUTH_SECRET: 'a'.repeat(32), CUSTOMER_DATA_KEY: key }), urls);
    expect(prod.customerDataKey).toEqual(Buffer.alloc(32, 7));
    expect(prod.customerDataKeyDerived).toBe(false);
    const demoA = buildConfig(parseEnv({}), { ...urls, authSecret: 'b'.repeat(32) });
    const demoB = buildConfig(parseEnv({}), { ...urls, authSecret: 'b'.repeat(32) });
    expect(demoA.customerDataKeyDerived).toBe(true);
    expect(demoA.customerDataKey).toEqual(demoB.customerDataKey);
    expect(demoA.customerDataKey).toHaveLength(32);
  });
});
