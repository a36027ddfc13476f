import type { Migration } from './migration.js';

// Status sets of the work queues. The partial indexes repeat them word for word, and so must the
// queries in queues-and-counts.ts: PostgreSQL uses a partial index only when the query's WHERE
// implies the index's.
const WORK = "status IN ('open', 'in_progress')";
const ACTIVE = "status IN ('open', 'in_progress', 'awaiting_customer')";
const UNASSIGNED = 'assignee_id IS NULL AND team_id IS NULL';

/**
 * The first schema, the SQLite design in PostgreSQL terms. Every table keeps
 * the record as JSONB (`data`, the source of truth, custom fields included)
 * beside the columns queries filter and sort on. Ids sort with the "C"
 * collation: byte order, as core's `compareTickets` compares them.
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE {{schema}}.tickets (
  id text COLLATE "C" PRIMARY KEY,
  number text NOT NULL UNIQUE,
  status text NOT NULL,
  department_id text NOT NULL,
  team_id text,
  assignee_id text,
  sla_state text NOT NULL,
  requester_email text NOT NULL,
  subject text NOT NULL,
  created_at timestamptz NOT NULL,
  next_check_at timestamptz,
  version integer NOT NULL,
  data jsonb NOT NULL
);

-- One index per queue shape, each in (created_at, id) order: the first and any deep page read a
-- range of one index and never sort. Partial indexes hold only the tickets of their queue.
CREATE INDEX tickets_created ON {{schema}}.tickets (created_at, id);
CREATE INDEX tickets_department ON {{schema}}.tickets (department_id, created_at, id);
CREATE INDEX tickets_status ON {{schema}}.tickets (status, created_at, id);
CREATE INDEX tickets_department_status ON {{schema}}.tickets (department_id, status, created_at, id);
CREATE INDEX tickets_work ON {{schema}}.tickets (created_at, id) WHERE ${WORK};
CREATE INDEX tickets_department_work ON {{schema}}.tickets (department_id, created_at, id) WHERE ${WORK};
CREATE INDEX tickets_mine ON {{schema}}.tickets (assignee_id, created_at, id) WHERE ${ACTIVE};
CREATE INDEX tickets_unassigned ON {{schema}}.tickets (created_at, id) WHERE ${ACTIVE} AND ${UNASSIGNED};
CREATE INDEX tickets_department_unassigned ON {{schema}}.tickets (department_id, created_at, id)
  WHERE ${ACTIVE} AND ${UNASSIGNED};
CREATE INDEX tickets_overdue ON {{schema}}.tickets (created_at, id) WHERE ${ACTIVE} AND sla_state = 'breached';
CREATE INDEX tickets_department_overdue ON {{schema}}.tickets (department_id, created_at, id)
  WHERE ${ACTIVE} AND sla_state = 'breached';
CREATE INDEX tickets_requester ON {{schema}}.tickets (requester_email, created_at, id);
-- The scheduler's SLA candidates: only tickets with a check ahead are in it.
CREATE INDEX tickets_due ON {{schema}}.tickets (next_check_at, id) WHERE next_check_at IS NOT NULL;

-- How many tickets sit in each (department, status, SLA state, agent, team) cell: a queue count is a
-- sum over a few cells instead of a count over a million index entries. The commit keeps it.
CREATE TABLE {{schema}}.ticket_counts (
  department_id text NOT NULL,
  status text NOT NULL,
  sla_state text NOT NULL,
  assignee_id text NOT NULL,
  team_id text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (department_id, status, sla_state, assignee_id, team_id)
);

-- Thread entries in commit order (seq). Each carries the search document of its ticket's subject
-- and number with its body, so "password expired" finds a ticket titled "Password reset" whose
-- message says "the link expired".
CREATE TABLE {{schema}}.thread_entries (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  ticket_id text COLLATE "C" NOT NULL REFERENCES {{schema}}.tickets (id),
  body text NOT NULL,
  search tsvector NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX thread_entries_ticket ON {{schema}}.thread_entries (ticket_id, seq);
CREATE INDEX thread_entries_search ON {{schema}}.thread_entries USING gin (search);

CREATE TABLE {{schema}}.audit_events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  ticket_id text COLLATE "C" NOT NULL REFERENCES {{schema}}.tickets (id),
  data jsonb NOT NULL
);
CREATE INDEX audit_events_ticket ON {{schema}}.audit_events (ticket_id, seq);

-- The transactional outbox. Pending messages sit in a partial index in commit order, so the
-- dispatcher reads only what is left to do.
CREATE TABLE {{schema}}.outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  ticket_id text COLLATE "C" NOT NULL REFERENCES {{schema}}.tickets (id),
  status text NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX outbox_pending ON {{schema}}.outbox (seq) WHERE status = 'pending';
CREATE INDEX outbox_ticket ON {{schema}}.outbox (ticket_id, seq);

-- The delivery log. Due deliveries are claimed with FOR UPDATE SKIP LOCKED from a partial index.
CREATE TABLE {{schema}}.deliveries (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  message_id text NOT NULL,
  ticket_id text COLLATE "C" NOT NULL,
  status text NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  claimed_by text,
  claimed_until timestamptz,
  created_at timestamptz NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX deliveries_due ON {{schema}}.deliveries (next_attempt_at, seq) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_created ON {{schema}}.deliveries (created_at, id);
CREATE INDEX deliveries_ticket ON {{schema}}.deliveries (ticket_id, created_at, id);
CREATE INDEX deliveries_status ON {{schema}}.deliveries (status, created_at, id);

CREATE TABLE {{schema}}.leases (
  name text PRIMARY KEY,
  owner text NOT NULL,
  until timestamptz NOT NULL
);

CREATE TABLE {{schema}}.access_tokens (
  hash text PRIMARY KEY,
  ticket_id text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX access_tokens_unrevoked ON {{schema}}.access_tokens (ticket_id) WHERE revoked_at IS NULL;

CREATE TABLE {{schema}}.idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  created_at timestamptz NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (scope, key)
);

CREATE TABLE {{schema}}.sequences (
  name text PRIMARY KEY,
  value bigint NOT NULL
);

CREATE TABLE {{schema}}.directory (
  kind text NOT NULL,
  id text COLLATE "C" NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (kind, id)
);
`,
};
