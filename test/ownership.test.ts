/**
 * Who may select units for a registered buyer (认筹): the customer's owner consultant, or a manager
 * acting for them (audited). A pool customer is claimed first. Checked on every path that selects for
 * a registration — HTTP lock, hub lock, confirm, quote, below-floor request — against a real server,
 * PostgreSQL and Redis; a refusal is FORBIDDEN and spends nothing of the household's entitlement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Ack,
  ConfirmResult,
  LockResult,
  PricingTerms,
  RegistrationInfo,
  RegistrationOverview,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { waitFor } from './support/wait.js';

let server: TestServer;
let managerToken: string;
let managerSocket: HubClient;
/** s001 (index 0) and s002 (index 1). */
const consultants: { id: string; token: string; socket: HubClient }[] = [];
let terms: PricingTerms;
let nextUnit = 0;
let nextPhone = 0;

const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;
const call = <T = unknown>(method: string, path: string, token: string, body?: unknown) =>
  http<T & { error?: { code: string; message: string } }>(server.url, method, path, token, body);
const code = (ack: Ack<unknown>): string | null => (ack.ok ? null : ack.error.code);
/** Lock and release audit events are written in batches, shortly after the ack. */
const lockAudit = (unitId: string) =>
  waitFor(
    async () =>
      (await server.db.auditEvent.findFirst({ where: { entityId: unitId, action: 'unit.lock' } })) ?? undefined,
    `unit.lock audit of ${unitId}`,
  );

/** A registered household: the customer owned by `owner` (a consultant index, or null = public pool). */
async function household(
  owner: number | null,
  unitsAllowed = 1,
  identityTags: string[] = [],
): Promise<RegistrationInfo> {
  nextPhone += 1;
  const customer = await server.db.customer.create({
    data: {
      projectId: server.fixture.projectId,
      name: `业主${nextPhone}`,
      phone: `136${String(nextPhone).padStart(8, '0')}`,
      ownerId: owner === null ? null : consultants[owner]!.id,
      identityTags,
    },
  });
  const res = await call<RegistrationInfo>(
    'POST',
    `/api/projects/${server.fixture.projectId}/registrations`,
    managerToken,
    {
      customerId: customer.id,
      unitsAllowed,
    },
  );
  expect(res.status).toBe(201);
  return res.body;
}

async function unitsUsed(registrationId: string): Promise<number> {
  return (await server.db.registration.findUniqueOrThrow({ where: { id: registrationId } })).unitsUsed;
}

beforeAll(async () => {
  server = await startTestServer({ units: 60, consultants: 3, maxLocks: 5 });
  const manager = await server.login('manager');
  managerToken = manager.token;
  managerSocket = await server.connect({ token: managerToken });
  for (const username of server.fixture.consultants.slice(0, 2)) {
    const { token, user } = await server.login(username);
    consultants.push({ id: user.id, token, socket: await server.connect({ token }) });
  }
  terms = await server.kaipan.services.pricing.terms(server.fixture.projectId);
});

afterAll(async () => {
  await server?.close();
});

