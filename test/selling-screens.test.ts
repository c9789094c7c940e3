/**
 * The selling rules on screen, in headless Chromium: the consultant's lock sheet says a pause stops
 * confirms (the button is disabled with the reason) and checks the buyer's phone live with the one
 * phone rule; the manager's pause dialog says what a pause stops; the registrations list shows the
 * derived sincerity deposit with a pointer to the cashier; the "selecting for" list offers only the
 * consultant's own buyers. zh and en; screenshots in artifacts/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmResult, LockResult } from '@kaipan/shared';
import { emitAck, http, startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';
import { TEST_PASSWORD } from './support/fixture.js';

let server: TestServer;
let browser: Browser;
let manager: string;
/** The registration whose sincerity deposit the cashier recorded (R0003, s001's buyer). */
let paidRegistration: string;

async function login(page: Page, username: string): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', TEST_PASSWORD);
  await page.press('input[name=password]', 'Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
}

async function setPaused(paused: boolean): Promise<void> {
  const res = await http(
    server.url,
    'POST',
    `/api/projects/${server.fixture.projectId}/${paused ? 'pause' : 'resume'}`,
    manager,
    {},
  );
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  ensureBuilt('client');
  ensureBuilt('kiosk', 'cashier');
  server = await startTestServer({
    units: 24,
    consultants: 2,
    env: { CLIENT_DIST: 'client/dist', KIOSK_DIST: 'kiosk/dist' },
  });
  browser = await launchChromium();
  manager = (await server.login('manager')).token;
  const pid = server.fixture.projectId;
  // Buyers: one of s001's, one of s002's (registered), one of s001's with its sincerity deposit recorded.
  const users = await server.db.user.findMany({ where: { username: { in: ['s001', 's002', 'cashier', 'manager'] } } });
  const id = (u: string) => users.find((x) => x.username === u)!.id;
  const regs: string[] = [];
  for (const [name, phone, owner] of [
    ['自己的买家', '13911110001', 's001'],
    ['别人的买家', '13911110002', 's002'],
    ['交了诚意金', '13911110003', 's001'],
  ] as const) {
    const c = await http<{ id: string }>(server.url, 'POST', `/api/projects/${pid}/customers`, manager, {
      name,
      phone,
      ownerId: id(owner),
    });
    const r = await http<{ id: string }>(server.url, 'POST', `/api/projects/${pid}/registrations`, manager, {
      customerId: c.body.id,
    });
    regs.push(r.body.id);
  }
  const book = await http(server.url, 'POST', `/api/projects/${pid}/receipt-books`, manager, {
    prefix: 'SC-',
    firstNumber: 1,
    lastNumber: 99,
    digits: 3,
    cashierId: id('cashier'),
  });
  expect(book.status).toBe(201);
  const cashier = (await server.login('cashier')).token;
  const paid = await http(server.url, 'POST', `/api/projects/${pid}/payments`, cashier, {
    idempotencyKey: 'screens-sincerity-1',
    kind: 'SINCERITY',
    registrationId: regs[2],
    lines: [{ method: 'CASH', amount: 20_000_00 }],
  });
  expect(paid.status).toBe(201);
  paidRegistration = regs[2]!;
  // The manager takes money at the desk too (the refund override is theirs): a book of their own.
  const managerBook = await http(server.url, 'POST', `/api/projects/${pid}/receipt-books`, manager, {
    prefix: 'SM-',
    firstNumber: 1,
    lastNumber: 99,
    digits: 3,
    cashierId: id('manager'),
  });
  expect(managerBook.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('selling rules on screen', () => {
  it('lock sheet on a phone: paused → confirm disabled with the reason; a 7-digit phone is flagged live (zh, en)', async () => {
    const pages: { page: Page; lang: 'zh' | 'en'; code: string }[] = [];
    for (const [lang, code] of [
      ['zh', 'A-0101'],
      ['en', 'A-0102'],
    ] as const) {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: lang === 'zh' ? 'zh-CN' : 'en-US',
      });
      const page = await context.newPage();
      await login(page, 's001');
      const cell = page.locator(`button[aria-label^="${code} "]`).first();
      await cell.waitFor({ timeout: 15_000 });
      await cell.click();
      await page.locator('.sheet .btn--go').click();
      await page.locator('input[name=buyer-name]').waitFor({ timeout: 10_000 });
      pages.push({ page, lang, code });
    }
    await setPaused(true);
    try {
      for (const { page, lang } of pages) {
        const note = page.locator('[data-testid=confirm-paused]');
        await note.waitFor({ timeout: 10_000 });
        expect(await note.innerText()).toContain(lang === 'zh' ? '暂不能认购' : 'no subscriptions');
        const submit = page.locator('.sheet button[type=submit]');
        await expect.poll(() => submit.isDisabled()).toBe(true);
        await page.fill('input[name=buyer-name]', lang === 'zh' ? '张三' : 'Li Lei');
        await page.fill('input[name=buyer-phone]', '1381234');
        await page.locator('input[name=buyer-name]').focus();
        const phoneError = page.locator('.buyer-form .field__error');
        await phoneError.waitFor({ timeout: 5_000 });
        expect(await phoneError.innerText()).toContain('11');
        expect(await page.locator('input[name=buyer-phone]').getAttribute('aria-invalid')).toBe('true');
        await page.screenshot({ path: `${SHOTS}/sheet-paused-${lang}-390.png` });
        await note.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${SHOTS}/sheet-paused-${lang}-390-actions.png` });
      }
    } finally {
      await setPaused(false);
    }
    // Resumed: the lock is still held; a valid number clears the error and the confirm goes through.
    const { page, code } = pages[0]!;
    await page.locator('[data-testid=confirm-paused]').waitFor({ state: 'detached', timeout: 10_000 });
    await page.fill('input[name=buyer-phone]', '138 1234 5678');
    await expect.poll(() => page.locator('.buyer-form .field__error').count()).toBe(0);
    await page.locator('.sheet button[type=submit].btn--primary').click();
    // The review 核对认购 shows the checked number; its confirm sends the subscription.
    const review = page.locator('[data-testid=confirm-review]');
    await review.waitFor({ timeout: 10_000 });
    expect(await review.locator('[data-testid=review-phone]').innerText()).toBe('138****5678');
    await review.locator('[data-testid=review-confirm]:not([disabled])').click({ timeout: 15_000 });
    await expect
      .poll(
        async () => (await server.db.unit.findFirst({ where: { code, projectId: server.fixture.projectId } }))?.status,
        { timeout: 10_000 },
      )
      .toBe('SUBSCRIBED');
    const sub = await server.db.subscription.findFirstOrThrow({
      where: { unit: { code, projectId: server.fixture.projectId } },
    });
    expect(sub.buyerPhone).toBe('13812345678');
    for (const p of pages) await p.page.context().close();
  }, 120_000);

  it('the "selecting for" list offers only my own buyers', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    await login(page, 's001');
    const bar = page.locator('.buyer-bar');
    await bar.waitFor({ timeout: 15_000 });
    await bar.locator('button').first().click();
    const list = page.locator('.buyer-list');
    await list.waitFor({ timeout: 5_000 });
    const text = await list.innerText();
    expect(text).toContain('自己的买家');
    expect(text).toContain('交了诚意金');
    expect(text).not.toContain('别人的买家');
    await page.screenshot({ path: `${SHOTS}/buyer-bar-own-only-390.png` });
    await context.close();
  }, 60_000);

  it('manager: the pause dialog says confirms stop too; the registrations list shows the derived deposit (zh, en)', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const context = await browser.newContext({
        viewport: { width: 1366, height: 768 },
        locale: lang === 'zh' ? 'zh-CN' : 'en-US',
      });
      const page = await context.newPage();
      await login(page, 'manager');
      await page.goto(`${server.url}/manager/${server.fixture.projectId}`);
      const pauseButton = page.locator('header .btn--danger').first();
      await pauseButton.waitFor({ timeout: 15_000 });
      await expect.poll(() => pauseButton.isEnabled()).toBe(true);
      await pauseButton.click();
      const dialog = page.locator('[role=alertdialog]');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(
        lang === 'zh' ? '已锁定的房源同样不能认购' : 'not even units already locked',
      );
      await page.screenshot({ path: `${SHOTS}/manager-pause-dialog-${lang}-1366.png` });
      await dialog.locator('.btn--secondary').click();

      const panel = page.locator('.reg-panel');
      await panel.scrollIntoViewIfNeeded();
      await panel.locator('[data-testid=reg-deposit]').first().waitFor({ timeout: 10_000 });
      const pills = await panel.locator('[data-testid=reg-deposit]').allInnerTexts();
      expect(pills.filter((p) => p === (lang === 'zh' ? '已收' : 'Paid'))).toHaveLength(1);
      expect(await panel.locator('.switch').count()).toBe(0);
      expect(await panel.locator('.reg-note a[href="/cashier"]').count()).toBe(1);
      await panel.screenshot({ path: `${SHOTS}/manager-registrations-${lang}-1366.png` });
      await context.close();
    }
  }, 120_000);

  it('cashier desk: a manager refunds a sincerity deposit against a live deal only with the override (zh, 1366)', async () => {
    // s001 sells a unit to the household that paid its sincerity deposit (R0003): a live deal.
    const socket = await server.connect({ token: (await server.login('s001')).token });
    const unitId = server.fixture.unitIds[10]!;
    const lock = await emitAck<LockResult>(socket, 'unit:lock', { unitId, registrationId: paidRegistration });
    if (!lock.ok) throw new Error(lock.error.code);
    const confirm = await emitAck<ConfirmResult>(socket, 'unit:confirm', { unitId, token: lock.data.token });
    expect(confirm.ok).toBe(true);

    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    await context.addInitScript(() => localStorage.setItem('kaipan.kiosk.locale', 'zh-CN'));
    const page = await context.newPage();
    await page.goto(`${server.url}/cashier`);
    await page.locator('input[name=username]').waitFor({ timeout: 15_000 });
    await page.fill('input[name=username]', 'manager');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=desk-search]').waitFor({ timeout: 15_000 });
    await page.fill('[data-testid=desk-search]', 'R0003');
    await page.keyboard.press('Enter');
    // The household brings its deal along: open the registration among the results.
    await page.locator('.c-results [data-registration="R0003"]').click({ timeout: 15_000 });
    await page.locator('[data-testid=registration-panel]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=payments-table] button', { hasText: '退款' }).first().click();
    const dialog = page.locator('[data-testid=refund-dialog]');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('退筹');
    await page.fill('[data-testid=refund-reason]', '客户另交定金，退诚意金');
    // Without the override: refused, with the reason.
    await dialog.locator('button[type=submit]').click();
    await page.locator('[data-testid=refund-confirm]').click();
    await expect.poll(() => dialog.innerText(), { timeout: 10_000 }).toContain('在售认购');
    await page.screenshot({ path: `${SHOTS}/cashier-refund-live-deal-refused-zh-1366.png` });
    expect(await server.db.payment.count({ where: { kind: 'REFUND', registrationId: paidRegistration } })).toBe(0);
    // With the manager's approval ticked: refunded.
    await dialog.locator('button', { hasText: '返回' }).click();
    await page.locator('[data-testid=refund-override]').check();
    await page.screenshot({ path: `${SHOTS}/cashier-refund-override-zh-1366.png` });
    await dialog.locator('button[type=submit]').click();
    await page.locator('[data-testid=refund-confirm]').click();
    await expect
      .poll(() => server.db.payment.count({ where: { kind: 'REFUND', registrationId: paidRegistration } }), {
        timeout: 10_000,
      })
      .toBe(1);
    await context.close();
  }, 120_000);
});
