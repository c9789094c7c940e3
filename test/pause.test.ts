/**
 * What a pause 暂停销售 stops: new locks AND confirms. A lock held when the pause came stays (until it
 * expires or is released) and can be confirmed after the resume. The check is in PostgreSQL, inside
 * kaipan_confirm — the one confirm path — so confirms racing a pause never commit after the pause
 * committed. Real server, PostgreSQL, Redis and many sockets.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, ConfirmResult, LockResult } from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';

let server: TestServer;
let managerToken: string;
let sockets: HubClient[] = [];
let tokens: string[] = [];
let nextUnit = 0;

const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;
const buyer = (i: number) => ({ name: `暂停买家${i}`, phone: `135${String(i).padStart(8, '0')}` });
const code = (ack: Ack<unknown>): string | null => (ack.ok ? null : ack.error.code);

async function pause(): Promise<void> {
  const res = await http(server.url, 'POST', `/api/projects/${server.fixture.projectId}/pause`, managerToken, {});
  expect(res.status).toBe(200);
}
async function resume(): Promise<void> {
  const res = await http(server.url, 'POST', `/api/projects/${server.fixture.projectId}/resume`, managerToken, {});
  expect(res.status).toBe(200);
}

async function lock(socket: HubClient, unitId: string): Promise<string> {
  const ack = await emitAck<LockResult>(socket, 'unit:lock', { unitId });
  if (!ack.ok) throw new Error(`lock: ${ack.error.code}`);
  return ack.data.token;
}

beforeAll(async () => {
  server = await startTestServer({ units: 520, consultants: 50, maxLocks: 5 });
  managerToken = (await server.login('manager')).token;
  const logins = await Promise.all(server.fixture.consultants.map((u) => server.login(u)));
  tokens = logins.map((l) => l.token);
  sockets = await Promise.all(logins.map((l) => server.connect({ token: l.token })));
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('a pause stops confirms too', () => {
  it('a lock held before the pause cannot be confirmed during it (hub and HTTP); it stays, and confirms after the resume', async () => {
    const [unitA, unitB] = [freshUnit(), freshUnit()];
    const [tokenA, tokenB] = [await lock(sockets[0]!, unitA), await lock(sockets[0]!, unitB)];
    await pause();
    try {
      const viaHub = await emitAck(sockets[0]!, 'unit:confirm', { unitId: unitA, token: tokenA, buyer: buyer(1) });
      expect(viaHub).toMatchObject({ ok: false, error: { code: 'SALES_PAUSED' } });
      const viaHttp = await http<{ error: { code: string } }>(
        server.url,
        'POST',
        `/api/units/${unitB}/confirm`,
        tokens[0],
        { token: tokenB, buyer: buyer(2) },
      );
      expect(viaHttp).toMatchObject({ status: 409, body: { error: { code: 'SALES_PAUSED' } } });
      // Nothing was written, and the locks are still held (with their own expiry).
      expect(await server.db.subscription.count({ where: { unitId: { in: [unitA, unitB] } } })).toBe(0);
      for (const unitId of [unitA, unitB]) {
        const held = await server.kaipan.services.mirror.getLock(server.fixture.projectId, unitId);
        expect(held).toMatchObject({ h: expect.any(String) });
        expect(held!.c).toBeUndefined();
      }
      // New locks are refused as before.
      expect(code(await emitAck(sockets[1]!, 'unit:lock', { unitId: freshUnit() }))).toBe('SALES_PAUSED');
    } finally {
      await resume();
    }
    const after = await emitAck<ConfirmResult>(sockets[0]!, 'unit:confirm', {
      unitId: unitA,
      token: tokenA,
      buyer: buyer(1),
    });
    expect(after.ok).toBe(true);
    expect((await emitAck(sockets[0]!, 'unit:release', { unitId: unitB, token: tokenB })).ok).toBe(true);
  });

  it('10 rounds: 50 consultants confirm while the manager pauses — no confirm commits after the pause committed', async () => {
    const projectId = server.fixture.projectId;
    // An observer on its own connection: each statement is one consistent snapshot of (paused, sales).
    const observer = new pg.Client({ connectionString: server.databaseUrl });
    await observer.connect();
    let violations = 0;
    let refusedPaused = 0;
    let confirmed = 0;
    try {
      for (let round = 0; round < 10; round += 1) {
        const held = await Promise.all(
          sockets.map(async (s) => {
            const unitId = freshUnit();
            return { s, unitId, token: await lock(s, unitId) };
          }),
        );
        let watching = true;
        let pausedAt: number | null = null;
        const watch = (async () => {
          while (watching) {
            const { rows } = await observer.query<{ paused: boolean; sold: string }>(
              `SELECT p.sales_paused AS paused, (SELECT count(*) FROM subscriptions s WHERE s.project_id = p.id) AS sold
               FROM projects p WHERE p.id = $1`,
              [projectId],
            );
            const row = rows[0]!;
            const sold = Number(row.sold);
            if (row.paused && pausedAt === null) pausedAt = sold;
            else if (row.paused && pausedAt !== null && sold > pausedAt) violations += 1;
          }
        })();
        // All confirms go out at once; the pause is pressed when the round's first `round × 5` answers
        // came back (round 0: at once), so it lands among confirms still in flight.
        const confirm = (h: (typeof held)[number], i: number) =>
          emitAck<ConfirmResult>(h.s, 'unit:confirm', {
            unitId: h.unitId,
            token: h.token,
            buyer: buyer(1_000 + round * 100 + i),
          });
        let answered = 0;
        let paused: Promise<void> | undefined;
        const pauseAfter = round * 5;
        if (pauseAfter === 0) paused = pause();
        const acks = await Promise.all(
          held.map(async (h, i) => {
            const ack = await confirm(h, i);
            answered += 1;
            if (answered === pauseAfter) paused = pause();
            return ack;
          }),
        );
        await paused;
        // Confirms pressed after the pause answered: all refused.
        const afterPause = await Promise.all(
          held
            .filter((_, i) => !acks[i]!.ok)
            .slice(0, 5)
            .map((h, i) => confirm(h, 900 + i)),
        );
        for (const ack of afterPause) expect(code(ack)).toBe('SALES_PAUSED');
        watching = false;
        await watch;
        const final = await server.db.subscription.count({ where: { projectId } });
        const { rows } = await observer.query<{ sold: string }>(
          'SELECT count(*) AS sold FROM subscriptions WHERE project_id = $1',
          [projectId],
        );
        expect(Number(rows[0]!.sold)).toBe(final);
        // Every sale the round made was visible in the first paused snapshot.
        expect(pausedAt).not.toBeNull();
        expect(final).toBe(pausedAt);
        for (const ack of acks) if (!ack.ok) expect(ack.error.code).toBe('SALES_PAUSED');
        confirmed += acks.filter((a) => a.ok).length;
        refusedPaused += acks.filter((a) => code(a) === 'SALES_PAUSED').length;
        await resume();
        // The refused ones still hold their locks: release them for the next round.
        await Promise.all(
          held.map((h, i) =>
            acks[i]!.ok ? undefined : emitAck(h.s, 'unit:release', { unitId: h.unitId, token: h.token }),
          ),
        );
      }
    } finally {
      await observer.end();
    }
    console.log(
      `[pause race] 10 rounds × 50 confirms: ${confirmed} committed before the pause, ${refusedPaused} refused SALES_PAUSED, ${violations} committed after`,
    );
    expect(violations).toBe(0);
    expect(refusedPaused).toBeGreaterThan(0);
    expect(confirmed).toBeGreaterThan(0);
  });
});
