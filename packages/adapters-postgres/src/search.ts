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

/** How search reads the desk: the window it ranks and the stretch of newest entries its first round reads. */
export interface SearchReading {
  /** The most recent matching entries ranked. */
  window: number;
  /** Entries (by `seq`) the first round reads; each later round reads a longer, older stretch. */
  firstSpan: number;
}

/** A matching entry as a round returns it. */
interface EntryMatch {
  seq: string;
  ticket_id: string;
  body: string;
}

/**
 * How much longer than everything read so far the next stretch is: long
 * enough, at the density of matches seen so far, for what is still missing,
 * with half again as margin; 2 to 64 times.
 */
export function nextSpanFactor(found: number, missing: number): number {
  if (found === 0) return 64;
  return Math.min(64, Math.max(2, Math.ceil((1.5 * missing) / found)));
}

/** How long the word frequencies read from `pg_stats` are used before they are read again. */
const STATISTICS_TTL_MS = 5 * 60_000;

/**
 * The share of thread entries each common word is in, as PostgreSQL's own
 * statistics of the search column have it (`pg_stats.most_common_elems`,
 * kept by ANALYZE and autovacuum), read at most every five minutes. A word
 * not listed is rarer than every listed one. Empty before the first ANALYZE.
 */
function wordFrequencies(context: PostgresContext) {
  let cached: { at: number; frequencies: Promise<Map<string, number>> } | null = null;
  const read = async () => {
    const rows = await context.query<{ words: string[] | null; freqs: number[] | null }>(
      'searchTickets',
      `SELECT most_common_elems::text::text[] AS words, most_common_elem_freqs AS freqs FROM pg_stats
        WHERE schemaname = $1 AND tablename = 'thread_entries' AND attname = 'search'`,
      [context.schema],
    );
    const { words, freqs } = rows[0] ?? { words: null, freqs: null };
    return new Map((words ?? []).map((word, index) => [word, freqs?.[index] ?? 0]));
  };
  return (): Promise<Map<string, number>> => {
    if (!cached || Date.now() - cached.at > STATISTICS_TTL_MS) {
      const frequencies = read().catch(() => new Map<string, number>());
      cached = { at: Date.now(), frequencies };
    }
    return cached.frequencies;
  };
}

// A term in fewer of the entries than this is rare; one in more than COMMON is worth testing row by row
// rather than reading its list from the index.
const RARE = 0.01;
const COMMON = 0.25;

/**
 * The terms the GIN index is asked for. When one term is rare (in under 1%
 * of the entries by the statistics, or not listed in them at all) and every
 * other one is very common (in over a quarter), the rare one alone: every
 * term must be in a matching entry, so the others are tested on the entries
 * it finds (`ts_match_vq`, which no index serves), and most pass. "password
 * preterlo" then reads the index's list of "preterlo"'s entries, not also the
 * list of "password", which is in nearly every entry of a bank's desk.
 * Otherwise all of them: the index intersects their lists, which costs less
 * than testing the matches of one. (With a text search language no term is
 * singled out: a stop word is in no vector and would look rarest.)
 */
export function indexedTerms(terms: readonly string[], frequencies: ReadonlyMap<string, number>): readonly string[] {
  if (terms.length < 2) return terms;
  const frequency = (term: string) => frequencies.get(term) ?? 0;
  const rarest = [...terms].sort((a, b) => frequency(a) - frequency(b) || b.length - a.length)[0] as string;
  const othersCommon = terms.every((term) => term === rarest || frequency(term) > COMMON);
  return frequency(rarest) < RARE && othersCommon ? [rarest] : terms;
}

/**
 * The search method of the adapter.
 *
 * Every search wants the newest `window` matching entries. Asked for them in
 * one query, PostgreSQL has two plans, both slow for a word of middling
 * frequency in a large desk: walk the entries newest first testing each
 * (reads window / frequency rows), or read every match from the GIN index
 * and sort (reads one random block per match, tens of thousands). So search
 * asks in rounds over stretches of `seq`, newest first: the first reads the
 * newest `firstSpan` entries, each next one an older stretch sized from the
 * matches found so far, until the window is full or the desk is read.
 * Within a bounded stretch the planner's choice is always a cheap one: a
 * common word walks a few hundred rows; a rarer one ANDs the GIN index's
 * matches with the primary key's range of the stretch (`BitmapAnd`, both
 * exact) and reads only the blocks of its matches in the stretch.
 */
