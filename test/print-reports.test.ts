/**
 * The print-ready reports (docs/reports-print.md) against a real server, PostgreSQL and Redis: sales
 * made through the hub, then the 日报 and the 销控表 read back — the XLSX with exceljs, the PDF with
 * pdftotext — and their numbers compared with the database's own COUNT/SUM; the 日报's printed audit
 * chain head equals the chain's head after sealing; the project-local day boundary (23:59 vs 00:01);
 * a rehearsal's PDFs carry the 演练 REHEARSAL watermark; who may print them.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STATUS_COLORS,
  zonedDayWindow,
  zonedDate,
  type ConfirmResult,
  type CreatedRehearsal,
  type LockResult,
} from '@kaipan/shared';
import { readChainHead } from '../server/src/audit-chain/chain-service.js';
import { createSqlPool, type SqlPool } from '../server/src/infra/sql.js';
import { emitAck, http, startTestServer, type TestServer } from './support/app.js';
import { waitFor } from './support/wait.js';

const run = promisify(execFile);
const TZ = 'Asia/Shanghai';

let server: TestServer;
let sql: SqlPool;
let projectId: string;
let dir: string;
const token: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ units: 24, consultants: 3 });
  projectId = server.fixture.projectId;
  sql = createSqlPool(server.databaseUrl, 2, 0);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-print-'));
  for (const u of ['admin', 'manager', 'cashier', 's001', 's002', 's003']) token[u] = (await server.login(u)).token;
  // Nine sales through the hub by three consultants, one cancelled below.
  const units = server.fixture.unitIds;
  for (let i = 0; i < 9; i += 1) {
    const socket = await server.connect({ token: token[`s00${(i % 3) + 1}`]! });
    const lock = await emitAck<LockResult>(socket, 'unit:lock', { unitId: units[i]! });
    if (!lock.ok) throw new Error(`lock ${i}: ${JSON.stringify(lock)}`);
    const confirm = await emitAck<ConfirmResult>(socket, 'unit:confirm', {
      unitId: units[i]!,
      token: lock.data.token,
      buyer: { name: `买家${i}`, phone: `1390000000${i}` },
    });
    if (!confirm.ok) throw new Error(`confirm ${i}: ${JSON.stringify(confirm)}`);
    socket.disconnect();
  }
  // Two of them moved to the project-local day boundary two days ago: 23:59 and, a minute later
  // at 00:01 (the next day), both in Shanghai time.
  const subs = await server.db.subscription.findMany({ where: { projectId }, orderBy: { createdAt: 'asc' } });
  const late = new Date(zonedDayWindow(dayBeforeYesterday(), TZ).to.getTime() - 60_000);
  const early = new Date(zonedDayWindow(dayBeforeYesterday(), TZ).to.getTime() + 60_000);
  await server.db.subscription.update({ where: { id: subs[0]!.id }, data: { createdAt: late } });
  await server.db.subscription.update({ where: { id: subs[1]!.id }, data: { createdAt: early } });
  // One deal cancelled today (退房), as the change service closes it.
  await server.db.subscription.update({
    where: { id: subs[2]!.id },
    data: { status: 'CANCELLED', closedAt: new Date(), closeReason: '客户资金问题' },
  });
  await server.db.unit.update({ where: { id: subs[2]!.unitId }, data: { status: 'AVAILABLE' } });
  // Deposits taken at the cashier today: cash + bank card on one deal, WeChat on another.
  const cashier = await server.db.user.findUniqueOrThrow({ where: { username: 'cashier' } });
  const book = await http(server.url, 'POST', `/api/projects/${projectId}/receipt-books`, token.manager, {
    prefix: 'KP2026-',
    firstNumber: 1,
    lastNumber: 999,
    cashierId: cashier.id,
  });
  if (book.status !== 201) throw new Error(`receipt book: ${JSON.stringify(book.body)}`);
  const deposits = [
    {
      subscriptionId: subs[3]!.id,
      lines: [
        { method: 'CASH', amount: 20_000_00 },
        { method: 'BANK_CARD', amount: 30_000_00, reference: 'POS-1' },
      ],
    },
    { subscriptionId: subs[4]!.id, lines: [{ method: 'WECHAT', amount: 50_000_00, reference: 'WX-1' }] },
  ];
  for (const [i, d] of deposits.entries()) {
    const paid = await http(server.url, 'POST', `/api/projects/${projectId}/payments`, token.cashier, {
      idempotencyKey: `print-deposit-${i}-0123456789`,
      kind: 'DEPOSIT',
      ...d,
    });
    if (paid.status !== 201) throw new Error(`payment ${i}: ${JSON.stringify(paid.body)}`);
  }
}, 180_000);

afterAll(async () => {
  await sql?.end();
  await server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

function today(): string {
  return zonedDate(new Date(), TZ);
}
function dayBeforeYesterday(): string {
  const d = new Date(`${today()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 2);
  return d.toISOString().slice(0, 10);
}
function yesterday(): string {
  const d = new Date(`${today()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

async function get(url: string, who = 'manager', pid = projectId): Promise<Response> {
  return fetch(`${server.url}/api/projects/${pid}/reports/${url}`, {
    headers: { authorization: `Bearer ${token[who]}` },
  });
}

async function bytes(res: Response): Promise<Buffer> {
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function workbook(res: Response): Promise<ExcelJS.Workbook> {
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await bytes(res)) as unknown as ArrayBuffer);
  return wb;
}

let files = 0;
/** pdftotext of a PDF, whitespace removed (CJK lines break anywhere), and its page count. */
async function pdfText(res: Response): Promise<{ flat: string; pages: number; raw: string }> {
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const file = path.join(dir, `r-${(files += 1)}.pdf`);
  await fs.writeFile(file, await bytes(res));
  const [{ stdout }, { stdout: info }] = await Promise.all([
    run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']),
    run('pdfinfo', [file]),
  ]);
  return { raw: stdout, flat: stdout.replace(/\s+/g, ''), pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0) };
}

