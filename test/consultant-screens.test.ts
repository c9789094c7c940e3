/**
 * Consultant and manager screens that must not mislead, in headless Chromium on a phone (390×844)
 * and a laptop (1366×768): a read that fails ends in a message and a retry (never a spinner or a
 * skeleton that does not end), and one failed read does not leave the others spinning; a
 * subscription is confirmed only from a review of exactly what is sent (unit, buyer, plan,
 * discounts, final price in figures and 大写), with the lock's countdown on screen.
 * Screenshots go to artifacts/screenshots/ (git-ignored) to be looked at.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { amountInCapitals, formatYuan, type DealQuoteInfo, type PricingTerms } from '@kaipan/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';
import { TEST_PASSWORD } from './support/fixture.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureBuilt('client');
  server = await startTestServer({ units: 24, consultants: 3, env: { CLIENT_DIST: 'client/dist' } });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const PHONE = { width: 390, height: 844 } as const;

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', TEST_PASSWORD);
  await page.press('input[name=password]', 'Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
  if (username !== 'manager') await page.locator('.ucell').first().waitFor({ timeout: 15_000 });
}

/** A customer of `owner` with an active registration; returns the registration label (R0001). */
async function registeredBuyer(owner: string, name: string, phone: string, shortlist: string[] = []): Promise<string> {
  return (await registeredCustomer(owner, name, phone, shortlist)).label;
}

/** Like registeredBuyer, with the customer's id too (to hand the buyer to another consultant later). */
async function registeredCustomer(
  owner: string,
  name: string,
  phone: string,
  shortlist: string[] = [],
): Promise<{ label: string; customerId: string }> {
  const pid = server.fixture.projectId;
  const consultant = (await server.login(owner)).token;
  const manager = (await server.login('manager')).token;
  const customer = await http<{ id: string }>(server.url, 'POST', `/api/projects/${pid}/customers`, consultant, {
    name,
    phone,
  });
  expect(customer.status).toBe(201);
  if (shortlist.length > 0) {
    const put = await http(server.url, 'PUT', `/api/customers/${customer.body.id}/shortlist`, consultant, {
      unitIds: shortlist,
    });
    expect(put.status).toBe(200);
  }
  const reg = await http<{ label: string }>(server.url, 'POST', `/api/projects/${pid}/registrations`, manager, {
    customerId: customer.body.id,
  });
  expect(reg.status).toBe(201);
  return { label: reg.body.label, customerId: customer.body.id };
}

/** A manager hands customers to another consultant (or back). */
async function reassign(customerId: string, to: string): Promise<void> {
  const manager = (await server.login('manager')).token;
  const ownerId = (await server.login(to)).user.id;
  const moved = await http(
    server.url,
    'POST',
    `/api/projects/${server.fixture.projectId}/customers/reassign`,
    manager,
    { customerIds: [customerId], ownerId },
  );
  expect(moved.status).toBe(200);
}

async function pickBuyer(page: Page, label: string): Promise<void> {
  await page.locator('.buyer-bar .btn--secondary').click();
  await page.locator('.buyer-row', { hasText: label }).click();
  await page.locator('.sheet').waitFor({ state: 'detached' });
}

