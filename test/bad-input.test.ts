/**
 * Bad input (issue 12): text PostgreSQL cannot hold, bodies that are not objects, and the
 * framework's own refusals — every one a coded error in the one shape, changing nothing, never a
 * 500. The generated sweep over every route and hub command is test/input-fuzz.test.ts.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { ERROR_CODES, ERROR_HTTP_STATUS, type ErrorBody, type LockResult } from '@kaipan/shared';
import { deviceLabel } from '../server/src/domain/principal.js';
import { UNIT_SHEET_COLUMNS } from '../server/src/domain/unit-sheet.js';
import { frameworkErrorOptions, installFrameworkErrors } from '../server/src/http/framework-errors.js';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { cash, createBook, createCashiers, createRegistration, pay } from './support/cashier.js';
import { fingerprinter, type Fingerprinter } from './support/fingerprint.js';

let server: TestServer;
let manager: string;
let consultant: string;
let prints: Fingerprinter;
let pid: string;

beforeAll(async () => {
  server = await startTestServer({ units: 12, consultants: 2 });
  pid = server.fixture.projectId;
  [manager, consultant] = (await Promise.all(['manager', 's001'].map(async (u) => (await server.login(u)).token))) as [
    string,
    string,
  ];
  prints = await fingerprinter(server);
});

afterAll(async () => {
  await prints?.close();
  await server?.close();
});

type Answer = { status: number; body: { error?: ErrorBody } | null };

/** The one shape: `{error:{code, message, details?}}`, a registry code, the registry's status. */
function expectRefusal(res: Answer, code: string, path?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(ERROR_HTTP_STATUS[code as keyof typeof ERROR_HTTP_STATUS]);
  expect(Object.keys(res.body ?? {})).toEqual(['error']);
  const error = res.body!.error!;
  expect(error.code).toBe(code);
  expect(error.message).toEqual(expect.any(String));
  expect(Object.keys(error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  if (path) expect(error.details).toEqual([expect.objectContaining({ path, message: expect.any(String) })]);
}

/** `body` is sent as is when a string (raw JSON text), else JSON-encoded. */
const call = (
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<Answer> => http(server.url, method, path, token, body, headers);

/** One raw HTTP/1.1 exchange over a socket: for what fetch refuses to send. */
function rawHttp(request: string | Buffer): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const { port, hostname } = new URL(server.url);
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body });
    });
    setTimeout(() => socket.destroy(new Error('no answer')), 5_000).unref();
  });
}

