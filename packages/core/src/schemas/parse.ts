import type * as z from 'zod';
import { type ValidationIssue, validationError } from '../errors/ticketkit-error.js';
import { LIMITS } from './primitives.js';

// Keys that would reach an object's prototype if anything downstream ever copied them with plain assignment.
const DANGEROUS_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks a value from outside and reports prototype-pollution keys and
 * excessive nesting before any schema sees it. Cheap: it stops at the first
 * `LIMITS.depth` levels.
 */
export function findUnsafeInput(value: unknown, path: (string | number)[] = []): ValidationIssue | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (path.length >= LIMITS.depth) return { path, message: `nests deeper than ${LIMITS.depth} levels` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const issue = findUnsafeInput(value[index], [...path, index]);
      if (issue) return issue;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (DANGEROUS_KEYS.has(key)) return { path: [...path, key], message: 'is not an allowed key' };
    const issue = findUnsafeInput((value as Record<string, unknown>)[key], [...path, key]);
    if (issue) return issue;
  }
  return undefined;
}

/** Turns zod issues into ticketkit's field-path issues; unknown keys are reported one per key. */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly (string | number)[] = []) {
  const result: ValidationIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) result.push({ path: [...path, key], message: 'is not a known field' });
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      result.push({ path, message: 'is required' });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest rather than "invalid input".
      const branches = issue.errors.map((branch) => toValidationIssues(branch, path));
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
      result.push(...(best.length ? best : [{ path, message: issue.message }]));
    } else {
      result.push({ path, message: issue.message });
    }
  }
  return result;
}

/**
 * Parses input from outside with a schema and throws `VALIDATION_FAILED`
 * naming every refused field. `what` names the input in the message
 * (`'open input'`), `prefix` puts the paths under a parent (`['options']`).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  prefix: readonly (string | number)[] = [],
): z.output<S> {
  const unsafe = findUnsafeInput(value, [...prefix]);
  if (unsafe) throw validationError([unsafe], what);
  // With the input reported, a value of the wrong kind (`limit=2.5`) is not mistaken for a missing one.
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw validationError(toValidationIssues(result.error.issues, prefix), what);
  return result.data;
}
