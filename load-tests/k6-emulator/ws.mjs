// k6/ws over the `ws` package. connect() starts the session and returns at once (status 101);
// the runner waits until every socket has closed.
import WebSocket from 'ws';
import { guard, state } from './state.mjs';

export function connect(url, params, callback) {
  const ws = new WebSocket(url, { headers: params?.headers ?? {} });
  const handlers = new Map();
  const timers = new Set();
  const emit = (event, ...args) => {
    for (const h of handlers.get(event) ?? []) guard(h, ...args);
  };
  const entry = { ws, closed: false };
  state.openSockets.add(entry);
  const clearTimers = () => {
    for (const t of timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    timers.clear();
  };
  const socket = {
    on(event, handler) {
      handlers.set(event, [...(handlers.get(event) ?? []), handler]);
    },
    send(data) {
      if (ws.readyState === WebSocket.OPEN) ws.send(data);
    },
    close() {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
    },
    ping() {
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    },
    setTimeout(fn, ms) {
      const t = setTimeout(() => {
        timers.delete(t);
        guard(fn);
      }, ms);
      timers.add(t);
    },
    setInterval(fn, ms) {
      const t = setInterval(() => guard(fn), ms);
      timers.add(t);
    },
  };
  ws.on('open', () => emit('open'));
  ws.on('message', (data, isBinary) => emit(isBinary ? 'binaryMessage' : 'message', isBinary ? data : data.toString()));
  ws.on('error', (e) => emit('error', e));
  ws.on('close', (code) => {
    clearTimers();
    entry.closed = true;
    state.openSockets.delete(entry);
    emit('close', code);
  });
  guard(callback, socket);
  return { status: 101, url };
}
export default { connect };
