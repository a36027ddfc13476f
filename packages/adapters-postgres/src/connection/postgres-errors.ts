import { conflictError, isTicketkitError, isWellFormed, TicketkitError } from '@ticketkit/core';

/** The SQLSTATE of a `pg` error (`'23505'` …), or a Node error code, or `undefined`. */
export const sqlState = (error: unknown): string | undefined =>
  error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;

/**
 * Failures after which the transaction was rolled back whole and running it
 * again is safe: serialization failures and deadlocks.
 */
export const isRetryable = (error: unknown) => {
  const code = sqlState(error);
  return code === '40001' || code === '40P01';
};

// Unique constraints of the schema, and what a collision with each means to core.
const CONFLICT_TARGETS: Record<string, Parameters<typeof conflictError>[0]> = {
  tickets_pkey: 'record',
  tickets_number_key: 'number',
  idempotency_keys_pkey: 'idempotency',
};

/** Classes of SQLSTATE that mean the server or the connection failed, not the statement. */
const CONNECTION_STATES = /^(08|57P|53)/;
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']);

/** Whether the error means the connection is gone (so the client must not go back into the pool). */
export function isConnectionError(error: unknown): boolean {
  const code = sqlState(error) ?? '';
  if (CONNECTION_STATES.test(code) || CONNECTION_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}

/**
 * Turns a `pg` error into what the StorageAdapter contract promises: a
 * `CONFLICT` with its target for a unique collision or a serialization
 * failure that retries did not cure, `VALIDATION_FAILED` for text PostgreSQL
 * cannot store, and `STORAGE_FAILED` with a message a person can act on when
 * the server or the pool failed. Anything else is passed on as it is (core
 * wraps it as `STORAGE_FAILED` with the cause kept).
 */
export function toTicketkitError(error: unknown, action: string): unknown {
  if (isTicketkitError(error)) return error;
  const code = sqlState(error);
  if (code === '23505') {
    const constraint = (error as { constraint?: string }).constraint ?? '';
    const target = CONFLICT_TARGETS[constraint];
    if (target) return conflictError(target, `${action}: the ${target} is taken (${constraint})`);
    return error;
  }
  // A live idempotency key: its upsert sets created_at to NULL on purpose (idempotency.ts) so that the
  // commit's statement fails whole.
  const { table, column } = error as { table?: string; column?: string };
  if (code === '23502' && table === 'idempotency_keys' && column === 'created_at') {
    return conflictError('idempotency', `${action}: the idempotency key was used already`);
  }
  if (code === '40001' || code === '40P01') {
    return new TicketkitError('CONFLICT', `${action}: a concurrent transaction touched the same rows; try again`, {
      target: 'version',
      cause: error,
    });
  }
  // Text PostgreSQL refuses (a NUL, a lone surrogate escaped in JSON): a bad input, not a storage failure.
  if (code === '22P05' || code === '22021' || code === '22P02') {
    const detail = error instanceof Error ? error.message : String(error);
    return new TicketkitError(
      'VALIDATION_FAILED',
      `${action}: PostgreSQL cannot store a value (${detail}): text must be well-formed Unicode without NUL characters`,
      { issues: [{ path: [], message: 'must be well-formed Unicode without NUL characters' }], cause: error },
    );
  }
  const message = (error instanceof Error ? error.message : String(error)) || code || 'no message';
  if (/timeout exceeded when trying to connect/i.test(message)) {
    return new TicketkitError(
      'STORAGE_FAILED',
      `${action}: no PostgreSQL connection was free in time (the pool is exhausted); nothing was written`,
      { cause: error },
    );
  }
  if (isConnectionError(error)) {
    return new TicketkitError(
      'STORAGE_FAILED',
      `${action}: the connection to PostgreSQL failed (${message}); the transaction was not committed`,
      { cause: error },
    );
  }
  return error;
}

/**
 * Refuses text PostgreSQL would not store exactly: a lone surrogate (the
 * driver would write U+FFFD) or a NUL character (text columns and JSONB
 * refuse it). `field` names it in the error.
 */
export function checkText(value: string, field: string): string {
  const problem = !isWellFormed(value)
    ? 'must be well-formed Unicode (no lone surrogate)'
    : value.includes('\u0000')
      ? 'must not contain NUL characters'
      : null;
  if (problem) {
    throw new TicketkitError('VALIDATION_FAILED', `Cannot store ${field}: it ${problem}`, {
      issues: [{ path: field.split('.'), message: problem }],
    });
  }
  return value;
}
