/**
 * `npm run chaos` — the chaos suite. Starts `npm start -- --nodes 3` (compiled launcher, its own
 * redis-server and embedded PostgreSQL, three hub processes and a worker) on a fresh data dir,
 * runs a storm of consultants locking/confirming/releasing and a cashier taking the deposit of every
 * sale (idempotency keys, retried with the same key until answered), and kill -9s, in turn,
 * redis-server, one hub process and PostgreSQL. Boards follow the project over the hub.
 *
 * Every ACKNOWLEDGED operation is written to a client-side ledger (lib/chaos-ledger.ts). Afterwards:
 * 0 units sold twice, ledger = database (no lost or duplicated payment or receipt), every board
 * equals PostgreSQL within 5 s, the Redis mirror equals PostgreSQL. Prints the operations, the
 * faults and the recovery times, and exits 1 when anything does not hold.
 *
 * Besides the kills, the first `--lost-answers` confirms and deposits have their answer lost on
 * purpose (lib/lost-answer-proxy.ts: the server commits, the connection is cut before the answer
 * arrives); each is retried — same lock token, same idempotency key — and must be answered with the
 * first result: the same sale, the payment replayed (200), nothing made twice.
 *
 *   npm run chaos -- [--duration 60] [--faults redis,hub,postgres] [--consultants 12] [--boards 3]
 *                    [--lost-answers 3]
 *
 * `--duration` is the whole storm in seconds; the faults are spread evenly over it.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { io as ioClient } from 'socket.io-client';
import { HUB_NAMESPACE, type LoginResponse, type ProjectSnapshot, type ProjectSummary } from '@kaipan/shared';
import { findFreePort } from '../server/src/infra/ports.js';
import type { HubClient } from '../test/support/app.js';
import { type Follower, followProject } from '../test/support/follow.js';
import { clusterHubs, descendants, embeddedDatabaseUrl, launch, makeDataDir } from '../test/support/launch.js';
import { ChaosLedger, type DatabaseFacts, reconcile, reconciled, viewMismatches } from './lib/chaos-ledger.js';
import { loseAnswer } from './lib/lost-answer-proxy.js';

const FAULTS = ['redis', 'hub', 'postgres'] as const;
type Fault = (typeof FAULTS)[number];

const BOARD_KEY = 'demo-board-key-7f3a9c2e5b8d1046';
/** The deposit the cashier takes per sale, fen (¥10,000). */
const DEPOSIT_FEN = 1_000_000;
/** Every idempotency key of this run starts with it: the reconciliation reads those payments. */
const KEY_PREFIX = `chaos-${randomUUID().slice(0, 8)}-`;
/** A board must equal PostgreSQL this soon after the storm. */
const CONVERGE_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const { values: argv } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    faults: { type: 'string', default: FAULTS.join(',') },
    consultants: { type: 'string', default: '12' },
    boards: { type: 'string', default: '3' },
    'lost-answers': { type: 'string', default: '3' },
  },
});
const durationMs = Number(argv.duration) * 1_000;
const lostAnswers = Number(argv['lost-answers']);
const faults = argv.faults.split(',').filter(Boolean) as Fault[];
for (const f of faults) if (!FAULTS.includes(f)) throw new Error(`--faults: unknown fault ${f} (${FAULTS.join(', ')})`);

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

/** One HTTP call; a reset or refused connection (a killed process) is status 0 — not acknowledged. */
async function call(base: string, token: string, method: string, path: string, body?: object): Promise<Reply> {
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  } catch {
    return { status: 0, json: {} };
  }
}

/** Retries while the answer is lost or the service is unavailable (a person pressing again); the first other answer. */
async function untilAnswered(send: () => Promise<Reply>): Promise<Reply> {
  let res: Reply = { status: 0, json: {} };
  for (let attempt = 0; attempt < 200; attempt += 1) {
    res = await send();
    count(res);
    if (res.status !== 0 && res.status !== 503) return res;
    await sleep(200);
  }
  return res;
}

async function login(base: string, username: string, password: string): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    const res = await call(base, '', 'POST', '/api/auth/login', { username, password });
    if (res.status === 200) return (res.json as unknown as LoginResponse).token;
    if (attempt > 40) throw new Error(`login ${username}: ${res.status}`);
    await sleep(250);
  }
}

