/**
 * Visual check of the client against a running server (`npm start`): logs in and captures the
 * login, grid, lock sheet with countdown, manager page and wall board at phone, laptop and
 * wall sizes into artifacts/screenshots/. Also fails if the board scrolls at 1920×1080.
 *
 *   npx tsx client/e2e/screenshots.ts [--activity]
 *
 * --activity first makes some live activity over the HTTP API (locks, subscriptions, a withheld
 * unit) so the board and grid show every colour. It changes the server's data: use it only
 * against a throwaway data dir (KAIPAN_DATA_DIR=/tmp/… npm start).
 * --fake-sales rewrites, in the browser only, the board's snapshot and deal list to show sold
 * units and a full ticker (for when the server cannot confirm subscriptions).
 * --only=consultant|manager|board limits the run to one flow.
 *
 * Env: KAIPAN_URL (default http://localhost:3000), KAIPAN_BOARD_KEY, KAIPAN_CONSULTANT_PASSWORD,
 * KAIPAN_MANAGER_PASSWORD (defaults: the demo values printed by `npm start`), CHROMIUM_PATH.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { LoginResponse, ProjectCatalog, ProjectSnapshot, ProjectSummary } from '../../shared/src/index.js';

const BASE = process.env.KAIPAN_URL ?? 'http://localhost:3000';
const BOARD_KEY = process.env.KAIPAN_BOARD_KEY ?? 'demo-board-key-7f3a9c2e5b8d1046';
const CONSULTANT_PASSWORD = process.env.KAIPAN_CONSULTANT_PASSWORD ?? 'kaipan-demo';
const MANAGER_PASSWORD = process.env.KAIPAN_MANAGER_PASSWORD ?? 'kaipan-manager';
const OUT = resolve(process.cwd(), 'artifacts/screenshots');

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, scale: 2, mobile: true },
  { name: 'laptop', width: 1366, height: 768, scale: 1, mobile: false },
  { name: 'wall', width: 1920, height: 1080, scale: 1, mobile: false },
] as const;
type Viewport = (typeof VIEWPORTS)[number];

const problems: string[] = [];

async function http<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(BASE + path, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function login(username: string, password: string): Promise<LoginResponse> {
  return http<LoginResponse>('POST', '/api/auth/login', null, { username, password });
}

async function pickAvailable(projectId: string, token: string, count: number, salt: number): Promise<string[]> {
  const snapshot = await http<ProjectSnapshot>('GET', `/api/projects/${projectId}/snapshot`, token);
  const available = snapshot.units.filter((u) => u.status === 'AVAILABLE');
  const out: string[] = [];
  for (let i = 0; i < count && available.length > 0; i += 1) {
    const u = available[(i * 37 + salt) % available.length];
    if (u && !out.includes(u.id)) out.push(u.id);
  }
  return out;
}

/** Subscriptions by a dozen consultants and a withheld unit, so every colour and the ticker show. */
async function makeSales(projectId: string): Promise<void> {
  const manager = await login('manager', MANAGER_PASSWORD);
  const units = await pickAvailable(projectId, manager.token, 14, 3);
  const buyers = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄强', '周杰', '吴婷', 'Alice Wang', '孙浩'];
  for (let i = 0; i < 12; i += 1) {
    const unitId = units[i];
    if (!unitId) break;
    const who = await login(`c${String(10 + i).padStart(3, '0')}`, CONSULTANT_PASSWORD);
    try {
      const lock = await http<{ token: string }>('POST', `/api/units/${unitId}/lock`, who.token, {});
      await http('POST', `/api/units/${unitId}/confirm`, who.token, {
        token: lock.token,
        buyer: { name: buyers[i] ?? '客户', phone: `138000${String(10000 + i)}` },
      });
    } catch (e) {
      console.warn('activity: subscription failed:', (e as Error).message.slice(0, 160));
    }
  }
  const withheld = units[13];
  if (withheld) {
    await http('POST', `/api/units/${withheld}/withhold`, manager.token, { reason: '样板间 show flat' }).catch(
      (e: unknown) => console.warn('activity: withhold failed:', (e as Error).message.slice(0, 160)),
    );
  }
}

/** A few live locks by other consultants (they lapse after the lock window, so make them fresh). */
async function makeLocks(projectId: string, salt: number): Promise<void> {
  for (let c = 30; c < 34; c += 1) {
    const who = await login(`c${String(c).padStart(3, '0')}`, CONSULTANT_PASSWORD);
    const [unitId] = await pickAvailable(projectId, who.token, 1, salt + c * 11);
    if (!unitId) return;
    await http('POST', `/api/units/${unitId}/lock`, who.token, {}).catch(() => undefined);
  }
}

