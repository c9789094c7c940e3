/**
 * `npm start -- --nodes 3`: three hub processes and a worker share Redis and PostgreSQL. Consultants
 * and boards spread over the hubs (round-robin); every board sees every change in seq order; one hub
 * is killed with SIGKILL mid-storm, its clients reconnect to the others and resynchronise within
 * 5 s, nothing is sold twice, and at the end every board equals PostgreSQL.
 */
import pg from 'pg';
import { io as ioClient } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  HUB_NAMESPACE,
  LiveProject,
  type ConfirmResult,
  type LoginResponse,
  type LockResult,
  type ProjectSnapshot,
  type ProjectSummary,
} from '@kaipan/shared';
import { findFreePort } from '../server/src/infra/ports.js';
import { emitAck, type HubClient } from './support/app.js';
import {
  clusterHubs,
  descendants,
  embeddedDatabaseUrl,
  launch,
  makeDataDir,
  pidAlive,
  type Launched,
} from './support/launch.js';

const BOARD_KEY = 'demo-board-key-7f3a9c2e5b8d1046';
const data = makeDataDir();
let launched: Launched | undefined;

afterAll(async () => {
  await launched?.stop();
  data.remove();
});

interface Follower {
  socket: HubClient;
  live: LiveProject;
  disconnects: number;
  /** ms from each disconnect to the snapshot that followed the reconnect */
  recoveries: number[];
  orderViolations: number;
}

function connect(url: string, auth: object): HubClient {
  return ioClient(`${url}${HUB_NAMESPACE}`, {
    auth,
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1_000,
    randomizationFactor: 0.5,
  }) as HubClient;
}

async function follow(url: string, auth: object, projectId: string): Promise<Follower> {
  const socket = connect(url, auth);
  const f: Follower = { socket, live: new LiveProject(), disconnects: 0, recoveries: [], orderViolations: 0 };
  let downAt = 0;
  let lastSeen = 0;
  // LiveProject's join protocol (frames racing the answer are held; only the latest join loads).
  const join = async (): Promise<void> => {
    const ticket = f.live.join();
    const ack = await emitAck<ProjectSnapshot>(socket, 'project:join', { projectId });
    if (!ack.ok) throw new Error(ack.error.code);
    if (!f.live.load(ack.data, ticket)) void join();
    lastSeen = Math.max(lastSeen, ack.data.seq);
    if (downAt) {
      f.recoveries.push(Date.now() - downAt);
      downAt = 0;
    }
  };
  socket.on('units:changed', (frame) => {
    for (const c of frame.changes) {
      if (c.seq <= lastSeen && c.seq > f.live.seq) f.orderViolations += 1;
      lastSeen = Math.max(lastSeen, c.seq);
    }
    if (!f.live.apply(frame)) void join();
  });
  socket.on('disconnect', () => {
    f.disconnects += 1;
    downAt = Date.now();
  });
  socket.io.on('reconnect', () => void join().catch(() => undefined));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await join();
  return f;
}

