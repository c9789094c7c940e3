/**
 * The lottery draw flow 摇号 against a real server, PostgreSQL and Redis: commit (no seed leaks),
 * draw (verifiable by the shared verifier and by the CLI in a fresh process), idempotency under
 * concurrent presses, permissions, eligibility by deposit, the board broadcast, and the result PDF.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drawOrder,
  formatRegistrationNo,
  listCommitment,
  lotteryRecordSchema,
  seedCommitment,
  verifyDraw,
  type LatestLotteryAnswer,
  type LotteryDrawInfo,
  type LotteryDrawSummary,
  type LotteryDrawnEvent,
  type LotteryRecord,
  type RegistrationInfo,
} from '@kaipan/shared';
import { resolveCjkFonts } from '../server/src/documents/fonts.js';
import { renderLotteryResult } from '../server/src/documents/lottery-result.js';
import { TEST_BOARD_KEY } from './support/fixture.js';
import { emitAck, http, startTestServer, type TestServer } from './support/app.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'kaipan-lottery-flow-'));
const run = promisify(execFile);

let server: TestServer;
let manager: string;
let cashier: string;
let consultant: string;
/** Registration ids by number (1-based). */
const registrationIds: string[] = [];

type ErrorResponse = { error: { code: string } };

/**
 * 24 households: 1–16 paid their sincerity deposit (a recorded SINCERITY payment each), 17–24 did
 * not; number 3 is cancelled; the cashier later records number 20's deposit.
 */
async function seedRegistrations(): Promise<void> {
  const { projectId } = server.fixture;
  const owner = await server.db.user.findUniqueOrThrow({ where: { username: 'manager' } });
  const desk = await server.db.user.findUniqueOrThrow({ where: { username: 'cashier' } });
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
  for (let n = 1; n <= 24; n += 1) {
    const customer = await server.db.customer.create({
      data: { projectId, name: `摇号买家${n}`, phone: `137${String(n).padStart(8, '0')}`, ownerId: owner.id },
    });
    const reg = await server.db.registration.create({
      data: {
        projectId,
        customerId: customer.id,
        number: n,
        unitsAllowed: 1,
        createdById: owner.id,
        status: n === 3 ? 'CANCELLED' : 'ACTIVE',
      },
    });
    if (n <= 16) {
      await server.db.payment.create({
        data: {
          projectId,
          kind: 'SINCERITY',
          amount: 20_000_00n,
          payerName: customer.name,
          registrationId: reg.id,
          idempotencyKey: `lottery-sincerity-${n}`,
          cashierId: desk.id,
          businessDate: today,
          lines: { create: [{ method: 'CASH', amount: 20_000_00n }] },
        },
      });
    }
    registrationIds[n] = reg.id;
  }
  await server.db.project.update({ where: { id: projectId }, data: { registrationCounter: 24 } });
}

