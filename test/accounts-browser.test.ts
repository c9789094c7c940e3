/**
 * The accounts screens in headless Chromium against a real server: the first administrator created
 * in the browser with a setup code (from the sign-in screen's link), a user created and their
 * password reset on /setup/users, and that user's next sign-in held on /account/password until they
 * choose a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureBuilt('client', 'users');
  server = await startTestServer({ units: 4, consultants: 1, env: { CLIENT_DIST: 'client/dist' } });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path: string, viewport = { width: 390, height: 844 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.url}${path}`);
  return page;
}

describe('accounts in the browser', () => {
  it('first run → users screen → reset → the forced change', async () => {
    // An install without an active administrator (the fixture's is set aside for this test).
    await server.db.user.updateMany({ where: { admin: true }, data: { active: false } });
    const issued = (await server.kaipan.services.firstRun.issueCode())!;

    const page = await open('/login');
    await page.click('[data-testid=first-run-link]');
    await page.waitForSelector('[data-testid=first-run-form]');
    await page.fill('input[name=setup-code]', issued.code);
    await page.fill('input[name=username]', 'owner');
    await page.fill('input[name=display-name]', '张总');
    await page.fill('input[name=password]', 'river-stone-2026');
    await page.fill('input[name=repeat-password]', 'river-stone-2026');
    await page.click('button[type=submit]');
    await page.waitForURL('**/setup/users');
    await page.waitForSelector('[data-username="owner"]');
    expect(await server.db.user.findUniqueOrThrow({ where: { username: 'owner' } })).toMatchObject({
      admin: true,
    });

    await page.click('[data-testid=user-create]');
    await page.fill('[data-testid=user-create-dialog] input[name=username]', 'wang.fang');
    await page.fill('[data-testid=user-create-dialog] input[name=display-name]', '王芳');
    await page.fill('[data-testid=user-create-dialog] input[name=password]', 'lotus-pond-1987');
    await page.click('[data-testid=user-create-dialog] button[type=submit]');
    await page.waitForSelector('[data-username="wang.fang"]');

    await page.click('[data-username="wang.fang"] [data-testid=user-reset]');
    await page.click('[data-testid=user-reset-dialog] button[type=submit]');
    const temporary = (await page.textContent('[data-testid=temporary-password]'))!.trim();
    expect(temporary).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    await page.screenshot({ path: `${SHOTS}/accounts-temporary-390.png` });
    await page.context().close();

    const user = await open('/login?next=/account');
    await user.fill('input[name=username]', 'wang.fang');
    await user.fill('input[name=password]', temporary);
    await user.click('button[type=submit]');
    await user.waitForSelector('[data-testid=password-change-required]');
    // Any other screen comes back here: the session may only change the password.
    await user.goto(`${server.url}/account`);
    await user.waitForSelector('[data-testid=password-change-required]');
    await user.fill('input[name=current-password]', temporary);
    await user.fill('input[name=new-password]', 'my-own-secret-42');
    await user.fill('input[name=repeat-password]', 'my-own-secret-42');
    await user.click('button[type=submit]');
    await user.waitForSelector('[data-testid=change-password-link]');
    expect(new URL(user.url()).pathname).toBe('/account');
    const row = await server.db.user.findUniqueOrThrow({ where: { username: 'wang.fang' } });
    expect(row.mustChangePassword).toBe(false);
    await user.context().close();

    const done = await open('/setup/first-run');
    await done.waitForSelector('[data-testid=first-run-done]');
    await done.context().close();
  }, 120_000);
});
