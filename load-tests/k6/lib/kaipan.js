/**
 * Kaipan helpers for the k6 scenarios: environment, login, project lookup, and running a hub
 * session (Socket.IO over k6/ws with lib/socketio.js). Plain ES modules for k6 v0.48+.
 */
import http from 'k6/http';
import ws from 'k6/ws';
import { SocketIOSession, socketIoUrl } from './socketio.js';

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
export const DEVICE_KEY = envStr('DEVICE_KEY', 'demo-board-key-7f3a9c2e5b8d1046');
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

/** The first project the user sees (the demo project 云湖府). */
export function demoProject(token) {
  const r = http.get(`${BASE_URL}/api/projects`, { headers: authHeaders(token), tags: { name: 'projects' } });
  if (r.status !== 200) throw new Error(`GET /api/projects: ${r.status}`);
  const list = r.json();
  if (!list.length) throw new Error('no project');
  return list[0];
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
