import { createHash } from 'node:crypto';
import { isTicketkitError, parseInput } from '@ticketkit/core';
import type * as z from 'zod';
import { HttpProblem } from '../http/problem.js';
import type { Identity } from '../identity/identify.js';
import { IDEMPOTENCY_KEY_MESSAGE, idempotencyKeySchema } from './request-bodies.js';

/**
 * The `Idempotency-Key` of the routes that take one (`POST /tickets`,
 * replies, notes): read from the header or the body's `idempotencyKey`,
 * checked with the API's rule, and handed to the desk scoped to the caller.
 */

/**
 * The key the desk stores for an `Idempotency-Key`: a digest of the key and
 * whose it is. A signed-in caller's keys and those of callers without a
 * session (anonymous intake, a customer's access token) are kept apart (the
 * desk itself scopes them by the actor), so nobody replays a session's
 * request without the session; and the key itself is never stored.
 * (Node's hash, not WebCrypto's: `subtle.digest` goes through the thread
 * pool and cost about 0.15 ms of the event loop per intake in the
 * PostgreSQL benchmark's profile, for the same hex digest.)
 */
function scopedKey(identity: Identity, key: string): string {
  const owner = identity.kind === 'session' ? 'session' : 'public';
  return `http-${owner}-${createHash('sha256').update(`${owner}\u0000${key}`).digest('hex')}`;
}

/** The Idempotency-Key of a request (header, or the body's `idempotencyKey`), checked; `undefined` when none. */
function idempotencyKeyOf(
  request: Request,
  input: Record<string, unknown>,
  bodySchema: z.ZodType,
  label: string,
): string | undefined {
  const header = request.headers.get('idempotency-key');
  if (header !== null && !idempotencyKeySchema.safeParse(header).success) {
    throw new HttpProblem('VALIDATION_FAILED', `Idempotency-Key: ${IDEMPOTENCY_KEY_MESSAGE}`, {
      errors: [{ pointer: '', path: ['Idempotency-Key'], message: IDEMPOTENCY_KEY_MESSAGE }],
    });
  }
  if (header !== null && input.idempotencyKey !== undefined && input.idempotencyKey !== header) {
    throw new HttpProblem('VALIDATION_FAILED', 'idempotencyKey: differs from the Idempotency-Key header', {
      errors: [
        { pointer: '/idempotencyKey', path: ['idempotencyKey'], message: 'differs from the Idempotency-Key header' },
      ],
    });
  }
  if (header !== null) return header;
  // A wrong key in the body is refused with every other refused field, as the desk would name them.
  if (input.idempotencyKey !== undefined && !idempotencyKeySchema.safeParse(input.idempotencyKey).success) {
    parseInput(bodySchema, input, label);
  }
  return input.idempotencyKey as string | undefined;
}

/**
 * Puts the request's key, scoped to the caller, into the command's input (or
 * takes a body's `idempotencyKey` out when there is none); says whether there is one.
 */
export function applyIdempotencyKey(
  request: Request,
  identity: Identity,
  input: Record<string, unknown>,
  bodySchema: z.ZodType,
  label: string,
): boolean {
  const key = idempotencyKeyOf(request, input, bodySchema, label);
  if (key === undefined) {
    delete input.idempotencyKey;
    return false;
  }
  input.idempotencyKey = scopedKey(identity, key);
  return true;
}

/** The desk names the key it stores, a digest the client never sent: the client hears about its own. */
export function idempotencyMismatch(error: unknown, repeat: string): never {
  if (!isTicketkitError(error, 'IDEMPOTENCY_MISMATCH')) throw error;
  throw new HttpProblem(
    'IDEMPOTENCY_MISMATCH',
    `The Idempotency-Key was already used for a different request: use a new key for ${repeat}`,
  );
}
