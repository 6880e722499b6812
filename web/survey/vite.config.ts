import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The survey web app: served by sdp itself at /survey (src/survey/survey-web.ts), built by
// `npm run build` into web/dist/survey. Everything is bundled: no request may leave the server.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/survey/',
  logLevel: 'warn',
  build: {
    // web/dist is git-ignored.
    outDir: '../dist/survey',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
