/**
 * Steady selling: CONSULTANTS consultants, each starting RATE sales cycles per second
 * (lock → hold HOLD_MS → confirm with probability CONFIRM_RATIO, else release) on its own share of
 * the AVAILABLE units, for DURATION_S seconds.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e CONSULTANTS=500 -e RATE=1 -e DURATION_S=60 load-tests/k6/steady-selling.js
 *
 * Env: BASE_URL, CONSULTANTS (500), RATE (1), DURATION_S (60), HOLD_MS (50), CONFIRM_RATIO (0.5),
 * JOIN (1: consultant sockets join the project room and receive every frame, as the real grid does),
 * START_DELAY_MS (20000), ACK_TIMEOUT_MS (10000), LOCK_P99_MS (10), CONFIRM_P99_MS (25), PASSWORD.
 * Confirms consume units: 500 × 1/s × 0.5 × 60 s = 15,000 units — the demo project has ~310, so
 * setup() makes the project the size the run needs first (UNITS_NEEDED: confirms × 1.25 + 3 units per
 * consultant, or UNITS when given), adding load-test towers through the setup API; consultants that
 * still run out of units count in kaipan_exhausted.
 * Every script: PROJECT (code of the target project, e.g. a rehearsal; default the demo project), UNITS
 * (ensure this many AVAILABLE units: load-test towers added through the setup API as ADMIN_USER /
 * ADMIN_PASSWORD, default admin / kaipan-admin) — lib/kaipan.js.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import http from 'k6/http';
import {
  BASE_URL,
  BUYER,
  ackError,
  authHeaders,
  prepareProject,
  envFloat,
  envInt,
  envStr,
  hubSession,
  loginConsultants,
  partition,
} from './lib/kaipan.js';

const CONSULTANTS = envInt('CONSULTANTS', 500);
const RATE = envFloat('RATE', 1);
const DURATION_S = envInt('DURATION_S', 60);
const HOLD_MS = envInt('HOLD_MS', 50);
const CONFIRM_RATIO = envFloat('CONFIRM_RATIO', 0.5);
const JOIN = envStr('JOIN', '1') !== '0';
const START_DELAY_MS = envInt('START_DELAY_MS', 20000);
const ACK_TIMEOUT_MS = envInt('ACK_TIMEOUT_MS', 10000);
/** AVAILABLE units the run consumes (as the Node runner's `unitsNeeded`): its confirms with a margin, and a reserve. */
const UNITS_NEEDED = Math.ceil(CONSULTANTS * RATE * DURATION_S * CONFIRM_RATIO * 1.25) + CONSULTANTS * 3;

const lockMs = new Trend('kaipan_lock_ms', true);
const confirmMs = new Trend('kaipan_confirm_ms', true);
const releaseMs = new Trend('kaipan_release_ms', true);
const confirmed = new Counter('kaipan_confirmed');
const refusals = new Counter('kaipan_refusals');
const lockLimit = new Counter('kaipan_lock_limit');
const timeouts = new Counter('kaipan_timeouts');
const skipped = new Counter('kaipan_skipped_cycles');
const exhausted = new Counter('kaipan_exhausted');
const hubErrors = new Counter('kaipan_hub_errors');

export const options = {
  setupTimeout: '300s',
  scenarios: {
    selling: {
      executor: 'per-vu-iterations',
      vus: CONSULTANTS,
      iterations: 1,
      maxDuration: `${Math.ceil(START_DELAY_MS / 1000) + DURATION_S + 60}s`,
    },
  },
  thresholds: {
    kaipan_lock_ms: [`p(99)<=${envInt('LOCK_P99_MS', 10)}`],
    kaipan_confirm_ms: [`p(99)<=${envInt('CONFIRM_P99_MS', 25)}`],
    kaipan_timeouts: ['count==0'],
    kaipan_hub_errors: ['count==0'],
    checks: ['rate==1'],
  },
};

export function setup() {
  const sessions = loginConsultants(CONSULTANTS);
  const project = prepareProject(sessions[0].token, UNITS_NEEDED);
  const startAt = Date.now() + START_DELAY_MS;
  return { sessions, projectId: project.id, startAt, endAt: startAt + DURATION_S * 1000 };
}

export default function (data) {
  const i = exec.vu.idInTest - 1;
  const session = data.sessions[i % data.sessions.length];
  const maxMs = Math.max(0, data.endAt - Date.now()) + ACK_TIMEOUT_MS + 10000;

  const res = hubSession(
    { token: session.token },
    `k6-steady-${i}`,
    maxMs,
    ACK_TIMEOUT_MS,
    (io, socket) => {
      let queue = [];
      let busy = false;
      const record = (command, trend, r, ms, err) => {
        trend.add(ms);
        const code = ackError(r, err);
        if (code) {
          refusals.add(1, { command, code });
          if (code === 'LOCK_LIMIT') lockLimit.add(1);
          if (code === 'TIMEOUT') timeouts.add(1);
        }
        return code;
      };
      const cycle = () => {
        const unitId = queue.shift();
        if (!unitId) {
          exhausted.add(1);
          return;
        }
        busy = true;
        io.emit('unit:lock', { unitId }, (r, ms, err) => {
          const code = record('lock', lockMs, r, ms, err);
          if (code) {
            if (code !== 'UNIT_NOT_AVAILABLE' && code !== 'NOT_FOUND') queue.push(unitId);
            busy = false;
            return;
          }
          const token = r.data.token;
          socket.setTimeout(() => {
            if (Math.random() < CONFIRM_RATIO) {
              io.emit('unit:confirm', { unitId, token, buyer: BUYER }, (c, cms, cerr) => {
                if (!record('confirm', confirmMs, c, cms, cerr)) confirmed.add(1);
                else io.emit('unit:release', { unitId, token });
                busy = false;
              });
            } else {
              io.emit('unit:release', { unitId, token }, (c, cms, cerr) => {
                record('release', releaseMs, c, cms, cerr);
                queue.push(unitId);
                busy = false;
              });
            }
          }, HOLD_MS);
        });
      };
      const run = () => {
        const period = 1000 / RATE;
        socket.setTimeout(
          () => {
            const tick = () => {
              if (Date.now() >= data.endAt) {
                // Finish the cycle in flight (bounded), then leave.
                const closeAt = Date.now() + ACK_TIMEOUT_MS;
                const leave = () => (busy && Date.now() < closeAt ? socket.setTimeout(leave, 50) : socket.close());
                leave();
                return;
              }
              if (busy) skipped.add(1);
              else cycle();
              socket.setTimeout(tick, period);
            };
            tick();
          },
          Math.max(0, data.startAt - Date.now()) + Math.random() * period,
        );
      };
      if (JOIN) {
        io.emit('project:join', { projectId: data.projectId }, (r, _ms, err) => {
          const code = ackError(r, err);
          if (code) {
            hubErrors.add(1, { code });
            socket.close();
            return;
          }
          queue = partition(r.data.units, i, CONSULTANTS);
          run();
        });
      } else {
        const snap = http.get(`${BASE_URL}/api/projects/${data.projectId}/snapshot`, {
          headers: authHeaders(session.token),
          tags: { name: 'snapshot' },
        });
        queue = partition(snap.json().units, i, CONSULTANTS);
        run();
      }
    },
    (code) => hubErrors.add(1, { code }),
  );

  check(res, { 'hub upgraded (101)': (r) => !!r && r.status === 101 });
}
