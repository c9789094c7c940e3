/**
 * Import-cycle check (`npm run lint:cycles`, part of `npm run lint` and so of `npm test`): zero
 * cycles allowed. dpdm resolves imports with TypeScript itself — .ts/.tsx, the `.js` suffix of our
 * ESM imports, and tsconfig `paths` (@kaipan/shared → shared/src/index.ts, the same alias the Vite
 * and vitest configs declare). Type-only imports count: a type cycle is still two modules that
 * cannot be understood, moved or split one without the other.
 */
import { defineConfig } from 'dpdm';

export default defineConfig({
  files: [
    'shared/src/**/*.ts',
    'server/src/**/*.ts',
    'client/src/**/*.{ts,tsx}',
    'client/e2e/**/*.ts',
    'kiosk/src/**/*.{ts,tsx}',
    'scripts/**/*.ts',
    'load-tests/**/*.{ts,js,mjs,cjs}',
    'test/**/*.ts',
  ],
  tsconfig: 'tsconfig.json',
  // Generated Prisma client (its own internal cycles) and third-party code are not ours to fix.
  exclude: '/(node_modules|generated)/',
  exitCode: 'circular:1',
  tree: false,
  warning: false,
  circular: true,
  progress: false,
});