const labels = (numbers: number[]): string[] => numbers.map(formatRegistrationNo).sort();
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function create(body: object, token = manager) {
  return http<LotteryDrawInfo & Partial<ErrorResponse>>(
    server.url,
    'POST',
    `/api/projects/${server.fixture.projectId}/lotteries`,
    token,
    body,
  );
}
async function drawIt(drawId: string, token = manager) {
  return http<LotteryDrawInfo & Partial<ErrorResponse>>(server.url, 'POST', `/api/lotteries/${drawId}/draw`, token, {});
}
async function publicRecord(drawId: string) {
  return http<LotteryDrawInfo & Partial<ErrorResponse>>(server.url, 'GET', `/api/public/lotteries/${drawId}`);
}
async function verificationFile(drawId: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}/api/public/lotteries/${drawId}/record.json`);
  return { status: res.status, text: await res.text() };
}

/** The CLI exactly as a user runs it: a fresh process, the tsx loader, the repo's alias. */
function cli(content: string): { status: number | null; stdout: string } {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-lottery.ts', file], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: res.status, stdout: res.stdout };
}

async function pdfText(pdf: Buffer, name: string): Promise<{ text: string; pages: number }> {
  const file = path.join(dir, name);
  writeFileSync(file, pdf);
  const [{ stdout: text }, { stdout: info }] = await Promise.all([
    run('pdftotext', ['-enc', 'UTF-8', file, '-']),
    run('pdfinfo', [file]),
  ]);
  return { text, pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]) };
}

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2 });
  manager = (await server.login('manager')).token;
  cashier = (await server.login('cashier')).token;
  consultant = (await server.login('s001')).token;
  await seedRegistrations();
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('commit 承诺', () => {
  it('freezes the paid, active registrations and publishes both commitments — never the seed', async () => {
    const res = await create({ title: '首开摇号 First draw' });
    expect(res.status).toBe(201);
    const expected = labels(range(1, 16).filter((n) => n !== 3));
    expect(res.body).toMatchObject({
      status: 'COMMITTED',
      seed: null,
      order: null,
      drawnAt: null,
      entries: expected,
      version: 'kaipan-lottery-v1',
    });
    expect(res.body.listCommitment).toBe(listCommitment(expected));

    const pub = await publicRecord(res.body.id); // no login
    expect(pub.status).toBe(200);
    expect(pub.body).toEqual(res.body);
    expect(JSON.stringify(pub.body)).not.toContain(
      (await server.db.lotteryDraw.findUniqueOrThrow({ where: { id: res.body.id } })).seed,
    );

    const stored = await server.db.lotteryDraw.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(seedCommitment(stored.seed)).toBe(res.body.seedCommitment);
    expect(await server.db.auditEvent.count({ where: { entityId: res.body.id, action: 'lottery.create' } })).toBe(1);

    // Nothing to verify or print before the draw.
    expect((await verificationFile(res.body.id)).status).toBe(409);
    expect(
      (await http<ErrorResponse>(server.url, 'GET', `/api/public/lotteries/${res.body.id}/pdf`)).body.error.code,
    ).toBe('INVALID_TRANSITION');
    const list = await http<LotteryDrawSummary[]>(
      server.url,
      'GET',
      `/api/projects/${server.fixture.projectId}/lotteries`,
      manager,
    );
    expect(list.body.find((d) => d.id === res.body.id)).toMatchObject({
      entryCount: expected.length,
      status: 'COMMITTED',
      seed: null,
    });
  });

  it('honours deposits: a sincerity deposit the cashier records counts; ALL_ACTIVE takes unpaid ones; cancelled never', async () => {
    const desk = await server.db.user.findUniqueOrThrow({ where: { username: 'cashier' } });
    const book = await http(server.url, 'POST', `/api/projects/${server.fixture.projectId}/receipt-books`, manager, {
      prefix: 'LT-',
      firstNumber: 1,
      lastNumber: 999,
      digits: 4,
      cashierId: desk.id,
    });
    expect(book.status).toBe(201);
    const paidNow = await http(server.url, 'POST', `/api/projects/${server.fixture.projectId}/payments`, cashier, {
      idempotencyKey: 'lottery-r20-sincerity',
      kind: 'SINCERITY',
      registrationId: registrationIds[20],
      lines: [{ method: 'CASH', amount: 20_000_00 }],
    });
    expect(paidNow.status).toBe(201);
    const flagged = await http<RegistrationInfo>(
      server.url,
      'GET',
      `/api/registrations/${registrationIds[20]}`,
      manager,
    );
    expect(flagged).toMatchObject({ status: 200, body: { depositPaid: true } });
    const paid = await create({ title: 'Paid only', eligible: 'ACTIVE_WITH_DEPOSIT' });
    expect(paid.body.entries).toEqual(labels([...range(1, 16), 20].filter((n) => n !== 3)));
    const all = await create({ title: 'Everyone active', eligible: 'ALL_ACTIVE' });
    expect(all.body.entries).toEqual(labels(range(1, 24).filter((n) => n !== 3)));
    expect(all.body.entries).not.toContain('R0003');
  });

  it('the same idempotency key creates one draw, also when pressed three times at once', async () => {
    const body = { title: 'Idempotent', idempotencyKey: 'lottery-key-0001' };
    const results = await Promise.all([create(body), create(body), create(body)]);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const again = await create(body);
    expect(again.body.id).toBe(results[0]!.body.id);
    expect(again.body.seedCommitment).toBe(results[0]!.body.seedCommitment);
    expect(await server.db.lotteryDraw.count({ where: { title: 'Idempotent' } })).toBe(1);
  });

  it('refuses consultants, devices, bad input and empty lists — creating nothing', async () => {
    const before = await server.db.lotteryDraw.count();
    expect(await create({ title: 'x' }, consultant)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    const board = await http<ErrorResponse>(
      server.url,
      'POST',
      `/api/projects/${server.fixture.projectId}/lotteries`,
      undefined,
      { title: 'x' },
      {
        'x-device-key': TEST_BOARD_KEY,
      },
    );
    expect(board).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await create({ title: '' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await create({ title: 'x', eligible: 'EVERYONE' })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    expect(await create({ title: 'x', seed: 'mine' })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    const other = await http<ErrorResponse>(
      server.url,
      'POST',
      `/api/projects/${server.fixture.otherProjectId}/lotteries`,
      manager,
      { title: 'x' },
    );
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const admin = (await server.login('admin')).token;
    const empty = await http<ErrorResponse>(
      server.url,
      'POST',
      `/api/projects/${server.fixture.otherProjectId}/lotteries`,
      admin,
      { title: 'x' },
    );
    expect(empty).toMatchObject({ status: 409, body: { error: { code: 'INVALID_TRANSITION' } } });
    expect(await server.db.lotteryDraw.count()).toBe(before);
    expect((await publicRecord('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('draw 摇号', () => {
  let drawn: LotteryDrawInfo;

  it('reveals the seed, broadcasts lottery:drawn to the board, and the record verifies in-process and by the CLI', async () => {
    const created = await create({ title: '公开摇号 Public draw', eligible: 'ALL_ACTIVE' });
    const board = await server.connect({ deviceKey: TEST_BOARD_KEY });
    expect((await emitAck(board, 'project:join', { projectId: server.fixture.projectId })).ok).toBe(true);
    const heard = new Promise<LotteryDrawnEvent>((resolve) => board.once('lottery:drawn', resolve));

    const res = await drawIt(created.body.id);
    expect(res.status).toBe(200);
    drawn = res.body;
    expect(drawn).toMatchObject({
      status: 'DRAWN',
      seed: expect.stringMatching(/^[0-9a-f]{64}$/),
      drawnAt: expect.any(String),
    });
    expect(drawn.order).toEqual(drawOrder(created.body.entries, drawn.seed!));
    expect(await heard).toEqual({
      projectId: server.fixture.projectId,
      drawId: drawn.id,
      title: drawn.title,
      order: drawn.order,
      drawnAt: drawn.drawnAt,
    });

    const pub = await publicRecord(drawn.id);
    expect(pub.body).toEqual(drawn);
    const file = await verificationFile(drawn.id);
    expect(file.status).toBe(200);
    const record: LotteryRecord = lotteryRecordSchema.parse(JSON.parse(file.text));
    expect(record).toMatchObject({
      seed: drawn.seed,
      order: drawn.order,
      listCommitment: created.body.listCommitment,
      seedCommitment: created.body.seedCommitment,
    });
    expect(verifyDraw(record)).toMatchObject({ ok: true, problems: [] });

    const good = cli(file.text);
    expect(good.stdout).toContain('结论 Result: 通过 VALID');
    expect(good.status).toBe(0);

    const tampered = { ...record, order: [...record.order] };
    [tampered.order[0], tampered.order[1]] = [tampered.order[1]!, tampered.order[0]!];
    const bad = cli(JSON.stringify(tampered));
    expect(bad.stdout).toContain('第 1 位起不同');
    expect(bad.status).toBe(1);
    expect(verifyDraw(tampered)).toMatchObject({ ok: false, firstDifference: 0 });
  });

  it('is idempotent: five concurrent draws give one order, one drawn time and one audit event', async () => {
    const created = await create({ title: 'Race', eligible: 'ALL_ACTIVE' });
    const results = await Promise.all(Array.from({ length: 5 }, () => drawIt(created.body.id)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => JSON.stringify([r.body.order, r.body.drawnAt, r.body.seed]))).size).toBe(1);
    const again = await drawIt(created.body.id);
    expect(again.body).toEqual(results[0]!.body);
    expect(await server.db.auditEvent.count({ where: { entityId: created.body.id, action: 'lottery.draw' } })).toBe(1);
  });

  it('consultants and devices cannot draw; the seed stays secret', async () => {
    const created = await create({ title: 'Not yours' });
    expect(await drawIt(created.body.id, consultant)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    const board = await http<ErrorResponse>(
      server.url,
      'POST',
      `/api/lotteries/${created.body.id}/draw`,
      undefined,
      {},
      { 'x-device-key': TEST_BOARD_KEY },
    );
    expect(board).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await publicRecord(created.body.id)).body).toMatchObject({ status: 'COMMITTED', seed: null, order: null });
  });

  it('a board reads the latest drawn result with its device key; undrawn draws and other projects stay out', async () => {
    const { projectId, otherProjectId } = server.fixture;
    const latestPath = (id: string) => `/api/projects/${id}/lotteries/latest`;
    const asBoard = (id: string) =>
      http<LatestLotteryAnswer & Partial<ErrorResponse>>(server.url, 'GET', latestPath(id), undefined, undefined, {
        'x-device-key': TEST_BOARD_KEY,
      });

    const newestDrawn = await server.db.lotteryDraw.findFirstOrThrow({
      where: { projectId, status: 'DRAWN' },
      orderBy: { drawnAt: 'desc' },
    });
    const newestAny = await server.db.lotteryDraw.findFirstOrThrow({
      where: { projectId },
      orderBy: { committedAt: 'desc' },
    });
    expect(newestAny.status).toBe('COMMITTED'); // 'Not yours' was committed after every drawn one
    const board = await asBoard(projectId);
    expect(board.status).toBe(200);
    expect(board.body.draw).toEqual((await publicRecord(newestDrawn.id)).body);

    // A new draw becomes the latest for boards and for members (a consultant reads it too).
    const fresh = await create({ title: '第二轮 Second round', eligible: 'ALL_ACTIVE' });
    expect((await asBoard(projectId)).body.draw?.id).toBe(newestDrawn.id);
    const drawnFresh = await drawIt(fresh.body.id);
    expect((await asBoard(projectId)).body.draw).toEqual(drawnFresh.body);
    const member = await http<LatestLotteryAnswer>(server.url, 'GET', latestPath(projectId), consultant);
    expect(member).toMatchObject({
      status: 200,
      body: { draw: { id: fresh.body.id, status: 'DRAWN', order: drawnFresh.body.order } },
    });

    // Another project's board key, no credentials; a project without draws answers null.
    expect(await asBoard(otherProjectId)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await http<ErrorResponse>(server.url, 'GET', latestPath(projectId))).body.error.code).toBe(
      'UNAUTHENTICATED',
    );
    const admin = (await server.login('admin')).token;
    expect(await http<LatestLotteryAnswer>(server.url, 'GET', latestPath(otherProjectId), admin)).toEqual({
      status: 200,
      body: { draw: null, serverTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    });
  });

  it('publishes a PDF with the title, the seed, the commitments and the order', async () => {
    const res = await fetch(`${server.url}/api/public/lotteries/${drawn.id}/pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const { text, pages } = await pdfText(Buffer.from(await res.arrayBuffer()), 'result.pdf');
    expect(pages).toBe(1);
    expect(text).toContain('公开摇号 Public draw');
    expect(text).toContain(drawn.seed);
    expect(text).toContain(drawn.listCommitment);
    expect(text).toContain('npm run verify-lottery');
    expect(text).toContain(`/lottery/${drawn.id}`);
    for (const label of drawn.order!.slice(0, 3)) expect(text).toContain(label);
  });
});