describe('the "selecting for" bar', () => {
  it('a buyer handed to another consultant meanwhile: a message and a retry, not a spinner; my own buyers still load', async () => {
    const units = server.fixture.unitIds;
    const mine = await registeredBuyer('s001', '自己人', '13900000001', [units[0]!, units[1]!]);
    // Mine when the page loads; a manager hands them to s002 while the page is open (the picker's
    // list is from before), so picking them asks for another consultant's buyer: the server refuses.
    const handed = await registeredCustomer('s001', '别人家', '13900000002', [units[2]!]);
    const foreign = handed.label;
    const mine2 = await registeredBuyer('s001', '另一位', '13900000003', [units[3]!]);

    for (const [name, viewport] of [
      ['phone', PHONE],
      ['laptop', { width: 1366, height: 768 }],
    ] as const) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const context = await browser.newContext({
          viewport,
          locale,
          ...(name === 'phone' ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
        });
        const page = await context.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (e) => pageErrors.push(e.message));
        await reassign(handed.customerId, 's001');
        await signIn(page, 's001');
        const shortlist = page.locator('.buyer-shortlist');

        await pickBuyer(page, mine);
        await expect.poll(() => shortlist.locator('.sl-chip').count(), { timeout: 10_000 }).toBe(2);
        // The picker's list was read at page load (the buyer still mine); now they go to s002.
        await reassign(handed.customerId, 's002');

        // Another consultant's buyer: the refusal in words, with a retry; no spinner left turning.
        await pickBuyer(page, foreign);
        const problem = shortlist.locator('[role=alert]');
        await problem.waitFor({ timeout: 10_000 });
        await expect.poll(() => shortlist.locator('.spinner').count(), { timeout: 5_000 }).toBe(0);
        expect(await problem.innerText()).toMatch(
          locale === 'en' ? /another consultant/i : /其他顾问|另一位顾问|别的顾问/,
        );
        expect(await shortlist.locator('button', { hasText: locale === 'en' ? 'Retry' : '重试' }).count()).toBe(1);
        await page.screenshot({ path: `${SHOTS}/buyer-bar-refused-${name}-${locale}.png` });

        // The retry asks again (and is refused again, still without a spinner).
        await shortlist.locator('button', { hasText: locale === 'en' ? 'Retry' : '重试' }).click();
        await problem.waitFor();
        await expect.poll(() => shortlist.locator('.spinner').count(), { timeout: 5_000 }).toBe(0);

        // Back to my own buyers: their shortlists load (the failure did not stick).
        await pickBuyer(page, mine2);
        await expect.poll(() => shortlist.locator('.sl-chip').count(), { timeout: 10_000 }).toBe(1);
        expect(await shortlist.locator('[role=alert]').count()).toBe(0);
        await pickBuyer(page, mine);
        await expect.poll(() => shortlist.locator('.sl-chip').count(), { timeout: 10_000 }).toBe(2);
        await page.screenshot({ path: `${SHOTS}/buyer-bar-after-refusal-${name}-${locale}.png` });
        expect(pageErrors).toEqual([]);
        await context.close();
      }
    }
  }, 180_000);
});

