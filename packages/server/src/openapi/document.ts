import { jsonValueSchema } from '@ticketkit/core';
import * as z from 'zod';
import type { ResolvedOptions } from '../options.js';
import type { RouteSpec } from '../routes/route.js';

/** The problem document every error answers with (RFC 9457). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  errors: z
    .array(z.object({ pointer: z.string(), path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
    .optional(),
  allowedEvents: z.array(z.string()).optional(),
});

const ACCESS_TEXT: Record<RouteSpec['access'], string> = {
  anyone: 'Anyone.',
  ticket: 'The ticket’s requester (signed in, or with the ticket’s access token as a Bearer token) and agents.',
  customer: 'A signed-in customer, or an access token (its ticket only).',
  agent: 'Agents and admins (signed in).',
};

type JsonSchema = Record<string, unknown>;

/**
 * A custom field's value as the document states it: any JSON, one level
 * spelled out. zod's recursive JSON schema refers to itself, which generators
 * cannot type (openapi-typescript made it `any` with error TS2502).
 */
const JSON_VALUE: JsonSchema = {
  description: 'Any JSON value.',
  anyOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'null' },
    { type: 'array', items: {} },
    { type: 'object', additionalProperties: {} },
  ],
};

/**
 * Rewrites what JSON Schema says of a zod schema where generators read it
 * otherwise than the server means it: the JSON value above; and in request
 * bodies a default moves into the description, since generators take a
 * property with a `default` to be always present (openapi-typescript makes it
 * required), while the client may leave it out.
 */
function documented(io: 'input' | 'output') {
  return ({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: JsonSchema }) => {
    if (zodSchema === jsonValueSchema) {
      for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
      Object.assign(jsonSchema, JSON_VALUE);
    }
    if (io === 'input' && 'default' in jsonSchema) {
      const fallback = `Default: \`${JSON.stringify(jsonSchema.default)}\`.`;
      jsonSchema.description = jsonSchema.description ? `${jsonSchema.description} ${fallback}` : fallback;
      delete jsonSchema.default;
    }
  };
}

/** One schema as a schema object inside the document (no `$schema`), read as generators read the document. */
export function toSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: documented(io),
  }) as JsonSchema;
  return rest;
}

/** Converts a registry of schemas into OpenAPI components that refer to each other by `#/components/schemas/…`. */
function components(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    override: documented(io),
  });
  // A component is a schema object inside the document: no $schema, and no $id (a fragment $id is not allowed).
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

const header = (description: string, schema: JsonSchema = { type: 'string' }) => ({ description, schema });

/** The error answers, by status: each a problem document, with the headers that go with it. */
const ERRORS: Record<number, { name: string; description: string; headers?: Record<string, unknown> }> = {
  400: { name: 'MalformedJson', description: 'The body is not valid JSON in UTF-8 (MALFORMED_JSON).' },
  401: {
    name: 'Unauthenticated',
    description:
      'Not signed in where the route needs someone, or a Bearer token that is invalid, expired or revoked (UNAUTHENTICATED).',
    headers: {
      'WWW-Authenticate': header('`Bearer`; `Bearer error="invalid_token"` for a token that does not verify.'),
    },
  },
  403: {
    name: 'Forbidden',
    description:
      'The caller may not do this (FORBIDDEN), or a change with cookies came from another origin without `X-Ticketkit-CSRF` (CSRF_REJECTED).',
  },
  404: {
    name: 'NotFound',
    description: 'No such ticket, or another customer’s (NOT_FOUND); no such queue (ROUTE_NOT_FOUND).',
  },
  409: {
    name: 'Conflict',
    description:
      'Not allowed in the ticket’s state (INVALID_TRANSITION, with `allowedEvents`), the customer has to confirm first (CONFIRMATION_REQUIRED), or the ticket moved past `If-Match` (CONFLICT).',
  },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than the API reads (PAYLOAD_TOO_LARGE).' },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not `application/json` in UTF-8 (UNSUPPORTED_MEDIA_TYPE).',
  },
  422: {
    name: 'Invalid',
    description:
      'Invalid input, every refused field named in `errors` (VALIDATION_FAILED), or an idempotency key reused with another body (IDEMPOTENCY_MISMATCH).',
  },
  429: {
    name: 'RateLimited',
    description: 'Too many requests (RATE_LIMITED).',
    headers: { 'Retry-After': header('Seconds to wait before trying again.', { type: 'integer', minimum: 1 }) },
  },
  500: {
    name: 'InternalError',
    description: 'An unexpected failure inside the desk (INTERNAL_ERROR); the answer says nothing more.',
  },
  503: { name: 'Unavailable', description: 'The storage is unavailable (STORAGE_FAILED): try again later.' },
};

/** The error statuses a route can answer, from what it reads and who may call it. */
function errorStatuses(route: RouteSpec): number[] {
  const changes = route.method !== 'GET';
  const statuses = new Set([401, 500, 503, ...(route.errors ?? [])]);
  if (route.access !== 'anyone' || changes) statuses.add(403);
  if (route.path.includes('/:')) statuses.add(404);
  if (route.body) for (const status of [400, 413, 415, 422]) statuses.add(status);
  if (route.query || route.headers?.some((spec) => spec.schema)) statuses.add(422);
  if (route.headers?.some((spec) => spec.name === 'If-Match')) statuses.add(409);
  return [...statuses].sort((a, b) => a - b);
}

