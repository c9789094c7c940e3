/**
 * The rehearsal reset in the browser (setup area → 演练): the manager confirms the reset in its
 * dialog, the screen says it is done, and a practice lock shown on the rehearsal's console is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CreatedRehearsal, LockResult } from '@kaipan/shared';
import { http, startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureBuilt('client', 'rehearsals');
  server = await startTestServer({ units: 6, consultants: 1, env: { CLIENT_DIST: 'client/dist' } });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signedIn(username: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'pw-test');
  await page.press('input[name=password]', 'Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
  return page;
}

describe('rehearsal reset in the setup area', () => {
  it('confirm dialog → done, and the practice lock disappears from the console', async () => {
    const admin = (await server.login('admin')).token;
    const created = await http<CreatedRehearsal>(
      server.url,
      'POST',
      `/api/projects/${server.fixture.projectId}/rehearsals`,
      admin,
      {},
    );
    expect(created.status).toBe(201);
    const rehearsalId = created.body.id;
    // A consultant practises: one unit locked in the rehearsal.
    const unit = await server.db.unit.findFirstOrThrow({
      where: { projectId: rehearsalId, status: 'AVAILABLE' },
      orderBy: { code: 'asc' },
    });
    const consultant = (await server.login('s001')).token;
    const locked = await http<LockResult>(server.url, 'POST', `/api/units/${unit.id}/lock`, consultant, {});
    expect(locked.status, JSON.stringify(locked.body)).toBe(200);

    // The console of the rehearsal shows the lock.
    const console_ = await signedIn('manager', { width: 1366, height: 768 });
    await console_.goto(`${server.url}/manager/${rehearsalId}`);
    const cell = console_.locator(`.manager__grids button[aria-label^="${unit.code} "]`);
    await expect.poll(() => cell.getAttribute('class'), { timeout: 15_000 }).toContain('ucell--locked');

    // The setup area's rehearsal section: reset → the confirmation → done.
    const setup = await signedIn('manager', { width: 390, height: 844 });
    await setup.goto(`${server.url}/setup/${rehearsalId}/rehearsal`);
    await setup.locator('[data-testid=rehearsal-self] .btn--danger').click();
    const dialog = setup.locator('[role=alertdialog]');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(created.body.code);
    await setup.screenshot({ path: `${SHOTS}/rehearsal-reset-confirm-390.png` });
    await dialog.locator('.btn--danger').click();
    await setup.getByText(`演练 ${created.body.code} 已重置`).waitFor({ timeout: 15_000 });
    await dialog.waitFor({ state: 'detached' });
    await setup.screenshot({ path: `${SHOTS}/rehearsal-reset-done-390.png` });

    // The lock is gone: on the console (live, no reload) and in the mirror.
    await expect.poll(() => cell.getAttribute('class'), { timeout: 15_000 }).toContain('ucell--available');
    expect((await server.kaipan.services.mirror.snapshot(rehearsalId)).locks.size).toBe(0);
    await console_.screenshot({ path: `${SHOTS}/rehearsal-reset-console-1366.png` });
  });
});
