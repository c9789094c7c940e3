// A small k6 emulator for smoke-running the k6 scenarios under Node where k6 is not installed
// (load-tests/k6-emulated.test.ts, `npm run k6:emulate`). Maps k6 built-ins to emulator modules.
// Differences from k6: VUs share one event loop; ws.connect() returns at once (101) instead of
// blocking until the socket closes; HTTP is synchronous through a worker thread.
import { register } from 'node:module';

globalThis.__ENV = globalThis.__ENV ?? {};
globalThis.__VU = 0;
globalThis.__ITER = 0;
register('./hooks.mjs', import.meta.url);
