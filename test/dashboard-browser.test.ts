/**
 * The live sales dashboard in the browser (docs/dashboard.md): a manager opens it before any sale
 * (the empty state), consultants sell from their phones' hub connections, and the figures on screen
 * change by themselves; the error state retries; going offline dims the figures and says since when.
 * At 1366×768, 1920×1080 and 3840×2160 the page fills the screen without scrolling and its type grows
 * with the screen (a 4K second screen is not a tiny island). No Content-Security-Policy violation
 * (the charts draw their tooltips on the canvas).
 *
 * Alerts and deposits show after a cashier's payment, repeated lock expiries and overdue deposits.
 *
 * A manager opens the launch replay: the violet 回放 frame, the figures at the slider's instant, "not
 * available in replay" where the record cannot tell, back to live.
 *
 * Screenshots (git-ignored) only with DASHBOARD_SHOTS=1: artifacts/screenshots/dashboard-*.png —
 * empty, then live at the three sizes in Chinese, 1920×1080 in English, and the replay at 1366×768
 * and 1920×1080 in both languages.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';
import { createBook, createCashiers, newKey, pay, subscribe } from './support/cashier.js';
import { TEST_PASSWORD } from './support/fixture.js';

let server: TestServer;
let browser: Browser;
let sellers: HubClient[];
let nextUnit = 0;
const SAVE_SHOTS = process.env.DASHBOARD_SHOTS === '1';
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;

const sell = (who: number) =>
  subscribe(sellers[who]!, server.fixture.unitIds[nextUnit++]!, {
    name: `买家${nextUnit}`,
    phone: `1370000${String(1000 + nextUnit)}`,
  });

beforeAll(async () => {
  ensureBuilt('client', 'sales-dashboard');
  server = await startTestServer({ units: 40, consultants: 3, maxLocks: 5, env: { CLIENT_DIST: 'client/dist' } });
  browser = await launchChromium();
  sellers = await Promise.all(
    ['s001', 's002', 's003'].map(async (u) => server.connect({ token: (await server.login(u)).token })),
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function shoot(page: Page, name: string): Promise<void> {
  if (SAVE_SHOTS) await page.screenshot({ path: `${SHOTS}/dashboard-${name}.png` });
}

const soldText = (page: Page) => page.locator('[data-testid=kpi-sold] .dash__kpi-value').innerText();

describe('the live dashboard in the browser', () => {
  it('empty → live sales from other clients change the figures; error-with-retry; offline; 1366 / 1920 / 4K', async () => {
    const pid = server.fixture.projectId;
    const manager = await server.login('manager');
    const target = { units: 20, area: 2000, amountFen: 100_000_000_00 };
    expect((await http(server.url, 'PUT', `/api/projects/${pid}/sales-target`, manager.token, target)).status).toBe(
      200,
    );

    const context = await browser.newContext({ viewport: SIZES[0], locale: 'zh-CN' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=username]', 'manager');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.press('input[name=password]', 'Enter');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });

    // The manager console links to the dashboard.
    await page.goto(`${server.url}/manager/${pid}`);
    // (Inline while the header has room, else in its menu.)
    const link = page.locator(`a[href="/manager/${pid}/dashboard"]:visible`);
    const menu = page.locator('.app-header__menu-button:visible');
    await expect.poll(async () => (await link.count()) + (await menu.count()), { timeout: 15_000 }).toBeGreaterThan(0);
    if ((await link.count()) === 0) await menu.click();
    await link.first().click();
    await page.waitForURL(`**/manager/${pid}/dashboard`);

    // No sale yet: the empty state, zero on the cards.
    await page.locator('.dash__banner--empty').waitFor({ timeout: 15_000 });
    expect(await soldText(page)).toBe('0 套');
    await page.locator('.conn--online').waitFor({ timeout: 15_000 });
    await shoot(page, 'empty-zh-1366');

    // Sales from other clients: the number changes by itself (no reload).
    await sell(0);
    await sell(0);
    await sell(1);
    await expect.poll(() => soldText(page), { timeout: 15_000 }).toBe('3 套');
    await expect(page.locator('.dash__banner--empty').count()).resolves.toBe(0);
    await sell(2);
    await expect.poll(() => soldText(page), { timeout: 15_000 }).toBe('4 套');
    // …and equals the database.
    const sold = await server.db.unit.count({
      where: { projectId: pid, status: { in: ['SUBSCRIBED', 'CONTRACTED'] } },
    });
    expect(sold).toBe(4);
    await expect.poll(() => page.locator('.dash__p--consultants canvas').count()).toBeGreaterThan(0);

    // A deposit at the cashier, a consultant whose locks keep expiring (recorded as the lock sweeper
    // records them) and a deposit past its deadline: the next read (the 30 s poll, or any event) shows them.
    const [cashier] = await createCashiers(server, ['dashdesk']);
    await createBook(server, manager.token, cashier!.id, 'DSH-', 1, 999);
    const deal = await server.db.subscription.findFirstOrThrow({
      where: { projectId: pid },
      orderBy: { createdAt: 'asc' },
    });
    await pay(server, cashier!.token, {
      idempotencyKey: newKey(),
      kind: 'DEPOSIT',
      subscriptionId: deal.id,
      lines: [
        { method: 'WECHAT', amount: 3_000_000, reference: 'WX-0001' },
        { method: 'CASH', amount: 2_000_000 },
      ],
    });
    const s002 = await server.db.user.findUniqueOrThrow({ where: { username: 's002' } });
    for (const unitId of server.fixture.unitIds.slice(30, 33)) {
      server.kaipan.services.audit.record({
        projectId: pid,
        actor: 'system',
        action: 'unit.lock_expired',
        entity: 'unit',
        entityId: unitId,
        before: { status: 'LOCKED', token: '1', holderId: s002.id },
        after: { status: 'AVAILABLE' },
      });
    }
    await server.kaipan.services.audit.flush();
    await server.db.subscription.updateMany({
      where: { projectId: pid, id: { not: deal.id } },
      data: { depositDueAt: new Date(Date.now() - 60_000) },
    });
    await sell(1); // an event: the dashboard reads again
    await expect.poll(() => soldText(page), { timeout: 15_000 }).toBe('5 套');
    await expect.poll(() => page.locator('.dash__alert').count(), { timeout: 15_000 }).toBe(2);

    // Each size: the whole dashboard on one screen, type that grows with it.
    const sizes: number[] = [];
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.waitForTimeout(700); // charts redraw at their new size (and finish animating)
      const fit = await page.evaluate(() => ({
        w: document.documentElement.scrollWidth,
        h: document.documentElement.scrollHeight,
        px: Number.parseFloat(getComputedStyle(document.querySelector('.dash__kpi-value')!).fontSize),
      }));
      expect(fit.w).toBeLessThanOrEqual(size.width);
      expect(fit.h).toBeLessThanOrEqual(size.height);
      sizes.push(fit.px);
      await shoot(page, `live-zh-${size.width}`);
    }
    expect(sizes[1]!).toBeGreaterThan(sizes[0]!);
    expect(sizes[2]!).toBeGreaterThanOrEqual(sizes[1]! * 1.8);

    await page.setViewportSize(SIZES[1]);
    await page.locator('.dash__lang').click();
    await expect.poll(() => soldText(page)).toBe('5 units');
    await page.waitForTimeout(700);
    await shoot(page, 'live-en-1920');
    await page.locator('.dash__lang').click();
    await page.setViewportSize(SIZES[0]);

    // The launch replay (a manager): the violet 回放 frame, the figures at the slider's instant — none
    // sold at the window's start, all five at its end — what the record cannot tell says so, and
    // "back to live" returns to the live figures.
    await page.locator('[data-testid=replay-open]').click();
    await page.locator('.dash--replay [data-testid=replay-slider]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=replay-clock]').innerText()).toContain('回放');
    await expect.poll(() => soldText(page), { timeout: 15_000 }).toBe('0 套');
    expect(await page.locator('[data-testid=kpi-deposits]').innerText()).toContain('回放中不可用');
    // Not available: deposits by method and alerts (the rankings are replayed).
    await expect.poll(() => page.locator('.dash__none--replay').count()).toBe(2);
    const slider = page.locator('[data-testid=replay-slider]');
    await slider.fill(await slider.getAttribute('max').then(String));
    await expect.poll(() => soldText(page), { timeout: 15_000 }).toBe('5 套');
    // The amount is replayed too (deal prices from the record): at the end it is the live one.
    const amountText = () => page.locator('[data-testid=kpi-amount] .dash__kpi-value').innerText();
    await page.locator('[data-testid=replay-close]').click();
    const liveAmount = await amountText();
    await page.locator('[data-testid=replay-open]').click();
    await slider.waitFor({ timeout: 15_000 });
    await slider.fill(await slider.getAttribute('max').then(String));
    await expect.poll(amountText, { timeout: 15_000 }).toBe(liveAmount);
    for (const [lang, size] of [
      ['zh', SIZES[0]],
      ['zh', SIZES[1]],
      ['en', SIZES[1]],
      ['en', SIZES[0]],
    ] as const) {
      if (lang === 'en' && (await soldText(page)).endsWith('套')) await page.locator('.dash__lang').click();
      await page.setViewportSize(size);
      await page.waitForTimeout(700);
      const fit = await page.evaluate(() => ({
        w: document.documentElement.scrollWidth,
        h: document.documentElement.scrollHeight,
      }));
      expect(fit.w).toBeLessThanOrEqual(size.width);
      expect(fit.h).toBeLessThanOrEqual(size.height);
      await shoot(page, `replay-${lang}-${size.width}`);
    }
    await page.locator('.dash__lang').click();
    await page.locator('[data-testid=replay-close]').click();
    await page.locator('.dash--replay').waitFor({ state: 'detached', timeout: 5_000 });
    await expect.poll(() => soldText(page), { timeout: 15_000 }).toBe('5 套');
    await page.locator('[data-testid=replay-clock]').waitFor({ state: 'detached', timeout: 5_000 });

    // Offline: the figures dim and the banner says since when; back online, they refresh.
    await context.setOffline(true);
    await page.locator('.dash__banner--offline').waitFor({ timeout: 10_000 });
    await shoot(page, 'offline-zh-1366');
    await context.setOffline(false);
    await page.locator('.dash__banner--offline').waitFor({ state: 'detached', timeout: 20_000 });

    // The endpoint failing on the first load: an error with a retry that works.
    await page.route('**/api/projects/*/dashboard', (route) => route.abort());
    await page.reload();
    const retry = page.locator('.dash__state button');
    await retry.waitFor({ timeout: 15_000 });
    await shoot(page, 'error-zh-1366');
    await page.unroute('**/api/projects/*/dashboard');
    await retry.click();
    await expect.poll(() => soldText(page), { timeout: 15_000 }).toBe('5 套');

    expect(violations).toEqual([]);
    await context.close();
  });
});
