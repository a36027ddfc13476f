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
