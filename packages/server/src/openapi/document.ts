import { jsonValueSchema } from '@ticketkit/core';
import * as z from 'zod';
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

/** Converts a registry of schemas into OpenAPI components that refer to each other by `#/components/schemas/…`. */
function components(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // A component is a schema object inside the document: no $schema, and no $id (a fragment $id is not allowed).
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The OpenAPI 3.1 document of the API, built from the route table and the
 * core's zod schemas (zod's own JSON Schema conversion, which also handles
 * the recursive JSON values of custom fields). Nothing in it is written by
 * hand twice.
 */
export function openApiDocument(routes: readonly RouteSpec[], basePath: string): Record<string, unknown> {
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  for (const registry of [inputs, outputs]) registry.add(jsonValueSchema, { id: 'JsonValue' });
  outputs.add(problemSchema, { id: 'Problem' });
  for (const route of routes) {
    if (route.body && !inputs.has(route.body)) inputs.add(route.body, { id: `${pascal(route.operationId)}Input` });
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

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${basePath}${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const parameters = [
      ...[...route.path.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
        description: name === 'ref' ? 'The ticket’s id or number.' : undefined,
      })),
      ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !(schema as z.ZodType).safeParse(undefined).success,
        schema: z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
      })),
      ...(route.headers ?? []).map((header) => ({
        name: header.name,
        in: 'header',
        required: header.required ?? false,
        schema: { type: 'string' },
        description: header.description,
      })),
    ].map((parameter) => {
      if ('schema' in parameter && typeof parameter.schema === 'object')
        delete (parameter.schema as JsonSchema).$schema;
      return parameter;
    });
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.headers
          ? {
              headers: Object.fromEntries(
                response.headers.map((header) => [
                  header.name,
                  { description: header.description, schema: { type: 'string' } },
                ]),
              ),
            }
          : {}),
        ...(response.schema
          ? { content: { [response.contentType ?? 'application/json']: { schema: ref(outputs, response.schema) } } }
          : {}),
      };
    }
    responses.default = {
      description:
        'A problem document (RFC 9457): 400 malformed JSON, 401 not signed in, 403 forbidden, 404 not found (also another customer’s ticket), 409 conflict or not allowed now, 413 too large, 415 not JSON, 422 invalid (the fields are named), 429 rate limited (with Retry-After).',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      description: `Who may call it: ${ACCESS_TEXT[route.access]}`,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: route.bodyRequired ?? false,
              content: { 'application/json': { schema: ref(inputs, route.body) } },
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
    paths,
    components: {
      schemas,
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A customer’s access token from `POST /tickets`: opens that ticket only.',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'session',
          description: 'Your app’s own session, read by the `authenticate` hook you pass to `createSupportApi`.',
        },
      },
    },
    security: [{ accessToken: [] }, { session: [] }],
  };
}
