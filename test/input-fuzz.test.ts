/**
 * Generated bad input over EVERY registered route and EVERY hub command (issue 12; a forerunner of
 * issue 16's fuzzing). Routes are the ones the server registered (input-guard.ts records them),
 * hub commands the ones the server socket listens to — nothing is listed by hand, so a new route
 * or command is covered the day it is added.
 *
 * Each request is sent as an anonymous caller and as a signed-in manager with the project's real
 * ids in the path (so a request that slipped through would reach the services). Every answer must
 * be a refusal in the one shape — status from the registry, `{error:{code, message, details?}}`,
 * a registry code, VALIDATION_FAILED naming the field for text the rule refuses — never a 5xx; a
 * GET may also answer 2xx where the bad part is one it ignores (a long unknown query parameter).
 * After each route, a fingerprint of every table (audit log included) and every Redis key must be
 * unchanged.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_HTTP_STATUS, type ErrorCode } from '@kaipan/shared';
import { registeredRoutes, type RouteEntry } from '../server/src/http/input-guard.js';
import { startTestServer, type HubClient, type TestServer } from './support/app.js';
import { fingerprinter, type Fingerprinter } from './support/fingerprint.js';

let server: TestServer;
let manager: string;
let prints: Fingerprinter;
/** Generated cases are reproducible: FUZZ_SEED=<the logged seed> replays a run. */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
let sampled = 0;
/** fc.sample with the run's seed (a new path through it on each call). */
const sample = <T>(arb: fc.Arbitrary<T>, numRuns: number): T[] => fc.sample(arb, { numRuns, seed: SEED + sampled++ });

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2 });
  manager = (await server.login('manager')).token;
  prints = await fingerprinter(server);
});

afterAll(async () => {
  await prints?.close();
  await server?.close();
});

// ── What a case is and what its answer must be ─────────────────────────────────────────────────

interface Case {
  label: string;
  /** Path with the query string, already encoded. */
  url: string;
  /** Raw body text (JSON unless `contentType` says otherwise). */
  body?: string;
  contentType?: string;
  /** Set: the refusal must be VALIDATION_FAILED naming this path. */
  path?: string;
  /** Set: the refusal must carry this code. */
  code?: ErrorCode;
  /** A GET whose bad part the route may ignore: 2xx allowed. */
  mayPass?: boolean;
  /** A megabyte body: sent once, as the manager. */
  big?: boolean;
}

/** Characters the text rule refuses anywhere (a surrogate stays unpaired: a letter follows it). */
const BAD_UNITS = [
  0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x0e, 0x1b, 0x1f, 0xfffe, 0xffff, 0xd800, 0xdbff, 0xdc00, 0xdfff,
];
const badChar = fc.constantFrom(...BAD_UNITS.map((u) => String.fromCharCode(u)));
const safeText = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_.张三喆堃犇'.split('')), maxLength: 12 });
/** A string the rule refuses: safe text, one refused unit, a letter (keeps a surrogate unpaired), safe text. */
const badString = fc.tuple(safeText, badChar, safeText).map(([a, c, b]) => `${a}${c}x${b}`);
const fieldName = fc.constantFrom(
  'name',
  'reason',
  'note',
  'q',
  'title',
  'username',
  'token',
  'buyer',
  'phone',
  'unitIds',
  'status',
  'k',
);
const safeJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  safeText,
  fc.array(safeText, { maxLength: 3 }),
);
/** An object body with one refused string (or property name) at a random depth, and the path the refusal must name. */
const badBody = fc
  .tuple(
    fc.dictionary(fieldName, safeJson, { maxKeys: 3 }),
    fc.array(fieldName, { minLength: 1, maxLength: 3 }),
    badString,
    fc.boolean(),
  )
  .map(([base, keys, bad, inKey]) => {
    const last = keys[keys.length - 1]!;
    const leafKey = inKey ? `${last}${bad}` : last;
    let branch: Record<string, unknown> = { [leafKey]: inKey ? 1 : bad };
    for (const k of keys.slice(0, -1).reverse()) branch = { [k]: branch };
    // The branch replaces a same-named key of the base: it holds the only refused string.
    const body = { ...base, ...branch };
    const path = [...keys.slice(0, -1), JSON.stringify(leafKey).slice(1, -1)].join('.');
    return { body, path };
  });

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Path parameters filled for the manager: the project's real ids where the name says which. */
function fill(url: string, override: { name: string; raw: string } | null): string {
  return url
    .split('/')
    .map((segment) => {
      const name = segment.startsWith(':') ? segment.slice(1) : segment === '*' ? '*' : null;
      if (name === null) return segment;
      if (override && override.name === name) return override.raw;
      const f = server.fixture;
      const real: Record<string, string> = {
        projectId: f.projectId,
        unitId: f.unitIds[0]!,
        batchId: f.pendingBatchId,
        '*': 'not-a-document',
        token: 'A'.repeat(22),
      };
      return real[name] ?? randomUUID();
    })
    .join('/');
}

