/**
 * Devices of a project (shared/src/devices.ts): create with a key shown once, list with last seen,
 * rename, revoke — a connected screen is cut within a second on every server instance and its key
 * is refused with DEVICE_REVOKED; what each kind's key may do; pairing a screen by code. Real
 * PostgreSQL and Redis.
 */
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HUB_NAMESPACE,
  type CreatedDevice,
  type DeviceInfo,
  type DeviceRevokedEvent,
  type PairingClaim,
  type PairingInfo,
  type PendingPairing,
  type ProjectSnapshot,
} from '@kaipan/shared';
import { DEVICE_POLL_MS } from '../server/src/services/device-registry.js';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';

let server: TestServer;
let manager: string;
let consultant: string;
let cashier: string;
let pid: string;

beforeAll(async () => {
  server = await startTestServer({ units: 4, consultants: 4 });
  pid = server.fixture.projectId;
  manager = (await server.login('manager')).token;
  consultant = (await server.login('s001')).token;
  cashier = (await server.login('cashier')).token;
});

afterAll(async () => {
  await server?.close();
});

type Refusal = { error: { code: string } };

async function create(kind: string, name: string, token = manager): Promise<CreatedDevice> {
  const res = await http<CreatedDevice>(server.url, 'POST', `/api/projects/${pid}/devices`, token, { kind, name });
  expect(res.status).toBe(201);
  return res.body;
}

const asDevice = (key: string) => ({ 'x-device-key': key });

