import type { Migration } from './migration.js';

/**
 * The fourth schema: the adapter's commit keeps `ticket_counts` and the
 * search index itself, statement by statement, instead of triggers on
 * `tickets` and `ticket_log`. A statement that fires a trigger runs in a
 * statement journal, and each one opened made FTS5 flush the words it held
 * as a new index segment: in a group commit, one segment per ticket instead
 * of one per transaction. The counts and the index stay exactly as the
 * triggers kept them; a subject change still re-indexes by trigger (rare).
 */
export const countsAndSearchInCommit: Migration = {
  version: 4,
  name: 'counts and search written by the commit',
  sql: `
DROP TRIGGER tickets_count_insert;
DROP TRIGGER tickets_count_update;
DROP TRIGGER thread_search_insert;
`,
};
