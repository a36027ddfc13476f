import type { Migration } from './migration.js';

// Status sets of the work queues; the partial indexes below must repeat them verbatim,
// and the queries in ticket-queries.ts name the index they use (INDEXED BY).
const WORK = "status IN ('open', 'in_progress')";
const ACTIVE = "status IN ('open', 'in_progress', 'awaiting_customer')";

/**
 * The first schema: tickets with their queue indexes; the ticket log
 * (thread entries, audit events, outbox messages) with a full-text index of
 * the entries; idempotency keys, counters, the directory, and a per-queue
 * count table kept by triggers.
 *
 * Every table stores the record as JSON (`data`) — the source of truth, read
 * back exactly — plus the columns queries filter and sort on.
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE tickets (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  number TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  department_id TEXT NOT NULL,
  team_id TEXT,
  assignee_id TEXT,
  sla_state TEXT NOT NULL,
  requester_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  next_sla_check_at INTEGER,
  version INTEGER NOT NULL,
  data TEXT NOT NULL
) STRICT;

-- One index per queue shape, each in (created_at, id) order, so the first and any deep page read
-- a range of one index and never sort. Partial indexes hold only the tickets of their queue.
CREATE INDEX tickets_created ON tickets (created_at, id);
CREATE INDEX tickets_department ON tickets (department_id, created_at, id);
CREATE INDEX tickets_status ON tickets (status, created_at, id);
CREATE INDEX tickets_department_status ON tickets (department_id, status, created_at, id);
CREATE INDEX tickets_work ON tickets (created_at, id) WHERE ${WORK};
CREATE INDEX tickets_department_work ON tickets (department_id, created_at, id) WHERE ${WORK};
CREATE INDEX tickets_mine ON tickets (assignee_id, created_at, id) WHERE ${ACTIVE};
CREATE INDEX tickets_unassigned ON tickets (created_at, id)
  WHERE ${ACTIVE} AND assignee_id IS NULL AND team_id IS NULL;
CREATE INDEX tickets_department_unassigned ON tickets (department_id, created_at, id)
  WHERE ${ACTIVE} AND assignee_id IS NULL AND team_id IS NULL;
CREATE INDEX tickets_overdue ON tickets (created_at, id) WHERE ${ACTIVE} AND sla_state = 'breached';
CREATE INDEX tickets_department_overdue ON tickets (department_id, created_at, id)
  WHERE ${ACTIVE} AND sla_state = 'breached';
CREATE INDEX tickets_requester ON tickets (requester_email, created_at, id);
CREATE INDEX tickets_sla_due ON tickets (next_sla_check_at, id) WHERE next_sla_check_at IS NOT NULL;

-- Everything written about a ticket, in commit order, in one append-only table. Every committed
-- change is recorded once: in the row of its last thread entry, or, when it writes no entry, in a row
-- of its own (kind 'change'). The row's JSON holds the entry, the change's audit event and its
-- outbox message, each when there is one. A reply thus writes one row, as a hand-written help desk
-- would; measured, a separate row for the audit event and the outbox cost a command 25 to 35 µs.
CREATE TABLE ticket_log (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  ticket_seq INTEGER NOT NULL REFERENCES tickets (seq),
  kind TEXT NOT NULL CHECK (kind IN ('entry', 'change')),
  body TEXT,
  status TEXT,
  due_at INTEGER,
  data TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_log_ticket ON ticket_log (ticket_seq, seq);
-- Thread entry ids are unique (a change row carries its audit event's id).
CREATE UNIQUE INDEX ticket_log_entry_id ON ticket_log (id) WHERE kind = 'entry';
-- The outbox is the log itself: new messages are found by reading the log forward from where the
-- dispatcher last stopped (seq order is commit order), so a command writes no outbox index entry.

CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (scope, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE sequences (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE directory (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;

-- How many tickets sit in each (department, status, SLA state, agent, team) cell: every queue
-- count is a sum over a few cells instead of a scan over a million index entries.
CREATE TABLE ticket_counts (
  department_id TEXT NOT NULL,
  status TEXT NOT NULL,
  sla_state TEXT NOT NULL,
  assignee_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (department_id, status, sla_state, assignee_id, team_id)
) STRICT, WITHOUT ROWID;
-- Admins count across departments: by status first.
CREATE INDEX ticket_counts_status ON ticket_counts (status, sla_state, assignee_id, team_id, n);

CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets BEGIN
  INSERT INTO ticket_counts VALUES (
    NEW.department_id, NEW.status, NEW.sla_state, coalesce(NEW.assignee_id, ''), coalesce(NEW.team_id, ''), 1
  ) ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tickets_count_update AFTER UPDATE ON tickets
WHEN OLD.department_id IS NOT NEW.department_id OR OLD.status IS NOT NEW.status
  OR OLD.sla_state IS NOT NEW.sla_state OR OLD.assignee_id IS NOT NEW.assignee_id OR OLD.team_id IS NOT NEW.team_id
BEGIN
  UPDATE ticket_counts SET n = n - 1
  WHERE department_id = OLD.department_id AND status = OLD.status AND sla_state = OLD.sla_state
    AND assignee_id = coalesce(OLD.assignee_id, '') AND team_id = coalesce(OLD.team_id, '');
  INSERT INTO ticket_counts VALUES (
    NEW.department_id, NEW.status, NEW.sla_state, coalesce(NEW.assignee_id, ''), coalesce(NEW.team_id, ''), 1
  ) ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Full-text search: one document per thread entry, holding the ticket's subject and number with the
-- entry's body, so "password expired" finds a ticket titled "Password reset" whose message says
-- "the link expired". Contentless: the text lives in the log only. (Not contentless_delete: measured,
-- its inserts slow down fourfold as the index grows; the 'delete' command with the old values does.)
CREATE VIRTUAL TABLE thread_search USING fts5 (
  subject, number, body,
  content = '', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER thread_search_insert AFTER INSERT ON ticket_log WHEN NEW.kind = 'entry' BEGIN
  INSERT INTO thread_search (rowid, subject, number, body)
  SELECT NEW.seq, subject, number, NEW.body FROM tickets WHERE seq = NEW.ticket_seq;
END;

CREATE TRIGGER tickets_search_subject AFTER UPDATE OF subject ON tickets WHEN OLD.subject IS NOT NEW.subject BEGIN
  INSERT INTO thread_search (thread_search, rowid, subject, number, body)
  SELECT 'delete', seq, OLD.subject, OLD.number, body FROM ticket_log WHERE ticket_seq = NEW.seq AND kind = 'entry';
  INSERT INTO thread_search (rowid, subject, number, body)
  SELECT seq, NEW.subject, NEW.number, body FROM ticket_log WHERE ticket_seq = NEW.seq AND kind = 'entry';
END;
`,
};
