import { conflictError, isWellFormed, TicketkitError } from '@ticketkit/core';

/** Whether SQLite gave up waiting for another connection's lock. */
export const isBusy = (error: unknown): boolean =>
  error instanceof Error && /^SQLITE_(BUSY|LOCKED)/.test((error as Error & { code?: string }).code ?? '');

/** SQLite text is UTF-8: a lone surrogate would come back as U+FFFD, so it is refused instead. */
export function checkText(value: string, field: string): string {
  if (!isWellFormed(value)) {
    throw new TicketkitError(
      'VALIDATION_FAILED',
      `Cannot store ${field}: it is not well-formed Unicode (a lone surrogate)`,
      {
        issues: [{ path: field.split('.'), message: 'must be well-formed Unicode' }],
      },
    );
  }
  return value;
}

/** A unique-constraint failure of a commit as the `CONFLICT` it means; any other error as it is. */
export function toConflict(error: unknown): unknown {
  const message = error instanceof Error ? error.message : '';
  if (!message.startsWith('UNIQUE constraint failed')) return error;
  if (message.includes('tickets.number')) return conflictError('number', 'That ticket number is taken');
  if (message.includes('tickets.id')) return conflictError('record', 'That ticket already exists');
  if (message.includes('idempotency_keys.'))
    return conflictError('idempotency', 'That idempotency key was used already');
  return error;
}