describe('several hub processes', () => {
  it('fan out in order, survive kill -9 of a hub, never double-sell', async () => {
    const port = await findFreePort();
    launched = launch({
      port,
      dataDir: data.dir,
      args: ['--nodes', '3'],
      env: { HUB_RATE_PER_SECOND: '1000', LOGIN_RATE_PER_MINUTE: '100000' },
    });
    console.log(`[cluster] 3 hubs + worker ready in ${await launched.ready} ms`);
    const url = `http://127.0.0.1:${port}`;
    const workerPid = Number(/"name":"worker (\d+)"/.exec(launched.output())?.[1]);
    const hubs = clusterHubs(launched.proc.pid!, workerPid);
    expect(workerPid).toBeGreaterThan(0);

    const login = async (username: string) =>
      (await (
        await fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: 'kaipan-demo' }),
        })
      ).json()) as LoginResponse;
    const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => login(`c${String(i + 1).padStart(3, '0')}`)));
    const projectId = (
      (await (
        await fetch(`${url}/api/projects`, { headers: { authorization: `Bearer ${tokens[0]!.token}` } })
      ).json()) as ProjectSummary[]
    )[0]!.id;

    const boards = await Promise.all(Array.from({ length: 6 }, () => follow(url, { deviceKey: BOARD_KEY }, projectId)));
    const consultants = await Promise.all(tokens.map((t) => follow(url, { token: t.token }, projectId)));
    const units = [...boards[0]!.live.units.values()].filter((u) => u.status === 'AVAILABLE').map((u) => u.id);

    const outcome = { locks: 0, confirms: 0, releases: 0, errors: 0 };
    const stopAt = Date.now() + 8_000;
    const storm = Promise.all(
      consultants.map(async (c, i) => {
        let n = i;
        while (Date.now() < stopAt) {
          n += 7;
          if (!c.socket.connected) {
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
          try {
            const unitId = units[n % units.length]!;
            const lock = await emitAck<LockResult>(c.socket, 'unit:lock', { unitId });
            if (!lock.ok) continue;
            outcome.locks += 1;
            if (n % 5 === 0) {
              const ok = await emitAck<ConfirmResult>(c.socket, 'unit:confirm', {
                unitId,
                token: lock.data.token,
                buyer: { name: `客户${i}`, phone: '13800000000' },
              });
              if (ok.ok) outcome.confirms += 1;
            } else {
              const ok = await emitAck(c.socket, 'unit:release', { unitId, token: lock.data.token });
              if (ok.ok) outcome.releases += 1;
            }
          } catch {
            outcome.errors += 1; // ack lost with the killed process
          }
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 2_500));
    const victim = hubs[0]!;
    process.kill(victim, 'SIGKILL');
    const killedAt = Date.now();
    await storm;
    // Locks whose holders lost their ack lapse by TTL; let screens settle on the final picture.
    await new Promise((r) => setTimeout(r, 1_500));

    const everyone = [...boards, ...consultants];
    const hit = everyone.filter((f) => f.disconnects > 0);
    console.log(
      `[cluster] ${JSON.stringify(outcome)}; killed hub ${victim} of ${hubs.join(',')}: ${hit.length} of ${everyone.length} clients were on it; recoveries (ms): ${hit.map((f) => f.recoveries.join('/')).join(' ')}; ${Date.now() - killedAt} ms after the kill`,
    );
    expect(hubs.length).toBe(3);
    expect(hit.length).toBeGreaterThan(0);
    expect(hit.length).toBeLessThan(everyone.length);
    for (const f of hit) {
      expect(f.socket.connected).toBe(true);
      expect(f.recoveries.length).toBeGreaterThanOrEqual(1);
      for (const ms of f.recoveries) expect(ms).toBeLessThan(5_000);
    }
    for (const b of boards) expect(b.orderViolations).toBe(0);
    for (const b of boards.filter((x) => x.disconnects === 0)) expect(b.live.gaps).toBe(0);
    expect(outcome.confirms).toBeGreaterThan(0);

    const db = new pg.Client({ connectionString: embeddedDatabaseUrl(launched.output()) });
    await db.connect();
    try {
      const dup = await db.query(
        `SELECT unit_id FROM subscriptions WHERE status = 'ACTIVE' GROUP BY unit_id HAVING count(*) > 1`,
      );
      expect(dup.rowCount).toBe(0);
      const rows = await db.query<{ id: string; status: string }>(
        `SELECT id::text, status::text FROM units WHERE project_id = $1`,
        [projectId],
      );
      const truth = new Map(rows.rows.map((r) => [r.id, r.status]));
      // Wait until every board has caught up with the same seq, then compare with PostgreSQL.
      const deadline = Date.now() + 5_000;
      while (new Set(boards.map((b) => b.live.seq)).size > 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      for (const b of boards) {
        for (const [id, status] of truth) {
          const shown = b.live.units.get(id)?.status;
          expect(shown === 'LOCKED' ? 'AVAILABLE' : shown).toBe(status);
        }
      }
    } finally {
      await db.end();
    }
    for (const f of everyone) f.socket.disconnect();

    // A replacement hub was started for the one that died; Ctrl-C leaves no process behind.
    expect(launched.output()).toMatch(/hub process \d+ died \(SIGKILL\); starting a replacement in \d+ ms/);
    const all = descendants(launched.proc.pid!);
    await launched.stop();
    launched = undefined;
    // stop() waits (up to 30 s) for every process of the launch to be gone: none left for good.
    expect(all.filter(pidAlive)).toEqual([]);
  }, 240_000);
});
