/**
 * Rehearsals 演练 against a real server, PostgreSQL and Redis (docs/setup.md "Rehearsal"): the copy is
 * faithful and copies nothing operational; a practice sale (lock → confirm → cashier receipt) stays
 * in the rehearsal and gets receipt number 1 of its own book; the reset restores units, prices,
 * settings and numbering exactly, drops every lock and keeps the audit trail; refusals and
 * permissions; the 演练 REHEARSAL watermark on a rehearsal's receipt and not on the real project's.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConfirmResult,
  ProjectCatalog,
  CreatedRehearsal,
  DocumentInfo,
  DocumentJobInfo,
  LockResult,
  PaymentInfo,
  ProjectListItem,
  RehearsalInfo,
  VerifyResult,
} from '@kaipan/shared';
import { SOLD_IN_SOURCE_REASON } from '../server/src/domain/rehearsal-plan.js';
import { emitAck, http, startSecondHub, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { caller, cash, newKey } from './support/cashier.js';

const run = promisify(execFile);

let server: TestServer;
let call: ReturnType<typeof caller>;
let source: string;
let sourceCode: string;
let rehearsal: CreatedRehearsal;
const token = { admin: '', manager: '', cashier: '', s001: '' };
let cashierId: string;
let socket: HubClient;
let tmp: string;

/** Every column of a table's rows for a project, minus the ones a copy renumbers. */
async function rows(table: string, projectId: string, order: string): Promise<Record<string, unknown>[]> {
  const found = await server.db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT to_jsonb(t) - 'id' - 'project_id' - 'building_id' - 'batch_id' - 'layout_id' - 'created_at' - 'updated_at' - 'team_id' AS row
     FROM ${table} t WHERE project_id = $1::uuid ORDER BY ${order}`,
    projectId,
  );
  return found.map((r) => r.row as Record<string, unknown>);
}

/** What the real project looks like: must not move while the rehearsal is used. */
async function realState() {
  const [units, subs, books, cats, audit, project] = await Promise.all([
    server.db.unit.findMany({
      where: { projectId: source },
      select: { code: true, status: true, version: true, listPrice: true },
      orderBy: { code: 'asc' },
    }),
    server.db.subscription.count({ where: { projectId: source } }),
    server.db.receiptBook.findMany({ where: { projectId: source }, select: { nextNumber: true } }),
    server.db.queueCategory.findMany({ where: { projectId: source }, select: { counter: true } }),
    server.db.auditEvent.count({ where: { projectId: source, action: { not: 'rehearsal.create' } } }),
    server.db.project.findUniqueOrThrow({
      where: { id: source },
      select: { registrationCounter: true, salesVersion: true },
    }),
  ]);
  return { units, subs, books, cats, audit, project };
}

/** Lock and confirm over the hub, as a consultant does. */
async function sell(projectSocket: HubClient, unitId: string, buyer: { name: string; phone: string }): Promise<string> {
  const lock = await emitAck<LockResult>(projectSocket, 'unit:lock', { unitId });
  if (!lock.ok) throw new Error(`lock: ${JSON.stringify(lock)}`);
  const confirm = await emitAck<ConfirmResult>(projectSocket, 'unit:confirm', {
    unitId,
    token: lock.data.token,
    buyer,
  });
  if (!confirm.ok) throw new Error(`confirm: ${JSON.stringify(confirm)}`);
  return confirm.data.subscriptionId;
}

async function pdfText(t: string, receiptId: string): Promise<{ text: string; title: string; documentId: string }> {
  const res = await call<DocumentJobInfo>('POST', '/api/documents', t, {
    kind: 'RECEIPT',
    entityId: receiptId,
    variant: 'A5',
  });
  expect([200, 202]).toContain(res.status);
  let info = res.body;
  const deadline = Date.now() + 60_000;
  while (info.state !== 'completed' && info.state !== 'failed') {
    if (Date.now() > deadline) throw new Error(`job ${info.jobId} still ${info.state}`);
    await new Promise((r) => setTimeout(r, 100));
    info = (await call<DocumentJobInfo>('GET', `/api/document-jobs/${res.body.jobId}`, t)).body;
  }
  const doc = info.document as DocumentInfo;
  expect(doc).toBeTruthy();
  const pdf = await fetch(`${server.url}${doc.pdfUrl}`, { headers: { authorization: `Bearer ${t}` } });
  expect(pdf.status).toBe(200);
  const file = path.join(tmp, `${doc.id}.pdf`);
  await fs.writeFile(file, Buffer.from(await pdf.arrayBuffer()));
  const [{ stdout: text }, { stdout: pdfInfo }] = await Promise.all([
    run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']),
    run('pdfinfo', [file]),
  ]);
  const title = /^Title:\s*(.*)$/m.exec(pdfInfo)?.[1] ?? '';
  return { text: text.replace(/\s+/g, ''), title, documentId: doc.id };
}

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2, maxLocks: 4 });
  call = caller(server);
  source = server.fixture.projectId;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-rehearsal-'));
  for (const u of Object.keys(token) as (keyof typeof token)[]) token[u] = (await server.login(u)).token;
  cashierId = (await server.db.user.findUniqueOrThrow({ where: { username: 'cashier' } })).id;
  const managerId = (await server.db.user.findUniqueOrThrow({ where: { username: 'manager' } })).id;
  const db = server.db;
  // A configured project: layout, filed prices and the rule, a permit, a queue category, a receipt
  // book in use, a team, the deposit rule — and operational data a rehearsal must not copy.
  const p = await db.project.update({
    where: { id: source },
    data: { refuseAboveFiledPrice: true, depositWindowMinutes: 45, requiredDepositFen: 2_000_000n, lockTtlSeconds: 90 },
    select: { code: true },
  });
  sourceCode = p.code;
  const layout = await db.unitLayout.create({
    data: {
      projectId: source,
      code: 'A',
      name: '三房',
      nameEn: '3BR',
      grossArea: 100.25,
      netArea: 80.5,
      orientation: '南',
      rooms: 3,
    },
  });
  const [first] = server.fixture.unitIds;
  await db.unit.updateMany({ where: { projectId: source }, data: { layoutId: layout.id, filedPrice: 2_500_000_00n } });
  const building = await db.building.findFirstOrThrow({ where: { projectId: source } });
  await db.presalePermit.create({
    data: {
      projectId: source,
      number: '深房许字（2026）南山012号',
      issuedOn: new Date('2026-11-01'),
      buildingIds: [building.id],
      unitIds: [first!],
    },
  });
  await db.queueCategory.create({
    data: { projectId: source, code: 'VIP', name: '贵宾', nameEn: 'VIP', prefix: 'V', priority: 1, counter: 7 },
  });
  await db.receiptBook.create({
    data: {
      projectId: source,
      prefix: 'KP-',
      firstNumber: 1,
      lastNumber: 500,
      nextNumber: 12,
      cashierId,
      createdById: managerId,
    },
  });
  const team = await db.team.create({ data: { projectId: source, name: '一组', leadId: managerId } });
  await db.projectMember.updateMany({ where: { projectId: source, role: 'CONSULTANT' }, data: { teamId: team.id } });
  await db.customer.create({ data: { projectId: source, name: '真实客户', phone: '13900000001' } });
  // A real sale: its unit is sold in the real project.
  socket = await server.connect({ token: token.s001 });
  expect((await emitAck(socket, 'project:join', { projectId: source })).ok).toBe(true);
  await sell(socket, first!, { name: '真实买家', phone: '13900000002' });
});

afterAll(async () => {
  socket?.disconnect();
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('copying a project into a rehearsal', () => {
  it('is for administrators (a manager is refused by the matrix)', async () => {
    const refused = await call('POST', `/api/projects/${source}/rehearsals`, token.manager, {});
    expect(refused.status).toBe(403);
    expect(await server.db.project.count({ where: { rehearsalOfId: source } })).toBe(0);
  });

  it('answers 201 with its id and code; the summary says rehearsal and names the source; audited', async () => {
    const res = await call<CreatedRehearsal>('POST', `/api/projects/${source}/rehearsals`, token.admin, {});
    expect(res.status).toBe(201);
    rehearsal = res.body;
    expect(rehearsal.code).toBe(`${sourceCode}-R1`);
    const listed = await call<ProjectListItem[]>('GET', '/api/projects', token.manager);
    const item = listed.body.find((p) => p.id === rehearsal.id)!;
    expect(item).toMatchObject({ rehearsal: true, rehearsalOf: { id: source, code: sourceCode }, myRole: 'MANAGER' });
    expect(listed.body.find((p) => p.id === source)).toMatchObject({ rehearsal: false, rehearsalOf: null });
    const audit = await server.db.auditEvent.findMany({ where: { projectId: rehearsal.id } });
    expect(audit.map((a) => a.action)).toEqual(['rehearsal.create']);
    const mine = await call<RehearsalInfo[]>('GET', `/api/projects/${source}/rehearsals`, token.manager);
    expect(mine.body.map((r) => r.id)).toEqual([rehearsal.id]);
  });

  it('copies every configuration table row for row, value for value', async () => {
    const r = rehearsal.id;
    for (const [table, order] of [
      ['buildings', 'code'],
      ['unit_layouts', 'code'],
      ['discount_rules', 'code'],
      ['payment_plans', 'code'],
      ['batches', 'name'],
    ] as const) {
      expect(await rows(table, r, order), table).toEqual(await rows(table, source, order));
    }
    // Units: equal but for the sold one (withheld in the rehearsal: its deal is not copied), the
    // version (a new row) and the lock token.
    const strip = (u: Record<string, unknown>) => ({ ...u, version: 0, lock_token: null });
    const [copied, real] = [await rows('units', r, 'code'), await rows('units', source, 'code')];
    expect(copied).toHaveLength(real.length);
    for (const [i, u] of real.entries()) {
      const expected =
        u.status === 'SUBSCRIBED'
          ? { ...strip(u), status: 'WITHHELD', withhold_reason: SOLD_IN_SOURCE_REASON, withhold_channel: 'OTHER' }
          : strip(u);
      expect(strip(copied[i]!)).toEqual(expected);
    }
    expect(copied.filter((u) => u.status === 'WITHHELD')).toHaveLength(1);
    // The units point at the rehearsal's own buildings and layouts.
    const foreign = await server.db.unit.count({
      where: { projectId: r, OR: [{ building: { projectId: { not: r } } }, { unitLayout: { projectId: { not: r } } }] },
    });
    expect(foreign).toBe(0);
    // The active price list, entry for entry, on the rehearsal's units.
    const entries = async (projectId: string) =>
      (
        await server.db.priceListEntry.findMany({
          where: { priceList: { projectId, status: 'ACTIVE' } },
          select: { listPrice: true, floorPrice: true, unit: { select: { code: true, projectId: true } } },
        })
      )
        .map((e) => ({ code: e.unit.code, p: e.unit.projectId === projectId, list: e.listPrice, floor: e.floorPrice }))
        .sort((a, b) => a.code.localeCompare(b.code));
    expect(await entries(r)).toEqual(await entries(source));
    expect((await entries(r)).length).toBeGreaterThan(0);
    // Permits cover the rehearsal's building and unit.
    const permit = await server.db.presalePermit.findFirstOrThrow({ where: { projectId: r } });
    const b = await server.db.building.findFirstOrThrow({ where: { projectId: r } });
    const firstCopy = await server.db.unit.findFirstOrThrow({
      where: {
        projectId: r,
        code: (await server.db.unit.findUniqueOrThrow({ where: { id: server.fixture.unitIds[0]! } })).code,
      },
    });
    expect(permit).toMatchObject({ number: '深房许字（2026）南山012号', buildingIds: [b.id], unitIds: [firstCopy.id] });
    // Queue categories and receipt books as definitions: numbering from the start.
    expect(
      await server.db.queueCategory.findMany({
        where: { projectId: r },
        select: { code: true, prefix: true, priority: true, counter: true },
      }),
    ).toEqual([{ code: 'VIP', prefix: 'V', priority: 1, counter: 0 }]);
    expect(
      await server.db.receiptBook.findMany({
        where: { projectId: r },
        select: { prefix: true, firstNumber: true, lastNumber: true, nextNumber: true, cashierId: true, status: true },
      }),
    ).toEqual([{ prefix: 'KP-', firstNumber: 1, lastNumber: 500, nextNumber: 1, cashierId, status: 'ACTIVE' }]);
    // Settings, rules, members with their roles, the team.
    const settings = {
      refuseAboveFiledPrice: true,
      depositWindowMinutes: true,
      requiredDepositFen: true,
      lockTtlSeconds: true,
      pricingPolicy: true,
      priceVersion: true,
      timezone: true,
      city: true,
      payeeName: true,
    };
    expect(await server.db.project.findUniqueOrThrow({ where: { id: r }, select: settings })).toEqual(
      await server.db.project.findUniqueOrThrow({ where: { id: source }, select: settings }),
    );
    const members = async (projectId: string) =>
      (
        await server.db.projectMember.findMany({
          where: { projectId },
          select: { userId: true, role: true, team: { select: { name: true, leadId: true } } },
        })
      ).sort((a, c) => a.userId.localeCompare(c.userId));
    expect(await members(r)).toEqual(await members(source));
  });

  it('copies nothing operational: no customers, deals, money, queue, lottery, devices or documents', async () => {
    const r = rehearsal.id;
    const where = { where: { projectId: r } };
    expect(
      await Promise.all([
        server.db.customer.count(where),
        server.db.registration.count(where),
        server.db.subscription.count(where),
        server.db.payment.count(where),
        server.db.receipt.count(where),
        server.db.queueTicket.count(where),
        server.db.lotteryDraw.count(where),
        server.db.device.count(where),
        server.db.document.count(where),
        server.db.priceApproval.count(where),
      ]),
    ).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect((await server.db.project.findUniqueOrThrow({ where: { id: r } })).registrationCounter).toBe(0);
  });

  it('refuses to copy a rehearsal (REHEARSAL_SOURCE); a second copy is R2', async () => {
    const again = await call('POST', `/api/projects/${rehearsal.id}/rehearsals`, token.admin, {});
    expect(again.status).toBe(409);
    expect((again.body as { error: { code: string } }).error.code).toBe('REHEARSAL_SOURCE');
    const second = await call<CreatedRehearsal>('POST', `/api/projects/${source}/rehearsals`, token.admin, {});
    expect(second.body.code).toBe(`${sourceCode}-R2`);
  });
});

describe('a practice launch and its reset', () => {
  let practiceSocket: HubClient;
  let available: string[];
  let receiptId: string;
  let afterCopy: Record<string, unknown>[];
  let real: Awaited<ReturnType<typeof realState>>;

  beforeAll(async () => {
    real = await realState();
    afterCopy = await rows('units', rehearsal.id, 'code');
    practiceSocket = await server.connect({ token: token.s001 });
    expect((await emitAck(practiceSocket, 'project:join', { projectId: rehearsal.id })).ok).toBe(true);
    available = (
      await server.db.unit.findMany({
        where: { projectId: rehearsal.id, status: 'AVAILABLE' },
        orderBy: { code: 'asc' },
        select: { id: true },
      })
    ).map((u) => u.id);
  });

  afterAll(() => practiceSocket?.disconnect());

  it('sells in the rehearsal only, and its cashier issues receipt number 1 of the rehearsal book', async () => {
    const subscriptionId = await sell(practiceSocket, available[0]!, { name: '演练买家', phone: '13800000009' });
    const paid = await call<PaymentInfo>('POST', `/api/projects/${rehearsal.id}/payments`, token.cashier, {
      idempotencyKey: newKey(),
      kind: 'DEPOSIT',
      subscriptionId,
      lines: cash(2_000_000),
    });
    expect(paid.status).toBe(201);
    expect(paid.body.receipt).toMatchObject({ label: 'KP-000001' });
    receiptId = paid.body.receipt!.id;
    // A lock held when the reset comes.
    expect((await emitAck<LockResult>(practiceSocket, 'unit:lock', { unitId: available[1]! })).ok).toBe(true);
    expect(await realState()).toEqual(real);
  });

  it('prints the receipt with the 演练 REHEARSAL watermark and title; the real project without; both verify', async () => {
    const practice = await pdfText(token.cashier, receiptId);
    expect(practice.text).toContain('演练REHEARSAL');
    expect(practice.title).toContain('演练 REHEARSAL');
    const checked = await call<VerifyResult>('GET', `/api/public/verify/${practice.documentId}`, '');
    expect(checked.status).toBe(200);
    // The real project: a deposit on its sale, printed plainly.
    const realSub = await server.db.subscription.findFirstOrThrow({ where: { projectId: source } });
    const realPaid = await call<PaymentInfo>('POST', `/api/projects/${source}/payments`, token.cashier, {
      idempotencyKey: newKey(),
      kind: 'DEPOSIT',
      subscriptionId: realSub.id,
      lines: cash(2_000_000),
    });
    expect(realPaid.status).toBe(201);
    expect(realPaid.body.receipt!.label).toBe('KP-000012');
    const plain = await pdfText(token.cashier, realPaid.body.receipt!.id);
    expect(plain.text).not.toContain('REHEARSAL');
    expect(plain.text).not.toContain('演练');
    expect(plain.title).not.toContain('REHEARSAL');
    real = await realState();
  });

  it("watermarks the manager's sample 认购书 of a rehearsal too; the real project's sample stays plain", async () => {
    const sampleText = async (projectId: string): Promise<string> => {
      const res = await fetch(`${server.url}/api/projects/${projectId}/agreement/preview`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.manager}`, 'content-type': 'application/json' },
        body: JSON.stringify({ terms: '', signingDays: 7 }),
      });
      expect(res.status).toBe(200);
      const file = path.join(tmp, `sample-${projectId}.pdf`);
      await fs.writeFile(file, Buffer.from(await res.arrayBuffer()));
      const { stdout } = await run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']);
      return stdout.replace(/\s+/g, '');
    };
    expect(await sampleText(rehearsal.id)).toContain('演练REHEARSAL');
    expect(await sampleText(source)).not.toContain('REHEARSAL');
  });

  it('is refused on a real project (NOT_A_REHEARSAL) and to consultants', async () => {
    const refused = await call('POST', `/api/projects/${source}/rehearsal/reset`, token.manager, {});
    expect(refused.status).toBe(409);
    expect((refused.body as { error: { code: string } }).error.code).toBe('NOT_A_REHEARSAL');
    expect((await call('POST', `/api/projects/${rehearsal.id}/rehearsal/reset`, token.s001, {})).status).toBe(403);
    expect(await realState()).toEqual(real);
  });

  it('restores units, prices, settings and numbering exactly, drops every lock, keeps the audit; idempotent', async () => {
    // A board paired to the rehearsal: told to resync at once.
    const device = await call<{ key: string }>('POST', `/api/projects/${rehearsal.id}/devices`, token.manager, {
      kind: 'BOARD',
      name: '演练大屏',
    });
    expect(device.status).toBe(201);
    const board = await server.connect({ deviceKey: device.body.key });
    expect((await emitAck(board, 'project:join', { projectId: rehearsal.id })).ok).toBe(true);
    const resync = new Promise<{ resync?: boolean }>((resolve) =>
      board.on('project:changed', (e) => {
        if (e.resync) resolve(e);
      }),
    );
    // Practice changes to undo: a price and a setting.
    await server.db.unit.updateMany({ where: { id: available[2]! }, data: { listPrice: 1n } });
    await server.db.project.update({ where: { id: rehearsal.id }, data: { lockTtlSeconds: 30 } });
    const auditBefore = await server.db.auditEvent.count({ where: { projectId: rehearsal.id } });
    const res = await call<RehearsalInfo>('POST', `/api/projects/${rehearsal.id}/rehearsal/reset`, token.manager, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: rehearsal.id,
      deals: 0,
      payments: 0,
      queueTickets: 0,
      resetAt: expect.any(String),
    });
    const strip = (u: Record<string, unknown>) => ({ ...u, version: 0 });
    expect((await rows('units', rehearsal.id, 'code')).map(strip)).toEqual(afterCopy.map(strip));
    expect(await server.db.unit.findMany({ where: { id: { in: available } }, select: { id: true } })).toHaveLength(
      available.length,
    );
    expect((await server.db.project.findUniqueOrThrow({ where: { id: rehearsal.id } })).lockTtlSeconds).toBe(90);
    expect(
      await server.db.receiptBook.findMany({ where: { projectId: rehearsal.id }, select: { nextNumber: true } }),
    ).toEqual([{ nextNumber: 1 }]);
    const where = { where: { projectId: rehearsal.id } };
    expect(
      await Promise.all([
        server.db.subscription.count(where),
        server.db.payment.count(where),
        server.db.receipt.count(where),
        server.db.document.count(where),
      ]),
    ).toEqual([0, 0, 0, 0]);
    // Every lock gone from the mirror, every unit of the mirror back to its copied status.
    const mirror = await server.kaipan.services.mirror.snapshot(rehearsal.id);
    expect(mirror.locks.size).toBe(0);
    expect(mirror.units.get(available[0]!)?.status).toBe('AVAILABLE');
    // The audit trail kept, the reset one more event.
    const audit = await server.db.auditEvent.findMany({ where: { projectId: rehearsal.id }, orderBy: { id: 'asc' } });
    expect(audit).toHaveLength(auditBefore + 1);
    expect(audit.at(-1)).toMatchObject({ action: 'rehearsal.reset', actorName: 'manager' });
    expect((await resync).resync).toBe(true);
    board.disconnect();
    // Members and devices stay; the real project did not move.
    expect(await server.db.device.count(where)).toBe(1);
    expect(await server.db.projectMember.count(where)).toBe(
      await server.db.projectMember.count({ where: { projectId: source } }),
    );
    expect(await realState()).toEqual(real);
    // Again: same state, one more audited reset.
    expect((await call('POST', `/api/projects/${rehearsal.id}/rehearsal/reset`, token.manager, {})).status).toBe(200);
    expect((await rows('units', rehearsal.id, 'code')).map(strip)).toEqual(afterCopy.map(strip));
  });

  it('makes every hub process forget its cached catalog and prices, not only the one that reset', async () => {
    const second = await startSecondHub(server);
    try {
      const lockTtlOn = async (url: string): Promise<number> => {
        const res = await http<ProjectCatalog>(url, 'GET', `/api/projects/${rehearsal.id}/catalog`, token.manager);
        expect(res.status).toBe(200);
        return res.body.project.lockTtlSeconds;
      };
      // A practice setting changed through the second process: its own catalog holds 30 now...
      const changed = await http(second.url, 'PATCH', `/api/projects/${rehearsal.id}/settings`, token.manager, {
        lockTtlSeconds: 30,
      });
      expect(changed.status).toBe(200);
      expect(await lockTtlOn(second.url)).toBe(30);
      // ...and the reset, made through the first process, reaches it (well before the 60 s freshness).
      const reset = await call('POST', `/api/projects/${rehearsal.id}/rehearsal/reset`, token.manager, {});
      expect(reset.status).toBe(200);
      expect(await lockTtlOn(server.url)).toBe(90);
      await expect.poll(() => lockTtlOn(second.url), { timeout: 5_000, interval: 100 }).toBe(90);
    } finally {
      await second.stop();
    }
  });

  it('the practice runs again from number 1 after the reset, and the locked unit sells', async () => {
    const subscriptionId = await sell(practiceSocket, available[1]!, { name: '第二轮', phone: '13800000010' });
    const paid = await call<PaymentInfo>('POST', `/api/projects/${rehearsal.id}/payments`, token.cashier, {
      idempotencyKey: newKey(),
      kind: 'DEPOSIT',
      subscriptionId,
      lines: cash(2_000_000),
    });
    expect(paid.body.receipt).toMatchObject({ label: 'KP-000001' });
  });
});
