// Preload for syntax/import checks of the k6 scripts under Node (load-tests/k6-scripts.test.ts):
// node --import ./load-tests/k6-stubs/register.mjs … maps k6 built-in modules to stubs.
import { register } from 'node:module';

globalThis.__ENV = {};
globalThis.__VU = 0;
globalThis.__ITER = 0;
globalThis.__k6stub = { metrics: [], calls: [] };
globalThis.open = () => {
  throw new Error('open() is not available in the k6 stub');
};
register('./hooks.mjs', import.meta.url);
