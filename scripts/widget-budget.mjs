#!/usr/bin/env node
// The widget's size budget (DESIGN §7): the script-tag build, JS with its CSS inside, at most 12 KB min+gzip.
// Run after `npm run build`; prints the figures and fails above the budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 12 * 1024;
const file = new URL('../packages/widget/dist/ticketkit-widget.js', import.meta.url);
let bytes;
try {
  bytes = readFileSync(file);
} catch {
  console.error('widget budget: packages/widget/dist/ticketkit-widget.js is missing; run `npm run build` first');
  process.exit(1);
}
const gzipped = gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(
  `widget budget: ticketkit-widget.js ${kb(bytes.length)} minified, ${kb(gzipped)} min+gzip (JS+CSS) of ${kb(BUDGET)}`,
);
if (gzipped > BUDGET) {
  console.error(`widget budget: over by ${kb(gzipped - BUDGET)}`);
  process.exit(1);
}