const CSRF_HEADER = {
  name: 'X-Ticketkit-CSRF',
  in: 'header',
  required: false,
  schema: { type: 'string' },
  description:
    'Any value. A change that carries cookies and no Bearer token needs it, or an `Origin` of this site or of an allowed CORS origin (or `Sec-Fetch-Site: same-origin`); otherwise 403 CSRF_REJECTED. A browser never sends it cross-site without a CORS preflight the API refuses.',
};

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The OpenAPI 3.1 document of the API, built from the route table and the
 * core's zod schemas (zod's own JSON Schema conversion). Nothing in it is
 * written by hand twice; the rules a refine hides from JSON Schema are stated
 * by the routes' request-body schemas (routes/request-bodies.ts).
 */
export function openApiDocument(routes: readonly RouteSpec[], options: ResolvedOptions): Record<string, unknown> {
  const { basePath } = options;
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  for (const registry of [inputs, outputs]) registry.add(jsonValueSchema, { id: 'JsonValue' });
  outputs.add(problemSchema, { id: 'Problem' });
  const bodies = new Map<RouteSpec, z.ZodType>();
  for (const route of routes) {
    const body = typeof route.body === 'function' ? route.body(options) : route.body;
    if (body) bodies.set(route, body);
    if (body && !inputs.has(body)) inputs.add(body, { id: `${pascal(route.operationId)}Input` });
    for (const [status, response] of Object.entries(route.responses)) {
      if (response.schema && !outputs.has(response.schema)) {
        outputs.add(response.schema, { id: `${pascal(route.operationId)}Response${status === '200' ? '' : status}` });
      }
    }
  }
  const schemas = { ...components(inputs, 'input'), ...components(outputs, 'output') };
  const ref = (registry: typeof inputs, schema: z.ZodType) => ({
    $ref: `#/components/schemas/${registry.get(schema)?.id}`,
  });
  const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${basePath}${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const body = bodies.get(route);
    const parameters = [
      ...[...route.path.matchAll(/:([A-Za-z]+)/g)].map(([, name = '']) => ({
        name,
        in: 'path',
        required: true,
        schema: route.params?.[name] ? toSchema(route.params[name]) : { type: 'string' },
        description: name === 'ref' ? 'The ticket’s id or number.' : undefined,
      })),
      ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !(schema as z.ZodType).safeParse(undefined).success,
        schema: toSchema(schema as z.ZodType),
      })),
      ...(route.headers ?? []).map((spec) => ({
        name: spec.name,
        in: 'header',
        required: spec.required ?? false,
        schema: spec.schema ? toSchema(spec.schema) : { type: 'string' },
        description: spec.description,
      })),
      ...(route.method === 'GET' ? [] : [CSRF_HEADER]),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.headers
          ? {
              headers: Object.fromEntries(
                response.headers.map((spec) => [
                  spec.name,
                  header(spec.description, spec.schema ? toSchema(spec.schema, 'output') : undefined),
                ]),
              ),
            }
          : {}),
        ...(response.schema
          ? { content: { [response.contentType ?? 'application/json']: { schema: ref(outputs, response.schema) } } }
          : {}),
      };
    }
    for (const status of errorStatuses(route)) {
      responses[status] = { $ref: `#/components/responses/${ERRORS[status]?.name}` };
    }
    responses.default = {
      description:
        'Any other problem document (RFC 9457), e.g. 405 with `Allow` for a method the path does not take, 404 for a path the API does not have.',
      headers: { Allow: header('With 405: the methods the path takes.') },
      content: problemContent,
    };
    const rules = [
      `Who may call it: ${ACCESS_TEXT[route.access]}`,
      route.query ? 'Unknown or repeated query parameters are refused (422).' : '',
    ];
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      description: rules.filter(Boolean).join(' '),
      parameters,
      ...(body
        ? {
            requestBody: {
              required: route.bodyRequired ?? false,
              content: { 'application/json': { schema: ref(inputs, body) } },
            },
          }
        : {}),
      ...(route.rawBody
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                route.rawBody.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]),
              ),
            },
          }
        : {}),
      responses,
      ...(route.access === 'anyone' ? { security: [] } : {}),
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'ticketkit support API',
      version: '0.1.0',
      description:
        'The help desk’s HTTP API: customers open and follow their tickets (with their session or an access token), agents work the queues. Every error is a problem document.',
    },
    servers: [{ url: '/', description: 'The origin serving this document; the paths include the API’s base path.' }],
    paths,
    components: {
      schemas,
      responses: Object.fromEntries(
        Object.values(ERRORS).map(({ name, description, headers }) => [
          name,
          { description, ...(headers ? { headers } : {}), content: problemContent },
        ]),
      ),
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A customer’s access token from `POST /tickets`: opens that ticket only.',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: options.sessionCookie,
          description:
            'Your app’s own session, read by the `authenticate` hook you pass to `createSupportApi`. A change (POST, PATCH) made with cookies and no Bearer token needs the `X-Ticketkit-CSRF` header, or an `Origin` of this site or of an allowed CORS origin; otherwise 403 CSRF_REJECTED.',
        },
      },
    },
    security: [{ accessToken: [] }, { session: [] }],
  };
}
