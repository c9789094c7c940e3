/**
 * The queue kiosk's setup screen in headless Chromium (portrait kiosk 1080×1920 and 1366×768, zh and
 * en): held open from the kiosk, it asks for the kiosk PIN; without it nothing can be changed (no PIN
 * set, wrong PIN, the device waiting after wrong PINs, a PIN changed meanwhile); with it, printing is
 * switched and audited. The first setup of a device needs only its key. Managers set the PIN on the
 * manager page. Screenshots go to artifacts/screenshots/ (git-ignored).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueCategoryInfo } from '@kaipan/shared';
import { hashDeviceKey } from '../server/src/services/auth-service.js';
import { http, startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';
import { TEST_PASSWORD } from './support/fixture.js';

const KIOSK_KEY = 'test-kiosk-key-setup-0123456789ab';
let server: TestServer;
let browser: Browser;
let admin: string;

beforeAll(async () => {
  ensureBuilt('client');
  ensureBuilt('kiosk');
  server = await startTestServer({
    units: 8,
    consultants: 1,
    env: { CLIENT_DIST: 'client/dist', KIOSK_DIST: 'kiosk/dist' },
  });
  await server.db.device.create({
    data: {
      projectId: server.fixture.projectId,
      kind: 'KIOSK',
      name: 'Kiosk (setup test)',
      keyHash: hashDeviceKey(KIOSK_KEY),
    },
  });
  admin = (await server.login('admin')).token;
  const res = await http<QueueCategoryInfo>(
    server.url,
    'POST',
    `/api/projects/${server.fixture.projectId}/queue/categories`,
    admin,
    {
      code: 'GEN',
      name: '普通',
      nameEn: 'General',
      prefix: 'A',
      priority: 1,
    },
  );
  expect(res.status).toBe(201);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const PORTRAIT = { width: 1080, height: 1920 } as const;
const LAPTOP = { width: 1366, height: 768 } as const;

/** A kiosk that was set up before: its key (and printing on) are in its storage. */
async function setUpKiosk(
  viewport: { width: number; height: number },
  locale: 'zh-CN' | 'en',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, hasTouch: true, locale });
  await context.addInitScript((key) => {
    if (!localStorage.getItem('kaipan.kiosk.key')) localStorage.setItem('kaipan.kiosk.key', key);
    if (!localStorage.getItem('kaipan.kiosk.autoprint')) localStorage.setItem('kaipan.kiosk.autoprint', '1');
  }, KIOSK_KEY);
  const page = await context.newPage();
  return { context, page };
}

async function typePin(page: Page, pin: string): Promise<void> {
  await page.locator('.k-keypad__key[data-key=clear]').click();
  for (const d of pin) await page.locator(`.k-keypad__key[data-key="${d}"]`).click();
  await page.locator('[data-testid=pin-submit]').click();
}

const autoPrintStored = (page: Page) => page.evaluate(() => localStorage.getItem('kaipan.kiosk.autoprint'));
const setPin = async (pin: string) =>
  expect(
    (await http(server.url, 'PUT', `/api/projects/${server.fixture.projectId}/kiosk-pin`, admin, { pin })).status,
  ).toBe(200);

