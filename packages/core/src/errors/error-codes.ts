/**
 * Every code a {@link TicketkitError} can carry.
 *
 * Hosts switch on these (and the HTTP layer maps each one to a status), so the
 * list only ever grows.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'FORBIDDEN',
  'INVALID_TRANSITION',
  'CONFIRMATION_REQUIRED',
  'CONFLICT',
  'IDEMPOTENCY_MISMATCH',
  'STORAGE_FAILED',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];
