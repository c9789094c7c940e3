/**
 * A hub process that starts (or is restarted after a crash) while others serve: at start it
 * rebuilds the mirror from PostgreSQL, a merge that must leave the Redis counters alone while
 * Redis kept them. Raising the change seq there (as a clock-based floor once did, whenever the
 * process started a second or more after the mirror was built) made every connected screen see a
 * gap and a resync at once — the cluster test's "board that never disconnected saw a gap".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveProject, type LockResult, type ProjectSnapshot } from '@kaipan/shared';
import { buildApp, type KaipanApp } from '../server/src/app.js';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';
import { waitFor } from './support/wait.js';

let server: TestServer;
let second: KaipanApp | undefined;

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2 });
}, 120_000);

afterAll(async () => {
  await second?.close();
  await server?.close();
});

describe('a hub process starting while screens are connected', () => {
  it('moves no counter: the board sees every change in order, no gap, no resync', async () => {
    const projectId = server.fixture.projectId;
    const board: HubClient = await server.connect({ deviceKey: TEST_BOARD_KEY });
    const live = new LiveProject();
    let resyncs = 0;
    const seen: number[] = [];
    board.on('units:changed', (frame) => {
      for (const c of frame.changes) seen.push(c.seq);
      live.apply(frame);
    });
    board.on('project:changed', (e) => {
      if (e.resync) resyncs += 1;
    });
    const join = await emitAck<ProjectSnapshot>(board, 'project:join', { projectId });
    if (!join.ok) throw new Error(join.error.code);
    live.load(join.data);

    const consultant = await server.connect({ token: (await server.login('s001')).token });
    const [u1, u2] = server.fixture.unitIds as [string, string];
    const lock = await emitAck<LockResult>(consultant, 'unit:lock', { unitId: u1 });
    if (!lock.ok) throw new Error(lock.error.code);
    await waitFor(() => (seen.length === 1 ? true : undefined), 'the lock on the board');

    // The clock floor moves 100 000 per second: a second later it is far above the seq.
    await new Promise((r) => setTimeout(r, 1_100));
    second = await buildApp({ ...server.config, port: 0 });
    await second.listen();

    expect((await emitAck(consultant, 'unit:release', { unitId: u1, token: lock.data.token })).ok).toBe(true);
    expect((await emitAck<LockResult>(consultant, 'unit:lock', { unitId: u2 })).ok).toBe(true);
    await waitFor(() => (seen.length === 3 ? true : undefined), 'the release and the next lock on the board');
    expect(seen).toEqual([join.data.seq + 1, join.data.seq + 2, join.data.seq + 3]);
    expect(live.gaps).toBe(0);
    expect(resyncs).toBe(0);
    expect(live.units.get(u2)?.status).toBe('LOCKED');
  });
});
