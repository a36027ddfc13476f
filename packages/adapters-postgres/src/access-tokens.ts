import type { AccessTokenRecord } from '@ticketkit/core';
import type { PgQueryable } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';
import type { SqlParams } from './connection/sql-params.js';
import { runBuilt } from './connection/statement-batch.js';

/** The INSERT of access token records (a hash already stored stays as it is), or `null` for none. */
export function accessTokensInsert(
  params: SqlParams,
  context: PostgresContext,
  records: readonly AccessTokenRecord[],
): string | null {
  if (records.length === 0) return null;
  const rows = records.map(
    (record) =>
      `(${params.add(record.hash)}, ${params.add(record.ticketId)}, ${params.add(record.createdAt)}::timestamptz,
        ${params.add(record.expiresAt)}::timestamptz, ${params.add(record.revokedAt)}::timestamptz)`,
  );
  return `INSERT INTO ${context.table('access_tokens')} (hash, ticket_id, created_at, expires_at, revoked_at)
      VALUES ${rows.join(', ')} ON CONFLICT (hash) DO NOTHING`;
}

/** Stores access token records in one statement of their own. */
export const storeAccessTokens = (
  client: PgQueryable,
  context: PostgresContext,
  records: readonly AccessTokenRecord[],
) => runBuilt(client, (params) => accessTokensInsert(params, context, records));

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

/** The access token methods of the adapter. */
export function accessTokens(context: PostgresContext) {
  const table = context.table('access_tokens');
  return {
    async putAccessToken(record: AccessTokenRecord): Promise<void> {
      await context.transaction('putAccessToken', (client) => storeAccessTokens(client, context, [record]));
    },

    async getAccessToken(hash: string): Promise<AccessTokenRecord | null> {
      const [row] = await context.query<{
        hash: string;
        ticket_id: string;
        created_at: Date;
        expires_at: Date | null;
        revoked_at: Date | null;
      }>('getAccessToken', `SELECT hash, ticket_id, created_at, expires_at, revoked_at FROM ${table} WHERE hash = $1`, [
        hash,
      ]);
      if (!row) return null;
      return {
        hash: row.hash,
        ticketId: row.ticket_id,
        createdAt: row.created_at.toISOString(),
        expiresAt: iso(row.expires_at),
        revokedAt: iso(row.revoked_at),
      };
    },

    async revokeAccessTokens(ticketId: string, at: string): Promise<number> {
      return context.execute(
        'revokeAccessTokens',
        `UPDATE ${table} SET revoked_at = $2::timestamptz WHERE ticket_id = $1 AND revoked_at IS NULL`,
        [ticketId, at],
      );
    },
  };
}
