/**
 * The sim daemon's control panel: hardware-sim/panel/panel.ts built by Vite into `dist/panel/`
 * (`index.html`, `panel.js`), which the daemon serves at `/` and `/panel.js`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist/panel', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
    rollupOptions: { output: { entryFileNames: 'panel.js' } },
  },
});
