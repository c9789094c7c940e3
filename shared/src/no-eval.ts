/**
 * zod for the browser apps: the web builds resolve the bare specifier `zod` to this module
 * (client/vite.config.ts, kiosk/vite.config.ts), so every schema of @kaipan/shared and of the apps is
 * built after `jitless` is set, whatever order the bundler puts its chunks in.
 *
 * Why: the Content-Security-Policy forbids eval (server/src/http/security-headers.ts); zod 4 probes
 * `new Function` when an object schema is built — a probe the browser reports as a CSP violation
 * even though zod catches the throw. In the browser the schemas parse without that JIT (a few small
 * forms); the server keeps it for the hub's hot path. (Importing a module that sets it "first" in
 * the entry is not enough: the entry's own code runs after the shared chunks it imports.)
 */
import { config } from 'zod/v4';

config({ jitless: true });

export * from 'zod/v4';
export { default, default as z } from 'zod/v4';