function paramsOf(url: string): string[] {
  return url.split('/').flatMap((s) => (s.startsWith(':') ? [s.slice(1)] : s === '*' ? ['*'] : []));
}

/** The deterministic cases of one route, plus `random` generated ones. */
function casesFor(route: RouteEntry, random: number): Case[] {
  const cases: Case[] = [];
  const base = fill(route.url, null);
  const isGet = route.method === 'GET' || route.method === 'HEAD';
  const withBody = METHODS_WITH_BODY.has(route.method);
  // A neutral body for write routes: the bad part is elsewhere and is refused first.
  const neutral = withBody ? '{}' : undefined;

  for (const name of paramsOf(route.url)) {
    const at = (raw: string) => fill(route.url, { name, raw });
    cases.push({ label: `param ${name} NUL`, url: at('a%00b'), body: neutral, path: `params.${name}` });
    cases.push({ label: `param ${name} BEL`, url: at('a%07b'), body: neutral, path: `params.${name}` });
    cases.push({
      label: `param ${name} UTF-8 of a lone surrogate`,
      url: at('%ED%A0%80'),
      body: neutral,
      code: 'VALIDATION_FAILED',
    });
    cases.push({ label: `param ${name} bad percent`, url: at('%E0%A4%A'), body: neutral, code: 'VALIDATION_FAILED' });
    // A wildcard has no length limit (the public verify answers found:false): only GETs have one.
    cases.push({
      label: `param ${name} 101 chars`,
      url: at('x'.repeat(101)),
      body: neutral,
      mayPass: isGet && name === '*',
      code: name === '*' ? undefined : 'VALIDATION_FAILED',
    });
    cases.push({ label: `param ${name} 20 kB`, url: at('x'.repeat(20_000)), body: neutral, code: 'PAYLOAD_TOO_LARGE' });
  }

  cases.push({ label: 'query NUL', url: `${base}?q=%00`, body: neutral, path: 'query.q' });
  cases.push({ label: 'query key NUL', url: `${base}?%00=1`, body: neutral, path: 'query.\\u0000' });
  cases.push({ label: 'query US', url: `${base}?limit=%1F`, body: neutral, path: 'query.limit' });
  cases.push({
    label: 'query repeated, second bad',
    url: `${base}?status=a&status=%00`,
    body: neutral,
    path: 'query.status.1',
  });
  cases.push({
    label: 'query 20 kB',
    url: `${base}?q=${'x'.repeat(20_000)}`,
    body: neutral,
    code: 'PAYLOAD_TOO_LARGE',
  });
  if (isGet) {
    cases.push({ label: 'query 5 kB', url: `${base}?q=${'x'.repeat(5_000)}`, mayPass: true });
    cases.push({ label: 'query limit wrong type', url: `${base}?limit=abc&status=%5B%5D`, mayPass: true });
  }

  if (withBody) {
    for (const body of ['null', '[]', '"text"', '0', 'true', '[{"a":1}]'])
      cases.push({ label: `body ${body}`, url: base, body, path: '(root)' });
    cases.push({ label: 'body NUL', url: base, body: '{"name":"a\\u0000b"}', path: 'name' });
    cases.push({ label: 'body lone surrogate', url: base, body: '{"reason":"\\ud800x"}', path: 'reason' });
    cases.push({ label: 'body nested', url: base, body: '{"buyer":{"name":"x\\udfff"}}', path: 'buyer.name' });
    cases.push({ label: 'body key NUL', url: base, body: '{"a\\u0000":1}', path: 'a\\u0000' });
    cases.push({ label: 'body in array', url: base, body: '{"unitIds":["ok","\\u001b"]}', path: 'unitIds.1' });
    cases.push({
      label: 'body wrong types',
      url: base,
      body: '{"name":{"x":[1]},"unitIds":{"y":1},"approve":"yes","token":[]}',
      code: 'VALIDATION_FAILED',
    });
    cases.push({
      label: 'body 1 MB string',
      url: base,
      body: JSON.stringify({ name: 'x'.repeat(1_000_000) }),
      code: 'VALIDATION_FAILED',
      big: true,
    });
    cases.push({
      label: 'body over the limit',
      url: base,
      body: JSON.stringify({ name: 'x'.repeat(route.bodyLimit + 100_000) }),
      code: 'PAYLOAD_TOO_LARGE',
      big: true,
    });
    cases.push({ label: 'body bad JSON', url: base, body: '{"name":', code: 'VALIDATION_FAILED' });
    cases.push({ label: 'body __proto__', url: base, body: '{"__proto__":{"admin":true}}', code: 'VALIDATION_FAILED' });
    cases.push({
      label: 'body text/plain',
      url: base,
      body: 'hello',
      contentType: 'text/plain',
      code: 'VALIDATION_FAILED',
    });
    cases.push({
      label: 'body text/plain NUL',
      url: base,
      body: 'a\u0000b',
      contentType: 'text/plain',
      path: '(root)',
    });
    cases.push({
      label: 'body xml',
      url: base,
      body: '<a/>',
      contentType: 'application/xml',
      code: 'VALIDATION_FAILED',
    });
  }

  // Generated: a refused string at a random depth of the body, in a query value, in a path parameter.
  const params = paramsOf(route.url);
  for (const [{ body, path }, bad, key, n] of sample(fc.tuple(badBody, badString, fieldName, fc.nat()), random)) {
    if (withBody) cases.push({ label: `generated body at ${path}`, url: base, body: JSON.stringify(body), path });
    const encodable = !/[\ud800-\udfff]/.test(bad);
    if (encodable)
      cases.push({
        label: `generated query ${key}`,
        url: `${base}?${key}=${encodeURIComponent(bad)}`,
        body: neutral,
        path: `query.${key}`,
      });
    const param = params[n % Math.max(params.length, 1)];
    if (param && encodable) {
      cases.push({
        label: `generated param ${param}`,
        url: fill(route.url, { name: param, raw: encodeURIComponent(bad) }),
        body: neutral,
        path: `params.${param}`,
      });
    }
  }
  return cases;
}

