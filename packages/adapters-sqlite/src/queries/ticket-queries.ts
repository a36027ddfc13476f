import type { TicketFilter, TicketOrder } from '@ticketkit/core';

// These repeat the WHERE clauses of the partial indexes in 006-queue-order.ts word for word:
// SQLite only uses a partial index when the query states the same condition.
const WORK = "status IN ('open', 'in_progress')";
const ACTIVE = "status IN ('open', 'in_progress', 'awaiting_customer')";
const AWAITING = "status = 'awaiting_customer'";
const UNASSIGNED = 'assignee_id IS NULL AND team_id IS NULL';
const BREACHED = "sla_state = 'breached'";

const sameSet = (list: readonly string[] | undefined, expected: readonly string[]) =>
  list !== undefined && list.length === expected.length && expected.every((item) => list.includes(item));

/** A query over tickets: which index to read in list order, and what else to check. */
export interface TicketScan {
  /** The index the query names with INDEXED BY, so a stale plan can never replace it. */
  index: string;
  /** AND-ed conditions. */
  where: string[];
  /** Parameters of the conditions, in order. */
  params: unknown[];
}

/** An index in list order: its name for every department, and for one. */
type IndexPair = [all: string, department: string];

/**
 * Picks the index for a filter and order, restricted to one department when
 * given. The work queues core lists in `priority` order each have a partial
 * index in that order (006-queue-order.ts), and the creation-order lists
 * core makes (resolved, closed, all, a customer's tickets) theirs, so their
 * pages are a range read. Any other filter reads the order's general index
 * and checks the rest row by row — still in order, never sorted.
 */
export function scanFor(filter: TicketFilter, order: TicketOrder, departmentId?: string): TicketScan {
  const where: string[] = [];
  const params: unknown[] = [];
  const rest = { ...filter };
  delete rest.departmentIds;
  const byPriority = order === 'priority';
  let pair: IndexPair;
  const only = (...keys: (keyof TicketFilter)[]) =>
    (Object.keys(rest) as (keyof TicketFilter)[]).every((key) => rest[key] === undefined || keys.includes(key));
  const active = sameSet(rest.statuses, ['open', 'in_progress', 'awaiting_customer']);

  if (rest.requesterEmail !== undefined && !byPriority) {
    pair = ['tickets_requester', 'tickets_requester'];
    where.push('requester_email = ?');
    params.push(rest.requesterEmail.toLowerCase());
    delete rest.requesterEmail;
  } else if (byPriority && rest.assigneeId !== undefined && active) {
    pair = ['tickets_mine_priority', 'tickets_mine_priority'];
    where.push('assignee_id = ?', ACTIVE);
    params.push(rest.assigneeId);
    delete rest.assigneeId;
    delete rest.statuses;
  } else if (byPriority && rest.unassigned === true && active && only('unassigned', 'statuses')) {
    pair = ['tickets_unassigned_priority', 'tickets_department_unassigned_priority'];
    where.push(ACTIVE, UNASSIGNED);
    delete rest.unassigned;
    delete rest.statuses;
  } else if (byPriority && sameSet(rest.slaStates, ['breached']) && active && only('slaStates', 'statuses')) {
    pair = ['tickets_overdue_priority', 'tickets_department_overdue_priority'];
    where.push(ACTIVE, BREACHED);
    delete rest.slaStates;
    delete rest.statuses;
  } else if (byPriority && sameSet(rest.statuses, ['open', 'in_progress']) && only('statuses')) {
    pair = ['tickets_work_priority', 'tickets_department_work_priority'];
    where.push(WORK);
    delete rest.statuses;
  } else if (byPriority && sameSet(rest.statuses, ['awaiting_customer']) && only('statuses')) {
    pair = ['tickets_awaiting_priority', 'tickets_department_awaiting_priority'];
    where.push(AWAITING);
    delete rest.statuses;
  } else if (!byPriority && rest.statuses?.length === 1 && only('statuses')) {
    pair = ['tickets_status', 'tickets_department_status'];
    where.push('status = ?');
    params.push(rest.statuses[0]);
    delete rest.statuses;
  } else {
    pair = byPriority ? ['tickets_priority', 'tickets_department_priority'] : ['tickets_created', 'tickets_department'];
  }
  const scoped = departmentId !== undefined;
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
  if (rest.requesterEmail !== undefined) {
    where.push('requester_email = ?');
    params.push(rest.requesterEmail.toLowerCase());
  }
  return { index: scoped ? pair[1] : pair[0], where, params };
}

/** The columns a page's rows are ordered by, as the indexes hold them. */
export const ORDER_COLUMNS: Record<TicketOrder, string> = {
  priority: 'priority_rank, due_at, created_at, id',
  oldest: 'created_at, id',
  newest: 'created_at, id',
};

/**
 * The SQL of one page of a scan, after an optional keyset position (one `?`
 * per column of the order). `withOrder` also selects the order's columns, to
 * merge the pages of several departments; a single range needs only `data`
 * (measured: the four order columns made a 25-row page about a third slower).
 */
export function pageSql(scan: TicketScan, order: TicketOrder, afterCursor: boolean, withOrder: boolean): string {
  const columns = ORDER_COLUMNS[order];
  const direction = order === 'newest' ? 'DESC' : 'ASC';
  const where = [...scan.where];
  if (afterCursor) {
    const marks = columns.split(', ').map(() => '?');
    where.push(`(${columns}) ${order === 'newest' ? '<' : '>'} (${marks.join(', ')})`);
  }
  return `SELECT ${withOrder ? `${columns}, ` : ''}data FROM tickets INDEXED BY ${scan.index}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${columns
      .split(', ')
      .map((column) => `${column} ${direction}`)
      .join(', ')} LIMIT ?`;
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
