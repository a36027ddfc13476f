import {
  type CountCell,
  decodeCursor,
  decodeQueueCursor,
  encodeCursor,
  encodeQueueCursor,
  type Page,
  type QueuePosition,
  queuePosition,
  type Ticket,
  type TicketFilter,
  TicketkitError,
  type TicketListQuery,
  type TicketOrder,
} from '@ticketkit/core';
import type { PostgresContext } from './connection/postgres-context.js';
import { batchSize, SqlParams, whereClause } from './connection/sql-params.js';

/**
 * Queues (keyset pages over the partial indexes of 001-initial.ts), counts
 * (the per-cell count table the commit keeps) and counters (ticket numbers).
 */

// Enum values (statuses, SLA states) go into the SQL as literals: PostgreSQL proves that a query
// implies a partial index's predicate only from constants, so a parameter would lose the partial
// indexes as soon as a statement is planned generically (a prepared statement reused by a pool).
const literalList = (values: readonly string[]) =>
  values.every((value) => /^[a-z_]+$/.test(value)) ? values.map((value) => `'${value}'`).join(', ') : null;

function inList(column: string, values: readonly string[], params: SqlParams): string {
  if (values.length === 0) return 'false';
  const literals = literalList(values);
  return literals ? `${column} IN (${literals})` : `${column} = ANY(${params.add(values)}::text[])`;
}

/**
 * The conditions of a filter on the tickets table (`alias` prefixes each
 * column, e.g. `t.`). Departments are left out when `withDepartments` is
 * false: lists read one index range per department instead.
 */
export function ticketConditions(
  filter: TicketFilter,
  params: SqlParams,
  alias = '',
  withDepartments = true,
): string[] {
  const where: string[] = [];
  if (filter.statuses) where.push(inList(`${alias}status`, filter.statuses, params));
  if (withDepartments && filter.departmentIds) {
    where.push(
      filter.departmentIds.length
        ? `${alias}department_id = ANY(${params.add(filter.departmentIds)}::text[])`
        : 'false',
    );
  }
  if (filter.assigneeId !== undefined) where.push(`${alias}assignee_id = ${params.add(filter.assigneeId)}`);
  if (filter.unassigned === true) where.push(`${alias}assignee_id IS NULL AND ${alias}team_id IS NULL`);
  if (filter.unassigned === false) where.push(`(${alias}assignee_id IS NOT NULL OR ${alias}team_id IS NOT NULL)`);
  if (filter.slaStates) where.push(inList(`${alias}sla_state`, filter.slaStates, params));
  if (filter.requesterEmail !== undefined) {
    where.push(`${alias}requester_email = ${params.add(filter.requesterEmail.toLowerCase())}`);
  }
  return where;
}

function refuseCursor(): never {
  throw new TicketkitError('VALIDATION_FAILED', 'Invalid cursor: pass back a nextCursor returned by this list', {
    issues: [{ path: ['cursor'], message: 'is not a cursor returned by this list' }],
  });
}

/** Decodes a (createdAt, id) keyset cursor, refusing one whose time is not a time. */
export function decodeTimeCursor(cursor: string): [string, string] {
  const [at, id] = decodeCursor(cursor, ['string', 'string']) as [string, string];
  if (Number.isNaN(Date.parse(at))) refuseCursor();
  return [at, id];
}

/** The columns a list is ordered by, as its indexes hold them. */
const ORDER_COLUMNS: Record<TicketOrder, string> = {
  priority: 'priority_rank, due_at, created_at, id',
  oldest: 'created_at, id',
  newest: 'created_at, id',
};

/** The placeholders of the `priority_rank` and `due_at` columns of a position (no due time: `infinity`). */
export function rankAndDueValues(params: SqlParams, position: QueuePosition): [string, string] {
  return [`${params.add(position.rank)}::smallint`, `${params.add(position.dueAt ?? 'infinity')}::timestamptz`];
}

/** The placeholders of a `priority` position, in `ORDER_COLUMNS.priority` order. */
function queueOrderValues(params: SqlParams, position: QueuePosition): string[] {
  return [
    ...rankAndDueValues(params, position),
    `${params.add(position.createdAt)}::timestamptz`,
    params.add(position.id),
  ];
}

/** The keyset position of a list's cursor, as placeholders; a cursor of another order or list is VALIDATION_FAILED. */
function cursorValues(params: SqlParams, order: TicketOrder, cursor: string): string {
  if (order === 'priority') return queueOrderValues(params, decodeQueueCursor(cursor)).join(', ');
  const [at, id] = decodeTimeCursor(cursor);
  return `${params.add(at)}::timestamptz, ${params.add(id)}`;
}

