import {
  decodeCursor,
  encodeCursor,
  type Page,
  rankSearchMatches,
  searchWords,
  type Ticket,
  type TicketSearchQuery,
} from '@ticketkit/core';
import type { PgQueryable } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';
import { batchSize, SqlParams, whereClause } from './connection/sql-params.js';
import { ticketConditions } from './queues-and-counts.js';

/**
 * Full-text search: a `tsvector` per thread entry (its ticket's subject and
 * number with the entry's body) in a GIN index.
 *
 * By default the vector holds exactly core's `searchWords` (whole words,
 * case and accents aside, letters of every script), built with
 * `array_to_tsvector` so PostgreSQL's parser and locale never split or drop
 * a word differently: the conformance kit's matching, word for word. With a
 * `language` (a text search configuration such as `'english'`) PostgreSQL
 * stems the words instead: "crash" then finds "crashes".
 */

/** How a search vector and query are built: `null` for exact words, else a text search configuration. */
export type SearchLanguage = string | null;

// A lexeme longer than this is refused by PostgreSQL (2 KiB); nobody searches for one.
const MAX_WORD_BYTES = 2_000;

/** The words of one search document, each once. */
function documentWords(ticket: Pick<Ticket, 'subject' | 'number'>, body: string): string[] {
  const words = new Set(searchWords(`${ticket.subject} ${ticket.number} ${body}`));
  return [...words].filter((word) => Buffer.byteLength(word) <= MAX_WORD_BYTES);
}

/** The SQL expression (with its parameter) of an entry's search vector. */
export function searchVector(
  params: SqlParams,
  language: SearchLanguage,
  ticket: Pick<Ticket, 'subject' | 'number'>,
  body: string,
): string {
  const words = documentWords(ticket, body);
  return language === null
    ? `array_to_tsvector(${params.add(words)}::text[])`
    : `to_tsvector(${params.add(language)}::regconfig, ${params.add(words.join(' '))})`;
}

/**
 * Rebuilds the search vectors of a ticket's entries after its subject or
 * number changed (rare: the SQLite adapter does the same in its commit).
 */
export async function reindexTicket(
  client: PgQueryable,
  context: PostgresContext,
  language: SearchLanguage,
  ticket: Ticket,
): Promise<void> {
  const rows = await client.query<{ seq: string; body: string }>(
    `SELECT seq, body FROM ${context.table('thread_entries')} WHERE ticket_id = $1`,
    [ticket.id],
  );
  for (const row of rows.rows) {
    const params = new SqlParams();
    const vector = searchVector(params, language, ticket, row.body);
    await client.query(
      `UPDATE ${context.table('thread_entries')} SET search = ${vector} WHERE seq = ${params.add(row.seq)}`,
      params.values,
    );
  }
}

/** The search method of the adapter. */
export function search(context: PostgresContext, language: SearchLanguage, window: number) {
  return {
    async searchTickets(query: TicketSearchQuery): Promise<Page<Ticket>> {
      const offset = query.cursor ? (decodeCursor(query.cursor, ['number'])[0] as number) : 0;
      const limit = batchSize(query.limit);
      if (query.terms.length === 0) return { items: [], nextCursor: null };
      const params = new SqlParams();
      // Terms are letters and digits only; quoted as lexemes they can never be tsquery syntax.
      const lexemes = query.terms.map((term) => `'${term.replace(/'/g, "''")}'`).join(' & ');
      const match =
        language === null
          ? `e.search @@ ${params.add(lexemes)}::tsquery`
          : `e.search @@ to_tsquery(${params.add(language)}::regconfig, ${params.add(lexemes)})`;
      // The most recent matching entries, newest first, up to the window: a word in half the desk
      // costs what a rare one does. Ranked below with core's reference score; only the page's tickets
      // are then read whole (a window of JSONB tickets would cost more than the search).
      const rows = await context.query<{
        id: string;
        created_at: Date;
        subject: string;
        number: string;
        body: string;
      }>(
        'searchTickets',
        `SELECT t.id, t.created_at, t.subject, t.number, e.body
          FROM ${context.table('thread_entries')} e JOIN ${context.table('tickets')} t ON t.id = e.ticket_id
          ${whereClause([match, ...ticketConditions(query.filter, params, 't.')])}
          ORDER BY e.seq DESC LIMIT ${params.add(window)}`,
        params.values,
      );
      const ordered = rankSearchMatches(
        rows.map((row) => ({ ...row, createdAt: row.created_at.getTime() })),
        query.terms,
      );
      const ids = ordered.slice(offset, offset + limit).map((match) => match.id);
      const tickets = ids.length
        ? await context.query<{ id: string; data: Ticket }>(
            'searchTickets',
            `SELECT id, data FROM ${context.table('tickets')} WHERE id = ANY($1::text[])`,
            [ids],
          )
        : [];
      const byId = new Map(tickets.map((ticket) => [ticket.id, ticket.data]));
      return {
        items: ids.flatMap((id) => byId.get(id) ?? []),
        nextCursor: offset + limit < ordered.length ? encodeCursor([offset + limit]) : null,
      };
    },
  };
}