/** A fresh handshake with this key: connects, or the server's refusal code. */
function handshake(base: string, deviceKey: string): Promise<string> {
  const socket = ioClient(`${base}${HUB_NAMESPACE}`, {
    auth: { deviceKey },
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

describe('devices', () => {
  it('a manager creates a device: the key once, only its hash stored; listed; audited; managers only', async () => {
    const board = await create('BOARD', '大厅左屏 Hall left');
    expect(board).toMatchObject({ projectId: pid, kind: 'BOARD', name: '大厅左屏 Hall left', lastSeenAt: null });
    expect(board.key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const row = await server.db.device.findUniqueOrThrow({ where: { id: board.id } });
    expect(row.keyHash).not.toContain(board.key);

    const list = await http<DeviceInfo[]>(server.url, 'GET', `/api/projects/${pid}/devices`, manager);
    expect(list.status).toBe(200);
    const listed = list.body.find((d) => d.id === board.id);
    expect(listed).toEqual({
      id: board.id,
      projectId: pid,
      kind: 'BOARD',
      name: '大厅左屏 Hall left',
      createdAt: board.createdAt,
      lastSeenAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(board.key);

    // Not a consultant, a cashier, a device, nor a manager of another project.
    for (const token of [consultant, cashier])
      expect(
        (await http(server.url, 'POST', `/api/projects/${pid}/devices`, token, { kind: 'BOARD', name: 'x' })).status,
      ).toBe(403);
    const byDevice = await http(
      server.url,
      'GET',
      `/api/projects/${pid}/devices`,
      undefined,
      undefined,
      asDevice(board.key),
    );
    expect(byDevice.status).toBe(403);
    expect(
      (await http(server.url, 'GET', `/api/projects/${server.fixture.otherProjectId}/devices`, manager)).status,
    ).toBe(403);
    expect(
      (await http(server.url, 'POST', `/api/projects/${pid}/devices`, manager, { kind: 'TOASTER', name: 'x' })).status,
    ).toBe(400);

    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: board.id, action: 'device.created' },
    });
    expect(audit).toMatchObject({
      actorName: 'manager',
      projectId: pid,
      after: { kind: 'BOARD', name: '大厅左屏 Hall left' },
    });
  });

  it('last seen is written in batches from the key’s use, not per request', async () => {
    const board = await create('BOARD', 'Seen board');
    expect((await http(server.url, 'GET', '/api/projects', undefined, undefined, asDevice(board.key))).status).toBe(
      200,
    );
    // Not written yet (the batch), but the list already shows it.
    expect((await server.db.device.findUniqueOrThrow({ where: { id: board.id } })).lastSeenAt).toBeNull();
    const list = await http<DeviceInfo[]>(server.url, 'GET', `/api/projects/${pid}/devices`, manager);
    const seen = list.body.find((d) => d.id === board.id)!.lastSeenAt;
    expect(seen).not.toBeNull();
    await server.kaipan.services.deviceRegistry.flush();
    expect((await server.db.device.findUniqueOrThrow({ where: { id: board.id } })).lastSeenAt?.toISOString()).toBe(
      seen,
    );
  });

  it('rename: listed under the new name, audited with before and after', async () => {
    const kiosk = await create('KIOSK', 'Kiosk 1');
    const res = await http<DeviceInfo>(server.url, 'PATCH', `/api/devices/${kiosk.id}`, manager, { name: '排号机 1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: kiosk.id, name: '排号机 1', kind: 'KIOSK' });
    expect((await http(server.url, 'PATCH', `/api/devices/${kiosk.id}`, consultant, { name: 'x' })).status).toBe(403);
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: kiosk.id, action: 'device.renamed' },
    });
    expect(audit).toMatchObject({ before: { name: 'Kiosk 1' }, after: { name: '排号机 1' } });
  });

  it('revoke: connected screens on two server instances are cut within 1 s; the key is refused with DEVICE_REVOKED', async () => {
    const peer = await server.startPeer();
    const board = await create('BOARD', 'Doomed board');
    const sockets = [await server.connect({ deviceKey: board.key }), await peer.connect({ deviceKey: board.key })];
    for (const s of sockets)
      expect((await emitAck<ProjectSnapshot>(s, 'project:join', { projectId: pid })).ok).toBe(true);
    // A screen that stays: another board.
    const other = await create('BOARD', 'Staying board');
    const staying = await peer.connect({ deviceKey: other.key });
    let stayingCut = false;
    staying.on('disconnect', () => (stayingCut = true));
    const cuts = sockets.map(
      (s: HubClient) =>
        new Promise<{ atMs: number; event: DeviceRevokedEvent | null }>((resolve) => {
          let event: DeviceRevokedEvent | null = null;
          s.io.opts.reconnection = false;
          s.on('device:revoked', (e) => (event = e));
          s.once('disconnect', () => resolve({ atMs: Date.now(), event }));
        }),
    );

    expect((await http(server.url, 'DELETE', `/api/devices/${board.id}`, consultant)).status).toBe(403);
    const at = Date.now();
    expect(await http(server.url, 'DELETE', `/api/devices/${board.id}`, manager)).toEqual({
      status: 200,
      body: { ok: true },
    });
    for (const cut of await Promise.all(cuts)) {
      expect(cut.atMs - at).toBeLessThan(1_000);
      expect(cut.event).toEqual({ deviceId: board.id });
    }
    for (const base of [server.url, peer.url]) {
      const res = await http<Refusal>(base, 'GET', '/api/projects', undefined, undefined, asDevice(board.key));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('DEVICE_REVOKED');
      expect(await handshake(base, board.key)).toBe('DEVICE_REVOKED');
    }
    expect(stayingCut).toBe(false);
    expect((await http(peer.url, 'GET', '/api/projects', undefined, undefined, asDevice(other.key))).status).toBe(200);

    // Gone from the list; revoking again answers NOT_FOUND; audited once.
    const list = await http<DeviceInfo[]>(server.url, 'GET', `/api/projects/${pid}/devices`, manager);
    expect(list.body.some((d) => d.id === board.id)).toBe(false);
    expect((await http(server.url, 'DELETE', `/api/devices/${board.id}`, manager)).status).toBe(404);
    const audit = await server.db.auditEvent.findMany({ where: { entityId: board.id, action: 'device.revoked' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorName: 'manager', after: { active: false } });
  });

  it('a device revoked without a message (pub/sub lost it) is still cut within the poll interval', async () => {
    const board = await create('BOARD', 'Quietly revoked');
    const socket = await server.connect({ deviceKey: board.key });
    socket.io.opts.reconnection = false;
    const cut = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));
    // As if the revoking process died before publishing: only the row says so.
    const at = Date.now();
    await server.db.$executeRaw`UPDATE devices SET active = false, revoked_at = now() WHERE id = ${board.id}::uuid`;
    expect((await cut) - at).toBeLessThan(DEVICE_POLL_MS + 3_000);
    const res = await http<Refusal>(server.url, 'GET', '/api/projects', undefined, undefined, asDevice(board.key));
    expect(res.body.error.code).toBe('DEVICE_REVOKED');
  });

  it('a calling screen reads the queue and joins the project, and issues no numbers', async () => {
    const calling = await create('CALLING', '叫号屏 Hall TV');
    expect(
      (await http(server.url, 'GET', `/api/projects/${pid}/queue`, undefined, undefined, asDevice(calling.key))).status,
    ).toBe(200);
    const socket = await server.connect({ deviceKey: calling.key });
    expect((await emitAck<ProjectSnapshot>(socket, 'project:join', { projectId: pid })).ok).toBe(true);
    const take = await http<Refusal>(
      server.url,
      'POST',
      `/api/projects/${pid}/queue/tickets`,
      undefined,
      { category: 'GEN', phone: '13800138000', idempotencyKey: 'calling-take-1' },
      asDevice(calling.key),
    );
    expect(take.status).toBe(403);
    // Nor the kiosk's setup screen, nor staff work.
    expect(
      (
        await http(
          server.url,
          'POST',
          '/api/kiosk/setup',
          undefined,
          { pin: '1234', action: 'unlock' },
          asDevice(calling.key),
        )
      ).status,
    ).toBe(403);
    expect((await http(server.url, 'GET', '/api/auth/me', undefined, undefined, asDevice(calling.key))).status).toBe(
      403,
    );
  });

  it('a cashier desk key grants nothing alone; beside a signed-in person it names the desk in the audit trail', async () => {
    const desk = await create('CASHIER_DESK', '收银台 1');
    expect((await http(server.url, 'GET', '/api/projects', undefined, undefined, asDevice(desk.key))).status).toBe(403);
    expect(await handshake(server.url, desk.key)).toBe('FORBIDDEN');
    const kiosk = await create('KIOSK', 'Renamed at the desk');
    const res = await http(
      server.url,
      'PATCH',
      `/api/devices/${kiosk.id}`,
      manager,
      { name: 'Kiosk at desk' },
      asDevice(desk.key),
    );
    expect(res.status).toBe(200);
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: kiosk.id, action: 'device.renamed' },
    });
    expect(audit.actorName).toBe('manager');
    expect(audit.device).toMatch(/^desk:收银台 1/);
  });
});

