import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Consultant app, manager pages and wall board. The server serves `client/dist` with SPA fallback. */
export default defineConfig({
  root: here('.'),
  plugins: [solid()],
  resolve: {
    alias: { '@kaipan/shared': here('../shared/src/index.ts') },
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: true },
      '/socket.io': { target: 'http://localhost:3000', ws: true, changeOrigin: true },
    },
  },
});
