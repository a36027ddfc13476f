import { conflictError, type IdempotencyRecord } from '@ticketkit/core';
import type { PgQueryable } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';

/**
 * Writes a change set's idempotency record. A live key with the same scope
 * is a `CONFLICT`; one created before `replaceBefore` (expired) is replaced.
 */
export async function rememberIdempotencyKey(
  client: PgQueryable,
  context: PostgresContext,
  record: IdempotencyRecord,
  replaceBefore: string | undefined,
): Promise<void> {
  const written = await client.query(
    `INSERT INTO ${context.table('idempotency_keys')} AS k (scope, key, created_at, data)
      VALUES ($1, $2, $3::timestamptz, $4::jsonb)
      ON CONFLICT (scope, key) DO UPDATE SET created_at = excluded.created_at, data = excluded.data
      WHERE k.created_at < $5::timestamptz`,
    // Without a cut-off nothing is old enough to replace.
    [record.scope, record.key, record.createdAt, record, replaceBefore ?? '-infinity'],
  );
  if (written.rowCount !== 1) throw conflictError('idempotency', `Idempotency key ${record.key} was used already`);
}

/** The idempotency read of the adapter. */
export function idempotency(context: PostgresContext) {
  return {
    async getIdempotencyRecord(scope: string, key: string): Promise<IdempotencyRecord | null> {
      const [row] = await context.query<{ data: IdempotencyRecord }>(
        'getIdempotencyRecord',
        `SELECT data FROM ${context.table('idempotency_keys')} WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      return row?.data ?? null;
    },
  };
}
