/**
 * The permission matrix (shared/src/permissions.ts), cell by cell: every caller — each project role,
 * the administrator, a non-member, a manager of ANOTHER project who only consults in this one, each
 * device kind, anonymous — tries every route of the route table and every hub command in the test
 * project, and the answer matches the matrix:
 *  - refused by the matrix → 403 FORBIDDEN with the matrix's reason (`details.reason`: the grant's
 *    refusal, or NOT_A_MEMBER) — anonymous: 401 UNAUTHENTICATED;
 *  - allowed by the matrix → never a refusal of the matrix (the service may still refuse by a finer
 *    rule: whose customer, four-eyes — answers without the matrix's `details.permission`).
 * The rows are generated from the route table and the matrix; the inputs from the routes' zod
 * schemas (a route whose input cannot be made valid would answer VALIDATION_FAILED to everyone and
 * prove nothing: the test fails on it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { z } from 'zod';
import {
  API_ROUTES,
  HUB_COMMAND_ACCESS,
  HUB_NAMESPACE,
  NOT_A_MEMBER,
  PERMISSIONS,
  isPermitted,
  type ApiRoute,
  type ConfirmResult,
  type DeviceKind,
  type HubCommand,
  type LockResult,
  type Permission,
  type Role,
} from '@kaipan/shared';
import { hashPassword } from '../server/src/domain/passwords.js';
import { hashDeviceKey } from '../server/src/services/auth-service.js';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY, TEST_PASSWORD } from './support/fixture.js';

const KIOSK_KEY = 'test-kiosk-key-matrix-0123456789ab';
const CALLING_KEY = 'test-calling-key-matrix-0123456789';
const DESK_KEY = 'test-desk-key-matrix-0123456789abc';
const ZERO = '00000000-0000-4000-8000-000000000000';

let server: TestServer;
let pid: string;

/**
 * Who calls. `role`: their row of the matrix in the test project (null: none there); `elsewhere`:
 * rows they hold in other projects (the gate's first look is "held anywhere").
 */
interface Caller {
  name: string;
  auth: { token: string } | { deviceKey: string } | null;
  kind: 'user' | 'device' | 'anonymous';
  role: Role | null;
  elsewhere: Role[];
  deviceKind?: DeviceKind;
}
const callers: Caller[] = [];

