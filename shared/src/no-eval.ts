/**
 * Browser apps import this module FIRST (client/src/index.tsx, kiosk/src/index.tsx), before any schema
 * of @kaipan/shared is built. The Content-Security-Policy forbids eval (server/src/http/security-headers.ts);
 * zod 4 compiles object parsers with `new Function` and probes for it when a schema is built — a
 * probe the browser reports as a CSP violation. In the browser the schemas parse without that JIT
 * (a few small forms; the server keeps it for the hub's hot path).
 */
import { z } from 'zod';

z.config({ jitless: true });