/** The row of a sheet whose first cell is `label`, as values (1-based like exceljs, [0] unused). */
function rowOf(ws: ExcelJS.Worksheet, label: string): ExcelJS.CellValue[] {
  let found: ExcelJS.CellValue[] | undefined;
  ws.eachRow((row) => {
    if (row.getCell(1).value === label) found = row.values as ExcelJS.CellValue[];
  });
  if (!found) throw new Error(`no row ${label} in ${ws.name}`);
  return found;
}

/** The database's own tally of subscriptions matching a WHERE clause: count, gross m², fen. */
async function tally(where: string, params: unknown[]): Promise<{ count: number; area: number; amount: number }> {
  const { rows } = await sql.query<{ n: string; area: string | null; amount: string | null }>(
    `SELECT count(*) AS n, sum(u.gross_area) AS area, sum(s.price) AS amount
       FROM subscriptions s JOIN units u ON u.id = s.unit_id
      WHERE s.project_id = $1::uuid AND ${where}`,
    [projectId, ...params],
  );
  return { count: Number(rows[0]!.n), area: Number(rows[0]!.area ?? 0), amount: Number(rows[0]!.amount ?? 0) };
}

const dayTally = (date: string) => {
  const { from, to } = zonedDayWindow(date, TZ);
  return tally('s.created_at >= $2 AND s.created_at < $3 AND s.replaces_id IS NULL', [from, to]);
};
const cumulativeTally = (date: string) => {
  const { to } = zonedDayWindow(date, TZ);
  return tally('s.created_at < $2 AND (s.closed_at IS NULL OR s.closed_at >= $2)', [to]);
};

