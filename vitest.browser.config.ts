import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import unit from './vitest.config.js';

// The browser suites in real Chromium (Debian's, never downloaded) against real servers: the widget, the
// console and the reference app's tour. Their own run (`npm run test:browser`), so `vitest run` does not
// repeat them; `npm run test:browser -- packages/console` runs one. One file at a time: each starts a browser.
export default defineConfig({
  resolve: unit.resolve,
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['packages/*/test/browser/**/*.browser.ts', 'examples/*/test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
