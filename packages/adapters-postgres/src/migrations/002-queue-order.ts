import type { Migration } from './migration.js';

// Status sets of the work queues, word for word as in 001-initial.ts and the queries in queues-and-counts.ts:
// PostgreSQL uses a partial index only when the query's WHERE implies the index's.
const WORK = "status IN ('open', 'in_progress')";
const ACTIVE = "status IN ('open', 'in_progress', 'awaiting_customer')";
const UNASSIGNED = 'assignee_id IS NULL AND team_id IS NULL';
const ORDER = 'priority_rank, due_at, created_at, id';
const FIRST_RESPONSE =
  "CASE WHEN data->>'firstRespondedAt' IS NULL THEN (data->>'firstResponseDueAt')::timestamptz END";
const RESOLUTION = "(data->>'resolutionDueAt')::timestamptz";

/**
 * The second schema: work queues in `priority` order (core's
 * `queuePosition`: priority, the next SLA due time, creation, id).
 *
 * - `priority_rank` (0 urgent … 3 low) and `due_at` (the earliest pending
 *   target, `infinity` when nothing is due, so a keyset comparison never
 *   meets a NULL), kept by the commit; existing tickets get theirs from
 *   their JSON here.
 * - The work queues' partial indexes are rebuilt in that order; the
 *   creation-order ones they replace are dropped (core lists no work queue
 *   by creation any more, and every index costs each commit that touches
 *   it). `tickets_priority` and `tickets_department_priority` serve the
 *   `priority` order of any other filter.
 */
export const queueOrder: Migration = {
  version: 2,
  name: 'work queues in priority order',
  sql: `
ALTER TABLE {{schema}}.tickets
  ADD COLUMN priority_rank smallint NOT NULL DEFAULT 2,
  ADD COLUMN due_at timestamptz NOT NULL DEFAULT 'infinity';
UPDATE {{schema}}.tickets SET
  priority_rank = CASE data->>'priority' WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END,
  due_at = CASE WHEN status IN ('resolved', 'closed') THEN 'infinity'
    ELSE coalesce(least(${FIRST_RESPONSE}, ${RESOLUTION}), 'infinity') END;

DROP INDEX {{schema}}.tickets_work;
DROP INDEX {{schema}}.tickets_department_work;
DROP INDEX {{schema}}.tickets_mine;
DROP INDEX {{schema}}.tickets_unassigned;
DROP INDEX {{schema}}.tickets_department_unassigned;
DROP INDEX {{schema}}.tickets_overdue;
DROP INDEX {{schema}}.tickets_department_overdue;

CREATE INDEX tickets_priority ON {{schema}}.tickets (${ORDER});
CREATE INDEX tickets_department_priority ON {{schema}}.tickets (department_id, ${ORDER});
CREATE INDEX tickets_work_priority ON {{schema}}.tickets (${ORDER}) WHERE ${WORK};
CREATE INDEX tickets_department_work_priority ON {{schema}}.tickets (department_id, ${ORDER}) WHERE ${WORK};
CREATE INDEX tickets_mine_priority ON {{schema}}.tickets (assignee_id, ${ORDER}) WHERE ${ACTIVE};
CREATE INDEX tickets_unassigned_priority ON {{schema}}.tickets (${ORDER}) WHERE ${ACTIVE} AND ${UNASSIGNED};
CREATE INDEX tickets_department_unassigned_priority ON {{schema}}.tickets (department_id, ${ORDER})
  WHERE ${ACTIVE} AND ${UNASSIGNED};
CREATE INDEX tickets_overdue_priority ON {{schema}}.tickets (${ORDER}) WHERE ${ACTIVE} AND sla_state = 'breached';
CREATE INDEX tickets_department_overdue_priority ON {{schema}}.tickets (department_id, ${ORDER})
  WHERE ${ACTIVE} AND sla_state = 'breached';
CREATE INDEX tickets_awaiting_priority ON {{schema}}.tickets (${ORDER}) WHERE status = 'awaiting_customer';
CREATE INDEX tickets_department_awaiting_priority ON {{schema}}.tickets (department_id, ${ORDER})
  WHERE status = 'awaiting_customer';
`,
};
