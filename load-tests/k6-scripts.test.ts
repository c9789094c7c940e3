/**
 * The k6 scenarios cannot run here (no k6), so: (1) each script is loaded as an ES module under
 * Node with the k6 built-ins stubbed (load-tests/k6-stubs), which checks syntax, imports, and that
 * options, scenarios' exec functions and thresholds fit together; (2) the framing helper
 * (k6/lib/socketio.js) is unit-tested on the protocol's packets and then used over a raw
 * WebSocket against a real socket.io server.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Server } from 'socket.io';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PACKET,
  SeqFollower,
  SocketIOSession,
  ackFrame,
  connectFrame,
  decodeFrame,
  decodePacket,
  encodeFrame,
  encodePacket,
  eventFrame,
  socketIoUrl,
} from './k6/lib/socketio.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SCRIPTS = ['launch-storm.js', 'steady-selling.js', 'board-fanout.js', 'api-mix.js'];
/** Metrics k6 itself defines (thresholds may name them). */
const BUILTIN_METRICS = new Set([
  'checks',
  'data_received',
  'data_sent',
  'http_req_duration',
  'http_req_failed',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_receiving',
  'http_req_sending',
  'http_req_tls_handshaking',
  'http_req_waiting',
  'http_reqs',
  'iteration_duration',
  'iterations',
  'vus',
  'vus_max',
  'ws_connecting',
  'ws_msgs_received',
  'ws_msgs_sent',
  'ws_ping',
  'ws_session_duration',
  'ws_sessions',
]);

interface Loaded {
  exports: string[];
  options: {
    scenarios: Record<string, { executor: string; exec?: string }>;
    thresholds: Record<string, string[]>;
  };
  metrics: { type: string; name: string }[];
}

function loadUnderStubs(script: string): Loaded {
  const url = pathToFileURL(here(`./k6/${script}`)).href;
  const code = `const m = await import(${JSON.stringify(url)});
    process.stdout.write(JSON.stringify({ exports: Object.keys(m), options: m.options, metrics: globalThis.__k6stub.metrics }));`;
  const out = execFileSync(
    process.execPath,
    ['--import', pathToFileURL(here('./k6-stubs/register.mjs')).href, '--input-type=module', '-e', code],
    {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 30_000,
    },
  );
  return JSON.parse(out) as Loaded;
}

describe('k6 scenarios load as ES modules with k6 stubbed', () => {
  it.each(SCRIPTS)('%s: options, exec functions and thresholds are consistent', (script) => {
    const m = loadUnderStubs(script);
    expect(m.exports).toContain('options');
    expect(m.exports).toContain('setup');
    const scenarios = Object.entries(m.options.scenarios);
    expect(scenarios.length).toBeGreaterThan(0);
    for (const [, s] of scenarios) {
      expect(typeof s.executor).toBe('string');
      expect(m.exports).toContain(s.exec ?? 'default');
    }
    const names = new Set(m.metrics.map((x) => x.name));
    const thresholds = Object.entries(m.options.thresholds);
    expect(thresholds.length).toBeGreaterThan(0);
    for (const [key, rules] of thresholds) {
      const metric = key.split('{')[0]!;
      expect(BUILTIN_METRICS.has(metric) || names.has(metric), `threshold on unknown metric ${metric}`).toBe(true);
      for (const rule of rules)
        expect(rule).toMatch(/^(count|rate|avg|min|max|med|value|p\(\d+(\.\d+)?\))\s*(<=|>=|==|===|!=|<|>)\s*[0-9.]+$/);
    }
  });

  it('an unknown k6 module fails the check', () => {
    const code = `await import('k6/nope');`;
    expect(() =>
      execFileSync(
        process.execPath,
        ['--import', pathToFileURL(here('./k6-stubs/register.mjs')).href, '--input-type=module', '-e', code],
        {
          encoding: 'utf8',
          env: { ...process.env, NODE_OPTIONS: '' },
          stdio: 'pipe',
          timeout: 30_000,
        },
      ),
    ).toThrow(/not stubbed/);
  });
});

