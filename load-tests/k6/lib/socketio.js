/**
 * Engine.IO v4 / Socket.IO v5 text framing over a plain WebSocket, for k6 (k6/ws) — and anything
 * else that has a WebSocket but no socket.io client. No k6 imports here: this module is
 * unit-tested under Node (load-tests/k6-scripts.test.ts), including against a real socket.io server.
 *
 * One WebSocket text frame = one Engine.IO packet: a type digit + data.
 *   0{"sid":…,"pingInterval":…}   open (server → client, first frame)
 *   2 / 3                          ping (server) / pong (client must answer)
 *   4<socket.io packet>            message
 * Socket.IO packet: <type>[<namespace>,][<ack id>][<JSON>]
 *   40/hub,{"token":"…"}                    CONNECT to /hub with handshake auth
 *   40/hub,{"sid":"…"}                      CONNECT accepted
 *   44/hub,{"message":"UNAUTHENTICATED"}    CONNECT_ERROR
 *   42/hub,17["unit:lock",{"unitId":"…"}]   EVENT with ack id 17
 *   43/hub,17[{"ok":true,"data":{…}}]       ACK of 17
 *   42/hub,["units:changed",{…}]            EVENT from the server (no ack)
 */

export const ENGINE = { OPEN: '0', CLOSE: '1', PING: '2', PONG: '3', MESSAGE: '4', UPGRADE: '5', NOOP: '6' };
export const PACKET = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4, BINARY_EVENT: 5, BINARY_ACK: 6 };

/** ws(s)://host/socket.io/?EIO=4&transport=websocket from an http(s) or ws(s) base URL. */
export function socketIoUrl(baseUrl) {
  const base = String(baseUrl)
    .replace(/\/+$/, '')
    .replace(/^http(s?):\/\//, 'ws$1://');
  return `${base}/socket.io/?EIO=4&transport=websocket`;
}

/**
 * Encode a Socket.IO packet (without the Engine.IO "4" prefix).
 * @param {{type: number, nsp?: string, id?: number, data?: unknown}} packet
 */
export function encodePacket(packet) {
  let out = String(packet.type);
  if (packet.type === PACKET.BINARY_EVENT || packet.type === PACKET.BINARY_ACK)
    throw new Error('binary packets are not supported');
  if (packet.nsp && packet.nsp !== '/') out += `${packet.nsp},`;
  if (packet.id !== undefined && packet.id !== null) out += String(packet.id);
  if (packet.data !== undefined) out += JSON.stringify(packet.data);
  return out;
}

/**
 * Decode a Socket.IO packet (the text after the Engine.IO "4").
 * @returns {{type: number, nsp: string, id?: number, data?: unknown}}
 */
export function decodePacket(text) {
  const type = Number(text.charAt(0));
  if (!(type >= 0 && type <= 6) || text.length === 0) throw new Error(`bad socket.io packet: ${text.slice(0, 40)}`);
  if (type === PACKET.BINARY_EVENT || type === PACKET.BINARY_ACK) throw new Error('binary packets are not supported');
  let i = 1;
  let nsp = '/';
  if (text.charAt(i) === '/') {
    const comma = text.indexOf(',', i);
    if (comma === -1) {
      nsp = text.slice(i);
      i = text.length;
    } else {
      nsp = text.slice(i, comma);
      i = comma + 1;
    }
  }
  const packet = { type, nsp };
  const idStart = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i > idStart) packet.id = Number(text.slice(idStart, i));
  if (i < text.length) packet.data = JSON.parse(text.slice(i));
  return packet;
}

/** Encode a whole WebSocket frame carrying a Socket.IO packet. */
export function encodeFrame(packet) {
  return ENGINE.MESSAGE + encodePacket(packet);
}

/**
 * Decode a WebSocket text frame.
 * @returns {{engine: 'open'|'close'|'ping'|'pong'|'message'|'upgrade'|'noop', data?: unknown, packet?: object}}
 */
export function decodeFrame(frame) {
  const text = String(frame);
  const kind = text.charAt(0);
  const rest = text.slice(1);
  switch (kind) {
    case ENGINE.OPEN:
      return { engine: 'open', data: rest ? JSON.parse(rest) : undefined };
    case ENGINE.CLOSE:
      return { engine: 'close' };
    case ENGINE.PING:
      return { engine: 'ping', data: rest || undefined };
    case ENGINE.PONG:
      return { engine: 'pong', data: rest || undefined };
    case ENGINE.MESSAGE:
      return { engine: 'message', packet: decodePacket(rest) };
    case ENGINE.UPGRADE:
      return { engine: 'upgrade' };
    case ENGINE.NOOP:
      return { engine: 'noop' };
    default:
      throw new Error(`bad engine.io frame: ${text.slice(0, 40)}`);
  }
}

/** `40/hub,{auth}` */
export function connectFrame(nsp, auth) {
  return encodeFrame({ type: PACKET.CONNECT, nsp, data: auth });
}

/** `42/hub,<id>["event",payload]` (id omitted when undefined). */
export function eventFrame(nsp, event, payload, id) {
  return encodeFrame({ type: PACKET.EVENT, nsp, id, data: payload === undefined ? [event] : [event, payload] });
}

/** `43/hub,<id>[...args]` */
export function ackFrame(nsp, id, args) {
  return encodeFrame({ type: PACKET.ACK, nsp, id, data: args });
}

