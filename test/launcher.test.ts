/**
 * `npm start` from nothing: embedded PostgreSQL + redis-server + migrations + demo data + server,
 * then SIGINT stops every child process (no orphan postgres or redis-server). Restart reuses data.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoginResponse, ProjectSnapshot, ProjectSummary } from '@kaipan/shared';
import { findFreePort } from '../server/src/infra/ports.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kaipan-launch-'));
// As root, embedded PostgreSQL runs as the 'postgres' user, which must be able to enter the directory.
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Running (a zombie waiting for a container init that never reaps it is not running). */
function pidAlive(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)]).toString().trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

async function childPids(pid: number): Promise<number[]> {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,comm=']).toString();
  const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/));
  const all: number[] = [];
  const walk = (p: number) => {
    for (const [cpid, ppid] of rows) {
      if (Number(ppid) === p) {
        all.push(Number(cpid));
        walk(Number(cpid));
      }
    }
  };
  walk(pid);
  return all;
}

async function launch(port: number): Promise<{ proc: ChildProcess; output: () => string; ready: Promise<number> }> {
  const started = Date.now();
  const proc = spawn('npx', ['tsx', 'scripts/start.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', KAIPAN_DATA_DIR: dataDir, CLIENT_DIST: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the test can press Ctrl-C the way a terminal does (SIGINT to the group).
    detached: true,
  });
  let text = '';
  proc.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      if (text.includes('Demo accounts')) {
        clearInterval(timer);
        resolve(Date.now() - started);
      }
    }, 50);
    proc.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`launcher exited ${code}:\n${text}`));
    });
  });
  return { proc, output: () => text, ready };
}

async function stop(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  process.kill(-proc.pid!, 'SIGINT');
  await exited;
}

describe('npm start', () => {
  it('starts everything, serves the demo, and leaves no orphan on Ctrl-C; a restart keeps the data', async () => {
    const port = await findFreePort();
    const first = await launch(port);
    const ms = await first.ready;
    console.log(`[launcher] first start ready in ${ms} ms\n${first.output()}`);
    const base = `http://127.0.0.1:${port}`;
    expect(first.output()).toContain('kaipan-demo');
    expect(first.output()).toMatch(/board\/[0-9a-f-]{36}\?key=demo-board-key-/);
    const health = await (await fetch(`${base}/api/health`)).json();
    expect(health).toEqual({ ok: true, postgres: 'up', redis: 'up' });

    const login = (await (await fetch(`${base}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'c007', password: 'kaipan-demo' }),
    })).json()) as LoginResponse;
    const projects = (await (await fetch(`${base}/api/projects`, { headers: { authorization: `Bearer ${login.token}` } })).json()) as ProjectSummary[];
    expect(projects[0]).toMatchObject({ code: 'DEMO-YHF', name: '云湖府', nameEn: 'Yunhu Residences', unitCount: 355 });
    const snapshot = (await (await fetch(`${base}/api/projects/${projects[0]!.id}/snapshot`, { headers: { authorization: `Bearer ${login.token}` } })).json()) as ProjectSnapshot;
    const lock = await fetch(`${base}/api/units/${snapshot.units.find((u) => u.status === 'AVAILABLE')!.id}/lock`, {
      method: 'POST', headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' }, body: '{}',
    });
    expect(lock.status).toBe(200);

    const children = await childPids(first.proc.pid!);
    expect(children.length).toBeGreaterThan(1);
    await stop(first.proc);
    await new Promise((r) => setTimeout(r, 500));
    expect(children.filter(pidAlive)).toEqual([]);

    const second = await launch(port);
    const again = await second.ready;
    console.log(`[launcher] restart ready in ${again} ms`);
    expect(second.output()).toContain('demo project present');
    const withSession = await fetch(`${base}/api/projects`, { headers: { authorization: `Bearer ${login.token}` } });
    expect(withSession.status).toBe(200);
    await stop(second.proc);
  }, 120_000);
});
