/**
 * The build output, as production runs it: `node dist/scripts/start.js` (built first when stale, like
 * `npm start`) against the test PostgreSQL — an EMPTY database, so the compiled migrator applies
 * dist/prisma/migrations and the compiled seed runs — and the test Redis. Then a sign-in (the login
 * throttle's Lua scripts), a lock (the selling Lua scripts) and a PDF (the render thread:
 * render-bootstrap.mjs → render-thread.js, the fonts): a runtime file the build forgot to copy, or a
 * TypeScript import left in the output, fails here. And no TypeScript loader in the serving process.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse, ProjectSnapshot, ProjectSummary } from '@kaipan/shared';
import { findFreePort } from '../server/src/infra/ports.js';
import { COMPILED_START, launch, makeDataDir, type Launched } from './support/launch.js';
import { createEmptyDatabase, testRedisUrl, uniqueRedisPrefix, type TestDatabase } from './support/services.js';

let database: TestDatabase;
let launched: Launched;
let base: string;
const data = makeDataDir();

beforeAll(async () => {
  database = await createEmptyDatabase();
  const port = await findFreePort();
  base = `http://127.0.0.1:${port}`;
  launched = launch({
    port,
    dataDir: data.dir,
    env: { DATABASE_URL: database.url, REDIS_URL: testRedisUrl(), REDIS_PREFIX: uniqueRedisPrefix() },
  });
  await launched.ready;
}, 180_000);

afterAll(async () => {
  await launched?.stop();
  await database?.drop();
  data.remove();
});

async function login(username: string, password: string): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as LoginResponse;
  return { authorization: `Bearer ${body.token}` };
}

describe('the compiled server (dist/)', () => {
  it('runs as plain JavaScript: no TypeScript loader in the serving process', () => {
    const pid = launched.proc.pid!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(cmdline.slice(1)).toEqual([COMPILED_START]);
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const nodeOptions = environ.find((e) => e.startsWith('NODE_OPTIONS=')) ?? '';
    expect(`${cmdline.join(' ')} ${nodeOptions}`).not.toMatch(/tsx|ts-node|typescript/);
    // The migrations and the demo seed ran from the build too (dist/scripts/db.js in child processes).
    expect(launched.output()).toMatch(/migrations: Applied \d+ migration/);
    expect(launched.output()).toContain('demo project created');
  });

  it('signs in, locks a unit and renders a PDF', async () => {
    const consultant = await login('c007', 'kaipan-demo');
    const projects = (await (await fetch(`${base}/api/projects`, { headers: consultant })).json()) as ProjectSummary[];
    const project = projects.find((p) => p.code === 'DEMO-YHF')!;
    const snapshot = (await (
      await fetch(`${base}/api/projects/${project.id}/snapshot`, { headers: consultant })
    ).json()) as ProjectSnapshot;
    const unit = snapshot.units.find((u) => u.status === 'AVAILABLE')!;
    const lock = await fetch(`${base}/api/units/${unit.id}/lock`, {
      method: 'POST',
      headers: { ...consultant, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(lock.status).toBe(200);
    const after = (await (
      await fetch(`${base}/api/projects/${project.id}/snapshot`, { headers: consultant })
    ).json()) as ProjectSnapshot;
    expect(after.units.find((u) => u.id === unit.id)?.status).toBe('LOCKED');

    const manager = await login('manager', 'kaipan-manager');
    const preview = await fetch(`${base}/api/projects/${project.id}/agreement/preview`, {
      method: 'POST',
      headers: { ...manager, 'content-type': 'application/json' },
      body: JSON.stringify({ terms: '', signingDays: 7 }),
    });
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toContain('application/pdf');
    const pdf = Buffer.from(await preview.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000); // with the embedded CJK font subset

    // The API reference page: files read beside its module at start (http/api-docs).
    const docs = await fetch(`${base}/api/docs`);
    expect(docs.status).toBe(200);
  }, 60_000);
});
