import type { Migration } from './migration.js';

/**
 * The third schema: customer access tokens (`desk.accessTokens`), stored as
 * SHA-256 hashes — a stolen file does not hand out working links.
 */
export const accessTokens: Migration = {
  version: 3,
  name: 'access tokens',
  sql: `
CREATE TABLE access_tokens (
  hash TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES tickets (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
) STRICT, WITHOUT ROWID;
-- Revoking a ticket's tokens finds them by ticket.
CREATE INDEX access_tokens_ticket ON access_tokens (ticket_id) WHERE revoked_at IS NULL;
`,
};
