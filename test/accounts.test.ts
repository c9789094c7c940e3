/**
 * Accounts against a real server, PostgreSQL and Redis: creating users (POST /api/users), the first
 * run (one-time setup code: single use, expiry, throttle, refused once an administrator exists), and
 * a reset password that must be changed before anything else works (HTTP and the hub).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import {
  HUB_NAMESPACE,
  type CreatedUser,
  type LoginResponse,
  type ResetPasswordResult,
  type UserAccountInfo,
} from '@kaipan/shared';
import { verifyPassword } from '../server/src/domain/passwords.js';
import { FIRST_RUN_CODE_TTL_MS } from '../server/src/services/first-run-service.js';
import { http, startTestServer, type TestServer } from './support/app.js';
import { waitFor } from './support/wait.js';

let server: TestServer;
let admin: LoginResponse;

beforeAll(async () => {
  server = await startTestServer({ units: 4, consultants: 2 });
  admin = await server.login('admin');
}, 60_000);
afterAll(() => server?.close());

type Refusal = { error: { code: string; details?: { rule?: string } } };

/** A fresh handshake with this token: connects, or the server's refusal code. */
function handshake(token: string): Promise<string> {
  const socket = ioClient(`${server.url}${HUB_NAMESPACE}`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (err) => {
      socket.disconnect();
      resolve((err as Error & { data?: { code?: string } }).data?.code ?? err.message);
    });
  });
}

async function signIn(username: string, password: string) {
  return http<LoginResponse & Refusal>(server.url, 'POST', '/api/auth/login', undefined, { username, password });
}

describe('POST /api/users', () => {
  it('creates an account, no administrator and in no project (201 with id, audited); duplicate usernames and weak passwords are coded refusals', async () => {
    const created = await http<CreatedUser>(server.url, 'POST', '/api/users', admin.token, {
      username: 'wang.fang',
      displayName: '王芳',
      password: 'lotus-pond-1987',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), username: 'wang.fang' });
    const row = await server.db.user.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row).toMatchObject({ admin: false, active: true, mustChangePassword: false, displayName: '王芳' });
    // No role anywhere until a project's manager adds the account (roles are per project).
    expect(await server.db.projectMember.count({ where: { userId: created.body.id } })).toBe(0);
    expect(await verifyPassword('lotus-pond-1987', row.passwordHash)).toBe(true);
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { action: 'user.created', entityId: created.body.id },
    });
    expect(audit).toMatchObject({ actorName: 'admin', after: { username: 'wang.fang', admin: false } });
    expect((await signIn('wang.fang', 'lotus-pond-1987')).body.passwordChangeRequired).toBe(false);

    const again = await http<Refusal>(server.url, 'POST', '/api/users', admin.token, {
      username: 'wang.fang',
      displayName: 'Someone else',
      password: 'another-long-one',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('USERNAME_TAKEN');

    for (const [password, rule] of [
      ['short-1', 'TOO_SHORT'],
      ['li.lei-is-here', 'CONTAINS_USERNAME'],
      ['1234567890', 'TOO_COMMON'],
    ] as const) {
      const weak = await http<Refusal>(server.url, 'POST', '/api/users', admin.token, {
        username: 'li.lei',
        displayName: '李雷',
        password,
      });
      expect(weak.status).toBe(422);
      expect(weak.body.error).toMatchObject({ code: 'WEAK_PASSWORD', details: { rule } });
    }
    expect(await server.db.user.count({ where: { username: 'li.lei' } })).toBe(0);

    const badName = await http<Refusal>(server.url, 'POST', '/api/users', admin.token, {
      username: 'Li Lei',
      displayName: '李雷',
      password: 'long-enough-pass',
    });
    expect(badName.body.error.code).toBe('VALIDATION_FAILED');

    const manager = await server.login('manager');
    const forbidden = await http<Refusal>(server.url, 'POST', '/api/users', manager.token, {
      username: 'sneaky',
      displayName: 'Sneaky',
      password: 'long-enough-pass',
    });
    expect(forbidden.status).toBe(403);
  });

  it('lists every account with its last sign-in', async () => {
    const list = await http<UserAccountInfo[]>(server.url, 'GET', '/api/users', admin.token);
    expect(list.status).toBe(200);
    const byName = new Map(list.body.map((u) => [u.username, u]));
    expect(byName.get('admin')?.lastSignInAt).toEqual(expect.any(String));
    expect(Date.parse(byName.get('admin')!.lastSignInAt!)).toBeGreaterThan(Date.now() - 120_000);
    expect(byName.get('cashier')?.lastSignInAt).toBeNull();
  });
});

