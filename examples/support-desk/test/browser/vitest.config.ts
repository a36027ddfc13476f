import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

// The reference app's tour: real Chromium (Debian's, never downloaded) against the real app.
export default defineConfig({
  root: root(''),
  resolve: {
    alias: [
      { find: /^@ticketkit\/core$/, replacement: root('packages/core/src/index.ts') },
      { find: /^@ticketkit\/adapter-sqlite$/, replacement: root('packages/adapters-sqlite/src/index.ts') },
      { find: /^@ticketkit\/adapter-postgres$/, replacement: root('packages/adapters-postgres/src/index.ts') },
      { find: /^@ticketkit\/server$/, replacement: root('packages/server/src/index.ts') },
      { find: /^@ticketkit\/email$/, replacement: root('packages/email/src/index.ts') },
      { find: /^@ticketkit\/widget$/, replacement: root('packages/widget/src/index.ts') },
    ],
  },
  test: {
    include: ['examples/support-desk/test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
