import { defineConfig } from 'tsup';

export default defineConfig([
  // The module for bundlers (registers the element on import).
  { entry: { index: 'src/index.ts' }, format: ['esm'], dts: true, sourcemap: true, clean: true, target: 'es2022' },
  // One minified file for a script tag: `<script type="module" src=".../ticketkit-console.js">`.
  { entry: { 'ticketkit-console': 'src/index.ts' }, format: ['esm'], minify: true, target: 'es2022' },
]);
