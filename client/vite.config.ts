import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Consultant app, manager pages and wall board. The server serves `client/dist` with SPA fallback. */
export default defineConfig({
  root: here('.'),
  plugins: [solid()],
  resolve: {
    alias: [
      { find: '@kaipan/shared', replacement: here('../shared/src/index.ts') },
      // The web foundation both apps share (i18n, HTTP transport, session, components): shared/web/README.md.
      { find: '@kaipan/web', replacement: here('../shared/web') },
      // Every `import … from 'zod'` of the app gets zod with the eval probe off (CSP; shared/src/no-eval.ts).
      { find: /^zod$/, replacement: here('../shared/src/no-eval.ts') },
    ],
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The lazy dashboard chunk carries ECharts (core, bar/line/pie, canvas: ~570 kB, ~190 kB gzipped);
    // it loads only on /manager/:id/dashboard. Larger than that is still worth the warning.
    chunkSizeWarningLimit: 620,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: true },
      '/socket.io': { target: 'http://localhost:3000', ws: true, changeOrigin: true },
    },
  },
});