describe('result PDF layout', () => {
  it('continues a 640-entry order over several A4 pages, every entry printed', async () => {
    const entries = Array.from({ length: 640 }, (_, i) => formatRegistrationNo(i + 1));
    const seed = createHash('sha256').update('pdf-layout').digest('hex');
    const order = drawOrder(entries, seed);
    const draw: LotteryDrawInfo = {
      id: '11111111-2222-4333-8444-555555555555',
      projectId: '11111111-2222-4333-8444-555555555556',
      projectCode: 'DEMO-01',
      projectName: '滨江壹号',
      projectNameEn: 'Riverside One',
      timezone: 'Asia/Shanghai',
      title: '首批摇号 First batch',
      status: 'DRAWN',
      version: 'kaipan-lottery-v1',
      entries: [...entries].sort(),
      listCommitment: listCommitment(entries),
      seedCommitment: seedCommitment(seed),
      committedAt: '2026-11-28T00:30:00Z',
      seed,
      order,
      drawnAt: '2026-11-28T01:30:00Z',
    };
    const pdf = await renderLotteryResult({ draw, origin: 'https://kaipan.example.com' }, resolveCjkFonts()[0]!);
    const { text, pages } = await pdfText(pdf, 'long.pdf');
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(text).toContain(`第 ${pages} / ${pages} 页`);
    expect(text).toContain('2026-11-28 09:30 (Asia/Shanghai)'); // project time, not UTC
    const printed = text.match(/R\d{4}/g) ?? [];
    expect(new Set(printed)).toEqual(new Set(entries));
    // Same draw, same bytes (the creation date comes from the draw, not the clock).
    expect(
      (await renderLotteryResult({ draw, origin: 'https://kaipan.example.com' }, resolveCjkFonts()[0]!)).equals(pdf),
    ).toBe(true);
  });
});
