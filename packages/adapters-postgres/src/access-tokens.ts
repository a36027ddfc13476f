import type { AccessTokenRecord } from '@ticketkit/core';
import type { PgQueryable } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';
import { SqlParams } from './connection/sql-params.js';

/** Stores access token records; a hash that is already stored stays as it is. */
export async function storeAccessTokens(
  client: PgQueryable,
  context: PostgresContext,
  records: readonly AccessTokenRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const params = new SqlParams();
  const rows = records.map(
    (record) =>
      `(${params.add(record.hash)}, ${params.add(record.ticketId)}, ${params.add(record.createdAt)}::timestamptz,
        ${params.add(record.expiresAt)}::timestamptz, ${params.add(record.revokedAt)}::timestamptz)`,
  );
  await client.query(
    `INSERT INTO ${context.table('access_tokens')} (hash, ticket_id, created_at, expires_at, revoked_at)
      VALUES ${rows.join(', ')} ON CONFLICT (hash) DO NOTHING`,
    params.values,
  );
}

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
