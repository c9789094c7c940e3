/**
 * The manager console in headless Chromium (issue 15 "Manager screens found wanting"): a unit found
 * by its code opens in the side drawer with the focus on it, the "?" list of shortcuts (never while
 * typing), and the selection withheld and put back on sale in one action (a locked unit untouched).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LockResult } from '@kaipan/shared';
import { http, startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureBuilt('client', 'manager');
  server = await startTestServer({ units: 8, consultants: 1, env: { CLIENT_DIST: 'client/dist' } });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function managerConsole(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=username]', 'manager');
  await page.fill('input[name=password]', 'pw-test');
  await page.press('input[name=password]', 'Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
  await page.goto(`${server.url}/manager/${server.fixture.projectId}`);
  await page.locator('.manager__grids button[aria-label]').first().waitFor({ timeout: 15_000 });
  return page;
}

const codeOf = async (unitId: string): Promise<string> =>
  (await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).code;

describe('manager console', () => {
  it('finds a unit by code: the drawer opens in view with the focus on it; Esc closes it', async () => {
    const page = await managerConsole();
    const code = await codeOf(server.fixture.unitIds[5]!);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('unit-code');
    await page.keyboard.type(code.toLowerCase());
    await page.keyboard.press('Enter');
    const drawer = page.locator('[data-testid=unit-drawer]');
    await drawer.waitFor();
    expect(await drawer.locator('.panel__code').innerText()).toBe(code);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('side-drawer-title');
    const box = (await drawer.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    await page.screenshot({ path: `${SHOTS}/manager-find-drawer-1366.png` });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    // A code that does not exist says so.
    await page.fill('input[name=unit-code]', 'X-9999');
    await page.press('input[name=unit-code]', 'Enter');
    await page.getByText('没有房号 X-9999').waitFor();
    await page.context().close();
  });

  it('lists the shortcuts on "?", but a "?" typed into a field is text', async () => {
    const page = await managerConsole();
    await page.fill('input[name=unit-code]', '');
    await page.focus('input[name=unit-code]');
    await page.keyboard.type('?');
    expect(await page.locator('[data-testid=shortcut-help]').count()).toBe(0);
    expect(await page.inputValue('input[name=unit-code]')).toBe('?');
    await page.locator('.toolbar__hint').click();
    await page.keyboard.press('?');
    const help = page.locator('[data-testid=shortcut-help]');
    await help.waitFor();
    expect(await help.locator('kbd').allInnerTexts()).toEqual(expect.arrayContaining(['/', 'F2', 'S', 'Esc', '?']));
    await page.screenshot({ path: `${SHOTS}/manager-shortcuts-1366.png` });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // S: select mode (its panels appear).
    await page.keyboard.press('s');
    await page.locator('[data-testid=bulk-withhold]').waitFor();
    await page.context().close();
  });

  it('withholds the selection with one reason and puts it back on sale; a locked unit stays untouched', async () => {
    const [a, b, held] = [server.fixture.unitIds[1]!, server.fixture.unitIds[2]!, server.fixture.unitIds[3]!];
    const consultant = (await server.login('s001')).token;
    const lock = await http<LockResult>(server.url, 'POST', `/api/units/${held}/lock`, consultant, {});
    expect(lock.status).toBe(200);
    const page = await managerConsole();
    await page.click('.segmented [role=radio] >> nth=1');
    for (const id of [a, b]) await page.click(`.manager__grids button[aria-label^="${await codeOf(id)} "]`);
    // The locked one cannot be selected on the grid (only units on sale, withheld or not released).
    await page.fill('input[name=bulk-reason]', '开发商保留');
    await page.click('[data-testid=bulk-withhold-submit]');
    await expect
      .poll(() => server.db.unit.count({ where: { id: { in: [a, b] }, status: 'WITHHELD' } }), { timeout: 10_000 })
      .toBe(2);
    expect(await server.db.auditEvent.count({ where: { entityId: { in: [a, b] }, action: 'unit.withhold' } })).toBe(2);
    expect((await server.db.unit.findUniqueOrThrow({ where: { id: held } })).status).toBe('AVAILABLE');
    const cell = page.locator(`.manager__grids button[aria-label^="${await codeOf(a)} "]`);
    await expect.poll(() => cell.getAttribute('class'), { timeout: 10_000 }).toContain('ucell--withheld');
    await page.screenshot({ path: `${SHOTS}/manager-bulk-withhold-1366.png` });
    // And back on sale in one action.
    for (const id of [a, b]) await page.click(`.manager__grids button[aria-label^="${await codeOf(id)} "]`);
    await page.click('[data-testid=bulk-unwithhold-submit]');
    await expect
      .poll(() => server.db.unit.count({ where: { id: { in: [a, b] }, status: 'AVAILABLE' } }), { timeout: 10_000 })
      .toBe(2);
    await page.context().close();
  });
});
