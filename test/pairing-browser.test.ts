/**
 * Pairing a screen without typing a key, end to end in headless Chromium against the real server:
 * a TV (1920×1080) opens /board with no key and shows a QR code and a code; a manager's signed-in
 * phone (390×844) opens the QR code's address, picks the project, kind and name, approves; the TV
 * claims its key, stores it and starts the board. Revoked, the board says "this screen was removed —
 * pair again" within seconds. The calling screen pairs the same way. The devices section of the
 * setup area is shot at 1366×768 and 390×844, zh and en. Screenshots: artifacts/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDevice, DeviceInfo } from '@kaipan/shared';
import { http, startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';
import { TEST_PASSWORD } from './support/fixture.js';

let server: TestServer;
let browser: Browser;
let manager: string;
let pid: string;

beforeAll(async () => {
  ensureBuilt('client', 'pair');
  ensureBuilt('kiosk');
  server = await startTestServer({
    units: 8,
    consultants: 1,
    env: { CLIENT_DIST: 'client/dist', KIOSK_DIST: 'kiosk/dist' },
  });
  pid = server.fixture.projectId;
  manager = (await server.login('manager')).token;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const TV = { width: 1920, height: 1080 } as const;

async function signedInPhone(locale: 'zh-CN' | 'en'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=username]', 'manager');
  await page.fill('input[name=password]', TEST_PASSWORD);
  await page.press('input[name=password]', 'Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
  return { context, page };
}

/** The code the screen shows (ABCD-EFGH) as the URL carries it. */
async function shownCode(page: Page): Promise<string> {
  const text = await page.locator('[data-testid=pairing-code]').textContent({ timeout: 15_000 });
  return (text ?? '').replace('-', '').trim();
}

