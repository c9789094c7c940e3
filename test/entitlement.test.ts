/**
 * Pre-registration 认筹 and entitlement 机会数 against a real server, PostgreSQL and Redis: the lock
 * script and the confirm function each enforce the limit atomically, also when consultants race.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmResult, LockResult, RegistrationInfo, RegistrationOverview } from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';

let server: TestServer;
let manager: string;
const tokens: string[] = [];
const sockets: HubClient[] = [];
/**
 * Who may select for a registered buyer races here: the buyer's owner (s001, fixture customers belong
 * to them) on three phones and a manager on three — only the owner or a manager selects for a buyer.
 */
const racers: HubClient[] = [];
let nextUnit = 0;
let nextPhone = 0;

/** A fresh AVAILABLE unit of the fixture for each use. */
const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;

async function newCustomer(ownerIndex = 0): Promise<{ id: string; name: string; phone: string }> {
  const owner = await server.db.user.findUniqueOrThrow({
    where: { username: server.fixture.consultants[ownerIndex]! },
  });
  nextPhone += 1;
  return server.db.customer.create({
    data: {
      projectId: server.fixture.projectId,
      name: `买家${nextPhone}`,
      phone: `139${String(nextPhone).padStart(8, '0')}`,
      ownerId: owner.id,
    },
    select: { id: true, name: true, phone: true },
  });
}

async function register(customerId: string, token = tokens[0]!, extra: object = {}) {
  return http<RegistrationInfo & { error?: { code: string } }>(
    server.url,
    'POST',
    `/api/projects/${server.fixture.projectId}/registrations`,
    token,
    {
      customerId,
      ...extra,
    },
  );
}

async function registered(unitsAllowed = 1): Promise<RegistrationInfo> {
  const customer = await newCustomer();
  const res = await register(customer.id, manager, { unitsAllowed });
  expect(res.status).toBe(201);
  return res.body;
}

async function setProject(data: { requireRegistration?: boolean; requireCalled?: boolean }): Promise<void> {
  await server.db.project.update({ where: { id: server.fixture.projectId }, data });
  server.kaipan.services.directory.invalidate(server.fixture.projectId);
}

beforeAll(async () => {
  server = await startTestServer({ units: 80, consultants: 6, maxLocks: 5 });
  manager = (await server.login('manager')).token;
  for (const username of server.fixture.consultants) {
    const { token } = await server.login(username);
    tokens.push(token);
    const socket = await server.connect({ token });
    expect((await emitAck(socket, 'project:join', { projectId: server.fixture.projectId })).ok).toBe(true);
    sockets.push(socket);
  }
  for (const token of [tokens[0]!, tokens[0]!, tokens[0]!, manager, manager, manager])
    racers.push(await server.connect({ token }));
});

afterAll(async () => {
  await server?.close();
});

describe('registration 认筹', () => {
  it('numbers registrations per project, makes the customer interested, and audits both', async () => {
    const customer = await newCustomer();
    const res = await register(customer.id);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      label: expect.stringMatching(/^R\d{4}$/),
      status: 'ACTIVE',
      unitsAllowed: 1,
      unitsUsed: 0,
      depositPaid: false,
    });
    expect(res.body.customer).toMatchObject({ id: customer.id, name: customer.name });
    const stored = await server.db.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(stored.status).toBe('INTERESTED');
    const audits = await server.db.auditEvent.findMany({ where: { entityId: { in: [customer.id, res.body.id] } } });
    expect(audits.map((a) => a.action).sort()).toEqual(['customer.status', 'registration.create']);
  });

  it('one registration per household: ten concurrent attempts → one created, nine ALREADY_REGISTERED', async () => {
    const customer = await newCustomer();
    const results = await Promise.all(Array.from({ length: 10 }, () => register(customer.id, tokens[0]!)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.error?.code)).toEqual(
      Array(9).fill('ALREADY_REGISTERED'),
    );
    expect(await server.db.registration.count({ where: { customerId: customer.id } })).toBe(1);
  });

  it('numbers stay gapless when 20 households register at the same instant', async () => {
    const before = await server.db.project.findUniqueOrThrow({
      where: { id: server.fixture.projectId },
      select: { registrationCounter: true },
    });
    const customers = await Promise.all(Array.from({ length: 20 }, (_, i) => newCustomer(i % tokens.length)));
    const results = await Promise.all(customers.map((c, i) => register(c.id, tokens[i % tokens.length]!)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const numbers = results.map((r) => r.body.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => before.registrationCounter + 1 + i));
  });

  it('refuses another consultant’s customer, a device, and bad input — changing nothing', async () => {
    const customer = await newCustomer(0);
    const other = await register(customer.id, tokens[1]!);
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const bad = await register('not-a-uuid');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    const self = await register(customer.id, tokens[0]!, { unitsAllowed: 3 });
    expect(self).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await server.db.registration.count({ where: { customerId: customer.id } })).toBe(0);
  });

  it('warns the manager when registrations exceed the units on sale', async () => {
    const res = await http<RegistrationOverview>(
      server.url,
      'GET',
      `/api/projects/${server.fixture.projectId}/registrations`,
      manager,
    );
    expect(res.status).toBe(200);
    const active = await server.db.registration.count({
      where: { projectId: server.fixture.projectId, status: 'ACTIVE' },
    });
    expect(res.body.activeCount).toBe(active);
    expect(res.body.availableUnits).toBeGreaterThan(0);
    expect(res.body.oversubscribed).toBe(active > res.body.availableUnits);
    // Withdraw most of the inventory from sale: now there are more households than units.
    const keep = new Set(server.fixture.unitIds.slice(0, 70));
    const withheld = server.fixture.unitIds.filter((id) => !keep.has(id));
    for (const unitId of withheld) {
      expect(
        (await http(server.url, 'POST', `/api/units/${unitId}/withhold`, manager, { reason: 'test' })).status,
      ).toBe(200);
    }
    const after = await http<RegistrationOverview>(
      server.url,
      'GET',
      `/api/projects/${server.fixture.projectId}/registrations`,
      manager,
    );
    expect(after.body.availableUnits).toBe(res.body.availableUnits - withheld.length);
    for (const unitId of withheld) await http(server.url, 'POST', `/api/units/${unitId}/unwithhold`, manager, {});
  });
});

