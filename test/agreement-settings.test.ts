/**
 * Documents on the signed-in screens, in a real browser against a real server, PostgreSQL, Redis
 * and the BullMQ `documents` worker:
 * - a manager edits the 认购书 terms and the signing period on /manager/:projectId/agreement (the
 *   default text is shown and marked; a refused save keeps the edit unsaved), the change is stored
 *   and audited, a reload shows it, and 预览样本 renders a SAMPLE 认购书 of the unsaved form (its
 *   text, stamped 样本) while storing nothing (no document, no audit event, saved terms unchanged);
 * - a consultant on a phone presses 置业计划书 on a unit (a failed request shows the error and
 *   Retry), gets the PDF of that unit (no floor price on it), and — while holding the unit — the
 *   plan chosen on the sheet is the first column; the deals drawer produces the deal's 认购书.
 * The PDFs are read back with pdftotext (poppler-utils).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementSettings, ConfirmResult, LockResult, LoginResponse } from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';
import { TEST_PASSWORD } from './support/fixture.js';

const run = promisify(execFile);
let server: TestServer;
let browser: Browser;
let manager: LoginResponse;
let consultant: LoginResponse;
let hub: HubClient;
let dir: string;

beforeAll(async () => {
  ensureBuilt('client', 'agreement');
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-agreement-'));
  server = await startTestServer({ units: 8, consultants: 2, env: { CLIENT_DIST: 'client/dist' } });
  manager = await server.login('manager');
  consultant = await server.login('s001');
  hub = await server.connect({ token: consultant.token });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** A consultant locks and confirms the unit for a buyer. */
async function sell(unitId: string, buyer: { name: string; phone: string }): Promise<string> {
  const lock = await emitAck<LockResult>(hub, 'unit:lock', { unitId });
  if (!lock.ok) throw new Error(`lock: ${lock.error.code}`);
  const confirm = await emitAck<ConfirmResult>(hub, 'unit:confirm', { unitId, token: lock.data.token, buyer });
  if (!confirm.ok) throw new Error(`confirm: ${confirm.error.code}`);
  return confirm.data.subscriptionId;
}

/** A stored document's text through pdftotext, all whitespace removed (CJK lines break anywhere). */
async function pdfText(documentId: string, token: string): Promise<string> {
  const res = await fetch(`${server.url}/api/documents/${documentId}/pdf`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const file = path.join(dir, `${documentId}.pdf`);
  await fs.writeFile(file, Buffer.from(await res.arrayBuffer()));
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return stdout.replace(/\s+/g, '');
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', TEST_PASSWORD);
  await page.press('input[name=password]', 'Enter');
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 15_000 });
}

