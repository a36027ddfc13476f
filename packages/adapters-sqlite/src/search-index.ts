import type { SqliteStatement } from './sqlite-database.js';

/**
 * The full-text index catches up behind the log (see migration 004): the
 * entries past `search_cursor`, up to a bound, go into `thread_search` with
 * their ticket's subject and number as they are now, and the cursor moves
 * past them — in the caller's write transaction.
 *
 * The same statements run on the adapter's connection (a search catching up
 * before it reads; every change set when there is no background worker) and
 * in the worker (as SQL text: see background-worker.ts).
 */
export const SEARCH_SQL = {
  cursor: 'SELECT log_seq FROM search_cursor WHERE id = 1',
  last: 'SELECT coalesce(max(seq), 0) FROM ticket_log',
  index: `INSERT INTO thread_search (rowid, subject, number, body)
    SELECT log.seq, t.subject, t.number, log.body FROM ticket_log log JOIN tickets t ON t.seq = log.ticket_seq
    WHERE log.seq > ? AND log.seq <= ? AND log.kind = 'entry'`,
  advance: 'UPDATE search_cursor SET log_seq = ? WHERE id = 1',
} as const;

/** Log rows one catch-up step covers at most: bounds how long it holds the write lock. */
export const SEARCH_STEP = 128;

/**
 * Indexes the entries past the cursor, at most `step` log rows of them, in
 * the open write transaction; returns whether entries remain.
 */
export function indexPendingStep(sql: (source: string) => SqliteStatement, step: number = SEARCH_STEP): boolean {
  const cursor = Number(sql(SEARCH_SQL.cursor).pluck().get());
  const last = Number(sql(SEARCH_SQL.last).pluck().get());
  if (last <= cursor) return false;
  const upTo = Math.min(last, cursor + step);
  sql(SEARCH_SQL.index).run(cursor, upTo);
  sql(SEARCH_SQL.advance).run(upTo);
  return upTo < last;
}

/** Whether entries wait past the cursor (a read, no lock). */
export function searchIsBehind(sql: (source: string) => SqliteStatement): boolean {
  return Number(sql(SEARCH_SQL.last).pluck().get()) > Number(sql(SEARCH_SQL.cursor).pluck().get());
}
