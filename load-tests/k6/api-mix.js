/**
 * The HTTP API under concurrent use: USERS consultants at RATE requests/s each, a weighted mix of
 * GET projects / catalog / snapshot / deals and lock → release (sometimes → confirm) over HTTP.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e USERS=100 -e RATE=2 -e DURATION_S=60 load-tests/k6/api-mix.js
 *
 * Env: BASE_URL, USERS (100), RATE (2 per user), DURATION_S (60), WEIGHTS
 * ("projects:1,catalog:1,snapshot:2,deals:2,lockRelease:3.5,lockConfirm:0.5"), PASSWORD.
 * 409 answers (a unit someone else holds or bought) are expected outcomes, not failures.
 * Every script: PROJECT (code of the target project, e.g. a rehearsal; default the demo project), UNITS
 * (ensure this many AVAILABLE units: load-test towers added through the setup API as ADMIN_USER /
 * ADMIN_PASSWORD, default admin / kaipan-admin) — lib/kaipan.js.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import {
  BASE_URL,
  BUYER,
  authHeaders,
  prepareProject,
  envFloat,
  envInt,
  envStr,
  loginConsultants,
  snapshot,
} from './lib/kaipan.js';

const USERS = envInt('USERS', 100);
const RATE = envFloat('RATE', 2);
const DURATION_S = envInt('DURATION_S', 60);
const WEIGHTS = envStr('WEIGHTS', 'projects:1,catalog:1,snapshot:2,deals:2,lockRelease:3.5,lockConfirm:0.5')
  .split(',')
  .map((kv) => kv.split(':'))
  .map(([k, w]) => [k.trim(), parseFloat(w)])
  .filter(([, w]) => w > 0);
const TOTAL_WEIGHT = WEIGHTS.reduce((s, [, w]) => s + w, 0);

const conflicts = new Counter('kaipan_conflicts');
const confirmed = new Counter('kaipan_confirmed');

http.setResponseCallback(http.expectedStatuses(200, 201, 409));

export const options = {
  setupTimeout: '300s',
  scenarios: {
    api: {
      executor: 'constant-arrival-rate',
      rate: Math.max(1, Math.round(USERS * RATE)),
      timeUnit: '1s',
      duration: `${DURATION_S}s`,
      preAllocatedVUs: USERS,
      maxVUs: USERS * 2,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:projects}': ['p(95)<50'],
    'http_req_duration{name:catalog}': ['p(95)<150'],
    'http_req_duration{name:snapshot}': ['p(95)<150'],
    'http_req_duration{name:deals}': ['p(95)<50'],
    'http_req_duration{name:lock}': ['p(99)<25'],
    'http_req_duration{name:release}': ['p(99)<25'],
    'http_req_duration{name:confirm}': ['p(99)<50'],
    checks: ['rate>0.99'],
  },
};

export function setup() {
  const sessions = loginConsultants(USERS);
  const project = prepareProject(sessions[0].token);
  const units = snapshot(sessions[0].token, project.id)
    .units.filter((u) => u.status === 'AVAILABLE')
    .map((u) => u.id);
  return { sessions, projectId: project.id, units };
}

function pick() {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const [name, w] of WEIGHTS) {
    r -= w;
    if (r < 0) return name;
  }
  return WEIGHTS[0][0];
}

export default function (data) {
  const i = exec.vu.idInTest - 1;
  const s = data.sessions[i % data.sessions.length];
  const p = data.projectId;
  const get = (name, path) => {
    const r = http.get(`${BASE_URL}${path}`, { headers: authHeaders(s.token), tags: { name } });
    check(r, { [`${name} 200`]: (x) => x.status === 200 });
  };
  const post = (name, path, body) =>
    http.post(`${BASE_URL}${path}`, JSON.stringify(body), {
      headers: authHeaders(s.token, { 'Content-Type': 'application/json' }),
      tags: { name },
    });
  const action = pick();
  if (action === 'projects') get('projects', '/api/projects');
  else if (action === 'catalog') get('catalog', `/api/projects/${p}/catalog`);
  else if (action === 'snapshot') get('snapshot', `/api/projects/${p}/snapshot`);
  else if (action === 'deals') get('deals', `/api/projects/${p}/deals?limit=20`);
  else if (action === 'lockRelease' || action === 'lockConfirm') {
    const unitId = data.units[Math.floor(Math.random() * data.units.length)];
    const lock = post('lock', `/api/units/${unitId}/lock`, {});
    if (lock.status === 409) {
      conflicts.add(1, { code: lock.json('error.code') });
      return;
    }
    check(lock, { 'lock 200': (x) => x.status === 200 });
    if (lock.status !== 200) return;
    const token = lock.json('token');
    if (action === 'lockConfirm') {
      const c = post('confirm', `/api/units/${unitId}/confirm`, { token, buyer: BUYER });
      if (c.status === 200) {
        confirmed.add(1);
        return;
      }
      conflicts.add(1, { code: c.json('error.code') });
    }
    const rel = post('release', `/api/units/${unitId}/release`, { token });
    check(rel, { 'release 200': (x) => x.status === 200 });
  }
}