/** Ids that fill the routes' parameters and bodies, by parameter or field name. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ units: 12, consultants: 2 });
  pid = server.fixture.projectId;
  const hash = await hashPassword(TEST_PASSWORD);
  const member = async (username: string, role: 'FINANCE' | 'VIEWER' | 'CONSULTANT', other?: 'MANAGER') => {
    const user = await server.db.user.create({ data: { username, displayName: username, passwordHash: hash } });
    await server.db.projectMember.create({ data: { projectId: pid, userId: user.id, role } });
    if (other)
      await server.db.projectMember.create({
        data: { projectId: server.fixture.otherProjectId, userId: user.id, role: other },
      });
    return user.id;
  };
  await member('finance', 'FINANCE');
  await member('viewer', 'VIEWER');
  // Manager of the other project, consultant here: may not pause this one.
  await member('crossrole', 'CONSULTANT', 'MANAGER');
  await server.db.device.createMany({
    data: [
      { projectId: pid, kind: 'KIOSK', name: 'Kiosk', keyHash: hashDeviceKey(KIOSK_KEY) },
      { projectId: pid, kind: 'CALLING', name: 'Calling', keyHash: hashDeviceKey(CALLING_KEY) },
      { projectId: pid, kind: 'CASHIER_DESK', name: 'Desk', keyHash: hashDeviceKey(DESK_KEY) },
    ],
  });
  const token = async (u: string) => ({ token: (await server.login(u)).token });
  const users: [string, Role | null, Role[]][] = [
    ['admin', 'ADMIN', ['ADMIN']],
    ['manager', 'MANAGER', []],
    ['cashier', 'CASHIER', []],
    ['s001', 'CONSULTANT', []],
    ['finance', 'FINANCE', []],
    ['viewer', 'VIEWER', []],
    ['crossrole', 'CONSULTANT', ['MANAGER']],
    ['outsider', null, ['CONSULTANT']],
  ];
  for (const [name, role, elsewhere] of users)
    callers.push({ name, auth: await token(name), kind: 'user', role, elsewhere });
  callers.push({
    name: 'board',
    auth: { deviceKey: TEST_BOARD_KEY },
    kind: 'device',
    role: null,
    elsewhere: [],
    deviceKind: 'BOARD',
  });
  callers.push({
    name: 'kiosk',
    auth: { deviceKey: KIOSK_KEY },
    kind: 'device',
    role: null,
    elsewhere: [],
    deviceKind: 'KIOSK',
  });
  callers.push({
    name: 'calling screen',
    auth: { deviceKey: CALLING_KEY },
    kind: 'device',
    role: null,
    elsewhere: [],
    deviceKind: 'CALLING',
  });
  // A cashier desk's key alone grants nothing (the cashier signs in beside it): every cell refused.
  callers.push({
    name: 'cashier desk',
    auth: { deviceKey: DESK_KEY },
    kind: 'device',
    role: null,
    elsewhere: [],
    deviceKind: 'CASHIER_DESK',
  });
  callers.push({ name: 'anonymous', auth: null, kind: 'anonymous', role: null, elsewhere: [] });

  // Resources of the test project, so routes on a resource resolve to it.
  const [unitId, soldUnitId] = server.fixture.unitIds;
  const manager = await server.login('manager');
  const socket = await server.connect({ token: manager.token });
  const lock = await emitAck<LockResult>(socket, 'unit:lock', { unitId: soldUnitId });
  if (!lock.ok) throw new Error(JSON.stringify(lock));
  const confirm = await emitAck<ConfirmResult>(socket, 'unit:confirm', {
    unitId: soldUnitId,
    token: lock.data.token,
    buyer: { name: '张三', phone: '13800000001' },
  });
  if (!confirm.ok) throw new Error(JSON.stringify(confirm));
  socket.disconnect();
  const s001 = await server.login('s001');
  const created = await fetch(`${server.url}/api/projects/${pid}/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s001.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: '王五', phone: '13800000003' }),
  });
  const customer = (await created.json()) as { id: string };
  if (!customer.id) throw new Error(JSON.stringify(customer));
  const priceList = await server.db.priceList.findFirstOrThrow({ where: { projectId: pid } });
  const discount = await server.db.discountRule.findFirst({ where: { projectId: pid } });
  const plan = await server.db.paymentPlanOption.findFirst({ where: { projectId: pid } });
  const spare = await server.db.user.create({
    data: { username: 'spare', displayName: 'spare', passwordHash: hash },
  });
  await server.db.projectMember.create({ data: { projectId: pid, userId: spare.id, role: 'CONSULTANT' } });
  const team = await server.db.team.create({ data: { projectId: pid, name: 'Team A' } });
  Object.assign(ids, {
    projectId: pid,
    unitId: unitId!,
    subscriptionId: confirm.data.subscriptionId,
    customerId: customer.id,
    priceListId: priceList.id,
    discountId: discount?.id ?? ZERO,
    planId: plan?.id ?? ZERO,
    batchId: server.fixture.pendingBatchId,
    userId: spare.id,
    teamId: team.id,
    // A pairing code as a screen shows it (none waiting: allowed callers get PAIRING_EXPIRED).
    code: 'ABCDEFGH',
    jobId: `current-${ZERO}`,
    // A report's kind (the path names it).
    kind: 'stock',
    cashierId: (await server.db.user.findUniqueOrThrow({ where: { username: 'cashier' } })).id,
  });
}, 180_000);

afterAll(async () => {
  await server?.close();
});

/** What the matrix says of a caller and a permission in the test project, and the reason when refused. */
function expected(
  caller: Caller,
  access: Permission,
  /** The call names its project (a path under /api/projects/:projectId, a hub command with projectId). */
  named = false,
): { allowed: boolean; reason?: string } {
  const refusal = PERMISSIONS[access].refusal;
  if (caller.kind === 'device') {
    const ok = isPermitted(access, { kind: 'device', deviceKind: caller.deviceKind! });
    return ok ? { allowed: true } : { allowed: false, reason: refusal };
  }
  // A call on a resource is first checked as "held in some project" (its project is not known yet).
  if (!named && !expectedSomewhere(caller, access)) return { allowed: false, reason: refusal };
  if (caller.role === null) return { allowed: false, reason: NOT_A_MEMBER };
  return isPermitted(access, { kind: 'user', role: caller.role })
    ? { allowed: true }
    : { allowed: false, reason: refusal };
}

