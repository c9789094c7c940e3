/**
 * Reports reconcile with the records (docs/reports.md), through the real server, PostgreSQL, Redis and
 * the BullMQ `reports` worker: a known launch — locks, confirms in two buildings by two consultants
 * (one of them a team member), a cancelled deal (退房 through its four-eyes change request), a
 * sincerity deposit, deposits split across methods — then every report is downloaded, parsed with
 * exceljs and held to: totals row = sum of the rows = PostgreSQL's own SUM/COUNT; readable labels (no
 * stored codes); filters (days, building, consultant) narrow; the privacy rule masks phones for
 * finance; jobs belong to their requester and their files are served by any process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { ReportJob } from '@kaipan/shared';
import { emitAck, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { caller, cash, createBook, createRegistration, freshPhone, pay, subscribe } from './support/cashier.js';
import { hashPassword } from '../server/src/domain/passwords.js';
import { TEST_PASSWORD } from './support/fixture.js';
import { waitFor } from './support/wait.js';

type Cell = string | number;
interface Sheet {
  headers: string[];
  rows: Cell[][];
  totals: Cell[];
}

let server: TestServer;
let pid: string;
let call: ReturnType<typeof caller>;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
let sockets: HubClient[] = [];
let buildingB: string;
const PHONE_A = '13912345678';

/** GET a file with a bearer token: status and bytes (or the error body). */
async function download(path: string, token: string): Promise<{ status: number; bytes: Buffer; json?: unknown }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.headers.get('content-type')?.includes('json'))
    return { status: res.status, bytes, json: JSON.parse(bytes.toString()) };
  return { status: res.status, bytes };
}

/** The first sheet: header row, data rows, and the totals row (the last one). */
async function readSheet(bytes: Buffer): Promise<Sheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = workbook.worksheets[0]!;
  const all: Cell[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= ws.columnCount; c++) {
      const v = row.getCell(c).value;
      cells.push(typeof v === 'number' ? v : v === null || v === undefined ? '' : String(v));
    }
    all.push(cells);
  });
  const [headers = [], ...rest] = all;
  return { headers: headers.map(String), rows: rest.slice(0, -1), totals: rest.at(-1) ?? [] };
}

const col = (sheet: Sheet, header: string): number => {
  const i = sheet.headers.findIndex((h) => h.startsWith(header));
  if (i < 0) throw new Error(`no column ${header} in ${sheet.headers.join(' | ')}`);
  return i;
};
/** Σ of a yuan column, in fen (exact). */
const fenSum = (cells: Cell[]): number =>
  cells.reduce<number>((s, v) => s + (typeof v === 'number' ? Math.round(v * 100) : 0), 0);
const column = (sheet: Sheet, header: string): Cell[] => sheet.rows.map((r) => r[col(sheet, header)]!);
const total = (sheet: Sheet, header: string): Cell => sheet.totals[col(sheet, header)]!;

/** Stored codes a person must never read in a report. */
const RAW_CODES = new Set([
  'ACTIVE',
  'CONTRACTED',
  'CANCELLED',
  'DEPOSIT',
  'SINCERITY',
  'REFUND',
  'CASH',
  'BANK_CARD',
  'WECHAT',
  'RECORDED',
  'VOIDED',
  'ISSUED',
  'WALK_IN',
  'AVAILABLE',
  'SUBSCRIBED',
  'NOT_RELEASED',
  'WITHHELD',
]);
function expectReadable(sheet: Sheet): void {
  for (const cell of [...sheet.headers, ...sheet.rows.flat(), ...sheet.totals])
    if (typeof cell === 'string')
      for (const word of cell.split(/[\s;；]+/)) expect(RAW_CODES.has(word), cell).toBe(false);
}

const subscriptionsXlsx = (token: string, query = '') =>
  download(`/api/projects/${pid}/reports/subscriptions.xlsx${query}`, token);

