/**
 * From an empty install to a sale, in the browser only (issue 14 "Done when"): a server on an EMPTY
 * database with KAIPAN_DEMO=0 prints a setup code; the first administrator is created with it;
 * accounts (two consultants, a cashier, a manager); a project with its payee company; layouts; two
 * generated buildings (a tower with skipped floors 4/13/14 and a named floor, a parking building of
 * 车位) checked in the preview; a grid edit; formula prices (base + 层差); a presale permit covering
 * both buildings; members, roles and a team with its lead; a receipt book for the cashier; a wall
 * board paired by QR code from the manager's phone; a batch released by the manager; two
 * consultants racing for one unit (exactly one wins); the board showing it; the cashier recording
 * the deposit, and the receipt PDF naming the payee.
 *
 * The only non-browser steps are what a person reads off the machine: the setup code the server
 * printed, and the receipt PDF's text (pdftotext). Assertions read PostgreSQL where the point is
 * what was stored.
 *
 * Every setup screen is shot on the way to artifacts/screenshots/launch-*.png (git-ignored) at the
 * admin's 1366×768 in Chinese; with SETUP_SHOTS=all each is also shot at 390×844 and in English
 * (four shots per screen, ~30 s more), to be looked at after a change of those screens.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startEmptyServer, type TestServer } from './support/app.js';
import { SHOTS, ensureBuilt, launchChromium } from './support/browser.js';

let server: Omit<TestServer, 'fixture'>;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ensureBuilt('client', 'settings');
  ensureBuilt('kiosk', 'cashier');
  server = await startEmptyServer({ CLIENT_DIST: 'client/dist', KIOSK_DIST: 'kiosk/dist' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const DESK = { width: 1366, height: 768 } as const;
const PHONE = { width: 390, height: 844 } as const;
const ALL_SHOTS = process.env.SETUP_SHOTS === 'all';

const PAYEE = { name: '上海江岸置业有限公司', creditCode: '91310115MA1K4QXY29' };
const PEOPLE = [
  { username: 'gu.yi', displayName: '顾问一', role: 'CONSULTANT' },
  { username: 'gu.er', displayName: '顾问二', role: 'CONSULTANT' },
  { username: 'chu.na', displayName: '出纳小陈', role: 'CASHIER' },
  { username: 'jing.li', displayName: '销控经理', role: 'MANAGER' },
] as const;
const PASSWORD = 'harbour-light-2026';

async function newPage(viewport: { width: number; height: number }, phone = false): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
  });
  contexts.push(context);
  return context.newPage();
}

async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.press('input[name=password]', 'Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
}

/**
 * Shoot the screen the page shows: `launch-<name>-zh-1366.png`; with SETUP_SHOTS=all also at 390×844
 * and in English — switched in place (viewport, then the header's language switch), never reloaded,
 * so a half-filled form or a preview is shot as it is.
 */
async function shoot(page: Page, name: string): Promise<void> {
  // From the top (a sticky header is drawn where the page is scrolled to), without the passing toasts.
  const shot = async (tag: string): Promise<void> => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({
      path: `${SHOTS}/launch-${name}-${tag}.png`,
      fullPage: true,
      style: '.toasts { display: none !important; }',
    });
  };
  const language = async (to: 'en' | 'zh-CN'): Promise<void> => {
    await page.locator(`button[lang="${to}"]:visible`).first().click();
    await page
      .locator(`button[lang="${to === 'en' ? 'zh-CN' : 'en'}"]`)
      .first()
      .waitFor();
  };
  await shot('zh-1366');
  if (!ALL_SHOTS) return;
  const size = page.viewportSize() ?? DESK;
  await page.setViewportSize(PHONE);
  await shot('zh-390');
  await page.setViewportSize(DESK);
  await language('en');
  await shot('en-1366');
  await page.setViewportSize(PHONE);
  await shot('en-390');
  await page.setViewportSize(DESK);
  await language('zh-CN');
  await page.setViewportSize(size);
}

/** Open a section of the project's setup area from its menu. */
async function openSection(page: Page, section: string): Promise<void> {
  await page.click(`.setup__menu a[href$="/${section}"]`);
  await page.waitForURL(`**/${section}`);
}

