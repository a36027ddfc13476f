/**
 * The "Request bodies" table of docs/guides/http-api.md: every route that takes a JSON body, its fields (from
 * the OpenAPI document the server generates) and an example body — the one the authorization test sends to
 * that route on a real desk, so each example is known to be accepted. `npm run diagram` writes it; the test
 * suite fails when it is stale.
 */
import { AUTHORIZATION_MATRIX } from '../packages/server/test/support/authorization-matrix.js';

type Schema = Record<string, unknown>;

const START = '<!-- request-bodies:start -->';
const END = '<!-- request-bodies:end -->';

/** The example body of a route: the authorization matrix's, with the requester an anonymous intake names. */
function exampleBody(method: string, path: string): Record<string, unknown> | undefined {
  const row = AUTHORIZATION_MATRIX.find((entry) => entry.method === method && entry.path === path);
  if (!row?.body) return undefined;
  return path === '/tickets' ? { requester: { email: 'ken@example.com' }, ...row.body } : row.body;
}

function resolve(document: Schema, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') return schema;
  return ((document.components as Schema).schemas as Record<string, Schema>)[ref.replace('#/components/schemas/', '')];
}

/** The fields of a body schema, with whether each is required; alternatives (`anyOf`, `oneOf`) pooled. */
function bodyFields(document: Schema, operation: Schema): { name: string; required: boolean }[] {
  const body = operation.requestBody as Schema | undefined;
  const schema = resolve(
    document,
    ((body?.content as Schema | undefined)?.['application/json'] as Schema | undefined)?.schema as Schema | undefined,
  );
  const parts = [schema, ...((schema?.anyOf ?? schema?.oneOf ?? schema?.allOf ?? []) as Schema[])]
    .map((part) => resolve(document, part))
    .filter((part): part is Schema => part?.properties !== undefined);
  const fields = new Map<string, boolean>();
  for (const part of parts) {
    const required = new Set((part.required as string[] | undefined) ?? []);
    for (const name of Object.keys(part.properties as Schema)) {
      // Required only when every alternative that has the field requires it.
      fields.set(name, (fields.get(name) ?? true) && required.has(name));
    }
  }
  return [...fields].map(([name, required]) => ({ name, required }));
}

/** The table, one row per route with a request body. */
export function renderRequestBodies(document: Schema): string {
  const lines = ['| route | fields (**bold**: required) | example |', '|---|---|---|'];
  for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!operation.requestBody) continue;
      const fields = bodyFields(document, operation)
        .map(({ name, required }) => (required ? `**\`${name}\`**` : `\`${name}\``))
        .join(', ');
      const optional = (operation.requestBody as Schema).required ? '' : ' (the body may be left out)';
      const example = exampleBody(method.toUpperCase(), path);
      lines.push(
        `| \`${method.toUpperCase()} ${path}\` | ${fields || 'none'}${optional} | ${example ? `\`${JSON.stringify(example)}\`` : ''} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The HTTP API guide with the request-body table between its markers. */
export function withRequestBodies(markdown: string, document: Schema): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`http-api.md has no ${START} … ${END} markers`);
  return `${markdown.slice(0, start + START.length)}\n${renderRequestBodies(document)}\n${markdown.slice(end)}`;
}
