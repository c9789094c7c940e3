/**
 * A printed 认购书 stays truthful after the deal changes (DocumentService.refreshFor), against a
 * real server, PostgreSQL, Redis and the BullMQ `documents` worker: 更名 and 调价 → a new CURRENT
 * version with the new facts, the old one verifies as SUPERSEDED naming it; 退房 and 换房 → voided;
 * a deposit recorded or voided → a new version with the deposit received; nothing changed → no job;
 * a refresh that cannot be queued leaves the change done and says so in the audit trail.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CashierSubscription,
  ChangeRequestInfo,
  DocumentInfo,
  DocumentJobInfo,
  VerifyResult,
} from '@kaipan/shared';
import { formatFen } from '../server/src/documents/paper.js';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { behindTheAuditRule } from './support/audit-rule.js';
import { waitFor } from './support/wait.js';
import { cash, createBook, pay, subscribe } from './support/cashier.js';

const run = promisify(execFile);
type ErrorBody = { error: { code: string; message: string } };

let server: TestServer;
let projectId: string;
let manager: string;
let admin: string;
let cashier: string;
let consultant: string;
let managerId: string;
let socket: HubClient;
let tmp: string;
let nextUnit = 0;
let nextPhone = 0;
const freshUnit = (): string => server.fixture.unitIds[nextUnit++]!;
const freshBuyer = (name: string) => {
  nextPhone += 1;
  return { name, phone: `136${String(nextPhone).padStart(8, '0')}` };
};

const call = <T>(method: string, p: string, t?: string, body?: unknown) =>
  http<T & Partial<ErrorBody>>(server.url, method, p, t, body);
const verify = (id: string) => call<VerifyResult>('GET', `/api/public/verify/${id}`);
const flat = (s: string): string => s.replace(/\s+/g, '');

/** Poll until `find` answers (never a fixed sleep). */
/** Render the 认购书 as a person does (POST + poll). */
async function renderAgreement(subscriptionId: string, t = manager): Promise<DocumentInfo> {
  const res = await call<DocumentJobInfo>('POST', '/api/documents', t, { kind: 'AGREEMENT', entityId: subscriptionId });
  expect([200, 202]).toContain(res.status);
  const info = await waitFor(async () => {
    const polled = await call<DocumentJobInfo>('GET', `/api/document-jobs/${res.body.jobId}`, t);
    return polled.body.state === 'completed' || polled.body.state === 'failed' ? polled.body : undefined;
  }, `job ${res.body.jobId}`);
  expect(info.error).toBeNull();
  return info.document!;
}

const versions = (subscriptionId: string) =>
  server.db.document.findMany({
    where: { kind: 'AGREEMENT', entityId: subscriptionId },
    orderBy: { version: 'asc' },
    select: { id: true, version: true, status: true },
  });

/** The stored versions once version `n` exists. */
const versionsOnce = (subscriptionId: string, n: number) =>
  waitFor(async () => {
    const rows = await versions(subscriptionId);
    return rows.length >= n ? rows : undefined;
  }, `version ${n} of the agreement of ${subscriptionId}`);

