// Builds the dashboard into dist/web, served from the package by `flowsight serve` (no CDN: it
// works offline). Run by `npm run build` (and `prepare`, so `npm ci` builds it).

import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
});