describe('pairing a screen by QR code', () => {
  it('a TV pairs as a wall board from the manager’s phone, starts, and is told when it is removed', async () => {
    const tvContext = await browser.newContext({ viewport: TV, locale: 'zh-CN' });
    const tv = await tvContext.newPage();
    await tv.goto(`${server.url}/board`);
    const code = await shownCode(tv);
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    // The QR code is drawn (an SVG) and names the code; the key is nowhere on the screen.
    await tv.locator('.kp-pair__qr svg').waitFor({ timeout: 10_000 });
    await tv.screenshot({ path: `${SHOTS}/pairing-tv-board.png` });

    const { context: phoneContext, page: phone } = await signedInPhone('zh-CN');
    // What the QR code holds: /pair/<code> on this server.
    await phone.goto(`${server.url}/pair/${code}`);
    await phone.locator('[data-testid=pair-form]').waitFor({ timeout: 15_000 });
    await phone.fill('input[name=name]', '大厅左屏 Hall left');
    await phone.screenshot({ path: `${SHOTS}/pairing-phone-approve-zh-CN.png` });
    await phone.locator('[data-testid=pair-form] button[type=submit]').click();
    await phone.locator('[data-testid=pair-done]').waitFor({ timeout: 10_000 });
    await phone.screenshot({ path: `${SHOTS}/pairing-phone-done-zh-CN.png` });

    // The TV claims its key, stores it and opens the board of the project.
    await tv.waitForURL(`**/board/${pid}`, { timeout: 15_000 });
    await tv.locator('.board__header').waitFor({ timeout: 15_000 });
    const stored = await tv.evaluate((p) => localStorage.getItem(`kaipan.board.${p}`), pid);
    expect(stored).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(tv.url()).not.toContain(stored!);
    const device = await server.db.device.findFirstOrThrow({ where: { projectId: pid, name: '大厅左屏 Hall left' } });
    expect(device.kind).toBe('BOARD');
    await tv.screenshot({ path: `${SHOTS}/pairing-tv-board-started.png` });

    // Used: the phone opened again on the same code is told so.
    await phone.goto(`${server.url}/pair/${code}`);
    await expect.poll(() => phone.locator('.state, [role=alert]').first().textContent()).toMatch(/已被使用|used/);
    await phoneContext.close();

    // Removed: the board is cut and says so, and shows a new pairing code.
    expect((await http(server.url, 'DELETE', `/api/devices/${device.id}`, manager)).status).toBe(200);
    await tv.locator('[data-testid=pairing-revoked]').waitFor({ timeout: 5_000 });
    expect(await tv.locator('[data-testid=pairing-revoked]').textContent()).toContain('此屏幕已被管理员移除');
    expect(await shownCode(tv)).not.toBe(code);
    expect(await tv.evaluate((p) => localStorage.getItem(`kaipan.board.${p}`), pid)).toBeNull();
    await tv.screenshot({ path: `${SHOTS}/pairing-tv-board-revoked.png` });
    await tvContext.close();
  }, 120_000);

  it('a calling screen pairs the same way (English phone) and starts', async () => {
    const tvContext = await browser.newContext({ viewport: TV, locale: 'en' });
    const tv = await tvContext.newPage();
    await tv.goto(`${server.url}/queue/screen`);
    const code = await shownCode(tv);
    await tv.screenshot({ path: `${SHOTS}/pairing-tv-calling.png` });
    const { context: phoneContext, page: phone } = await signedInPhone('en');
    await phone.goto(`${server.url}/pair/${code}`);
    await phone.locator('[data-testid=pair-form]').waitFor({ timeout: 15_000 });
    // The kind the screen asked as is preselected.
    expect(await phone.locator('input[name=kind][value=CALLING]').isChecked()).toBe(true);
    await phone.screenshot({ path: `${SHOTS}/pairing-phone-approve-en.png` });
    await phone.locator('[data-testid=pair-form] button[type=submit]').click();
    await phone.locator('[data-testid=pair-done]').waitFor({ timeout: 10_000 });
    await phone.screenshot({ path: `${SHOTS}/pairing-phone-done-en.png` });
    await phoneContext.close();
    await tv.locator('[data-testid=pairing-screen]').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await tv.evaluate(() => localStorage.getItem('kaipan.kiosk.key'))).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const device = await server.db.device.findFirstOrThrow({ where: { projectId: pid, kind: 'CALLING' } });
    expect(device.active).toBe(true);
    await tv.screenshot({ path: `${SHOTS}/pairing-tv-calling-started.png` });

    // Removed: the calling screen forgets its key and says so on a new pairing screen.
    expect((await http(server.url, 'DELETE', `/api/devices/${device.id}`, manager)).status).toBe(200);
    await tv.locator('[data-testid=pairing-revoked]').waitFor({ timeout: 5_000 });
    expect(await tv.evaluate(() => localStorage.getItem('kaipan.kiosk.key'))).toBeNull();
    await tv.screenshot({ path: `${SHOTS}/pairing-tv-calling-revoked.png` });
    await tvContext.close();
  }, 120_000);

  it('the pairing screen fits a 1366×768 screen and a portrait kiosk (shots)', async () => {
    for (const [name, path, viewport] of [
      ['board-1366', '/board', { width: 1366, height: 768 }],
      ['kiosk-portrait', '/queue', { width: 1080, height: 1920 }],
      ['kiosk-1366', '/queue', { width: 1366, height: 768 }],
    ] as const) {
      const context = await browser.newContext({ viewport, locale: 'zh-CN' });
      const page = await context.newPage();
      await page.goto(`${server.url}${path}`);
      await shownCode(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
      expect(overflow, `${name} fits without scrolling`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SHOTS}/pairing-${name}.png` });
      await context.close();
    }
  }, 120_000);

  it('the devices section: list, a new key shown once with its link, rename, remove (shots)', async () => {
    const created = await http<CreatedDevice>(server.url, 'POST', `/api/projects/${pid}/devices`, manager, {
      kind: 'KIOSK',
      name: '排号机 Kiosk 1',
    });
    expect(created.status).toBe(201);
    for (const [viewport, locale] of [
      [{ width: 1366, height: 768 }, 'zh-CN'],
      [{ width: 1366, height: 768 }, 'en'],
      [{ width: 390, height: 844 }, 'zh-CN'],
      [{ width: 390, height: 844 }, 'en'],
    ] as const) {
      const context = await browser.newContext({ viewport, locale });
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await page.fill('input[name=username]', 'manager');
      await page.fill('input[name=password]', TEST_PASSWORD);
      await page.press('input[name=password]', 'Enter');
      await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
      await page.goto(`${server.url}/setup/${pid}/devices`);
      await page.locator('[data-testid=device-row]').first().waitFor({ timeout: 15_000 });
      const tag = `${viewport.width}-${locale}`;
      await page.screenshot({ path: `${SHOTS}/devices-list-${tag}.png`, fullPage: true });
      // Add one: its key and link are shown this once.
      await page.locator('input[name=kind][value=CASHIER_DESK]').check();
      await page.fill('input[name=name]', `收银台 Desk ${tag}`);
      await page.locator('.devices__form button[type=submit]').click();
      await page.locator('[data-testid=device-created]').waitFor({ timeout: 10_000 });
      const key = await page.locator('[data-testid=device-key]').textContent();
      expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(await page.locator('.devices__link').getAttribute('href')).toContain(`/cashier?key=${key}`);
      await page.screenshot({ path: `${SHOTS}/devices-created-${tag}.png`, fullPage: true });
      await page.locator('[data-testid=device-created] .btn--primary').click();
      await context.close();
    }

    // Rename and remove through the page (1366×768, zh).
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=username]', 'manager');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.press('input[name=password]', 'Enter');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
    await page.goto(`${server.url}/setup/${pid}/devices`);
    const row = page.locator('[data-testid=device-row]', { hasText: '排号机 Kiosk 1' });
    await row.locator('button', { hasText: '重命名' }).click();
    // Editing: the row holds the name in its input now (one row edits at a time).
    const editing = page.locator('.devices__rename');
    await editing.locator('input').fill('排号机 东门');
    await editing.locator('button[type=submit]').click();
    await page.locator('[data-testid=device-row]', { hasText: '排号机 东门' }).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=device-row]', { hasText: '排号机 东门' }).locator('.btn--danger').click();
    await page.screenshot({ path: `${SHOTS}/devices-revoke-confirm-1366-zh-CN.png` });
    await page.locator('[role=alertdialog] .btn--danger').click();
    await page.locator('[data-testid=device-row]', { hasText: '排号机 东门' }).waitFor({ state: 'detached' });
    const list = await http<DeviceInfo[]>(server.url, 'GET', `/api/projects/${pid}/devices`, manager);
    expect(list.body.some((d) => d.id === created.body.id)).toBe(false);
    await context.close();
  }, 180_000);
});
