import type { Migration } from './migration.js';

/**
 * The deliveries a claim may take; the partial index `deliveries_due` repeats it verbatim, and
 * the claim query in outbox-and-deliveries.ts states it word for word (SQLite only uses a partial index
 * when the query states its condition).
 */
export const DELIVERY_DUE = "status IN ('pending', 'retrying')";

/**
 * The second schema: what a desk with notifiers needs, and the scheduler's
 * renamed due time.
 *
 * - `tickets.next_sla_check_at` becomes `next_check_at` (it now schedules SLA
 *   checks, auto-close and reminders), with its index `tickets_due`, and each
 *   ticket's JSON says `nextCheckAt` instead of `nextSlaCheckAt`.
 * - The outbox stays in `ticket_log`, unindexed: `outbox_cursor` marks how far
 *   along the log every message is settled, and `outbox_deferred` holds the
 *   few pending messages the cursor has passed (a failed dispatch waiting for
 *   its retry, or a message not due yet).
 * - `deliveries`: the delivery log, one row per notification to one recipient
 *   through one notifier.
 * - `leases`: named leases, one scheduler at a time per sweep.
 */
export const outboxDeliveries: Migration = {
  version: 2,
  name: 'outbox cursor, deliveries, leases; next_check_at',
  sql: `
ALTER TABLE tickets RENAME COLUMN next_sla_check_at TO next_check_at;
DROP INDEX tickets_sla_due;
CREATE INDEX tickets_due ON tickets (next_check_at, id) WHERE next_check_at IS NOT NULL;
-- json_set keeps every other value as written (strings keep their escapes); the key moves to the end.
UPDATE tickets
SET data = json_set(json_remove(data, '$.nextSlaCheckAt'), '$.nextCheckAt', json_extract(data, '$.nextSlaCheckAt'))
WHERE json_type(data, '$.nextSlaCheckAt') IS NOT NULL;

-- The outbox dispatch cursor: every outbox message in a ticket_log row with seq <= log_seq is
-- settled (dispatched, dead, or waiting in outbox_deferred). New messages are read forward from it:
-- the log is append-only and SQLite commits one writer at a time, so seq order is commit order
-- and no message can appear behind the cursor. One row.
CREATE TABLE outbox_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  log_seq INTEGER NOT NULL
) STRICT;
INSERT INTO outbox_cursor (id, log_seq) VALUES (1, 0);

-- Pending messages out of the cursor's way: a message whose dispatch failed (or that is not due
-- yet) waits here for its next attempt, so the cursor can move on. The message itself stays in its
-- log row (status, attempts, next attempt and error kept current there); this row is deleted when
-- the message is dispatched or dead. Small: it holds only messages waiting for a retry.
CREATE TABLE outbox_deferred (
  log_seq INTEGER PRIMARY KEY REFERENCES ticket_log (seq),
  due_at INTEGER NOT NULL
) STRICT;

-- The delivery log. The JSON is the delivery; the columns are what claims and lists filter and
-- sort on, times in milliseconds.
CREATE TABLE deliveries (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ticket_id TEXT NOT NULL REFERENCES tickets (id),
  status TEXT NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  claimed_by TEXT,
  claimed_until INTEGER,
  created_at INTEGER NOT NULL,
  data TEXT NOT NULL
) STRICT;
-- Claims: due deliveries in (next_attempt_at, seq) order; only those still to be sent are in it.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE ${DELIVERY_DUE};
-- Lists, newest first: overall, by ticket (also with a status), by status.
CREATE INDEX deliveries_created ON deliveries (created_at, id);
CREATE INDEX deliveries_ticket ON deliveries (ticket_id, created_at, id);
CREATE INDEX deliveries_status ON deliveries (status, created_at, id);

CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  until INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`,
};
