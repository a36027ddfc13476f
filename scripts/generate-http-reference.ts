/**
 * Writes docs/guides/http-api-reference.md and docs/openapi.json from the
 * server's OpenAPI document, and the authorization table into
 * docs/guides/http-api.md. `--check` only verifies they are current (`npm run docs`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { referenceDocument, renderHttpReference, withAuthorizationTable } from './http-reference.js';

const pagePath = new URL('../docs/guides/http-api-reference.md', import.meta.url);
const jsonPath = new URL('../docs/openapi.json', import.meta.url);
const guidePath = new URL('../docs/guides/http-api.md', import.meta.url);
const document = await referenceDocument();
const page = renderHttpReference(document);
const json = `${JSON.stringify(document, null, 2)}\n`;
const [currentPage, currentJson, currentGuide] = await Promise.all([
  readFile(pagePath, 'utf8').catch(() => ''),
  readFile(jsonPath, 'utf8').catch(() => ''),
  readFile(guidePath, 'utf8'),
]);
const guide = withAuthorizationTable(currentGuide);
const current = currentPage === page && currentJson === json && currentGuide === guide;

if (process.argv.includes('--check')) {
  if (!current) {
    console.error(
      'docs/guides/http-api-reference.md, docs/openapi.json or the authorization table in http-api.md is stale: run `npm run diagram` and commit the result.',
    );
    process.exit(1);
  }
  console.log('The HTTP API reference and authorization table are current.');
} else {
  await writeFile(pagePath, page);
  await writeFile(jsonPath, json);
  await writeFile(guidePath, guide);
  console.log(current ? 'The HTTP API reference was already current.' : 'Updated the HTTP API reference.');
}
