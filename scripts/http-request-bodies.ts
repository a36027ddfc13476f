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

function bodySchema(document: Schema, operation: Schema): Schema | undefined {
  const body = operation.requestBody as Schema | undefined;
  const schema = (((body?.content as Schema | undefined)?.['application/json'] as Schema | undefined)?.schema ??
    undefined) as Schema | undefined;
  const ref = schema?.$ref;
  if (typeof ref !== 'string') return schema;
  return ((document.components as Schema).schemas as Record<string, Schema>)[ref.replace('#/components/schemas/', '')];
}

/** The table, one row per route with a request body. */
export function renderRequestBodies(document: Schema): string {
  const lines = ['| route | fields (**bold**: required) | example |', '|---|---|---|'];
  for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!operation.requestBody) continue;
      const schema = bodySchema(document, operation);
      const required = new Set((schema?.required as string[] | undefined) ?? []);
      const names = Object.keys((schema?.properties as Schema | undefined) ?? {});
      const fields = names.map((name) => (required.has(name) ? `**\`${name}\`**` : `\`${name}\``)).join(', ');
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