describe('a read that fails', () => {
  it('on the manager page: the grid still loads, the failed panels say so and retry', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, 'manager');
    // Registrations and the audit log answer 503 until the routes are removed.
    const failing = ['**/api/projects/*/registrations', '**/api/projects/*/audit*'];
    for (const url of failing) {
      await page.route(url, (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }),
        }),
      );
    }
    await page.goto(`${server.url}/manager/${server.fixture.projectId}`);
    await page.locator('.ucell').first().waitFor({ timeout: 15_000 });
    const regPanel = page.locator('.reg-panel');
    await regPanel.locator('.alert--error').waitFor({ timeout: 10_000 });
    expect(await regPanel.locator('.spinner').count()).toBe(0);
    const auditPanel = page.locator('.panel.audit');
    await auditPanel.locator('.alert--error').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/manager-panels-failed-1366.png`, fullPage: true });

    for (const url of failing) await page.unroute(url);
    await regPanel.locator('button', { hasText: '重试' }).click();
    await expect.poll(() => regPanel.locator('.alert--error').count(), { timeout: 10_000 }).toBe(0);
    await auditPanel.locator('button', { hasText: '刷新' }).click();
    await expect.poll(() => auditPanel.locator('.alert--error').count(), { timeout: 10_000 }).toBe(0);
    // Loaded: its rows, or the "no entries yet" note of a fresh project.
    await expect
      .poll(() => auditPanel.locator('.audit-events > li, .panel__empty').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/manager-panels-retried-1366.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);
});

const VIEWPORTS: Record<string, BrowserContextOptions> = {
  phone: { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  tablet: { viewport: { width: 820, height: 1180 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  laptop: { viewport: { width: 1366, height: 768 } },
};

/** Sign in as `username`, open `code`, lock it and fill a walk-in buyer; the form is ready to review. */
async function lockAndFill(
  page: Page,
  username: string,
  code: string,
  buyer = { name: '张三丰', phone: '13812345678' },
): Promise<void> {
  await signIn(page, username);
  await page.locator(`button[aria-label^="${code} "]`).first().click();
  await page.locator('.sheet .btn--go').click();
  await page.locator('input[name=buyer-name]').waitFor({ timeout: 10_000 });
  await page.fill('input[name=buyer-name]', buyer.name);
  await page.fill('input[name=buyer-phone]', buyer.phone);
  // The deal terms have their server quote (the form shows the breakdown).
  await page.locator('.sheet .breakdown__final').waitFor({ timeout: 10_000 });
}

const unitIdOf = async (code: string): Promise<string> =>
  (await server.db.unit.findFirstOrThrow({ where: { projectId: server.fixture.projectId, code } })).id;

describe('review before confirm', () => {
  it('the confirm is sent only from the review, which shows exactly what is confirmed', async () => {
    const code = 'A-0201';
    const unitId = await unitIdOf(code);
    const context = await browser.newContext({ ...VIEWPORTS.phone, locale: 'zh-CN' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await lockAndFill(page, 's003', code);
    // A discount ticked on the form (the first one open to everybody under the default plan).
    const consultant = (await server.login('s003')).token;
    const terms = (
      await http<PricingTerms>(server.url, 'GET', `/api/projects/${server.fixture.projectId}/pricing`, consultant)
    ).body;
    const plan = terms.plans[0]!;
    const discount = terms.discounts.find(
      (d) => !d.identityTag && (d.kind !== 'PAYMENT_METHOD' || d.paymentMethods?.includes(plan.terms.kind)),
    )!;
    await page.locator('.sheet .dterms-chip', { hasText: discount.name }).click();
    await expect.poll(() => page.locator('.sheet .breakdown tbody tr').count()).toBeGreaterThan(2);

    // "核对认购" opens the review; nothing is confirmed yet.
    await page.locator('.sheet form button[type=submit]').click();
    const review = page.locator('[data-testid=confirm-review]');
    await review.waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=review-final]').waitFor({ timeout: 10_000 });
    // (A lock lives in Redis: the unit of record is still unsold.)
    expect((await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).status).toBe('AVAILABLE');
    expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);

    // Unit, buyer (phone masked), plan and the server's price in figures and in 大写.
    const text = await review.innerText();
    expect(text).toContain(code);
    expect(text).toContain('A栋');
    expect(text).toContain('2层');
    expect(await page.locator('[data-testid=review-buyer]').innerText()).toContain('张三丰');
    expect(await page.locator('[data-testid=review-phone]').innerText()).toBe('138****5678');
    expect(text).not.toContain('13812345678');
    const quote = await http<DealQuoteInfo>(server.url, 'POST', `/api/units/${unitId}/quote`, consultant, {
      planId: plan.id,
      discountIds: [discount.id],
      phone: '13812345678',
    });
    expect(quote.status).toBe(200);
    expect(quote.body.breakdown.steps.map((x) => x.ruleId)).toEqual([discount.id]);
    expect(text).toContain(discount.name);
    expect(text).toContain(`−${formatYuan(quote.body.breakdown.steps[0]!.off, 'zh-CN')}`);
    const shownPrice = await page.locator('[data-testid=review-final]').innerText();
    expect(shownPrice).toBe(formatYuan(quote.body.breakdown.finalPrice, 'zh-CN'));
    expect(await page.locator('[data-testid=review-capitals]').innerText()).toBe(
      amountInCapitals(quote.body.breakdown.finalPrice),
    );
    expect(await page.locator('[data-testid=review-plan]').innerText()).toBe(quote.body.plan?.name ?? '—');
    // The lock's countdown stays in view on top of the review.
    expect(await page.locator('.lock-timer').isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/review-phone-zh-CN.png` });
    await page.locator('[data-testid=review-confirm]').scrollIntoViewIfNeeded();
    expect(await page.locator('.lock-timer').isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/review-phone-zh-CN-bottom.png` });

    // Back: the form keeps what was typed; review again, then confirm.
    await page.locator('.review__actions .btn--secondary').click();
    await review.waitFor({ state: 'detached' });
    expect(await page.inputValue('input[name=buyer-name]')).toBe('张三丰');
    await page.locator('.sheet form button[type=submit]').click();
    await page.locator('[data-testid=review-final]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=review-confirm]').click();
    await expect
      .poll(async () => (await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).status, { timeout: 10_000 })
      .toBe('SUBSCRIBED');
    const sub = await server.db.subscription.findFirstOrThrow({ where: { unitId } });
    expect(Number(sub.price)).toBe(quote.body.breakdown.finalPrice);
    expect(Number(sub.price)).toBeLessThan(Number(sub.listPrice));
    expect(sub.buyerName).toBe('张三丰');
    await page.locator('.sheet').waitFor({ state: 'detached', timeout: 10_000 });
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('for a registered buyer: the review names the registration and its buyer, and the deal is theirs', async () => {
    const code = 'A-0303';
    const unitId = await unitIdOf(code);
    const label = await registeredBuyer('s002', '王认筹', '13700001111');
    const context = await browser.newContext({ ...VIEWPORTS.phone, locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, 's002');
    await pickBuyer(page, label);
    await page.locator(`button[aria-label^="${code} "]`).first().click();
    await page.locator('.sheet .btn--go').click();
    await page.locator('.sheet .buyer-fixed').waitFor({ timeout: 10_000 });
    await page.locator('.sheet .breakdown__final').waitFor({ timeout: 10_000 });
    await page.locator('.sheet form button[type=submit]').click();
    await page.locator('[data-testid=review-final]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=review-buyer]').innerText()).toBe(`${label} 王认筹`);
    expect(await page.locator('[data-testid=review-phone]').innerText()).toBe('137****1111');
    await page.screenshot({ path: `${SHOTS}/review-registered-phone-zh-CN.png` });
    await page.locator('[data-testid=review-confirm]').click();
    await expect
      .poll(async () => (await server.db.unit.findUniqueOrThrow({ where: { id: unitId } })).status, { timeout: 10_000 })
      .toBe('SUBSCRIBED');
    const sub = await server.db.subscription.findFirstOrThrow({ where: { unitId } });
    expect(sub.buyerName).toBe('王认筹');
    expect(sub.registrationId).not.toBeNull();
    await context.close();
  }, 120_000);

  it('looks right on a phone, a tablet and a laptop, in Chinese and English (shots), and Back sends nothing', async () => {
    const shots: [string, 'zh-CN' | 'en', string][] = [
      ['phone', 'en', 'A-0202'],
      ['tablet', 'zh-CN', 'A-0203'],
      ['laptop', 'en', 'A-0204'],
      ['laptop', 'zh-CN', 'A-0301'],
    ];
    for (const [name, locale, code] of shots) {
      const unitId = await unitIdOf(code);
      const context = await browser.newContext({ ...VIEWPORTS[name], locale });
      const page = await context.newPage();
      await lockAndFill(page, 's003', code, { name: 'Lin Xiaoyu', phone: '139 1234 5678' });
      await page.locator('.sheet form button[type=submit]').click();
      await page.locator('[data-testid=review-final]').waitFor({ timeout: 10_000 });
      expect(await page.locator('[data-testid=review-confirm]').innerText()).toBe(
        locale === 'en' ? 'Confirm subscription' : '确认认购',
      );
      await page.screenshot({ path: `${SHOTS}/review-${name}-${locale}.png` });
      await page.locator('.review__actions .btn--secondary').click();
      await page.locator('.sheet .btn--secondary', { hasText: locale === 'en' ? 'Release' : '释放' }).click();
      await page.locator('.sheet').waitFor({ state: 'detached', timeout: 10_000 });
      expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
      await context.close();
    }
  }, 180_000);

  it('a lock that runs out on the review says so and offers no confirm', async () => {
    const pid = server.fixture.projectId;
    const manager = (await server.login('manager')).token;
    expect(
      (await http(server.url, 'PATCH', `/api/projects/${pid}/settings`, manager, { lockTtlSeconds: 30 })).status,
    ).toBe(200);
    try {
      const code = 'A-0302';
      const unitId = await unitIdOf(code);
      const context = await browser.newContext({ ...VIEWPORTS.phone, locale: 'zh-CN' });
      const page = await context.newPage();
      await lockAndFill(page, 's003', code);
      await page.locator('.sheet form button[type=submit]').click();
      await page.locator('[data-testid=review-final]').waitFor({ timeout: 10_000 });
      await page.locator('[data-testid=review-expired]').waitFor({ timeout: 45_000 });
      expect(await page.locator('[data-testid=review-confirm]').count()).toBe(0);
      expect(await page.locator('[data-testid=review-expired]').innerText()).toContain('锁定已到期');
      await page.screenshot({ path: `${SHOTS}/review-expired-phone-zh-CN.png` });
      expect(await server.db.subscription.count({ where: { unitId } })).toBe(0);
      // Back: the sheet offers the lock again.
      await page.locator('.review__actions .btn--secondary').click();
      await page.locator('.sheet .btn--go').waitFor({ timeout: 10_000 });
      await context.close();
    } finally {
      await http(server.url, 'PATCH', `/api/projects/${pid}/settings`, manager, { lockTtlSeconds: 120 });
    }
  }, 120_000);
});
