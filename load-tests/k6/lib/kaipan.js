/**
 * Kaipan helpers for the k6 scenarios: environment, login, the target project (PROJECT=<code>, any
 * project — e.g. a rehearsal 演练), what a run needs made through the setup API as an administrator
 * (UNITS: load-test towers, lib/towers.js; a board device for a project other than the demo), and
 * running a hub session (Socket.IO over k6/ws with lib/socketio.js). Plain ES modules for k6 v0.48+.
 */
import http from 'k6/http';
import ws from 'k6/ws';
import { SocketIOSession, socketIoUrl } from './socketio.js';
import { nextTowerCodes, TOWER_LAYOUT, towerBatch, towerFormula, towerPattern, towersFor } from './towers.js';

/** Read an environment variable (k6 -e NAME=value or the process environment). */
export function envStr(name, fallback) {
  const v = typeof __ENV !== 'undefined' ? __ENV[name] : undefined;
  return v === undefined || v === '' ? fallback : v;
}
export function envInt(name, fallback) {
  const n = parseInt(envStr(name, ''), 10);
  return Number.isFinite(n) ? n : fallback;
}
export function envFloat(name, fallback) {
  const n = parseFloat(envStr(name, ''));
  return Number.isFinite(n) ? n : fallback;
}

export const BASE_URL = envStr('BASE_URL', 'http://127.0.0.1:3000').replace(/\/+$/, '');
export const PASSWORD = envStr('PASSWORD', 'kaipan-demo');
/** Code of the target project; empty = the first project c001 sees (the demo project 云湖府). */
export const PROJECT = envStr('PROJECT', '');
/** At least this many AVAILABLE units (0 = as the project is): load-test towers are added otherwise. */
export const UNITS = envInt('UNITS', 0);
/** Who makes what the run needs through the setup API (an administrator or a manager of the project). */
export const ADMIN_USER = envStr('ADMIN_USER', 'admin');
export const ADMIN_PASSWORD = envStr('ADMIN_PASSWORD', 'kaipan-admin');
const DEMO_PROJECT_CODE = 'DEMO-YHF';
const DEMO_BOARD_KEY = 'demo-board-key-7f3a9c2e5b8d1046';
/** Key of a wall board of the target project; empty = the demo board's, or a device made for the run. */
export const DEVICE_KEY = envStr('DEVICE_KEY', '');
/** Demo consultants c001…c200; more VUs than users share them (the lock limit is per user). */
export const DEMO_USERS = envInt('DEMO_USERS', 200);
export const BUYER = { name: '压测买家', phone: '13800138000' };

export function username(i) {
  return `c${String(i + 1).padStart(3, '0')}`;
}

/** Log in consultants c001…c<n> (10 at a time: the server hashes 2 passwords at once). */
export function loginConsultants(n) {
  const count = Math.max(1, Math.min(n, DEMO_USERS));
  const sessions = [];
  for (let start = 0; start < count; start += 10) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 10); i++) {
      batch.push({
        method: 'POST',
        url: `${BASE_URL}/api/auth/login`,
        body: JSON.stringify({ username: username(i), password: PASSWORD }),
        params: { headers: { 'Content-Type': 'application/json' }, tags: { name: 'login' } },
      });
    }
    const responses = http.batch(batch);
    for (let k = 0; k < responses.length; k++) {
      const r = responses[k];
      if (r.status !== 200) throw new Error(`login ${username(start + k)} failed: ${r.status} ${r.body}`);
      const body = r.json();
      sessions.push({ username: body.user.username, userId: body.user.id, token: body.token });
    }
  }
  return sessions;
}

export function authHeaders(token, extra) {
  const h = { Authorization: `Bearer ${token}` };
  if (extra) for (const k of Object.keys(extra)) h[k] = extra[k];
  return h;
}

/** The project with code PROJECT among those the user sees, or the first one (the demo project 云湖府). */
export function targetProject(token) {
  const r = http.get(`${BASE_URL}/api/projects`, { headers: authHeaders(token), tags: { name: 'projects' } });
  if (r.status !== 200) throw new Error(`GET /api/projects: ${r.status}`);
  const list = r.json();
  const project = PROJECT ? list.find((p) => p.code === PROJECT) : list[0];
  if (!project) throw new Error(PROJECT ? `no project with code ${PROJECT} is visible` : 'no project');
  return project;
}

/** One call of the setup API as the administrator (JSON in and out; throws on an error answer). */
function setupCall(token, method, path, body) {
  const r = http.request(method, `${BASE_URL}${path}`, body === undefined ? null : JSON.stringify(body), {
    headers: authHeaders(token, body === undefined ? undefined : { 'Content-Type': 'application/json' }),
    tags: { name: 'setup' },
  });
  if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
  return r.body ? r.json() : null;
}

let adminToken = null;
function admin() {
  if (adminToken) return adminToken;
  const r = http.post(
    `${BASE_URL}/api/auth/login`,
    JSON.stringify({ username: ADMIN_USER, password: ADMIN_PASSWORD }),
    {
      headers: { 'Content-Type': 'application/json' },
      tags: { name: 'setup' },
    },
  );
  if (r.status !== 200) throw new Error(`login ${ADMIN_USER} failed: ${r.status} ${r.body}`);
  adminToken = r.json().token;
  return adminToken;
}

