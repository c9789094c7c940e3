/**
 * A production install from nothing: `KAIPAN_DEMO=0 npm start` has no users and prints a one-time
 * setup code; `npm run admin` (scripts/admin.ts, spawned for real) works against the same data
 * directory with the server running (its PostgreSQL) and stopped (started for the command), and
 * against DATABASE_URL; exit codes 0 / 1 (refused) / 2 (usage).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { CreatedUser, LoginResponse } from '@kaipan/shared';
import { createDb } from '../server/src/infra/db.js';
import { findFreePort } from '../server/src/infra/ports.js';
import { verifyPassword } from '../server/src/domain/passwords.js';
import { launch, makeDataDir } from './support/launch.js';
import { createTestDatabase } from './support/services.js';

const data = makeDataDir();
afterAll(() => data.remove());

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- <args>` as a script would run it (stdin not a terminal). */
function admin(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'npx',
      ['tsx', 'scripts/admin.ts', ...args],
      { env: { ...process.env, DATABASE_URL: undefined, KAIPAN_PASSWORD: undefined, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

async function post<T>(base: string, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe('a production install', () => {
  it('starts with no users and a setup code; the admin CLI works with the server running and stopped', async () => {
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      KAIPAN_DEMO: '0',
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      CUSTOMER_DATA_KEY: randomBytes(32).toString('base64'),
    };
    const dataEnv = { KAIPAN_DATA_DIR: data.dir };
    const first = launch({ port, dataDir: data.dir, env, readyText: 'No administrator yet' });
    await first.ready;
    const banner = first.output();
    expect(banner).not.toContain('Demo accounts');
    expect(banner).not.toContain('kaipan-admin');
    const code = /setup code\s+([A-Z2-9]{5}-[A-Z2-9]{5})/.exec(banner)?.[1];
    expect(code).toBeDefined();
    // The server's own log has it too (the line a service manager's journal keeps).
    expect(banner).toContain(`"setupCode":"${code}"`);

    try {
      // Server running: the CLI uses its PostgreSQL.
      const empty = await admin(['list-users'], dataEnv);
      expect(empty.code).toBe(0);
      expect(empty.stderr).toContain("the running server's PostgreSQL");
      expect(empty.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^USERNAME\s+NAME\s+ROLE/)]);

      const created = await admin(['create-user', 'ops', '--display-name', '运营'], {
        ...dataEnv,
        KAIPAN_PASSWORD: 'harbour-lights-2026',
      });
      expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('created user ops') });
      const twice = await admin(['create-user', 'ops'], { ...dataEnv, KAIPAN_PASSWORD: 'harbour-lights-2026' });
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain('exists already');
      const noPassword = await admin(['create-user', 'nopass'], dataEnv);
      expect(noPassword.code).toBe(2);
      expect(noPassword.stderr).toContain('KAIPAN_PASSWORD');

      // The first administrator in the browser's way, with the printed code.
      const owner = await post<CreatedUser>(base, '/api/setup/first-run', {
        code,
        username: 'owner',
        displayName: '业主方管理员',
        password: 'river-stone-2026',
      });
      expect(owner.status).toBe(201);
      const signedIn = await post<LoginResponse>(base, '/api/auth/login', {
        username: 'owner',
        password: 'river-stone-2026',
      });
      expect(signedIn.body.user.admin).toBe(true);
      const again = await post<{ error: { code: string } }>(base, '/api/setup/first-run', {
        code,
        username: 'second',
        displayName: 'Second',
        password: 'river-stone-2026',
      });
      expect(again.body.error.code).toBe('ALREADY_SET_UP');
    } finally {
      await first.stop();
    }

    // Server stopped: the CLI starts the embedded PostgreSQL for the command.
    const reset = await admin(['reset-password', 'ops', '--generate'], dataEnv);
    expect(reset.code).toBe(0);
    expect(reset.stderr).toContain('started for this command');
    const temporary = /temporary password of ops: (\S+)/.exec(reset.stdout)?.[1];
    expect(temporary).toBeDefined();
    expect((await admin(['deactivate', 'nobody'], dataEnv)).code).toBe(1);
    expect((await admin(['frobnicate'], dataEnv)).code).toBe(2);
    const help = await admin(['--help'], dataEnv);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('create-user <username>');

    const second = launch({ port, dataDir: data.dir, env, readyText: 'is running' });
    try {
      await second.ready;
      expect(second.output()).not.toContain('No administrator yet');
      const ops = await post<LoginResponse>(base, '/api/auth/login', { username: 'ops', password: temporary });
      expect(ops.status).toBe(200);
      expect(ops.body.passwordChangeRequired).toBe(true);
      const list = await admin(['list-users'], dataEnv);
      expect(list.stdout).toMatch(/owner\s+业主方管理员\s+ADMIN\s+active\s+\d{4}-/);
      // No project in this install: no role anywhere yet.
      expect(list.stdout).toMatch(/ops\s+运营\s+-\s+active/);
    } finally {
      await second.stop();
    }
  }, 300_000);

  it('npm run admin against DATABASE_URL', async () => {
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url };
    const created = await admin(['create-user', 'root2', '--role', 'ADMIN'], {
      ...env,
      KAIPAN_PASSWORD: 'root-password-77',
    });
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('DATABASE_URL');
    const weak = await admin(['create-user', 'weakling'], { ...env, KAIPAN_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('at least 10 characters');
    expect((await admin(['create-user', 'root2'], { ...env, KAIPAN_PASSWORD: 'root-password-77' })).code).toBe(1);
    expect(
      (await admin(['create-user', 'x', '--role', 'WIZARD'], { ...env, KAIPAN_PASSWORD: 'root-password-77' })).code,
    ).toBe(2);
    expect((await admin(['deactivate', 'root2'], env)).code).toBe(0);

    const db = createDb(database.url, 1);
    try {
      // A project role needs its project; a seat is audited like one given in the web app.
      const pw = { ...env, KAIPAN_PASSWORD: 'cashier-password-77' };
      expect((await admin(['create-user', 'desk1', '--role', 'CASHIER'], pw)).code).toBe(2);
      expect((await admin(['create-user', 'desk1', '--project', 'NOPE', '--role', 'CASHIER'], pw)).code).toBe(1);
      const project = await db.project.create({
        data: { code: 'CLI', name: '命令行项目', nameEn: 'CLI', city: '深圳' },
      });
      const seated = await admin(['create-user', 'desk1', '--project', 'CLI', '--role', 'CASHIER'], pw);
      expect(seated.code).toBe(0);
      const desk1 = await db.user.findUniqueOrThrow({ where: { username: 'desk1' }, include: { memberships: true } });
      expect(desk1.admin).toBe(false);
      expect(desk1.memberships).toMatchObject([{ projectId: project.id, role: 'CASHIER' }]);
      expect(
        await db.auditEvent.findFirst({ where: { action: 'member.added', entityId: desk1.id, actorKind: 'cli' } }),
      ).not.toBeNull();
      expect((await admin(['list-users'], env)).stdout).toMatch(/desk1\s+desk1\s+CLI:CASHIER\s+active/);

      const row = await db.user.findUniqueOrThrow({ where: { username: 'root2' } });
      expect(row).toMatchObject({ admin: true, active: false });
      expect(await verifyPassword('root-password-77', row.passwordHash)).toBe(true);
      const audit = await db.auditEvent.findMany({ where: { entityId: row.id }, orderBy: { id: 'asc' } });
      expect(audit.map((a) => [a.action, a.actorKind, a.actorName])).toEqual([
        ['user.created', 'cli', 'admin-cli'],
        ['user.deactivated', 'cli', 'admin-cli'],
      ]);
    } finally {
      await db.$disconnect();
    }
  }, 180_000);
});
