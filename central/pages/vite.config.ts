/**
 * Central's browser pages (agent console, staff page, login, administration, supervisor's insight): TypeScript built by Vite into
 * `dist/pages/` (`console.html`, `staff.html`, `assets/`). Each page is served at its own
 * folder (`/console/`, `/staff/`) with its assets below it, so asset URLs are relative.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  // No public/ folder; nothing is copied that the pages do not import.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist/pages', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    // No inline script or style: the pages' CSP allows 'self' only.
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        console: fileURLToPath(new URL('console.html', import.meta.url)),
        staff: fileURLToPath(new URL('staff.html', import.meta.url)),
        login: fileURLToPath(new URL('login.html', import.meta.url)),
        admin: fileURLToPath(new URL('admin.html', import.meta.url)),
        insight: fileURLToPath(new URL('insight.html', import.meta.url)),
      },
    },
  },
});
