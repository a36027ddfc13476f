import type { TicketFilter, TicketOrder } from '@ticketkit/core';

// These repeat the WHERE clauses of the partial indexes in 001-initial.ts word for word:
// SQLite only uses a partial index when the query states the same condition.
const WORK = "status IN ('open', 'in_progress')";
const ACTIVE = "status IN ('open', 'in_progress', 'awaiting_customer')";
const UNASSIGNED = 'assignee_id IS NULL AND team_id IS NULL';
const BREACHED = "sla_state = 'breached'";

const sameSet = (list: readonly string[] | undefined, expected: readonly string[]) =>
  list !== undefined && list.length === expected.length && expected.every((item) => list.includes(item));

/** A query over tickets: which index to read in (created_at, id) order, and what else to check. */
export interface TicketScan {
  /** The index the query names with INDEXED BY, so a stale plan can never replace it. */
  index: string;
  /** AND-ed conditions. */
  where: string[];
  /** Parameters of the conditions, in order. */
  params: unknown[];
}

/**
 * Picks the index for a filter, restricted to one department when given.
 * The queue filters core uses each have an index of their own, so their
 * pages are a range read; any other filter reads the creation-order index
 * and checks the rest row by row — still in order, never sorted.
 */
export function scanFor(filter: TicketFilter, departmentId?: string): TicketScan {
  const where: string[] = [];
  const params: unknown[] = [];
  const rest = { ...filter };
  delete rest.departmentIds;
  let index: string;
  const scoped = departmentId !== undefined;
  const only = (...keys: (keyof TicketFilter)[]) =>
    (Object.keys(rest) as (keyof TicketFilter)[]).every((key) => rest[key] === undefined || keys.includes(key));

  if (rest.requesterEmail !== undefined) {
    index = 'tickets_requester';
    where.push('requester_email = ?');
    params.push(rest.requesterEmail.toLowerCase());
    delete rest.requesterEmail;
  } else if (rest.assigneeId !== undefined && sameSet(rest.statuses, ['open', 'in_progress', 'awaiting_customer'])) {
    index = 'tickets_mine';
    where.push('assignee_id = ?', ACTIVE);
    params.push(rest.assigneeId);
    delete rest.assigneeId;
    delete rest.statuses;
  } else if (
    rest.unassigned === true &&
    sameSet(rest.statuses, ['open', 'in_progress', 'awaiting_customer']) &&
    only('unassigned', 'statuses')
  ) {
    index = scoped ? 'tickets_department_unassigned' : 'tickets_unassigned';
    where.push(ACTIVE, UNASSIGNED);
    delete rest.unassigned;
    delete rest.statuses;
  } else if (
    sameSet(rest.slaStates, ['breached']) &&
    sameSet(rest.statuses, ['open', 'in_progress', 'awaiting_customer']) &&
    only('slaStates', 'statuses')
  ) {
    index = scoped ? 'tickets_department_overdue' : 'tickets_overdue';
    where.push(ACTIVE, BREACHED);
    delete rest.slaStates;
    delete rest.statuses;
  } else if (sameSet(rest.statuses, ['open', 'in_progress']) && only('statuses')) {
    index = scoped ? 'tickets_department_work' : 'tickets_work';
    where.push(WORK);
    delete rest.statuses;
  } else if (rest.statuses?.length === 1 && only('statuses')) {
    index = scoped ? 'tickets_department_status' : 'tickets_status';
    where.push('status = ?');
    params.push(rest.statuses[0]);
    delete rest.statuses;
  } else {
    index = scoped ? 'tickets_department' : 'tickets_created';
  }
  if (scoped) {
    where.push('department_id = ?');
    params.push(departmentId);
  }
  // Whatever the index does not cover is checked row by row.
  if (rest.statuses) {
    where.push(`status IN (${rest.statuses.map(() => '?').join(', ')})`);
    params.push(...rest.statuses);
  }
  if (rest.assigneeId !== undefined) {
    where.push('assignee_id = ?');
    params.push(rest.assigneeId);
  }
  if (rest.unassigned === true) where.push(UNASSIGNED);
  if (rest.unassigned === false) where.push('(assignee_id IS NOT NULL OR team_id IS NOT NULL)');
  if (rest.slaStates) {
    where.push(`sla_state IN (${rest.slaStates.map(() => '?').join(', ')})`);
    params.push(...rest.slaStates);
  }
  return { index, where, params };
}

/** The SQL of one page of a scan, after an optional keyset position. */
export function pageSql(scan: TicketScan, order: TicketOrder, afterCursor: boolean): string {
  const direction = order === 'oldest' ? 'ASC' : 'DESC';
  const where = [...scan.where];
  if (afterCursor) where.push(order === 'oldest' ? '(created_at, id) > (?, ?)' : '(created_at, id) < (?, ?)');
  return `SELECT created_at, id, data FROM tickets INDEXED BY ${scan.index}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at ${direction}, id ${direction} LIMIT ?`;
}

/** The count of a filter from the per-cell count table; `null` when the filter needs the tickets themselves. */
export function countSql(filter: TicketFilter): { sql: string; params: unknown[] } | null {
  if (filter.requesterEmail !== undefined) return null;
  const where: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: readonly string[]) => {
    where.push(values.length ? `${column} IN (${values.map(() => '?').join(', ')})` : '0');
    params.push(...values);
  };
  if (filter.statuses) inList('status', filter.statuses);
  if (filter.departmentIds) inList('department_id', filter.departmentIds);
  if (filter.slaStates) inList('sla_state', filter.slaStates);
  if (filter.assigneeId !== undefined) {
    where.push('assignee_id = ?');
    params.push(filter.assigneeId);
  }
  if (filter.unassigned === true) where.push("assignee_id = '' AND team_id = ''");
  if (filter.unassigned === false) where.push("(assignee_id <> '' OR team_id <> '')");
  return {
    sql: `SELECT coalesce(sum(n), 0) FROM ticket_counts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    params,
  };
}