describe('Socket.IO framing helper', () => {
  it('encodes the protocol packets', () => {
    expect(socketIoUrl('http://127.0.0.1:3000/')).toBe('ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket');
    expect(socketIoUrl('https://kaipan.example')).toBe('wss://kaipan.example/socket.io/?EIO=4&transport=websocket');
    expect(connectFrame('/hub', { token: 'abc' })).toBe('40/hub,{"token":"abc"}');
    expect(connectFrame('/', undefined)).toBe('40');
    expect(eventFrame('/hub', 'unit:lock', { unitId: 'u-1' }, 17)).toBe('42/hub,17["unit:lock",{"unitId":"u-1"}]');
    expect(eventFrame('/hub', 'units:changed', { seq: 3 })).toBe('42/hub,["units:changed",{"seq":3}]');
    expect(eventFrame('/', 'ping')).toBe('42["ping"]');
    expect(ackFrame('/hub', 17, [{ ok: true, data: {} }])).toBe('43/hub,17[{"ok":true,"data":{}}]');
    expect(encodePacket({ type: PACKET.DISCONNECT, nsp: '/hub' })).toBe('1/hub,');
    expect(encodeFrame({ type: PACKET.EVENT, nsp: '/hub', id: 0, data: ['x'] })).toBe('42/hub,0["x"]');
    expect(() => encodePacket({ type: PACKET.BINARY_EVENT, data: [] })).toThrow(/binary/);
  });

  it('decodes the protocol packets', () => {
    expect(decodeFrame('0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}')).toEqual({
      engine: 'open',
      data: { sid: 's1', upgrades: [], pingInterval: 25000, pingTimeout: 20000 },
    });
    expect(decodeFrame('2')).toEqual({ engine: 'ping', data: undefined });
    expect(decodeFrame('3probe')).toEqual({ engine: 'pong', data: 'probe' });
    expect(decodeFrame('40/hub,{"sid":"abc"}')).toEqual({
      engine: 'message',
      packet: { type: 0, nsp: '/hub', data: { sid: 'abc' } },
    });
    expect(decodeFrame('43/hub,17[{"ok":true,"data":{"token":"42"}}]').packet).toEqual({
      type: 3,
      nsp: '/hub',
      id: 17,
      data: [{ ok: true, data: { token: '42' } }],
    });
    expect(decodePacket('2/hub,["units:changed",{"seq":5,"changes":[]}]')).toEqual({
      type: 2,
      nsp: '/hub',
      data: ['units:changed', { seq: 5, changes: [] }],
    });
    expect(decodePacket('4/hub,{"message":"UNAUTHENTICATED","data":{"code":"UNAUTHENTICATED"}}')).toEqual({
      type: 4,
      nsp: '/hub',
      data: { message: 'UNAUTHENTICATED', data: { code: 'UNAUTHENTICATED' } },
    });
    expect(decodePacket('2["root-event"]')).toEqual({ type: 2, nsp: '/', data: ['root-event'] });
    expect(decodePacket('1/hub')).toEqual({ type: 1, nsp: '/hub' });
    expect(decodePacket('3/hub,12[]')).toEqual({ type: 3, nsp: '/hub', id: 12, data: [] });
    // Round trip.
    const p = {
      type: 2,
      nsp: '/hub',
      id: 123,
      data: ['unit:confirm', { unitId: 'u', token: '9', buyer: { name: '张三', phone: '1380' } }],
    };
    expect(decodePacket(encodePacket(p))).toEqual(p);
    expect(() => decodeFrame('9x')).toThrow(/bad engine.io frame/);
    expect(() => decodePacket('x')).toThrow(/bad socket.io packet/);
  });

  it('a session answers pings, connects the namespace, matches acks and times them out', () => {
    const sent: string[] = [];
    let now = 1_000;
    const s = new SocketIOSession({ nsp: '/hub', auth: { deviceKey: 'k' }, send: (t) => sent.push(t), now: () => now });
    const connected: unknown[] = [];
    s.onConnect((d) => connected.push(d));
    s.handleFrame('0{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    expect(sent).toEqual(['40/hub,{"deviceKey":"k"}']);
    s.handleFrame('2');
    expect(sent[1]).toBe('3');
    s.handleFrame('40/hub,{"sid":"n1"}');
    expect(s.connected).toBe(true);
    expect(connected).toEqual([{ sid: 'n1' }]);

    const acks: [unknown, number, string | undefined][] = [];
    const id = s.emit('unit:lock', { unitId: 'u1' }, (r, ms, err) => acks.push([r, ms, err]));
    expect(sent[2]).toBe(`42/hub,${id}["unit:lock",{"unitId":"u1"}]`);
    now += 7;
    s.handleFrame(`43/hub,${id}[{"ok":true,"data":{"token":"5"}}]`);
    expect(acks).toEqual([[{ ok: true, data: { token: '5' } }, 7, undefined]]);
    s.handleFrame(`43/hub,${id}[{"ok":true}]`); // a duplicate ack is ignored
    expect(acks).toHaveLength(1);

    const events: unknown[] = [];
    s.on('units:changed', (f) => events.push(f));
    s.handleFrame('42/hub,["units:changed",{"seq":2}]');
    s.handleFrame('42/other,["units:changed",{"seq":3}]'); // another namespace
    expect(events).toEqual([{ seq: 2 }]);

    s.emit('unit:release', { unitId: 'u1', token: '5' }, (r, ms, err) => acks.push([r, ms, err]));
    expect(s.pending()).toBe(1);
    now += 50;
    expect(s.expireAcks(100)).toBe(0);
    now += 60;
    expect(s.expireAcks(100)).toBe(1);
    expect(acks[1]).toEqual([undefined, 110, 'TIMEOUT']);

    s.emit('unit:lock', { unitId: 'u2' }, (r, ms, err) => acks.push([r, ms, err]));
    const disconnects: string[] = [];
    s.onDisconnect((r) => disconnects.push(r));
    s.handleFrame('1');
    expect(acks[2]?.[2]).toBe('DISCONNECTED');
    expect(disconnects).toEqual(['transport close']);
  });

  it('SeqFollower applies the seq rule of live-state.ts', () => {
    const f = new SeqFollower(10);
    const ch = (...seqs: number[]) => ({ changes: seqs.map((seq) => ({ seq })) });
    expect(f.apply(ch(9, 10))).toEqual({ kind: 'stale' });
    expect(f.apply(ch(10, 11, 12)).kind).toBe('apply');
    expect(f.seq).toBe(12);
    expect(f.apply(ch(14))).toEqual({ kind: 'gap', expected: 13, got: 14 });
    expect(f.seq).toBe(12);
    expect([f.gaps, f.stale]).toEqual([1, 1]);
  });
});

describe('framing helper against a real socket.io server (raw WebSocket)', () => {
  let http: HttpServer;
  let io: Server;
  let base = '';
  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { pingInterval: 150, pingTimeout: 300 });
    const hub = io.of('/hub');
    hub.use((socket, next) => {
      if ((socket.handshake.auth as { token?: string }).token === 'good') next();
      else next(Object.assign(new Error('UNAUTHENTICATED'), { data: { code: 'UNAUTHENTICATED' } }));
    });
    hub.on('connection', (socket) => {
      socket.on('unit:lock', (payload: { unitId: string }, ack: (r: unknown) => void) =>
        ack({ ok: true, data: { unitId: payload.unitId, token: '77' } }),
      );
      socket.on('project:join', (_p: unknown, ack: (r: unknown) => void) => {
        ack({ ok: true, data: { seq: 1 } });
        socket.emit('units:changed', {
          projectId: 'p',
          fromSeq: 2,
          seq: 2,
          changes: [{ seq: 2, unitId: 'u', status: 'LOCKED', at: Date.now() }],
        });
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => void io.close(() => r()));
  });

  function open(auth: unknown) {
    const ws = new WebSocket(socketIoUrl(base));
    const session = new SocketIOSession({ nsp: '/hub', auth, send: (t) => ws.send(t) });
    ws.on('message', (m) => session.handleFrame(m.toString()));
    ws.on('close', () => session.closed('closed'));
    return { ws, session };
  }

  it('connects /hub, gets acks and events, and keeps the connection alive through pings', async () => {
    const { ws, session } = open({ token: 'good' });
    try {
      await new Promise<void>((resolve, reject) => {
        session.onConnect(() => resolve());
        session.onConnectError((e) => reject(new Error(JSON.stringify(e))));
        setTimeout(() => reject(new Error('no connect')), 5_000);
      });
      expect(session.engine?.pingInterval).toBe(150);
      const lock = await new Promise<unknown>((resolve) =>
        session.emit('unit:lock', { unitId: 'u-9' }, (r) => resolve(r)),
      );
      expect(lock).toEqual({ ok: true, data: { unitId: 'u-9', token: '77' } });
      const frame = new Promise<{ seq: number }>((resolve) =>
        session.on('units:changed', (f: { seq: number }) => resolve(f)),
      );
      const join = await new Promise<unknown>((resolve) =>
        session.emit('project:join', { projectId: 'p' }, (r) => resolve(r)),
      );
      expect(join).toEqual({ ok: true, data: { seq: 1 } });
      expect((await frame).seq).toBe(2);
      // Several ping intervals and the server's ping timeout pass: pongs keep us connected.
      await new Promise((r) => setTimeout(r, 800));
      expect(session.pings).toBeGreaterThanOrEqual(3);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      const again = await new Promise<unknown>((resolve) =>
        session.emit('unit:lock', { unitId: 'u-10' }, (r) => resolve(r)),
      );
      expect(again).toMatchObject({ ok: true });
    } finally {
      ws.close();
    }
  });

  it('reports a refused handshake as a connect error', async () => {
    const { ws, session } = open({ token: 'bad' });
    try {
      const error = await new Promise<{ message: string; data?: unknown }>((resolve, reject) => {
        session.onConnectError((e) => resolve(e));
        session.onConnect(() => reject(new Error('connected with a bad token')));
        setTimeout(() => reject(new Error('no answer')), 5_000);
      });
      expect(error).toEqual({ message: 'UNAUTHENTICATED', data: { code: 'UNAUTHENTICATED' } });
    } finally {
      ws.close();
    }
  });
});
