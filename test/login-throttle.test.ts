/**
 * Sign-in lockout by strangers (issue 12): failed sign-ins are throttled per (username, source) with
 * exponential backoff — never per username alone — so a stranger's wrong guesses cannot lock the real
 * user out; a browser that signed in before (trusted-device cookie) is counted apart from the address it
 * shares with the hall; the state holds across server instances; failures are audited (never the
 * password) and listed for administrators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailedLoginPage, LoginResponse } from '@kaipan/shared';
import { hashPassword } from '../server/src/domain/passwords.js';
import { http, startTestServer, type TestServer } from './support/app.js';
import { TEST_PASSWORD } from './support/fixture.js';

let server: TestServer;

beforeAll(async () => {
  // The default attempts-per-minute cap, and X-Forwarded-For trusted so each test picks its address.
  server = await startTestServer({
    units: 4,
    consultants: 8,
    env: { LOGIN_RATE_PER_MINUTE: '20', TRUST_PROXY: 'true' },
  });
});

afterAll(async () => {
  await server?.close();
});

interface Attempt {
  status: number;
  body: LoginResponse & { error?: { code: string; message: string; details?: { retryAfterSeconds?: number } } };
  retryAfter: string | null;
  cookies: string[];
}

/** A sign-in attempt from `ip` (through the trusted proxy header), optionally with a browser's cookies. */
async function attempt(
  base: string,
  ip: string,
  username: string,
  password: string,
  cookies: string[] = [],
  userAgent = 'test-agent',
): Promise<Attempt> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': ip,
      'user-agent': userAgent,
      ...(cookies.length > 0 ? { cookie: cookies.join('; ') } : {}),
    },
    body: JSON.stringify({ username, password }),
  });
  return {
    status: res.status,
    body: (await res.json()) as Attempt['body'],
    retryAfter: res.headers.get('retry-after'),
    cookies: res.headers.getSetCookie().map((c) => c.split(';')[0]!),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sign-in throttle', () => {
  it("a stranger's 50 wrong passwords from another address do not stop the manager from theirs", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++)
      statuses.push((await attempt(server.url, '203.0.113.66', 'manager', `guess-${i}`)).status);
    // The stranger's own address was slowed down after the free tries (401 × 5, then 429s).
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40);

    const manager = await attempt(server.url, '198.51.100.10', 'manager', TEST_PASSWORD);
    expect(manager.status).toBe(200);
    expect(manager.body.user.username).toBe('manager');
    // …and a typo of the manager's still costs nothing but a 401.
    expect((await attempt(server.url, '198.51.100.10', 'manager', 'kaipan-mnager')).status).toBe(401);
    expect((await attempt(server.url, '198.51.100.10', 'manager', TEST_PASSWORD)).status).toBe(200);
  });

  it('the same address backs off exponentially, right password or not, and a success starts again from zero', async () => {
    const ip = '198.51.100.20';
    for (let i = 1; i <= 5; i++)
      expect((await attempt(server.url, ip, 's001', `wrong-${i}`)).status, `free try ${i}`).toBe(401);

    // Sixth attempt at once: refused before the password is checked (even the right one), for 1 s.
    const first = await attempt(server.url, ip, 's001', TEST_PASSWORD);
    expect(first.status).toBe(429);
    expect(first.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } });
    expect(first.retryAfter).toBe('1');

    await sleep(1_100);
    expect((await attempt(server.url, ip, 's001', 'wrong-6')).status).toBe(401);
    const second = await attempt(server.url, ip, 's001', TEST_PASSWORD);
    expect(second.status).toBe(429);
    expect(second.body.error?.details?.retryAfterSeconds).toBe(2); // doubled

    await sleep(2_100);
    expect((await attempt(server.url, ip, 's001', 'wrong-7')).status).toBe(401);
    expect((await attempt(server.url, ip, 's001', TEST_PASSWORD)).body.error?.details?.retryAfterSeconds).toBe(4);

    await sleep(4_100);
    expect((await attempt(server.url, ip, 's001', TEST_PASSWORD)).status).toBe(200);
    // Reset: five free tries again.
    for (let i = 1; i <= 5; i++) expect((await attempt(server.url, ip, 's001', `again-${i}`)).status).toBe(401);
    expect((await attempt(server.url, ip, 's001', TEST_PASSWORD)).status).toBe(429);
  });

  it('concurrent guesses cannot all slip through the free tries', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => attempt(server.url, '198.51.100.30', 's002', `burst-${i}`)),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(25);
  });

  it('a storm of concurrent guesses while the password checks queue lets exactly the free tries through', async () => {
    // Other sign-ins hold the hashing queue (two hashes at a time, domain/passwords.ts), so each guess
    // takes seconds to be judged — longer than the 1 s wait after the fifth failure. The wait runs
    // from the fifth failure, not from the moment the fifth guess was let in: the guesses arriving
    // meanwhile, and in the half second after the last failure, are all refused.
    const ip = '198.51.100.31';
    const busy = Array.from({ length: 60 }, (_, i) => hashPassword(`someone-else-${i}`));
    let settled = 0;
    const burst = Array.from({ length: 40 }, (_, i) => attempt(server.url, ip, 's006', `storm-${i}`));
    void Promise.all(burst).then(() => {
      settled = Date.now();
    });
    const stragglers: Promise<Attempt>[] = [];
    for (let i = 0; settled === 0 || Date.now() < settled + 500; i++) {
      stragglers.push(attempt(server.url, ip, 's006', `straggler-${i}`));
      await sleep(50);
    }
    const results = [...(await Promise.all(burst)), ...(await Promise.all(stragglers))];
    await Promise.all(busy);
    expect(stragglers.length).toBeGreaterThan(10);
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(results.length - 5);
  });

  it('a browser that signed in before is not slowed by failures from the address it shares with the hall', async () => {
    const hall = '192.0.2.50';
    const laptop = await attempt(server.url, hall, 's003', TEST_PASSWORD, [], 'manager-laptop');
    expect(laptop.status).toBe(200);
    const deviceCookie = laptop.cookies.find((c) => c.startsWith('kaipan_dev_'));
    expect(deviceCookie).toBeDefined();

    // A stranger on the same Wi-Fi (same NAT address) guesses s003's password until slowed down.
    for (let i = 0; i < 12; i++) await attempt(server.url, hall, 's003', `stranger-${i}`, [], 'stranger-phone');
    expect((await attempt(server.url, hall, 's003', TEST_PASSWORD, [], 'stranger-phone')).status).toBe(429);

    // The trusted laptop: a typo, then the right password, at once.
    expect((await attempt(server.url, hall, 's003', 'typo', [deviceCookie!], 'manager-laptop')).status).toBe(401);
    expect((await attempt(server.url, hall, 's003', TEST_PASSWORD, [deviceCookie!], 'manager-laptop')).status).toBe(
      200,
    );

    // The cookie is only good for the user it was issued for, and cannot be forged.
    const value = deviceCookie!.split('=')[1]!;
    const forged = `${deviceCookie!.split('=')[0]}=${value.slice(0, -2)}xx`;
    expect((await attempt(server.url, hall, 's003', TEST_PASSWORD, [forged], 'forger')).status).toBe(429);
  });

  it('holds across server instances (shared Redis)', async () => {
    const peer = await server.startPeer();
    const ip = '198.51.100.40';
    for (let i = 1; i <= 5; i++) {
      const base = i % 2 === 0 ? peer.url : server.url;
      expect((await attempt(base, ip, 's004', `wrong-${i}`)).status).toBe(401);
    }
    const onPeer = await attempt(peer.url, ip, 's004', TEST_PASSWORD);
    expect(onPeer.status).toBe(429);
    expect(onPeer.body.error?.code).toBe('RATE_LIMITED');
    expect((await attempt(server.url, ip, 's004', TEST_PASSWORD)).status).toBe(429);
  });

  it('failed attempts are audited (username, address, device, when — never the password) and listed for administrators only', async () => {
    const secret = 'very-secret-guess-9731';
    expect((await attempt(server.url, '198.51.100.50', 's005', secret, [], 'Mozilla/5.0 (guesser)')).status).toBe(401);
    expect(
      (await attempt(server.url, '198.51.100.50', 'nobody-here', secret, [], 'Mozilla/5.0 (guesser)')).status,
    ).toBe(401);

    const admin = (await attempt(server.url, '198.51.100.51', 'admin', TEST_PASSWORD)).body.token;
    let page: FailedLoginPage = { items: [], next: null };
    // Failed attempts reach PostgreSQL through the batched audit writer (≤ 250 ms).
    await expect
      .poll(
        async () => {
          page = (await http<FailedLoginPage>(server.url, 'GET', '/api/auth/failed-logins?limit=200', admin)).body;
          return page.items.filter((i) => i.address === '198.51.100.50').length;
        },
        { timeout: 5_000 },
      )
      .toBe(2);
    const [unknown, known] = page.items.filter((i) => i.address === '198.51.100.50');
    expect(known).toMatchObject({
      username: 's005',
      address: '198.51.100.50',
      device: 'Mozilla/5.0 (guesser)',
      trustedDevice: false,
      failures: 1,
      waitSeconds: 0,
    });
    expect(unknown).toMatchObject({ username: 'nobody-here' });
    expect(Date.now() - Date.parse(known!.at)).toBeLessThan(60_000);

    // Filter and paging.
    const only = (await http<FailedLoginPage>(server.url, 'GET', '/api/auth/failed-logins?username=s005', admin)).body;
    expect(only.items.length).toBeGreaterThan(0);
    expect(only.items.every((i) => i.username === 's005')).toBe(true);
    const first = (await http<FailedLoginPage>(server.url, 'GET', '/api/auth/failed-logins?limit=1', admin)).body;
    expect(first.items).toHaveLength(1);
    const next = (
      await http<FailedLoginPage>(server.url, 'GET', `/api/auth/failed-logins?limit=1&before=${first.next}`, admin)
    ).body;
    expect(next.items[0]!.id).not.toBe(first.items[0]!.id);

    // The password appears nowhere in the audit trail.
    const rows = await server.db.$queryRaw<
      { text: string }[]
    >`SELECT row_to_json(a)::text AS text FROM audit_events a WHERE action LIKE 'auth.%'`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.text.includes(secret))).toBe(false);

    // Not for anyone else.
    const manager = (await attempt(server.url, '198.51.100.52', 'manager', TEST_PASSWORD)).body.token;
    const refused = await http<{ error: { code: string } }>(server.url, 'GET', '/api/auth/failed-logins', manager);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await http(server.url, 'GET', '/api/auth/failed-logins')).status).toBe(401);
    expect((await http(server.url, 'GET', '/api/auth/failed-logins?limit=0', admin)).status).toBe(400);
  });
});