interface Answer {
  status: number;
  text: string;
}

async function send(method: string, c: Case, token: string | undefined): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (c.body !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
  const res = await fetch(`${server.url}${c.url}`, { method, headers, body: c.body });
  return { status: res.status, text: await res.text() };
}

/** Why the answer breaks the contract, or null. `anonymous`: a schema problem may be met by UNAUTHENTICATED first. */
function judge(method: string, c: Case, a: Answer, anonymous: boolean): string | null {
  if (a.status >= 500) return `${a.status} ${a.text.slice(0, 200)}`;
  if (a.status < 400) {
    if (c.mayPass && a.status >= 200 && a.status < 300) return null;
    return `not refused: ${a.status} ${a.text.slice(0, 200)}`;
  }
  if (method === 'HEAD') return null; // no body by definition; the status was checked
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    return `not JSON: ${a.text.slice(0, 200)}`;
  }
  const keys = Object.keys(body as object);
  const error = (body as { error?: Record<string, unknown> }).error;
  if (keys.length !== 1 || keys[0] !== 'error' || typeof error !== 'object' || error === null)
    return `not the one shape: ${a.text.slice(0, 200)}`;
  if (Object.keys(error).some((k) => !['code', 'message', 'details'].includes(k)))
    return `extra fields: ${a.text.slice(0, 200)}`;
  const code = error.code as ErrorCode;
  if (!ERROR_CODES.includes(code)) return `unregistered code ${String(code)}`;
  if (typeof error.message !== 'string' || error.message === '') return 'no message';
  if (ERROR_HTTP_STATUS[code] !== a.status)
    return `status ${a.status} is not the registry's ${ERROR_HTTP_STATUS[code]} for ${code}`;
  const authFirst = anonymous && c.code === 'VALIDATION_FAILED' && c.path === undefined && code === 'UNAUTHENTICATED';
  if (c.code && code !== c.code && !authFirst) return `code ${code}, expected ${c.code}: ${a.text.slice(0, 200)}`;
  if (c.path !== undefined) {
    if (code !== 'VALIDATION_FAILED')
      return `code ${code}, expected VALIDATION_FAILED at ${c.path}: ${a.text.slice(0, 200)}`;
    const first = (error.details as { path?: string }[] | undefined)?.[0]?.path;
    if (first !== c.path) return `names ${String(first)}, expected ${c.path}: ${a.text.slice(0, 300)}`;
  }
  return null;
}

