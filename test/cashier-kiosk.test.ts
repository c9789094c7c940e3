/**
 * The cashier desk 收银台 (/cashier) in a real browser against a real server, PostgreSQL and Redis:
 * a cashier signs in, finds the subscription a consultant just confirmed, records the deposit split
 * across cash and WeChat Pay — with a double click on Record and the first answer lost on the wire
 * (the client resends with the same idempotency key) — and exactly one payment and one receipt
 * number exist in PostgreSQL; the receipt number and its PDF preview are shown. Then day-end: the
 * totals, closing the day, the CSV. A refused token sends the desk back to the sign-in.
 * Screenshots (1366×768 and 1920×1080, zh and en) go to artifacts/screenshots/ to be looked at.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConfirmResult,
  DayEndTotals,
  LockResult,
  LoginResponse,
  PaymentInfo,
  ReceiptBookInfo,
} from '@kaipan/shared';
import { emitAck, http, startTestServer, type HubClient, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let cashier: LoginResponse;
let consultant: HubClient;

beforeAll(async () => {
  ensureBuilt('kiosk', 'cashier');
  server = await startTestServer({ units: 8, consultants: 2, env: { KIOSK_DIST: 'kiosk/dist' } });
  const manager = (await server.login('manager')).token;
  cashier = await server.login('cashier');
  // The cashier's receipt book 收据本: KP2026-000001 … KP2026-000100.
  const book = await http<ReceiptBookInfo>(
    server.url,
    'POST',
    `/api/projects/${server.fixture.projectId}/receipt-books`,
    manager,
    {
      prefix: 'KP2026-',
      firstNumber: 1,
      lastNumber: 100,
      digits: 6,
      cashierId: cashier.user.id,
    },
  );
  expect(book.status).toBe(201);
  consultant = await server.connect({ token: (await server.login('s001')).token });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A consultant locks and confirms the unit for a buyer (the subscription the cashier takes the deposit for). */
async function sell(unitId: string, buyer: { name: string; phone: string }): Promise<string> {
  const lock = await emitAck<LockResult>(consultant, 'unit:lock', { unitId });
  if (!lock.ok) throw new Error(`lock: ${lock.error.code}`);
  const confirm = await emitAck<ConfirmResult>(consultant, 'unit:confirm', { unitId, token: lock.data.token, buyer });
  if (!confirm.ok) throw new Error(`confirm: ${confirm.error.code}`);
  return confirm.data.subscriptionId;
}

async function openDesk(locale: 'zh-CN' | 'en', width: number, height: number, tag: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale });
  await context.addInitScript((l) => localStorage.setItem('kaipan.kiosk.locale', l), locale);
  const page = await context.newPage();
  await page.goto(`${server.url}/cashier`);
  await page.locator('input[name=username]').waitFor({ timeout: 15_000 });
  await page.screenshot({ path: `${SHOTS}/cashier-${tag}-1-login.png` });
  await page.fill('input[name=username]', 'cashier');
  await page.fill('input[name=password]', 'pw-test');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=desk-search]').waitFor({ timeout: 15_000 });
  await expect
    .poll(() => page.locator('[data-testid=book-chip]').textContent(), { timeout: 10_000 })
    .toContain('KP2026-');
  // The session is the person's, kept on this desk.
  const stored = await page.evaluate(
    () => JSON.parse(localStorage.getItem('kaipan.cashier.session') ?? 'null') as { user: { username: string } } | null,
  );
  expect(stored?.user.username).toBe('cashier');
  await page.screenshot({ path: `${SHOTS}/cashier-${tag}-2-desk.png` });
  return page;
}

/** Search the unit (Enter), open it, fill a split deposit: cash + WeChat Pay with its reference. */
async function fillDeposit(page: Page, unitCode: string, cash: string, wechat: string, tag: string): Promise<void> {
  await page.fill('[data-testid=desk-search]', unitCode);
  await page.keyboard.press('Enter');
  // One match opens by itself.
  await page.locator(`[data-testid=subscription-panel][data-unit="${unitCode}"]`).waitFor({ timeout: 15_000 });
  expect(await page.locator(`.c-results [data-unit="${unitCode}"]`).count()).toBe(1);
  await page.screenshot({ path: `${SHOTS}/cashier-${tag}-3-results.png` });
  await page.click('[data-testid=record-payment]');
  await page.locator('[data-testid=payment-form]').waitFor();
  expect(await page.locator('[data-testid=kind-DEPOSIT]').isChecked()).toBe(true);
  await page.fill('[data-testid=line-amount-0]', cash);
  await page.click('[data-testid=add-line]');
  await page.selectOption('[data-testid=line-method-1]', 'WECHAT');
  await page.fill('[data-testid=line-amount-1]', wechat);
  // A non-cash line needs its reference: Review refuses without it.
  await page.fill('[data-testid=line-reference-1]', '');
  await page.click('[data-testid=review-payment]');
  expect(await page.locator('[data-testid=payment-confirm]').count()).toBe(0);
  expect(await page.locator('.c-lines__problem').count()).toBeGreaterThan(0);
  await page.fill('[data-testid=line-reference-1]', 'WX4200001234');
}