/** Run a report job to its end and parse its file. */
async function runJob(kind: string, token: string, body: Record<string, unknown> = {}): Promise<Sheet> {
  const path = kind === 'audit' ? `/api/projects/${pid}/audit/jobs` : `/api/projects/${pid}/reports/${kind}/jobs`;
  const started = await call<ReportJob>('POST', path, token, body);
  expect(started.status).toBe(202);
  expect(started.body).toMatchObject({ kind, state: 'queued', progress: 0, downloadUrl: null });
  const done = await waitFor(async () => {
    const job = await call<ReportJob>('GET', `/api/projects/${pid}/report-jobs/${started.body.jobId}`, token);
    expect(job.status).toBe(200);
    expect(job.body.state).not.toBe('failed');
    return job.body.state === 'done' ? job.body : undefined;
  }, `${kind} report job`);
  expect(done.progress).toBe(100);
  const file = await download(done.downloadUrl!, token);
  expect(file.status).toBe(200);
  const sheet = await readSheet(file.bytes);
  expect(done.rows).toBe(sheet.rows.length + (kind === 'audit' ? 1 : 0));
  return sheet;
}

beforeAll(async () => {
  server = await startTestServer({ units: 24, consultants: 2, maxLocks: 5 });
  pid = server.fixture.projectId;
  call = caller(server);
  const hash = await hashPassword(TEST_PASSWORD);
  for (const role of ['FINANCE', 'VIEWER'] as const) {
    const user = await server.db.user.create({
      data: { username: role.toLowerCase(), displayName: role, passwordHash: hash },
    });
    await server.db.projectMember.create({ data: { projectId: pid, userId: user.id, role } });
  }
  for (const u of ['manager', 'cashier', 'finance', 'viewer', 's001', 's002']) {
    tokens[u] = (await server.login(u)).token;
    ids[u] = (await server.db.user.findUniqueOrThrow({ where: { username: u } })).id;
  }
  // s001 sells for team 一组; s002 in no team.
  const team = await server.db.team.create({ data: { projectId: pid, name: '一组' } });
  await server.db.projectMember.update({
    where: { projectId_userId: { projectId: pid, userId: ids.s001! } },
    data: { teamId: team.id },
  });
  // A second building: two of the released units stand in it.
  buildingB = (
    await server.db.building.create({
      data: { projectId: pid, code: 'B', name: 'B栋', nameEn: 'Block B', floors: 1, unitsPerFloor: 2 },
    })
  ).id;
  const [, , , , , u5, u6] = server.fixture.unitIds;
  await server.db.unit.updateMany({ where: { id: { in: [u5!, u6!] } }, data: { buildingId: buildingB } });
  await createBook(server, tokens.manager!, ids.cashier!, 'RP-', 1, 9999, 4);
  sockets = await Promise.all(['s001', 's002'].map((u) => server.connect({ token: tokens[u]! })));
  for (const s of sockets) expect((await emitAck(s, 'project:join', { projectId: pid })).ok).toBe(true);

  const units = server.fixture.unitIds;
  // s001: a registered buyer (诚意金 20,000 cash) on unit 0, deposit split cash + bank card.
  const r1 = await createRegistration(server, tokens.manager!, '登记买家', 2);
  await pay(server, tokens.cashier!, { kind: 'SINCERITY', registrationId: r1.id, lines: cash(20_000_00) });
  const sub0 = await subscribe(sockets[0]!, units[0]!, undefined, r1.id);
  await pay(server, tokens.cashier!, {
    kind: 'DEPOSIT',
    subscriptionId: sub0,
    lines: [
      { method: 'CASH', amount: 10_000_00 },
      { method: 'BANK_CARD', amount: 40_000_00, reference: '6222****0427' },
    ],
  });
  // s001: a walk-in on unit 1, deposit by WeChat.
  const sub1 = await subscribe(sockets[0]!, units[1]!, { name: '张三', phone: PHONE_A });
  await pay(server, tokens.cashier!, {
    kind: 'DEPOSIT',
    subscriptionId: sub1,
    lines: [{ method: 'WECHAT', amount: 30_000_00, reference: 'WX-1' }],
  });
  // s002: a walk-in in building B, no deposit yet.
  await subscribe(sockets[1]!, u5!, { name: '李四', phone: freshPhone(137) });
  // s002: a deal on unit 2, cancelled (退房): requested, approved by the manager, executed.
  const sub2 = await subscribe(sockets[1]!, units[2]!, { name: '王五', phone: freshPhone(136) });
  const req = await call<{ id: string }>('POST', '/api/change-requests', tokens.s002!, {
    kind: 'CANCEL',
    subscriptionId: sub2,
    reason: '客户退房',
  });
  expect(req.status).toBe(201);
  expect(
    (await call('POST', `/api/change-requests/${req.body.id}/decision`, tokens.manager!, { approve: true })).status,
  ).toBe(200);
  expect((await call('POST', `/api/change-requests/${req.body.id}/execute`, tokens.s002!, {})).status).toBe(200);
  // s002: a lock let go.
  const lock = await emitAck<{ token: string }>(sockets[1]!, 'unit:lock', { unitId: units[3]! });
  expect(lock.ok).toBe(true);
  if (lock.ok)
    expect((await emitAck(sockets[1]!, 'unit:release', { unitId: units[3]!, token: lock.data.token })).ok).toBe(true);
  // The audit writer flushes lock events after their acks: wait for all five.
  await waitFor(
    async () =>
      (await server.db.auditEvent.count({ where: { projectId: pid, action: 'unit.lock' } })) === 5 ? true : undefined,
    'five unit.lock events',
  );
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server?.close();
});