describe('text PostgreSQL cannot hold never reaches it', () => {
  it('login with a NUL or an unpaired surrogate in the username, without being signed in → VALIDATION_FAILED naming the field', async () => {
    const before = await prints.take();
    expectRefusal(
      await call('POST', '/api/auth/login', undefined, { username: 'a\u0000b', password: 'x' }),
      'VALIDATION_FAILED',
      'username',
    );
    expectRefusal(
      await call('POST', '/api/auth/login', undefined, '{"username":"a\\ud800b","password":"x"}'),
      'VALIDATION_FAILED',
      'username',
    );
    expectRefusal(
      await call('POST', '/api/auth/login', undefined, { username: 'manager', password: 'pw\u0000' }),
      'VALIDATION_FAILED',
      'password',
    );
    expect(await prints.take()).toEqual(before);
  });

  it('withhold reason with NUL / an unpaired surrogate / a line break → refused; the unit stays AVAILABLE, nothing audited', async () => {
    const unitId = server.fixture.unitIds[0]!;
    const before = await prints.take();
    expectRefusal(
      await call('POST', `/api/units/${unitId}/withhold`, manager, { reason: 'VIP\u0000' }),
      'VALIDATION_FAILED',
      'reason',
    );
    expectRefusal(
      await call('POST', `/api/units/${unitId}/withhold`, manager, '{"reason":"VIP \\udc00"}'),
      'VALIDATION_FAILED',
      'reason',
    );
    // Single-line field: a line break inside is refused by the shared schema (forms use it too).
    expectRefusal(
      await call('POST', `/api/units/${unitId}/withhold`, manager, { reason: 'VIP\nline two' }),
      'VALIDATION_FAILED',
      'reason',
    );
    expect(await prints.take()).toEqual(before);
    expect((await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).status).toBe('AVAILABLE');
  });

  it('batch names: create and rename with NUL → refused, the pending batch keeps its name', async () => {
    const before = await prints.take();
    expectRefusal(
      await call('POST', `/api/projects/${pid}/batches`, manager, {
        name: '二批\u0000',
        unitIds: [server.fixture.pendingUnitIds[0]],
      }),
      'VALIDATION_FAILED',
      'name',
    );
    expectRefusal(
      await call('PATCH', `/api/batches/${server.fixture.pendingBatchId}`, manager, { name: '二批\u0000' }),
      'VALIDATION_FAILED',
      'name',
    );
    expectRefusal(
      await call('PATCH', `/api/batches/${server.fixture.pendingBatchId}`, manager, '{"name":"\\ud83d"}'),
      'VALIDATION_FAILED',
      'name',
    );
    expect(await prints.take()).toEqual(before);
  });

  it('searches ?q=%00 (customers, cashier lookup) → VALIDATION_FAILED naming query.q', async () => {
    expectRefusal(await call('GET', `/api/projects/${pid}/customers?q=%00`, manager), 'VALIDATION_FAILED', 'query.q');
    expectRefusal(
      await call('GET', `/api/projects/${pid}/cashier/lookup?q=a%00b`, manager),
      'VALIDATION_FAILED',
      'query.q',
    );
    expectRefusal(await call('GET', `/api/projects/${pid}/customers?q=%01`, manager), 'VALIDATION_FAILED', 'query.q');
    expectRefusal(
      await call('GET', `/api/projects/${pid}/customers?%00=1`, manager),
      'VALIDATION_FAILED',
      'query.\\u0000',
    );
    // A search without a NUL still works.
    expect((await call('GET', `/api/projects/${pid}/customers?q=%E5%BC%A0`, manager)).status).toBe(200);
  });

  it('void reasons and payer names at the cashier → refused; the receipt stays ISSUED, no void request', async () => {
    const [cashier] = await createCashiers(server, ['cash-bad']);
    await createBook(server, manager, cashier!.id, 'BAD-', 1, 999);
    const reg = await createRegistration(server, manager, '王五');
    const before = await prints.take();
    expectRefusal(
      await call('POST', `/api/projects/${pid}/payments`, cashier!.token, {
        idempotencyKey: 'bad-input-0001',
        kind: 'SINCERITY',
        registrationId: reg.id,
        lines: cash(100_00),
        payerName: '王\u0000五',
      }),
      'VALIDATION_FAILED',
      'payerName',
    );
    expect(await prints.take()).toEqual(before);
    const payment = await pay(server, cashier!.token, {
      kind: 'SINCERITY',
      registrationId: reg.id,
      lines: cash(100_00),
    });
    const receiptId = payment.receipt!.id;
    const issued = await prints.take();
    expectRefusal(
      await call('POST', `/api/receipts/${receiptId}/void-requests`, cashier!.token, { reason: '错收\u0000' }),
      'VALIDATION_FAILED',
      'reason',
    );
    expectRefusal(
      await call('POST', `/api/receipts/${receiptId}/void-requests`, cashier!.token, '{"reason":"\\ud800错收"}'),
      'VALIDATION_FAILED',
      'reason',
    );
    expect(await prints.take()).toEqual(issued);
  });

  it('an imported sheet with a control character or a line break in a text cell → IMPORT_INVALID with INVALID_TEXT, nothing imported', async () => {
    // (A CSV holding U+0000 is refused as binary, FILE_UNREADABLE, as before.)
    const header = UNIT_SHEET_COLUMNS.map((c) => c.header).join(',');
    const row = (layoutName: string, orientation = '南') =>
      ['A', 'A-0101', '1', '1', 'A', layoutName, '100.25', '80.50', orientation, '2000000.00', '1900000.00'].join(',');
    const before = await prints.take();
    // Control characters anywhere; a line break in a one-line column (the layout name may have two lines).
    for (const line of [row('3室\u00072厅'), row('3室\u001b2厅'), row('3室2厅', '"南\n北"'), row('3室2厅', '南\t北')]) {
      const res = await fetch(`${server.url}/api/projects/${pid}/units/import?format=csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${manager}`, 'content-type': 'text/csv; charset=utf-8' },
        body: `${header}\n${line}\n`,
      });
      const body = (await res.json()) as { error: ErrorBody & { details: { errors: { code: string }[] } } };
      expect(res.status).toBe(422);
      expect(body.error.code).toBe('IMPORT_INVALID');
      expect(body.error.details.errors).toEqual([expect.objectContaining({ code: 'INVALID_TEXT', row: 2 })]);
    }
    expect(await prints.take()).toEqual(before);
  });

  it('the audit trail device label never cuts a surrogate pair in two', () => {
    const label = deviceLabel({ 'x-kaipan-device': `${'x'.repeat(159)}😀tail` });
    expect(label).toBe('x'.repeat(159));
    expect(deviceLabel({ 'x-kaipan-device': `${'x'.repeat(158)}😀tail` })).toBe(`${'x'.repeat(158)}😀`);
  });
});

