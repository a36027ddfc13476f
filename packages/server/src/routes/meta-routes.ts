import { type HelpDesk, PRIORITIES, prioritySchema } from '@ticketkit/core';
import * as z from 'zod';
import { toSchema } from '../openapi/document.js';
import { openTicketBody } from './request-bodies.js';
import { json, type RouteSpec } from './route.js';

/** What `GET /intake-schema` answers: what the widget shows and checks before sending. */
export const intakeSchemaResponse = z.object({
  /** JSON Schema (2020-12) of the `POST /tickets` body. */
  fields: z.record(z.string(), z.unknown()),
  /** JSON Schema of your custom fields (`fields`), or `null` when the desk has none or its schema cannot say. */
  customFields: z.record(z.string(), z.unknown()).nullable(),
  /** Topics to pick from. */
  topics: z.array(z.object({ id: z.string(), label: z.string() })),
  /** Departments a public form offers (the `intake.departments` option), in order; `null` when it offers none. */
  departments: z
    .array(z.object({ id: z.string(), name: z.string() }))
    .nullable()
    .describe(
      'Departments a public form offers (the `intake.departments` option), in order; `null` when it offers none.',
    ),
  /** Priorities a public form offers (the `intake.priority` option), lowest first; `null` when it offers none. */
  priorities: z
    .array(prioritySchema)
    .nullable()
    .describe(
      'Priorities a public form offers (the `intake.priority` option), lowest first; `null` when it offers none.',
    ),
  /** The honeypot field the form must include, hidden and empty; `null` without one. */
  honeypotField: z.string().nullable(),
  /** The largest body the API reads, in bytes. */
  maxBodyBytes: z.number(),
});

/** What `GET /openapi.json` answers: an OpenAPI 3.1 document (this one). */
export const openApiDocumentResponse = z.looseObject({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.record(z.string(), z.unknown()),
});

type JsonSchema = Record<string, unknown>;

/**
 * A JSON Schema of the host's custom-field schema when it can give one: zod
 * through its own converter, any Standard JSON Schema implementation through
 * `~standard.jsonSchema`; otherwise `null` (the server still validates them).
 */
export function customFieldsJsonSchema(schema: unknown): JsonSchema | null {
  if (!schema || typeof schema !== 'object') return null;
  if ('_zod' in schema) {
    return z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  }
  const standard = (schema as { '~standard'?: { jsonSchema?: { input?: (options: { target: string }) => unknown } } })[
    '~standard'
  ];
  const converted = standard?.jsonSchema?.input?.({ target: 'draft-2020-12' });
  return converted && typeof converted === 'object' ? (converted as JsonSchema) : null;
}

/** The departments `intake.departments` makes public: all, the listed ids that exist (in their order), or none. */
async function publicDepartments(desk: HelpDesk, chosen: boolean | string[]) {
  if (chosen === false) return null;
  const all = (await desk.departments.list()).map(({ id, name }) => ({ id, name }));
  if (chosen === true) return all;
  const byId = new Map(all.map((department) => [department.id, department]));
  return chosen.flatMap((id) => byId.get(id) ?? []);
}

/** `GET /intake-schema` and `GET /openapi.json`: what clients read before they call. */
export function metaRoutes(openApi: () => Record<string, unknown>): RouteSpec[] {
  let fieldsSchema: JsonSchema | undefined;
  return [
    {
      method: 'GET',
      path: '/intake-schema',
      operationId: 'intakeSchema',
      summary: 'What the intake form shows and checks: the ticket fields with their rules, custom fields, topics.',
      access: 'anyone',
      responses: { 200: { description: 'The intake schema.', schema: intakeSchemaResponse } },
      async handle({ desk, options }) {
        // The body as the API document states it: with the honeypot field the form sends, and the same rules.
        fieldsSchema ??= toSchema(openTicketBody(options.honeypotField));
        const departments = await publicDepartments(desk, options.intake.departments);
        return json(
          200,
          {
            fields: fieldsSchema,
            customFields: customFieldsJsonSchema(desk.customFields),
            topics: options.intake.topics,
            departments,
            priorities: options.intake.priority ? [...PRIORITIES] : null,
            honeypotField: options.honeypotField,
            maxBodyBytes: options.maxBodyBytes,
          },
          { 'cache-control': 'public, max-age=300' },
        );
      },
    },
    {
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This API’s OpenAPI 3.1 document.',
      access: 'anyone',
      responses: { 200: { description: 'The OpenAPI document.', schema: openApiDocumentResponse } },
      async handle() {
        return json(200, openApi(), { 'cache-control': 'public, max-age=300' });
      },
    },
  ];
}
