/**
 * The route table is the contract (issue 13): every route the server registers is in the table and
 * in the published OpenAPI document with its request and success schemas; the credentials gate
 * answers for every non-public route; the API reference page renders the document in headless
 * Chromium under the Content-Security-Policy. (Every answer the suite gets through `http` is checked
 * against the table too: test/support/app.ts `checkContract`.)
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { API_ROUTES, type ApiRoute } from '@kaipan/shared';
import { http, startTestServer, type TestServer } from './support/app.js';
import { launchChromium } from './support/browser.js';

let server: TestServer;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startTestServer({ units: 4, consultants: 1 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** fastify's `:name` and `*` as OpenAPI's `{name}`. */
const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');

interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: Record<string, string[]>[];
}

/** A schema that says nothing about an answer: `z.unknown()` / `z.any()` (an untyped route). */
const isUntyped = (schema: z.ZodType): boolean => ['unknown', 'any'].includes(schema.def.type);

describe('the route table', () => {
  it('is what the server registers: every /api route is in the table, every route of the table is registered', () => {
    const registered = server.kaipan.routes
      .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    const table = API_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(registered).toEqual(table);
    expect(new Set(table).size).toBe(table.length);
  });

  it('names a permission, error codes of the registry and a success answer for every route', () => {
    for (const route of API_ROUTES) {
      expect(route.access, route.path).toEqual(expect.any(String));
      expect(Object.keys(route.responses).length > 0 || route.file !== undefined, `${route.method} ${route.path}`).toBe(
        true,
      );
    }
    // Every JSON answer is a schema of the table (issue 13: no route is typed by a TypeScript type alone).
    const untyped = API_ROUTES.filter((r) => Object.values(r.responses).some((s) => isUntyped(s))).map(
      (r) => `${r.feature}.${r.name}`,
    );
    expect(untyped).toEqual([]);
  });
});

describe('GET /api/openapi.json', () => {
  it('lists every operation with its request schemas, 2xx answers and security', async () => {
    const res = await http<{
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, unknown> };
    }>(server.url, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'cookie', 'deviceKey']);
    const missing: string[] = [];
    for (const route of API_ROUTES as readonly (ApiRoute & { feature: string; name: string })[]) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      if (!op) {
        missing.push(`${route.method} ${route.path}`);
        continue;
      }
      expect(op.operationId).toBe(`${route.feature}.${route.name}`);
      const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
      expect(success.length, `${route.method} ${route.path}: a 2xx answer`).toBeGreaterThan(0);
      for (const [, answer] of success) {
        expect(Object.keys(answer.content ?? {}).length, `${route.method} ${route.path}: typed 2xx`).toBeGreaterThan(0);
        // A JSON answer is described (a type, properties or a reference), never the empty schema of `unknown`.
        const json = answer.content?.['application/json']?.schema as Record<string, unknown> | undefined;
        if (json)
          expect(
            Object.keys(json).filter((k) => k !== 'description' && k !== '$schema'),
            `${route.method} ${route.path}: a JSON answer with a schema`,
          ).not.toEqual([]);
      }
      if (route.body)
        expect(
          op.requestBody?.content['application/json']?.schema,
          `${route.method} ${route.path}: body`,
        ).toBeDefined();
      for (const name of [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1])) {
        expect(
          op.parameters?.some((p) => p.in === 'path' && p.name === name),
          `${route.path}: parameter ${name}`,
        ).toBe(true);
      }
      expect(op.security, route.path).toEqual(
        route.access === 'public' ? [] : expect.arrayContaining([{ bearer: [] }]),
      );
    }
    expect(missing).toEqual([]);
  });
});

describe('the gate', () => {
  it('answers UNAUTHENTICATED for every non-public route called without credentials, before validation', async () => {
    const wrong: string[] = [];
    for (const route of API_ROUTES.filter((r) => r.access !== 'public')) {
      const path = route.path.replace(/:[A-Za-z0-9_]+/g, '00000000-0000-4000-8000-000000000000');
      const res = await http<{ error?: { code: string } }>(
        server.url,
        route.method,
        path,
        undefined,
        route.method === 'GET' ? undefined : {},
      );
      if (res.status !== 401 || res.body.error?.code !== 'UNAUTHENTICATED')
        wrong.push(`${route.method} ${route.path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the API reference page', () => {
  it('renders every operation of the document in Chromium, under the CSP, with no violation', async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __csp?: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto(`${server.url}/api/docs`);
    expect(response?.status()).toBe(200);
    expect((await response!.allHeaders())['content-security-policy']).toContain("default-src 'self'");
    await page.locator('details').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('details').count()).toBe(API_ROUTES.length);
    await page.fill('#filter', 'lock');
    expect(await page.locator('details:not([hidden])').count()).toBeLessThan(API_ROUTES.length);
    const inPage = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    expect([...violations, ...inPage]).toEqual([]);
    await context.close();
  }, 60_000);
});
