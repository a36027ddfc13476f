import type { AccessTokenRecord } from '@ticketkit/core';
import { ms, type SqliteContext } from './connection/sqlite-context.js';

/**
 * Customer access tokens: only their hashes, written by the commit that
 * opens a ticket or by `putAccessToken`, read by one primary-key lookup and
 * revoked through a partial index of the unrevoked ones.
 */

/** Stores a token's hash; the same hash again is the same token issued twice, and changes nothing. */
export function storeAccessToken(context: SqliteContext, record: AccessTokenRecord): void {
  context
    .sql(`INSERT INTO access_tokens (hash, ticket_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (hash) DO NOTHING`)
    .run(
      record.hash,
      record.ticketId,
      ms(record.createdAt),
      record.expiresAt === null ? null : ms(record.expiresAt),
      record.revokedAt === null ? null : ms(record.revokedAt),
    );
}

/** The adapter's access-token methods. */
export function accessTokens(context: SqliteContext) {
  const { sql } = context;
  return {
    async putAccessToken(record: AccessTokenRecord) {
      storeAccessToken(context, record);
    },

    async getAccessToken(hash: string): Promise<AccessTokenRecord | null> {
      const row = sql(
        'SELECT hash, ticket_id, created_at, expires_at, revoked_at FROM access_tokens WHERE hash = ?',
      ).get(hash) as
        | { hash: string; ticket_id: string; created_at: number; expires_at: number | null; revoked_at: number | null }
        | undefined;
      if (!row) return null;
      const iso = (value: number | null) => (value === null ? null : new Date(value).toISOString());
      return {
        hash: row.hash,
        ticketId: row.ticket_id,
        createdAt: new Date(row.created_at).toISOString(),
        expiresAt: iso(row.expires_at),
        revokedAt: iso(row.revoked_at),
      };
    },

    async revokeAccessTokens(ticketId: string, at: string) {
      return sql('UPDATE access_tokens SET revoked_at = ? WHERE ticket_id = ? AND revoked_at IS NULL').run(
        ms(at),
        ticketId,
      ).changes;
    },
  };
}