describe('subscriptions 认购明细 (the pinned direct download)', () => {
  it('one row per live subscription; totals row = sum of rows = the database', async () => {
    const res = await subscriptionsXlsx(tokens.manager!);
    expect(res.status).toBe(200);
    const sheet = await readSheet(res.bytes);
    const live = await server.db.subscription.aggregate({
      where: { projectId: pid, status: { in: ['ACTIVE', 'CONTRACTED'] } },
      _count: true,
      _sum: { price: true },
    });
    expect(live._count).toBe(3);
    expect(sheet.rows).toHaveLength(live._count);
    expect(String(sheet.totals[0])).toContain(String(live._count));
    for (const h of ['成交价', '表价', '优惠金额', '应收定金', '已收定金'])
      expect(Math.round(Number(total(sheet, h)) * 100)).toBe(fenSum(column(sheet, h)));
    expect(fenSum(column(sheet, '成交价'))).toBe(Number(live._sum.price));
    // Deposit paid = the DEPOSIT payments of live deals in PostgreSQL.
    const [paid] = await server.db.$queryRaw<{ fen: bigint }[]>`
      SELECT coalesce(sum(p.amount), 0)::bigint AS fen FROM payments p JOIN subscriptions s ON s.id = p.subscription_id
      WHERE s.project_id = ${pid}::uuid AND s.status IN ('ACTIVE', 'CONTRACTED') AND p.kind = 'DEPOSIT' AND p.status <> 'VOIDED'`;
    expect(fenSum(column(sheet, '已收定金'))).toBe(Number(paid!.fen));
    expect(fenSum(column(sheet, '已收定金'))).toBe(80_000_00);
    // List − discount = deal, row by row.
    for (const row of sheet.rows)
      expect(
        Math.round(Number(row[col(sheet, '表价')]) * 100) - Math.round(Number(row[col(sheet, '优惠金额')]) * 100),
      ).toBe(Math.round(Number(row[col(sheet, '成交价')]) * 100));
    // Readable: statuses, times in the project's zone, consultant and team by name.
    expectReadable(sheet);
    expect(new Set(column(sheet, '状态'))).toEqual(new Set(['已认购']));
    expect(sheet.headers[0]).toContain('Asia/Shanghai');
    const zhang = sheet.rows.find((r) => r[col(sheet, '买受人')] === '张三')!;
    expect(zhang[col(sheet, '电话')]).toBe(PHONE_A);
    expect(zhang[col(sheet, '置业顾问')]).toBe('顾问s001');
    expect(zhang[col(sheet, '团队')]).toBe('一组');
    expect(zhang[col(sheet, '楼栋')]).toBe('A栋');
  });

  it('English on ?lang=en', async () => {
    const sheet = await readSheet((await subscriptionsXlsx(tokens.manager!, '?lang=en')).bytes);
    expect(sheet.headers).toContain('Deal price (CNY)');
    expect(new Set(column(sheet, 'Status'))).toEqual(new Set(['Subscribed']));
    expect(column(sheet, 'Building')).toContain('Block B');
    expectReadable(sheet);
  });

  it('filters narrow: building, consultant, project-local days', async () => {
    const inB = await readSheet((await subscriptionsXlsx(tokens.manager!, `?buildingId=${buildingB}`)).bytes);
    expect(inB.rows).toHaveLength(1);
    expect(inB.rows[0]![col(inB, '楼栋')]).toBe('B栋');
    // s002 made two deals; the cancelled one is not a live subscription.
    const bys002 = await readSheet((await subscriptionsXlsx(tokens.manager!, `?consultantId=${ids.s002}`)).bytes);
    expect(bys002.rows).toHaveLength(1);
    expect(bys002.rows[0]![col(bys002, '置业顾问')]).toBe('顾问s002');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
      new Date(Date.now() + 86_400_000),
    );
    expect(
      (await readSheet((await subscriptionsXlsx(tokens.manager!, `?from=${today}&to=${today}`)).bytes)).rows,
    ).toHaveLength(3);
    const none = await readSheet((await subscriptionsXlsx(tokens.manager!, `?from=${tomorrow}`)).bytes);
    expect(none.rows).toHaveLength(0);
    expect(total(none, '成交价')).toBe(0);
    // Days are the project's: a deal at 00:01 Shanghai time today is today's though its UTC date is
    // yesterday; one at 23:59 yesterday is yesterday's.
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
      new Date(Date.now() - 86_400_000),
    );
    const [zhang, li] = await Promise.all(
      ['张三', '李四'].map((buyerName) =>
        server.db.subscription.findFirstOrThrow({ where: { projectId: pid, buyerName } }),
      ),
    );
    await server.db.subscription.update({
      where: { id: zhang!.id },
      data: { createdAt: new Date(`${yesterday}T23:59:00+08:00`) },
    });
    await server.db.subscription.update({
      where: { id: li!.id },
      data: { createdAt: new Date(`${today}T00:01:00+08:00`) },
    });
    try {
      const onToday = await readSheet((await subscriptionsXlsx(tokens.manager!, `?from=${today}&to=${today}`)).bytes);
      expect(column(onToday, '买受人').sort()).toEqual(['李四', '登记买家'].sort());
      const onYesterday = await readSheet(
        (await subscriptionsXlsx(tokens.manager!, `?from=${yesterday}&to=${yesterday}`)).bytes,
      );
      expect(column(onYesterday, '买受人')).toEqual(['张三']);
    } finally {
      for (const s of [zhang!, li!])
        await server.db.subscription.update({ where: { id: s.id }, data: { createdAt: s.createdAt } });
    }
    // from after to is refused by the contract.
    expect((await subscriptionsXlsx(tokens.manager!, `?from=${tomorrow}&to=${today}`)).status).toBe(400);
  });

  it('privacy: finance reads masked phones; viewers and consultants read no reports', async () => {
    const sheet = await readSheet((await subscriptionsXlsx(tokens.finance!)).bytes);
    const zhang = sheet.rows.find((r) => r[col(sheet, '买受人')] === '张三')!;
    expect(zhang[col(sheet, '电话')]).toBe('139****5678');
    for (const phone of column(sheet, '电话')) expect(String(phone)).toMatch(/^\d{3}\*{4}\d{4}$/);
    for (const who of ['viewer', 's001', 'cashier']) {
      const res = await subscriptionsXlsx(tokens[who]!);
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'FORBIDDEN', details: { reason: 'REPORT_READER_REQUIRED' } } });
    }
  });
});

