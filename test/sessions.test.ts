/**
 * Sessions end at once (issue 12): sign-out, "sign out this phone", an administrator ending a user's
 * sessions, deactivation — on HTTP and on live hub sockets, on every server instance (Redis pub/sub,
 * with PostgreSQL polled as the safety net when a message is lost).
 */
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HUB_NAMESPACE,
  type LoginResponse,
  type ProjectSnapshot,
  type SessionEndedEvent,
  type SessionInfo,
  type UserAccountInfo,
} from '@kaipan/shared';
import { SESSION_POLL_MS } from '../server/src/services/session-service.js';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_PASSWORD } from './support/fixture.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ units: 4, consultants: 8 });
  admin = (await server.login('admin')).token;
});

afterAll(async () => {
  await server?.close();
});

/** Sign in as a given device (the session list shows it). */
async function loginAs(base: string, username: string, device: string): Promise<LoginResponse> {
  const res = await http<LoginResponse>(
    base,
    'POST',
    '/api/auth/login',
    undefined,
    { username, password: TEST_PASSWORD },
    { 'x-kaipan-device': device },
  );
  expect(res.status).toBe(200);
  return res.body;
}

/** Resolves with the ms from `since()` to the socket's disconnect, and the `session:ended` it heard first. */
function watchEnd(socket: HubClient): {
  ended: Promise<{ atMs: number; event: SessionEndedEvent | null; reason: string }>;
} {
  let event: SessionEndedEvent | null = null;
  socket.on('session:ended', (e) => (event = e));
  return {
    ended: new Promise((resolve) =>
      socket.once('disconnect', (reason) => resolve({ atMs: Date.now(), event, reason })),
    ),
  };
}

async function me(base: string, token: string): Promise<number> {
  return (await http(base, 'GET', '/api/auth/me', token)).status;
}

