/**
 * The wall board across the hall, in Chromium: the demo project 云湖府 (355 units) and a generated
 * 2,400-unit project (made through the setup API, as load-tests/lib/setup-api.ts does) at 1366×768,
 * 1920×1080 and 3840×2160. Every tile shown lies on screen, its unit number at least the readable
 * size of shared/src/board-layout.ts (1/40 of the screen height); when units cannot all fit, a page
 * indicator shows and the pages cover every unit. A public board shows a withheld unit as 保留
 * and never why; a signed-in manager's board opens a unit's timeline from a tile and replays the
 * morning (回放 REPLAY). Screenshots are saved only with KAIPAN_SHOTS=1 (artifacts/, git-ignored).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, callApi, type LoginResponse, type SendRequest } from '@kaipan/shared';
import { DEMO_ACCOUNTS, DEMO_BOARD_KEY, DEMO_PROJECT_CODE } from '../server/src/seed/demo.js';
import { addLoadTestTowers, createBoardDevice, fetchSender } from '../load-tests/lib/setup-api.js';
import { http, startDemoServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';

let server: Omit<TestServer, 'fixture'>;
let browser: Browser;
let admin: LoginResponse;
let send: SendRequest;
let demoId: string;
let bigId: string;
let bigKey: string;

const SIZES = [
  [1366, 768],
  [1920, 1080],
  [3840, 2160],
] as const;

async function shot(page: Page, name: string): Promise<void> {
  if (process.env.KAIPAN_SHOTS === '1') await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

beforeAll(async () => {
  ensureBuilt('client');
  server = await startDemoServer({ CLIENT_DIST: 'client/dist' });
  browser = await launchChromium();
  admin = (
    await http<LoginResponse>(server.url, 'POST', '/api/auth/login', undefined, {
      username: 'admin',
      password: DEMO_ACCOUNTS.admin.password,
    })
  ).body;
  send = fetchSender(server.url, admin.token);
  const projects = await callApi(send, API.projects.list);
  demoId = projects.find((p) => p.code === DEMO_PROJECT_CODE)!.id;
  const big = await callApi(send, API.projects.create, {
    body: { name: '大盘测试', nameEn: 'Big launch', code: 'BIG-2400' },
  });
  bigId = big.id;
  await addLoadTestTowers(send, bigId, 2_000);
  bigKey = (await createBoardDevice(send, bigId)).key;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** What the board draws now: its tiles' boxes and number sizes, the viewport, the page indicator. */
async function measure(page: Page) {
  return page.evaluate(() => {
    const tiles = [...document.querySelectorAll<HTMLElement>('.btile:not(.btile--void)')].map((el) => {
      const r = el.getBoundingClientRect();
      const code = el.querySelector<HTMLElement>('.btile__code')!;
      return {
        label: el.getAttribute('aria-label') ?? '',
        text: el.innerText,
        right: r.right,
        bottom: r.bottom,
        left: r.left,
        top: r.top,
        font: Number.parseFloat(getComputedStyle(code).fontSize),
        codeWidth: code.scrollWidth,
        width: r.width,
      };
    });
    return {
      tiles,
      width: window.innerWidth,
      height: window.innerHeight,
      scrollW: document.documentElement.scrollWidth,
      scrollH: document.documentElement.scrollHeight,
      pager: document.querySelector<HTMLElement>('.bgrid__pager')?.innerText ?? null,
      floorFont: Number.parseFloat(
        getComputedStyle(document.querySelector<HTMLElement>('.bpanel__floor') ?? document.body).fontSize,
      ),
    };
  });
}

/** Every unit code shown over all pages (the board rotates; the test steps the pages by waiting). */
async function codesOverPages(page: Page, pages: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < pages; i++) {
    const m = await measure(page);
    for (const t of m.tiles) seen.add(t.label.split(' ')[0]!);
    if (i < pages - 1) {
      const before = m.pager;
      await page.waitForFunction((b) => document.querySelector('.bgrid__pager')?.textContent !== b, before, {
        timeout: 20_000,
      });
      await page.waitForTimeout(600);
    }
  }
  return seen;
}

function expectReadable(m: Awaited<ReturnType<typeof measure>>): void {
  expect(m.tiles.length).toBeGreaterThan(0);
  expect(m.scrollW).toBeLessThanOrEqual(m.width);
  expect(m.scrollH).toBeLessThanOrEqual(m.height);
  const readable = m.height / 40 - 0.5;
  for (const t of m.tiles) {
    expect(t.right, t.label).toBeLessThanOrEqual(m.width + 0.5);
    expect(t.bottom, t.label).toBeLessThanOrEqual(m.height + 0.5);
    expect(t.font, t.label).toBeGreaterThanOrEqual(readable);
    // The number fits its tile (never clipped).
    expect(t.codeWidth, t.label).toBeLessThanOrEqual(t.width + 0.5);
  }
  expect(m.floorFont).toBeGreaterThanOrEqual(readable * 0.75);
}

