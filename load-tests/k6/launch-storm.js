/**
 * Launch storm (开盘 at 9:00): CONSULTANTS consultants log in, connect to /hub and join the
 * project, wait for one common instant, and all lock the HOT_UNITS hottest units at once. Winners
 * confirm; losers go down their ranked list (CHOICES units, first = a hot unit).
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e CONSULTANTS=1000 -e HOT_UNITS=10 load-tests/k6/launch-storm.js
 *
 * Env: BASE_URL, CONSULTANTS (1000), HOT_UNITS (10), CHOICES (5), START_DELAY_MS (30000: time for
 * every VU to connect and join before the instant), ANSWER_WITHIN_MS (150), ACK_TIMEOUT_MS (10000),
 * PASSWORD (kaipan-demo), DEMO_USERS (200). More VUs than demo users reuse users (c001 on several
 * sockets); each VU tries its first choice exactly once at the instant, so the burst stays fair;
 * LOCK_LIMIT refusals are counted separately (kaipan_lock_limit).
 *
 * Winners are counted per hot UNIT, not per socket: the same user locking the same unit from two
 * sockets gets its own lock back (idempotent), which is not a second winner — counted per socket,
 * 300 VUs once reported 18 "wins" for 10 units. So the sockets of one user aim at DIFFERENT hot units
 * (`hotIndex`: VU i is user i mod U in round ⌊i / U⌋, first choice hot[(i mod U + round) mod HOT]),
 * every ok at the instant is the one winner of its unit, and each hot unit has its own threshold:
 * `kaipan_first_wave_wins{hot:k}` count==1 (none won twice, none left unwon). Needs
 * CONSULTANTS ≤ DEMO_USERS × HOT_UNITS (otherwise a user would hold two sockets on one hot unit).
 * The server must allow it: HUB_RATE_PER_SECOND and LOGIN_RATE_PER_MINUTE high enough.
 * Every script: PROJECT (code of the target project, e.g. a rehearsal; default the demo project), UNITS
 * (ensure this many AVAILABLE units: load-test towers added through the setup API as ADMIN_USER /
 * ADMIN_PASSWORD, default admin / kaipan-admin) — lib/kaipan.js.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import {
  BUYER,
  ackError,
  prepareProject,
  envInt,
  hubSession,
  loginConsultants,
  pickFor,
  snapshot,
} from './lib/kaipan.js';

const CONSULTANTS = envInt('CONSULTANTS', 1000);
const HOT_UNITS = envInt('HOT_UNITS', 10);
const CHOICES = envInt('CHOICES', 5);
const START_DELAY_MS = envInt('START_DELAY_MS', 30000);
const ANSWER_WITHIN_MS = envInt('ANSWER_WITHIN_MS', 150);
const ACK_TIMEOUT_MS = envInt('ACK_TIMEOUT_MS', 10000);

const lockMs = new Trend('kaipan_lock_ms', true);
const firstWaveLockMs = new Trend('kaipan_first_wave_lock_ms', true);
const answerSinceStart = new Trend('kaipan_first_wave_answer_since_start_ms', true);
const confirmMs = new Trend('kaipan_confirm_ms', true);
/** First-wave winners, tagged `hot` = the hot unit's index (0 … HOT_UNITS-1): one per unit. */
const firstWaveWins = new Counter('kaipan_first_wave_wins');
const firstWaveUnanswered = new Counter('kaipan_first_wave_unanswered');
const secured = new Counter('kaipan_secured_units');
const refusals = new Counter('kaipan_refusals');
const lockLimit = new Counter('kaipan_lock_limit');
const hubErrors = new Counter('kaipan_hub_errors');
/** VUs that joined only after the instant (raise START_DELAY_MS): their first lock was not part of the burst. */
const lateJoins = new Counter('kaipan_late_joins');

export const options = {
  setupTimeout: '300s',
  scenarios: {
    storm: {
      executor: 'per-vu-iterations',
      vus: CONSULTANTS,
      iterations: 1,
      maxDuration: `${Math.ceil(START_DELAY_MS / 1000) + 90}s`,
    },
  },
  thresholds: {
    // Exactly one winner per hot unit at the instant: in all, and for each unit.
    kaipan_first_wave_wins: [`count==${HOT_UNITS}`],
    ...perHotUnit(),
    // Every consultant answered, within ANSWER_WITHIN_MS of the instant.
    kaipan_first_wave_unanswered: ['count==0'],
    kaipan_first_wave_answer_since_start_ms: [`max<=${ANSWER_WITHIN_MS}`],
    kaipan_hub_errors: ['count==0'],
    kaipan_late_joins: ['count==0'],
    checks: ['rate==1'],
  },
};

