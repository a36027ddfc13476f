import type { Ticket } from '../schemas/ticket.js';

// What every SQL adapter works out the same way, whatever its SQL: written once here so the SQLite and
// PostgreSQL adapters (and yours) agree on it.

/** A batch size as a SQL `LIMIT` should see it: a whole number, never negative (a negative LIMIT means no limit in SQLite). */
export const storageBatchSize = (limit: number): number => Math.max(0, Math.trunc(limit) || 0);

/**
 * The cell of the per-cell count table a ticket falls in: department,
 * status, SLA state, assignee (`''` for none) and team (`''` for none).
 * Every count the queues show is a sum over cells.
 */
export type CountCell = readonly [string, string, string, string, string];

/** The count cell of a ticket (see {@link CountCell}). */
export const countCellOf = (ticket: Ticket): CountCell => [
  ticket.departmentId,
  ticket.status,
  ticket.slaState,
  ticket.assigneeId ?? '',
  ticket.teamId ?? '',
];

/** Whether two count cells are the same cell: a change that stays in its cell moves no count. */
export const sameCountCell = (a: CountCell, b: CountCell): boolean => a.every((value, index) => value === b[index]);
