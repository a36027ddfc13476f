import { readFile } from 'node:fs/promises';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { expect, test } from 'vitest';
import { referenceDocument, renderHttpReference, withAuthorizationTable } from '../../../scripts/http-reference.js';

const read = (path: string) => readFile(new URL(`../../../${path}`, import.meta.url), 'utf8');

test('the HTTP API reference page and docs/openapi.json are what the server generates today', async () => {
  const document = await referenceDocument();
  const stale = 'stale HTTP API reference: run `npm run diagram`';
  expect(await read('docs/openapi.json'), stale).toBe(`${JSON.stringify(document, null, 2)}\n`);
  expect(await read('docs/guides/http-api-reference.md'), stale).toBe(renderHttpReference(document));
  const guide = await read('docs/guides/http-api.md');
  expect(withAuthorizationTable(guide), 'stale authorization table in http-api.md: run `npm run diagram`').toBe(guide);
});

test('the OpenAPI document is well formed: every reference resolves, every route has an operation', async () => {
  const document = (await referenceDocument()) as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
  };
  expect(document.openapi).toBe('3.1.0');
  const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(([, id]) => id);
  expect(refs.length).toBeGreaterThan(20);
  for (const id of refs) expect(document.components.schemas, `$ref ${id}`).toHaveProperty(id as string);
  const responseRefs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/responses\/([^"]+)"/g)];
  expect(responseRefs.length).toBeGreaterThan(20);
  for (const [, id] of responseRefs) expect(document.components.responses, `$ref ${id}`).toHaveProperty(id as string);
  const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
  expect(new Set(operations.map((operation) => operation.operationId)).size).toBe(operations.length);
  for (const operation of operations) {
    expect(operation.responses).toHaveProperty('default');
    expect(
      Object.keys(operation.responses).some((status) => /^4\d\d$/.test(status)),
      operation.operationId,
    ).toBe(true);
  }
  expect(JSON.stringify(document)).not.toContain('"$id"');
});

test('an independent linter (Redocly, recommended rules) finds nothing wrong with the document', async () => {
  // The license is the host's to state for its API, not the library's.
  const config = await createConfig({ extends: ['recommended'], rules: { 'info-license': 'off' } });
  const problems = await lintFromString({
    source: JSON.stringify(await referenceDocument()),
    absoluteRef: '/openapi.json',
    config,
  });
  expect(problems.map((problem) => `${problem.ruleId}: ${problem.message} ${problem.location[0]?.pointer}`)).toEqual(
    [],
  );
});