/**
 * Routes of the account, not of a project: the matrix applies to the caller's rows anywhere (an
 * administrator's screens, one's own sessions, the project list, the server's metrics).
 */
const ACCOUNT_LEVEL = new Set([
  'auth.me',
  'auth.changePassword',
  'auth.sessions',
  'auth.revokeSession',
  'auth.failedLogins',
  'users.list',
  'users.create',
  'users.resetPassword',
  'users.deactivate',
  'users.activate',
  'users.sessions',
  'users.revokeSessions',
  'system.metrics',
  'projects.list',
  'projects.create',
  // A waiting screen's code belongs to no project yet: whoever manages one may look (approving names it).
  'devices.showPairing',
  'queue.kioskSetup',
]);

/**
 * Resources the test cannot create cheaply: their routes are checked at the gate (the permission held
 * anywhere), and a caller allowed by the gate gets NOT_FOUND for the made-up id; the project-level
 * check of those services is the same `directory.assertAccess` the resolved routes exercise.
 */
const UNRESOLVED_PARAMS = new Set([
  'approvalId',
  'requestId',
  'paymentId',
  'receiptId',
  'bookId',
  'documentId',
  'jobId',
  'drawId',
  'ticketId',
  'registrationId',
  'sessionId',
]);

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
};

/** Known good values by field name (a schema alone cannot say which id or phone is right). */
const FIELD_VALUES: Record<string, () => unknown> = {
  phone: () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
  pin: () => '135790',
  prefix: () => 'MX',
  date: () => new Date().toISOString().slice(0, 10),
  role: () => 'CONSULTANT',
  username: () => 'spare',
  unitIds: () => [ids.unitId],
  token: () => '1',
  // A cursor of a page: none (the first page).
  before: () => undefined,
  code: () => `MX${Math.floor(Math.random() * 1e6)}`,
  idempotencyKey: () => `matrix-${Math.random().toString(36).slice(2, 12)}`,
};

/** Fields a schema's refinements need beyond its required ones (one of two, a link to a deal). */
const BODY_EXTRA: Record<string, () => Record<string, unknown>> = {
  'pricing.createDiscount': () => ({ rateBp: 100 }),
  'pricing.replaceDiscount': () => ({ rateBp: 100 }),
  'cashier.recordPayment': () => ({ kind: 'DEPOSIT', subscriptionId: ids.subscriptionId }),
  'queue.takeTicket': () => ({ phone: FIELD_VALUES.phone!() }),
  'reports.startAuditJob': () => ({ action: 'unit.lock' }),
};

/** Query fields a schema's pattern needs (the audit log's `action` filter is an action's code). */
const QUERY_EXTRA: Record<string, () => Record<string, unknown>> = {
  'audit.log': () => ({ action: 'unit.lock' }),
};

