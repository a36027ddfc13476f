import {
  type CountCell,
  decodeCursor,
  encodeCursor,
  type Page,
  type Ticket,
  type TicketFilter,
  type TicketListQuery,
} from '@ticketkit/core';
import { readTicket, type SqliteContext } from './connection/sqlite-context.js';
import { countSql, pageSql, scanFor } from './queries/ticket-queries.js';

/**
 * Queues and counts: keyset pages of the tickets table (one index range per
 * department, merged), and counts summed from the per-cell `ticket_counts`
 * table the commit keeps, statement by statement (not by triggers: a
 * statement that fires one runs in a statement journal of its own and makes
 * FTS5 flush its words as a new segment; migration 4).
 */

const CELL = 'department_id = ? AND status = ? AND sla_state = ? AND assignee_id = ? AND team_id = ?';
const COUNT_IN = `UPDATE ticket_counts SET n = n + 1 WHERE ${CELL}`;
const COUNT_OUT = `UPDATE ticket_counts SET n = n - 1 WHERE ${CELL}`;

/** One ticket more in `cell`, in the commit. */
export function countIn(context: SqliteContext, cell: CountCell): void {
  if (context.sql(COUNT_IN).run(...cell).changes === 0) {
    context.sql('INSERT INTO ticket_counts VALUES (?, ?, ?, ?, ?, 1)').run(...cell);
  }
}

/** One ticket fewer in `cell`, in the commit. */
export function countOut(context: SqliteContext, cell: CountCell): void {
  context.sql(COUNT_OUT).run(...cell);
}

/** The adapter's queue pages, counts and sequences. */
export function queuesAndCounts(context: SqliteContext) {
  const { sql } = context;

  function scanPage(filter: TicketFilter, departmentId: string | undefined, query: TicketListQuery, limit: number) {
    const scan = scanFor(filter, departmentId);
    const params = [...scan.params];
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(query.cursor, ['number', 'string']);
      params.push(createdAt, id);
    }
    return sql(pageSql(scan, query.order, Boolean(query.cursor))).all(...params, limit) as {
      created_at: number;
      id: string;
      data: string;
    }[];
  }

  return {
    async listTickets(query: TicketListQuery): Promise<Page<Ticket>> {
      const { filter, order, limit } = query;
      // A department named twice is one range: read twice, its tickets would be listed twice.
      const departments = filter.departmentIds && [...new Set(filter.departmentIds)];
      if (departments?.length === 0) return { items: [], nextCursor: null };
      // One index range per department, merged: a few short range reads instead of a sort.
      const rows = (departments ?? [undefined]).flatMap((department) => scanPage(filter, department, query, limit + 1));
      if (departments && departments.length > 1) {
        const sign = order === 'oldest' ? 1 : -1;
        rows.sort((a, b) => sign * (a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
      }
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(readTicket),
        nextCursor: rows.length > limit && last ? encodeCursor([last.created_at, last.id]) : null,
      };
    },

    async countTickets(filters: Readonly<Record<string, TicketFilter>>): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      for (const [name, filter] of Object.entries(filters)) {
        const summed = countSql(filter);
        if (summed) {
          counts[name] = Number(
            sql(summed.sql)
              .pluck()
              .get(...summed.params),
          );
        } else {
          const scan = scanFor(filter);
          counts[name] = Number(
            sql(`SELECT count(*) FROM tickets INDEXED BY ${scan.index} WHERE ${scan.where.join(' AND ')}`)
              .pluck()
              .get(...scan.params),
          );
        }
      }
      return counts;
    },

    async nextSequence(name: string): Promise<number> {
      return Number(
        sql(`INSERT INTO sequences (name, value) VALUES (?, 1)
          ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`)
          .pluck()
          .get(name),
      );
    },
  };
}
