/**
 * Writes the lifecycle diagram into docs/guides/lifecycle.md, generated from
 * the statechart itself. `--check` only verifies the file is current (CI and
 * `npm run docs` use it; the test suite checks the same).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { replaceDiagram } from '../packages/core/src/lifecycle/lifecycle-diagram.js';

const path = new URL('../docs/guides/lifecycle.md', import.meta.url);
const current = await readFile(path, 'utf8');
const next = replaceDiagram(current);

if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error(
      'docs/guides/lifecycle.md has a stale lifecycle diagram: run `npm run diagram` and commit the result.',
    );
    process.exit(1);
  }
  console.log('The lifecycle diagram in docs/guides/lifecycle.md is current.');
} else {
  await writeFile(path, next);
  console.log(next === current ? 'The lifecycle diagram was already current.' : 'Updated docs/guides/lifecycle.md.');
}
