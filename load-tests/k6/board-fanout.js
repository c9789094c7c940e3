/**
 * Board fan-out: BOARDS wall boards (device key) follow the project while SELLERS consultants make
 * changes (lock → hold → release, or confirm with CONFIRM_RATIO) at RATE cycles/s each. Every board
 * measures the latency from the server's change time (changes[i].at, epoch ms) to its receipt,
 * checks the seq rule (no gap, no reorder), and at the end compares its state with a fresh snapshot.
 * Run k6 on the server's machine (or with synchronised clocks): the latency compares two clocks.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e BOARDS=500 -e SELLERS=50 load-tests/k6/board-fanout.js
 *
 * Env: BASE_URL, BOARDS (500), SELLERS (50), RATE (2), HOLD_MS (50), CONFIRM_RATIO (0.2),
 * DURATION_S (60), START_DELAY_MS (20000), SETTLE_MS (2000), DELIVERY_P99_MS (100), DEVICE_KEY (default: the
 * demo board's, or a BOARD device created through the setup API for another project and revoked at the end),
 * PASSWORD, ACK_TIMEOUT_MS (10000).
 * Every script: PROJECT (code of the target project, e.g. a rehearsal; default the demo project), UNITS
 * (ensure this many AVAILABLE units: load-test towers added through the setup API as ADMIN_USER /
 * ADMIN_PASSWORD, default admin / kaipan-admin) — lib/kaipan.js.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import {
  BUYER,
  boardKey,
  ackError,
  prepareProject,
  envFloat,
  envInt,
  hubSession,
  loginConsultants,
  partition,
  revokeBoard,
} from './lib/kaipan.js';
import { SeqFollower } from './lib/socketio.js';

const BOARDS = envInt('BOARDS', 500);
const SELLERS = envInt('SELLERS', 50);
const RATE = envFloat('RATE', 2);
const HOLD_MS = envInt('HOLD_MS', 50);
const CONFIRM_RATIO = envFloat('CONFIRM_RATIO', 0.2);
const DURATION_S = envInt('DURATION_S', 60);
const START_DELAY_MS = envInt('START_DELAY_MS', 20000);
const SETTLE_MS = envInt('SETTLE_MS', 2000);
const ACK_TIMEOUT_MS = envInt('ACK_TIMEOUT_MS', 10000);

const deliveryMs = new Trend('kaipan_board_delivery_ms', true);
const gaps = new Counter('kaipan_board_gaps');
const reorders = new Counter('kaipan_board_reorders');
const behind = new Counter('kaipan_board_behind');
const mismatched = new Counter('kaipan_board_mismatched_units');
const changesSeen = new Counter('kaipan_board_changes');
const lockMs = new Trend('kaipan_lock_ms', true);
const refusals = new Counter('kaipan_refusals');
const hubErrors = new Counter('kaipan_hub_errors');

const total = START_DELAY_MS + DURATION_S * 1000 + SETTLE_MS;
export const options = {
  setupTimeout: '300s',
  scenarios: {
    boards: {
      executor: 'per-vu-iterations',
      exec: 'board',
      vus: BOARDS,
      iterations: 1,
      maxDuration: `${Math.ceil(total / 1000) + 60}s`,
    },
    sellers: {
      executor: 'per-vu-iterations',
      exec: 'seller',
      vus: SELLERS,
      iterations: 1,
      maxDuration: `${Math.ceil(total / 1000) + 60}s`,
    },
  },
  thresholds: {
    kaipan_board_delivery_ms: [`p(99)<=${envInt('DELIVERY_P99_MS', 100)}`],
    kaipan_board_gaps: ['count==0'],
    kaipan_board_reorders: ['count==0'],
    kaipan_board_behind: ['count==0'],
    kaipan_board_mismatched_units: ['count==0'],
    kaipan_hub_errors: ['count==0'],
    checks: ['rate==1'],
  },
};

export function setup() {
  const sessions = loginConsultants(SELLERS);
  const project = prepareProject(sessions[0].token);
  const board = boardKey(project);
  const startAt = Date.now() + START_DELAY_MS;
  return {
    sessions,
    projectId: project.id,
    deviceKey: board.key,
    deviceId: board.deviceId,
    startAt,
    endAt: startAt + DURATION_S * 1000,
  };
}

/** The board device made for this run (if any) is revoked. */
export function teardown(data) {
  revokeBoard(data.deviceId);
}

