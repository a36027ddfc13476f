import { type ChangeSet, conflictError, type IdempotencyRecord } from '@ticketkit/core';
import { json, ms, type SqliteContext } from './connection/sqlite-context.js';

/** Idempotency keys: written by the commit they belong to, read by one primary-key lookup. */

/** Writes the change set's idempotency key, in the commit. An expired key is replaced; a live one is a conflict. */
export function rememberIdempotencyKey(context: SqliteContext, changes: ChangeSet): void {
  const record = changes.idempotency;
  if (!record) return;
  if (changes.replaceIdempotencyBefore === undefined) {
    context
      .sql('INSERT INTO idempotency_keys (scope, key, created_at, data) VALUES (?, ?, ?, ?)')
      .run(record.scope, record.key, ms(record.createdAt), json(record));
    return;
  }
  // The upsert's WHERE leaves a live key as it is, changing nothing.
  const written = context
    .sql(`INSERT INTO idempotency_keys (scope, key, created_at, data) VALUES (?, ?, ?, ?)
      ON CONFLICT (scope, key) DO UPDATE SET created_at = excluded.created_at, data = excluded.data
      WHERE idempotency_keys.created_at < ?`)
    .run(record.scope, record.key, ms(record.createdAt), json(record), ms(changes.replaceIdempotencyBefore));
  if (written.changes !== 1) throw conflictError('idempotency', 'That idempotency key was used already');
}

/** The adapter's idempotency read. */
export function idempotency(context: SqliteContext) {
  return {
    async getIdempotencyRecord(scope: string, key: string): Promise<IdempotencyRecord | null> {
      const row = context
        .sql('SELECT data FROM idempotency_keys WHERE scope = ? AND key = ?')
        .pluck()
        .get(scope, key) as string | undefined;
      return row ? (JSON.parse(row) as IdempotencyRecord) : null;
    },
  };
}