describe('a launch set up from an empty install, in the browser', () => {
  it('first administrator → project → buildings, prices, permits → people → board → release → race → receipt', async () => {
    const db = server.db;
    // A failure leaves a picture of every open page (where the walk stopped, and what each showed).
    onTestFailed(async () => {
      for (const [i, context] of contexts.entries()) {
        for (const [j, page] of context.pages().entries()) {
          await page.screenshot({ path: `${SHOTS}/launch-failed-${i}-${j}.png`, fullPage: true }).catch(() => {});
        }
      }
    });
    expect(await db.user.count()).toBe(0);
    expect(await db.project.count()).toBe(0);

    // ── First run: the code the server printed creates the first administrator. ──
    const code = server.kaipan.setupCode()?.code;
    expect(code).toBeTruthy();
    const admin = await newPage(DESK);
    await admin.goto(`${server.url}/login`);
    await admin.click('[data-testid=first-run-link]');
    await admin.waitForSelector('[data-testid=first-run-form]');
    await shoot(admin, 'first-run');
    await admin.fill('input[name=setup-code]', code!);
    await admin.fill('input[name=username]', 'owner');
    await admin.fill('input[name=display-name]', '张总');
    await admin.fill('input[name=password]', PASSWORD);
    await admin.fill('input[name=repeat-password]', PASSWORD);
    await admin.click('button[type=submit]');
    await admin.waitForURL('**/setup/users');
    await admin.waitForSelector('[data-username="owner"]');
    expect(await db.user.findUniqueOrThrow({ where: { username: 'owner' } })).toMatchObject({ admin: true });

    // ── Accounts. ──
    for (const person of PEOPLE) {
      await admin.click('[data-testid=user-create]');
      const dialog = '[data-testid=user-create-dialog]';
      await admin.fill(`${dialog} input[name=username]`, person.username);
      await admin.fill(`${dialog} input[name=display-name]`, person.displayName);
      await admin.fill(`${dialog} input[name=password]`, PASSWORD);
      await admin.click(`${dialog} button[type=submit]`);
      await admin.waitForSelector(`[data-username="${person.username}"]`);
    }
    expect(await db.user.count({ where: { active: true } })).toBe(5);
    await shoot(admin, 'users');

    // ── The project, from the (empty) project list. ──
    await admin.goto(`${server.url}/setup`);
    await admin.locator('.setup-projects .state').first().waitFor();
    await shoot(admin, 'projects-empty');
    await admin.click('[data-testid=project-new]');
    const form = '[data-testid=project-new-form]';
    await admin.fill(`${form} input[name=name]`, '江岸花园');
    await admin.fill(`${form} input[name=name-en]`, 'Riverside Gardens');
    await admin.fill(`${form} input[name=city]`, '上海');
    await shoot(admin, 'projects-new');
    await admin.click(`${form} button[type=submit]`);
    await admin.waitForURL('**/setup/*/project');
    const projectId = new URL(admin.url()).pathname.split('/')[2]!;
    await admin.fill('input[name=address]', '上海市浦东新区滨江大道 888 号');
    await admin.fill('input[name=payeeName]', PAYEE.name);
    await admin.fill('input[name=payeeCreditCode]', PAYEE.creditCode);
    await admin.fill('input[name=payeeBank]', '中国工商银行上海浦东支行');
    await admin.fill('input[name=payeeAccount]', '1001 2345 6789 0123 456');
    await admin.click('.setup-form button[type=submit]');
    await expect
      .poll(async () => (await db.project.findUniqueOrThrow({ where: { id: projectId } })).payeeName)
      .toBe(PAYEE.name);
    expect(await db.project.findUniqueOrThrow({ where: { id: projectId } })).toMatchObject({
      name: '江岸花园',
      payeeCreditCode: PAYEE.creditCode,
      timezone: 'Asia/Shanghai',
    });
    await shoot(admin, 'section-project');

    // ── Layouts 户型 (before the buildings, whose stairwells name them). ──
    await openSection(admin, 'layouts');
    await admin.locator('.panel__empty').waitFor();
    await shoot(admin, 'section-layouts-empty');
    const layouts = [
      { code: 'A89', name: '三室两厅', gross: '89.5', net: '72.1', orientation: '南' },
      { code: 'B120', name: '四室两厅', gross: '120', net: '98.6', orientation: '南北' },
      { code: 'P', name: '标准车位', gross: '12.5', net: '12.5', orientation: '—' },
    ];
    for (const l of layouts) {
      await admin.fill('.sb-form input[name=code]', l.code);
      await admin.fill('.sb-form input[name=name]', l.name);
      await admin.fill('.sb-form input[name=gross-area]', l.gross);
      await admin.fill('.sb-form input[name=net-area]', l.net);
      await admin.fill('.sb-form input[name=orientation]', l.orientation);
      await admin.click('.sb-form button[type=submit]');
      await admin.waitForSelector(`[data-testid=layout-row][data-code="${l.code}"]`);
    }
    await shoot(admin, 'section-layouts');

    // ── Buildings: a tower with skipped floors and a named floor, then a parking building. ──
    await openSection(admin, 'buildings');
    await admin.locator('.sb-list .panel__empty').waitFor();
    const preview = admin.locator('[data-testid=building-preview]');
    const summary = preview.locator('.sb-preview__summary');
    await admin.fill('.sb-form input[name=name]', '1号楼');
    await admin.fill('.sb-form input[name=name-en]', 'Tower 1');
    await admin.fill('.sb-form input[name=floors]', '12');
    await admin.fill('.sb-form input[name=skip]', '4, 13, 14');
    await admin.fill('.sb-form input[name=named]', '2');
    await admin.fill('.sb-form input[name=layouts-1]', 'A89, B120');
    await admin.press('.sb-form input[name=layouts-1]', 'Tab');
    await admin.fill('.sb-form input[name=layouts-2]', 'B120, A89');
    await admin.press('.sb-form input[name=layouts-2]', 'Tab');
    // 12 storeys numbered 1 2 3 5 … 12 15 (4, 13, 14 skipped); 2 is the 架空层: 11 × 4 units.
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toMatch(/44\D.*15/);
    const floorLabels = await preview.locator('.sb-grid__floor').allTextContents();
    expect(floorLabels.map((f) => f.trim())).toEqual(['15', '12', '11', '10', '9', '8', '7', '6', '5', '3', '2', '1']);
    expect(await preview.locator('.sb-grid__named').textContent()).toContain('架空层');
    await shoot(admin, 'section-buildings-preview');
    // A refused pattern says what is wrong, in the screen's language, by the field.
    await admin.fill('.sb-form input[name=duplex]', '15');
    await expect
      .poll(() => admin.locator('[data-testid=pattern-problems]').textContent())
      .toBe('复式起始层（占本层和上一层）：15 层是顶层，上面没有楼层可做复式');
    await shoot(admin, 'section-buildings-problem');
    await admin.fill('.sb-form input[name=duplex]', '');
    await expect.poll(() => summary.textContent()).toMatch(/44\D.*15/);
    await admin.click('[data-testid=building-create]');
    await admin.waitForSelector('[data-testid=building-row][data-code="1"]');
    expect(await db.unit.count({ where: { projectId, status: 'NOT_RELEASED' } })).toBe(44);
    expect(await db.unit.count({ where: { projectId, floor: { in: [2, 4, 13, 14] } } })).toBe(0);

    await admin.fill('.sb-form input[name=name]', '地下车库');
    await admin.fill('.sb-form input[name=name-en]', 'Car park');
    await admin.fill('.sb-form input[name=code]', 'P');
    await admin.fill('.sb-form input[name=floors]', '1');
    await admin.fill('.sb-form input[name=skip]', '');
    await admin.fill('.sb-form input[name=named]', '');
    await admin.selectOption('.sb-form select[name=kind]', 'PARKING');
    await admin.click('.sb-form__well button[aria-label]'); // one stairwell is enough: remove the second
    await admin.fill('.sb-form input[name=units-1]', '12');
    await admin.fill('.sb-form input[name=layouts-1]', Array(12).fill('P').join(','));
    await admin.press('.sb-form input[name=layouts-1]', 'Tab');
    await admin.fill('.sb-form input[name=pattern]', '{building}-{position:03}');
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toMatch(/12\D/);
    await expect.poll(() => preview.locator('.sb-grid__cell').first().getAttribute('title')).toMatch(/^P-001\b/);
    await admin.click('[data-testid=building-create]');
    await admin.waitForSelector('[data-testid=building-row][data-code="P"]');
    expect(await db.unit.count({ where: { projectId, kind: 'PARKING' } })).toBe(12);
    await shoot(admin, 'section-buildings');

    // ── The unit grid: the top floor becomes B120 (select the floor, set the layout). ──
    await openSection(admin, 'units');
    await admin.locator('.sb-units__floorbtn').first().waitFor();
    await admin.click('.sb-units__floorbtn >> text="15"');
    await expect.poll(() => admin.locator('.sb-units__cell--on').count()).toBe(4);
    const b120 = await db.unitLayout.findFirstOrThrow({ where: { projectId, code: 'B120' } });
    await admin.selectOption('.sb-units__actions select >> nth=0', b120.id);
    await admin.click('.sb-units__actions .sb-form__row >> nth=0 >> button');
    await expect
      .poll(() => db.unit.count({ where: { projectId, floor: 15, layoutId: b120.id } }), { timeout: 10_000 })
      .toBe(4);
    await shoot(admin, 'section-units');

    // ── Formula prices: base ¥20,000/m² + 层差 ¥100 per floor for the tower, ¥150,000 a space. ──
    await openSection(admin, 'prices');
    const tower = await db.building.findFirstOrThrow({ where: { projectId, code: '1' } });
    const carPark = await db.building.findFirstOrThrow({ where: { projectId, code: 'P' } });
    await admin.locator(`select[name=building] option[value="${tower.id}"]`).waitFor({ state: 'attached' });
    await admin.selectOption('select[name=building]', tower.id);
    await admin.selectOption('select[name=kind]', 'RESIDENCE');
    await admin.fill('input[name=base]', '20000');
    await admin.fill('input[name=base-floor]', '1');
    await admin.fill('input[name=increment]', '100');
    await admin.click('[data-testid=formula-preview]');
    await expect.poll(() => admin.locator('[data-testid=formula-row]').count()).toBe(44);
    const listOf = async (unit: string): Promise<number> =>
      Number(await admin.locator(`[data-testid=formula-row][data-code="${unit}"]`).getAttribute('data-list'));
    // Same layout (A89, 89.5 m²), one floor apart: 层差 ¥100 × 89.5 m² = ¥8,950.
    expect((await listOf('1-1201')) - (await listOf('1-1101'))).toBe(895_000);
    expect(await listOf('1-1101')).toBeGreaterThan(20_000 * 89.5 * 100);
    await shoot(admin, 'section-prices');
    await admin.click('[data-testid=formula-apply]');
    await expect
      .poll(async () => Number((await db.unit.findFirstOrThrow({ where: { projectId, code: '1-1201' } })).listPrice))
      .toBe(await listOf('1-1201'));
    await admin.selectOption('select[name=building]', carPark.id);
    await admin.selectOption('select[name=kind]', 'PARKING');
    await admin.selectOption('select[name=basis]', 'PER_UNIT');
    await admin.fill('input[name=base]', '150000');
    await admin.fill('input[name=increment]', '0');
    await admin.click('[data-testid=formula-preview]');
    await expect.poll(() => admin.locator('[data-testid=formula-row]').count()).toBe(12);
    await admin.click('[data-testid=formula-apply]');
    await expect.poll(() => db.unit.count({ where: { projectId, kind: 'PARKING', listPrice: 15_000_000 } })).toBe(12);

    // ── A presale permit covering both buildings. ──
    await openSection(admin, 'permits');
    await admin.locator('input[name=number]').waitFor();
    await shoot(admin, 'section-permits-empty');
    await admin.fill('input[name=number]', '浦东新区房管(2026)预字0000123号');
    await admin.fill('input[name=issued-on]', '2026-11-20');
    await admin.check('input[name=building][value="1"]');
    await admin.check('input[name=building][value="P"]');
    await admin.click('.setup-form button[type=submit]');
    await expect.poll(() => admin.locator('[data-testid=permit-row]').textContent()).toContain('56');
    await shoot(admin, 'section-permits');

    // ── Members, roles and a team with its lead. ──
    await openSection(admin, 'members');
    await admin.locator('[data-testid=member-username]').waitFor();
    await shoot(admin, 'section-members-empty');
    for (const person of PEOPLE) {
      await admin.fill('[data-testid=member-username]', person.username);
      await admin.selectOption('.members__add select[name=role]', person.role);
      await admin.click('.members__add:has([data-testid=member-username]) button[type=submit]');
      await admin.waitForSelector(`[data-testid=member-row][data-username="${person.username}"]`);
    }
    await admin.fill('input[name=team-name]', '一组');
    const guYi = await db.user.findUniqueOrThrow({ where: { username: 'gu.yi' } });
    await admin.selectOption('select[name=lead]', guYi.id);
    await admin.click('.members__add:has(input[name=team-name]) button[type=submit]');
    await admin.waitForSelector('[data-testid=team-row]');
    const team = await db.team.findFirstOrThrow({ where: { projectId } });
    expect(team).toMatchObject({ name: '一组', leadId: guYi.id });
    for (const username of ['gu.yi', 'gu.er']) {
      await admin.selectOption(`[data-testid=member-row][data-username="${username}"] select[name=team]`, team.id);
      await expect
        .poll(async () => (await db.projectMember.findFirst({ where: { projectId, user: { username } } }))?.teamId)
        .toBe(team.id);
    }
    const roles = await db.projectMember.findMany({ where: { projectId }, include: { user: true } });
    expect(Object.fromEntries(roles.map((m) => [m.user.username, m.role]))).toEqual(
      Object.fromEntries(PEOPLE.map((p) => [p.username, p.role])),
    );
    await shoot(admin, 'section-members');

    // ── Settings: a receipt book for the cashier. ──
    await openSection(admin, 'settings');
    await admin
      .locator('[data-testid=receipt-books] select[name=cashier] option')
      .first()
      .waitFor({ state: 'attached' });
    await shoot(admin, 'section-settings');
    const chuNa = await db.user.findUniqueOrThrow({ where: { username: 'chu.na' } });
    await admin.selectOption('[data-testid=receipt-books] select[name=cashier]', chuNa.id);
    await admin.fill('[data-testid=receipt-books] input[name=prefix]', 'JA2026-');
    await admin.fill('[data-testid=receipt-books] input[name=last]', '200');
    await admin.click('[data-testid=receipt-books] button[type=submit]');
    await admin.waitForSelector('[data-testid=receipt-book-row][data-prefix="JA2026-"]');
    expect(await db.receiptBook.findFirstOrThrow({ where: { projectId } })).toMatchObject({
      cashierId: chuNa.id,
      status: 'ACTIVE',
    });

    // ── A wall board paired by QR code: the TV shows a code, the manager's phone approves. ──
    await openSection(admin, 'devices');
    await admin.locator('.setup__main .panel').first().waitFor();
    await shoot(admin, 'section-devices-empty');
    const tv = await newPage({ width: 1920, height: 1080 });
    await tv.goto(`${server.url}/board`);
    const shown = (await tv.locator('[data-testid=pairing-code]').textContent({ timeout: 15_000 })) ?? '';
    await tv.locator('.kp-pair__qr svg').waitFor();
    const manager = await newPage(PHONE, true);
    await signIn(manager, 'jing.li');
    await manager.goto(`${server.url}/pair/${shown.replace('-', '').trim()}`);
    await manager.locator('[data-testid=pair-form]').waitFor({ timeout: 15_000 });
    expect(await manager.locator('input[name=kind][value=BOARD]').isChecked()).toBe(true);
    await manager.fill('input[name=name]', '售楼处大屏');
    await manager.click('[data-testid=pair-form] button[type=submit]');
    await manager.locator('[data-testid=pair-done]').waitFor({ timeout: 10_000 });
    await tv.waitForURL(`**/board/${projectId}`, { timeout: 15_000 });
    const boardCell = (unit: string) => tv.locator(`[aria-label^="${unit} "]`).first();
    await boardCell('1-1501').waitFor({ timeout: 15_000 });
    expect(await db.device.findFirstOrThrow({ where: { projectId } })).toMatchObject({
      kind: 'BOARD',
      name: '售楼处大屏',
    });
    await admin.reload();
    await admin.locator('.setup__main').getByText('售楼处大屏').first().waitFor();
    await shoot(admin, 'section-devices');

    // ── The manager releases a batch: the top floor and the first two parking spaces. ──
    await manager.setViewportSize(DESK);
    await manager.goto(`${server.url}/manager/${projectId}`);
    await manager.locator('button[aria-label^="1-1501 "]').waitFor({ timeout: 15_000 });
    await manager.click('.segmented [role=radio] >> nth=1');
    const batch = ['1-1501', '1-1502', '1-1503', '1-1504', 'P-001', 'P-002'];
    for (const unit of batch) await manager.click(`button[aria-label^="${unit} "]`);
    await manager.fill('input[name=batch-name]', '首开');
    await manager.click('[data-testid=batch-release]');
    await expect
      .poll(() => db.unit.count({ where: { projectId, code: { in: batch }, status: 'AVAILABLE' } }), {
        timeout: 10_000,
      })
      .toBe(batch.length);
    expect(await db.unit.count({ where: { projectId, status: 'AVAILABLE' } })).toBe(batch.length);
    await expect.poll(() => boardCell('1-1501').getAttribute('class')).toContain('btile--available');

    // ── Two consultants, two phones, one unit: exactly one lock. ──
    const phones = await Promise.all(
      ['gu.yi', 'gu.er'].map(async (username) => {
        const page = await newPage(PHONE, true);
        await signIn(page, username);
        const cell = page.locator('button[aria-label^="1-1501 "]').first();
        await cell.waitFor({ timeout: 15_000 });
        await cell.click();
        const lock = page.locator('.sheet .btn--go');
        await lock.waitFor();
        await (await lock.elementHandle())?.waitForElementState('stable');
        return page;
      }),
    );
    // Both taps at once (the sheets are open and still): each phone sends its lock before either
    // hears of the other's.
    await Promise.all(phones.map((p) => p.locator('.sheet .btn--go').evaluate((b: HTMLButtonElement) => b.click())));
    // Each phone ends in one of two states: the buyer form (won) or the unit shown taken (lost).
    const outcome = (p: Page) =>
      p
        .locator('input[name=buyer-name], .sheet__reason--locked, .sheet [role=alert]')
        .first()
        .waitFor({ timeout: 10_000 })
        .then(() => p.locator('input[name=buyer-name]').count());
    const won = await Promise.all(phones.map(outcome));
    expect(won.sort()).toEqual([0, 1]);
    const winner = phones[(await phones[0]!.locator('input[name=buyer-name]').count()) ? 0 : 1]!;
    const loser = phones.find((p) => p !== winner)!;
    expect(await loser.locator('input[name=buyer-name]').count()).toBe(0);
    await expect.poll(() => boardCell('1-1501').getAttribute('class')).toContain('btile--locked');
    await loser.screenshot({ path: `${SHOTS}/launch-race-loser-390.png` });

    await winner.fill('input[name=buyer-name]', '林晓雨');
    await winner.fill('input[name=buyer-phone]', '13912345678');
    await winner.locator('.sheet button[type=submit].btn--primary').click();
    await winner.locator('[data-testid=review-confirm]').click();
    await expect
      .poll(async () => (await db.unit.findFirstOrThrow({ where: { projectId, code: '1-1501' } })).status, {
        timeout: 10_000,
      })
      .toBe('SUBSCRIBED');
    expect(await db.subscription.count({ where: { projectId } })).toBe(1);
    await expect.poll(() => boardCell('1-1501').getAttribute('class')).toContain('btile--subscribed');
    await tv.screenshot({ path: `${SHOTS}/launch-board-1920.png` });

    // ── The cashier takes the deposit; the receipt names the payee. ──
    const desk = await newPage(DESK);
    await desk.goto(`${server.url}/cashier`);
    await desk.fill('input[name=username]', 'chu.na');
    await desk.fill('input[name=password]', PASSWORD);
    await desk.keyboard.press('Enter');
    await expect
      .poll(() => desk.locator('[data-testid=book-chip]').textContent(), { timeout: 15_000 })
      .toContain('JA2026-');
    await desk.fill('[data-testid=desk-search]', '1-1501');
    await desk.keyboard.press('Enter');
    await desk.locator('[data-testid=subscription-panel][data-unit="1-1501"]').waitFor({ timeout: 15_000 });
    await desk.click('[data-testid=record-payment]');
    await desk.locator('[data-testid=payment-form]').waitFor();
    await desk.fill('[data-testid=line-amount-0]', '50000');
    await desk.click('[data-testid=review-payment]');
    await desk.click('[data-testid=record-payment-confirm]');
    await expect
      .poll(() => desk.locator('[data-testid=receipt-number]').textContent(), { timeout: 20_000 })
      .toBe('JA2026-000001');
    const pdfPreview = desk.locator('[data-testid=document-preview]');
    await pdfPreview.waitFor({ timeout: 30_000 });
    const src = (await pdfPreview.getAttribute('src'))!;
    const pdf = await desk.evaluate(async (url) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      return btoa(binary);
    }, src.split('#')[0]!);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kaipan-receipt-')), 'receipt.pdf');
    writeFileSync(file, Buffer.from(pdf, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(PAYEE.name);
    expect(text).toContain(PAYEE.creditCode);
    expect(text).toContain('JA2026-000001');
    expect(text).toContain('1-1501');
    await desk.screenshot({ path: `${SHOTS}/launch-receipt-1366.png` });

    // ── The account pages of the people set up here. ──
    await manager.goto(`${server.url}/account`);
    await manager.locator('[data-testid=change-password-link]').waitFor();
    await shoot(manager, 'account');
    await admin.goto(`${server.url}/setup`);
    await admin.locator('.setup-projects__item').first().waitFor();
    await shoot(admin, 'projects');
    for (const context of contexts) await context.close();
  }, 180_000);
});
