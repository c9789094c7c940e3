/**
 * The chunked fan-out (server/src/hub/fanout.ts) against a real server, PostgreSQL and Redis: with
 * 2 sockets written per event-loop turn, boards and phones spread over several chunks still get
 * every change exactly once, in order, with no gap (frames that queue up behind a chunked write go
 * out merged), and `project:changed` after every frame queued before it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LockResult, ProjectChangedEvent, UnitsChangedFrame } from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';
import { followProject, type Follower } from './support/follow.js';

/** What one socket received, in arrival order. */
type Heard = { frame: UnitsChangedFrame } | { project: ProjectChangedEvent };

let server: TestServer;
let manager: string;
const screens: { name: string; socket: HubClient; follower: Follower; heard: Heard[] }[] = [];
let sellers: HubClient[] = [];

beforeAll(async () => {
  // Every frame as soon as it is read (no 50 ms cap) and 2 sockets per turn: 7 boards take 4 turns,
  // 5 phones 3, so the next frames arrive while one is still being written.
  server = await startTestServer({
    units: 24,
    consultants: 4,
    env: { FANOUT_SOCKETS_PER_TURN: '2', FANOUT_INTERVAL_MS: '0', GRID_FANOUT_INTERVAL_MS: '20' },
  });
  const logins = await Promise.all(['s001', 's002', 's003', 's004', 'manager'].map((u) => server.login(u)));
  manager = logins[4]!.token;
  const follow = async (name: string, auth: { token: string } | { deviceKey: string }) => {
    const socket = await server.connect(auth);
    const heard: Heard[] = [];
    socket.on('units:changed', (frame) => heard.push({ frame }));
    socket.on('project:changed', (project) => heard.push({ project }));
    screens.push({ name, socket, heard, follower: await followProject(socket, server.fixture.projectId) });
  };
  for (let i = 0; i < 7; i += 1) await follow(`board ${i}`, { deviceKey: TEST_BOARD_KEY });
  for (const [i, login] of [...logins.slice(0, 4), logins[0]!].entries())
    await follow(`phone ${i}`, { token: login.token });
  sellers = await Promise.all(logins.slice(0, 2).map((l) => server.connect({ token: l.token })));
});

afterAll(async () => {
  await server?.close();
});

/** `rounds` lock → release cycles by each seller at once, on units of their own; returns the acks' count. */
async function sell(rounds: number, firstUnit: number): Promise<number> {
  let changes = 0;
  await Promise.all(
    sellers.map(async (seller, s) => {
      const unitId = server.fixture.unitIds[firstUnit + s]!;
      for (let i = 0; i < rounds; i += 1) {
        const lock = await emitAck<LockResult>(seller, 'unit:lock', { unitId });
        if (!lock.ok) throw new Error(lock.error.code);
        expect((await emitAck(seller, 'unit:release', { unitId, token: lock.data.token })).ok).toBe(true);
        changes += 2;
      }
    }),
  );
  return changes;
}

const framesOf = (heard: Heard[]): UnitsChangedFrame[] => heard.flatMap((h) => ('frame' in h ? [h.frame] : []));
const seqsOf = (frames: UnitsChangedFrame[]): number[] => frames.flatMap((f) => f.changes.map((c) => c.seq));

describe('chunked fan-out', () => {
  it('every board and phone gets every change once, in order, without a gap; project:changed after the frames before it', async () => {
    const projectId = server.fixture.projectId;
    const before = await sell(12, 10);
    expect((await http(server.url, 'POST', `/api/projects/${projectId}/pause`, manager, {})).status).toBe(200);
    expect((await http(server.url, 'POST', `/api/projects/${projectId}/resume`, manager, {})).status).toBe(200);
    const after = await sell(12, 10);

    for (const screen of screens) {
      await vi.waitFor(
        () => {
          expect(seqsOf(framesOf(screen.heard))).toHaveLength(before + after);
          expect(screen.heard.filter((h) => 'project' in h)).toHaveLength(2);
        },
        { timeout: 5_000 },
      );
    }
    const expected = seqsOf(framesOf(screens[0]!.heard));
    expect(new Set(expected).size).toBe(before + after);
    for (const { name, heard, follower } of screens) {
      const frames = framesOf(heard);
      // Each frame is a contiguous run of seqs that follows on from the previous one.
      for (const [i, f] of frames.entries()) {
        expect(
          f.changes.map((c) => c.seq),
          name,
        ).toEqual(Array.from({ length: f.seq - f.fromSeq + 1 }, (_, k) => f.fromSeq + k));
        if (i > 0) expect(f.fromSeq, name).toBe(frames[i - 1]!.seq + 1);
      }
      expect(seqsOf(frames), name).toEqual(expected);
      // The pause and the resume came between the changes made before and after them.
      const pauseAt = heard.findIndex((h) => 'project' in h && h.project.paused);
      const resumeAt = heard.findIndex((h) => 'project' in h && !h.project.paused);
      expect(pauseAt, name).toBeGreaterThan(-1);
      expect(resumeAt, name).toBeGreaterThan(pauseAt);
      expect(seqsOf(framesOf(heard.slice(0, pauseAt))), name).toEqual(expected.slice(0, before));
      expect(seqsOf(framesOf(heard.slice(resumeAt))), name).toEqual(expected.slice(before));
      // The screen's own state (the web client's seq rule) followed without a gap.
      expect(follower.live.gaps, name).toBe(0);
      expect(follower.live.seq, name).toBe(expected.at(-1));
    }
  });
});