describe('agreement terms and documents in the browser', () => {
  it('a manager edits the 认购书 terms and signing period; saved, audited, reloaded, previewed as a sample', async () => {
    const pid = server.fixture.projectId;
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, 'manager');
    await page.goto(`${server.url}/manager/${pid}/agreement`);

    // The project has no terms of its own: the default text is shown and marked as in use.
    await page.locator('[data-testid=agreement-form]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=agreement-default-badge]').waitFor();
    expect(await page.locator('[data-testid=agreement-default-text]').innerText()).toContain('本认购书是买卖双方');
    expect(await page.inputValue('textarea[name=agreement-terms]')).toBe('');
    expect(await page.inputValue('input[name=signing-days]')).toBe('7');

    // A signing period out of range is refused on the spot; nothing is sent.
    let patches = 0;
    page.on('request', (r) => {
      if (r.method() === 'PATCH' && r.url().endsWith('/agreement')) patches += 1;
    });
    await page.fill('input[name=signing-days]', '0');
    await expect.poll(() => page.locator('[data-testid=agreement-state]').innerText()).toContain('未保存');
    await page.click('[data-testid=agreement-save]');
    await page.locator('.field__error', { hasText: '1–90' }).waitFor();
    expect(patches).toBe(0);

    // The network drops the save: the error shows and the edit stays unsaved.
    const terms =
      '第一条 KAIPAN-TERMS-7731：乙方应于签约期限内签订《商品房买卖合同》。\n\n第二条 定金不予退还的情形以本条为准。';
    await page.fill('input[name=signing-days]', '21');
    await page.fill('textarea[name=agreement-terms]', terms);
    await page.route('**/api/projects/*/agreement', (route) =>
      route.request().method() === 'PATCH' ? route.abort('connectionreset') : route.fallback(),
    );
    await page.click('[data-testid=agreement-save]');
    await page.locator('[data-testid=agreement-form] .alert--error').waitFor();
    expect(await page.locator('[data-testid=agreement-state]').innerText()).toContain('未保存');
    await page.unroute('**/api/projects/*/agreement');

    await page.click('[data-testid=agreement-save]');
    await expect
      .poll(() => page.locator('[data-testid=agreement-state]').innerText(), { timeout: 10_000 })
      .toContain('已保存');
    expect(await page.locator('[data-testid=agreement-default-badge]').count()).toBe(0);
    const stored = await server.db.project.findUniqueOrThrow({
      where: { id: pid },
      select: { agreementTerms: true, signingDays: true },
    });
    expect(stored).toEqual({ agreementTerms: terms, signingDays: 21 });
    const audit = await server.db.auditEvent.findFirst({
      where: { projectId: pid, action: 'project.agreement' },
      orderBy: { id: 'desc' },
    });
    expect(audit?.actorId).toBe(manager.user.id);
    expect(audit?.after).toMatchObject({ terms, signingDays: 21 });

    // A reload shows what was saved (and the API agrees).
    await page.reload();
    await page.locator('[data-testid=agreement-form]').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.inputValue('textarea[name=agreement-terms]')).toBe(terms);
    expect(await page.inputValue('input[name=signing-days]')).toBe('21');
    const api = await http<AgreementSettings>(server.url, 'GET', `/api/projects/${pid}/agreement`, manager.token);
    expect(api.body).toMatchObject({ terms, signingDays: 21 });

    // 预览样本: a SAMPLE of the form as it stands — unsaved text included — stored nowhere.
    const unsaved = `${terms}\n\n第三条 UNSAVED-SAMPLE-5518 仅用于预览。`;
    await page.fill('textarea[name=agreement-terms]', unsaved);
    await page.fill('input[name=signing-days]', '30');
    const documentsBefore = await server.db.document.count();
    const auditBefore = await server.db.auditEvent.count();
    const previewed = page.waitForResponse(
      (r) => r.url().endsWith('/agreement/preview') && r.request().method() === 'POST',
    );
    await page.click('[data-testid=agreement-sample] button.docbtn__btn');
    const response = await previewed;
    expect(response.status()).toBe(200);
    expect(response.request().postDataJSON()).toEqual({ terms: unsaved, signingDays: 30 });
    const ready = page.locator('[data-testid=agreement-sample] [data-testid=document-ready]');
    await ready.waitFor({ timeout: 30_000 });
    expect(await ready.getAttribute('data-sample')).toBe('true');
    const href = (await ready.locator('[data-testid=document-open]').getAttribute('href')) as string;
    expect(href).toMatch(/^blob:/);
    // The bytes the page opens (its object URL), read back in the page.
    const base64 = await page.evaluate(async (url) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      return btoa(bin);
    }, href);
    const file = path.join(dir, 'sample.pdf');
    await fs.writeFile(file, Buffer.from(base64, 'base64'));
    const text = (await run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'])).stdout.replace(/\s+/g, '');
    expect(text).toContain('UNSAVED-SAMPLE-5518');
    expect(text).toContain('KAIPAN-TERMS-7731');
    expect(text).toContain('样本SAMPLE');
    expect(text).toContain('30日内');
    // Nothing changed: the saved terms, the documents and the audit trail are as they were.
    expect(
      await server.db.project.findUniqueOrThrow({
        where: { id: pid },
        select: { agreementTerms: true, signingDays: true },
      }),
    ).toEqual({ agreementTerms: terms, signingDays: 21 });
    expect(await server.db.document.count()).toBe(documentsBefore);
    expect(await server.db.auditEvent.count()).toBe(auditBefore);
    expect(await page.locator('[data-testid=agreement-state]').innerText()).toContain('未保存');

    // An invalid form cannot be previewed: the button is disabled and says why.
    await page.fill('input[name=signing-days]', '0');
    expect(await page.locator('[data-testid=agreement-sample] button.docbtn__btn').isDisabled()).toBe(true);
    await page.locator('[data-testid=agreement-sample] .docbtn__hint').waitFor();
    await page.fill('input[name=signing-days]', '30');
    await page.screenshot({ path: `${SHOTS}/agreement-zh-1366.png` });
    await context.close();
  }, 60_000);

  it('a consultant on a phone produces the 置业计划书 of a unit, and the 认购书 of a deal', async () => {
    const pid = server.fixture.projectId;
    const unitId = server.fixture.unitIds[1] as string;
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    await signIn(page, 's001');
    const cell = page.locator('button[aria-label^="A-0102 "]').first();
    await cell.waitFor({ timeout: 15_000 });
    await cell.click();
    const plan = page.locator('[data-testid=purchase-plan]');
    await plan.waitFor();

    // The first request is lost: the error shows with Retry; Retry then works.
    let dropped = false;
    await page.route('**/api/documents', (route) => {
      if (!dropped && route.request().method() === 'POST') {
        dropped = true;
        return route.abort('connectionreset');
      }
      return route.fallback();
    });
    await plan.locator('button.docbtn__btn').click();
    await plan.locator('[data-testid=document-error]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/purchase-plan-phone-error.png` });
    await plan.locator('[data-testid=document-error] button').click();
    const ready = plan.locator('[data-testid=document-ready]');
    await ready.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/purchase-plan-phone-ready.png` });
    const documentId = (await ready.getAttribute('data-document-id')) as string;
    const doc = await server.db.document.findUniqueOrThrow({ where: { id: documentId } });
    expect(doc).toMatchObject({ kind: 'PURCHASE_PLAN', entityId: unitId, createdById: consultant.user.id });
    // The PDF opens from the page (an object URL: no token in any link).
    expect(await plan.locator('[data-testid=document-open]').getAttribute('href')).toMatch(/^blob:/);
    const text = await pdfText(documentId, consultant.token);
    expect(text).toContain('A-0102');
    expect(text).toContain('置业计划书');
    // Floor prices never reach a consultant: not the fixture's ¥1,900,000.00.
    expect(text).not.toMatch(/1,900,000\.00|1900000\.00/);

    // Holding the unit: the plan chosen on the sheet is the plan's first column.
    await page.locator('.sheet .btn--go').click();
    await page.locator('input[name=buyer-name]').waitFor({ timeout: 10_000 });
    const chips = page.locator('.sheet .deal-chip--plan');
    await expect.poll(() => chips.count()).toBeGreaterThan(1);
    const second = (await chips.nth(1).innerText()).trim();
    await chips.nth(1).click();
    await expect.poll(() => plan.getAttribute('data-state')).toBe('idle');
    // While this plan renders, the project's terms change (a manager adds a discount: every phone
    // re-reads the terms), as frames and quotes keep arriving on a busy launch morning. The plan
    // asked for is the same: the press must not be dropped (it was, whenever anything the request
    // is computed from was touched — the baseline's lost 置业计划书).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let posted!: () => void;
    const sent = new Promise<void>((resolve) => (posted = resolve));
    await page.route('**/api/documents', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      posted();
      await held;
      return route.fallback();
    });
    await plan.locator('button.docbtn__btn').click();
    await sent;
    const termsReread = page.waitForResponse((r) => r.url().endsWith(`/api/projects/${pid}/pricing`));
    const rule = { code: 'EXTRA97', kind: 'STANDARD', name: '加推 97折', nameEn: 'Extra 3% off', rateBp: 9700 };
    expect((await http(server.url, 'POST', `/api/projects/${pid}/discounts`, manager.token, rule)).status).toBe(201);
    await termsReread;
    release();
    await expect
      .poll(
        async () =>
          (await plan
            .locator('[data-testid=document-ready]')
            .getAttribute('data-document-id')
            .catch(() => null)) ?? documentId,
        { timeout: 30_000 },
      )
      .not.toBe(documentId);
    const latest = await server.db.auditEvent.findFirst({
      where: { projectId: pid, action: 'document.rendered' },
      orderBy: { id: 'desc' },
    });
    const after = latest?.after as { kind: string; facts: Array<{ labelEn: string; value: string }> } | undefined;
    expect(after?.kind).toBe('PURCHASE_PLAN');
    expect(after?.facts.find((f) => f.labelEn === 'Plans')?.value.startsWith(second)).toBe(true);

    // The deals drawer produces the deal's 认购书.
    await page.locator('.sheet .btn--secondary', { hasText: '释放' }).click();
    const subscriptionId = await sell(server.fixture.unitIds[2] as string, { name: '李四', phone: '13900000002' });
    await page.goto(`${server.url}/p/${pid}/deals`);
    await page.locator('.deals-card', { hasText: 'A-0103' }).first().click();
    const agreement = page.locator('[data-testid=agreement-document]');
    await agreement.locator('button.docbtn__btn').click();
    const done = agreement.locator('[data-testid=document-ready]');
    await done.waitFor({ timeout: 30_000 });
    const agreementDoc = await server.db.document.findUniqueOrThrow({
      where: { id: (await done.getAttribute('data-document-id')) as string },
    });
    expect(agreementDoc).toMatchObject({ kind: 'AGREEMENT', entityId: subscriptionId });
    await page.screenshot({ path: `${SHOTS}/agreement-deal-phone.png` });
    await context.close();
    // Three renders in the documents worker (the first one also starts its thread and loads the CJK
    // font): under a loaded CI machine that can take a while.
  }, 150_000);
});
