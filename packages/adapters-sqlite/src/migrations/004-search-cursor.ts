import type { Migration } from './migration.js';

/**
 * The fourth schema: the full-text index is no longer written by a trigger
 * in every command's transaction. `search_cursor` marks how far along the log
 * the index is (every entry with `seq <= log_seq` is in `thread_search`);
 * entries past it are indexed in small batches by the adapter's background
 * worker, and by a search before it reads, so a search still finds every
 * committed entry. Measured under HTTP intake load, the trigger's indexing
 * was a fifth of the server's time per ticket.
 *
 * A subject change re-indexes the entries already in the index; those past
 * the cursor are indexed later with the subject they find then.
 */
export const searchCursor: Migration = {
  version: 4,
  name: 'search cursor: the full-text index catches up behind the log',
  sql: `
-- Every entry written so far was indexed by the old trigger.
CREATE TABLE search_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  log_seq INTEGER NOT NULL
) STRICT;
INSERT INTO search_cursor (id, log_seq) SELECT 1, coalesce(max(seq), 0) FROM ticket_log;

DROP TRIGGER thread_search_insert;
DROP TRIGGER tickets_search_subject;
CREATE TRIGGER tickets_search_subject AFTER UPDATE OF subject ON tickets WHEN OLD.subject IS NOT NEW.subject BEGIN
  INSERT INTO thread_search (thread_search, rowid, subject, number, body)
  SELECT 'delete', seq, OLD.subject, OLD.number, body FROM ticket_log
  WHERE ticket_seq = NEW.seq AND kind = 'entry' AND seq <= (SELECT log_seq FROM search_cursor WHERE id = 1);
  INSERT INTO thread_search (rowid, subject, number, body)
  SELECT seq, NEW.subject, NEW.number, body FROM ticket_log
  WHERE ticket_seq = NEW.seq AND kind = 'entry' AND seq <= (SELECT log_seq FROM search_cursor WHERE id = 1);
END;
`,
};