async function pdfText(documentId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/documents/${documentId}/pdf`, {
    headers: { authorization: `Bearer ${manager}` },
  });
  expect(res.status).toBe(200);
  const file = path.join(tmp, `${documentId}.pdf`);
  await fs.writeFile(file, Buffer.from(await res.arrayBuffer()));
  const { stdout } = await run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']);
  return flat(stdout);
}

/** Request (consultant), approve (manager), execute (manager): the executed request. */
async function executed(body: object): Promise<ChangeRequestInfo> {
  const req = await call<ChangeRequestInfo>('POST', '/api/change-requests', consultant, body);
  expect(req.status).toBe(201);
  expect(
    (await call<ChangeRequestInfo>('POST', `/api/change-requests/${req.body.id}/decision`, manager, { approve: true }))
      .body.status,
  ).toBe('APPROVED');
  const done = await call<ChangeRequestInfo>('POST', `/api/change-requests/${req.body.id}/execute`, manager, {});
  expect(done.status).toBe(200);
  expect(done.body.status).toBe('EXECUTED');
  return done.body;
}

beforeAll(async () => {
  server = await startTestServer({ units: 12, consultants: 2 });
  projectId = server.fixture.projectId;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-agreement-refresh-'));
  const m = await server.login('manager');
  manager = m.token;
  managerId = m.user.id;
  admin = (await server.login('admin')).token;
  const c = await server.login('cashier');
  cashier = c.token;
  consultant = (await server.login('s001')).token;
  socket = await server.connect({ token: consultant });
  expect((await emitAck(socket, 'project:join', { projectId })).ok).toBe(true);
  await createBook(server, manager, c.user.id, 'AR', 1, 999);
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('认购书 after a change request', () => {
  it('更名: a new CURRENT version names the new buyer; the old one verifies as superseded, pointing to it', async () => {
    const subId = await subscribe(socket, freshUnit(), freshBuyer('张三丰'));
    const v1 = await renderAgreement(subId);
    expect(await pdfText(v1.id)).toContain('张三丰');

    const change = await executed({
      kind: 'BUYER_CHANGE',
      subscriptionId: subId,
      buyer: freshBuyer('李四光'),
      reason: '夫妻更名',
    });
    const rows = await versionsOnce(subId, 2);
    expect(rows.map((r) => [r.version, r.status])).toEqual([
      [1, 'SUPERSEDED'],
      [2, 'CURRENT'],
    ]);
    const v2 = rows[1]!;
    const text = await pdfText(v2.id);
    expect(text).toContain('李四光');
    expect(text).not.toContain('张三丰');

    const old = (await verify(v1.id)).body;
    expect(old).toMatchObject({ found: true, status: 'SUPERSEDED', currentId: v2.id, version: 1 });
    const current = (await verify(v2.id)).body;
    expect(current).toMatchObject({ found: true, status: 'CURRENT', currentId: null, version: 2 });
    // The public page names nobody (docs/privacy.md); the audit event keeps the (masked) new buyer.
    expect(current.facts!.map((f) => f.labelEn)).not.toContain('Buyer');
    // The new version is the executing manager's, with the QR code where the first one pointed.
    const audit = await server.db.auditEvent.findFirstOrThrow({
      where: { entity: 'document', entityId: v2.id, action: 'document.rendered' },
    });
    expect(audit).toMatchObject({
      actorId: managerId,
      after: { version: 2, refresh: 'change.BUYER_CHANGE', origin: server.url },
    });
    expect((audit.after as { facts: unknown[] }).facts).toContainEqual({
      label: '买受人',
      labelEn: 'Buyer',
      value: '李**',
      person: 'name',
    });
    expect(change.executedAt).not.toBeNull();
    expect(
      (
        await call<DocumentInfo[]>(
          'GET',
          `/api/projects/${projectId}/documents?entityId=${subId}&kind=AGREEMENT`,
          manager,
        )
      ).body[0],
    ).toMatchObject({
      id: v2.id,
      verifyUrl: `${server.url}/verify/${v2.id}`,
    });
  });

  it('调价: the new version prints the new price, the adjustment line and the schedule', async () => {
    const subId = await subscribe(socket, freshUnit(), freshBuyer('王五'));
    const v1 = await renderAgreement(subId);
    const oldPrice = Number((await server.db.subscription.findUniqueOrThrow({ where: { id: subId } })).price);
    const newPrice = oldPrice - 12_345_00;
    expect(await pdfText(v1.id)).toContain(`成交总价Finalprice${flat(formatFen(oldPrice))}`);

    await executed({ kind: 'PRICE_CHANGE', subscriptionId: subId, finalPrice: newPrice, reason: '特批' });
    const rows = await versionsOnce(subId, 2);
    expect(rows.map((r) => r.status)).toEqual(['SUPERSEDED', 'CURRENT']);
    const text = await pdfText(rows[1]!.id);
    // (The list price stays on the paper; the final price and the schedule's balance move.)
    expect(text).toContain(`成交总价Finalprice${flat(formatFen(newPrice))}`);
    expect(text).not.toContain(`成交总价Finalprice${flat(formatFen(oldPrice))}`);
    expect(text).toContain(`调价PriceadjustmentApprovedchangetotheagreedprice−${flat(formatFen(oldPrice - newPrice))}`);
    expect(text).toContain(`合计Total${flat(formatFen(newPrice))}`);
    expect((await verify(v1.id)).body).toMatchObject({ status: 'SUPERSEDED', currentId: rows[1]!.id });
    expect((await verify(rows[1]!.id)).body.facts).toContainEqual({
      label: '成交总价',
      labelEn: 'Final price',
      value: formatFen(newPrice),
    });
  });

  it('退房: the agreement verifies as VOIDED at once, and every stored version becomes VOIDED', async () => {
    const subId = await subscribe(socket, freshUnit(), freshBuyer('赵六'));
    const v1 = await renderAgreement(subId);
    await executed({ kind: 'CANCEL', subscriptionId: subId, reason: '客户退房' });
    // The record's own status decides at once, before any re-render.
    expect((await verify(v1.id)).body).toMatchObject({ found: true, status: 'VOIDED', currentId: null });
    const rows = await versionsOnce(subId, 2);
    expect(rows.map((r) => [r.version, r.status])).toEqual([
      [1, 'VOIDED'],
      [2, 'VOIDED'],
    ]);
    expect(await pdfText(rows[1]!.id)).toContain('作废');
    expect((await verify(rows[1]!.id)).body).toMatchObject({ status: 'VOIDED', currentId: null });
  });

  it('换房: the old subscription’s agreement is voided (not superseded: the new unit is another deal record); the deposit carries over', async () => {
    const subId = await subscribe(socket, freshUnit(), freshBuyer('钱七'));
    const required = (await call<CashierSubscription>('GET', `/api/subscriptions/${subId}/cashier`, cashier)).body
      .depositRequired;
    const deposit = await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: subId, lines: cash(required) });
    const v1 = await renderAgreement(subId);
    const change = await executed({
      kind: 'UNIT_CHANGE',
      subscriptionId: subId,
      targetUnitId: freshUnit(),
      reason: '换高楼层',
    });
    const newSubId = String((change.result as { newSubscriptionId: string }).newSubscriptionId);
    expect((await verify(v1.id)).body).toMatchObject({ status: 'VOIDED', currentId: null });
    const rows = await versionsOnce(subId, 2);
    expect(rows.every((r) => r.status === 'VOIDED')).toBe(true);
    // The new subscription has no agreement until someone prints one; it shows the deposit paid on the old one.
    expect(await versions(newSubId)).toEqual([]);
    const fresh = await renderAgreement(newSubId);
    expect(await pdfText(fresh.id)).toContain(deposit.receipt!.label);
  });
});

describe('认购书 after money moves', () => {
  it('a deposit recorded after printing, then voided: a new version each time, with and without its receipt', async () => {
    const subId = await subscribe(socket, freshUnit(), freshBuyer('孙八'));
    const v1 = await renderAgreement(subId);
    const required = (await call<CashierSubscription>('GET', `/api/subscriptions/${subId}/cashier`, cashier)).body
      .depositRequired;
    const deposit = await pay(server, cashier, { kind: 'DEPOSIT', subscriptionId: subId, lines: cash(required) });
    const afterPay = await versionsOnce(subId, 2);
    expect(afterPay.map((r) => r.status)).toEqual(['SUPERSEDED', 'CURRENT']);
    expect(await pdfText(afterPay[1]!.id)).toContain(deposit.receipt!.label);
    expect((await verify(v1.id)).body).toMatchObject({ status: 'SUPERSEDED', currentId: afterPay[1]!.id });

    const req = await call<{ id: string }>('POST', `/api/receipts/${deposit.receipt!.id}/void-requests`, cashier, {
      reason: '金额录错',
    });
    expect(req.status).toBe(201);
    expect((await call('POST', `/api/void-requests/${req.body.id}/decision`, manager, { approve: true })).status).toBe(
      200,
    );
    const afterVoid = await versionsOnce(subId, 3);
    expect(afterVoid.map((r) => r.status)).toEqual(['SUPERSEDED', 'SUPERSEDED', 'CURRENT']);
    expect(await pdfText(afterVoid[2]!.id)).not.toContain(deposit.receipt!.label);
    expect((await verify(afterPay[1]!.id)).body).toMatchObject({ status: 'SUPERSEDED', currentId: afterVoid[2]!.id });
  });

  it('nothing printed changed, or nothing printed at all: no job, no new version', async () => {
    const subId = await subscribe(socket, freshUnit(), freshBuyer('周九'));
    // Not printed yet: a change has nothing to refresh.
    expect(await server.kaipan.services.docs.refresh('AGREEMENT', subId, 'system', 'test')).toEqual([]);
    const v1 = await renderAgreement(subId);
    expect(await server.kaipan.services.docs.refresh('AGREEMENT', subId, 'system', 'test')).toEqual([]);
    // A down payment is not deposit: the agreement does not change.
    await pay(server, cashier, { kind: 'DOWN_PAYMENT', subscriptionId: subId, lines: cash(1_000_00) });
    expect(await server.kaipan.services.docs.refresh('AGREEMENT', subId, 'system', 'test')).toEqual([]);
    expect((await versions(subId)).map((r) => r.id)).toEqual([v1.id]);
  });
});

describe('a refresh that cannot be queued', () => {
  it('leaves the change done and writes document.refresh_failed', async () => {
    const subId = await subscribe(socket, freshUnit(), freshBuyer('吴十'));
    const v1 = await renderAgreement(subId);
    // No origin known for the QR code any more (as for documents rendered before origins were kept):
    // such legacy rows can only be made behind the append-only rule.
    await behindTheAuditRule(
      server.db,
      `UPDATE audit_events SET after = after - 'origin' WHERE project_id = '${projectId}'::uuid AND action = 'document.rendered'`,
    );
    await executed({ kind: 'BUYER_CHANGE', subscriptionId: subId, buyer: freshBuyer('郑十一'), reason: '更名' });
    expect((await server.db.subscription.findUniqueOrThrow({ where: { id: subId } })).buyerName).toBe('郑十一');
    const failed = await waitFor(
      async () =>
        (await server.db.auditEvent.findFirst({ where: { entityId: subId, action: 'document.refresh_failed' } })) ??
        undefined,
      'document.refresh_failed',
    );
    expect(failed).toMatchObject({
      actorId: managerId,
      entity: 'subscription',
      after: { kind: 'AGREEMENT', reason: 'change.BUYER_CHANGE', stage: 'queue' },
    });
    // The old paper still verifies as it is stored (CURRENT); a person printing again gets a new version.
    expect((await versions(subId)).map((r) => r.id)).toEqual([v1.id]);
    const v2 = await renderAgreement(subId, admin);
    expect(v2.version).toBe(2);
    expect((await verify(v1.id)).body).toMatchObject({ status: 'SUPERSEDED', currentId: v2.id });
  });
});
