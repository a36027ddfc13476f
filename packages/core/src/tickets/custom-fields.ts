import type { StandardSchemaV1 } from '@standard-schema/spec';
import { validationError } from '../errors/ticketkit-error.js';
import { customFieldsSchema } from '../schemas/commands.js';

/**
 * Checks custom field values with the host's schema (zod, valibot, arktype —
 * anything that implements Standard Schema) and returns what it returns.
 * Issues are reported under the `fields` path.
 */
export async function validateCustomFields(
  schema: StandardSchemaV1 | undefined,
  fields: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (!schema) return fields;
  const result = await schema['~standard'].validate(fields);
  if (result.issues) {
    throw validationError(
      result.issues.map((issue) => ({
        path: [
          'fields',
          ...(issue.path ?? [])
            .map((part) => (typeof part === 'object' ? part.key : part))
            .map((key) => (typeof key === 'symbol' ? String(key) : key)),
        ],
        message: issue.message,
      })),
      'custom fields',
    );
  }
  const value = result.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw validationError(
      [{ path: ['fields'], message: 'the host field schema must produce an object' }],
      'custom fields',
    );
  }
  if (!customFieldsSchema.safeParse(value).success) {
    throw validationError(
      [{ path: ['fields'], message: 'the host field schema must produce plain JSON values' }],
      'custom fields',
    );
  }
  return value as Record<string, unknown>;
}

/**
 * The custom field ids a host schema declares, when it says (a zod or
 * valibot object exposes its `shape` / `entries`); `null` when it does not,
 * and then templates may name any `fields.<id>`.
 */
export function customFieldIds(schema: StandardSchemaV1 | undefined): string[] | null {
  if (!schema) return [];
  const declared = schema as { shape?: unknown; entries?: unknown };
  const shape = declared.shape ?? declared.entries;
  return shape !== null && typeof shape === 'object' ? Object.keys(shape) : null;
}
