import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import root from '../../vitest.config.js';

// The widget's tests in real Chromium (`npm run test:browser`): their own run, so `vitest run` does not repeat them.
export default defineConfig({
  resolve: root.resolve,
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['packages/widget/test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