/**
 * The target project, with at least `needed` AVAILABLE units (UNITS when given, else what the
 * scenario says it consumes): load-test towers LT01 … are generated, priced by formula and released
 * through the setup API (as a manager would in the setup screens) — never SQL.
 */
export function prepareProject(token, needed = 0) {
  const project = targetProject(token);
  const wanted = UNITS > 0 ? UNITS : needed;
  if (wanted > 0) {
    const available = snapshot(token, project.id).units.filter((u) => u.status === 'AVAILABLE').length;
    const towers = towersFor(wanted - available);
    if (towers > 0) {
      console.log(
        `${project.code}: ${available} AVAILABLE units, ${wanted} needed — adding ${towers} load-test tower(s) through the setup API`,
      );
      const t = admin();
      const base = `/api/projects/${project.id}`;
      const layouts = setupCall(t, 'GET', `${base}/layouts`);
      if (!layouts.some((l) => l.code === TOWER_LAYOUT.code)) setupCall(t, 'POST', `${base}/layouts`, TOWER_LAYOUT);
      const codes = nextTowerCodes(
        setupCall(t, 'GET', `${base}/buildings`).map((b) => b.code),
        towers,
      );
      for (const code of codes) {
        const created = setupCall(t, 'POST', `${base}/buildings`, towerPattern(code));
        setupCall(t, 'POST', `${base}/price-formula/apply`, towerFormula(created.building.id));
        const units = setupCall(t, 'GET', `${base}/setup-units?buildingId=${created.building.id}`);
        setupCall(
          t,
          'POST',
          `${base}/batches`,
          towerBatch(
            code,
            units.map((u) => u.id),
          ),
        );
      }
    }
  }
  return project;
}

/**
 * The key boards connect with: DEVICE_KEY, the demo board's for the demo project, or a BOARD device
 * created for this run through the setup API (`deviceId` set: revoke it in teardown with revokeBoard).
 */
export function boardKey(project) {
  if (DEVICE_KEY) return { key: DEVICE_KEY, deviceId: null };
  if (project.code === DEMO_PROJECT_CODE) return { key: DEMO_BOARD_KEY, deviceId: null };
  const device = setupCall(admin(), 'POST', `/api/projects/${project.id}/devices`, {
    kind: 'BOARD',
    name: `k6 压测大屏 Load-test board ${new Date().toISOString().slice(0, 19)}`,
  });
  return { key: device.key, deviceId: device.id };
}

/** Revoke the board device boardKey created (none when the key was given or the demo's). */
export function revokeBoard(deviceId) {
  if (deviceId) setupCall(admin(), 'DELETE', `/api/devices/${deviceId}`, {});
}

export function snapshot(token, projectId) {
  const r = http.get(`${BASE_URL}/api/projects/${projectId}/snapshot`, {
    headers: authHeaders(token),
    tags: { name: 'snapshot' },
  });
  if (r.status !== 200) throw new Error(`GET snapshot: ${r.status}`);
  return r.json();
}

/** Units this consultant works on: AVAILABLE units of the snapshot with index ≡ i (mod n). */
export function partition(units, i, n) {
  const mine = [];
  let k = 0;
  for (const u of units) {
    if (u.status !== 'AVAILABLE') continue;
    if (k % n === i) mine.push(u.id);
    k++;
  }
  return mine;
}

/** A deterministic pick of `count` distinct entries of `list` for consultant i. */
export function pickFor(list, i, count) {
  const out = [];
  if (!list.length) return out;
  let x = (i * 2654435761) >>> 0;
  for (let n = 0; n < count * 4 && out.length < Math.min(count, list.length); n++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const id = list[x % list.length];
    if (out.indexOf(id) === -1) out.push(id);
  }
  return out;
}

/**
 * Open a hub session and run `body(io, socket)` once the /hub namespace is connected. Closes the
 * socket after `maxMs` at the latest; acks time out after `ackTimeoutMs`.
 * Returns the k6 ws response (status 101 when the upgrade worked).
 */
export function hubSession(auth, label, maxMs, ackTimeoutMs, body, onError) {
  return ws.connect(
    socketIoUrl(BASE_URL),
    { headers: { 'X-Kaipan-Device': label }, tags: { name: 'hub' } },
    (socket) => {
      const io = new SocketIOSession({ nsp: '/hub', auth, send: (t) => socket.send(t) });
      socket.on('message', (m) => io.handleFrame(m));
      socket.on('close', () => io.closed('closed'));
      socket.on('error', (e) => {
        if (onError) onError('WS_ERROR', e);
      });
      socket.setInterval(() => io.expireAcks(ackTimeoutMs), 250);
      socket.setTimeout(() => socket.close(), maxMs);
      io.onConnectError((e) => {
        if (onError) onError('CONNECT_ERROR', e);
        socket.close();
      });
      io.onConnect(() => body(io, socket));
    },
  );
}

/** The code of a failed ack (error code, 'TIMEOUT' or 'DISCONNECTED'), or null when ok. */
export function ackError(response, error) {
  if (error) return error;
  if (!response) return 'NO_RESPONSE';
  if (response.ok) return null;
  return response.error && response.error.code ? response.error.code : 'UNKNOWN';
}