export function search(context: PostgresContext, language: SearchLanguage, reading: SearchReading) {
  const entries = context.table('thread_entries');
  const tickets = context.table('tickets');

  const frequencies = wordFrequencies(context);
  // Terms are letters and digits only; quoted as lexemes they can never be tsquery syntax.
  const lexemes = (terms: readonly string[]) => terms.map((term) => `'${term.replace(/'/g, "''")}'`).join(' & ');

  /** One round: the newest matches with `lo < seq <= hi`, at most `limit`. */
  async function round(query: TicketSearchQuery, indexed: readonly string[], lo: number, hi: number, limit: number) {
    const params = new SqlParams();
    const tsquery = (terms: readonly string[]) =>
      language === null
        ? `${params.add(lexemes(terms))}::tsquery`
        : `to_tsquery(${params.add(language)}::regconfig, ${params.add(lexemes(terms))})`;
    const match = [`e.search @@ ${tsquery(indexed)}`];
    if (indexed.length < query.terms.length) match.push(`ts_match_vq(e.search, ${tsquery(query.terms)})`);
    const conditions = ticketConditions(query.filter, params, 't.');
    // As parameters of an unnamed statement the bounds are planned with their values.
    const where = [...match, `e.seq > ${params.add(lo)}::bigint`, `e.seq <= ${params.add(hi)}::bigint`, ...conditions];
    const select = `SELECT e.seq, e.ticket_id, e.body FROM ${entries} e
      ${conditions.length ? `JOIN ${tickets} t ON t.id = e.ticket_id` : ''} ${whereClause(where)}`;
    const order = `ORDER BY seq DESC LIMIT ${params.add(limit)}`;
    // With only the rarest term indexed, the planner cannot tell how rare the whole query is (ts_match_vq is
    // opaque to it) and, asked for the newest few, would walk the stretch. Fenced (OFFSET 0), the stretch's
    // matches of the rare term are read from the index and only then sorted.
    const text =
      indexed.length < query.terms.length ? `SELECT * FROM (${select} OFFSET 0) m ${order}` : `${select} ${order}`;
    return context.query<EntryMatch>('searchTickets', text, params.values);
  }

  return {
    async searchTickets(query: TicketSearchQuery): Promise<Page<Ticket>> {
      const offset = query.cursor ? (decodeCursor(query.cursor, ['number'])[0] as number) : 0;
      const limit = batchSize(query.limit);
      if (query.terms.length === 0) return { items: [], nextCursor: null };
      // One term needs no statistics: only a query of several may single one out.
      const indexed =
        language === null && query.terms.length > 1 ? indexedTerms(query.terms, await frequencies()) : query.terms;
      const [top] = await context.query<{ max: string | null }>(
        'searchTickets',
        `SELECT max(seq) AS max FROM ${entries}`,
      );
      const found: EntryMatch[] = [];
      let hi = Number(top?.max ?? 0);
      let span = reading.firstSpan;
      let read = 0;
      while (hi > 0 && found.length < reading.window) {
        const lo = Math.max(0, hi - span);
        found.push(...(await round(query, indexed, lo, hi, reading.window - found.length)));
        read += hi - lo;
        hi = lo;
        span = read * nextSpanFactor(found.length, reading.window - found.length);
      }
      // The matches' tickets, each once, for core's reference score (subject and number count three times).
      const columns = found.length
        ? await context.query<{ id: string; created_at: Date; subject: string; number: string }>(
            'searchTickets',
            `SELECT id, created_at, subject, number FROM ${tickets} WHERE id = ANY($1::text[])`,
            [[...new Set(found.map((entry) => entry.ticket_id))]],
          )
        : [];
      const byTicket = new Map(columns.map((row) => [row.id, row]));
      const ordered = rankSearchMatches(
        found.flatMap((entry) => {
          const ticket = byTicket.get(entry.ticket_id);
          return ticket ? [{ ...ticket, createdAt: ticket.created_at.getTime(), body: entry.body }] : [];
        }),
        query.terms,
      );
      // Only the page's tickets are read whole (a window of JSONB tickets would cost more than the search).
      const ids = ordered.slice(offset, offset + limit).map((match) => match.id);
      const page = ids.length
        ? await context.query<{ id: string; data: Ticket }>(
            'searchTickets',
            `SELECT id, data FROM ${tickets} WHERE id = ANY($1::text[])`,
            [ids],
          )
        : [];
      const byId = new Map(page.map((ticket) => [ticket.id, ticket.data]));
      return {
        items: ids.flatMap((id) => byId.get(id) ?? []),
        nextCursor: offset + limit < ordered.length ? encodeCursor([offset + limit]) : null,
      };
    },
  };
}
