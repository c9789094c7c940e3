// Synchronous HTTP (as k6's): the request runs in a worker thread while this thread waits.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { addSample } from './state.mjs';

const { port1, port2 } = new MessageChannel();
const shared = new SharedArrayBuffer(4);
const flag = new Int32Array(shared);
const worker = new Worker(new URL('./http-worker.mjs', import.meta.url), {
  workerData: { port: port2, shared },
  transferList: [port2],
});
worker.unref();
port1.unref();

let expected = (status) => status >= 200 && status < 400;

function roundTrip(message) {
  Atomics.store(flag, 0, 0);
  port1.postMessage(message);
  const waited = Atomics.wait(flag, 0, 0, 120_000);
  const reply = receiveMessageOnPort(port1);
  if (waited === 'timed-out' || !reply) throw new Error('emulated HTTP request timed out');
  return reply.message;
}

function select(obj, path) {
  if (!path) return obj;
  let cur = obj;
  for (const key of String(path).split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur[/^\d+$/.test(key) ? Number(key) : key];
  }
  return cur;
}

function toResponse(r, req) {
  const tags = {
    name: req.params?.tags?.name ?? req.url,
    method: req.method,
    status: String(r.status),
    ...(req.params?.tags ?? {}),
  };
  addSample('http_reqs', 'counter', 1, tags);
  addSample('http_req_duration', 'trend', r.duration, tags);
  addSample('http_req_failed', 'rate', expected(r.status) ? 0 : 1, tags);
  return {
    status: r.status,
    body: r.body,
    headers: r.headers,
    error: r.error ?? '',
    timings: { duration: r.duration },
    url: req.url,
    json(path) {
      return select(JSON.parse(r.body), path);
    },
  };
}

function prepare(method, url, body, params) {
  const headers = { ...(params?.headers ?? {}) };
  const text = body === undefined || body === null ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return { method, url, body: text, headers, params, timeoutMs: 60_000 };
}

export function request(method, url, body, params) {
  const req = prepare(method, url, body, params);
  return toResponse(roundTrip(req), req);
}
export const get = (url, params) => request('GET', url, undefined, params);
export const post = (url, body, params) => request('POST', url, body, params);
export const put = (url, body, params) => request('PUT', url, body, params);
export const del = (url, body, params) => request('DELETE', url, body, params);
export function batch(requests) {
  const reqs = requests.map((r) =>
    Array.isArray(r) ? prepare(r[0], r[1], r[2], r[3]) : prepare(r.method ?? 'GET', r.url, r.body, r.params),
  );
  const results = roundTrip({ batch: reqs });
  return results.map((r, i) => toResponse(r, reqs[i]));
}
export function expectedStatuses(...statuses) {
  return (status) => statuses.includes(status);
}
export function setResponseCallback(cb) {
  expected = cb;
}
export default { request, get, post, put, del, batch, expectedStatuses, setResponseCallback };