/** Counters of everything sent and how it was answered. */
const ops = { lock: 0, lockAcked: 0, confirm: 0, confirmAcked: 0, release: 0, releaseAcked: 0, pay: 0, payAcked: 0 };
/** Answers lost on purpose, and what the retry answered when the lost answer was a success. */
const lost = { confirm: 0, payment: 0, committed: 0, sameOnRetry: 0, wrong: [] as string[] };
const refusals = new Map<string, number>();
function count(r: Reply): void {
  if (r.status >= 200 && r.status < 300) return;
  const code = r.status === 0 ? 'connection lost' : `${r.status} ${(r.json.error as { code?: string })?.code ?? ''}`;
  refusals.set(code, (refusals.get(code) ?? 0) + 1);
}

async function main(): Promise<void> {
  const data = makeDataDir();
  const port = await findFreePort();
  const base = `http://127.0.0.1:${port}`;
  const launched = launch({
    port,
    dataDir: data.dir,
    args: ['--nodes', '3'],
    env: { LOGIN_RATE_PER_MINUTE: '100000', HUB_RATE_PER_SECOND: '1000' },
  });
  const sockets: HubClient[] = [];
  try {
    console.log(`[chaos] npm start -- --nodes 3 ready in ${await launched.ready} ms (data ${data.dir})`);
    const rootPid = launched.proc.pid!;
    const databaseUrl = embeddedDatabaseUrl(launched.output());
    const manager = await login(base, 'manager', 'kaipan-manager');
    const cashier = await login(base, 'cashier', 'kaipan-cashier');
    const projectId = ((await call(base, manager, 'GET', '/api/projects')).json as unknown as ProjectSummary[])[0]!.id;
    const snapshot = (await call(base, manager, 'GET', `/api/projects/${projectId}/snapshot`))
      .json as unknown as ProjectSnapshot;
    const available = snapshot.units.filter((u) => u.status === 'AVAILABLE').map((u) => u.id);
    const consultants = await Promise.all(
      Array.from({ length: Number(argv.consultants) + 1 }, (_, i) =>
        login(base, `c${String(101 + i).padStart(3, '0')}`, 'kaipan-demo'),
      ),
    );
    const prober = consultants.pop()!;

    // Boards on the hubs (round-robin over the three processes), following as the wall board does.
    const boards: Follower[] = [];
    for (let i = 0; i < Number(argv.boards); i += 1) {
      const socket = ioClient(`${base}${HUB_NAMESPACE}`, {
        auth: { deviceKey: BOARD_KEY },
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 200,
        reconnectionDelayMax: 1_000,
      }) as HubClient;
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      boards.push(await followProject(socket, projectId));
    }

    const ledger = new ChaosLedger();
    const toPay: string[] = [];
    let storming = true;
    let paying = true;

    /** A consultant: lock a unit, then confirm (1 in 15: the demo's 355 units last the run) or release; a refusal is simply tried again later. */
    const consultant = async (token: string, seed: number): Promise<void> => {
      let n = seed;
      while (storming) {
        n += 1;
        const unitId = available[(n * 7919 + seed * 104_729) % available.length]!;
        ops.lock += 1;
        const lock = await call(base, token, 'POST', `/api/units/${unitId}/lock`, {});
        count(lock);
        if (lock.status === 200) {
          ops.lockAcked += 1;
          const lockToken = lock.json.token as string;
          if (n % 15 === 0) {
            ops.confirm += 1;
            const path = `/api/units/${unitId}/confirm`;
            const body = {
              token: lockToken,
              buyer: { name: `买家${seed}`, phone: `1390000${String(1000 + seed).slice(-4)}` },
            };
            let confirm: Reply;
            if (lost.confirm < lostAnswers) {
              // The answer is lost after the commit; the same press again must answer the same sale.
              lost.confirm += 1;
              const cut = await loseAnswer(port, (proxy) => call(proxy, token, 'POST', path, body));
              confirm = await untilAnswered(() => call(base, token, 'POST', path, body));
              if (cut === 200) {
                lost.committed += 1;
                if (confirm.status === 200) lost.sameOnRetry += 1;
                else
                  lost.wrong.push(
                    `confirm ${unitId}: the retry answered ${confirm.status} ${JSON.stringify(confirm.json)}`,
                  );
              }
            } else {
              confirm = await call(base, token, 'POST', path, body);
              count(confirm);
            }
            if (confirm.status === 200) {
              ops.confirmAcked += 1;
              const subscriptionId = confirm.json.subscriptionId as string;
              ledger.sale({ unitId, subscriptionId });
              toPay.push(subscriptionId);
            }
          } else {
            ops.release += 1;
            const release = await call(base, token, 'POST', `/api/units/${unitId}/release`, { token: lockToken });
            count(release);
            if (release.status === 200) ops.releaseAcked += 1;
          }
        }
        await sleep(200 + (n % 5) * 40);
      }
    };

    /** The cashier: one key per deposit, retried with the SAME key until answered (a person pressing again). */
    const cashierLoop = async (): Promise<void> => {
      while (paying || toPay.length > 0) {
        const subscriptionId = toPay.shift();
        if (!subscriptionId) {
          await sleep(50);
          continue;
        }
        const idempotencyKey = `${KEY_PREFIX}${randomUUID().slice(0, 12)}`;
        ledger.attempt(idempotencyKey);
        const path = `/api/projects/${projectId}/payments`;
        const body = {
          idempotencyKey,
          kind: 'DEPOSIT',
          subscriptionId,
          lines: [{ method: 'CASH', amount: DEPOSIT_FEN }],
        };
        let cut: number | null = null;
        if (lost.payment < lostAnswers) {
          // The answer is lost after the commit; the same key again must replay that payment (200).
          lost.payment += 1;
          ops.pay += 1;
          cut = await loseAnswer(port, (proxy) => call(proxy, cashier, 'POST', path, body));
        }
        const res = await untilAnswered(() => {
          ops.pay += 1;
          return call(base, cashier, 'POST', path, body);
        });
        if (res.status !== 200 && res.status !== 201) {
          throw new Error(`payment refused: ${res.status} ${JSON.stringify(res.json)}`);
        }
        if (cut === 201) {
          lost.committed += 1;
          if (res.status === 200) lost.sameOnRetry += 1;
          else lost.wrong.push(`payment ${idempotencyKey}: the retry answered ${res.status}, not the replay`);
        }
        ops.payAcked += 1;
        const receipt = res.json.receipt as { label: string } | null;
        ledger.payment({
          idempotencyKey,
          paymentId: res.json.id as string,
          subscriptionId,
          amount: res.json.amount as number,
          receipt: receipt?.label ?? null,
        });
      }
    };

    const storm = Promise.all([...consultants.map((t, i) => consultant(t, i)), cashierLoop(), cashierLoop()]);
    const stormStart = Date.now();

    /** Lock + confirm fresh units until one sells; ms since `since`. Its sale goes to the ledger. */
    const probeUnits = [...available].reverse();
    let lastProbe = '';
    const firstSale = async (since: number): Promise<number> => {
      while (Date.now() - since < 120_000) {
        const unitId = probeUnits.shift();
        if (!unitId) throw new Error('no unit left for the probe: shorten --duration');
        const lock = await call(base, prober, 'POST', `/api/units/${unitId}/lock`, {});
        lastProbe = `lock ${lock.status} ${JSON.stringify(lock.json).slice(0, 200)}`;
        if (lock.status === 200) {
          const confirm = await call(base, prober, 'POST', `/api/units/${unitId}/confirm`, {
            token: lock.json.token,
            buyer: { name: '恢复探针', phone: '13900009999' },
          });
          if (confirm.status === 200) {
            ledger.sale({ unitId, subscriptionId: confirm.json.subscriptionId as string });
            toPay.push(confirm.json.subscriptionId as string);
            return Date.now() - since;
          }
          if (confirm.status === 0 || confirm.status === 503) continue; // the lock lapses by TTL
        } else if (lock.status === 409) {
          probeUnits.push(unitId); // held by the storm now: try it again later
          continue;
        }
        probeUnits.unshift(unitId);
        await sleep(50);
      }
      throw new Error(
        `selling did not resume within 120 s; last answer: ${lastProbe}\n${launched.output().slice(-3000)}`,
      );
    };

    const results: { fault: Fault; victim: string; saleMs: number; restoredMs: number }[] = [];
    const gap = durationMs / (faults.length + 1);
    for (const [i, fault] of faults.entries()) {
      await sleep(stormStart + gap * (i + 1) - Date.now());
      const { victim, restored } = inject(fault, rootPid, data.dir, launched.output);
      const killedAt = Date.now();
      console.log(`[chaos] kill -9 ${victim} at +${Math.round((killedAt - stormStart) / 1000)} s`);
      const [saleMs, restoredMs] = await Promise.all([firstSale(killedAt), restored.then(() => Date.now() - killedAt)]);
      results.push({ fault, victim, saleMs, restoredMs });
    }
    await sleep(stormStart + durationMs - Date.now());
    storming = false;
    paying = false;
    await storm;
    console.log(`[chaos] storm over after ${Math.round((Date.now() - stormStart) / 1000)} s; reconciling`);

    // Ledger = database.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    let facts: DatabaseFacts;
    const truth = new Map<string, string>();
    try {
      const live = await db.query<{ id: string; unitId: string }>(
        `SELECT s.id::text, s.unit_id::text AS "unitId" FROM subscriptions s JOIN units u ON u.id = s.unit_id
          WHERE u.project_id = $1::uuid AND s.status IN ('ACTIVE', 'CONTRACTED')`,
        [projectId],
      );
      const payments = await db.query<{
        id: string;
        idempotencyKey: string;
        subscriptionId: string | null;
        amount: string;
        receipt: string | null;
      }>(
        `SELECT p.id::text, p.idempotency_key AS "idempotencyKey", p.subscription_id::text AS "subscriptionId",
                p.amount::text AS amount, r.label AS receipt
           FROM payments p LEFT JOIN receipts r ON r.payment_id = p.id
          WHERE p.project_id = $1::uuid AND p.idempotency_key LIKE $2`,
        [projectId, `${KEY_PREFIX}%`],
      );
      facts = {
        liveSubscriptions: live.rows,
        payments: payments.rows.map((p) => ({ ...p, amount: Number(p.amount) })),
      };
      const units = await db.query<{ id: string; status: string }>(
        `SELECT id::text, status::text FROM units WHERE project_id = $1::uuid`,
        [projectId],
      );
      for (const u of units.rows) truth.set(u.id, u.status);
    } finally {
      await db.end();
    }
    const r = reconcile(ledger, facts);

    // Boards converge: every board equals PostgreSQL within 5 s of the storm's end.
    const boardsFrom = Date.now();
    let boardMismatches: string[] = [];
    for (;;) {
      boardMismatches = boards.flatMap((b, i) =>
        viewMismatches(truth, new Map([...b.live.units].map(([id, u]) => [id, u.status]))).map(
          (m) => `board ${i}: ${m}`,
        ),
      );
      if (boardMismatches.length === 0 || Date.now() - boardsFrom > CONVERGE_MS) break;
      await sleep(50);
    }
    const boardsMs = Date.now() - boardsFrom;

    // The mirror (Redis, as served by the snapshot) equals PostgreSQL; the watchdog reconciles each second.
    const mirrorFrom = Date.now();
    let mirrorMismatches: string[] = [];
    for (;;) {
      const snap = (await call(base, manager, 'GET', `/api/projects/${projectId}/snapshot`))
        .json as unknown as ProjectSnapshot;
      mirrorMismatches = viewMismatches(truth, new Map((snap.units ?? []).map((u) => [u.id, u.status])));
      if (mirrorMismatches.length === 0 || Date.now() - mirrorFrom > CONVERGE_MS) break;
      await sleep(250);
    }

    const ok =
      reconciled(r) &&
      boardMismatches.length === 0 &&
      mirrorMismatches.length === 0 &&
      lost.wrong.length === 0 &&
      // a lost answer that was a refusal (a fault at that moment) proves nothing, but some must be commits
      (lostAnswers === 0 || lost.committed > 0);
    const rows: [string, string][] = [
      [
        'storm',
        `${Math.round(durationMs / 1000)} s, ${consultants.length} consultants, 1 cashier ×2, ${boards.length} boards`,
      ],
      ['locks sent / acknowledged', `${ops.lock} / ${ops.lockAcked}`],
      ['confirms sent / acknowledged', `${ops.confirm} / ${ops.confirmAcked} (+ probe sales)`],
      ['releases sent / acknowledged', `${ops.release} / ${ops.releaseAcked}`],
      ['payments sent / acknowledged', `${ops.pay} / ${ops.payAcked} (${ledger.payments.size} deposits)`],
      ['refusals', [...refusals].map(([c, n]) => `${c}: ${n}`).join('; ') || 'none'],
      ...results.map((f): [string, string] => [
        `fault: kill -9 ${f.victim}`,
        `selling again after ${f.saleMs} ms; ${f.fault === 'hub' ? 'replacement hub up' : 'restarted'} after ${f.restoredMs} ms`,
      ]),
      ['units sold twice', String(r.soldTwice.length)],
      ['acknowledged sales not live', `${r.lostSales.length} of ${ledger.sales.length}`],
      ['payments lost / duplicated', `${r.lostPayments.length} / ${r.duplicatedPayments.length}`],
      ['receipts duplicated', String(r.duplicatedReceipts.length)],
      ['payments never asked for', String(r.unknownPayments.length)],
      ['committed, answer lost (allowed)', String(r.committedUnacknowledged)],
      [
        'answers lost on purpose',
        `${lost.confirm} confirms, ${lost.payment} deposits; ${lost.committed} committed; retry = first result ${lost.sameOnRetry}/${lost.committed}`,
      ],
      [
        'boards = PostgreSQL',
        boardMismatches.length === 0 ? `yes, after ${boardsMs} ms` : `NO (${boardMismatches.length})`,
      ],
      ['board resyncs / joins', boards.map((b) => `${b.resyncs}/${b.joins}`).join(' ')],
      ['mirror = PostgreSQL', mirrorMismatches.length === 0 ? 'yes' : `NO (${mirrorMismatches.length})`],
      ['result', ok ? 'PASS' : 'FAIL'],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`);
    if (!ok) {
      console.log(
        JSON.stringify(
          {
            reconciliation: r,
            lostAnswers: lost.wrong,
            boardMismatches: boardMismatches.slice(0, 10),
            mirrorMismatches: mirrorMismatches.slice(0, 10),
          },
          null,
          2,
        ),
      );
      process.exitCode = 1;
    }
  } finally {
    for (const s of sockets) s.disconnect();
    await launched.stop();
    data.remove();
  }
}

/** kill -9 one process of the launch; `restored` resolves when the launcher has it running again. */
function inject(
  fault: Fault,
  rootPid: number,
  dataDir: string,
  output: () => string,
): { victim: string; restored: Promise<void> } {
  const waitFor = async (check: () => boolean): Promise<void> => {
    const deadline = Date.now() + 120_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`${fault} was not restored within 120 s`);
      await sleep(20);
    }
  };
  const before = output().length;
  if (fault === 'redis') {
    const pid = childNamed(rootPid, 'redis-server');
    process.kill(pid, 'SIGKILL');
    return {
      victim: `redis-server (${pid})`,
      restored: waitFor(() => /redis-server is back/.test(output().slice(before))),
    };
  }
  if (fault === 'postgres') {
    const pid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    return {
      victim: `PostgreSQL postmaster (${pid})`,
      restored: waitFor(() => /embedded PostgreSQL is back/.test(output().slice(before))),
    };
  }
  const workerPid = Number(/"name":"worker (\d+)"/.exec(output())?.[1]);
  const hubs = clusterHubs(rootPid, workerPid);
  if (hubs.length !== 3) throw new Error(`expected 3 hub processes, found ${hubs.length}`);
  process.kill(hubs[0]!, 'SIGKILL');
  return {
    victim: `hub process ${hubs[0]} of 3`,
    restored: waitFor(() => {
      const now = clusterHubs(rootPid, workerPid);
      return now.length === 3 && !now.includes(hubs[0]!);
    }),
  };
}

function childNamed(rootPid: number, command: string): number {
  const mine = new Set(descendants(rootPid));
  const found = execFileSync('ps', ['-eo', 'pid=,comm='])
    .toString()
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find(([pid, comm]) => mine.has(Number(pid)) && comm === command);
  if (!found) throw new Error(`no ${command} under ${rootPid}`);
  return Number(found[0]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
