import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

// The console's browser tests: real Chromium (Debian's, never downloaded) against a real server.
export default defineConfig({
  root: root(''),
  resolve: {
    alias: [
      { find: /^@ticketkit\/core$/, replacement: root('packages/core/src/index.ts') },
      { find: /^@ticketkit\/adapter-sqlite$/, replacement: root('packages/adapters-sqlite/src/index.ts') },
      { find: /^@ticketkit\/server$/, replacement: root('packages/server/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/console/test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
