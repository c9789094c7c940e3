/**
 * `npm start` from nothing: embedded PostgreSQL + redis-server + migrations + demo data + server,
 * then Ctrl-C stops every child process (no orphan postgres or redis-server). Restart reuses data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { LoginResponse, ProjectSnapshot, ProjectSummary } from '@kaipan/shared';
import { findFreePort } from '../server/src/infra/ports.js';
import { descendants, launch, makeDataDir, pidAlive } from './support/launch.js';

const data = makeDataDir();
afterAll(() => data.remove());

describe('npm start', () => {
  it('starts everything, serves the demo, and leaves no orphan on Ctrl-C; a restart keeps the data', async () => {
    const port = await findFreePort();
    const first = launch({ port, dataDir: data.dir });
    const ms = await first.ready;
    console.log(`[launcher] first start ready in ${ms} ms\n${first.output()}`);
    const base = `http://127.0.0.1:${port}`;
    expect(first.output()).toContain('kaipan-demo');
    expect(first.output()).toMatch(/board\/[0-9a-f-]{36}\?key=demo-board-key-/);
    expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ ok: true, postgres: 'up', redis: 'up' });

    const login = (await (
      await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'c007', password: 'kaipan-demo' }),
      })
    ).json()) as LoginResponse;
    const auth = { authorization: `Bearer ${login.token}` };
    const projects = (await (await fetch(`${base}/api/projects`, { headers: auth })).json()) as ProjectSummary[];
    expect(projects[0]).toMatchObject({ code: 'DEMO-YHF', name: '云湖府', nameEn: 'Yunhu Residences', unitCount: 355 });
    const snapshot = (await (
      await fetch(`${base}/api/projects/${projects[0]!.id}/snapshot`, { headers: auth })
    ).json()) as ProjectSnapshot;
    const lock = await fetch(`${base}/api/units/${snapshot.units.find((u) => u.status === 'AVAILABLE')!.id}/lock`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(lock.status).toBe(200);

    const children = descendants(first.proc.pid!);
    expect(children.length).toBeGreaterThan(1);
    await first.stop(); // waits for the launch's processes to be gone (up to 30 s)
    expect(children.filter(pidAlive)).toEqual([]);

    const second = launch({ port, dataDir: data.dir });
    console.log(`[launcher] restart ready in ${await second.ready} ms`);
    expect(second.output()).toContain('demo project present');
    expect((await fetch(`${base}/api/projects`, { headers: auth })).status).toBe(200);
    await second.stop();
  }, 180_000);
});