describe('pairing', () => {
  async function start(kind = 'BOARD'): Promise<PendingPairing> {
    const res = await http<PendingPairing>(server.url, 'POST', '/api/pairings', undefined, { kind });
    expect(res.status).toBe(201);
    return res.body;
  }
  const claim = (code: string, secret: string) =>
    http<PairingClaim | Refusal>(server.url, 'POST', '/api/pairings/claim', undefined, { code, secret });

  it('a waiting screen is approved by a manager and claims its key once; the key works', async () => {
    const pending = await start('CALLING');
    expect(pending.code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    expect((await claim(pending.code, pending.secret)).body).toMatchObject({ status: 'waiting' });

    // The phone shows it (typed in lower case with a dash works too), then approves.
    const typed = `${pending.code.slice(0, 4).toLowerCase()}-${pending.code.slice(4)}`;
    const shown = await http<PairingInfo>(server.url, 'GET', `/api/pairings/${typed}`, manager);
    expect(shown).toMatchObject({ status: 200, body: { code: pending.code, kind: 'CALLING' } });
    expect((await http(server.url, 'GET', `/api/pairings/${pending.code}`, consultant)).status).toBe(403);
    const body = { projectId: pid, kind: 'CALLING', name: '叫号屏 Paired' };
    expect((await http(server.url, 'POST', `/api/pairings/${pending.code}/approve`, consultant, body)).status).toBe(
      403,
    );
    const approved = await http<DeviceInfo>(server.url, 'POST', `/api/pairings/${pending.code}/approve`, manager, body);
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ projectId: pid, kind: 'CALLING', name: '叫号屏 Paired' });
    expect(JSON.stringify(approved.body)).not.toMatch(/"key"/);

    // A wrong secret learns nothing.
    const wrong = await claim(pending.code, 'x'.repeat(32));
    expect(wrong.status).toBe(410);
    expect((wrong.body as Refusal).error.code).toBe('PAIRING_EXPIRED');

    const claimed = await claim(pending.code, pending.secret);
    expect(claimed.status).toBe(200);
    const paired = claimed.body as Extract<PairingClaim, { status: 'paired' }>;
    expect(paired).toMatchObject({ status: 'paired', kind: 'CALLING', projectId: pid, name: '叫号屏 Paired' });
    const projects = await http(server.url, 'GET', '/api/projects', undefined, undefined, asDevice(paired.key));
    expect(projects.status).toBe(200);

    // Used: a second claim, approval or look answers PAIRING_USED.
    for (const res of [
      await claim(pending.code, pending.secret),
      await http<Refusal>(server.url, 'POST', `/api/pairings/${pending.code}/approve`, manager, body),
      await http<Refusal>(server.url, 'GET', `/api/pairings/${pending.code}`, manager),
    ]) {
      expect(res.status).toBe(409);
      expect((res.body as Refusal).error.code).toBe('PAIRING_USED');
    }
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entityId: approved.body.id, action: 'device.created' },
    });
    expect(audit).toMatchObject({ actorName: 'manager', after: { kind: 'CALLING', via: 'pairing' } });
  });

  it('an expired or unknown code is refused with PAIRING_EXPIRED; two approvals at once make one device', async () => {
    const pending = await start();
    await server.kaipan.app.redis.del(`${server.config.redisPrefix}pairing:${pending.code}`);
    for (const res of [
      await claim(pending.code, pending.secret),
      await http<Refusal>(server.url, 'GET', `/api/pairings/${pending.code}`, manager),
      await http<Refusal>(server.url, 'POST', `/api/pairings/${pending.code}/approve`, manager, {
        projectId: pid,
        kind: 'BOARD',
        name: 'Late',
      }),
    ]) {
      expect(res.status).toBe(410);
      expect((res.body as Refusal).error.code).toBe('PAIRING_EXPIRED');
    }

    const raced = await start();
    const before = await server.db.device.count({ where: { projectId: pid } });
    const answers = await Promise.all(
      ['Race A', 'Race B'].map((name) =>
        http<DeviceInfo | Refusal>(server.url, 'POST', `/api/pairings/${raced.code}/approve`, manager, {
          projectId: pid,
          kind: 'BOARD',
          name,
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(await server.db.device.count({ where: { projectId: pid } })).toBe(before + 1);
  });

  it('new codes are throttled per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await http(server.url, 'POST', '/api/pairings', undefined, { kind: 'KIOSK' })).status);
    expect(statuses).toContain(429);
  });
});