/**
 * Visual-only stand-in for sales when the server cannot confirm yet: rewrites the project:join
 * ack in the browser (some units subscribed/contracted) and answers GET …/deals with fake deals.
 * Never touches the server.
 */
async function fakeSales(page: Page, projectId: string): Promise<void> {
  const deals = ['张*', '王*', '李*', '刘*', '陈*', '杨*', '赵*', 'A****', '黄*', '周*'].map((buyer, i) => ({
    subscriptionId: `fake-${i}`,
    unitId: `fake-${i}`,
    unitCode: `${(i % 4) + 1}-${String(3 + i).padStart(2, '0')}0${(i % 3) + 1}`,
    buyer,
    consultant: `c0${10 + i}`,
    price: 285_000_000 + i * 13_370_000,
    at: new Date(Date.now() - i * 97_000).toISOString(),
  }));
  await page.route(`**/api/projects/${projectId}/deals*`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(deals) }),
  );
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (typeof message === 'string' && message.startsWith('43/hub,')) {
        const open = message.indexOf('[');
        const payload = JSON.parse(message.slice(open)) as [
          { ok: boolean; data?: { units?: { status: string; price?: number }[] } },
        ];
        const units = payload[0].data?.units;
        if (units) {
          units.forEach((u, i) => {
            if (u.status !== 'AVAILABLE') return;
            if (i % 7 === 0) Object.assign(u, { status: 'SUBSCRIBED', price: 300_000_000 + i * 10_000 });
            else if (i % 23 === 0) Object.assign(u, { status: 'CONTRACTED', price: 320_000_000 });
          });
          ws.send(message.slice(0, open) + JSON.stringify(payload));
          return;
        }
      }
      ws.send(message);
    });
  });
}

async function newContext(browser: Browser, vp: Viewport, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: vp.width, height: vp.height },
    deviceScaleFactor: vp.scale,
    isMobile: vp.mobile,
    hasTouch: vp.mobile,
    locale,
    timezoneId: 'Asia/Shanghai',
  });
  return context;
}

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.waitForTimeout(350); // let transitions settle
  await page.screenshot({ path: resolve(OUT, `${name}.png`), fullPage });
  console.log('  captured', `${name}.png`);
}

async function checkNoOverflow(page: Page, label: string, vertical = true): Promise<void> {
  const m = await page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement;
    return { sw: el.scrollWidth, sh: el.scrollHeight, w: window.innerWidth, h: window.innerHeight };
  });
  if (m.sw > m.w + 1) problems.push(`${label}: horizontal overflow ${m.sw} > ${m.w}`);
  if (vertical && m.sh > m.h + 1) problems.push(`${label}: vertical overflow ${m.sh} > ${m.h}`);
}

