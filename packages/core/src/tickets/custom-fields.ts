import type { StandardSchemaV1 } from '@standard-schema/spec';
import { validationError } from '../errors/ticketkit-error.js';
import { customFieldsSchema } from '../schemas/commands.js';

/** Bounds on a ticket's custom `fields`, schema or not; `createHelpDesk({ fieldLimits })`. */
export interface CustomFieldLimits {
  /**
   * Largest size of all fields together, in bytes of their UTF-8 JSON.
   * @default 16384
   */
  maxBytes?: number;
  /**
   * Most keys, counting the keys of nested objects too.
   * @default 64
   */
  maxKeys?: number;
  /**
   * Deepest nesting: `{ plan: 'pro' }` is depth 1, `{ address: { city: 'Oslo' } }` depth 2.
   * @default 4
   */
  maxDepth?: number;
  /**
   * Longest string value or nested key, in characters.
   * @default 2000
   */
  maxStringLength?: number;
}

/** The bounds every desk applies when `fieldLimits` leaves them out. */
export const DEFAULT_CUSTOM_FIELD_LIMITS: Readonly<Required<CustomFieldLimits>> = Object.freeze({
  maxBytes: 16_384,
  maxKeys: 64,
  maxDepth: 4,
  maxStringLength: 2_000,
});

type Path = (string | number)[];

/**
 * The first way `fields` break the limits, as a path and message, or `null`.
 * The walk stops at the first problem, so a hostile 5,000-key object costs
 * little more than its first 64 keys.
 */
function fieldLimitIssue(fields: Record<string, unknown>, limits: Required<CustomFieldLimits>) {
  let keys = 0;
  const walk = (value: unknown, path: Path, depth: number): { path: Path; message: string } | null => {
    if (typeof value === 'string') {
      return value.length > limits.maxStringLength
        ? { path, message: `must be at most ${limits.maxStringLength} characters` }
        : null;
    }
    if (value === null || typeof value !== 'object') return null;
    if (depth >= limits.maxDepth) return { path, message: `nests deeper than the limit of ${limits.maxDepth}` };
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key, item] of entries) {
      if (typeof key === 'string') {
        keys += 1;
        if (keys > limits.maxKeys) return { path: [], message: `must have at most ${limits.maxKeys} keys` };
        if (key.length > limits.maxStringLength) {
          return { path, message: `has a key longer than ${limits.maxStringLength} characters` };
        }
      }
      const issue = walk(item, [...path, key], depth + 1);
      if (issue) return issue;
    }
    return null;
  };
  const issue = walk(fields, [], 0);
  if (issue) return issue;
  const bytes = new TextEncoder().encode(JSON.stringify(fields)).length;
  return bytes > limits.maxBytes ? { path: [], message: `must be at most ${limits.maxBytes} bytes as JSON` } : null;
}

/** Whether `fields` are within the limits. */
export function fitsFieldLimits(fields: Record<string, unknown>, limits: Required<CustomFieldLimits>): boolean {
  return fieldLimitIssue(fields, limits) === null;
}

/** Refuses `fields` beyond the limits with `VALIDATION_FAILED` under the `fields` path. */
export function checkFieldLimits(fields: Record<string, unknown>, limits: Required<CustomFieldLimits>): void {
  const issue = fieldLimitIssue(fields, limits);
  if (issue) throw validationError([{ path: ['fields', ...issue.path], message: issue.message }], 'custom fields');
}

/**
 * Checks custom field values against the desk's limits and the host's schema
 * (zod, valibot, arktype — anything that implements Standard Schema) and
 * returns what the schema returns, itself within the limits. Issues are
 * reported under the `fields` path.
 */
export async function validateCustomFields(
  schema: StandardSchemaV1 | undefined,
  fields: Record<string, unknown>,
  limits: Required<CustomFieldLimits>,
): Promise<Record<string, unknown>> {
  checkFieldLimits(fields, limits);
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
  checkFieldLimits(value as Record<string, unknown>, limits);
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