describe('the 日报 reconciles with the database', () => {
  it("today's XLSX: subscribed, cancelled and cumulative equal COUNT/SUM of the subscriptions", async () => {
    const wb = await workbook(await get(`daily.xlsx?date=${today()}`));
    const summary = wb.getWorksheet('概要 Summary')!;
    const day = await dayTally(today());
    expect(day.count).toBe(7);
    expect(rowOf(summary, '当日认购 Subscribed').slice(2, 5)).toEqual([day.count, day.area, day.amount / 100]);
    const cumulative = await cumulativeTally(today());
    expect(cumulative.count).toBe(8);
    expect(rowOf(summary, '累计认购 Cumulative').slice(2, 5)).toEqual([
      cumulative.count,
      cumulative.area,
      cumulative.amount / 100,
    ]);
    const { from, to } = zonedDayWindow(today(), TZ);
    const cancelled = await tally("s.status = 'CANCELLED' AND s.closed_at >= $2 AND s.closed_at < $3", [from, to]);
    expect(rowOf(summary, '当日退房 Cancelled')[2]).toBe(cancelled.count);
    expect(cancelled.count).toBe(1);
    // Per consultant: the rows add up to the day's total.
    const consultants = wb.getWorksheet('顾问 Consultants')!;
    let sum = 0;
    consultants.eachRow((row, n) => {
      if (n > 1) sum += Number(row.getCell(2).value);
    });
    expect(sum).toBe(day.count);
    const cancelledUnit = await server.db.subscription.findFirstOrThrow({
      where: { projectId, status: 'CANCELLED' },
      select: { unit: { select: { code: true } } },
    });
    const closed = wb.getWorksheet('退换 Cancellations')!;
    expect(closed.rowCount).toBe(2);
    expect(closed.getRow(2).getCell(2).value).toBe(cancelledUnit.unit.code);
    expect(closed.getRow(2).getCell(3).value).toBe('退房 Cancelled');
  });

  it('money by method equals the SUM of the payment lines of the day; 银行卡 prints unbroken', async () => {
    const { from, to } = zonedDayWindow(today(), TZ);
    const { rows } = await sql.query<{ method: string; n: string; amount: string }>(
      `SELECT l.method, count(*) AS n, sum(l.amount) AS amount
         FROM payment_lines l JOIN payments p ON p.id = l.payment_id
        WHERE p.project_id = $1::uuid AND p.created_at >= $2 AND p.created_at < $3
          AND p.status <> 'VOIDED' AND p.kind <> 'REFUND'
        GROUP BY l.method`,
      [projectId, from, to],
    );
    expect(rows.length).toBe(3);
    const wb = await workbook(await get(`daily.xlsx?date=${today()}`));
    const money = wb.getWorksheet('收款 Money')!;
    const labels: Record<string, string> = {
      CASH: '现金 Cash',
      BANK_CARD: '银行卡 Bank card',
      WECHAT: '微信支付 WeChat Pay',
    };
    for (const r of rows)
      expect(rowOf(money, labels[r.method]!).slice(2, 4)).toEqual([Number(r.n), Number(r.amount) / 100]);
    const received = rows.reduce((s, r) => s + Number(r.amount), 0);
    expect(rowOf(wb.getWorksheet('概要 Summary')!, '当日收款 Received')[4]).toBe(received / 100);
    const pdf = await pdfText(await get(`daily.pdf?date=${today()}`));
    expect(pdf.raw).toContain('银行卡 Bank card');
    expect(pdf.flat).toContain(
      `合计Totalreceived¥${(received / 100).toLocaleString('en', { minimumFractionDigits: 2 })}`,
    );
  });

  it('the project-local day: a sale at 23:59 is that day, one at 00:01 the next', async () => {
    const before = await workbook(await get(`daily.xlsx?date=${dayBeforeYesterday()}`));
    expect(rowOf(before.getWorksheet('概要 Summary')!, '当日认购 Subscribed')[2]).toBe(1);
    expect(rowOf(before.getWorksheet('概要 Summary')!, '累计认购 Cumulative')[2]).toBe(1);
    const after = await workbook(await get(`daily.xlsx?date=${yesterday()}`));
    expect(rowOf(after.getWorksheet('概要 Summary')!, '当日认购 Subscribed')[2]).toBe(1);
    expect(rowOf(after.getWorksheet('概要 Summary')!, '累计认购 Cumulative')[2]).toBe(2);
    expect((await dayTally(dayBeforeYesterday())).count).toBe(1);
    expect((await dayTally(yesterday())).count).toBe(1);
  });

  it("the PDF prints the same numbers and the chain's head after sealing", async () => {
    // Every event of the sales written (the AuditWriter flushes lock events after their acks).
    const count = async () =>
      Number(
        (await sql.query<{ n: string }>('SELECT count(*) AS n FROM audit_events WHERE project_id = $1', [projectId]))
          .rows[0]!.n,
      );
    let last = -1;
    await waitFor(
      async () => {
        const n = await count();
        const stable = n === last;
        last = n;
        return stable && n >= 18 ? true : undefined;
      },
      'the audit events of the sales written',
      20_000,
      600,
    );
    const pdf = await pdfText(await get(`daily.pdf?date=${today()}`));
    const head = await readChainHead(sql, projectId);
    expect(head.unsealed).toBe(0);
    expect(head.reference).toMatch(/^\d+:[0-9a-f]{16}$/);
    expect(pdf.flat).toContain(head.reference!);
    expect(pdf.flat).toContain(head.hash!);
    const day = await dayTally(today());
    expect(pdf.flat).toContain(`当日认购Subscribed${day.count}套`);
    expect(pdf.flat).toContain(`¥${(day.amount / 100).toLocaleString('en', { minimumFractionDigits: 2 })}`);
    expect(pdf.flat).toContain('销售日报');
    expect(pdf.flat).not.toContain('演练REHEARSAL');
    expect(pdf.raw).toMatch(/第 1 页 共 \d+ 页/);
  });
});

