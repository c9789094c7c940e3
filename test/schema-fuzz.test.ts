/**
 * Fuzzing derived from the contract (issue 16, "Proofs: Fuzz"): for every route of the route table
 * (shared/src/api) and every hub command (shared/src/socket-events.ts), fast-check generates
 * malformed params, queries and bodies from the route's own zod schemas (test/support/malformed.ts)
 * plus bad content types and oversize bodies, and sends them to a real server (PostgreSQL, Redis)
 * as a signed-in manager and a signed-in consultant — past authentication, into validation.
 *
 * Properties: no answer ≥ 500; the server process stays up (it answers /api/health, no socket
 * is dropped, Object.prototype is untouched); every refusal is in the one shape with a code of the
 * registry and of the route's declared codes; nothing changed — a digest of every table (the audit
 * log included) and every Redis key (locks, counters, the mirror) is the same after each route.
 * A case is only sent when the schema itself refuses it (the oracle), so a 2xx is a finding too.
 *
 * `npm test` runs the short form; `npm run fuzz` the long one (FUZZ_RUNS cases per route and caller).
 * FUZZ_SEED=<the printed seed> replays a run.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { parse as parseQuery } from 'fast-querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API,
  ERROR_CODES,
  ERROR_HTTP_STATUS,
  HUB_COMMANDS,
  errorCodesOf,
  type ApiRoute,
  type ErrorCode,
  type RouteGroup,
} from '@kaipan/shared';
import { startTestServer, type HubClient, type TestServer } from './support/app.js';
import { fingerprinter, type Fingerprinter } from './support/fingerprint.js';
import { hostileValue, malformedFrom, parsedAsServerSees, refuses, toJsonText } from './support/malformed.js';

/** Generated cases per route and caller (the long form sets more). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2);
/** Generated payloads per hub command and caller. */
const HUB_RUNS = Number(process.env.FUZZ_HUB_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
let sampled = 0;
const sample = <T>(arb: fc.Arbitrary<T>, numRuns: number): T[] => fc.sample(arb, { numRuns, seed: SEED + sampled++ });

let server: TestServer;
let prints: Fingerprinter;
const callers: { name: string; token: string }[] = [];

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2 });
  callers.push({ name: 'manager', token: (await server.login('manager')).token });
  callers.push({ name: 'consultant', token: (await server.login('s001')).token });
  prints = await fingerprinter(server);
});

afterAll(async () => {
  await prints?.close();
  await server?.close();
});

interface Case {
  label: string;
  url: string;
  body?: string;
  contentType?: string;
}

/** Real ids where the parameter's name says which (so a valid parameter reaches the services). */
function realParams(route: ApiRoute): Record<string, string> {
  const f = server.fixture;
  const real: Record<string, string> = {
    projectId: f.projectId,
    unitId: f.unitIds[0]!,
    batchId: f.pendingBatchId,
    '*': 'not-a-document',
    token: 'A'.repeat(22),
  };
  const names = route.path.split('/').flatMap((s) => (s.startsWith(':') ? [s.slice(1)] : s === '*' ? ['*'] : []));
  return Object.fromEntries(names.map((n) => [n, real[n] ?? randomUUID()]));
}

function urlOf(route: ApiRoute, params: Record<string, string>, query = ''): string {
  const path = route.path.replace(/:([A-Za-z0-9_]+)|\*$/g, (_m, name: string | undefined) => params[name ?? '*']!);
  return `${path}${query ? `?${query}` : ''}`;
}