describe('bodies: only an object is a body; no body is no body', () => {
  it('a JSON null body does not pause sales (it used to be read as {})', async () => {
    const before = await prints.take();
    expectRefusal(await call('POST', `/api/projects/${pid}/pause`, manager, 'null'), 'VALIDATION_FAILED', '(root)');
    for (const body of ['[]', '"pause"', '0', 'true', '[{}]']) {
      expectRefusal(await call('POST', `/api/projects/${pid}/pause`, manager, body), 'VALIDATION_FAILED', '(root)');
    }
    expect(await prints.take()).toEqual(before);
    expect((await server.db.project.findUniqueOrThrow({ where: { id: pid } })).salesPaused).toBe(false);
  });

  it('a route that takes no body still works without one; logout refuses an unknown field like every route', async () => {
    const paused = await fetch(`${server.url}/api/projects/${pid}/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(paused.status).toBe(200);
    const resumed = await call('POST', `/api/projects/${pid}/resume`, manager, {});
    expect(resumed.status).toBe(200);
    expectRefusal(
      await call('POST', '/api/auth/logout', undefined, { everywhere: true }),
      'VALIDATION_FAILED',
      '(root)',
    );
    expect((await call('POST', '/api/auth/logout', undefined, {})).status).toBe(200);
  });
});

describe("the framework's own refusals are in the one shape", () => {
  it('an undecodable URL, an over-long path segment, bad JSON, an unsupported media type, a body over 2 MB, an unknown route', async () => {
    expectRefusal(await call('GET', '/api/units/%E0%A4%A', manager), 'VALIDATION_FAILED');
    expectRefusal(await call('GET', `/api/projects/%ED%A0%80/catalog`, manager), 'VALIDATION_FAILED'); // UTF-8 of a lone surrogate
    expectRefusal(await call('GET', `/api/projects/${'x'.repeat(500)}/catalog`, manager), 'VALIDATION_FAILED');
    expectRefusal(await call('POST', `/api/projects/${pid}/pause`, manager, '{"a":'), 'VALIDATION_FAILED');
    expectRefusal(
      await call('POST', `/api/projects/${pid}/pause`, manager, '{"__proto__":{"x":1}}'),
      'VALIDATION_FAILED',
    );
    expectRefusal(
      await call('POST', `/api/projects/${pid}/pause`, manager, '<pause/>', { 'content-type': 'application/xml' }),
      'VALIDATION_FAILED',
    );
    expectRefusal(
      await call('POST', `/api/units/${server.fixture.unitIds[1]}/withhold`, manager, {
        reason: 'x'.repeat(3 * 1024 * 1024),
      }),
      'PAYLOAD_TOO_LARGE',
    );
    expectRefusal(await call('DELETE', '/api/auth/login', manager), 'NOT_FOUND');
    expect((await server.db.project.findUniqueOrThrow({ where: { id: pid } })).salesPaused).toBe(false);
  });

  it("requests Node's HTTP parser refuses get one minimal response in the same shape, then the connection closes", async () => {
    const tooLarge = await rawHttp(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers).toMatch(/content-type: application\/json/i);
    expect(tooLarge.headers).toMatch(/connection: close/i);
    expect(JSON.parse(tooLarge.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    const longUrl = await rawHttp(`GET /api/projects?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(JSON.parse(longUrl.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    for (const garbage of [
      'HELLO\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nX-Kaipan-Device: a\u0000b\r\n\r\n',
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}',
    ]) {
      const res = await rawHttp(Buffer.from(garbage, 'latin1'));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
    }
  });

  it('a request that arrives while the server shuts down → 503 SERVICE_UNAVAILABLE in the one shape', async () => {
    // The window is short in the app (the hub's preClose, then every connection is closed), so a
    // server with the same error options and a slow preClose hook holds it open for a request on a
    // connection already established.
    const app = Fastify({ ...frameworkErrorOptions, forceCloseConnections: false });
    installFrameworkErrors(app);
    let release = (): void => undefined;
    let closingStarted = (): void => undefined;
    const started = new Promise<void>((resolve) => (closingStarted = resolve));
    app.addHook('preClose', async () => {
      closingStarted();
      await new Promise<void>((resolve) => (release = resolve));
    });
    app.get('/ping', async () => ({ ok: true }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    const responses: string[] = [];
    socket.on('data', (d) => responses.push(d.toString()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n');
    await expect.poll(() => responses.join('')).toMatch(/"ok":true/);
    const closed = app.close();
    await started;
    socket.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n');
    await expect.poll(() => responses.join('')).toMatch(/HTTP\/1\.1 503/);
    const last = responses.join('').split('HTTP/1.1 503')[1]!;
    expect(JSON.parse(last.slice(last.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) },
    });
    socket.destroy();
    release();
    await closed;
  });
});

describe('hub commands', () => {
  let socket: HubClient;
  beforeAll(async () => {
    socket = await server.connect({ token: consultant });
  });

  /** Emit with any arguments (the typed client would not let us) and wait for the ack. */
  function emitRaw(event: string, ...args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5_000);
      (socket as unknown as { emit: (...a: unknown[]) => void }).emit(event, ...args, (res: unknown) => {
        clearTimeout(timer);
        resolve(res);
      });
    });
  }

  const expectAckRefusal = (ack: unknown, code: string, path?: string): void => {
    expect(ack).toEqual({ ok: false, error: expect.objectContaining({ code, message: expect.any(String) }) });
    expect(ERROR_CODES).toContain(code);
    if (path) expect((ack as { error: ErrorBody }).error.details).toEqual([expect.objectContaining({ path })]);
  };

  it('a command without a payload, with extra arguments, or unknown is answered — never left hanging', async () => {
    expectAckRefusal(await emitRaw('unit:lock'), 'VALIDATION_FAILED', '(root)');
    expectAckRefusal(
      await emitRaw('unit:lock', { unitId: server.fixture.unitIds[2] }, 'extra'),
      'VALIDATION_FAILED',
      '(root)',
    );
    expectAckRefusal(await emitRaw('unit:steal', { unitId: server.fixture.unitIds[2] }), 'NOT_FOUND');
    expectAckRefusal(await emitRaw('project:join', null), 'VALIDATION_FAILED');
    expectAckRefusal(await emitRaw('project:join', 'not an object'), 'VALIDATION_FAILED');
  });

  it('unit:confirm with a buyer name holding NUL or an unpaired surrogate → VALIDATION_FAILED; the lock stays, nothing sold', async () => {
    const unitId = server.fixture.unitIds[3]!;
    const lock = await emitAck<LockResult>(socket, 'unit:lock', { unitId });
    expect(lock.ok).toBe(true);
    const token = lock.ok ? lock.data.token : '';
    const before = await prints.take();
    for (const name of ['张\u0000三', '张\ud800三', '张\u0007三']) {
      expectAckRefusal(
        await emitRaw('unit:confirm', { unitId, token, buyer: { name, phone: '13800001111' } }),
        'VALIDATION_FAILED',
        'buyer.name',
      );
    }
    expectAckRefusal(await emitRaw('unit:confirm', { unitId, token, ['x\u0000']: 1 }), 'VALIDATION_FAILED', 'x\\u0000');
    expect(await prints.take()).toEqual(before);
    expect((await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).status).toBe('AVAILABLE');
    expect((await emitAck(socket, 'unit:release', { unitId, token })).ok).toBe(true);
  });

  it('a handshake whose auth breaks the text rule is refused with the coded error as data', async () => {
    const err = await server.connect({ token: 'x\u0000' }).then(
      () => null,
      (e: Error & { data?: unknown }) => e,
    );
    expect(err?.message).toBe('VALIDATION_FAILED');
    expect(err?.data).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.any(String),
      details: [expect.objectContaining({ path: 'auth.token' })],
    });
  });
});