export function board(data) {
  const i = exec.vu.idInTest;
  const maxMs = Math.max(0, data.endAt - Date.now()) + SETTLE_MS + 30000;
  const res = hubSession(
    { deviceKey: data.deviceKey },
    `k6-board-${i}`,
    maxMs,
    ACK_TIMEOUT_MS,
    (io, socket) => {
      let follower = null;
      let statuses = {};
      let buffered = [];
      const load = (snap) => {
        follower = new SeqFollower(snap.seq);
        statuses = {};
        for (const u of snap.units) statuses[u.id] = u.status;
      };
      const onFrame = (frame, at, replay) => {
        const p = follower.apply(frame);
        if (p.kind === 'apply') {
          for (const c of p.changes) {
            deliveryMs.add(at - c.at);
            statuses[c.unitId] = c.status;
          }
          changesSeen.add(p.changes.length);
        } else if (p.kind === 'stale') {
          if (!replay) reorders.add(1);
        } else {
          gaps.add(1);
          join();
        }
      };
      const join = (then) => {
        const before = follower;
        follower = null;
        io.emit('project:join', { projectId: data.projectId }, (r, _ms, err) => {
          const code = ackError(r, err);
          if (code) {
            hubErrors.add(1, { code });
            follower = before;
            return;
          }
          if (then) {
            then(r.data, before);
            return;
          }
          load(r.data);
          const replay = buffered;
          buffered = [];
          for (const [frame, at] of replay) onFrame(frame, at, true);
        });
      };
      io.on('units:changed', (frame) => {
        const at = Date.now();
        if (follower) onFrame(frame, at, false);
        else buffered.push([frame, at]);
      });
      io.on('project:changed', (e) => {
        if (e && e.resync) join();
      });
      join();
      // After the sellers stop and the last frames are out: compare with a fresh snapshot.
      socket.setTimeout(
        () => {
          const mine = statuses;
          join((snap, was) => {
            const seq = was ? was.seq : -1;
            if (seq !== snap.seq) behind.add(1);
            let bad = 0;
            for (const u of snap.units) if (mine[u.id] !== u.status) bad++;
            mismatched.add(bad);
            socket.close();
          });
        },
        Math.max(0, data.endAt - Date.now()) + SETTLE_MS,
      );
    },
    (code) => hubErrors.add(1, { code }),
  );
  check(res, { 'board hub upgraded (101)': (r) => !!r && r.status === 101 });
}

export function seller(data) {
  const i = exec.vu.idInTest;
  const k = (i - 1) % SELLERS;
  const session = data.sessions[k % data.sessions.length];
  const maxMs = Math.max(0, data.endAt - Date.now()) + ACK_TIMEOUT_MS + 10000;
  const res = hubSession(
    { token: session.token },
    `k6-seller-${k}`,
    maxMs,
    ACK_TIMEOUT_MS,
    (io, socket) => {
      io.emit('project:join', { projectId: data.projectId }, (r, _ms, err) => {
        const code = ackError(r, err);
        if (code) {
          hubErrors.add(1, { code });
          socket.close();
          return;
        }
        const queue = partition(r.data.units, k, SELLERS);
        let busy = false;
        const cycle = () => {
          const unitId = queue.shift();
          if (!unitId) return;
          busy = true;
          io.emit('unit:lock', { unitId }, (l, lms, lerr) => {
            lockMs.add(lms);
            const lcode = ackError(l, lerr);
            if (lcode) {
              refusals.add(1, { command: 'lock', code: lcode });
              if (lcode !== 'UNIT_NOT_AVAILABLE') queue.push(unitId);
              busy = false;
              return;
            }
            const token = l.data.token;
            socket.setTimeout(() => {
              const confirm = Math.random() < CONFIRM_RATIO;
              const done = (c, _ms, cerr) => {
                const ccode = ackError(c, cerr);
                if (ccode) refusals.add(1, { command: confirm ? 'confirm' : 'release', code: ccode });
                if (!confirm || ccode) queue.push(unitId);
                busy = false;
              };
              if (confirm) io.emit('unit:confirm', { unitId, token, buyer: BUYER }, done);
              else io.emit('unit:release', { unitId, token }, done);
            }, HOLD_MS);
          });
        };
        const period = 1000 / RATE;
        socket.setTimeout(
          () => {
            const tick = () => {
              if (Date.now() >= data.endAt) {
                const closeAt = Date.now() + ACK_TIMEOUT_MS;
                const leave = () => (busy && Date.now() < closeAt ? socket.setTimeout(leave, 50) : socket.close());
                leave();
                return;
              }
              if (!busy) cycle();
              socket.setTimeout(tick, period);
            };
            tick();
          },
          Math.max(0, data.startAt - Date.now()) + Math.random() * period,
        );
      });
    },
    (code) => hubErrors.add(1, { code }),
  );
  check(res, { 'seller hub upgraded (101)': (r) => !!r && r.status === 101 });
}
