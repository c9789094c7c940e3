/**
 * The worker process (server/src/worker.ts): the same plugins as a server minus HTTP and the hub.
 * Beside a hub-only server (KAIPAN_ROLE=hub: no sweeper of its own), the worker's sweeper frees an
 * expired lock and every screen hears it; on close the worker ends each Redis connection it opened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { LockResult, ProjectSnapshot, UnitsChangedFrame } from '@kaipan/shared';
import { startWorker, type KaipanWorker } from '../server/src/worker.js';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';

let server: TestServer;
let worker: KaipanWorker | undefined;
let admin: Redis;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

beforeAll(async () => {
  server = await startTestServer({ units: 4, consultants: 1, lockTtlSeconds: 1, env: { KAIPAN_ROLE: 'hub' } });
  admin = new Redis(server.config.redisUrl);
}, 120_000);

afterAll(async () => {
  await worker?.close();
  admin?.disconnect();
  await server?.close();
});

/** Names of this Redis's client connections that only a worker process opens (the test Redis is shared by test files). */
async function workerConnections(): Promise<string[]> {
  const list = (await admin.client('LIST')) as string;
  return [...list.matchAll(/ name=(kaipan:worker(?:-io-pub|-io-sub)?) /g)].map((m) => m[1]!).sort();
}

describe('worker process', () => {
  it('sweeps expired locks for a hub-only server, and closes every connection it opened', async () => {
    worker = await startWorker({ ...server.config, role: 'worker' }, quiet);
    expect(await workerConnections()).toEqual(['kaipan:worker', 'kaipan:worker-io-pub', 'kaipan:worker-io-sub']);

    const consultant: HubClient = await server.connect({ token: (await server.login('s001')).token });
    const board: HubClient = await server.connect({ deviceKey: TEST_BOARD_KEY });
    await emitAck<ProjectSnapshot>(board, 'project:join', { projectId: server.fixture.projectId });
    const unitId = server.fixture.unitIds[0]!;
    const freed = new Promise<void>((resolve) => {
      board.on('units:changed', (frame: UnitsChangedFrame) => {
        if (frame.changes.some((c) => c.unitId === unitId && c.status === 'AVAILABLE')) resolve();
      });
    });
    const lock = await emitAck<LockResult>(consultant, 'unit:lock', { unitId });
    expect(lock.ok).toBe(true);
    await freed;
    expect(await server.kaipan.services.mirror.getLock(server.fixture.projectId, unitId)).toBeNull();

    await worker.close();
    worker = undefined;
    // disconnect() is immediate on our side; give Redis a moment to drop the entries.
    for (let i = 0; i < 20 && (await workerConnections()).length > 0; i += 1)
      await new Promise((r) => setTimeout(r, 50));
    expect(await workerConnections()).toEqual([]);
  }, 60_000);
});
