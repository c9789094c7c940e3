/**
 * Security headers (issue 12) on every kind of response: API (success and error), index.html of the
 * client and the kiosk app, static assets; HSTS and `Secure` cookies only when the request came over
 * TLS (directly, or through the trusted proxy's X-Forwarded-Proto).
 */
import { readdirSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/app.js';
import { ensureBuilt } from './support/browser.js';
import { TEST_PASSWORD } from './support/fixture.js';

let server: TestServer;

beforeAll(async () => {
  ensureBuilt('client');
  ensureBuilt('kiosk');
  server = await startTestServer({
    units: 2,
    consultants: 2,
    env: { CLIENT_DIST: 'client/dist', KIOSK_DIST: 'kiosk/dist', TRUST_PROXY: 'true' },
  });
});

afterAll(async () => {
  await server?.close();
});

/** The CSP as a map directive → sources. */
function csp(headers: Headers): Map<string, string[]> {
  const value = headers.get('content-security-policy') ?? '';
  return new Map(
    value
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...sources] = d.split(/\s+/);
        return [name!, sources];
      }),
  );
}

function expectSecurityHeaders(res: Response, what: string): void {
  const h = res.headers;
  expect(h.get('x-content-type-options'), what).toBe('nosniff');
  expect(h.get('x-frame-options'), what).toBe('SAMEORIGIN');
  expect(h.get('referrer-policy'), what).toBe('no-referrer');
  const policy = csp(h);
  expect(policy.get('default-src'), what).toEqual(["'self'"]);
  expect(policy.get('script-src'), what).toEqual(["'self'"]);
  expect(policy.get('frame-ancestors'), what).toEqual(["'self'"]);
  expect(policy.get('object-src'), what).toEqual(["'none'"]);
  const host = new URL(server.url).host;
  expect(policy.get('connect-src'), what).toEqual(["'self'", `ws://${host}`, `wss://${host}`, 'blob:']);
  expect(policy.get('img-src'), what).toEqual(["'self'", 'data:', 'blob:']);
  expect(policy.get('frame-src'), what).toEqual(["'self'", 'blob:']);
  // Plain HTTP: no HSTS (a browser would ignore it; over TLS see below).
  expect(h.get('strict-transport-security'), what).toBeNull();
}

describe('security headers', () => {
  it('are on API responses, success and error', async () => {
    expectSecurityHeaders(await fetch(`${server.url}/api/health`), 'GET /api/health');
    const refused = await fetch(`${server.url}/api/auth/me`);
    expect(refused.status).toBe(401);
    expectSecurityHeaders(refused, '401');
    const missing = await fetch(`${server.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing, '404');
  });

  it("are on both apps' index.html and on static assets", async () => {
    for (const path of [
      '/',
      '/login',
      `/p/${server.fixture.projectId}`,
      `/board/${server.fixture.projectId}`,
      '/queue',
      '/queue/screen',
      '/cashier',
    ]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      expectSecurityHeaders(res, path);
    }
    const clientAsset = readdirSync('client/dist/assets').find((f) => f.endsWith('.js'))!;
    const kioskAsset = readdirSync('kiosk/dist/assets').find((f) => f.endsWith('.css'))!;
    for (const path of [`/assets/${clientAsset}`, `/queue/assets/${kioskAsset}`]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expectSecurityHeaders(res, path);
    }
  });

  it('HSTS and Secure cookies only over TLS (X-Forwarded-Proto through the trusted proxy)', async () => {
    const login = (proto?: string) =>
      fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(proto ? { 'x-forwarded-proto': proto } : {}) },
        body: JSON.stringify({ username: 's001', password: TEST_PASSWORD }),
      });
    const plain = await login();
    expect(plain.status).toBe(200);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const plainCookies = plain.headers.getSetCookie();
    expect(plainCookies.length).toBe(2); // session + trusted device
    for (const c of plainCookies) {
      expect(c).toMatch(/HttpOnly/i);
      expect(c).not.toMatch(/;\s*Secure/i);
    }

    const tls = await login('https');
    expect(tls.status).toBe(200);
    expect(tls.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const tlsCookies = tls.headers.getSetCookie();
    expect(tlsCookies.length).toBe(2);
    for (const c of tlsCookies) expect(c).toMatch(/;\s*Secure/i);
    expect(
      (await fetch(`${server.url}/`, { headers: { 'x-forwarded-proto': 'https' } })).headers.get(
        'strict-transport-security',
      ),
    ).toBe('max-age=31536000; includeSubDomains');
  });

  it('a crafted Host header cannot add directives', async () => {
    const { port } = new URL(server.url);
    const { status, headers } = await new Promise<{ status: number; headers: IncomingHttpHeaders }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/health',
            headers: { host: "evil.example; script-src 'unsafe-inline'" },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, headers: res.headers });
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(status).toBeLessThan(500);
    expect(headers['content-security-policy']).toBeDefined();
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['content-security-policy']).not.toContain('evil.example');
  });
});