/** The queue, count and counter methods of the adapter. */
export function queuesAndCounts(context: PostgresContext) {
  const tickets = context.table('tickets');
  return {
    async listTickets(query: TicketListQuery): Promise<Page<Ticket>> {
      const { filter, order } = query;
      const limit = batchSize(query.limit);
      if (filter.departmentIds?.length === 0) return { items: [], nextCursor: null };
      const params = new SqlParams();
      const where = ticketConditions(filter, params, '', false);
      const columns = ORDER_COLUMNS[order];
      if (query.cursor)
        where.push(`(${columns}) ${order === 'newest' ? '<' : '>'} (${cursorValues(params, order, query.cursor)})`);
      const direction = order === 'newest' ? 'DESC' : 'ASC';
      const orderBy = `ORDER BY ${columns
        .split(', ')
        .map((column) => `${column} ${direction}`)
        .join(', ')} LIMIT ${params.add(limit + 1)}`;
      // The order's columns only where the department pages are merged: pg would turn each time into a Date.
      const range = (extra: string[], withOrder: boolean) =>
        `SELECT ${withOrder ? `${columns}, ` : ''}data FROM ${tickets} ${whereClause([...extra, ...where])} ${orderBy}`;
      // One index range per department, merged (Merge Append): a few short range reads, never a sort.
      // Each department once: a repeated one would list its tickets twice.
      const departments = filter.departmentIds ? [...new Set(filter.departmentIds)] : undefined;
      const text = departments
        ? `SELECT data FROM (${departments
            .map((department) => `(${range([`department_id = ${params.add(department)}`], true)})`)
            .join(' UNION ALL ')}) pages ${orderBy}`
        : range([], false);
      const rows = await context.query<{ data: Ticket }>('listTickets', text, params.values);
      const items = rows.slice(0, limit).map((row) => row.data);
      const last = items.at(-1);
      const nextCursor =
        rows.length > limit && last
          ? order === 'priority'
            ? encodeQueueCursor(queuePosition(last))
            : encodeCursor([last.createdAt, last.id])
          : null;
      return { items, nextCursor };
    },

    async countTickets(filters: Readonly<Record<string, TicketFilter>>): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      const selects: string[] = [];
      const params = new SqlParams();
      const names = Object.keys(filters);
      for (const name of names) {
        const filter = filters[name] as TicketFilter;
        if (filter.requesterEmail !== undefined) {
          // Per customer there is no cell: count their tickets in the requester index.
          selects.push(`(SELECT count(*) FROM ${tickets} ${whereClause(ticketConditions(filter, params))})`);
          continue;
        }
        const where = ticketConditions({ ...filter, assigneeId: undefined, unassigned: undefined }, params);
        if (filter.assigneeId !== undefined) where.push(`assignee_id = ${params.add(filter.assigneeId)}`);
        if (filter.unassigned === true) where.push("assignee_id = '' AND team_id = ''");
        if (filter.unassigned === false) where.push("(assignee_id <> '' OR team_id <> '')");
        selects.push(`(SELECT coalesce(sum(n), 0) FROM ${context.table('ticket_counts')} ${whereClause(where)})`);
      }
      if (names.length === 0) return counts;
      // Every count in one statement: one round trip for the console's whole sidebar.
      const [row] = await context.query<Record<string, string>>(
        'countTickets',
        `SELECT ${selects.map((select, index) => `${select} AS c${index}`).join(', ')}`,
        params.values,
      );
      names.forEach((name, index) => {
        counts[name] = Number(row?.[`c${index}`] ?? 0);
      });
      return counts;
    },

    async nextSequence(name: string): Promise<number> {
      const [row] = await context.query<{ value: string }>(
        'nextSequence',
        `INSERT INTO ${context.table('sequences')} AS s (name, value) VALUES ($1, 1)
          ON CONFLICT (name) DO UPDATE SET value = s.value + 1 RETURNING value`,
        [name],
      );
      return Number(row?.value);
    },
  };
}

// A ticket's cell of the count table, shared with the SQLite adapter: core's `CountCell` and `countCellOf`.
export { type CountCell, countCellOf as countCell } from '@ticketkit/core';

const COUNT_KEY = 'department_id, status, sla_state, assignee_id, team_id';

/** The INSERT that adds a new ticket to its count cell. */
export function countInsert(params: SqlParams, context: PostgresContext, cell: CountCell): string {
  return `INSERT INTO ${context.table('ticket_counts')} AS c (${COUNT_KEY}, n)
    VALUES (${cell.map((value) => params.add(value)).join(', ')}, 1)
    ON CONFLICT (${COUNT_KEY}) DO UPDATE SET n = c.n + 1`;
}

/**
 * The INSERT that moves an updated ticket out of its old count cell (the
 * `old_*` columns the ticket's UPDATE, named `updated`, returns) into `to`,
 * when the two differ. The two rows are locked in key order ("C" collation),
 * so two commits moving tickets in opposite directions never deadlock.
 */
export function countMove(params: SqlParams, context: PostgresContext, updated: string, to: CountCell): string {
  const cell = to.map((value) => `${params.add(value)}::text`);
  const old = ['old_department_id', 'old_status', 'old_sla_state', 'old_assignee_id', 'old_team_id'].map(
    (column) => `u.${column}`,
  );
  const key = COUNT_KEY.split(', ');
  return `INSERT INTO ${context.table('ticket_counts')} AS c (${COUNT_KEY}, n)
    SELECT m.* FROM ${updated} u, LATERAL (VALUES (${old.join(', ')}, -1), (${cell.join(', ')}, 1))
      m(${COUNT_KEY}, n)
    WHERE (${old.join(', ')}) IS DISTINCT FROM (${cell.join(', ')})
    ORDER BY ${key.map((column) => `m.${column} COLLATE "C"`).join(', ')}
    ON CONFLICT (${COUNT_KEY}) DO UPDATE SET n = c.n + excluded.n`;
}
