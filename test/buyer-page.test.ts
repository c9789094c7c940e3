/**
 * The queue in a real browser: the buyer page (/q/<token>, phone) follows its ticket live — called,
 * a shortlisted unit locked, the layout count dropping — without a reload; and the touch kiosk
 * (/queue, 1080×1920) issues a number from the on-screen keypad and gives the same number back to
 * the same phone. Screenshots go to artifacts/screenshots/ (git-ignored) to be looked at.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CallResult,
  CustomerInfo,
  CustomerShortlist,
  LockResult,
  QueueCategoryInfo,
  TakeTicketResult,
} from '@kaipan/shared';
import { hashDeviceKey } from '../server/src/services/auth-service.js';
import { http, startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';

const KIOSK_KEY = 'test-kiosk-key-browser-0123456789';
let server: TestServer;
let browser: Browser;
let manager: string;

beforeAll(async () => {
  ensureBuilt('client');
  ensureBuilt('kiosk');
  server = await startTestServer({
    units: 12,
    consultants: 2,
    env: { CLIENT_DIST: 'client/dist', KIOSK_DIST: 'kiosk/dist' },
  });
  // The fixture has a board but no kiosk.
  await server.db.device.create({
    data: {
      projectId: server.fixture.projectId,
      kind: 'KIOSK',
      name: 'Kiosk (browser test)',
      keyHash: hashDeviceKey(KIOSK_KEY),
    },
  });
  manager = (await server.login('manager')).token;
  for (const c of [
    { code: 'VIP', name: '贵宾', nameEn: 'VIP', prefix: 'V', priority: 0 },
    { code: 'GEN', name: '普通', nameEn: 'General', prefix: 'A', priority: 1 },
  ]) {
    const res = await http<QueueCategoryInfo>(
      server.url,
      'POST',
      `/api/projects/${server.fixture.projectId}/queue/categories`,
      manager,
      c,
    );
    expect(res.status).toBe(201);
  }
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function take(body: object) {
  return http<TakeTicketResult>(
    server.url,
    'POST',
    `/api/projects/${server.fixture.projectId}/queue/tickets`,
    undefined,
    body,
    { 'x-device-key': KIOSK_KEY },
  );
}

describe('buyer page', () => {
  it('shows the number and people ahead, then the call, a locked shortlisted unit and the layout count live', async () => {
    const pid = server.fixture.projectId;
    const [first, second] = server.fixture.unitIds as [string, string];
    const phone = '13911112222';
    const customer = await http<CustomerInfo>(server.url, 'POST', `/api/projects/${pid}/customers`, manager, {
      name: '李买家',
      phone,
    });
    expect(customer.status).toBe(201);
    const shortlist = await http<CustomerShortlist>(
      server.url,
      'PUT',
      `/api/customers/${customer.body.id}/shortlist`,
      manager,
      { unitIds: [first, second] },
    );
    expect(shortlist.status).toBe(200);
    // Two buyers before ours.
    expect((await take({ category: 'GEN', phone: '13900000001' })).status).toBe(201);
    expect((await take({ category: 'GEN', phone: '13900000002' })).status).toBe(201);
    const ticket = await take({ category: 'GEN', phone });
    expect(ticket.status).toBe(201);
    expect(ticket.body.ticket.label).toBe('A003');

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    await page.goto(`${server.url}${ticket.body.buyerPath}`);
    await expect
      .poll(() => page.locator('[data-testid=ticket-number]').textContent(), { timeout: 15_000 })
      .toBe('A003');
    expect(await page.locator('[data-testid=people-ahead]').textContent()).toBe('2 人');
    expect(await page.locator('[data-testid=ticket-status]').textContent()).toBe('排队中');
    expect(await page.locator('[data-unit="A-0101"]').getAttribute('data-status')).toBe('AVAILABLE');
    const availableBefore = Number(
      /\d+/.exec((await page.locator('[data-testid=layout-available]').first().textContent()) ?? '')?.[0],
    );
    expect(availableBefore).toBeGreaterThan(0);
    // The socket is up before anything changes (the indicator says so).
    await expect
      .poll(() => page.locator('.buyer-head .conn').getAttribute('class'), { timeout: 10_000 })
      .toContain('conn--online');
    await page.screenshot({ path: `${SHOTS}/buyer-waiting-phone.png`, fullPage: true });
    // Anything below must arrive without a reload: this marker would be gone after one.
    await page.evaluate(() => Object.assign(window, { __noReload: true }));

    const called = await http<CallResult>(server.url, 'POST', `/api/projects/${pid}/queue/call-next`, manager, {
      count: 3,
    });
    expect(called.status).toBe(200);
    expect(called.body.called.map((t) => t.label)).toEqual(['A001', 'A002', 'A003']);
    await expect
      .poll(() => page.locator('.buyer-hero').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('CALLED');
    expect(await page.locator('[data-testid=ticket-status]').textContent()).toBe('已叫号');
    await expect
      .poll(() => page.locator('[data-testid=now-serving] li').first().textContent(), { timeout: 10_000 })
      .toBe('A003');

    const lock = await http<LockResult>(server.url, 'POST', `/api/units/${first}/lock`, manager, {});
    expect(lock.status).toBe(200);
    await expect
      .poll(() => page.locator('[data-unit="A-0101"]').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('LOCKED');
    expect(await page.locator('[data-unit="A-0101"] .status-pill').textContent()).toBe('已锁定');
    await expect
      .poll(
        async () =>
          Number(/\d+/.exec((await page.locator('[data-testid=layout-available]').first().textContent()) ?? '')?.[0]),
        { timeout: 10_000 },
      )
      .toBe(availableBefore - 1);
    expect(await page.locator('[data-unit="A-0102"]').getAttribute('data-status')).toBe('AVAILABLE');
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/buyer-called-phone.png`, fullPage: true });

    // An unknown token is a clear "not found", not an error to retry.
    await page.goto(`${server.url}/q/AAAAAAAAAAAAAAAAAAAAAA`);
    await expect
      .poll(() => page.locator('.state--error h2').textContent(), { timeout: 10_000 })
      .toBe('没有找到这张排号');
    await context.close();
  }, 90_000);
});

describe('queue kiosk', () => {
  it('issues a number from the keypad, and the same phone gets the same number back', async () => {
    const context = await browser.newContext({
      viewport: { width: 1080, height: 1920 },
      hasTouch: true,
      locale: 'zh-CN',
    });
    // Headless Chromium cannot print a PDF (its renderer crashes): the kiosk's own setting turns automatic printing off.
    await context.addInitScript(() => localStorage.setItem('kaipan.kiosk.autoprint', '0'));
    const page = await context.newPage();
    await page.goto(`${server.url}/queue?key=${KIOSK_KEY}`);
    const gen = page.locator('[data-category=GEN]');
    await gen.waitFor({ timeout: 15_000 });
    // The key is remembered on the device and taken out of the address bar.
    expect(page.url()).toBe(`${server.url}/queue`);
    expect(await page.evaluate(() => localStorage.getItem('kaipan.kiosk.key'))).toBe(KIOSK_KEY);
    expect(await page.locator('.k-top__title').textContent()).toBe('测试项目');
    await page.screenshot({ path: `${SHOTS}/kiosk-start-portrait.png` });

    const phone = '13722223333';
    const typePhone = async (): Promise<void> => {
      for (const digit of phone) await page.locator(`.k-keypad__key[data-key="${digit}"]`).tap();
      await expect.poll(() => page.locator('[data-testid=phone-display]').textContent()).toBe('137 2222 3333');
    };

    await gen.tap();
    await typePhone();
    await page.locator('.k-entry .k-btn--go').tap();
    const number = page.locator('[data-testid=ticket-number]');
    await number.waitFor({ timeout: 15_000 });
    const label = await number.textContent();
    expect(label).toMatch(/^A\d{3}$/);
    expect(await page.locator('.k-result').getAttribute('data-created')).toBe('true');
    expect(await page.locator('.k-already').count()).toBe(0);
    expect(await page.locator('.k-qr svg').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/kiosk-result-portrait.png` });

    // Done → the start; the same phone again (another category even) → the same number.
    await page.locator('.k-result__done').tap();
    await page.locator('[data-category=VIP]').tap();
    await typePhone();
    await page.locator('.k-entry .k-btn--go').tap();
    await expect.poll(() => page.locator('.k-result').getAttribute('data-created'), { timeout: 15_000 }).toBe('false');
    expect(await number.textContent()).toBe(label);
    expect(await page.locator('.k-already').textContent()).toBe('您已取过号，这是您原来的号码');
    await page.screenshot({ path: `${SHOTS}/kiosk-again-portrait.png` });

    expect(await server.db.queueTicket.count({ where: { projectId: server.fixture.projectId, phone } })).toBe(1);
    await context.close();
  }, 90_000);
});
