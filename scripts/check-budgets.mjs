#!/usr/bin/env node
// The browser packages' size budgets (DESIGN §7): each script-tag build, JS with its CSS inside, min+gzip.
// Run after `npm run build`; prints every figure and fails when one is over its budget or missing.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGETS = [
  { name: '@ticketkit/widget', file: 'packages/widget/dist/ticketkit-widget.js', kib: 12 },
  { name: '@ticketkit/console', file: 'packages/console/dist/ticketkit-console.js', kib: 40 },
];

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
let failed = false;
for (const { name, file, kib } of BUDGETS) {
  let bytes;
  try {
    bytes = readFileSync(new URL(`../${file}`, import.meta.url));
  } catch {
    console.error(`${name}: ${file} is missing; run \`npm run build\` first`);
    failed = true;
    continue;
  }
  const gzipped = gzipSync(bytes, { level: 9 }).length;
  const over = gzipped > kib * 1024;
  console.log(
    `${name}: ${kb(bytes.length)} minified, ${kb(gzipped)} min+gzip (JS+CSS), budget ${kb(kib * 1024)}${over ? ' — OVER' : ''}`,
  );
  failed ||= over;
}
if (failed) process.exit(1);
