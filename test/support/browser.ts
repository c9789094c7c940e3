/**
 * Browser tests: the built apps and headless Chromium (Debian's, via playwright-core). `npm test`
 * builds client/ and kiosk/ first; running one test file alone builds what is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { findProgram } from '../../server/src/infra/system-packages.js';
import { chromium, type Browser } from 'playwright-core';

/** Where browser tests leave screenshots to be looked at (git-ignored). */
export const SHOTS = 'artifacts/screenshots';

/**
 * Build `app` unless its dist exists — and, with `chunk`, holds a chunk of that name (a dist from
 * before the page was added would not).
 */
export function ensureBuilt(app: 'client' | 'kiosk', chunk?: string): void {
  const dist = `${app}/dist`;
  const built =
    existsSync(`${dist}/index.html`) && (!chunk || readdirSync(`${dist}/assets`).some((f) => f.startsWith(chunk)));
  if (built) return;
  const result = spawnSync('npx', ['vite', 'build', '--config', `${app}/vite.config.ts`, '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`${app} build failed`);
}

/**
 * Headless Chromium: CHROMIUM_PATH, else the system's `chromium` (the test setup installs Debian's
 * when missing and root). Without one the browser tests fail here, saying what to install.
 */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  const executablePath = process.env.CHROMIUM_PATH ?? findProgram('chromium');
  if (!executablePath) {
    throw new Error(
      'Browser tests need Chromium: sudo apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH). As root, `npm test` installs it.',
    );
  }
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