describe('reset password → forced change at the next sign-in', () => {
  it('ends the sessions; the next session may only change the password (HTTP and hub); the change answers a normal session', async () => {
    const before = await server.login('s001');
    const s001 = await server.db.user.findUniqueOrThrow({ where: { username: 's001' } });

    const reset = await http<ResetPasswordResult>(
      server.url,
      'POST',
      `/api/users/${s001.id}/reset-password`,
      admin.token,
      {},
    );
    expect(reset.status).toBe(200);
    const temporary = reset.body.temporaryPassword!;
    expect(temporary).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(reset.body.user.mustChangePassword).toBe(true);
    expect((await http(server.url, 'GET', '/api/auth/me', before.token)).status).toBe(401);
    expect(await server.db.auditEvent.count({ where: { action: 'user.password_reset', entityId: s001.id } })).toBe(1);

    const restricted = await signIn('s001', temporary);
    expect(restricted.status).toBe(200);
    expect(restricted.body.passwordChangeRequired).toBe(true);
    const token = restricted.body.token;
    const projects = await http<Refusal>(server.url, 'GET', '/api/projects', token);
    expect(projects.status).toBe(403);
    expect(projects.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await http<Refusal>(server.url, 'GET', '/api/auth/sessions', token)).body.error.code).toBe(
      'PASSWORD_CHANGE_REQUIRED',
    );
    expect(await handshake(token)).toBe('PASSWORD_CHANGE_REQUIRED');
    const me = await http<{ passwordChangeRequired: boolean }>(server.url, 'GET', '/api/auth/me', token);
    expect(me).toMatchObject({ status: 200, body: { passwordChangeRequired: true } });

    const wrong = await http<Refusal>(server.url, 'POST', '/api/auth/password', token, {
      currentPassword: 'not-it-at-all',
      newPassword: 'my-own-password-9',
    });
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const same = await http<Refusal>(server.url, 'POST', '/api/auth/password', token, {
      currentPassword: temporary,
      newPassword: temporary,
    });
    expect(same.body.error).toMatchObject({ code: 'WEAK_PASSWORD', details: { rule: 'SAME_AS_CURRENT' } });

    const changed = await http<LoginResponse>(server.url, 'POST', '/api/auth/password', token, {
      currentPassword: temporary,
      newPassword: 'my-own-password-9',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.passwordChangeRequired).toBe(false);
    // The restricted session ended with the change; the fresh one works everywhere.
    expect((await http(server.url, 'GET', '/api/auth/me', token)).status).toBe(401);
    expect((await http(server.url, 'GET', '/api/projects', changed.body.token)).status).toBe(200);
    expect(await handshake(changed.body.token)).toBe('connected');
    expect((await signIn('s001', temporary)).status).toBe(401);
    expect((await signIn('s001', 'my-own-password-9')).body.passwordChangeRequired).toBe(false);
  });

  it('an administrator may type the temporary password (not answered back); it obeys the rules', async () => {
    const s002 = await server.db.user.findUniqueOrThrow({ where: { username: 's002' } });
    const weak = await http<Refusal>(server.url, 'POST', `/api/users/${s002.id}/reset-password`, admin.token, {
      password: 'short',
    });
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    const typed = await http<ResetPasswordResult>(
      server.url,
      'POST',
      `/api/users/${s002.id}/reset-password`,
      admin.token,
      { password: 'temporary-typed-1' },
    );
    expect(typed.body.temporaryPassword).toBeNull();
    expect((await signIn('s002', 'temporary-typed-1')).body.passwordChangeRequired).toBe(true);
  });
});

