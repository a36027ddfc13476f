import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and examples run against the sources, so no build step sits between an edit and a test run.
    alias: [
      { find: /^@ticketkit\/core\/testing$/, replacement: here('./packages/core/src/testing/index.ts') },
      { find: /^@ticketkit\/core$/, replacement: here('./packages/core/src/index.ts') },
      { find: /^@ticketkit\/adapter-sqlite$/, replacement: here('./packages/adapters-sqlite/src/index.ts') },
      { find: /^@ticketkit\/adapter-postgres$/, replacement: here('./packages/adapters-postgres/src/index.ts') },
      { find: /^@ticketkit\/server$/, replacement: here('./packages/server/src/index.ts') },
      { find: /^@ticketkit\/email$/, replacement: here('./packages/email/src/index.ts') },
      { find: /^@ticketkit\/console$/, replacement: here('./packages/console/src/index.ts') },
      { find: /^@ticketkit\/widget$/, replacement: here('./packages/widget/src/index.ts') },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 30_000,
  },
});
