/**
 * Writes the lifecycle diagram into docs/guides/lifecycle.md, generated from
 * the statechart itself. `--check` only verifies the file is current (CI and
 * `npm run docs` use it; the test suite checks the same).
 */
import { readFile } from 'node:fs/promises';
import { replaceDiagram } from '../packages/core/src/lifecycle/lifecycle-diagram.js';
import { syncGeneratedFiles } from './lib/generated-files.js';

const path = new URL('../docs/guides/lifecycle.md', import.meta.url);
await syncGeneratedFiles('The lifecycle diagram', [{ path, content: replaceDiagram(await readFile(path, 'utf8')) }]);
