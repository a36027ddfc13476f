import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { referenceDocument } from '../../../scripts/http-reference.js';
import { renderRequestBodies, withRequestBodies } from '../../../scripts/http-request-bodies.js';

test('the HTTP guide shows the body of every route that takes one, with an example the API accepts', async () => {
  const document = await referenceDocument();
  const guide = await readFile(new URL('../../../docs/guides/http-api.md', import.meta.url), 'utf8');
  expect(withRequestBodies(guide, document), 'stale request-body table in http-api.md: run `npm run diagram`').toBe(
    guide,
  );
  const rows = renderRequestBodies(document).split('\n').slice(2);
  const withBody = Object.values(document.paths as Record<string, Record<string, { requestBody?: unknown }>>)
    .flatMap((operations) => Object.values(operations))
    .filter((operation) => operation.requestBody);
  expect(rows).toHaveLength(withBody.length);
  // Every route with fields has an example (taken from the authorization matrix, which sends it to a real desk).
  for (const row of rows) {
    const [route, fields, example] = row.split(' | ');
    if (!fields?.startsWith('none')) expect(example, route).toMatch(/^`\{.+\}` \|$/);
  }
});