/** A generated value as query text: arrays repeat the key, objects and raw tokens go as their JSON text. */
function queryText(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const parts: string[] = [];
  const one = (v: unknown): string => {
    if (typeof v === 'string') return v.startsWith('\u0001raw:') ? v.slice(5) : v;
    return v !== null && typeof v === 'object' ? toJsonText(v) : String(v);
  };
  try {
    for (const [key, v] of Object.entries(value))
      for (const item of Array.isArray(v) ? v : [v])
        parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(one(item))}`);
  } catch {
    return null; // a lone surrogate cannot be percent-encoded as UTF-8
  }
  return parts.join('&');
}

/** The malformed cases of one route, each one its own schema refuses (or that no schema could accept). */
function casesFor(route: ApiRoute, runs: number, fixed: boolean): Case[] {
  const cases: Case[] = [];
  const params = realParams(route);
  const base = urlOf(route, params);
  const takesBody = route.method !== 'GET' && !route.rawBody;

  // Generated from the params schema: one parameter replaced by a hostile string.
  const names = Object.keys(params);
  if (route.params && names.length > 0) {
    for (const [pick, value] of sample(fc.tuple(fc.nat(), hostileValue), runs)) {
      const name = names[pick % names.length]!;
      const text =
        typeof value === 'string' ? (value.startsWith('\u0001raw:') ? value.slice(5) : value) : toJsonText(value);
      if (text === '' || !refuses(route.params, { ...params, [name]: text })) continue;
      let encoded: string;
      try {
        encoded = encodeURIComponent(text);
      } catch {
        continue;
      }
      cases.push({
        label: `param ${name}=${text.slice(0, 40)}`,
        url: urlOf(route, { ...params, [name]: encoded }),
        body: takesBody ? '{}' : undefined,
      });
    }
  }
  // Generated from the query schema.
  if (route.query) {
    for (const value of sample(malformedFrom(route.query), runs)) {
      const text = queryText(value);
      if (text === null || !refuses(route.query, { ...parseQuery(text) })) continue;
      cases.push({
        label: `query ${text.slice(0, 80)}`,
        url: urlOf(route, params, text),
        body: takesBody ? '{}' : undefined,
      });
    }
  }
  // Generated from the body schema.
  if (takesBody && route.body) {
    for (const value of sample(malformedFrom(route.body), runs)) {
      if (value === undefined) continue; // no body at all stands for {} (register-api.ts)
      const text = toJsonText(value);
      const seen = parsedAsServerSees(text);
      if (seen.ok && !refuses(route.body, seen.value ?? {})) continue;
      cases.push({ label: `body ${text.slice(0, 80)}`, url: base, body: text });
    }
  }
  // Bodies no route takes: not JSON, not an object, over the limit, prototype keys, 200,000 levels deep.
  if (takesBody && fixed) {
    cases.push({
      label: 'form',
      url: base,
      body: 'a=1&__proto__[admin]=1',
      contentType: 'application/x-www-form-urlencoded',
    });
    cases.push({
      label: 'multipart',
      url: base,
      body: '--x\r\n\r\n--x--',
      contentType: 'multipart/form-data; boundary=x',
    });
    cases.push({ label: 'truncated JSON', url: base, body: '{"a":[1,2', contentType: 'application/json' });
    cases.push({ label: 'array body', url: base, body: '[{}]', contentType: 'application/json' });
    cases.push({ label: 'deep body', url: base, body: `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}` });
    cases.push({
      label: 'oversize body',
      url: base,
      body: `{"a":"${'x'.repeat((route.bodyLimit ?? 1_048_576) + 1_000)}"}`,
    });
    // The same bytes under a wrong content type, a BOM or a charset they are not in: refused when
    // the bytes themselves are (a route that takes `{}` may take `{}` however it is labelled).
    const bad = '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}';
    if (refuses(route.body, JSON.parse(bad))) {
      cases.push({ label: 'proto body', url: base, body: bad });
      cases.push({ label: 'text/plain', url: base, body: bad, contentType: 'text/plain' });
      cases.push({ label: 'json utf-16', url: base, body: bad, contentType: 'application/json; charset=utf-16' });
      cases.push({ label: 'json with BOM', url: base, body: `\ufeff${bad}`, contentType: 'application/json' });
    }
  }
  return cases;
}

async function send(method: string, c: Case, token: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (c.body !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
  const res = await fetch(`${server.url}${c.url}`, { method, headers, body: c.body });
  return { status: res.status, text: await res.text() };
}

/** Why the answer breaks the contract, or null: a refusal in the one shape, with a registered code the route declares. */
function judge(route: ApiRoute, a: { status: number; text: string }): string | null {
  if (a.status >= 500) return `${a.status} ${a.text.slice(0, 300)}`;
  if (a.status < 400) return `not refused: ${a.status} ${a.text.slice(0, 200)}`;
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    return `not JSON: ${a.text.slice(0, 200)}`;
  }
  const error = (body as { error?: Record<string, unknown> }).error;
  if (Object.keys(body as object).join() !== 'error' || typeof error !== 'object' || error === null)
    return `not the one shape: ${a.text.slice(0, 200)}`;
  const code = error.code as ErrorCode;
  if (!ERROR_CODES.includes(code)) return `unregistered code ${String(code)}`;
  if (typeof error.message !== 'string' || error.message === '') return 'no message';
  if (ERROR_HTTP_STATUS[code] !== a.status) return `status ${a.status} is not the registry's for ${code}`;
  if (!errorCodesOf(route).includes(code)) return `undeclared code ${code}: ${a.text.slice(0, 200)}`;
  return null;
}

