/**
 * The kiosk setup PIN against a real server, PostgreSQL and Redis: managers set it (hashed, audited),
 * the server verifies it for the asking kiosk, refuses without it, throttles wrong PINs per device
 * (also when they arrive at once) and audits every attempt. The screen: test/kiosk-setup-screen.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskSetupRefusal, KioskSetupResult, ProjectSummary } from '@kaipan/shared';
import { hashDeviceKey } from '../server/src/services/auth-service.js';
import { KIOSK_PIN_FREE_FAILURES } from '../server/src/domain/kiosk-pin.js';
import { http, startTestServer, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';

let server: TestServer;
/** Admins reach every project (a manager's memberships are cached; fresh projects are made per test). */
let manager: string;

beforeAll(async () => {
  server = await startTestServer({ units: 4, consultants: 1 });
  manager = (await server.login('admin')).token;
});

afterAll(async () => {
  await server?.close();
});

type Refusal = { error: { code: string; message: string; details?: KioskSetupRefusal } };

/** A project of its own with `n` kiosks (the throttle is per device; PINs are per project). */
async function freshProject(n = 2): Promise<{ projectId: string; keys: string[]; deviceIds: string[] }> {
  const p = await server.db.project.create({
    data: { code: `K-${randomBytes(4).toString('hex')}`, name: '设置测试', nameEn: 'Setup Test', city: '上海' },
  });
  const keys: string[] = [];
  const deviceIds: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const key = `kiosk-${randomBytes(12).toString('hex')}`;
    const d = await server.db.device.create({
      data: { projectId: p.id, kind: 'KIOSK', name: `Kiosk ${i + 1}`, keyHash: hashDeviceKey(key) },
    });
    keys.push(key);
    deviceIds.push(d.id);
  }
  return { projectId: p.id, keys, deviceIds };
}

const setPin = (projectId: string, pin: unknown, token = manager) =>
  http<ProjectSummary | Refusal>(server.url, 'PUT', `/api/projects/${projectId}/kiosk-pin`, token, { pin });
const setup = (key: string, pin: string, action = 'unlock') =>
  http<KioskSetupResult & Refusal>(
    server.url,
    'POST',
    '/api/kiosk/setup',
    undefined,
    { pin, action },
    { 'x-device-key': key },
  );