describe('first run', () => {
  it('is refused while an administrator exists', async () => {
    expect((await http(server.url, 'GET', '/api/setup/first-run')).body).toEqual({ needed: false });
    expect(await server.kaipan.services.firstRun.issueCode()).toBeNull();
    const refused = await http<Refusal>(server.url, 'POST', '/api/setup/first-run', undefined, {
      code: 'ABCDE-FGHJK',
      username: 'intruder',
      displayName: 'Intruder',
      password: 'long-enough-pass',
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_SET_UP' } } });
  });

  it('with no administrator: a code works once (of two racing requests one wins), expired codes do not, then it is refused', async () => {
    const { firstRun } = server.kaipan.services;
    await server.db.user.updateMany({ where: { admin: true }, data: { active: false } });
    try {
      expect((await http(server.url, 'GET', '/api/setup/first-run')).body).toEqual({ needed: true });
      const expired = (await firstRun.issueCode(Date.now() - FIRST_RUN_CODE_TTL_MS - 1_000))!;
      const issued = (await firstRun.issueCode())!;
      expect(issued.code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
      const body = (code: string, username: string, password = 'first-admin-pass') => ({
        code,
        username,
        displayName: 'Owner',
        password,
      });

      const late = await http<Refusal>(server.url, 'POST', '/api/setup/first-run', undefined, body(expired.code, 'a1'));
      expect(late).toMatchObject({ status: 401, body: { error: { code: 'SETUP_CODE_INVALID' } } });
      // A weak password is refused before the code is used up.
      const weak = await http<Refusal>(
        server.url,
        'POST',
        '/api/setup/first-run',
        undefined,
        body(issued.code, 'a1', 'short'),
      );
      expect(weak.body.error.code).toBe('WEAK_PASSWORD');

      // Typed loosely (lower case, no dash), twice at once: one administrator.
      const loose = issued.code.toLowerCase().replace('-', ' ');
      const [first, second] = await Promise.all([
        http<CreatedUser & Refusal>(server.url, 'POST', '/api/setup/first-run', undefined, body(loose, 'owner1')),
        http<CreatedUser & Refusal>(server.url, 'POST', '/api/setup/first-run', undefined, body(issued.code, 'owner2')),
      ]);
      const statuses = [first.status, second.status].sort();
      expect(statuses[0]).toBe(201);
      expect([401, 409]).toContain(statuses[1]);
      const winner = first.status === 201 ? first.body : second.body;
      const user = await server.db.user.findUniqueOrThrow({ where: { id: winner.id } });
      expect(user).toMatchObject({ admin: true, active: true });
      expect(await server.db.user.count({ where: { username: { in: ['owner1', 'owner2'] } } })).toBe(1);
      const audit = await server.db.auditEvent.findFirstOrThrow({
        where: { action: 'user.created', entityId: winner.id },
      });
      expect(audit).toMatchObject({ actorKind: 'anonymous', after: { admin: true } });
      expect((await signIn(winner.username, 'first-admin-pass')).body.user.admin).toBe(true);

      // Once an administrator exists: refused, whatever the code; no new code is issued.
      const reused = await http<Refusal>(
        server.url,
        'POST',
        '/api/setup/first-run',
        undefined,
        body(issued.code, 'x9'),
      );
      expect(reused.body.error.code).toBe('ALREADY_SET_UP');
      expect(await firstRun.issueCode()).toBeNull();
      expect((await http(server.url, 'GET', '/api/setup/first-run')).body).toEqual({ needed: false });
    } finally {
      await server.db.user.updateMany({ where: { admin: true }, data: { active: true } });
    }
  });

  it('wrong codes are throttled like sign-in (backoff after a few failures) and audited', async () => {
    await server.db.user.updateMany({ where: { admin: true }, data: { active: false } });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 8; i++) {
        const answer = await http<Refusal>(
          server.url,
          'POST',
          '/api/setup/first-run',
          undefined,
          { code: `WRONG-${i}`, username: 'guess', displayName: 'Guess', password: 'long-enough-pass' },
          { 'x-forwarded-for': '203.0.113.9' },
        );
        codes.push(answer.body.error.code);
      }
      expect(codes.slice(0, 5)).toEqual(Array(5).fill('SETUP_CODE_INVALID'));
      expect(codes).toContain('RATE_LIMITED');
      // Failed attempts are audited off the request path (the batched audit writer).
      await waitFor(
        async () =>
          (await server.db.auditEvent.count({ where: { action: 'first_run.code_refused' } })) >= 5 ? true : undefined,
        'the refused codes in the audit trail',
      );
    } finally {
      await server.db.user.updateMany({ where: { admin: true }, data: { active: true } });
    }
  });
});
