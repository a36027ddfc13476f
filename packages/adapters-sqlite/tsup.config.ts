import { defineConfig } from 'tsup';

export default defineConfig({
  // The write thread's worker is a file of its own: `new Worker()` loads it beside index.js.
  entry: { index: 'src/index.ts', 'write-thread-worker': 'src/write-thread-worker.ts' },
  format: ['esm'],
  // Types for the public entry only: the worker is loaded by path, never imported.
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.json',
  external: ['better-sqlite3', '@ticketkit/core'],
});
