import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: { '@kaipan/shared': r('./shared/src/index.ts'), '@kaipan/web': r('./shared/web') },
  },
  test: {
    include: [
      'shared/**/*.test.ts',
      'server/**/*.test.ts',
      'scripts/**/*.test.ts',
      'load-tests/**/*.test.ts',
      'test/**/*.test.ts',
      // Pure-logic client unit tests (stores etc.); browser e2e suites run under Playwright instead.
      'client/src/**/*.test.ts',
      // Pure-logic kiosk unit tests (keypad, announcements).
      'kiosk/src/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', 'client/**/e2e/**', '.kaipan/**'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Starts embedded PostgreSQL (+ migrated template DB) and redis-server once per run;
    // tests get them via inject(): see test/support/services.ts.
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