describe('kiosk setup screen', () => {
  it('held open from the kiosk it asks for the PIN; without it nothing changes, with it printing is switched (audited)', async () => {
    const { context, page } = await setUpKiosk(PORTRAIT, 'zh-CN');
    await page.goto(`${server.url}/queue`);
    const brand = page.locator('.k-top__brand');
    await brand.waitFor({ timeout: 15_000 });
    // A buyer holds the logo for three seconds…
    await brand.dispatchEvent('pointerdown');
    await page.waitForURL('**/queue/setup', { timeout: 6_000 });
    // …and meets a PIN pad: no settings on screen.
    await page.locator('[data-testid=setup-pin]').waitFor({ timeout: 10_000 });
    expect(await page.locator('input[name=auto-print]').count()).toBe(0);
    expect(await page.locator('[data-testid=setup-key]').count()).toBe(0);

    // No PIN set for the project yet: the screen says who sets it, and stays locked.
    await typePin(page, '1234');
    await page.locator('[data-testid=setup-no-pin]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=setup-no-pin]').innerText()).toContain('销控经理');
    await page.screenshot({ path: `${SHOTS}/kiosk-setup-no-pin-portrait-zh-CN.png` });

    // A PIN is set: a wrong one is refused, counts down the tries, then makes the device wait.
    await setPin('482915');
    await page.reload();
    await page.locator('[data-testid=setup-pin]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/kiosk-setup-pin-portrait-zh-CN.png` });
    await typePin(page, '1111');
    await expect
      .poll(() => page.locator('.k-entry__hint[role=alert]').innerText(), { timeout: 10_000 })
      .toContain('还可再试 2 次');
    await typePin(page, '2222');
    await expect
      .poll(() => page.locator('.k-entry__hint[role=alert]').innerText(), { timeout: 10_000 })
      .toContain('还可再试 1 次');
    await typePin(page, '3333');
    await page.locator('[data-testid=pin-wait]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=pin-wait]').innerText()).toMatch(/请 (29|30) 秒后再试/);
    expect(await page.locator('.k-keypad__key[data-key="4"]').isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/kiosk-setup-pin-wait-portrait-zh-CN.png` });
    expect(await page.locator('input[name=auto-print]').count()).toBe(0);
    expect(await autoPrintStored(page)).toBe('1');

    // The manager sets the PIN again (it also ends the wait); the right PIN opens the settings.
    await setPin('482915');
    await page.reload();
    await page.locator('[data-testid=setup-pin]').waitFor({ timeout: 10_000 });
    await typePin(page, '482915');
    await page.locator('[data-testid=setup-ready]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/kiosk-setup-ready-portrait-zh-CN.png` });
    const print = page.locator('input[name=auto-print]');
    expect(await print.isChecked()).toBe(true);
    await print.click();
    await expect.poll(() => autoPrintStored(page)).toBe('0');
    expect(await print.isChecked()).toBe(false);
    const device = await server.db.device.findFirstOrThrow({ where: { keyHash: hashDeviceKey(KIOSK_KEY) } });
    const events = await server.db.auditEvent.findMany({ where: { entityId: device.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, (e.after as { action?: string; reason?: string }).action])).toEqual([
      ['device.setup.refused', 'unlock'],
      ['device.setup.refused', 'unlock'],
      ['device.setup.refused', 'unlock'],
      ['device.setup.refused', 'unlock'],
      ['device.setup', 'unlock'],
      ['device.setup', 'print-off'],
    ]);

    // The PIN changes while the settings are open: the next change is refused, back to the PIN pad.
    await setPin('777111');
    await print.click();
    await page.locator('[data-testid=setup-pin]').waitFor({ timeout: 10_000 });
    expect(await autoPrintStored(page)).toBe('0');
    await context.close();
  }, 120_000);

  it('looks right in English and on a 1366×768 screen (shots)', async () => {
    await setPin('482915');
    for (const [name, viewport, locale] of [
      ['portrait', PORTRAIT, 'en'],
      ['laptop', LAPTOP, 'zh-CN'],
      ['laptop', LAPTOP, 'en'],
    ] as const) {
      const { context, page } = await setUpKiosk(viewport, locale);
      await page.goto(`${server.url}/queue/setup`);
      await page.locator('[data-testid=setup-pin]').waitFor({ timeout: 15_000 });
      for (const d of '48') await page.locator(`.k-keypad__key[data-key="${d}"]`).click();
      await page.screenshot({ path: `${SHOTS}/kiosk-setup-pin-${name}-${locale}.png` });
      await typePin(page, '482915');
      await page.locator('[data-testid=setup-ready]').waitFor({ timeout: 10_000 });
      await page.screenshot({ path: `${SHOTS}/kiosk-setup-ready-${name}-${locale}.png` });
      await context.close();
    }
  }, 120_000);

  it('the first setup of a device needs only its key', async () => {
    const context = await browser.newContext({ viewport: PORTRAIT, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/queue/setup`);
    await page.locator('[data-testid=setup-key]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=setup-pin]').count()).toBe(0);
    await page.fill('input[name=device-key]', 'not-a-kiosk-key-at-all-0000');
    await page.locator('[data-testid=setup-key] button[type=submit]').click();
    await page.locator('[data-testid=setup-key] .k-error').waitFor({ timeout: 10_000 });
    await page.fill('input[name=device-key]', KIOSK_KEY);
    await page.locator('[data-testid=setup-key] button[type=submit]').click();
    await page.locator('[data-testid=setup-ready]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/kiosk-setup-first-portrait-zh-CN.png` });
    await page.locator('input[name=auto-print]').click();
    expect(await autoPrintStored(page)).toBe('0');
    // Back on the kiosk, the next visit to the setup asks for the PIN.
    await page.locator('.k-mode').first().click();
    await page.waitForURL('**/queue');
    await page.goto(`${server.url}/queue/setup`);
    await page.locator('[data-testid=setup-pin]').waitFor({ timeout: 10_000 });
    await context.close();
  }, 120_000);

  it('managers set the PIN in the project settings (stored hashed, shown only as set)', async () => {
    await server.db.project.update({ where: { id: server.fixture.projectId }, data: { kioskPinHash: null } });
    for (const [name, viewport, locale] of [
      ['laptop', LAPTOP, 'zh-CN'],
      ['phone', { width: 390, height: 844 }, 'en'],
    ] as const) {
      const context = await browser.newContext({ viewport, locale });
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await page.fill('input[name=username]', 'manager');
      await page.fill('input[name=password]', TEST_PASSWORD);
      await page.press('input[name=password]', 'Enter');
      await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
      await page.goto(`${server.url}/manager/${server.fixture.projectId}`);
      const form = page.locator('[data-testid=kiosk-pin]');
      await form.waitFor({ timeout: 15_000 });
      await form.scrollIntoViewIfNeeded();
      if (name === 'laptop') {
        expect(await form.innerText()).toContain('未设置');
        await form.locator('input[name=kiosk-pin]').fill('12');
        await form.locator('button[type=submit]').click();
        await form.locator('.alert--error').waitFor();
        await page.screenshot({ path: `${SHOTS}/manager-kiosk-pin-invalid-${name}-${locale}.png` });
        await form.locator('input[name=kiosk-pin]').fill('605040');
        await form.locator('button[type=submit]').click();
        await expect.poll(() => form.innerText(), { timeout: 10_000 }).toContain('已设置');
        const row = await server.db.project.findUniqueOrThrow({
          where: { id: server.fixture.projectId },
          select: { kioskPinHash: true },
        });
        expect(row.kioskPinHash).toMatch(/^scrypt\$/);
        expect(await form.locator('input[name=kiosk-pin]').inputValue()).toBe('');
      }
      await page.screenshot({ path: `${SHOTS}/manager-kiosk-pin-${name}-${locale}.png` });
      await context.close();
    }
    // The PIN set on the manager page opens a kiosk's setup.
    const ok = await http(
      server.url,
      'POST',
      '/api/kiosk/setup',
      undefined,
      { pin: '605040', action: 'unlock' },
      { 'x-device-key': KIOSK_KEY },
    );
    expect(ok.status).toBe(200);
  }, 120_000);
});