describe('reports as jobs: progress, download, reconciliation', () => {
  it('payments 收款明细: every payment; net = the day-end rule over PostgreSQL', async () => {
    const sheet = await runJob('payments', tokens.finance!);
    const count = await server.db.payment.count({ where: { projectId: pid } });
    expect(sheet.rows).toHaveLength(count);
    expect(Math.round(Number(total(sheet, '实收净额')) * 100)).toBe(fenSum(column(sheet, '实收净额')));
    expect(Math.round(Number(total(sheet, '金额')) * 100)).toBe(fenSum(column(sheet, '金额')));
    const [db] = await server.db.$queryRaw<{ net: bigint; signed: bigint }[]>`
      SELECT coalesce(sum(CASE WHEN p.kind = 'REFUND' THEN -p.amount ELSE p.amount END)
               FILTER (WHERE p.status <> 'VOIDED' AND p.converted_from_id IS NULL), 0)::bigint AS net,
             coalesce(sum(CASE WHEN p.kind = 'REFUND' THEN -p.amount ELSE p.amount END), 0)::bigint AS signed
      FROM payments p WHERE p.project_id = ${pid}::uuid`;
    expect(fenSum(column(sheet, '实收净额'))).toBe(Number(db!.net));
    expect(fenSum(column(sheet, '金额'))).toBe(Number(db!.signed));
    expect(Number(db!.net)).toBe(100_000_00);
    expectReadable(sheet);
    expect(column(sheet, '款项')).toEqual(expect.arrayContaining(['诚意金', '定金']));
    expect(column(sheet, '付款方式').join(' ')).toMatch(/现金 10000\.00；银行卡 40000\.00/);
    expect(column(sheet, '收据号').every((r) => /^RP-\d{4}$/.test(String(r)))).toBe(true);
    // Finance sees payers' phones masked, never in full.
    for (const phone of column(sheet, '电话')) if (phone !== '') expect(String(phone)).toMatch(/\*{4}/);
    // The building filter keeps payments of deals in that building (none: its deal paid nothing).
    const inB = await runJob('payments', tokens.manager!, { buildingId: buildingB, lang: 'en' });
    expect(inB.rows).toHaveLength(0);
    const bys001 = await runJob('payments', tokens.manager!, { consultantId: ids.s001, lang: 'en' });
    expect(bys001.rows).toHaveLength(2);
    expect(column(bys001, 'Kind')).toEqual(['Subscription deposit', 'Subscription deposit']);
  });

  it('channels 渠道转化: visits → registrations → subscriptions per channel = the database counts', async () => {
    const sheet = await runJob('channels', tokens.manager!);
    const [customers, registrations, live] = await Promise.all([
      server.db.customer.count({ where: { projectId: pid } }),
      server.db.registration.count({ where: { projectId: pid, status: 'ACTIVE' } }),
      server.db.subscription.count({ where: { projectId: pid, status: { in: ['ACTIVE', 'CONTRACTED'] } } }),
    ]);
    for (const [h, n] of [
      ['来访', customers],
      ['认筹', registrations],
      ['认购', live],
    ] as const) {
      expect(total(sheet, h)).toBe(n);
      expect(column(sheet, h).reduce<number>((s, v) => s + Number(v), 0)).toBe(n);
    }
    // Per channel too: the walk-in channel's subscriptions, and deals made without a customer record.
    const walkInDeals = await server.db.subscription.count({
      where: { projectId: pid, status: { in: ['ACTIVE', 'CONTRACTED'] }, customer: { channel: 'WALK_IN' } },
    });
    expect(sheet.rows.find((r) => r[0] === '自然到访')![col(sheet, '认购')]).toBe(walkInDeals);
    const noRecord = await server.db.subscription.count({
      where: { projectId: pid, status: { in: ['ACTIVE', 'CONTRACTED'] }, customerId: null },
    });
    expect(sheet.rows.find((r) => r[0] === '无客户档案')?.[col(sheet, '认购')] ?? 0).toBe(noRecord);
    expectReadable(sheet);
  });

  it('performance 顾问业绩: locks from the audit record, deals and amounts per consultant', async () => {
    const sheet = await runJob('performance', tokens.manager!);
    const locks = await server.db.auditEvent.count({ where: { projectId: pid, action: 'unit.lock' } });
    const live = await server.db.subscription.aggregate({
      where: { projectId: pid, status: { in: ['ACTIVE', 'CONTRACTED'] } },
      _count: true,
      _sum: { price: true },
    });
    expect(total(sheet, '锁房次数')).toBe(locks);
    expect(total(sheet, '认购套数')).toBe(live._count);
    expect(Math.round(Number(total(sheet, '认购金额')) * 100)).toBe(Number(live._sum.price));
    expect(fenSum(column(sheet, '认购金额'))).toBe(Number(live._sum.price));
    const s002 = sheet.rows.find((r) => r[col(sheet, '账号')] === 's002')!;
    // Three locks (two confirmed, one released), one live deal (the other cancelled).
    expect([s002[col(sheet, '锁房次数')], s002[col(sheet, '认购套数')]]).toEqual([3, 1]);
    expect(sheet.rows.find((r) => r[col(sheet, '账号')] === 's001')![col(sheet, '团队')]).toBe('一组');
    const onlyB = await runJob('performance', tokens.manager!, { buildingId: buildingB });
    expect(total(onlyB, '认购套数')).toBe(1);
  });

  it('stock 库存: units by building, layout and status = the database', async () => {
    const sheet = await runJob('stock', tokens.finance!, { lang: 'en' });
    const byStatus = await server.db.unit.groupBy({ by: ['status'], where: { projectId: pid }, _count: true });
    const units = await server.db.unit.count({ where: { projectId: pid } });
    expect(total(sheet, 'Units')).toBe(units);
    for (const s of byStatus) {
      const header = {
        AVAILABLE: 'Available',
        SUBSCRIBED: 'Subscribed',
        NOT_RELEASED: 'Not released',
        CONTRACTED: 'Contracted',
        WITHHELD: 'Withheld',
      }[s.status];
      expect(total(sheet, header)).toBe(s._count);
    }
    expect(column(sheet, 'Building')).toEqual(expect.arrayContaining(['Block A', 'Block B']));
    const list = await server.db.unit.aggregate({ where: { projectId: pid }, _sum: { listPrice: true } });
    expect(Math.round(Number(total(sheet, 'List price')) * 100)).toBe(Number(list._sum.listPrice));
  });

  it('the audit log runs through the same jobs: one row per event of the filter', async () => {
    const sheet = await runJob('audit', tokens.viewer!, { action: 'unit.lock', lang: 'en' });
    // The audit export has no totals row: every row is an event (readSheet took the last as totals).
    expect(sheet.rows.length + 1).toBe(
      await server.db.auditEvent.count({ where: { projectId: pid, action: 'unit.lock' } }),
    );
  });

  it('a job is its requester’s; its file is served by any process', async () => {
    const started = await call<ReportJob>('POST', `/api/projects/${pid}/reports/stock/jobs`, tokens.finance!, {});
    expect(started.status).toBe(202);
    const path = `/api/projects/${pid}/report-jobs/${started.body.jobId}`;
    expect((await call('GET', path, tokens.manager!)).status).toBe(404);
    const done = await waitFor(async () => {
      const job = await call<ReportJob>('GET', path, tokens.finance!);
      return job.body.state === 'done' ? job.body : undefined;
    }, 'stock job');
    expect((await download(done.downloadUrl!, tokens.manager!)).status).toBe(404);
    const here = await download(done.downloadUrl!, tokens.finance!);
    const peer = await server.startPeer();
    const res = await fetch(`${peer.url}${done.downloadUrl}`, {
      headers: { authorization: `Bearer ${tokens.finance}` },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(here.bytes)).toBe(true);
    // Viewers run no reports (the audit log is theirs, reports are not).
    expect((await call('POST', `/api/projects/${pid}/reports/stock/jobs`, tokens.viewer!, {})).status).toBe(403);
  });
});