describe('the wall board from across the hall', () => {
  it('the demo project at 1366×768, 1920×1080 and 3840×2160: readable tiles filling the screen', async () => {
    for (const [width, height] of SIZES) {
      const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
      const page = await ctx.newPage();
      await page.goto(`${server.url}/board/${demoId}?key=${DEMO_BOARD_KEY}`);
      await page.locator('.btile').first().waitFor({ timeout: 20_000 });
      await page.waitForTimeout(800);
      const m = await measure(page);
      expectReadable(m);
      console.log(
        `[board] demo ${width}×${height}: unit numbers ${Math.min(...m.tiles.map((t) => t.font)).toFixed(1)} px, floors ${m.floorFont.toFixed(1)} px, ${m.pager ?? 'one page'}`,
      );
      await shot(page, `board-demo-${width}`);
      await ctx.close();
    }
  }, 120_000);

  it('the demo project pages cover every unit once the pages have turned', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/board/${demoId}?key=${DEMO_BOARD_KEY}`);
    await page.locator('.btile').first().waitFor({ timeout: 20_000 });
    const pager = (await measure(page)).pager;
    const pages = pager ? Number(/\/(\d+)/.exec(pager)![1]) : 1;
    const codes = await codesOverPages(page, pages);
    const catalog = await callApi(send, API.projects.catalog, { params: { projectId: demoId } });
    expect(codes.size).toBe(catalog.units.length);
    await ctx.close();
  }, 120_000);

  it('a generated 2,400-unit project pages at every size, every page readable, with a page indicator', async () => {
    for (const [width, height] of SIZES) {
      const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
      const page = await ctx.newPage();
      await page.goto(`${server.url}/board/${bigId}?key=${bigKey}`);
      await page.locator('.btile').first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(800);
      const m = await measure(page);
      expectReadable(m);
      expect(m.pager).toMatch(/第 1\/\d+ 页/);
      console.log(
        `[board] 2,400 units ${width}×${height}: unit numbers ${Math.min(...m.tiles.map((t) => t.font)).toFixed(1)} px, ${m.pager}`,
      );
      await shot(page, `board-2400-${width}`);
      await ctx.close();
    }
  }, 180_000);

  it('a withheld unit shows 保留 on the public board, never why; offline dims the grid with the time', async () => {
    // The first tower's top floor, first position: on the first page.
    const catalog = await callApi(send, API.projects.catalog, { params: { projectId: bigId } });
    const first = catalog.buildings[0]!;
    const unit = catalog.units.find((u) => u.buildingId === first.id && u.floor === 30 && u.position === 1)!;
    const res = await http(server.url, 'POST', `/api/units/${unit.id}/withhold`, admin.token, {
      reason: '董事长亲属',
      channel: 'VIP',
    });
    expect(res.status).toBe(200);
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/board/${bigId}?key=${bigKey}`);
    const tile = page.locator(`.btile[aria-label^="${unit.code} "]`);
    await tile.waitFor({ timeout: 20_000 });
    await expect.poll(() => tile.innerText()).toContain('保留');
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('VIP');
    expect(text).not.toContain('董事长');

    // Offline: the grid dims and says since when (project time); back online, it undims.
    expect(await page.locator('.board__stale').count()).toBe(0);
    await ctx.setOffline(true);
    const stale = page.locator('.board__stale');
    await stale.waitFor({ timeout: 10_000 });
    expect(await stale.innerText()).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(await page.locator('.board__buildings--stale').count()).toBe(1);
    await shot(page, 'board-offline-1920');
    await ctx.setOffline(false);
    await stale.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.locator('.board__buildings--stale').count()).toBe(0);
    await ctx.close();
  }, 60_000);

  it("a manager's board: a tile opens the unit's timeline; the replay is labelled REPLAY and plays", async () => {
    const manager = (
      await http<LoginResponse>(server.url, 'POST', '/api/auth/login', undefined, {
        username: 'manager',
        password: DEMO_ACCOUNTS.manager.password,
      })
    ).body;
    // Something to replay: a withholding and its end in the demo project.
    const catalog = await callApi(send, API.projects.catalog, { params: { projectId: demoId } });
    const snapshot = await callApi(fetchSender(server.url, manager.token), API.projects.snapshot, {
      params: { projectId: demoId },
    });
    const available = snapshot.units.find((u) => u.status === 'AVAILABLE')!;
    expect(
      (await http(server.url, 'POST', `/api/units/${available.id}/withhold`, manager.token, { reason: '回放' })).status,
    ).toBe(200);

    for (const [width, height] of [
      [1366, 768],
      [1920, 1080],
    ] as const) {
      const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
      const page = await ctx.newPage();
      await page.goto(`${server.url}/login`);
      await page.evaluate(
        (b) => localStorage.setItem('kaipan.session', JSON.stringify({ token: b.token, user: b.user })),
        manager,
      );
      await page.goto(`${server.url}/manager/${demoId}/board`);
      const first = page.locator('button.btile').first();
      await first.waitFor({ timeout: 20_000 });
      await first.click();
      await page.locator('.timeline-drawer').waitFor({ timeout: 10_000 });
      await shot(page, `board-manager-timeline-${width}`);
      await page.keyboard.press('Escape');
      await page.locator('.timeline-drawer').waitFor({ state: 'detached', timeout: 5_000 });

      await page.locator('[data-testid=replay-open]').click();
      const bar = page.locator('.replay-bar');
      await bar.waitFor();
      expect(await bar.innerText()).toContain('回放');
      expect(await bar.innerText()).toContain('REPLAY');
      await page.locator('[data-testid=replay-slider]').waitFor({ timeout: 15_000 });
      // To the end of the window: the withheld unit is withheld in the replay too.
      await page.locator('[data-testid=replay-slider]').evaluate((el: HTMLInputElement) => {
        el.value = el.max;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      const code = catalog.units.find((u) => u.id === available.id)!.code;
      const tile = page.locator(`.btile[aria-label^="${code} "]`);
      if ((await tile.count()) > 0) await expect.poll(() => tile.getAttribute('class')).toContain('btile--withheld');
      await page.locator('[data-testid=replay-play]').click();
      await shot(page, `board-replay-${width}`);
      expect(await page.locator('.board__clock--replay').innerText()).toContain('回放');
      await ctx.close();
    }
  }, 120_000);
});