describe('selecting for a registered buyer: the owner or a manager', () => {
  it('another consultant cannot lock for my buyer — over HTTP or the hub — and spends nothing of their entitlement', async () => {
    const reg = await household(0, 1);
    const stranger = consultants[1]!;
    const [unitA, unitB] = [freshUnit(), freshUnit()];

    const viaHttp = await call('POST', `/api/units/${unitA}/lock`, stranger.token, { registrationId: reg.id });
    expect(viaHttp.status).toBe(403);
    expect(viaHttp.body.error).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/another consultant/i),
    });
    const viaHub = await emitAck<LockResult>(stranger.socket, 'unit:lock', { unitId: unitB, registrationId: reg.id });
    expect(viaHub).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // Nothing was locked, so the owner's lock and confirm go through: the household's 机会数 is theirs.
    for (const unitId of [unitA, unitB])
      expect(await server.kaipan.services.mirror.getLock(server.fixture.projectId, unitId)).toBeNull();
    const owner = consultants[0]!;
    const lock = await emitAck<LockResult>(owner.socket, 'unit:lock', { unitId: unitA, registrationId: reg.id });
    if (!lock.ok) throw new Error(lock.error.code);
    const confirm = await emitAck<ConfirmResult>(owner.socket, 'unit:confirm', {
      unitId: unitA,
      token: lock.data.token,
    });
    expect(confirm.ok).toBe(true);
    expect(await unitsUsed(reg.id)).toBe(1);
    const sub = await server.db.subscription.findFirstOrThrow({ where: { registrationId: reg.id } });
    expect(sub.consultantId).toBe(owner.id);
  });

  it('a manager may select for any buyer; the lock is audited as acting for the owner', async () => {
    const reg = await household(0, 1);
    const unitId = freshUnit();
    const lock = await emitAck<LockResult>(managerSocket, 'unit:lock', { unitId, registrationId: reg.id });
    if (!lock.ok) throw new Error(lock.error.code);
    const audit = await lockAudit(unitId);
    expect(audit).toMatchObject({
      actorName: 'manager',
      after: { registrationId: reg.id, actingFor: { ownerId: consultants[0]!.id } },
    });
    const confirm = await emitAck<ConfirmResult>(managerSocket, 'unit:confirm', { unitId, token: lock.data.token });
    expect(confirm.ok).toBe(true);
    expect(await unitsUsed(reg.id)).toBe(1);
    // The owner's own lock carries no acting-for note.
    const own = await household(0, 1);
    const ownUnit = freshUnit();
    const ownLock = await emitAck<LockResult>(consultants[0]!.socket, 'unit:lock', {
      unitId: ownUnit,
      registrationId: own.id,
    });
    if (!ownLock.ok) throw new Error(ownLock.error.code);
    const ownAudit = await lockAudit(ownUnit);
    expect((ownAudit.after as Record<string, unknown>).actingFor).toBeUndefined();
    await emitAck(consultants[0]!.socket, 'unit:release', { unitId: ownUnit, token: ownLock.data.token });
  });

  it('a buyer in the public pool is claimed first', async () => {
    const reg = await household(null, 1);
    const unitId = freshUnit();
    const me = consultants[1]!;
    const refused = await emitAck(me.socket, 'unit:lock', { unitId, registrationId: reg.id });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/claim/i) },
    });
    const claimed = await call('POST', `/api/customers/${reg.customer.id}/claim`, me.token, {});
    expect(claimed.status).toBe(200);
    const lock = await emitAck<LockResult>(me.socket, 'unit:lock', { unitId, registrationId: reg.id });
    expect(lock.ok).toBe(true);
    if (lock.ok) await emitAck(me.socket, 'unit:release', { unitId, token: lock.data.token });
  });

  it('a buyer handed to another consultant while locked: the old owner can neither confirm nor ask for a below-floor price', async () => {
    const reg = await household(0, 1, ['staff']);
    const unitId = freshUnit();
    const old = consultants[0]!;
    const lock = await emitAck<LockResult>(old.socket, 'unit:lock', { unitId, registrationId: reg.id });
    if (!lock.ok) throw new Error(lock.error.code);
    const moved = await call('POST', `/api/projects/${server.fixture.projectId}/customers/reassign`, managerToken, {
      customerIds: [reg.customer.id],
      ownerId: consultants[1]!.id,
    });
    expect(moved.status).toBe(200);

    const rule = (c: string) => terms.discounts.find((d) => d.code === c)!.id;
    const lump = terms.plans.find((p) => p.code === 'LUMP')!.id;
    const deep = { planId: lump, discountIds: [rule('OPEN99'), rule('STAFF97'), rule('PROMO10K'), rule('LUMP98')] };
    const asked = await call('POST', `/api/units/${unitId}/price-approvals`, old.token, {
      token: lock.data.token,
      note: '请求特批',
      ...deep,
    });
    expect(asked).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const confirm = await emitAck(old.socket, 'unit:confirm', { unitId, token: lock.data.token });
    expect(code(confirm)).toBe('FORBIDDEN');
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
    expect(await unitsUsed(reg.id)).toBe(0);
    // The refusal left the lock as it was: its holder can still release it.
    expect((await emitAck(old.socket, 'unit:release', { unitId, token: lock.data.token })).ok).toBe(true);
  });

  it('a quote for another consultant’s buyer (their identity discounts) is refused; the owner and managers get it', async () => {
    const reg = await household(0, 1, ['staff']);
    const unitId = freshUnit();
    const body = { registrationId: reg.id, discountIds: [] };
    expect(await call('POST', `/api/units/${unitId}/quote`, consultants[1]!.token, body)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    expect((await call('POST', `/api/units/${unitId}/quote`, consultants[0]!.token, body)).status).toBe(200);
    expect((await call('POST', `/api/units/${unitId}/quote`, managerToken, body)).status).toBe(200);
  });

  it('the "selecting for" list says whose buyer each registration is; a consultant lists only their own', async () => {
    const reg = await household(0, 1);
    const path = `/api/projects/${server.fixture.projectId}/registrations`;
    const forManager = await call<RegistrationOverview>('GET', path, managerToken);
    expect(forManager.body.registrations.find((r) => r.id === reg.id)?.customer).toMatchObject({
      ownerId: consultants[0]!.id,
    });
    const forOwner = await call<RegistrationOverview>('GET', path, consultants[0]!.token);
    expect(forOwner.body.registrations.find((r) => r.id === reg.id)?.customer).toMatchObject({
      ownerId: consultants[0]!.id,
    });
    // Another consultant may not select for this buyer, so the registration is not in their list at all (docs/privacy.md).
    const forOther = await call<RegistrationOverview>('GET', path, consultants[1]!.token);
    expect(forOther.body.registrations.find((r) => r.id === reg.id)).toBeUndefined();
  });

  it('20 rounds: a stranger and the owner lock for the same buyer at the same instant → only the owner ever wins', async () => {
    for (let round = 0; round < 20; round += 1) {
      const reg = await household(0, 1);
      const units = [freshUnit(), freshUnit()];
      const [stranger, owner] = await Promise.all([
        emitAck<LockResult>(consultants[1]!.socket, 'unit:lock', { unitId: units[0], registrationId: reg.id }),
        emitAck<LockResult>(consultants[0]!.socket, 'unit:lock', { unitId: units[1], registrationId: reg.id }),
      ]);
      expect(code(stranger)).toBe('FORBIDDEN');
      if (!owner.ok) throw new Error(owner.error.code);
      expect(
        (await emitAck(consultants[0]!.socket, 'unit:release', { unitId: units[1], token: owner.data.token })).ok,
      ).toBe(true);
    }
  });
});
