/**
 * The whole morning in a real browser: a consultant on a phone-sized screen locks and confirms a
 * unit; a wall board at 1920×1080 shows it subscribed within a second, and resynchronises by itself
 * after a server restart. Screenshots go to artifacts/screenshots/ (git-ignored) to be looked at.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockResult } from '@kaipan/shared';
import { http, startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';
import { TEST_BOARD_KEY, TEST_PASSWORD } from './support/fixture.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureBuilt('client');
  server = await startTestServer({ units: 24, consultants: 2, env: { CLIENT_DIST: 'client/dist' } });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('launch morning in the browser', () => {
  it('consultant locks and confirms on a phone; the board shows it within 1 s and survives a restart', async () => {
    const boardContext = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
    const board = await boardContext.newPage();
    await board.goto(`${server.url}/board/${server.fixture.projectId}?key=${TEST_BOARD_KEY}`);
    const boardCell = (code: string) => board.locator(`[aria-label^="${code} "]`).first();
    await expect.poll(() => boardCell('A-0101').count(), { timeout: 15_000 }).toBe(1);
    // The wall fits without scrolling.
    const overflow = await board.evaluate(() => ({
      w: document.documentElement.scrollWidth,
      h: document.documentElement.scrollHeight,
    }));
    expect(overflow.w).toBeLessThanOrEqual(1920);
    expect(overflow.h).toBeLessThanOrEqual(1080);

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await phone.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=username]', 's001');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.press('input[name=password]', 'Enter');
    const cell = page.locator('button[aria-label^="A-0101 "]').first();
    await cell.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${SHOTS}/e2e-grid-phone.png` });
    await cell.click();
    await page.locator('.btn--go').click();
    await page.locator('input[name=buyer-name]').waitFor();
    await expect.poll(() => boardCell('A-0101').getAttribute('class')).toContain('btile--locked');
    await page.screenshot({ path: `${SHOTS}/e2e-locked-phone.png` });
    await page.fill('input[name=buyer-name]', '张三丰');
    await page.fill('input[name=buyer-phone]', '13812345678');
    await page.locator('button[type=submit].btn--primary').click();
    // The review step 核对认购: the price in figures and 大写, then "确认认购" sends the confirm.
    await page.locator('[data-testid=review-capitals]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=review-confirm]').click();

    // The sale is in PostgreSQL…
    await expect
      .poll(
        async () =>
          (await server.db.unit.findFirst({ where: { code: 'A-0101', projectId: server.fixture.projectId } }))?.status,
        { timeout: 5_000 },
      )
      .toBe('SUBSCRIBED');
    const committedAt = Date.now();
    // …and on the wall within a second.
    await expect
      .poll(() => boardCell('A-0101').getAttribute('class'), { timeout: 1_000, interval: 50 })
      .toContain('btile--subscribed');
    console.log(
      `[browser] board showed the subscription ${Date.now() - committedAt} ms after the commit was visible in PostgreSQL`,
    );
    await expect.poll(() => board.locator('body').innerText()).toContain('张**');
    await page.screenshot({ path: `${SHOTS}/e2e-confirmed-phone.png` });
    await board.screenshot({ path: `${SHOTS}/e2e-board-1920.png` });

    // Server restart: the board reconnects and resynchronises by itself.
    await server.restart();
    const manager = await server.login('manager');
    const unitId = server.fixture.unitIds[1]!;
    const lock = await http<LockResult>(server.url, 'POST', `/api/units/${unitId}/lock`, manager.token, {});
    expect(lock.status).toBe(200);
    await expect
      .poll(() => boardCell('A-0102').getAttribute('class'), { timeout: 10_000, interval: 100 })
      .toContain('btile--locked');
    await board.screenshot({ path: `${SHOTS}/e2e-board-after-restart.png` });
    await boardContext.close();
    await phone.close();
  }, 120_000);

  it('the board shows the numbers being called and a lottery result, live, and still fits 1920×1080', async () => {
    const pid = server.fixture.projectId;
    const manager = (await server.login('manager')).token;
    const post = async (path: string, body: object) => {
      const res = await http<{ id: string; label?: string }>(server.url, 'POST', path, manager, body);
      expect(res.status).toBeLessThan(300);
      return res.body;
    };
    const boardContext = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
    const board = await boardContext.newPage();
    await board.goto(`${server.url}/board/${pid}?key=${TEST_BOARD_KEY}`);
    await board.locator('.board-legend').waitFor({ timeout: 15_000 });
    expect(await board.locator('.serving').count()).toBe(0); // no queue activity: no empty box

    await post(`/api/projects/${pid}/queue/categories`, { code: 'GEN', name: '普通', nameEn: 'General', prefix: 'A' });
    for (let i = 0; i < 4; i += 1)
      await post(`/api/projects/${pid}/queue/tickets`, { category: 'GEN', phone: `1370000000${i}` });
    await post(`/api/projects/${pid}/queue/call-next`, { count: 1, idempotencyKey: 'browser-call-1' });
    await post(`/api/projects/${pid}/queue/call-next`, { count: 1, idempotencyKey: 'browser-call-2' });
    await expect.poll(() => board.locator('.serving__latest').first().innerText(), { timeout: 5_000 }).toBe('A002');
    await expect.poll(() => board.locator('.serving').innerText()).toContain('A003');
    await board.screenshot({ path: `${SHOTS}/e2e-board-serving.png` });

    for (let i = 0; i < 3; i += 1) {
      const customer = await post(`/api/projects/${pid}/customers`, { name: `摇号客户${i}`, phone: `1360000000${i}` });
      await post(`/api/projects/${pid}/registrations`, { customerId: customer.id });
    }
    // No sincerity deposits recorded here (deposits are the cashier's payments): every active household draws.
    const draw = await post(`/api/projects/${pid}/lotteries`, {
      title: '浏览器摇号 Browser draw',
      eligible: 'ALL_ACTIVE',
    });
    await post(`/api/lotteries/${draw.id}/draw`, {});
    const panel = board.locator('.board-lottery');
    await panel.waitFor({ timeout: 5_000 });
    expect(await panel.innerText()).toContain('浏览器摇号 Browser draw');
    expect(await panel.locator('.board-lottery__label').allInnerTexts()).toHaveLength(3);
    await expect.poll(() => panel.locator('.board-lottery__url').innerText()).toContain(`/lottery/${draw.id}`);
    await expect.poll(() => panel.locator('.board-lottery__qr svg').count()).toBe(1);
    const size = await board.evaluate(() => ({
      w: document.documentElement.scrollWidth,
      h: document.documentElement.scrollHeight,
    }));
    expect(size.w).toBeLessThanOrEqual(1920);
    expect(size.h).toBeLessThanOrEqual(1080);
    await board.screenshot({ path: `${SHOTS}/e2e-board-lottery.png` });

    // A board that starts within the display minute shows the result too (GET …/lotteries/latest).
    await board.reload();
    await board.locator('.board-lottery').waitFor({ timeout: 15_000 });
    await boardContext.close();
  }, 120_000);
});
