/**
 * The built apps load and work under the Content-Security-Policy (issue 12), in headless Chromium:
 * the consultant's phone (sign in, grid, lock, the 置业计划书 PDF as a blob: URL), the wall
 * board (live grid, a lottery QR code), the queue kiosk (take a number, its QR code) and the cashier
 * desk (the 认购书 PDF previewed in a blob: frame). Every page is served with the policy, and the browser reports no
 * violation (securitypolicyviolation events and console messages alike).
 */
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmResult, LockResult, ProjectSnapshot, QueueCategoryInfo } from '@kaipan/shared';
import { hashDeviceKey } from '../server/src/services/auth-service.js';
import { emitAck, http, startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';
import { TEST_BOARD_KEY, TEST_PASSWORD } from './support/fixture.js';

const KIOSK_KEY = 'test-kiosk-key-csp-0123456789abcd';
let server: TestServer;
let browser: Browser;
let manager: string;

beforeAll(async () => {
  ensureBuilt('client');
  ensureBuilt('kiosk', 'cashier');
  server = await startTestServer({
    units: 12,
    consultants: 2,
    env: { CLIENT_DIST: 'client/dist', KIOSK_DIST: 'kiosk/dist' },
  });
  await server.db.device.create({
    data: {
      projectId: server.fixture.projectId,
      kind: 'KIOSK',
      name: 'Kiosk (CSP test)',
      keyHash: hashDeviceKey(KIOSK_KEY),
    },
  });
  manager = (await server.login('manager')).token;
  const category = await http<QueueCategoryInfo>(
    server.url,
    'POST',
    `/api/projects/${server.fixture.projectId}/queue/categories`,
    manager,
    {
      code: 'GEN',
      name: '普通',
      nameEn: 'General',
      prefix: 'A',
      priority: 1,
    },
  );
  expect(category.status).toBe(201);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A browser context that records every CSP violation and CSP console message of its pages. */
async function watched(
  options: Parameters<Browser['newContext']>[0],
): Promise<{ context: BrowserContext; page: Page; violations: string[]; documents: Response[] }> {
  const context = await browser.newContext(options);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __csp?: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const violations: string[] = [];
  const documents: Response[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy|CSP violation|Refused to/i.test(m.text())) violations.push(m.text());
  });
  page.on('response', (r) => {
    if (r.request().resourceType() === 'document' && r.url().startsWith(server.url)) documents.push(r);
  });
  return { context, page, violations, documents };
}

async function expectClean(page: Page, violations: string[], documents: Response[], what: string): Promise<void> {
  const inPage = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  expect([...violations, ...inPage], what).toEqual([]);
  expect(documents.length, what).toBeGreaterThan(0);
  for (const d of documents) {
    const policy = (await d.allHeaders())['content-security-policy'];
    expect(policy, `${what}: ${d.url()}`).toContain("default-src 'self'");
    expect(policy).toContain("frame-ancestors 'self'");
  }
}

describe('the apps under the Content-Security-Policy', () => {
  it('consultant phone: sign in, grid over the WebSocket, lock, the 置业计划书 PDF as a blob: URL', async () => {
    const { context, page, violations, documents } = await watched({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=username]', 's001');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.press('input[name=password]', 'Enter');
    const cell = page.locator('button[aria-label^="A-0101 "]').first();
    await cell.waitFor({ timeout: 15_000 });
    await cell.click();
    await page.locator('.btn--go').click();
    // The lock went over the hub's WebSocket (connect-src) and holds.
    const unitStatus = async () =>
      (
        await http<ProjectSnapshot>(server.url, 'GET', `/api/projects/${server.fixture.projectId}/snapshot`, manager)
      ).body.units.find((u) => u.id === server.fixture.unitIds[0])?.status;
    await expect.poll(unitStatus, { timeout: 10_000 }).toBe('LOCKED');
    // The 置业计划书: rendered by the worker, fetched with the token, offered as a blob: URL.
    // (A tap while the sheet still slides in can miss: tap until the button has started.)
    const docButton = page.locator('[data-testid=purchase-plan]');
    await expect
      .poll(
        async () => {
          const state = await docButton.getAttribute('data-state');
          if (state === 'idle') await docButton.locator('button').first().click();
          return state;
        },
        { timeout: 15_000, interval: 500 },
      )
      .not.toBe('idle');
    const open = page.locator('[data-testid=purchase-plan] [data-testid=document-open]');
    await open.waitFor({ timeout: 60_000 }); // the first render starts the PDF worker thread
    expect(await open.getAttribute('href')).toMatch(/^blob:/);
    await page.screenshot({ path: `${SHOTS}/csp-consultant-phone.png` });
    await expectClean(page, violations, documents, 'consultant');
    await context.close();
  }, 150_000);

  it('wall board: live grid and the lottery QR code', async () => {
    const pid = server.fixture.projectId;
    const { context, page, violations, documents } = await watched({
      viewport: { width: 1920, height: 1080 },
      locale: 'zh-CN',
    });
    await page.goto(`${server.url}/board/${pid}?key=${TEST_BOARD_KEY}`);
    await page.locator('.board-legend').waitFor({ timeout: 15_000 });
    for (let i = 0; i < 3; i += 1) {
      const customer = await http<{ id: string }>(server.url, 'POST', `/api/projects/${pid}/customers`, manager, {
        name: `摇号客户${i}`,
        phone: `1360000001${i}`,
      });
      expect(customer.status).toBe(201);
      expect(
        (
          await http(server.url, 'POST', `/api/projects/${pid}/registrations`, manager, {
            customerId: customer.body.id,
          })
        ).status,
      ).toBe(201);
    }
    // Everyone registered takes part (no sincerity deposits recorded in this test).
    const draw = await http<{ id: string }>(server.url, 'POST', `/api/projects/${pid}/lotteries`, manager, {
      title: 'CSP draw',
      eligible: 'ALL_ACTIVE',
    });
    expect(draw.status).toBe(201);
    expect((await http(server.url, 'POST', `/api/lotteries/${draw.body.id}/draw`, manager, {})).status).toBe(200);
    await expect.poll(() => page.locator('.board-lottery__qr svg').count(), { timeout: 10_000 }).toBe(1);
    // A change made elsewhere arrives over the hub's WebSocket.
    const lock = await http<LockResult>(
      server.url,
      'POST',
      `/api/units/${server.fixture.unitIds[5]}/lock`,
      manager,
      {},
    );
    expect(lock.status).toBe(200);
    await expect.poll(() => page.locator('.btile--locked').count(), { timeout: 5_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/csp-board.png` });
    await expectClean(page, violations, documents, 'board');
    await context.close();
  }, 90_000);

  it('queue kiosk: take a number from the keypad, its QR code', async () => {
    const { context, page, violations, documents } = await watched({
      viewport: { width: 1080, height: 1920 },
      hasTouch: true,
      locale: 'zh-CN',
    });
    await context.addInitScript(() => localStorage.setItem('kaipan.kiosk.autoprint', '0'));
    await page.goto(`${server.url}/queue?key=${KIOSK_KEY}`);
    const gen = page.locator('[data-category=GEN]');
    await gen.waitFor({ timeout: 15_000 });
    await gen.tap();
    for (const digit of '13722224444') await page.locator(`.k-keypad__key[data-key="${digit}"]`).tap();
    await page.locator('.k-entry .k-btn--go').tap();
    await page.locator('[data-testid=ticket-number]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.k-qr svg').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/csp-kiosk.png` });
    await expectClean(page, violations, documents, 'kiosk');
    await context.close();
  }, 90_000);

  it('cashier desk: sign in, find the deal, the 认购书 PDF preview', async () => {
    const consultant = await server.connect({ token: (await server.login('s002')).token });
    const unitId = server.fixture.unitIds[2]!;
    const lock = await emitAck<LockResult>(consultant, 'unit:lock', { unitId });
    if (!lock.ok) throw new Error(lock.error.code);
    const confirm = await emitAck<ConfirmResult>(consultant, 'unit:confirm', {
      unitId,
      token: lock.data.token,
      buyer: { name: '李四', phone: '13800000002' },
    });
    if (!confirm.ok) throw new Error(confirm.error.code);
    const code = (await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).code;

    const { context, page, violations, documents } = await watched({
      viewport: { width: 1366, height: 768 },
      locale: 'zh-CN',
    });
    await page.goto(`${server.url}/cashier`);
    await page.locator('input[name=username]').waitFor({ timeout: 15_000 });
    await page.fill('input[name=username]', 'cashier');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=desk-search]').waitFor({ timeout: 15_000 });
    await page.fill('[data-testid=desk-search]', code);
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid=subscription-panel][data-unit="${code}"]`).waitFor({ timeout: 15_000 });
    await page.click('[data-testid=print-agreement]');
    const preview = page.locator('[data-testid=document-preview]');
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.getAttribute('src')).toMatch(/^blob:/);
    await page.screenshot({ path: `${SHOTS}/csp-cashier.png` });
    await expectClean(page, violations, documents, 'cashier');
    await context.close();
  }, 90_000);
});