async function healthy(): Promise<boolean> {
  const res = await fetch(`${server.url}/api/health`).catch(() => null);
  return res !== null && res.status < 500;
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join();

describe('fuzz derived from the route table', () => {
  it('refuses every generated malformed request in the one shape, never a 5xx, and changes nothing', async () => {
    const routes = Object.values(API).flatMap((group) => Object.values(group as RouteGroup));
    expect(routes.length).toBeGreaterThan(100);
    const started = Date.now();
    let count = 0;
    const failures: string[] = [];
    /** Answers by code: most must be the validator's (the cases get past authentication). */
    const codes = new Map<string, number>();
    let before = await prints.take();
    for (const route of routes) {
      for (const [index, caller] of callers.entries()) {
        // The fixed cases (content types, deep and oversize bodies) once per route, as the manager.
        const cases = casesFor(route, RUNS, index === 0);
        for (let i = 0; i < cases.length; i += 8) {
          await Promise.all(
            cases.slice(i, i + 8).map(async (c) => {
              const answer = await send(route.method, c, caller.token);
              count += 1;
              const code = /"code":"([A-Z_]+)"/.exec(answer.text)?.[1] ?? String(answer.status);
              codes.set(code, (codes.get(code) ?? 0) + 1);
              const problem = judge(route, answer);
              if (problem) failures.push(`${route.method} ${route.path} [${caller.name}] ${c.label}: ${problem}`);
            }),
          );
        }
      }
      const after = await prints.take();
      const changed = Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
      if (changed.length > 0) failures.push(`${route.method} ${route.path}: changed ${changed.join(', ')}`);
      before = after;
      if (!(await healthy())) failures.push(`${route.method} ${route.path}: the server stopped answering`);
    }
    console.log(
      `schema fuzz (FUZZ_SEED=${SEED}): ${count} HTTP cases over ${routes.length} routes, ${failures.length} findings, ${Date.now() - started} ms; answers ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    expect(codes.get('VALIDATION_FAILED') ?? 0).toBeGreaterThan(count / 2);
    expect(failures.slice(0, 40)).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort().join()).toBe(PROTOTYPE_KEYS);
    expect(count).toBeGreaterThan(RUNS * 100);
  }, 3_600_000);
});

describe('fuzz derived from the hub event map', () => {
  const sockets: HubClient[] = [];
  beforeAll(async () => {
    for (const caller of callers) sockets.push(await server.connect({ token: caller.token }));
  });

  function emitRaw(socket: HubClient, event: string, payload: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 10_000);
      (socket as unknown as { emit: (...a: unknown[]) => void }).emit(event, payload, (res: unknown) => {
        clearTimeout(timer);
        resolve(res);
      });
    });
  }

  it('refuses every generated malformed payload with a coded ack, keeps the sockets, and changes nothing', async () => {
    const before = await prints.take();
    const failures: string[] = [];
    let count = 0;
    for (const [event, schema] of Object.entries(HUB_COMMANDS)) {
      // Socket.IO carries JSON-like values only: raw tokens stay strings here, which the schemas refuse too.
      const payloads = sample(malformedFrom(schema), HUB_RUNS).filter((p) => refuses(schema, p));
      for (const [index, socket] of sockets.entries()) {
        for (const payload of payloads) {
          const ack = (await emitRaw(socket, event, payload)) as {
            ok?: boolean;
            error?: { code?: string; message?: string };
          };
          count += 1;
          const code = ack?.error?.code as ErrorCode | undefined;
          const ok =
            ack?.ok === false &&
            code !== undefined &&
            ERROR_CODES.includes(code) &&
            ERROR_HTTP_STATUS[code] < 500 &&
            typeof ack.error?.message === 'string';
          if (!ok)
            failures.push(
              `${event} [${callers[index]!.name}] ${JSON.stringify(payload)?.slice(0, 120)}: ${JSON.stringify(ack).slice(0, 200)}`,
            );
        }
        if (!socket.connected) failures.push(`${event} [${callers[index]!.name}]: the socket was dropped`);
      }
    }
    console.log(
      `schema fuzz (FUZZ_SEED=${SEED}): ${count} hub payloads over ${Object.keys(HUB_COMMANDS).length} commands`,
    );
    expect(failures.slice(0, 40)).toEqual([]);
    expect(await prints.take()).toEqual(before);
    expect(count).toBeGreaterThan(HUB_RUNS);
    expect(await emitRaw(sockets[0]!, 'project:join', { projectId: server.fixture.projectId })).toMatchObject({
      ok: true,
    });
  }, 600_000);
});
