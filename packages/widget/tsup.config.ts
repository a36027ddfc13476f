import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The npm entry: ESM with types, for bundlers (they minify it with the host's code).
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'browser',
    tsconfig: 'tsconfig.json',
  },
  {
    // The script-tag build: one minified module that adds the launcher by itself.
    entry: { 'ticketkit-widget': 'src/script-tag.ts' },
    format: ['esm'],
    minify: true,
    dts: true,
    target: 'es2022',
    platform: 'browser',
    tsconfig: 'tsconfig.json',
    outExtension: () => ({ js: '.js' }),
  },
]);