/** One threshold per hot unit: its first-wave winners, exactly one. */
function perHotUnit() {
  const out = {};
  for (let k = 0; k < HOT_UNITS; k++) out[`kaipan_first_wave_wins{hot:${k}}`] = ['count==1'];
  return out;
}

/**
 * Which hot unit VU `i` locks first, with `users` demo users: VUs i, i + users, i + 2·users … share
 * a user and take consecutive hot units, so no user has two sockets on one hot unit.
 */
function hotIndex(i, users, hotUnits) {
  return ((i % users) + Math.floor(i / users)) % hotUnits;
}

export function setup() {
  const sessions = loginConsultants(CONSULTANTS);
  if (CONSULTANTS > sessions.length * HOT_UNITS) {
    throw new Error(
      `CONSULTANTS (${CONSULTANTS}) > DEMO_USERS (${sessions.length}) × HOT_UNITS (${HOT_UNITS}): ` +
        'a user would hold two sockets on one hot unit; raise DEMO_USERS or HOT_UNITS',
    );
  }
  const project = prepareProject(sessions[0].token);
  const snap = snapshot(sessions[0].token, project.id);
  // Everyone wants the top floors.
  const ranked = snap.units
    .filter((u) => u.status === 'AVAILABLE')
    .sort((a, b) => b.floor - a.floor || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((u) => u.id);
  return {
    sessions,
    projectId: project.id,
    hot: ranked.slice(0, HOT_UNITS),
    warm: ranked.slice(HOT_UNITS, HOT_UNITS + 200),
    startAt: Date.now() + START_DELAY_MS,
  };
}

export default function (data) {
  const i = exec.vu.idInTest - 1;
  const session = data.sessions[i % data.sessions.length];
  const hot = hotIndex(i, data.sessions.length, data.hot.length);
  const choices = [data.hot[hot]].concat(pickFor(data.warm, i, CHOICES - 1));
  const maxMs = Math.max(0, data.startAt - Date.now()) + 60000;

  const res = hubSession(
    { token: session.token },
    `k6-storm-${i}`,
    maxMs,
    ACK_TIMEOUT_MS,
    (io, socket) => {
      const attempt = (k) => {
        if (k >= choices.length) {
          socket.close();
          return;
        }
        const unitId = choices[k];
        io.emit('unit:lock', { unitId }, (r, ms, err) => {
          lockMs.add(ms);
          const code = ackError(r, err);
          if (k === 0) {
            firstWaveLockMs.add(ms);
            if (err) firstWaveUnanswered.add(1);
            else answerSinceStart.add(Date.now() - data.startAt);
          }
          if (code) {
            refusals.add(1, { command: 'lock', code });
            if (code === 'LOCK_LIMIT') lockLimit.add(1);
            attempt(k + 1);
            return;
          }
          if (k === 0) firstWaveWins.add(1, { hot: String(hot) });
          const token = r.data.token;
          io.emit('unit:confirm', { unitId, token, buyer: BUYER }, (c, cms, cerr) => {
            confirmMs.add(cms);
            const ccode = ackError(c, cerr);
            if (!ccode) {
              secured.add(1);
              socket.close();
              return;
            }
            refusals.add(1, { command: 'confirm', code: ccode });
            io.emit('unit:release', { unitId, token }, () => attempt(k + 1));
          });
        });
      };
      io.emit('project:join', { projectId: data.projectId }, (r, _ms, err) => {
        const code = ackError(r, err);
        if (code) {
          hubErrors.add(1, { code });
          socket.close();
          return;
        }
        if (Date.now() >= data.startAt) lateJoins.add(1);
        socket.setTimeout(() => attempt(0), Math.max(0, data.startAt - Date.now()));
      });
    },
    (code) => hubErrors.add(1, { code }),
  );

  check(res, { 'hub upgraded (101)': (r) => !!r && r.status === 101 });
}
