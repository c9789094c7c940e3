/**
 * Verifiable documents against a real server, PostgreSQL, Redis and the BullMQ `documents` worker:
 * request → job → poll → PDF with its SHA-256 → public verification; new versions supersede (or
 * void) old ones in one transaction; identical requests reuse a version; permissions; forged ids.
 * The server prints with the font shipped with Kaipan only (KAIPAN_SYSTEM_FONTS=0), as a fresh
 * server without any system CJK font does: every document here, and buyers' rare characters.
 */
import { createHash, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AgreementSettings,
  ConfirmResult,
  DocumentInfo,
  DocumentJobInfo,
  LockResult,
  PaymentInfo,
  VerifyResult,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { pdfGlyphs } from './support/pdf-glyphs.js';

const run = promisify(execFile);
type ErrorBody = { error: { code: string; message: string } };

let server: TestServer;
let projectId: string;
const token: Record<'admin' | 'manager' | 'cashier' | 's001' | 's002' | 'outsider', string> = {
  admin: '',
  manager: '',
  cashier: '',
  s001: '',
  s002: '',
  outsider: '',
};
let cashierId: string;
let consultantSocket: HubClient;
let plans: { id: string; code: string }[] = [];
let discounts: { id: string; code: string }[] = [];
let subscriptionId: string;
let tmp: string;

const call = <T>(method: string, p: string, t?: string, body?: unknown) =>
  http<T & Partial<ErrorBody>>(server.url, method, p, t, body);

/** Request a document and wait for it: a 200 answers at once, a 202 is polled until the job ends. */
async function render(
  t: string,
  body: object,
): Promise<{ status: number; first: DocumentJobInfo; final: DocumentJobInfo; progress: number[] }> {
  const res = await call<DocumentJobInfo>('POST', '/api/documents', t, body);
  if (res.status !== 200 && res.status !== 202)
    throw new Error(`render failed: ${res.status} ${JSON.stringify(res.body)}`);
  const progress: number[] = [res.body.progress];
  let info = res.body;
  const deadline = Date.now() + 60_000;
  while (info.state !== 'completed' && info.state !== 'failed') {
    if (Date.now() > deadline) throw new Error(`job ${info.jobId} still ${info.state}`);
    await new Promise((r) => setTimeout(r, 100));
    const polled = await call<DocumentJobInfo>('GET', `/api/document-jobs/${res.body.jobId}`, t);
    expect(polled.status).toBe(200);
    info = polled.body;
    progress.push(info.progress);
  }
  return { status: res.status, first: res.body, final: info, progress };
}

async function rendered(t: string, body: object): Promise<DocumentInfo> {
  const r = await render(t, body);
  expect(r.final.error).toBeNull();
  expect(r.final.state).toBe('completed');
  return r.final.document!;
}

async function pdfOf(
  doc: DocumentInfo,
  t = token.manager,
): Promise<{ bytes: Buffer; text: string; info: string; headers: Headers }> {
  const res = await fetch(`${server.url}${doc.pdfUrl}`, { headers: { authorization: `Bearer ${t}` } });
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  const file = path.join(tmp, `${doc.id}.pdf`);
  await fs.writeFile(file, bytes);
  const [{ stdout: text }, { stdout: info }] = await Promise.all([
    run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']),
    run('pdfinfo', [file]),
  ]);
  return { bytes, text: text.replace(/\s+/g, ''), info, headers: res.headers };
}

const verify = (id: string) => call<VerifyResult>('GET', `/api/public/verify/${encodeURIComponent(id)}`);
const flat = (s: string): string => s.replace(/\s+/g, '');
const docRow = (id: string) =>
  server.db.document.findUniqueOrThrow({
    where: { id },
    select: { status: true, version: true, sha256: true, pdf: true },
  });

beforeAll(async () => {
  server = await startTestServer({ units: 8, consultants: 2, env: { KAIPAN_SYSTEM_FONTS: '0' } });
  projectId = server.fixture.projectId;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-docs-api-'));
  for (const name of Object.keys(token) as (keyof typeof token)[]) {
    const login = await server.login(name);
    token[name] = login.token;
    if (name === 'cashier') cashierId = login.user.id;
  }
  consultantSocket = await server.connect({ token: token.s001 });
  expect((await emitAck(consultantSocket, 'project:join', { projectId })).ok).toBe(true);
  plans = await server.db.paymentPlanOption.findMany({ where: { projectId }, select: { id: true, code: true } });
  discounts = await server.db.discountRule.findMany({ where: { projectId }, select: { id: true, code: true } });
  // A subscription on the mortgage plan, as a consultant makes it (socket lock + confirm).
  const unitId = server.fixture.unitIds[0]!;
  const lock = await emitAck<LockResult>(consultantSocket, 'unit:lock', { unitId });
  if (!lock.ok) throw new Error(JSON.stringify(lock));
  const confirm = await emitAck<ConfirmResult>(consultantSocket, 'unit:confirm', {
    unitId,
    token: lock.data.token,
    buyer: { name: '张三丰', phone: '13812345678' },
    planId: plans.find((p) => p.code === 'MORTGAGE30')!.id,
    discountIds: [discounts.find((d) => d.code === 'OPEN99')!.id],
  });
  if (!confirm.ok) throw new Error(JSON.stringify(confirm));
  subscriptionId = confirm.data.subscriptionId;
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('认购书 agreement', () => {
  let v1: DocumentInfo;

  it('renders through the job API with progress, and serves the PDF with its SHA-256', async () => {
    const r = await render(token.s001, { kind: 'AGREEMENT', entityId: subscriptionId });
    expect(r.status).toBe(202);
    expect(r.first.jobId).toMatch(/^doc-AGREEMENT-/);
    expect(['waiting', 'active', 'completed']).toContain(r.first.state);
    expect(r.final.state).toBe('completed');
    expect(r.final.progress).toBe(100);
    expect(r.progress.every((p) => p >= 0 && p <= 100)).toBe(true);
    v1 = r.final.document!;
    expect(v1).toMatchObject({
      kind: 'AGREEMENT',
      entityId: subscriptionId,
      version: 1,
      status: 'CURRENT',
      variant: 'A4',
      pdfUrl: `/api/documents/${v1.id}/pdf`,
    });
    expect(v1.verifyUrl).toBe(`${server.url}/verify/${v1.id}`);
    expect(v1.pages).toBeGreaterThanOrEqual(2);

    const pdf = await pdfOf(v1, token.s001);
    const digest = createHash('sha256').update(pdf.bytes).digest('hex');
    expect(digest).toBe(v1.sha256);
    expect(pdf.headers.get('etag')).toBe(`"${digest}"`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(
      /^inline; filename="agreement-A-0101-A4-v1\.pdf"; filename\*=UTF-8''/,
    );
    const stored = await docRow(v1.id);
    expect(stored.sha256).toBe(digest);
    expect(Buffer.from(stored.pdf).equals(pdf.bytes)).toBe(true);
    expect(pdf.info).toMatch(new RegExp(`Pages:\\s+${v1.pages}\\n`));
    for (const s of [
      '商品房认购书',
      '张三丰',
      '13812345678',
      'A-0101',
      '开盘优惠 99折（OPEN99）',
      '按揭 首付30%',
      '按揭贷款',
      '第 1 页 共',
      v1.id,
    ]) {
      expect(pdf.text).toContain(flat(s));
    }
    // The same bytes again: 304 for a matching ETag.
    const again = await fetch(`${server.url}${v1.pdfUrl}`, {
      headers: { authorization: `Bearer ${token.s001}`, 'if-none-match': `"${digest}"` },
    });
    expect(again.status).toBe(304);
  });

  it('answers 200 with the same version while nothing changed', async () => {
    const r = await render(token.cashier, { kind: 'AGREEMENT', entityId: subscriptionId });
    expect(r.status).toBe(200);
    expect(r.first.state).toBe('completed');
    expect(r.first.document?.id).toBe(v1.id);
    const polled = await call<DocumentJobInfo>('GET', `/api/document-jobs/${r.first.jobId}`, token.cashier);
    expect(polled.body.document?.id).toBe(v1.id);
    expect(await server.db.document.count({ where: { entityId: subscriptionId } })).toBe(1);
  });

  it('the public page says authentic and current, with facts that name nobody, without a login', async () => {
    const res = await verify(v1.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: v1.id,
      found: true,
      kind: 'AGREEMENT',
      status: 'CURRENT',
      sha256: v1.sha256,
      version: 1,
      projectName: '测试项目',
      currentId: null,
    });
    const facts = Object.fromEntries(res.body.facts!.map((f) => [f.labelEn, f.value]));
    // The public sees authenticity, never a person (docs/privacy.md): not even the masked buyer.
    expect(facts.Buyer).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('张*');
    expect(facts.Unit).toBe('A-0101');
    expect(facts['Final price']).toMatch(/^¥1,98\d,\d{3}\.00$/);
    expect(JSON.stringify(res.body)).not.toContain('张三丰');
    expect(JSON.stringify(res.body)).not.toContain('13812345678');
  });

  it('after 更名 a re-render is version 2 CURRENT and version 1 SUPERSEDED naming it', async () => {
    await server.db
      .$executeRaw`UPDATE subscriptions SET buyer_name = '李四光', version = version + 1 WHERE id = ${subscriptionId}::uuid`;
    const v2 = await rendered(token.manager, { kind: 'AGREEMENT', entityId: subscriptionId });
    expect(v2).toMatchObject({ version: 2, status: 'CURRENT' });
    expect(v2.id).not.toBe(v1.id);
    expect((await docRow(v1.id)).status).toBe('SUPERSEDED');
    const old = await verify(v1.id);
    expect(old.body).toMatchObject({ found: true, status: 'SUPERSEDED', currentId: v2.id, version: 1 });
    const cur = await verify(v2.id);
    expect(cur.body).toMatchObject({ status: 'CURRENT', currentId: null, version: 2 });
    // The buyer of each version stays in its audit event (managers), never on the public page.
    for (const [doc, masked] of [
      [v1, '张**'],
      [v2, '李**'],
    ] as const) {
      const rendered = await server.db.auditEvent.findFirstOrThrow({
        where: { entity: 'document', entityId: doc.id, action: 'document.rendered' },
      });
      expect(
        (rendered.after as { facts: { labelEn: string; value: string }[] }).facts.find((f) => f.labelEn === 'Buyer')
          ?.value,
      ).toBe(masked);
      expect((await verify(doc.id)).body.facts!.find((f) => f.labelEn === 'Buyer')).toBeUndefined();
    }
    expect((await pdfOf(v2)).text).toContain('李四光');
  });

  it('many people pressing render at once after a change make exactly one new version', async () => {
    await server.db
      .$executeRaw`UPDATE subscriptions SET buyer_name = '王五', version = version + 1 WHERE id = ${subscriptionId}::uuid`;
    const who = [
      token.s001,
      token.cashier,
      token.manager,
      token.admin,
      token.s001,
      token.cashier,
      token.manager,
      token.admin,
    ];
    const results = await Promise.all(who.map((t) => render(t, { kind: 'AGREEMENT', entityId: subscriptionId })));
    const ids = new Set(results.map((r) => r.final.document?.id));
    expect(ids.size).toBe(1);
    const rows = await server.db.document.findMany({
      where: { kind: 'AGREEMENT', entityId: subscriptionId },
      orderBy: { version: 'asc' },
      select: { version: true, status: true },
    });
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(rows.filter((r) => r.status === 'CURRENT')).toHaveLength(1);
    expect(rows[2]!.status).toBe('CURRENT');
  });

  it('prints the project terms and signing period a manager sets (audited)', async () => {
    const before = await call<AgreementSettings>('GET', `/api/projects/${projectId}/agreement`, token.s001);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ terms: '', signingDays: 7 });
    expect(before.body.defaultTerms).toContain('认购');
    expect(
      (await call('PATCH', `/api/projects/${projectId}/agreement`, token.s001, { terms: 'x', signingDays: 10 })).status,
    ).toBe(403);
    expect(
      (await call('PATCH', `/api/projects/${projectId}/agreement`, token.manager, { terms: 'x', signingDays: 0 }))
        .status,
    ).toBe(400);
    expect(
      (
        await call('PATCH', `/api/projects/${projectId}/agreement`, token.manager, {
          terms: 'x'.repeat(20_001),
          signingDays: 7,
        })
      ).status,
    ).toBe(400);
    const terms = '第一条 本项目车位另行销售。\n\n第二条 Parking spaces are sold separately.';
    const res = await call<AgreementSettings>('PATCH', `/api/projects/${projectId}/agreement`, token.manager, {
      terms,
      signingDays: 10,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ terms, signingDays: 10 });
    const audit = await server.db.auditEvent.findFirst({ where: { action: 'project.agreement', entityId: projectId } });
    expect(audit?.after).toMatchObject({ terms, signingDays: 10 });

    const doc = await rendered(token.cashier, { kind: 'AGREEMENT', entityId: subscriptionId });
    expect(doc.version).toBe(4);
    const sub = await server.db.subscription.findUniqueOrThrow({
      where: { id: subscriptionId },
      select: { createdAt: true },
    });
    const day0 = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(sub.createdAt);
    const deadline = new Date(Date.parse(`${day0}T00:00:00Z`) + 10 * 86_400_000).toISOString().slice(0, 10);
    const text = (await pdfOf(doc)).text;
    expect(text).toContain(flat('第一条 本项目车位另行销售。'));
    expect(text).toContain(flat(`乙方应于 ${deadline} 前（认购之日起 10 日内）`));
    expect(text).not.toContain('双倍返还定金');
  });
});

describe('收据 receipts', () => {
  let payment: PaymentInfo;
  let a5: DocumentInfo;

  beforeAll(async () => {
    const book = await call('POST', `/api/projects/${projectId}/receipt-books`, token.manager, {
      prefix: 'KP2026-',
      firstNumber: 1,
      lastNumber: 999,
      digits: 6,
      cashierId,
    });
    expect(book.status).toBe(201);
    const res = await call<PaymentInfo>('POST', `/api/projects/${projectId}/payments`, token.cashier, {
      idempotencyKey: `pay-${randomUUID()}`,
      kind: 'DEPOSIT',
      subscriptionId,
      lines: [
        { method: 'BANK_CARD', amount: 6_000_000, reference: '6222-0427' },
        { method: 'CASH', amount: 4_000_000 },
      ],
    });
    expect(res.status).toBe(201);
    payment = res.body;
    expect(payment.receipt?.label).toBe('KP2026-000001');
  });

  it('A5 and 80 mm: number, amount in figures and capitals, methods, payer; separate versions per paper', async () => {
    a5 = await rendered(token.cashier, { kind: 'RECEIPT', entityId: payment.receipt!.id });
    expect(a5).toMatchObject({ kind: 'RECEIPT', variant: 'A5', version: 1, status: 'CURRENT', pages: 1 });
    const a5pdf = await pdfOf(a5, token.cashier);
    for (const s of [
      '收据',
      'KP2026-000001',
      '¥100,000.00',
      '人民币壹拾万元整',
      '王五',
      'A-0101',
      '定金',
      '银行卡',
      '6222-0427',
      '现金',
      '出纳',
    ]) {
      expect(a5pdf.text).toContain(flat(s));
    }
    expect(a5pdf.text).not.toContain('COPY');
    expect(a5pdf.headers.get('content-disposition')).toContain('filename="receipt-KP2026-000001-A5-v1.pdf"');

    const roll = await rendered(token.manager, {
      kind: 'RECEIPT',
      entityId: payment.receipt!.id,
      variant: 'THERMAL_80',
    });
    expect(roll).toMatchObject({ variant: 'THERMAL_80', version: 1, status: 'CURRENT' });
    const rollPdf = await pdfOf(roll);
    expect(rollPdf.info).toMatch(/Page size:\s+226\.77\d* x/);
    expect(rollPdf.text).toContain(flat('人民币壹拾万元整'));

    const facts = (await verify(a5.id)).body.facts!;
    expect(facts.find((f) => f.labelEn === 'Receipt No.')?.value).toBe('KP2026-000001');
    expect(facts.find((f) => f.labelEn === 'Amount')?.value).toBe('¥100,000.00');
    expect(facts.find((f) => f.labelEn === 'Payer')).toBeUndefined(); // the public sees no person
  });

  it('the agreement now shows the deposit received', async () => {
    const doc = await rendered(token.s001, { kind: 'AGREEMENT', entityId: subscriptionId });
    expect(doc.version).toBe(5);
    expect((await pdfOf(doc)).text).toContain(flat('已收定金 Deposit received：¥100,000.00'));
  });

  it('the first print makes no new version; a reprint is stamped COPY 重打 and supersedes', async () => {
    expect((await call('POST', `/api/receipts/${payment.receipt!.id}/prints`, token.cashier, {})).status).toBe(200);
    const same = await render(token.cashier, { kind: 'RECEIPT', entityId: payment.receipt!.id });
    expect(same.status).toBe(200);
    expect(same.final.document?.id).toBe(a5.id);
    expect((await call('POST', `/api/receipts/${payment.receipt!.id}/prints`, token.cashier, {})).status).toBe(200);
    const copy = await rendered(token.cashier, { kind: 'RECEIPT', entityId: payment.receipt!.id });
    expect(copy).toMatchObject({ version: 2, status: 'CURRENT' });
    expect((await pdfOf(copy)).text).toContain(flat('COPY 重打'));
    expect((await pdfOf(copy)).text).toContain('第2次打印');
    expect((await verify(a5.id)).body).toMatchObject({ status: 'SUPERSEDED', currentId: copy.id });
    a5 = copy;
  });

  it('voided: every paper verifies VOIDED at once, and a re-render is stamped 作废 and stored VOIDED', async () => {
    const req = await call<{ id: string }>(
      'POST',
      `/api/receipts/${payment.receipt!.id}/void-requests`,
      token.cashier,
      { reason: '金额录入错误' },
    );
    expect(req.status).toBe(201);
    expect(
      (await call('POST', `/api/void-requests/${req.body.id}/decision`, token.manager, { approve: true, note: 'ok' }))
        .status,
    ).toBe(200);
    expect((await verify(a5.id)).body.status).toBe('VOIDED');
    const roll = await server.db.document.findFirstOrThrow({
      where: { entityId: payment.receipt!.id, variant: 'THERMAL_80' },
    });
    expect((await verify(roll.id)).body.status).toBe('VOIDED');

    const voided = await rendered(token.cashier, { kind: 'RECEIPT', entityId: payment.receipt!.id });
    expect(voided).toMatchObject({ version: 3, status: 'VOIDED' });
    const text = (await pdfOf(voided)).text;
    expect(text).toContain(flat('作废 VOID'));
    expect(text).toContain('金额录入错误');
    const all = await server.db.document.findMany({
      where: { kind: 'RECEIPT', entityId: payment.receipt!.id },
      select: { status: true },
    });
    expect(all.every((d) => d.status === 'VOIDED')).toBe(true);
    expect((await verify(voided.id)).body).toMatchObject({ status: 'VOIDED', version: 3 });
    // Asking again changes nothing.
    const again = await render(token.cashier, { kind: 'RECEIPT', entityId: payment.receipt!.id });
    expect(again.status).toBe(200);
    expect(again.final.document?.id).toBe(voided.id);
  });
});

describe('置业计划书 purchase plan and 日结 day-end', () => {
  it('a consultant quotes a unit with every active plan side by side; the same request reuses it', async () => {
    const unitId = server.fixture.unitIds[1]!;
    const ids = (codes: string[]) => codes.map((c) => discounts.find((d) => d.code === c)!.id);
    const doc = await rendered(token.s002, {
      kind: 'PURCHASE_PLAN',
      entityId: unitId,
      discountIds: ids(['OPEN99', 'LUMP98']),
    });
    expect(doc).toMatchObject({ kind: 'PURCHASE_PLAN', entityId: unitId, version: 1, pages: 1 });
    const text = (await pdfOf(doc, token.s002)).text;
    for (const s of [
      '置业计划书',
      'A-0102',
      '一次性付款',
      '按揭 首付30%',
      '分期 (3期)',
      '一次性付款 98折',
      '仅供参考',
      '顾问s002',
    ])
      expect(text).toContain(flat(s));
    // LUMP98 only on the lump-sum column: it appears once in the table.
    expect(text.split('一次性付款98折').length - 1).toBe(1);
    const again = await render(token.s002, {
      kind: 'PURCHASE_PLAN',
      entityId: unitId,
      discountIds: ids(['OPEN99', 'LUMP98']),
    });
    expect(again.status).toBe(200);
    const one = await rendered(token.s002, {
      kind: 'PURCHASE_PLAN',
      entityId: unitId,
      planIds: [plans.find((p) => p.code === 'LUMP')!.id],
    });
    expect(one.version).toBe(2);
    expect((await pdfOf(one)).text).not.toContain(flat('按揭 首付30%'));
    const bad = await call('POST', '/api/documents', token.s002, {
      kind: 'PURCHASE_PLAN',
      entityId: unitId,
      planIds: [randomUUID()],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error?.code).toBe('PLAN_NOT_APPLICABLE');
  });

  it('the cashier prints the closed day', async () => {
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const closed = await call('POST', `/api/projects/${projectId}/day-end/close`, token.cashier, { date });
    expect(closed.status).toBe(200);
    const close = await server.db.dayClose.findFirstOrThrow({ where: { projectId, cashierId } });
    expect((await call('POST', '/api/documents', token.s001, { kind: 'DAY_END', entityId: close.id })).status).toBe(
      403,
    );
    const doc = await rendered(token.cashier, { kind: 'DAY_END', entityId: close.id });
    expect(doc).toMatchObject({ kind: 'DAY_END', version: 1, status: 'CURRENT' });
    const text = (await pdfOf(doc, token.cashier)).text;
    for (const s of ['收银日结单', date, 'KP2026-000001', '作废', '已结账 Closed']) expect(text).toContain(flat(s));
    expect((await verify(doc.id)).body.facts!.find((f) => f.labelEn === 'Business date')?.value).toBe(date);
  });
});

describe('who may', () => {
  it('refuses the wrong people, devices of nobody, and bad requests, with coded errors', async () => {
    const receipt = await server.db.receipt.findFirstOrThrow({ where: { projectId } });
    const cases: Array<[string, object, number, string]> = [
      [token.s001, { kind: 'RECEIPT', entityId: receipt.id }, 403, 'FORBIDDEN'],
      [token.s002, { kind: 'AGREEMENT', entityId: subscriptionId }, 403, 'FORBIDDEN'],
      [token.outsider, { kind: 'AGREEMENT', entityId: subscriptionId }, 403, 'FORBIDDEN'],
      [token.outsider, { kind: 'RECEIPT', entityId: receipt.id }, 403, 'FORBIDDEN'],
      [token.cashier, { kind: 'PURCHASE_PLAN', entityId: server.fixture.unitIds[2]! }, 403, 'FORBIDDEN'],
      [token.cashier, { kind: 'AGREEMENT', entityId: randomUUID() }, 404, 'NOT_FOUND'],
      [token.cashier, { kind: 'RECEIPT', entityId: receipt.id, variant: 'A4' }, 400, 'VALIDATION_FAILED'],
      [
        token.cashier,
        { kind: 'AGREEMENT', entityId: subscriptionId, planIds: [randomUUID()] },
        400,
        'VALIDATION_FAILED',
      ],
      [token.cashier, { kind: 'INVOICE', entityId: subscriptionId }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [t, body, status, code] of cases) {
      const res = await call('POST', '/api/documents', t, body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
    }
    expect(
      (await call('POST', '/api/documents', undefined, { kind: 'AGREEMENT', entityId: subscriptionId })).status,
    ).toBe(401);

    const doc = await server.db.document.findFirstOrThrow({
      where: { kind: 'AGREEMENT', entityId: subscriptionId, status: 'CURRENT' },
    });
    expect((await call('GET', `/api/documents/${doc.id}/pdf`, token.outsider)).status).toBe(403);
    expect((await call('GET', `/api/documents/${doc.id}/pdf`)).status).toBe(401);
    expect((await call('GET', `/api/documents/${randomUUID()}/pdf`, token.manager)).status).toBe(404);
    expect((await call('GET', `/api/document-jobs/current-${doc.id}`, token.outsider)).status).toBe(403);
    expect((await call('GET', '/api/document-jobs/doc-nope', token.manager)).status).toBe(404);
    expect((await call('GET', `/api/projects/${projectId}/documents`, token.outsider)).status).toBe(403);
  });

  it('lists a record’s versions for members, newest first', async () => {
    // Voiding the deposit's receipt (above) re-rendered the agreement on its own (version 6, without
    // the deposit: DocumentService.refreshFor, test/agreement-refresh.test.ts); wait for it.
    const deadline = Date.now() + 30_000;
    while (
      (await server.db.document.count({ where: { kind: 'AGREEMENT', entityId: subscriptionId } })) < 6 &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const res = await call<DocumentInfo[]>(
      'GET',
      `/api/projects/${projectId}/documents?entityId=${subscriptionId}&kind=AGREEMENT`,
      token.s001,
    );
    expect(res.status).toBe(200);
    expect(res.body.map((d) => d.version)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(res.body.filter((d) => d.status === 'CURRENT')).toHaveLength(1);
    expect(res.body.every((d) => d.kind === 'AGREEMENT' && d.entityId === subscriptionId)).toBe(true);
    expect((await call('GET', `/api/projects/${projectId}/documents?kind=BOGUS`, token.s001)).status).toBe(400);
  });
});

describe('/verify with forged, unknown and malformed ids', () => {
  it('answers found:false with 200 and nothing else, never an error page', async () => {
    for (const id of [
      randomUUID(),
      'abc',
      '00000000-0000-0000-0000-000000000000',
      "1' OR '1'='1",
      'x'.repeat(3000),
      '%00',
      `${randomUUID()}/../x`,
    ]) {
      const res = await verify(id);
      expect(res.status).toBe(200);
      expect(res.body.found).toBe(false);
      expect(Object.keys(res.body).sort()).toEqual(['found', 'id']);
      expect(res.body.id.length).toBeLessThanOrEqual(64);
    }
  });

  it('is rate-limited per IP like the public ticket routes', async () => {
    const statuses = await Promise.all(Array.from({ length: 60 }, () => verify(randomUUID()).then((r) => r.status)));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });
});

describe('a buyer named with a rare character, printed with the packaged font only', () => {
  const sell = async (unitId: string, name: string): Promise<string> => {
    const lock = await emitAck<LockResult>(consultantSocket, 'unit:lock', { unitId });
    if (!lock.ok) throw new Error(JSON.stringify(lock));
    const confirm = await emitAck<ConfirmResult>(consultantSocket, 'unit:confirm', {
      unitId,
      token: lock.data.token,
      buyer: { name, phone: '13812345670' },
    });
    if (!confirm.ok) throw new Error(JSON.stringify(confirm));
    return confirm.data.subscriptionId;
  };

  it('喆 堃 犇 䶮 龑 print on the 认购书 with real glyphs of Noto Sans Hans', async () => {
    const name = '欧阳喆堃犇䶮龑';
    const doc = await rendered(token.manager, {
      kind: 'AGREEMENT',
      entityId: await sell(server.fixture.unitIds[3]!, name),
    });
    const pdf = await pdfOf(doc);
    expect(pdf.text).toContain(name);
    const glyphs = pdfGlyphs(pdf.bytes);
    expect(glyphs.fonts.every((f) => f.startsWith('NotoSansHans-'))).toBe(true);
    for (const char of name) expect(glyphs.cidsOf(char), char).not.toEqual([]);
  });

  it('a character no font has: the job fails with UNPRINTABLE_CHARACTER naming it, and nothing is stored', async () => {
    const subscription = await sell(server.fixture.unitIds[4]!, '张\u{2B820}');
    const before = await server.db.document.count({ where: { entityId: subscription } });
    const r = await render(token.manager, { kind: 'AGREEMENT', entityId: subscription });
    expect(r.final.state).toBe('failed');
    expect(r.final.error?.code).toBe('UNPRINTABLE_CHARACTER');
    expect(r.final.error?.message).toContain('U+2B820');
    expect(await server.db.document.count({ where: { entityId: subscription } })).toBe(before);
  });
});