describe('the 销控表 reconciles with the database', () => {
  it('XLSX: counts per status and the sold amount equal the database', async () => {
    const wb = await workbook(await get('sales-control.xlsx'));
    const total = rowOf(wb.getWorksheet('汇总 Summary')!, '合计 Total');
    const { rows } = await sql.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM units WHERE project_id = $1::uuid GROUP BY status',
      [projectId],
    );
    const db = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    const units = Object.values(db).reduce((a, b) => a + b, 0);
    // [_, name, units, AVAILABLE, SUBSCRIBED, CONTRACTED, WITHHELD, NOT_RELEASED, sold, ratio, area, amount]
    expect(total.slice(2, 8)).toEqual([
      units,
      db.AVAILABLE ?? 0,
      db.SUBSCRIBED ?? 0,
      db.CONTRACTED ?? 0,
      db.WITHHELD ?? 0,
      db.NOT_RELEASED ?? 0,
    ]);
    const sold = await tally("s.status IN ('ACTIVE', 'CONTRACTED')", []);
    expect(total[8]).toBe(sold.count);
    expect(total[10]).toBe(sold.area);
    expect(total[11]).toBe(sold.amount / 100);
    // The building's grid: one cell per unit, filled with its status colour.
    const grid = wb.getWorksheet('A栋')!;
    const fills = new Map<string, string>();
    grid.eachRow((row, n) => {
      if (n <= 2 || !String(row.getCell(1).value).endsWith('F')) return;
      row.eachCell((cell, col) => {
        if (col === 1) return;
        const code = String(cell.value).split('\n')[0]!;
        fills.set(code, (cell.fill as ExcelJS.FillPattern).fgColor!.argb!);
      });
    });
    const stored = await server.db.unit.findMany({ where: { projectId }, select: { code: true, status: true } });
    expect(fills.size).toBe(units);
    for (const u of stored) expect(fills.get(u.code)).toBe(`FF${STATUS_COLORS[u.status].bg.slice(1).toUpperCase()}`);
  });

  it('PDF: the legend, the counts and every unit code; A3 landscape', async () => {
    const res = await get('sales-control.pdf');
    const file = path.join(dir, 'sc.pdf');
    const pdf = await pdfText(res.clone());
    await fs.writeFile(file, await bytes(res));
    const { stdout: info } = await run('pdfinfo', [file]);
    expect(info).toMatch(/Page size:\s+1190\.5\d* x 841\.8/);
    for (const label of ['可售', '已认购', '已签约', '保留', '未推']) expect(pdf.flat).toContain(label);
    const sold = await tally("s.status IN ('ACTIVE', 'CONTRACTED')", []);
    expect(pdf.flat).toContain(`已售Sold${sold.count}`);
    const codes = await server.db.unit.findMany({ where: { projectId }, select: { code: true } });
    for (const { code } of codes) expect(pdf.flat).toContain(code);
  });

  it('the 价目表 lists every unit of a batch and totals its list prices', async () => {
    const wb = await workbook(await get(`price-list.xlsx?batch=${server.fixture.pendingBatchId}`));
    const ws = wb.getWorksheet('价目表 Price list')!;
    const units = await server.db.unit.findMany({ where: { batchId: server.fixture.pendingBatchId } });
    expect(ws.rowCount).toBeGreaterThanOrEqual(units.length + 2);
    const total = rowOf(ws, '合计 Total');
    expect(total[2]).toBe(units.length);
    expect(total[8]).toBe(units.reduce((s, u) => s + Number(u.listPrice), 0) / 100);
    const pdf = await pdfText(await get(`price-list.pdf?batch=${server.fixture.pendingBatchId}`));
    for (const u of units) expect(pdf.flat).toContain(u.code);
    expect(pdf.flat).toContain('备案价');
  });
});

describe('who may print them, and a rehearsal', () => {
  it('managers and finance; a consultant or cashier is refused by the matrix', async () => {
    for (const who of ['s001', 'cashier']) {
      const res = await http<{ error: { code: string; details: { reason: string } } }>(
        server.url,
        'GET',
        `/api/projects/${projectId}/reports/daily.xlsx`,
        token[who],
      );
      expect(res.status).toBe(403);
      expect(res.body.error.details.reason).toBe('REPORT_READER_REQUIRED');
    }
    const future = await get('daily.pdf?date=2999-01-01');
    expect(future.status).toBe(400);
    expect(((await future.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it("a rehearsal's PDFs carry the 演练 REHEARSAL watermark; the real project's do not", async () => {
    const created = await http<CreatedRehearsal>(
      server.url,
      'POST',
      `/api/projects/${projectId}/rehearsals`,
      token.admin,
      {},
    );
    expect(created.status).toBe(201);
    for (const report of ['sales-control.pdf', 'price-list.pdf', 'daily.pdf']) {
      const rehearsal = await pdfText(await get(report, 'admin', created.body.id));
      // The watermark across every page (and the red tag in the header).
      expect(rehearsal.flat.split('演练REHEARSAL').length - 1).toBeGreaterThan(rehearsal.pages);
      const real = await pdfText(await get(report, 'admin'));
      expect(real.flat).not.toContain('演练REHEARSAL');
    }
  });
});