/** Whole bodies for routes whose schema's rules a sample cannot meet (a pattern, "at least one of"). */
const BODIES: Record<string, () => unknown> = {
  'projects.update': () => ({ city: '深圳' }),
  'projects.createPermit': () => ({
    number: `MX-${Math.random().toString(36).slice(2, 8)}`,
    issuedOn: new Date().toISOString().slice(0, 10),
    unitIds: [ids.unitId],
  }),
  'projects.updatePermit': () => ({ number: 'MX-1', issuedOn: '2026-01-01', unitIds: [ids.unitId] }),
  'buildings.preview': () => ({ name: 'MX', floors: 1, unitsPerFloor: 1 }),
  'buildings.create': () => ({ name: 'MX', code: `M${Math.floor(Math.random() * 1e6)}`, floors: 1, unitsPerFloor: 1 }),
  'buildings.editUnits': () => ({ unitIds: [ids.unitId], filedPrice: 100_000_000 }),
};

/** A value the schema accepts, as far as its JSON Schema says (ids from `ids` by field name). */
function sample(schema: JsonSchema, key = ''): unknown {
  if (FIELD_VALUES[key]) return FIELD_VALUES[key]!();
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt) return sample(alt.find((s) => s.type !== 'null') ?? alt[0]!, key);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      // Required fields; an all-optional object (a PATCH) gets every field, so it changes something.
      const names = schema.required?.length ? schema.required : Object.keys(schema.properties ?? {});
      const out: Record<string, unknown> = {};
      for (const name of names) out[name] = sample(schema.properties?.[name] ?? {}, name);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items ?? {}, key));
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'uuid') return ids[key] ?? ZERO;
      if (schema.format === 'date-time') return new Date(Date.now() + 3600_000).toISOString();
      if (schema.format === 'date') return new Date().toISOString().slice(0, 10);
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return undefined;
  }
}

function bodyOf(route: ApiRoute & { feature: string; name: string }): unknown {
  if (!route.body) return route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
  const whole = BODIES[`${route.feature}.${route.name}`];
  if (whole) return whole();
  const body = sample(z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
  return { ...(body as object), ...BODY_EXTRA[`${route.feature}.${route.name}`]?.() };
}

function queryOf(route: ApiRoute & { feature: string; name: string }): string {
  if (!route.query) return '';
  const value = sample(z.toJSONSchema(route.query, { io: 'input', unrepresentable: 'any' }) as JsonSchema) as Record<
    string,
    unknown
  >;
  const extra = QUERY_EXTRA[`${route.feature}.${route.name}`]?.();
  const entries = Object.entries({ ...value, ...extra }).filter(([, v]) => v !== undefined);
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

/** Routes whose body names a resource the test does not create (checked at the gate, as above). */
const UNRESOLVED_ROUTES = new Set(['documents.request']);

function pathOf(route: ApiRoute): { path: string; resolved: boolean } {
  // Under /api/projects/:projectId the project is known from the path: checked in it whatever else.
  const inProject = route.path.startsWith('/api/projects/:projectId');
  let resolved = true;
  const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (UNRESOLVED_PARAMS.has(name) || !ids[name]) resolved = false;
    return ids[name] ?? ZERO;
  });
  return { path, resolved: inProject || resolved };
}

function headersOf(caller: Caller, json: boolean): Record<string, string> {
  return {
    ...(json ? { 'content-type': 'application/json' } : {}),
    ...(caller.auth && 'token' in caller.auth ? { authorization: `Bearer ${caller.auth.token}` } : {}),
    ...(caller.auth && 'deviceKey' in caller.auth ? { 'x-device-key': caller.auth.deviceKey } : {}),
  };
}

interface Answer {
  status: number;
  code?: string;
  reason?: string;
  permission?: string;
}

