/**
 * Hub limits per user (issue 12): one token could open 200 sockets and run 400 simultaneous commands.
 * Sockets per user are capped (a coded connect error beyond the cap) and commands are limited per user
 * over all their sockets as well as per socket — with the production defaults, which a consultant's
 * own pace (a phone and a tablet) never reaches.
 */
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_NAMESPACE, type Ack } from '@kaipan/shared';
import { parseEnv } from '../server/src/config/index.js';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';

const DEFAULTS = parseEnv({});
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    units: 4,
    consultants: 4,
    env: {
      HUB_RATE_PER_SECOND: String(DEFAULTS.HUB_RATE_PER_SECOND),
      HUB_USER_RATE_PER_SECOND: String(DEFAULTS.HUB_USER_RATE_PER_SECOND),
      HUB_SOCKETS_PER_USER: String(DEFAULTS.HUB_SOCKETS_PER_USER),
    },
  });
});

afterAll(async () => {
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Open a socket; resolves with it once connected, or with the server's refusal. */
function open(token: string): Promise<{ socket: HubClient; error: { code?: string; details?: unknown } | null }> {
  const socket = ioClient(`${server.url}${HUB_NAMESPACE}`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  }) as HubClient;
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (err) =>
      resolve({ socket, error: (err as Error & { data?: { code?: string } }).data ?? { code: err.message } }),
    );
  });
}

describe('hub limits per user', () => {
  it(`200 sockets on one token: ${DEFAULTS.HUB_SOCKETS_PER_USER} connect, the rest are refused with RATE_LIMITED; a closed one frees its place`, async () => {
    const { token } = await server.login('s001');
    const results = await Promise.all(Array.from({ length: 200 }, () => open(token)));
    const connected = results.filter((r) => r.error === null);
    const refused = results.filter((r) => r.error !== null);
    expect(connected).toHaveLength(DEFAULTS.HUB_SOCKETS_PER_USER);
    expect(refused).toHaveLength(200 - DEFAULTS.HUB_SOCKETS_PER_USER);
    for (const r of refused) {
      expect(r.error).toMatchObject({
        code: 'RATE_LIMITED',
        details: { limit: 'sockets-per-user', max: DEFAULTS.HUB_SOCKETS_PER_USER },
      });
      r.socket.disconnect();
    }
    // Another user is not affected.
    const other = await open((await server.login('s002')).token);
    expect(other.error).toBeNull();
    other.socket.disconnect();

    // A socket that goes away frees its place (the server notices the close).
    connected[0]!.socket.disconnect();
    await expect
      .poll(
        async () => {
          const again = await open(token);
          again.socket.disconnect();
          return again.error?.code ?? 'connected';
        },
        { timeout: 5_000, interval: 100 },
      )
      .toBe('connected');
    for (const r of connected) r.socket.disconnect();
  });

  it('400 simultaneous commands from one user across sockets: most refused RATE_LIMITED; a normal pace passes; others unaffected', async () => {
    const projectId = server.fixture.projectId;
    const { token } = await server.login('s003');
    const sockets: HubClient[] = [];
    for (let i = 0; i < DEFAULTS.HUB_SOCKETS_PER_USER; i++) sockets.push((await open(token)).socket);
    const bystander = (await open((await server.login('s004')).token)).socket;

    // The user's own pace first: a phone and a tablet, a command every 100 ms each, for 2 s.
    const paced: Ack<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      paced.push(
        ...(await Promise.all([
          emitAck(sockets[0]!, 'project:leave', { projectId }),
          emitAck(sockets[1]!, 'project:leave', { projectId }),
        ])),
      );
      await sleep(100);
    }
    expect(paced.every((a) => a.ok)).toBe(true);

    // 400 at once, spread over every socket (40 each: within the per-socket burst).
    const burst = Promise.all(
      Array.from({ length: 400 }, (_, i) => emitAck(sockets[i % sockets.length]!, 'project:leave', { projectId })),
    );
    const others = Promise.all(Array.from({ length: 20 }, () => emitAck(bystander, 'project:leave', { projectId })));
    const acks = await burst;
    const refused = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED');
    const passed = acks.filter((a) => a.ok);
    expect(refused.length + passed.length).toBe(400);
    expect(refused.length).toBeGreaterThan(200);
    // At most the per-user burst plus what refilled while the burst was served.
    expect(passed.length).toBeLessThan(200);
    expect((await others).every((a) => a.ok)).toBe(true);

    // Refilled after a short pause, the normal pace passes again.
    await sleep(2_000);
    for (let i = 0; i < 10; i++) {
      expect((await emitAck(sockets[i % 2]!, 'project:leave', { projectId })).ok).toBe(true);
      await sleep(100);
    }
    for (const s of [...sockets, bystander]) s.disconnect();
  });
});