describe('every registered route', () => {
  it('the fingerprint sees a real change (a lock: Redis, the change log, the audit log)', async () => {
    const before = await prints.take();
    const lock = await fetch(`${server.url}/api/units/${server.fixture.unitIds[5]}/lock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manager}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(lock.status).toBe(200);
    const after = await prints.take();
    const changed = Object.keys(after).filter((k) => before[k] !== after[k]);
    expect(changed).toEqual(expect.arrayContaining(['db:audit_events']));
    expect(changed.some((k) => k.startsWith('redis:'))).toBe(true);
    // Released at once: a lock expiring during the sweep below would be a change of its own.
    const { token } = (await lock.json()) as { token: string };
    const release = await fetch(`${server.url}/api/units/${server.fixture.unitIds[5]}/release`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manager}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(release.status).toBe(200);
  });

  it('refuses generated bad input in the one shape, never a 5xx, and changes nothing', async () => {
    const routes = registeredRoutes(server.kaipan.app);
    // The recorder sees the whole API (a guard installed after the routes would see none).
    expect(routes.length).toBeGreaterThan(100);
    expect(routes).toContainEqual(expect.objectContaining({ method: 'POST', url: '/api/auth/login' }));
    expect(routes).toContainEqual(
      expect.objectContaining({ method: 'POST', url: '/api/projects/:projectId/units/import' }),
    );
    const started = Date.now();
    let count = 0;
    const failures: string[] = [];
    let fpMs = 0;
    let before = await prints.take();
    for (const route of routes) {
      const cases = casesFor(route, 3);
      for (const token of [undefined, manager]) {
        // Megabyte bodies once, as the manager (anonymous callers meet the same parser limit).
        const mine = token ? cases : cases.filter((c) => !c.big);
        // A few at a time: the server is real, the machine is shared.
        for (let i = 0; i < mine.length; i += 8) {
          await Promise.all(
            mine.slice(i, i + 8).map(async (c) => {
              const answer = await send(route.method, c, token);
              count += 1;
              const problem = judge(route.method, c, answer, token === undefined);
              if (problem)
                failures.push(
                  `${route.method} ${route.url} [${token ? 'manager' : 'anonymous'}] ${c.label}: ${problem}`,
                );
            }),
          );
        }
      }
      const t1 = Date.now();
      const after = await prints.take();
      fpMs += Date.now() - t1;
      const changed = Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
      if (changed.length > 0) failures.push(`${route.method} ${route.url}: changed ${changed.join(', ')}`);
      before = after;
    }
    console.log(
      `input fuzz (FUZZ_SEED=${SEED}): ${count} HTTP cases over ${routes.length} routes in ${Date.now() - started} ms (fingerprints ${fpMs} ms)`,
    );
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(1_000);
    // ~20 s alone on a 2-core machine; room for a loaded one.
  }, 300_000);
});

describe('every hub command', () => {
  let socket: HubClient;
  beforeAll(async () => {
    socket = await server.connect({ token: manager });
  });

  function emitRaw(event: string, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 10_000);
      (socket as unknown as { emit: (...a: unknown[]) => void }).emit(event, ...args, (res: unknown) => {
        clearTimeout(timer);
        resolve(res);
      });
    });
  }

  it('refuses generated bad payloads with a coded ack, and changes nothing', async () => {
    const serverSocket = server.kaipan.io.of('/hub').sockets.get(socket.id!);
    const commands = (serverSocket?.eventNames() ?? []).map(String).filter((e) => e.includes(':'));
    expect(commands).toEqual(
      expect.arrayContaining(['project:join', 'project:leave', 'unit:lock', 'unit:release', 'unit:confirm']),
    );
    const before = await prints.take();
    const failures: string[] = [];
    let count = 0;
    const check = async (
      event: string,
      args: unknown[],
      expected: { code: ErrorCode; path?: string },
      label: string,
    ): Promise<void> => {
      const ack = (await emitRaw(event, args)) as {
        ok?: boolean;
        error?: { code?: string; message?: string; details?: { path?: string }[] };
      };
      count += 1;
      const error = ack?.error;
      const ok =
        ack?.ok === false &&
        Object.keys(ack).length === 2 &&
        typeof error?.message === 'string' &&
        error.code === expected.code &&
        (expected.path === undefined || error.details?.[0]?.path === expected.path);
      if (!ok) failures.push(`${event} ${label}: ${JSON.stringify(ack).slice(0, 300)}`);
    };
    const unitId = server.fixture.unitIds[1]!;
    for (const event of commands) {
      const V = { code: 'VALIDATION_FAILED' as const };
      await check(event, [], { ...V, path: '(root)' }, 'no payload');
      await check(event, [{ unitId }, 'extra'], { ...V, path: '(root)' }, 'extra argument');
      for (const payload of [null, 'text', 42, true, [], [{ unitId }], {}])
        await check(event, [payload], V, JSON.stringify(payload));
      await check(event, [{ projectId: 'a\u0000', unitId: 'a\u0000' }], V, 'NUL id');
      await check(
        event,
        [{ unitId, token: '1', buyer: { name: '张\ud800三', phone: '13800000000' } }],
        { ...V, path: 'buyer.name' },
        'surrogate name',
      );
      await check(event, [{ ['k\u0000']: 1 }], { ...V, path: 'k\\u0000' }, 'NUL key');
      await check(event, [{ unitId: 5, projectId: [], token: {} }], V, 'wrong types');
      await check(event, [{ unitId: 'x'.repeat(900_000) }], V, '900 kB id');
      for (const { body, path } of sample(badBody, 40))
        await check(event, [body], { ...V, path }, `generated at ${path}`);
    }
    const reserved = new Set([
      'connect',
      'connect_error',
      'disconnect',
      'disconnecting',
      'newListener',
      'removeListener',
    ]);
    for (const name of sample(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !commands.includes(s) && !reserved.has(s)),
      20,
    )) {
      await check(name, [{ unitId }], { code: 'NOT_FOUND' }, 'unknown command');
    }
    console.log(`input fuzz (FUZZ_SEED=${SEED}): ${count} hub cases over ${commands.length} commands`);
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(200);
    expect(await prints.take()).toEqual(before);
    // The socket is still usable afterwards.
    expect(await emitRaw('project:join', [{ projectId: server.fixture.projectId }])).toMatchObject({ ok: true });
  });
});