async function uiLogin(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${BASE}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

async function consultantFlow(browser: Browser, vp: Viewport, projectId: string, sell: boolean): Promise<void> {
  const context = await newContext(browser, vp);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${vp.name} consultant page error: ${e.message}`));
  // A controllable clock (it runs in real time until fast-forwarded) to show the last 30 seconds.
  await page.clock.install();

  await page.goto(`${BASE}/login`);
  await page.waitForSelector('input[name=username]');
  await shot(page, `01-login-${vp.name}`);
  await checkNoOverflow(page, `login ${vp.name}`, false);

  await page.fill('input[name=username]', 'c001');
  await page.fill('input[name=password]', 'wrong-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('.alert--error');
  await shot(page, `02-login-error-${vp.name}`);

  await uiLogin(page, 'c001', CONSULTANT_PASSWORD);
  await page.waitForURL(`**/p/${projectId}`);
  await page.waitForSelector('.ucell');
  await shot(page, `03-grid-${vp.name}`);
  await checkNoOverflow(page, `grid ${vp.name}`, false);

  // Building with the most columns (tab 3 in the demo) to check the widest grid.
  const tabs = page.locator('.tab');
  if ((await tabs.count()) > 2) {
    await tabs.nth(2).click();
    await shot(page, `04-grid-wide-building-${vp.name}`);
    await checkNoOverflow(page, `grid wide ${vp.name}`, false);
    await tabs.nth(0).click();
  }

  await page.locator('.ucell--available').nth(5).click();
  await page.waitForSelector('.sheet');
  await shot(page, `05-sheet-${vp.name}`);

  await page.locator('.sheet .btn--go').click();
  await page.waitForSelector('.lock-timer');
  await page.waitForTimeout(1200);
  await shot(page, `06-locked-sheet-${vp.name}`);

  // Validation messages on the buyer form.
  await page.locator('.sheet button[type=submit]').click();
  await page.waitForSelector('.field__error');
  await shot(page, `07-buyer-validation-${vp.name}`);

  await page.locator('.sheet__header .icon-btn').click();
  await page.waitForSelector('.my-locks');
  await shot(page, `08-grid-my-lock-${vp.name}`);

  // Release it again so the next run starts clean.
  await page.locator('.my-lock:not(:has(.my-lock__note))').first().click();
  await page.waitForSelector('.lock-timer');
  await page.locator('.sheet .sheet__actions .btn--secondary').click();
  await page.waitForSelector('.sheet', { state: 'detached' });

  if (sell) {
    // A real subscription through the UI (changes data: only with --activity).
    await page.locator('.ucell--available').nth(9).click();
    await page.locator('.sheet .btn--go').click();
    await page.waitForSelector('.lock-timer');
    await page.fill('input[name=buyer-name]', '林小雨');
    await page.fill('input[name=buyer-phone]', '139 1234 5678');
    await page.locator('.sheet button[type=submit]').click();
    // The review step 核对认购 (unit, buyer, plan, price in figures and 大写) before the confirm is sent.
    await page.waitForSelector('[data-testid=review-capitals]');
    await shot(page, `08a-review-${vp.name}`);
    await page.locator('[data-testid=review-confirm]').click();
    await page.waitForSelector('.toast--success');
    // With a deposit window the sheet stays open on the deadline (定金时限); without one it closes.
    if (await page.locator('.dep-done').count()) {
      await shot(page, `08b-confirmed-deadline-${vp.name}`);
      await page.locator('.dep-done .btn--primary').click();
    }
    await page.waitForSelector('.sheet', { state: 'detached' });
    await shot(page, `08b-confirmed-${vp.name}`);
  }

  // The last 30 seconds of a lock: the countdown turns red.
  await page.locator('.ucell--available').nth(11).click();
  await page.locator('.sheet .btn--go').click();
  await page.waitForSelector('.lock-timer');
  await page.clock.fastForward(95_000);
  await page
    .waitForSelector('.lock-timer--urgent', { timeout: 5_000 })
    .catch(() => problems.push(`${vp.name}: countdown not urgent`));
  await shot(page, `06c-urgent-${vp.name}`);
  // The jump also outlasted the socket's ping timeout: wait for the reconnect, then release.
  await page
    .waitForSelector('.conn--online', { timeout: 20_000 })
    .catch(() => problems.push(`${vp.name}: no reconnect after clock jump`));
  await page.locator('.sheet .sheet__actions .btn--secondary').click();
  await page.waitForSelector('.sheet', { state: 'detached' });

  // English.
  await page.locator('.app-header__lang').click();
  await page.waitForTimeout(200);
  await shot(page, `09-grid-en-${vp.name}`);
  await page.locator('.ucell--available').nth(2).click();
  await page.waitForSelector('.sheet');
  await shot(page, `10-sheet-en-${vp.name}`);
  await page.keyboard.press('Escape');
  await page.locator('.app-header__lang').click(); // back to Chinese for the next run

  // Offline banner: cut the network (the socket drops and reconnects with backoff).
  await context.setOffline(true);
  await page
    .waitForSelector('.banner--offline', { timeout: 15_000 })
    .catch(() => problems.push(`${vp.name}: no offline banner`));
  await shot(page, `11-offline-${vp.name}`);
  await context.setOffline(false);
  await page
    .waitForSelector('.conn--online', { timeout: 20_000 })
    .catch(() => problems.push(`${vp.name}: did not come back online`));

  await context.close();
}

async function managerFlow(browser: Browser, vp: Viewport, projectId: string): Promise<void> {
  const context = await newContext(browser, vp);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${vp.name} manager page error: ${e.message}`));
  await uiLogin(page, 'manager', MANAGER_PASSWORD);
  await page.waitForURL(`${BASE}/`);
  await page.waitForSelector('.project-card');
  await shot(page, `20-projects-manager-${vp.name}`);
  await page.goto(`${BASE}/manager/${projectId}`);
  await page.waitForSelector('.ucell');
  await page.waitForSelector('.table, .panel__empty');
  await shot(page, `21-manager-${vp.name}`);
  await shot(page, `22-manager-full-${vp.name}`, true);
  await checkNoOverflow(page, `manager ${vp.name}`, false);

  await page.locator('.ucell--available').nth(3).click();
  await shot(page, `23-manager-unit-${vp.name}`);

  await page.locator('.segmented button').nth(1).click();
  await page.locator('.ucell--not_released').first().click();
  await page.locator('button.ugrid__floor').first().click();
  await shot(page, `24-manager-select-${vp.name}`);

  await page.locator('.app-header .btn--danger').click();
  await page.waitForSelector('.dialog');
  await shot(page, `25-manager-pause-dialog-${vp.name}`);
  await page.keyboard.press('Escape');
  await context.close();

  const cashier = await newContext(browser, vp);
  const p2 = await cashier.newPage();
  await uiLogin(p2, 'cashier', process.env.KAIPAN_CASHIER_PASSWORD ?? 'kaipan-cashier');
  await p2.waitForURL(/\/(p\/.*)?$/);
  await p2.goto(`${BASE}/manager/${projectId}`);
  await p2.waitForSelector('.state--error');
  await shot(p2, `26-manager-forbidden-${vp.name}`);
  await cashier.close();
}