describe('entitlement 机会数', () => {
  it('the owner and a manager, same buyer, different units, same instant → one lock (entitlement 1), 20 rounds', async () => {
    const pair = [racers[0]!, racers[3]!];
    for (let round = 0; round < 20; round += 1) {
      const reg = await registered(1);
      const units = [freshUnit(), freshUnit()];
      const acks = await Promise.all(
        units.map((unitId, i) => emitAck<LockResult>(pair[i]!, 'unit:lock', { unitId, registrationId: reg.id })),
      );
      expect(acks.filter((a) => a.ok)).toHaveLength(1);
      expect(acks.filter((a) => !a.ok).map((a) => (a.ok ? '' : a.error.code))).toEqual(['ENTITLEMENT_EXCEEDED']);
      const winner = acks.findIndex((a) => a.ok);
      const lock = acks[winner]!;
      if (!lock.ok) throw new Error('no winner');
      expect((await emitAck(pair[winner]!, 'unit:release', { unitId: units[winner], token: lock.data.token })).ok).toBe(
        true,
      );
    }
  });

  it('six phones (the owner’s and a manager’s) racing for a buyer entitled to two units → exactly two locks, two subscriptions', async () => {
    const reg = await registered(2);
    const units = racers.map(() => freshUnit());
    const acks = await Promise.all(
      units.map((unitId, i) => emitAck<LockResult>(racers[i]!, 'unit:lock', { unitId, registrationId: reg.id })),
    );
    const winners = acks.flatMap((a, i) => (a.ok ? [{ i, token: a.data.token }] : []));
    expect(winners).toHaveLength(2);
    expect(acks.filter((a) => !a.ok).every((a) => !a.ok && a.error.code === 'ENTITLEMENT_EXCEEDED')).toBe(true);
    const confirms = await Promise.all(
      winners.map((w) => emitAck<ConfirmResult>(racers[w.i]!, 'unit:confirm', { unitId: units[w.i], token: w.token })),
    );
    expect(confirms.every((c) => c.ok)).toBe(true);
    const subs = await server.db.subscription.findMany({ where: { registrationId: reg.id } });
    expect(subs).toHaveLength(2);
    // No buyer given: the registration's customer is the buyer of record.
    expect(new Set(subs.map((s) => s.buyerName))).toEqual(new Set([reg.customer.name]));
    const stored = await server.db.registration.findUniqueOrThrow({ where: { id: reg.id } });
    expect(stored.unitsUsed).toBe(2);
    expect((await server.db.customer.findUniqueOrThrow({ where: { id: reg.customer.id } })).status).toBe('SUBSCRIBED');
    // Used up: the next lock for this buyer is refused before it reaches Redis.
    const next = await emitAck(sockets[0]!, 'unit:lock', { unitId: freshUnit(), registrationId: reg.id });
    expect(next).toMatchObject({ ok: false, error: { code: 'ENTITLEMENT_EXCEEDED' } });
    // Another consultant is refused before anything is counted (only the owner or a manager selects).
    const other = await emitAck(sockets[1]!, 'unit:lock', { unitId: freshUnit(), registrationId: reg.id });
    expect(other).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('PostgreSQL is final: two held locks, entitlement lowered to 1, both confirm at once → one subscription', async () => {
    const reg = await registered(2);
    const units = [freshUnit(), freshUnit()];
    const pair = [racers[0]!, racers[3]!];
    const locks = await Promise.all(
      units.map((unitId, i) => emitAck<LockResult>(pair[i]!, 'unit:lock', { unitId, registrationId: reg.id })),
    );
    const tokensHeld = locks.map((l) => {
      if (!l.ok) throw new Error(l.error.code);
      return l.data.token;
    });
    const lowered = await http(server.url, 'POST', `/api/registrations/${reg.id}/entitlement`, manager, {
      unitsAllowed: 1,
    });
    expect(lowered.status).toBe(200);
    const confirms = await Promise.all(
      units.map((unitId, i) => emitAck<ConfirmResult>(pair[i]!, 'unit:confirm', { unitId, token: tokensHeld[i] })),
    );
    expect(confirms.filter((c) => c.ok)).toHaveLength(1);
    expect(confirms.filter((c) => !c.ok).map((c) => (c.ok ? '' : c.error.code))).toEqual(['ENTITLEMENT_EXCEEDED']);
    expect(await server.db.subscription.count({ where: { registrationId: reg.id } })).toBe(1);
    expect((await server.db.registration.findUniqueOrThrow({ where: { id: reg.id } })).unitsUsed).toBe(1);
    // The refused unit was not touched in PostgreSQL, and its lock survives for its holder to release.
    const loser = confirms.findIndex((c) => !c.ok);
    expect((await server.db.unit.findUniqueOrThrow({ where: { id: units[loser]! } })).status).toBe('AVAILABLE');
    expect((await emitAck(pair[loser]!, 'unit:release', { unitId: units[loser], token: tokensHeld[loser] })).ok).toBe(
      true,
    );
    // And the entitlement cannot go below what was bought.
    const below = await http(server.url, 'POST', `/api/registrations/${reg.id}/entitlement`, manager, {
      unitsAllowed: 1,
    });
    expect(below.status).toBe(200);
    const invalid = await http(server.url, 'POST', `/api/registrations/${reg.id}/cancel`, tokens[0], {});
    expect(invalid).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('a cancelled registration cannot lock', async () => {
    const reg = await registered(1);
    expect((await http(server.url, 'POST', `/api/registrations/${reg.id}/cancel`, manager, {})).status).toBe(200);
    const ack = await emitAck(sockets[0]!, 'unit:lock', { unitId: freshUnit(), registrationId: reg.id });
    expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('requireRegistration: a lock must name the buyer', async () => {
    await setProject({ requireRegistration: true });
    try {
      const ack = await emitAck(sockets[0]!, 'unit:lock', { unitId: freshUnit() });
      expect(ack).toMatchObject({ ok: false, error: { code: 'REGISTRATION_REQUIRED' } });
      const viaHttp = await http(server.url, 'POST', `/api/units/${freshUnit()}/lock`, tokens[0], {});
      expect(viaHttp).toMatchObject({ status: 409, body: { error: { code: 'REGISTRATION_REQUIRED' } } });
    } finally {
      await setProject({ requireRegistration: false });
    }
  });

  it('requireCalled: only inside the buyer’s selection window, checked at lock and again at confirm', async () => {
    const reg = await registered(1);
    await setProject({ requireCalled: true });
    try {
      const unitId = freshUnit();
      const early = await emitAck(sockets[0]!, 'unit:lock', { unitId, registrationId: reg.id });
      expect(early).toMatchObject({ ok: false, error: { code: 'SELECTION_NOT_OPEN' } });
      const now = Date.now();
      await server.db.registration.update({
        where: { id: reg.id },
        data: { selectionStartsAt: new Date(now - 60_000), selectionEndsAt: new Date(now + 60_000) },
      });
      const lock = await emitAck<LockResult>(sockets[0]!, 'unit:lock', { unitId, registrationId: reg.id });
      if (!lock.ok) throw new Error(lock.error.code);
      // The window closes while the consultant fills in the form.
      await server.db.registration.update({
        where: { id: reg.id },
        data: { selectionEndsAt: new Date(Date.now() - 1_000) },
      });
      const late = await emitAck(sockets[0]!, 'unit:confirm', { unitId, token: lock.data.token });
      expect(late).toMatchObject({ ok: false, error: { code: 'SELECTION_NOT_OPEN' } });
      expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
      expect((await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).status).toBe('AVAILABLE');
    } finally {
      await setProject({ requireCalled: false });
    }
  });

  it('a lock without a registration still needs the buyer at confirm', async () => {
    const unitId = freshUnit();
    const lock = await emitAck<LockResult>(sockets[0]!, 'unit:lock', { unitId });
    if (!lock.ok) throw new Error(lock.error.code);
    const missing = await emitAck(sockets[0]!, 'unit:confirm', { unitId, token: lock.data.token });
    expect(missing).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const ok = await emitAck<ConfirmResult>(sockets[0]!, 'unit:confirm', {
      unitId,
      token: lock.data.token,
      buyer: { name: '张三', phone: '13800000000' },
    });
    expect(ok.ok).toBe(true);
  });
});
