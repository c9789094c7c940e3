/**
 * Redis loses everything mid-run: the mirror is rebuilt from PostgreSQL, locks are simply gone,
 * late confirms are harmless, nothing is sold twice, and screens resynchronise by themselves.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmResult, LockResult, ProjectSnapshot } from '@kaipan/shared';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { TEST_BOARD_KEY } from './support/fixture.js';
import { followProject } from './support/follow.js';

let server: TestServer;
let redis: Redis;
let sockets: HubClient[];

/** Delete every key of this server (other test files share the Redis server). */
async function flushOurKeys(): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${server.config.redisPrefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

beforeAll(async () => {
  server = await startTestServer({ units: 40, consultants: 20 });
  redis = new Redis(server.config.redisUrl);
  sockets = await Promise.all(
    server.fixture.consultants.map(async (u) => server.connect({ token: (await server.login(u)).token })),
  );
});

afterAll(async () => {
  redis?.disconnect();
  await server?.close();
});

describe('Redis comes back empty', () => {
  it('rebuilds the mirror, drops locks, refuses late confirms, and screens resynchronise', async () => {
    const [s1, s2] = sockets as [HubClient, HubClient];
    const board = await followProject(await server.connect({ deviceKey: TEST_BOARD_KEY }), server.fixture.projectId);
    const { live } = board;

    const [soldUnit, lockedUnit] = server.fixture.unitIds as [string, string];
    const l1 = await emitAck<LockResult>(s1, 'unit:lock', { unitId: soldUnit });
    if (!l1.ok) throw new Error(l1.error.code);
    expect(
      (
        await emitAck<ConfirmResult>(s1, 'unit:confirm', {
          unitId: soldUnit,
          token: l1.data.token,
          buyer: { name: '甲', phone: '13000000000' },
        })
      ).ok,
    ).toBe(true);
    const l2 = await emitAck<LockResult>(s2, 'unit:lock', { unitId: lockedUnit });
    if (!l2.ok) throw new Error(l2.error.code);
    const seqBefore = live.seq;

    expect(await flushOurKeys()).toBeGreaterThan(0);

    // The watchdog (or the next command) rebuilds; the board is told to resync.
    const deadline = Date.now() + 5_000;
    while (board.resyncs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(board.resyncs).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(live.seq).toBeGreaterThan(seqBefore);
    expect(live.units.get(soldUnit)?.status).toBe('SUBSCRIBED');
    expect(live.units.get(lockedUnit)?.status).toBe('AVAILABLE');

    // The lost lock cannot confirm; someone else can lock the unit now.
    expect(
      await emitAck(s2, 'unit:confirm', {
        unitId: lockedUnit,
        token: l2.data.token,
        buyer: { name: '乙', phone: '13000000001' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'LOCK_EXPIRED' } });
    const relock = await emitAck<LockResult>(s1, 'unit:lock', { unitId: lockedUnit });
    if (!relock.ok) throw new Error(relock.error.code);
    expect(BigInt(relock.data.token)).toBeGreaterThan(BigInt(l2.data.token));
    expect(await emitAck(s1, 'unit:lock', { unitId: soldUnit })).toMatchObject({
      ok: false,
      error: { code: 'UNIT_NOT_AVAILABLE' },
    });
  });

  it('heals a mirror that missed a committed change (a process died between commit and mirror update)', async () => {
    const { live } = await followProject(await server.connect({ deviceKey: TEST_BOARD_KEY }), server.fixture.projectId);
    const unitId = server.fixture.unitIds[39]!;
    expect(live.units.get(unitId)?.status).toBe('AVAILABLE');
    // Commit a withhold in PostgreSQL only, as if the process had died before touching Redis.
    await server.db
      .$executeRaw`UPDATE units SET status = 'WITHHELD', version = version + 1, updated_at = now() WHERE id = ${unitId}::uuid`;
    const deadline = Date.now() + 5_000;
    while (live.units.get(unitId)?.status !== 'WITHHELD' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(live.units.get(unitId)?.status).toBe('WITHHELD');
    expect(await emitAck(sockets[3]!, 'unit:lock', { unitId })).toMatchObject({
      ok: false,
      error: { code: 'UNIT_NOT_AVAILABLE' },
    });
  });

  it('a flush in the middle of a storm never sells a unit twice and ends consistent', async () => {
    const units = server.fixture.unitIds.slice(2);
    let flushed = false;
    const storm = Promise.all(
      sockets.map(async (s, i) => {
        for (let round = 0; round < 15; round += 1) {
          const unitId = units[(i * 7 + round * 3) % units.length]!;
          const lock = await emitAck<LockResult>(s, 'unit:lock', { unitId });
          if (!lock.ok) continue;
          if (round % 3 === 0) {
            await emitAck(s, 'unit:confirm', {
              unitId,
              token: lock.data.token,
              buyer: { name: `买家${i}`, phone: '13900000000' },
            });
          } else {
            await emitAck(s, 'unit:release', { unitId, token: lock.data.token });
          }
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 150));
    await flushOurKeys();
    flushed = true;
    await storm;
    expect(flushed).toBe(true);
    await new Promise((r) => setTimeout(r, 1_500));

    const dup = await server.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT unit_id FROM subscriptions WHERE status = 'ACTIVE' GROUP BY unit_id HAVING count(*) > 1) x`;
    expect(Number(dup[0]!.n)).toBe(0);
    const snap = await emitAck<ProjectSnapshot>(sockets[0]!, 'project:join', { projectId: server.fixture.projectId });
    if (!snap.ok) throw new Error(snap.error.code);
    const db = new Map(
      (await server.db.unit.findMany({ where: { projectId: server.fixture.projectId } })).map((u) => [u.id, u.status]),
    );
    for (const u of snap.data.units) expect(u.status === 'LOCKED' ? 'AVAILABLE' : u.status, u.code).toBe(db.get(u.id));
    const sold = [...db.values()].filter((s) => s === 'SUBSCRIBED').length;
    expect(
      await server.db.subscription.count({ where: { projectId: server.fixture.projectId, status: 'ACTIVE' } }),
    ).toBe(sold);
  });
});
