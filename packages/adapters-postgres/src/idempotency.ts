import type { IdempotencyRecord } from '@ticketkit/core';
import type { PostgresContext } from './connection/postgres-context.js';
import type { SqlParams } from './connection/sql-params.js';

/**
 * The write of a change set's idempotency record. One created before
 * `replaceBefore` (expired) is replaced. A live key with the same scope makes
 * the statement fail (a NOT NULL violation, which postgres-errors.ts maps to
 * a `CONFLICT` on `idempotency`): the commit's other writes are in the same
 * statement and fail with it, with no transaction around them.
 */
export function idempotencyInsert(
  params: SqlParams,
  context: PostgresContext,
  record: IdempotencyRecord,
  replaceBefore: string | undefined,
): string {
  return `INSERT INTO ${context.table('idempotency_keys')} AS k (scope, key, created_at, data)
      VALUES (${params.add(record.scope)}, ${params.add(record.key)}, ${params.add(record.createdAt)}::timestamptz,
        ${params.add(record)}::jsonb)
      ON CONFLICT (scope, key) DO UPDATE SET data = excluded.data,
        created_at = CASE WHEN k.created_at < ${
          // Without a cut-off nothing is old enough to replace.
          params.add(replaceBefore ?? '-infinity')
        }::timestamptz THEN excluded.created_at END`;
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
