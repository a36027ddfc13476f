import { NO_DUE_AT } from '../queries/queue-order-columns.js';
import type { Migration } from './migration.js';

// Status sets of the work queues, repeated word for word by the partial indexes below and the
// queries in ticket-queries.ts (SQLite only uses a partial index when the query states its condition).
const WORK = "status IN ('open', 'in_progress')";
const ACTIVE = "status IN ('open', 'in_progress', 'awaiting_customer')";
const AWAITING = "status = 'awaiting_customer'";
const UNASSIGNED = 'assignee_id IS NULL AND team_id IS NULL';
const ORDER = 'priority_rank, due_at, created_at, id';

// Milliseconds since the epoch of an ISO 8601 time in the JSON (NULL stays NULL), as Date.parse gives.
const ms = (path: string) =>
  `CAST(round((julianday(json_extract(data, '${path}')) - 2440587.5) * 86400000.0) AS INTEGER)`;
const FIRST_RESPONSE = `CASE WHEN json_extract(data, '$.firstRespondedAt') IS NULL THEN ${ms('$.firstResponseDueAt')} END`;
const RESOLUTION = ms('$.resolutionDueAt');

/**
 * The sixth schema: work queues in `priority` order (core's `queuePosition`:
 * priority, the next SLA due time, creation, id).
 *
 * - `priority_rank` (0 urgent … 3 low) and `due_at` (the earliest pending
 *   target in milliseconds, or the largest time when nothing is due), kept
 *   by the commit; existing tickets get theirs from their JSON here.
 * - The work queues' partial indexes are rebuilt in that order. The
 *   creation-order ones they replace are dropped: core lists no work queue
 *   by creation any more, and every index costs each commit that touches it.
 *   A creation-order list of those filters reads `tickets_created` (or
 *   `tickets_department`) in order and checks the rest row by row.
 * - `tickets_priority` and `tickets_department_priority` serve the `priority`
 *   order of any other filter the same way.
 */
export const queueOrder: Migration = {
  version: 6,
  name: 'work queues in priority order',
  sql: `
ALTER TABLE tickets ADD COLUMN priority_rank INTEGER NOT NULL DEFAULT 2;
ALTER TABLE tickets ADD COLUMN due_at INTEGER NOT NULL DEFAULT ${NO_DUE_AT};
UPDATE tickets SET
  priority_rank = CASE json_extract(data, '$.priority')
    WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END,
  due_at = CASE WHEN status IN ('resolved', 'closed') THEN ${NO_DUE_AT}
    ELSE coalesce(min(${FIRST_RESPONSE}, ${RESOLUTION}), ${FIRST_RESPONSE}, ${RESOLUTION}, ${NO_DUE_AT}) END;

DROP INDEX tickets_work;
DROP INDEX tickets_department_work;
DROP INDEX tickets_mine;
DROP INDEX tickets_unassigned;
DROP INDEX tickets_department_unassigned;
DROP INDEX tickets_overdue;
DROP INDEX tickets_department_overdue;

CREATE INDEX tickets_priority ON tickets (${ORDER});
CREATE INDEX tickets_department_priority ON tickets (department_id, ${ORDER});
CREATE INDEX tickets_work_priority ON tickets (${ORDER}) WHERE ${WORK};
CREATE INDEX tickets_department_work_priority ON tickets (department_id, ${ORDER}) WHERE ${WORK};
CREATE INDEX tickets_mine_priority ON tickets (assignee_id, ${ORDER}) WHERE ${ACTIVE};
CREATE INDEX tickets_unassigned_priority ON tickets (${ORDER}) WHERE ${ACTIVE} AND ${UNASSIGNED};
CREATE INDEX tickets_department_unassigned_priority ON tickets (department_id, ${ORDER})
  WHERE ${ACTIVE} AND ${UNASSIGNED};
CREATE INDEX tickets_overdue_priority ON tickets (${ORDER}) WHERE ${ACTIVE} AND sla_state = 'breached';
CREATE INDEX tickets_department_overdue_priority ON tickets (department_id, ${ORDER})
  WHERE ${ACTIVE} AND sla_state = 'breached';
CREATE INDEX tickets_awaiting_priority ON tickets (${ORDER}) WHERE ${AWAITING};
CREATE INDEX tickets_department_awaiting_priority ON tickets (department_id, ${ORDER}) WHERE ${AWAITING};
`,
};