describe('kiosk setup PIN', () => {
  it('without a PIN set, the setup is refused; managers set one (hashed, audited), others may not', async () => {
    const { projectId, keys, deviceIds } = await freshProject(1);
    const before = await setup(keys[0]!, '135790');
    expect(before.status).toBe(403);
    expect(before.body.error).toMatchObject({ code: 'FORBIDDEN', details: { kioskPinSet: false } });

    const consultant = (await server.login('s001')).token;
    expect((await setPin(projectId, '135790', consultant)).status).toBe(403);
    expect(
      (
        await http(
          server.url,
          'PUT',
          `/api/projects/${projectId}/kiosk-pin`,
          undefined,
          { pin: '135790' },
          { 'x-device-key': keys[0]! },
        )
      ).status,
    ).toBe(403);
    for (const bad of ['123', '123456789', '12ab56', 135790, ''])
      expect((await setPin(projectId, bad)).status).toBe(400);

    const set = await setPin(projectId, '135790');
    expect(set.status).toBe(200);
    expect((set.body as ProjectSummary).kioskPinSet).toBe(true);
    const row = await server.db.project.findUniqueOrThrow({ where: { id: projectId }, select: { kioskPinHash: true } });
    expect(row.kioskPinHash).toMatch(/^scrypt\$/);
    expect(row.kioskPinHash).not.toContain('135790');
    // The project list says a PIN is set, and never carries the hash.
    const listed = await http<ProjectSummary[]>(server.url, 'GET', '/api/projects', undefined, undefined, {
      'x-device-key': keys[0]!,
    });
    expect(listed.body[0]?.kioskPinSet).toBe(true);
    expect(JSON.stringify(listed.body)).not.toContain('scrypt');

    const events = await server.db.auditEvent.findMany({
      where: { projectId, action: { in: ['project.kiosk-pin', 'device.setup.refused'] } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.action, e.entityId])).toEqual([
      ['device.setup.refused', deviceIds[0]],
      ['project.kiosk-pin', projectId],
    ]);
    expect(JSON.stringify(events.map((e) => [e.before, e.after]))).not.toContain('135790');
  });

  it('the right PIN opens the setup and each action; a board, a user and a wrong PIN are refused', async () => {
    const { projectId, keys, deviceIds } = await freshProject(1);
    expect((await setPin(projectId, '2468')).status).toBe(200);
    for (const action of ['unlock', 'print-off', 'print-on', 'mode-screen', 'mode-kiosk', 'forget-key']) {
      const ok = await setup(keys[0]!, '2468', action);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ action });
    }
    const wrong = await setup(keys[0]!, '1357', 'print-off');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      details: { attemptsBeforeWait: KIOSK_PIN_FREE_FAILURES - 1 },
    });
    const board = await http<Refusal>(
      server.url,
      'POST',
      '/api/kiosk/setup',
      undefined,
      { pin: '2468', action: 'unlock' },
      { 'x-device-key': TEST_BOARD_KEY },
    );
    expect(board.status).toBe(403);
    expect(
      (await http(server.url, 'POST', '/api/kiosk/setup', manager, { pin: '2468', action: 'unlock' })).status,
    ).toBe(403);
    expect(
      (await http(server.url, 'POST', '/api/kiosk/setup', undefined, { pin: '2468', action: 'unlock' })).status,
    ).toBe(401);
    expect((await setup(keys[0]!, '2468', 'reboot')).status).toBe(400);

    const audit = await server.db.auditEvent.findMany({
      where: { projectId, entityId: deviceIds[0] },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((e) => [e.action, (e.after as { action: string }).action])).toEqual([
      ['device.setup', 'unlock'],
      ['device.setup', 'print-off'],
      ['device.setup', 'print-on'],
      ['device.setup', 'mode-screen'],
      ['device.setup', 'mode-kiosk'],
      ['device.setup', 'forget-key'],
      ['device.setup.refused', 'print-off'],
    ]);
    expect(audit.every((e) => e.actorKind === 'device')).toBe(true);
  });

  it('wrong PINs are throttled per device: after the third the device waits, even for the right PIN; a new PIN starts over', async () => {
    const { projectId, keys } = await freshProject(2);
    expect((await setPin(projectId, '97531')).status).toBe(200);
    const answers = [];
    for (let i = 0; i < KIOSK_PIN_FREE_FAILURES; i += 1) answers.push(await setup(keys[0]!, '11111'));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
    expect(answers.map((a) => a.body.error.details?.attemptsBeforeWait)).toEqual([2, 1, 0]);
    expect(answers[2]!.body.error.details?.retryAfterSeconds).toBe(30);

    const right = await setup(keys[0]!, '97531');
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('RATE_LIMITED');
    expect(right.body.error.details?.retryAfterSeconds).toBeGreaterThan(25);
    // The other kiosk of the project is not affected.
    expect((await setup(keys[1]!, '97531')).status).toBe(200);

    // The wait doubles: pretend the 30 s passed, one more wrong PIN → 60 s.
    await redisExpire(keys[0]!);
    const fourth = await setup(keys[0]!, '11111');
    expect(fourth.status).toBe(401);
    expect(fourth.body.error.details?.retryAfterSeconds).toBe(60);

    // A manager setting a PIN clears the waits of the project's kiosks.
    expect((await setPin(projectId, '86420')).status).toBe(200);
    expect((await setup(keys[0]!, '97531')).status).toBe(401); // the old PIN no longer opens it
    expect((await setup(keys[0]!, '86420')).status).toBe(200);
    const refused = await server.db.auditEvent.count({ where: { projectId, action: 'device.setup.refused' } });
    expect(refused).toBe(KIOSK_PIN_FREE_FAILURES + 2); // three wrong, the fourth, the old PIN (the 429 was never tried)
  });

  it('50 wrong PINs sent at once: no more than the free ones are tried before the wait', async () => {
    const { projectId, keys } = await freshProject(1);
    expect((await setPin(projectId, '24680')).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => setup(keys[0]!, String(10000 + i))));
    const tried = answers.filter((a) => a.status === 401).length;
    expect(tried).toBeGreaterThanOrEqual(1);
    expect(tried).toBeLessThanOrEqual(KIOSK_PIN_FREE_FAILURES);
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    expect(await server.db.auditEvent.count({ where: { projectId, action: 'device.setup.refused' } })).toBe(tried);
  });
});

/** Move the device's wait into the past (the time a real test would have to sleep). */
async function redisExpire(key: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const { testRedisUrl } = await import('./support/services.js');
  const device = await server.db.device.findFirstOrThrow({ where: { keyHash: hashDeviceKey(key) } });
  const redis = new Redis(testRedisUrl());
  try {
    await redis.hset(`${server.config.redisPrefix}kiosk-pin:${device.id}`, 'until', String(Date.now() - 1));
  } finally {
    redis.disconnect();
  }
}
