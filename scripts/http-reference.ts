/**
 * The HTTP API reference page of the docs site, rendered from the OpenAPI
 * document the server generates — so the page, the document and the routes
 * cannot disagree. `npm run diagram` writes docs/guides/http-api-reference.md
 * and docs/openapi.json; the test suite fails when they are stale.
 */
import { createHelpDesk, memoryStorage } from '../packages/core/src/index.js';
import { createSupportApi } from '../packages/server/src/index.js';
import { renderAuthorizationTable } from '../packages/server/test/support/authorization-matrix.js';

type Schema = Record<string, unknown>;

/** The document of a default API (no base path), as the docs show it. */
export async function referenceDocument(): Promise<Schema> {
  const desk = await createHelpDesk({ storage: memoryStorage() });
  const document = createSupportApi(desk, { customerTokens: { secret: 'x'.repeat(32) } }).openApiDocument();
  await desk.close();
  return document;
}

function resolve(document: Schema, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') return schema;
  const [, , kind = '', id = ''] = ref.split('/');
  return ((document.components as Schema)[kind] as Record<string, Schema>)[id];
}

/** A schema's type in a few words: `string (≤ 255)`, `"low" | "normal"`, `object`, `JsonValue`. */
function describeType(document: Schema, schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (typeof schema.$ref === 'string') return schema.$ref.replace('#/components/schemas/', '');
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' \\| ');
  if (Array.isArray(schema.anyOf))
    return (schema.anyOf as Schema[]).map((part) => describeType(document, part)).join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type ?? 'any');
  const limits = [
    typeof schema.minLength === 'number' ? `≥ ${schema.minLength} chars` : null,
    typeof schema.maxLength === 'number' ? `≤ ${schema.maxLength} chars` : null,
    typeof schema.minimum === 'number' ? `≥ ${schema.minimum}` : null,
    typeof schema.maximum === 'number' ? `≤ ${schema.maximum}` : null,
    typeof schema.format === 'string' ? schema.format : null,
    typeof schema.pattern === 'string' ? `pattern \`${schema.pattern.replace(/\|/g, '\\|')}\`` : null,
  ].filter(Boolean);
  if (type === 'array') return `array of ${describeType(document, schema.items as Schema)}`;
  return limits.length ? `${type} (${limits.join(', ')})` : type;
}

function fieldTable(document: Schema, schema: Schema | undefined): string[] {
  const resolved = resolve(document, schema);
  // A body of alternatives (`anyOf`): the fields of all of them; required in every one, or in one of them.
  const branches = (resolved?.anyOf as Schema[] | undefined) ?? (resolved ? [resolved] : []);
  const properties: Record<string, Schema> = {};
  for (const branch of branches) Object.assign(properties, branch.properties as Record<string, Schema> | undefined);
  if (!Object.keys(properties).length) return [];
  const requiredIn = (name: string) =>
    branches.filter((branch) => ((branch.required as string[] | undefined) ?? []).includes(name)).length;
  const required = (name: string) =>
    requiredIn(name) === branches.length ? 'yes' : requiredIn(name) > 0 ? 'either' : '';
  return [
    ...(typeof resolved?.description === 'string' ? [resolved.description, ''] : []),
    '| field | type | required |',
    '|---|---|---|',
    ...Object.entries(properties).map(
      ([name, property]) => `| \`${name}\` | ${describeType(document, property)} | ${required(name)} |`,
    ),
  ];
}

/** The reference page, in Markdown. */
export function renderHttpReference(document: Schema): string {
  const lines = [
    '---',
    'title: HTTP API reference',
    '---',
    '',
    '# HTTP API reference',
    '',
    'Generated from the OpenAPI 3.1 document that `@ticketkit/server` serves at `GET /openapi.json`',
    '(a copy is in [`docs/openapi.json`](../openapi.json)); the test suite fails when this page is stale.',
    'How to mount the API, who may call what, tokens and rate limits: [The HTTP API](http-api.md).',
    'Every error is an RFC 9457 problem document (`application/problem+json`) with a `code`, and for',
    '422 the refused fields in `errors` (`pointer`, `path`, `message`).',
    '',
  ];
  for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      lines.push(
        `## \`${method.toUpperCase()} ${path}\``,
        '',
        String(operation.summary),
        '',
        String(operation.description),
        '',
      );
      const parameters = (operation.parameters as Schema[] | undefined) ?? [];
      if (parameters.length) {
        lines.push('| parameter | in | type | required | |', '|---|---|---|---|---|');
        for (const parameter of parameters) {
          lines.push(
            `| \`${parameter.name}\` | ${parameter.in} | ${describeType(document, parameter.schema as Schema)} | ${parameter.required ? 'yes' : ''} | ${String(parameter.description ?? (parameter.schema as Schema).description ?? '').replace(/\|/g, '\\|')} |`,
          );
        }
        lines.push('');
      }
      const body = operation.requestBody as Schema | undefined;
      if (body) {
        const schema = ((body.content as Schema)['application/json'] as Schema).schema as Schema;
        lines.push(`Body (JSON${body.required ? '' : ', optional'}):`, '', ...fieldTable(document, schema), '');
      }
      for (const [status, response] of Object.entries(operation.responses as Record<string, Schema>)) {
        if (status === 'default') continue;
        lines.push(`**${status}** — ${String(resolve(document, response)?.description)}`, '');
      }
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const START = '<!-- authorization-table:start -->';
const END = '<!-- authorization-table:end -->';

/** The HTTP API guide with the authorization table (the one the authorization test runs) between its markers. */
export function withAuthorizationTable(markdown: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`http-api.md has no ${START} … ${END} markers`);
  return `${markdown.slice(0, start + START.length)}\n${renderAuthorizationTable()}\n${markdown.slice(end)}`;
}
