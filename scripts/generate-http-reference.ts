/**
 * Writes docs/guides/http-api-reference.md and docs/openapi.json from the
 * server's OpenAPI document, and the authorization table and the request-body
 * table into docs/guides/http-api.md. `--check` only verifies they are current (`npm run docs`).
 */
import { readFile } from 'node:fs/promises';
import { referenceDocument, renderHttpReference, withAuthorizationTable } from './http-reference.js';
import { withRequestBodies } from './http-request-bodies.js';
import { syncGeneratedFiles } from './lib/generated-files.js';

const document = await referenceDocument();
const guide = new URL('../docs/guides/http-api.md', import.meta.url);
await syncGeneratedFiles('The HTTP API reference and authorization table', [
  { path: new URL('../docs/guides/http-api-reference.md', import.meta.url), content: renderHttpReference(document) },
  { path: new URL('../docs/openapi.json', import.meta.url), content: `${JSON.stringify(document, null, 2)}\n` },
  { path: guide, content: withRequestBodies(withAuthorizationTable(await readFile(guide, 'utf8')), document) },
]);