/**
 * A Socket.IO client session over any WebSocket: feed it every incoming text frame with
 * `handleFrame`, give it a `send(text)` function. It answers pings, connects the namespace after
 * the Engine.IO open, dispatches events and acks, and times acks out on `expireAcks`.
 *
 *   const s = new SocketIOSession({ nsp: '/hub', auth: { token }, send: (t) => socket.send(t) });
 *   socket.on('message', (m) => s.handleFrame(m));
 *   s.onConnect(() => s.emit('unit:lock', { unitId }, (res, ms) => …));
 */
export class SocketIOSession {
  /** @param {{nsp?: string, auth?: object, send: (text: string) => void, now?: () => number}} opts */
  constructor(opts) {
    this.nsp = opts.nsp || '/';
    this.auth = opts.auth;
    this.send = opts.send;
    this.now = opts.now || (() => Date.now());
    this.connected = false;
    this.sid = null;
    this.engine = null;
    this.nextId = 0;
    this.acks = new Map();
    this.listeners = new Map();
    this.connectHandlers = [];
    this.errorHandlers = [];
    this.disconnectHandlers = [];
    this.pings = 0;
  }

  onConnect(fn) {
    this.connectHandlers.push(fn);
  }

  onConnectError(fn) {
    this.errorHandlers.push(fn);
  }

  onDisconnect(fn) {
    this.disconnectHandlers.push(fn);
  }

  /** Listen to a server event. */
  on(event, fn) {
    const list = this.listeners.get(event) || [];
    list.push(fn);
    this.listeners.set(event, list);
  }

  /**
   * Emit an event; with a callback, ask for an ack: `cb(response, elapsedMs, error)` where error is
   * 'TIMEOUT' or 'DISCONNECTED' (response undefined) when no ack came.
   */
  emit(event, payload, cb) {
    let id;
    if (typeof cb === 'function') {
      id = this.nextId++;
      this.acks.set(id, { cb, at: this.now(), event });
    }
    this.send(eventFrame(this.nsp, event, payload, id));
    return id;
  }

  /** Acks still outstanding. */
  pending() {
    return this.acks.size;
  }

  /** Fail acks older than timeoutMs (call it from a timer). Returns how many expired. */
  expireAcks(timeoutMs) {
    const now = this.now();
    let expired = 0;
    for (const [id, a] of this.acks) {
      if (now - a.at >= timeoutMs) {
        this.acks.delete(id);
        expired++;
        a.cb(undefined, now - a.at, 'TIMEOUT');
      }
    }
    return expired;
  }

  /** Process one incoming WebSocket text frame. */
  handleFrame(frame) {
    const f = decodeFrame(frame);
    if (f.engine === 'open') {
      this.engine = f.data || null;
      this.send(connectFrame(this.nsp, this.auth));
      return;
    }
    if (f.engine === 'ping') {
      this.pings++;
      this.send(ENGINE.PONG + (f.data || ''));
      return;
    }
    if (f.engine === 'close') {
      this.closed('transport close');
      return;
    }
    if (f.engine !== 'message' || !f.packet) return;
    const p = f.packet;
    if (p.nsp !== this.nsp) return;
    switch (p.type) {
      case PACKET.CONNECT:
        this.connected = true;
        this.sid = p.data && p.data.sid ? p.data.sid : null;
        for (const fn of this.connectHandlers) fn(p.data);
        return;
      case PACKET.CONNECT_ERROR:
        for (const fn of this.errorHandlers) fn(p.data);
        return;
      case PACKET.DISCONNECT:
        this.closed('server disconnect');
        return;
      case PACKET.EVENT: {
        const args = Array.isArray(p.data) ? p.data : [];
        const list = this.listeners.get(args[0]) || [];
        for (const fn of list) fn(...args.slice(1));
        return;
      }
      case PACKET.ACK: {
        const a = this.acks.get(p.id);
        if (!a) return;
        this.acks.delete(p.id);
        const args = Array.isArray(p.data) ? p.data : [];
        a.cb(args[0], this.now() - a.at);
        return;
      }
      default:
    }
  }

  /** The transport closed: fail outstanding acks. */
  closed(reason) {
    const wasConnected = this.connected;
    this.connected = false;
    const now = this.now();
    for (const [id, a] of this.acks) {
      this.acks.delete(id);
      a.cb(undefined, now - a.at, 'DISCONNECTED');
    }
    if (wasConnected) for (const fn of this.disconnectHandlers) fn(reason);
  }
}

/**
 * Follows a project's seq the way shared/src/live-state.ts planFrame does: apply consecutive
 * changes newer than the last seq; a frame wholly at or below it is stale (right after a join)
 * or a reorder (afterwards); a missing seq is a gap (take a new snapshot).
 */
export class SeqFollower {
  constructor(seq) {
    this.seq = seq;
    this.gaps = 0;
    this.stale = 0;
  }

  /** @returns {{kind: 'apply', changes: object[]} | {kind: 'stale'} | {kind: 'gap', expected: number, got: number}} */
  plan(frame) {
    const fresh = (frame.changes || []).filter((c) => c.seq > this.seq);
    if (fresh.length === 0) return { kind: 'stale' };
    let expected = this.seq + 1;
    for (const c of fresh) {
      if (c.seq !== expected) return { kind: 'gap', expected, got: c.seq };
      expected++;
    }
    return { kind: 'apply', changes: fresh };
  }

  /** Plan and advance; counts gaps and stale frames. */
  apply(frame) {
    const p = this.plan(frame);
    if (p.kind === 'apply') this.seq = p.changes[p.changes.length - 1].seq;
    else if (p.kind === 'gap') this.gaps++;
    else this.stale++;
    return p;
  }
}
