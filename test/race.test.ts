/**
 * Concurrency claims, proven by racing many real socket.io clients against real PostgreSQL and Redis.
 * Figures are printed for the issue notes; they are not asserted (speed is measured by benchmarks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmResult, LockResult, ProjectSnapshot } from '@kaipan/shared';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';
import { followProject } from './support/follow.js';

let server: TestServer;
let sockets: HubClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ units: 60, consultants: 200 });
  const logins = await Promise.all(server.fixture.consultants.map((u) => server.login(u)));
  sockets = await Promise.all(logins.map((l) => server.connect({ token: l.token })));
}, 120_000);

afterAll(async () => {
  await server?.close();
});

async function dbStatuses(): Promise<Map<string, string>> {
  const rows = await server.db.unit.findMany({
    where: { projectId: server.fixture.projectId },
    select: { id: true, status: true },
  });
  return new Map(rows.map((r) => [r.id, r.status]));
}

async function doubleSold(): Promise<number> {
  const rows = await server.db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM (SELECT unit_id FROM subscriptions WHERE status = 'ACTIVE' GROUP BY unit_id HAVING count(*) > 1) x`;
  return Number(rows[0]!.n);
}

describe('races', () => {
  it('200 sockets lock one unit at once → exactly one winner', async () => {
    const unitId = server.fixture.unitIds[0]!;
    const started = performance.now();
    const acks = await Promise.all(sockets.map((s) => emitAck<LockResult>(s, 'unit:lock', { unitId })));
    const elapsed = performance.now() - started;
    const winners = acks.filter((a) => a.ok);
    const codes = acks.flatMap((a) => (a.ok ? [] : [a.error.code]));
    console.log(
      `[race] 200 sockets on one unit: ${winners.length} winner, ${codes.length} refused, all answered in ${elapsed.toFixed(0)} ms`,
    );
    expect(winners).toHaveLength(1);
    expect(codes).toHaveLength(199);
    for (const code of codes) expect(['UNIT_NOT_AVAILABLE', 'LOCK_HELD']).toContain(code);
  });

  it('200 sockets confirm against 1 lock and race 20 units → never two subscriptions for one unit', async () => {
    const units = server.fixture.unitIds.slice(1, 21);
    const results = await Promise.all(
      sockets.map(async (s, i) => {
        const unitId = units[i % units.length]!;
        const lock = await emitAck<LockResult>(s, 'unit:lock', { unitId });
        if (!lock.ok) return 0;
        const confirm = await emitAck<ConfirmResult>(s, 'unit:confirm', {
          unitId,
          token: lock.data.token,
          buyer: { name: `买家${i}`, phone: `139${String(i).padStart(8, '0')}` },
        });
        return confirm.ok ? 1 : 0;
      }),
    );
    const confirmed = results.reduce<number>((a, b) => a + b, 0);
    expect(confirmed).toBe(20);
    expect(await doubleSold()).toBe(0);
    expect(await server.db.subscription.count({ where: { unitId: { in: units }, status: 'ACTIVE' } })).toBe(20);
  });

  it('100 sockets × 2,000 random lock/confirm/release operations over 60 units: PostgreSQL, mirror and a board agree', async () => {
    const boardSocket = await server.connect({ deviceKey: TEST_BOARD_KEY });
    // Joined right after the previous test's confirms: their frames may still be on the way.
    const { live: board } = await followProject(boardSocket, server.fixture.projectId);
    const players = sockets.slice(0, 100);
    const units = server.fixture.unitIds;
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const outcome = { ops: 0, locks: 0, confirms: 0, releases: 0, refused: 0 };
    const started = performance.now();
    await Promise.all(
      players.map(async (s, p) => {
        const held = new Map<string, string>();
        for (let i = 0; i < 20; i += 1) {
          outcome.ops += 1;
          const roll = random();
          if (held.size > 0 && roll < 0.12) {
            const [unitId, token] = [...held][0]!;
            held.delete(unitId);
            const ack = await emitAck<ConfirmResult>(s, 'unit:confirm', {
              unitId,
              token,
              buyer: { name: `客户${p}-${i}`, phone: '13700000000' },
            });
            if (ack.ok) outcome.confirms += 1;
            else outcome.refused += 1;
          } else if (held.size > 0 && roll < 0.6) {
            const [unitId, token] = [...held][0]!;
            held.delete(unitId);
            const ack = await emitAck(s, 'unit:release', { unitId, token });
            if (ack.ok) outcome.releases += 1;
            else outcome.refused += 1;
          } else {
            const unitId = units[Math.floor(random() * units.length)]!;
            const ack = await emitAck<LockResult>(s, 'unit:lock', { unitId });
            if (ack.ok) {
              outcome.locks += 1;
              held.set(unitId, ack.data.token);
            } else outcome.refused += 1;
          }
        }
        for (const [unitId, token] of held) await emitAck(s, 'unit:release', { unitId, token });
      }),
    );
    const elapsed = performance.now() - started;
    console.log(
      `[race] random storm: ${JSON.stringify(outcome)} in ${elapsed.toFixed(0)} ms (${((outcome.ops / elapsed) * 1000).toFixed(0)} ops/s)`,
    );
    expect(outcome.ops).toBe(2_000);
    expect(outcome.locks).toBeGreaterThan(50);
    expect(outcome.confirms).toBeGreaterThan(0);
    expect(outcome.releases).toBeGreaterThan(0);
    expect(await doubleSold()).toBe(0);

    // Wait for the board to catch up with the mirror's seq, then compare all three pictures.
    const snapshotAck = await emitAck<ProjectSnapshot>(sockets[199]!, 'project:join', {
      projectId: server.fixture.projectId,
    });
    if (!snapshotAck.ok) throw new Error(snapshotAck.error.code);
    const mirror = snapshotAck.data;
    const deadline = Date.now() + 5_000;
    while (board.seq < mirror.seq && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(board.seq).toBe(mirror.seq);
    // Every change reached the board in order: it never had to reload a snapshot to catch up.
    expect(board.gaps).toBe(0);

    const db = await dbStatuses();
    for (const unit of mirror.units) {
      // PostgreSQL does not store locks: a locked unit is AVAILABLE there.
      expect(unit.status === 'LOCKED' ? 'AVAILABLE' : unit.status, `mirror ${unit.code}`).toBe(db.get(unit.id));
      expect(board.units.get(unit.id)?.status, `board ${unit.code}`).toBe(unit.status);
    }
    const sold = [...db.values()].filter((s) => s === 'SUBSCRIBED').length;
    expect(
      await server.db.subscription.count({ where: { projectId: server.fixture.projectId, status: 'ACTIVE' } }),
    ).toBe(sold);
  });
});