async function call(caller: Caller, route: ApiRoute, path: string, body: unknown): Promise<Answer> {
  for (let attempt = 0; ; attempt += 1) {
    const res = await fetch(`${server.url}${path}`, {
      method: route.method,
      headers: headersOf(caller, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status === 429 && attempt < 10) {
      await new Promise((r) => setTimeout(r, 300));
      continue;
    }
    let parsed: { error?: { code?: string; details?: { reason?: string; permission?: string } } } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // a file or an empty body
    }
    return {
      status: res.status,
      code: parsed?.error?.code,
      reason: parsed?.error?.details?.reason,
      permission: parsed?.error?.details?.permission,
    };
  }
}

/** A refusal that comes from the matrix (the gate or the project check), not from a finer rule. */
const isMatrixRefusal = (a: Answer): boolean =>
  a.status === 403 && (a.permission !== undefined || a.reason === NOT_A_MEMBER);

describe('every route of the table, as every caller', () => {
  it('answers as the matrix says, cell by cell', async () => {
    // Destructive calls last: they would change what later cells see (a pause, a deactivation…).
    const routes = API_ROUTES.filter((r) => r.access !== 'public');
    const wrong: string[] = [];
    const exercised = new Set<string>();
    const unexercised: string[] = [];
    let cells = 0;
    for (const route of routes) {
      const name = `${route.feature}.${route.name}`;
      const { path, resolved } = pathOf(route);
      const url = path + queryOf(route);
      const access = route.access as Permission;
      let passedValidation = false;
      for (const caller of callers) {
        const answer = await call(caller, route, url, bodyOf(route));
        cells += 1;
        const where = `${caller.name} ${route.method} ${route.path} (${access})`;
        if (caller.kind === 'anonymous') {
          if (answer.status !== 401 || answer.code !== 'UNAUTHENTICATED') wrong.push(`${where}: ${answer.status}`);
          continue;
        }
        if (answer.code !== 'VALIDATION_FAILED') passedValidation = true;
        else continue;
        let want = expected(caller, access, route.path.startsWith('/api/projects/:projectId'));
        if (ACCOUNT_LEVEL.has(name) || UNRESOLVED_ROUTES.has(name) || !resolved) {
          // Checked at the gate only: held anywhere (an unresolved resource answers NOT_FOUND after it).
          const held = caller.kind === 'device' ? want.allowed : expectedSomewhere(caller, access);
          want = held ? { allowed: true } : { allowed: false, reason: PERMISSIONS[access].refusal };
          if (!held || caller.kind === 'device') {
            if (held === isMatrixRefusal(answer))
              wrong.push(`${where}: ${JSON.stringify(answer)}, want ${JSON.stringify(want)}`);
            continue;
          }
          if (isMatrixRefusal(answer)) wrong.push(`${where}: refused by the matrix ${JSON.stringify(answer)}`);
          continue;
        }
        if (want.allowed) {
          if (isMatrixRefusal(answer)) wrong.push(`${where}: refused ${JSON.stringify(answer)}, the matrix allows`);
        } else if (answer.status !== 403 || answer.reason !== want.reason) {
          wrong.push(`${where}: ${JSON.stringify(answer)}, want FORBIDDEN ${want.reason}`);
        }
      }
      if (passedValidation) exercised.add(name);
      else unexercised.push(`${name} (${route.method} ${url})`);
    }
    expect(wrong).toEqual([]);
    expect(unexercised, 'routes whose sample input nobody got past validation: give FIELD_VALUES').toEqual([]);
    expect(cells).toBe(routes.length * callers.length);
  }, 600_000);
});

function expectedSomewhere(caller: Caller, access: Permission): boolean {
  const rows = [...(caller.role ? [caller.role] : []), ...caller.elsewhere];
  return access === 'staff' ? caller.kind === 'user' : rows.some((role) => isPermitted(access, { kind: 'user', role }));
}

describe('every hub command, as every caller', () => {
  const payloads = (): Record<HubCommand, unknown> => ({
    'project:join': { projectId: pid },
    'project:leave': { projectId: pid },
    'unit:lock': { unitId: ids.unitId },
    'unit:release': { unitId: ids.unitId, token: '1' },
    'unit:confirm': { unitId: ids.unitId, token: '1', buyer: { name: '李四', phone: '13800000002' } },
  });

  it('answers as the matrix says (a manager of another project consults here: no more)', async () => {
    const wrong: string[] = [];
    for (const caller of callers.filter((c) => c.auth !== null)) {
      if (caller.kind === 'device' && !isPermitted('signedIn', { kind: 'device', deviceKind: caller.deviceKind! })) {
        // A device the matrix grants nothing (a cashier desk's key alone) gets no live connection.
        const socket = ioClient(`${server.url}${HUB_NAMESPACE}`, {
          auth: caller.auth!,
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        const refused = await new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (err: Error & { data?: { code?: string } }) =>
            resolve(err.data?.code ?? err.message),
          );
        });
        socket.disconnect();
        if (refused !== 'FORBIDDEN') wrong.push(`${caller.name} handshake: ${refused}, want FORBIDDEN`);
        continue;
      }
      const socket: HubClient = await server.connect(caller.auth!);
      try {
        for (const [command, access] of Object.entries(HUB_COMMAND_ACCESS) as [HubCommand, Permission][]) {
          const ack = await emitAck(socket, command, payloads()[command]);
          // Leaving needs no membership (there is nothing to leave: no harm).
          const want =
            command === 'project:leave' ? { allowed: true } : expected(caller, access, command === 'project:join');
          const error = ack.ok
            ? null
            : (ack.error as { code: string; details?: { reason?: string; permission?: string } });
          const refused =
            error !== null &&
            error.code === 'FORBIDDEN' &&
            (error.details?.permission !== undefined || error.details?.reason === NOT_A_MEMBER);
          const where = `${caller.name} ${command} (${access})`;
          if (want.allowed && refused) wrong.push(`${where}: refused ${JSON.stringify(error)}`);
          if (!want.allowed && (!refused || error?.details?.reason !== want.reason))
            wrong.push(`${where}: ${JSON.stringify(ack)}, want FORBIDDEN ${want.reason}`);
        }
      } finally {
        socket.disconnect();
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('a handshake without credentials is refused', async () => {
    await expect(server.connect({ token: 'not-a-token' })).rejects.toThrow();
  });
});

describe('role changes take effect at once', () => {
  it('a consultant made MANAGER may pause at once; removed, is refused the project (HTTP and hub)', async () => {
    const { token } = await server.login('s002');
    const s002 = (await server.db.user.findUniqueOrThrow({ where: { username: 's002' } })).id;
    const manager = await server.login('manager');
    const put = (role: string) =>
      fetch(`${server.url}/api/projects/${pid}/members/${s002}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${manager.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role }),
      });
    const audit = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/projects/${pid}/audit?limit=1`, { headers });
    const mine = { authorization: `Bearer ${token}` };
    // Warm the cache as a consultant: refused.
    expect((await audit(mine)).status).toBe(403);
    const socket = await server.connect({ token });
    const resync = () => new Promise<{ resync?: boolean }>((resolve) => socket.once('project:changed', resolve));
    expect((await emitAck(socket, 'project:join', { projectId: pid })).ok).toBe(true);
    // Promoted: the next request may; the socket is told to re-join (its rooms were the consultant's).
    let told = resync();
    expect((await put('MANAGER')).status).toBe(200);
    expect((await audit(mine)).status).toBe(200);
    expect(await told).toMatchObject({ projectId: pid, resync: true });
    expect((await emitAck(socket, 'project:join', { projectId: pid })).ok).toBe(true);
    // Removed: the next request and the next hub command are refused, and the socket is told to re-join.
    told = resync();
    const removed = await fetch(`${server.url}/api/projects/${pid}/members/${s002}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${manager.token}` },
    });
    expect(await removed.json()).toEqual({ removed: true });
    await told;
    const refused = await audit(mine);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe(
      NOT_A_MEMBER,
    );
    const join = await emitAck(socket, 'project:join', { projectId: pid });
    expect(join).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { reason: NOT_A_MEMBER } } });
    const lock = await emitAck(socket, 'unit:lock', { unitId: ids.unitId });
    expect(lock).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    socket.disconnect();
    const events = await server.db.auditEvent.findMany({
      where: { projectId: pid, entity: 'project_member', entityId: s002 },
      orderBy: { createdAt: 'asc' },
    });
    expect(events.map((e) => [e.action, e.before, e.after])).toEqual([
      ['member.updated', { role: 'CONSULTANT', teamId: null }, { role: 'MANAGER', teamId: null }],
      ['member.removed', { role: 'MANAGER', teamId: null }, null],
    ]);
  });

  it('a manager cannot make anyone ADMIN nor leave the project without a manager', async () => {
    const manager = await server.login('manager');
    const managerId = (await server.db.user.findUniqueOrThrow({ where: { username: 'manager' } })).id;
    // The fixture's admin holds a manager's seat too: free it so `manager` is the last one.
    const adminId = (await server.db.user.findUniqueOrThrow({ where: { username: 'admin' } })).id;
    const admin = await server.login('admin');
    const as = (t: string, method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${t}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } }));
    expect((await as(admin.token, 'PUT', `/api/projects/${pid}/members/${adminId}`, { role: 'VIEWER' })).status).toBe(
      200,
    );
    const toAdmin = await as(manager.token, 'PUT', `/api/projects/${pid}/members/${ids.userId}`, { role: 'ADMIN' });
    expect([toAdmin.status, toAdmin.body.error?.code]).toEqual([422, 'ROLE_NOT_ASSIGNABLE']);
    const demote = await as(manager.token, 'PUT', `/api/projects/${pid}/members/${managerId}`, { role: 'CONSULTANT' });
    expect([demote.status, demote.body.error?.code]).toEqual([409, 'LAST_MANAGER']);
    const leave = await as(manager.token, 'DELETE', `/api/projects/${pid}/members/${managerId}`);
    expect([leave.status, leave.body.error?.code]).toEqual([409, 'LAST_MANAGER']);
    // An administrator may (they manage every project anyway).
    expect(
      (await as(admin.token, 'PUT', `/api/projects/${pid}/members/${managerId}`, { role: 'CONSULTANT' })).status,
    ).toBe(200);
    expect(
      (await as(admin.token, 'PUT', `/api/projects/${pid}/members/${managerId}`, { role: 'MANAGER' })).status,
    ).toBe(200);
    expect((await as(admin.token, 'PUT', `/api/projects/${pid}/members/${adminId}`, { role: 'MANAGER' })).status).toBe(
      200,
    );
  });
});

