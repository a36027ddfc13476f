// Prints the min+gzip size of the console's script-tag build (JS with its CSS inside) and fails over budget.
// Usage: node scripts/console-budget.mjs [file] [budgetKiB]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const file =
  process.argv[2] ?? fileURLToPath(new URL('../packages/console/dist/ticketkit-console.js', import.meta.url));
const budget = Number(process.argv[3] ?? 40) * 1024;
const size = gzipSync(readFileSync(file), { level: 9 }).length;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`@ticketkit/console: ${kib(size)} min+gzip (JS and CSS), budget ${kib(budget)}`);
if (size > budget) {
  console.error(`Over budget by ${kib(size - budget)}`);
  process.exit(1);
}
