/** The sign-in attempt cap per (username, source) and CSRF protection of cookie-authenticated writes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockResult, LoginResponse, ProjectSnapshot, ProjectSummary } from '@kaipan/shared';
import { http, startTestServer, type TestServer } from './support/app.js';
import { TEST_PASSWORD } from './support/fixture.js';

const RATE = 3; // LOGIN_RATE_PER_MINUTE: 3 attempts per username and source

let server: TestServer;
let manager: string;

beforeAll(async () => {
  server = await startTestServer({
    units: 8,
    consultants: 8,
    env: { LOGIN_RATE_PER_MINUTE: String(RATE), TRUST_PROXY: 'true' },
  });
  manager = (await server.login('manager')).token;
});

afterAll(async () => {
  await server?.close();
});

/** A login attempt that claims (through the trusted proxy header) to come from `ip`. */
async function loginFrom(ip: string, username: string, password = TEST_PASSWORD) {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as LoginResponse & { error?: { code: string; message: string } };
  return { status: res.status, body, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}

/** A raw request with full control over the headers (no automatic content-type or bearer). */
async function raw(method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : null) as { error?: { code: string; message: string } } & Record<string, unknown>,
  };
}

async function unitStatus(unitId: string): Promise<string | undefined> {
  const snap = await http<ProjectSnapshot>(
    server.url,
    'GET',
    `/api/projects/${server.fixture.projectId}/snapshot`,
    manager,
  );
  return snap.body.units.find((u) => u.id === unitId)?.status;
}

async function paused(): Promise<boolean> {
  const projects = await http<ProjectSummary[]>(server.url, 'GET', '/api/projects', manager);
  return projects.body.find((p) => p.id === server.fixture.projectId)!.salesPaused;
}

describe('login limits', () => {
  it('limits attempts per username and IP', async () => {
    for (let i = 0; i < RATE; i++) expect((await loginFrom('198.51.100.7', 's002')).status).toBe(200);
    const refused = await loginFrom('198.51.100.7', 's002');
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('RATE_LIMITED');
    expect((await loginFrom('198.51.100.8', 's002')).status).toBe(200);
  });
  // Failed sign-ins (backoff per username and source, trusted devices, audit): test/login-throttle.test.ts.
});

describe('CSRF: cookie-authenticated writes', () => {
  let cookie: string;
  let token: string;

  beforeAll(async () => {
    const res = await loginFrom('198.51.100.30', 's006');
    expect(res.status).toBe(200);
    cookie = res.cookie!;
    token = res.body.token;
    expect(cookie).toMatch(/^kaipan_token=/);
  });

  it('refuses a cookie-only POST that is not JSON and changes nothing', async () => {
    const unitId = server.fixture.unitIds[0]!;
    const attempts: { headers: Record<string, string>; body?: string }[] = [
      { headers: {} }, // bodyless, no content-type (e.g. fetch no-cors)
      { headers: { 'content-type': 'text/plain' }, body: '{}' }, // what a cross-site "simple" request can send
      { headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: '' },
    ];
    for (const { headers, body } of attempts) {
      const res = await raw('POST', `/api/units/${unitId}/lock`, { cookie, ...headers }, body);
      expect(res, JSON.stringify(headers)).toEqual({
        status: 403,
        body: { error: { code: 'FORBIDDEN', message: 'Cookie-authenticated writes must be JSON.' } },
      });
    }
    // Form encodings are refused too (fastify has no parser for them), before any handler runs.
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await raw('POST', `/api/units/${unitId}/lock`, { cookie, 'content-type': type }, 'a=1');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(await unitStatus(unitId)).toBe('AVAILABLE');

    // A manager's cookie cannot be used to pause sales by a cross-site form either.
    const managerCookie = (await loginFrom('198.51.100.31', 'manager')).cookie!;
    const pause = await raw(
      'POST',
      `/api/projects/${server.fixture.projectId}/pause`,
      { cookie: managerCookie, 'content-type': 'text/plain' },
      '{}',
    );
    expect(pause.status).toBe(403);
    expect(pause.body.error?.code).toBe('FORBIDDEN');
    expect(await paused()).toBe(false);
  });

  it('reads with the cookie alone still work', async () => {
    const me = await raw('GET', '/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { username: 's006' } });
  });

  it('accepts a cookie-only POST with a JSON body', async () => {
    const unitId = server.fixture.unitIds[1]!;
    const lock = await raw(
      'POST',
      `/api/units/${unitId}/lock`,
      { cookie, 'content-type': 'application/json; charset=utf-8' },
      '{}',
    );
    expect(lock.status).toBe(200);
    expect(lock.body).toMatchObject({ unitId, token: expect.any(String) });
    expect(await unitStatus(unitId)).toBe('LOCKED');
    const release = await raw(
      'POST',
      `/api/units/${unitId}/release`,
      { cookie, 'content-type': 'application/json' },
      JSON.stringify({ token: lock.body.token }),
    );
    expect(release).toEqual({ status: 200, body: { unitId } });
    expect(await unitStatus(unitId)).toBe('AVAILABLE');
  });

  it('Bearer requests work as before, with or without a body', async () => {
    const unitId = server.fixture.unitIds[2]!;
    // As the web client sends them: Authorization + JSON.
    const lock = await http<LockResult>(server.url, 'POST', `/api/units/${unitId}/lock`, token, {});
    expect(lock.status).toBe(200);
    const release = await http(server.url, 'POST', `/api/units/${unitId}/release`, token, { token: lock.body.token });
    expect(release).toEqual({ status: 200, body: { unitId } });
    // A bearer token is never sent by a browser on its own: no JSON requirement (and the cookie is ignored).
    const bare = await raw('POST', `/api/units/${unitId}/lock`, { authorization: `Bearer ${token}`, cookie });
    expect(bare.status).toBe(200);
    expect(await unitStatus(unitId)).toBe('LOCKED');
  });
});
