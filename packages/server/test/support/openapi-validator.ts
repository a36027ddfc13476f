import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

/** Headers the API sets whose presence the document must declare on the answer that carries them. */
const DECLARED_HEADERS = ['location', 'retry-after', 'www-authenticate', 'allow', 'etag'];

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  operation: Json;
}

const pointer = (...segments: string[]) =>
  segments.map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * Checks exchanges against an OpenAPI 3.1 document with an independent JSON
 * Schema validator (Ajv, draft 2020-12, with formats): the answer's status is
 * one the operation declares (only a method the path does not take may fall
 * to `default`), its body matches the declared schema of its media type, the
 * headers the API sets are declared; and a body the server accepted (2xx)
 * matches the declared request body. Returns what disagrees, one line each.
 */
export function openApiValidator(document: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its function is the default export under some loaders, `.default` under others.
  const withFormats = (addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats;
  withFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      const pattern = new RegExp(`^${template.replace(/\{[A-Za-z]+\}/g, '[^/]+')}$`);
      operations.push({ method: method.toUpperCase(), template, pattern, operation });
    }
  }
  const resolve = (value: Json): Json => {
    if (typeof value.$ref !== 'string') return value;
    let found: unknown = document;
    for (const segment of value.$ref.replace(/^#\//, '').split('/')) {
      found = (found as Json)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return found as Json;
  };
  const check = (where: string, schemaPointer: string, value: unknown): string[] => {
    const validate = ajv.getSchema(`openapi.json#${schemaPointer}`);
    if (!validate) return [`${where}: no schema at ${schemaPointer}`];
    return validate(value)
      ? []
      : (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || '/'} ${error.message}`);
  };

  return {
    /** What disagrees with the document in one exchange (bodies given as read). */
    check(request: { method: string; path: string; body?: unknown }, response: Response, body: unknown): string[] {
      const where = `${request.method} ${request.path} → ${response.status}`;
      const pathOnly = request.path.split('?')[0] ?? '';
      const found = operations.find((entry) => entry.method === request.method && entry.pattern.test(pathOnly));
      const problems: string[] = [];
      const responses = (found?.operation.responses ?? {}) as Record<string, Json>;
      let status = String(response.status);
      if (!found || !(status in responses)) {
        if (found) problems.push(`${where}: status not declared by ${found.method} ${found.template}`);
        if (!found && response.status !== 405 && response.status !== 404) problems.push(`${where}: no operation`);
        status = 'default';
      }
      const base = found
        ? pointer('paths', found.template, found.method.toLowerCase(), 'responses', status)
        : '/components/responses/NotFound';
      const declared = found ? resolve(responses[status] ?? {}) : { headers: { Allow: {} }, content: {} };
      const declaredHeaders = Object.keys((declared.headers as Json | undefined) ?? {}).map((name) =>
        name.toLowerCase(),
      );
      for (const name of DECLARED_HEADERS) {
        if (response.headers.has(name) && !declaredHeaders.includes(name) && found) {
          problems.push(`${where}: header ${name} not declared`);
        }
      }
      const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
      const content = (declared.content ?? {}) as Record<string, Json>;
      if (found && body !== undefined) {
        if (!(type in content)) problems.push(`${where}: media type ${type} not declared`);
        else {
          // A referenced response (components/responses) is checked where it is defined.
          const referenced = responses[status]?.$ref;
          const at = typeof referenced === 'string' ? referenced.slice(1) : base;
          problems.push(...check(where, `${at}${pointer('content', type, 'schema')}`, body));
        }
      }
      if (found && request.body !== undefined && response.ok) {
        const requestBody = found.operation.requestBody as Json | undefined;
        if (!requestBody) problems.push(`${where}: a body the document does not take`);
        else {
          const at = pointer('paths', found.template, found.method.toLowerCase(), 'requestBody', 'content');
          problems.push(...check(`${where} (request)`, `${at}${pointer('application/json', 'schema')}`, request.body));
        }
      }
      return problems;
    },
  };
}