describe('setup resources are checked in their own project', () => {
  it('a device, a layout and a permit: this project’s manager may change them, a manager of another project may not', async () => {
    const manager = (await server.login('manager')).token;
    const crossrole = (await server.login('crossrole')).token;
    const as = async (token: string, method: string, path: string, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { id?: string; error?: { details?: unknown } } };
    };
    const device = await as(manager, 'POST', `/api/projects/${pid}/devices`, { kind: 'BOARD', name: 'Lobby' });
    const layoutBody = { code: 'MXL', name: '3室', grossArea: 89, netArea: 70, orientation: '南北', rooms: 3 };
    const layout = await as(manager, 'POST', `/api/projects/${pid}/layouts`, layoutBody);
    const permitBody = { number: 'MX-RES-1', issuedOn: '2026-01-01', unitIds: [ids.unitId] };
    const permit = await as(manager, 'POST', `/api/projects/${pid}/permits`, permitBody);
    for (const created of [device, layout, permit]) expect(created.status, JSON.stringify(created.body)).toBe(201);

    const calls: [string, string, unknown][] = [
      ['PATCH', `/api/devices/${device.body.id}`, { name: 'Lobby 2' }],
      ['PUT', `/api/layouts/${layout.body.id}`, { ...layoutBody, name: '3室2厅' }],
      ['PUT', `/api/permits/${permit.body.id}`, { ...permitBody, number: 'MX-RES-2' }],
    ];
    for (const [method, path, body] of calls) {
      // Held somewhere (MANAGER of the other project): past the gate, refused in this project.
      const refused = await as(crossrole, method, path, body);
      expect(refused, `${method} ${path}`).toMatchObject({
        status: 403,
        body: { error: { details: { reason: 'MANAGER_REQUIRED', permission: 'manage' } } },
      });
      expect((await as(manager, method, path, body)).status, `${method} ${path}`).toBe(200);
    }
  });
});