async function boardFlow(
  browser: Browser,
  vp: Viewport,
  projectId: string,
  fake: boolean,
  live: boolean,
): Promise<void> {
  const context = await newContext(browser, vp);
  const page = await context.newPage();
  if (fake) await fakeSales(page, projectId);
  page.on('pageerror', (e) => problems.push(`${vp.name} board page error: ${e.message}`));
  await page.goto(`${BASE}/board/${projectId}?key=${encodeURIComponent(BOARD_KEY)}`);
  await page.waitForSelector('.ucell');
  await page.waitForTimeout(800);
  await shot(page, `30-board-${vp.name}`);
  if (live) {
    // A lock made elsewhere must show up on the board within a few frames, and go away on release.
    const before = await page.locator('.ucell--locked').count();
    const who = await login('c040', CONSULTANT_PASSWORD);
    const [unitId] = await pickAvailable(projectId, who.token, 1, 17 + vp.width);
    if (unitId) {
      const t0 = Date.now();
      const lock = await http<{ token: string }>('POST', `/api/units/${unitId}/lock`, who.token, {});
      await page
        .waitForFunction((n) => document.querySelectorAll('.ucell--locked').length > n, before, { timeout: 5_000 })
        .then(() => console.log(`  live lock reached the board in ${Date.now() - t0} ms`))
        .catch(() => problems.push(`board ${vp.name}: live lock did not arrive`));
      await http('POST', `/api/units/${unitId}/release`, who.token, { token: lock.token });
      await page
        .waitForFunction((n) => document.querySelectorAll('.ucell--locked').length <= n, before, { timeout: 5_000 })
        .catch(() => problems.push(`board ${vp.name}: live release did not arrive`));
    }
  }
  // Landscape screens must fit without scrolling; a portrait phone gets the stacked layout.
  await checkNoOverflow(page, `board ${vp.name}`, !vp.mobile);
  if (vp.name === 'wall') {
    // Nothing may be clipped inside the board either.
    const clipped = await page.evaluate(() => {
      const out: string[] = [];
      for (const sel of ['.board__side', '.board__buildings', '.deals', '.board__header']) {
        const el = document.querySelector(sel);
        if (el && el.scrollHeight > el.clientHeight + 2) out.push(`${sel} ${el.scrollHeight}>${el.clientHeight}`);
      }
      return out;
    });
    for (const c of clipped) problems.push(`board wall: clipped ${c}`);
  }
  await context.close();

  const missing = await newContext(browser, vp);
  const p2 = await missing.newPage();
  await p2.goto(`${BASE}/board/${projectId}-nokey`);
  await p2.waitForSelector('.board__message');
  await shot(p2, `31-board-no-key-${vp.name}`);
  await missing.close();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const consultant = await login('c001', CONSULTANT_PASSWORD);
  const projects = await http<ProjectSummary[]>('GET', '/api/projects', consultant.token);
  const project = projects[0];
  if (!project) throw new Error('no project');
  const catalog = await http<ProjectCatalog>('GET', `/api/projects/${project.id}/catalog`, consultant.token);
  console.log(`project ${project.name} (${project.id}), ${catalog.units.length} units`);
  const activity = process.argv.includes('--activity');
  const fake = process.argv.includes('--fake-sales');
  if (activity) await makeSales(project.id);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
    for (const vp of VIEWPORTS) {
      console.log(`viewport ${vp.name} ${vp.width}×${vp.height}`);
      if (!only || only === 'consultant')
        await consultantFlow(browser, vp, project.id, activity && vp.name === 'phone');
      if (!only || only === 'manager') await managerFlow(browser, vp, project.id);
      if (!only || only === 'board') {
        if (activity) await makeLocks(project.id, vp.width);
        await boardFlow(browser, vp, project.id, fake, activity);
      }
    }
  } finally {
    await browser.close();
  }
  if (problems.length > 0) {
    console.error('\nProblems:\n' + problems.map((p) => `  - ${p}`).join('\n'));
    process.exitCode = 1;
  } else {
    console.log('\nNo layout problems detected.');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