describe('cashier desk', () => {
  it('records a split deposit exactly once despite a double click and a lost answer, and shows the receipt', async () => {
    const pid = server.fixture.projectId;
    const unitId = server.fixture.unitIds[0] as string;
    const subscriptionId = await sell(unitId, { name: '张三', phone: '13800000001' });
    const page = await openDesk('zh-CN', 1366, 768, 'zh-1366');

    // Every POST of a payment is seen here; the first one reaches the server (and is recorded)
    // but its answer is cut off, as a dropped connection would.
    const sent: { key: string; lines: unknown }[] = [];
    await page.route('**/api/projects/*/payments', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      const body = JSON.parse(request.postData() ?? '{}') as { idempotencyKey: string; lines: unknown };
      sent.push({ key: body.idempotencyKey, lines: body.lines });
      if (sent.length === 1) {
        const response = await route.fetch();
        expect(response.status()).toBe(201);
        return route.abort('connectionreset');
      }
      return route.continue();
    });

    await fillDeposit(page, 'A-0101', '30000', '20,000.00', 'zh-1366');
    // Amounts typed in yuan; the total and its capitals follow as the cashier types.
    await expect.poll(() => page.locator('[data-testid=total-figure]').textContent()).toBe('¥50,000');
    expect(await page.locator('[data-testid=total-capitals]').textContent()).toBe('人民币伍万元整');
    await page.screenshot({ path: `${SHOTS}/cashier-zh-1366-4-form.png` });

    await page.click('[data-testid=review-payment]');
    await page.locator('[data-testid=payment-confirm]').waitFor();
    expect(await page.locator('[data-testid=confirm-total]').textContent()).toBe('¥50,000');
    await page.screenshot({ path: `${SHOTS}/cashier-zh-1366-4b-confirm.png` });
    await page.dblclick('[data-testid=record-payment-confirm]');

    const receipt = page.locator('[data-testid=receipt-number]');
    await receipt.waitFor({ timeout: 20_000 });
    expect(await receipt.textContent()).toBe('KP2026-000001');

    // Sent twice (the lost answer, then the automatic resend) — with the SAME key, and never a third time.
    expect(sent).toHaveLength(2);
    expect(sent[1]?.key).toBe(sent[0]?.key);
    expect(sent[0]?.lines).toEqual([
      { method: 'CASH', amount: 3_000_000 },
      { method: 'WECHAT', amount: 2_000_000, reference: 'WX4200001234' },
    ]);
    // PostgreSQL: exactly one payment (with its two lines) and one receipt number.
    const payments = await server.db.payment.findMany({
      where: { projectId: pid, subscriptionId },
      include: { lines: true, receipt: true },
    });
    expect(payments).toHaveLength(1);
    expect(payments[0]?.idempotencyKey).toBe(sent[0]?.key);
    expect(Number(payments[0]?.amount)).toBe(5_000_000);
    expect(payments[0]?.lines).toHaveLength(2);
    expect(await server.db.receipt.count({ where: { projectId: pid } })).toBe(1);
    expect(payments[0]?.receipt?.label).toBe('KP2026-000001');
    // Nothing left to resend on this desk.
    expect(await page.evaluate(() => localStorage.getItem('kaipan.cashier.pending'))).toBeNull();

    // The receipt PDF: rendered by the documents worker, fetched with the token, previewed.
    const preview = page.locator('[data-testid=document-preview]');
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.getAttribute('src')).toMatch(/^blob:/);
    expect(await page.locator('.c-doc__meta strong').textContent()).toContain('KP2026-000001');
    await page.screenshot({ path: `${SHOTS}/cashier-zh-1366-5-done.png` });

    // Back at the panel: the payment is listed with its receipt, the deposit is paid.
    await page.click('[data-testid=payment-done-close]');
    await expect
      .poll(() => page.locator('[data-testid=payments-table] [data-testid=receipt-label]').allTextContents())
      .toEqual(['KP2026-000001']);
    await expect.poll(() => page.locator('[data-testid=deposit-due] dd').textContent()).toContain('¥0');
    await page.context().close();
  }, 120_000);

  it('looks right at 1920×1080 and in English (screenshots of every step)', async () => {
    const runs = [
      {
        locale: 'zh-CN' as const,
        w: 1920,
        h: 1080,
        tag: 'zh-1920',
        unit: 1,
        buyer: { name: '李四', phone: '13800000002' },
      },
      {
        locale: 'en' as const,
        w: 1366,
        h: 768,
        tag: 'en-1366',
        unit: 2,
        buyer: { name: 'Alice Wang', phone: '13800000003' },
      },
      {
        locale: 'en' as const,
        w: 1920,
        h: 1080,
        tag: 'en-1920',
        unit: 3,
        buyer: { name: '王五', phone: '13800000004' },
      },
    ];
    for (const run of runs) {
      const unitId = server.fixture.unitIds[run.unit] as string;
      const unitCode = `A-010${run.unit + 1}`;
      const subscriptionId = await sell(unitId, run.buyer);
      const page = await openDesk(run.locale, run.w, run.h, run.tag);
      await fillDeposit(page, unitCode, '12345.6', '37654.40', run.tag);
      await expect.poll(() => page.locator('[data-testid=total-capitals]').textContent()).toBe('人民币伍万元整');
      await page.screenshot({ path: `${SHOTS}/cashier-${run.tag}-4-form.png` });
      await page.click('[data-testid=review-payment]');
      await page.keyboard.press('Enter'); // the Record button has the focus
      await page.locator('[data-testid=receipt-number]').waitFor({ timeout: 20_000 });
      await page.locator('[data-testid=document-preview]').waitFor({ timeout: 30_000 });
      await page.screenshot({ path: `${SHOTS}/cashier-${run.tag}-5-done.png` });
      const paid = await http<PaymentInfo[]>(
        server.url,
        'GET',
        `/api/projects/${server.fixture.projectId}/payments`,
        cashier.token,
      );
      expect(paid.body.filter((p) => p.subscriptionId === subscriptionId)).toHaveLength(1);
      await page.click('[data-testid=payment-done-close]');
      await page.click('a[href="/cashier/day-end"]');
      await page.locator('[data-testid=day-end-status]').waitFor({ timeout: 15_000 });
      await page.screenshot({ path: `${SHOTS}/cashier-${run.tag}-6-day-end.png`, fullPage: true });
      await page.context().close();
    }
    // Receipt numbers: contiguous, no gaps, one per payment.
    const labels = (
      await server.db.receipt.findMany({
        where: { projectId: server.fixture.projectId },
        orderBy: { number: 'asc' },
        select: { label: true },
      })
    ).map((r) => r.label);
    expect(labels).toEqual(['KP2026-000001', 'KP2026-000002', 'KP2026-000003', 'KP2026-000004']);
  }, 240_000);
  it('day-end shows the day, closes it and exports the CSV; a refused token goes back to the sign-in', async () => {
    const page = await openDesk('zh-CN', 1366, 768, 'zh-1366-day');
    // Opened by its address: the server answers /cashier/* with the kiosk app.
    await page.goto(`${server.url}/cashier/day-end`);
    await page.locator('[data-testid=day-end-status]').waitFor({ timeout: 15_000 });
    // Four deposits of ¥50,000 today (the first test and the three screenshot runs).
    await expect.poll(() => page.locator('[data-testid=day-end-net]').textContent()).toBe('¥200,000');
    const day = await http<DayEndTotals>(
      server.url,
      'GET',
      `/api/projects/${server.fixture.projectId}/day-end`,
      cashier.token,
    );
    expect(day.body.firstReceipt).toBe('KP2026-000001');
    expect(day.body.lastReceipt).toBe('KP2026-000004');
    expect(await page.locator('[data-testid=day-end-methods]').textContent()).toContain('微信支付');
    await page.screenshot({ path: `${SHOTS}/cashier-zh-1366-6-day-end.png`, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=day-end-csv]')]);
    const csv = await download.createReadStream().then(async (stream) => {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    });
    expect(csv).toContain('KP2026-000001');

    await page.click('[data-testid=close-day]');
    await page.locator('[data-testid=close-day-dialog]').waitFor();
    await page.click('[data-testid=close-day-confirm]');
    await expect
      .poll(() => page.locator('[data-testid=day-end-status]').getAttribute('class'), { timeout: 10_000 })
      .toContain('c-dayend__status--closed');
    const closed = await server.db.dayClose.count({
      where: { projectId: server.fixture.projectId, cashierId: cashier.user.id },
    });
    expect(closed).toBe(1);
    const frozen = await server.db.payment.findMany({
      where: { projectId: server.fixture.projectId },
      select: { dayCloseId: true },
    });
    expect(frozen.every((p) => p.dayCloseId !== null)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/cashier-zh-1366-7-day-closed.png`, fullPage: true });

    // A token the server refuses (expired, user disabled): back to the sign-in, session forgotten.
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('kaipan.cashier.session') ?? '{}') as { token: string };
      localStorage.setItem('kaipan.cashier.session', JSON.stringify({ ...s, token: 'not-a-valid-token' }));
    });
    await page.goto(`${server.url}/cashier`);
    await page.locator('input[name=username]').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => localStorage.getItem('kaipan.cashier.session'))).toBeNull();
    await page.context().close();
  }, 120_000);
});