/** A fresh handshake with this token: connects, or the server's refusal code. */
function handshake(base: string, token: string): Promise<'connected' | string> {
  const socket = ioClient(`${base}${HUB_NAMESPACE}`, {
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

describe('sessions', () => {
  it('sign-out ends the session: /me answers 401 and the live socket is told and cut', async () => {
    const { token } = await loginAs(server.url, 's001', 'phone-s001');
    const socket = await server.connect({ token });
    const watch = watchEnd(socket);
    expect(await me(server.url, token)).toBe(200);

    const at = Date.now();
    expect(await http(server.url, 'POST', '/api/auth/logout', token, {})).toEqual({ status: 200, body: { ok: true } });
    expect(await me(server.url, token)).toBe(401);
    const end = await watch.ended;
    expect(end.atMs - at).toBeLessThan(1_000);
    expect(end.event).toEqual({ reason: 'logout' });
    expect(end.reason).toBe('io server disconnect');
    expect(await handshake(server.url, token)).toBe('UNAUTHENTICATED');
    // Signing out twice is harmless.
    expect((await http(server.url, 'POST', '/api/auth/logout', token, {})).status).toBe(200);
  });

  it('"sign out this phone" ends the phone and leaves the laptop signed in', async () => {
    const phone = await loginAs(server.url, 's002', 'phone');
    const laptop = await loginAs(server.url, 's002', 'laptop');
    const phoneSocket = await server.connect({ token: phone.token });
    const laptopSocket = await server.connect({ token: laptop.token });
    const phoneWatch = watchEnd(phoneSocket);
    let laptopCut = false;
    laptopSocket.on('disconnect', () => (laptopCut = true));

    const list = await http<SessionInfo[]>(server.url, 'GET', '/api/auth/sessions', laptop.token);
    expect(list.status).toBe(200);
    expect(list.body.map((s) => [s.device, s.current])).toEqual([
      ['laptop', true],
      ['phone', false],
    ]);
    const phoneSession = list.body.find((s) => s.device === 'phone')!;
    expect(phoneSession).toMatchObject({
      address: '127.0.0.1',
      lastUsedAt: expect.any(String),
      expiresAt: expect.any(String),
    });

    // Another user can neither see nor end it.
    const other = await loginAs(server.url, 's003', 'other');
    const foreign = await http<{ error: { code: string } }>(
      server.url,
      'POST',
      `/api/auth/sessions/${phoneSession.id}/revoke`,
      other.token,
      {},
    );
    expect(foreign.status).toBe(404);
    expect(await me(server.url, phone.token)).toBe(200);

    const at = Date.now();
    expect(await http(server.url, 'POST', `/api/auth/sessions/${phoneSession.id}/revoke`, laptop.token, {})).toEqual({
      status: 200,
      body: { ended: 1 },
    });
    expect(await me(server.url, phone.token)).toBe(401);
    const end = await phoneWatch.ended;
    expect(end.atMs - at).toBeLessThan(1_000);
    expect(end.event).toEqual({ reason: 'revoked' });

    // The laptop: still signed in, socket still up and working.
    expect(await me(server.url, laptop.token)).toBe(200);
    const join = await emitAck<ProjectSnapshot>(laptopSocket, 'project:join', { projectId: server.fixture.projectId });
    expect(join.ok).toBe(true);
    expect(laptopCut).toBe(false);
    expect(
      (await http<SessionInfo[]>(server.url, 'GET', '/api/auth/sessions', laptop.token)).body.map((s) => s.device),
    ).toEqual(['laptop']);
    // Ending it again: nothing left to end.
    expect(
      (await http(server.url, 'POST', `/api/auth/sessions/${phoneSession.id}/revoke`, laptop.token, {})).body,
    ).toEqual({ ended: 0 });
  });

  it('deactivation: HTTP 401 and sockets cut within 1 s on two server instances; audited; admins only', async () => {
    const peer = await server.startPeer();
    const user = await server.db.user.findUniqueOrThrow({ where: { username: 's004' } });
    const a = await loginAs(server.url, 's004', 'phone');
    const b = await loginAs(peer.url, 's004', 'tablet');
    const sockets = [
      await server.connect({ token: a.token }),
      await peer.connect({ token: b.token }),
      await peer.connect({ token: a.token }),
      await server.connect({ token: b.token }),
    ];
    const watches = sockets.map(watchEnd);
    for (const token of [a.token, b.token])
      for (const base of [server.url, peer.url]) expect(await me(base, token)).toBe(200);

    // Not for a manager; an admin cannot deactivate themself.
    const manager = (await server.login('manager')).token;
    expect((await http(server.url, 'POST', `/api/users/${user.id}/deactivate`, manager, {})).status).toBe(403);
    const self = (await server.db.user.findUniqueOrThrow({ where: { username: 'admin' } })).id;
    expect(
      (await http<{ error: { code: string } }>(server.url, 'POST', `/api/users/${self}/deactivate`, admin, {})).body
        .error.code,
    ).toBe('CONFLICT');
    expect(
      (await http(server.url, 'POST', '/api/users/00000000-0000-4000-8000-000000000000/deactivate', admin, {})).status,
    ).toBe(404);

    const at = Date.now();
    const done = await http<UserAccountInfo>(server.url, 'POST', `/api/users/${user.id}/deactivate`, admin, {});
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: user.id, username: 's004', active: false, sessions: 0 });
    const ends = await Promise.all(watches.map((w) => w.ended));
    for (const end of ends) {
      expect(end.atMs - at).toBeLessThan(1_000);
      expect(end.event).toEqual({ reason: 'deactivated' });
    }
    for (const token of [a.token, b.token])
      for (const base of [server.url, peer.url]) expect(await me(base, token)).toBe(401);
    expect(await handshake(peer.url, b.token)).toBe('UNAUTHENTICATED');
    const relogin = await http<{ error: { code: string } }>(peer.url, 'POST', '/api/auth/login', undefined, {
      username: 's004',
      password: TEST_PASSWORD,
    });
    expect(relogin.status).toBe(401);
    expect(relogin.body.error.code).toBe('INVALID_CREDENTIALS');

    const audit = await server.db.auditEvent.findMany({ where: { entityId: user.id, action: 'user.deactivated' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorName: 'admin',
      before: { active: true },
      after: { active: false, sessionsEnded: 2 },
    });
    expect(
      await server.db.auditEvent.count({
        where: { action: 'session.ended', before: { path: ['userId'], equals: user.id } },
      }),
    ).toBe(2);

    // Listed as inactive; reactivated, the user signs in again but the old tokens stay ended.
    const users = await http<UserAccountInfo[]>(server.url, 'GET', '/api/users', admin);
    expect(users.body.find((u) => u.id === user.id)).toMatchObject({ active: false, sessions: 0 });
    expect((await http(server.url, 'GET', '/api/users', manager)).status).toBe(403);
    expect(
      (await http<UserAccountInfo>(server.url, 'POST', `/api/users/${user.id}/activate`, admin, {})).body.active,
    ).toBe(true);
    const again = await loginAs(peer.url, 's004', 'phone');
    expect(await me(server.url, again.token)).toBe(200);
    expect(await me(server.url, a.token)).toBe(401);
  });

  it('an administrator ends all sessions of a user, who stays active', async () => {
    const user = await server.db.user.findUniqueOrThrow({ where: { username: 's005' } });
    const one = await loginAs(server.url, 's005', 'one');
    const two = await loginAs(server.url, 's005', 'two');
    const listed = await http<SessionInfo[]>(server.url, 'GET', `/api/users/${user.id}/sessions`, admin);
    expect(listed.body.map((s) => s.device).sort()).toEqual(['one', 'two']);
    const consultant = (await server.login('s006')).token;
    expect((await http(server.url, 'GET', `/api/users/${user.id}/sessions`, consultant)).status).toBe(403);
    expect((await http(server.url, 'POST', `/api/users/${user.id}/sessions/revoke`, consultant, {})).status).toBe(403);

    expect((await http(server.url, 'POST', `/api/users/${user.id}/sessions/revoke`, admin, {})).body).toEqual({
      ended: 2,
    });
    expect(await me(server.url, one.token)).toBe(401);
    expect(await me(server.url, two.token)).toBe(401);
    expect(await me(server.url, (await loginAs(server.url, 's005', 'three')).token)).toBe(200);
  });

  it('a session ended without a message (pub/sub lost it) still ends within the poll interval', async () => {
    const { token, user } = await loginAs(server.url, 's007', 'quiet');
    const socket = await server.connect({ token });
    const watch = watchEnd(socket);
    expect(await me(server.url, token)).toBe(200);
    // As if the ending process could not publish: only PostgreSQL knows.
    await server.db.session.updateMany({
      where: { userId: user.id },
      data: { revokedAt: new Date(), revokedReason: 'revoked' },
    });
    const at = Date.now();
    await expect.poll(() => me(server.url, token), { timeout: SESSION_POLL_MS + 3_000, interval: 200 }).toBe(401);
    const end = await watch.ended;
    expect(end.atMs - at).toBeLessThan(SESSION_POLL_MS + 3_000);
  });

  it('"last used" is kept (written in batches) and shown', async () => {
    const { token } = await loginAs(server.url, 's008', 'kept');
    const before = (await http<SessionInfo[]>(server.url, 'GET', '/api/auth/sessions', token)).body[0]!;
    await new Promise((r) => setTimeout(r, 50));
    await me(server.url, token);
    const after = (await http<SessionInfo[]>(server.url, 'GET', '/api/auth/sessions', token)).body[0]!;
    expect(Date.parse(after.lastUsedAt)).toBeGreaterThan(Date.parse(before.createdAt));
  });
});
