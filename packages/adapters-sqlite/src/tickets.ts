import {
  type ChangeSet,
  type CountCell,
  conflictError,
  countCellOf,
  sameCountCell,
  type Ticket,
  type TicketLookup,
} from '@ticketkit/core';
import { storeAccessToken } from './access-tokens.js';
import { json, ms, readTicket, type SqliteContext } from './connection/sqlite-context.js';
import { checkText } from './connection/sqlite-errors.js';
import { rememberIdempotencyKey } from './idempotency.js';
import { queueOrderColumns } from './queries/queue-order-columns.js';
import { countIn, countOut } from './queues-and-counts.js';
import type { SqliteStatement } from './sqlite-database.js';
import { appendLog } from './thread-and-audit.js';

/**
 * Tickets and the commit: one transaction (run by sqliteStorage, alone or
 * in a group) writes the ticket row (the version check is its UPDATE's
 * WHERE), its count cell, its log (thread, audit, outbox, search index),
 * the idempotency key and the access tokens.
 */

// The ticket columns queries filter and sort on; the ticket itself is the JSON in `data`.
const COLUMN_NAMES = [
  'number',
  'status',
  'department_id',
  'team_id',
  'assignee_id',
  'sla_state',
  'requester_email',
  'subject',
  'created_at',
  'next_check_at',
  'priority_rank',
  'due_at',
] as const;
type ColumnName = (typeof COLUMN_NAMES)[number];
type Columns = Record<ColumnName, string | number | null>;

const INSERT_TICKET = `INSERT INTO tickets (id, ${COLUMN_NAMES.join(', ')}, version, data)
  VALUES (?, ${COLUMN_NAMES.map(() => '?').join(', ')}, ?, ?)`;
const SELECT_COLUMNS = `SELECT ${COLUMN_NAMES.join(', ')} FROM tickets WHERE id = ?`;

function ticketColumns(ticket: Ticket): Columns {
  return {
    number: ticket.number,
    status: ticket.status,
    department_id: ticket.departmentId,
    team_id: ticket.teamId,
    assignee_id: ticket.assigneeId,
    sla_state: ticket.slaState,
    requester_email: ticket.requester.email,
    subject: checkText(ticket.subject, 'ticket.subject'),
    created_at: ms(ticket.createdAt),
    next_check_at: ticket.nextCheckAt === null ? null : ms(ticket.nextCheckAt),
    ...queueOrderColumns(ticket),
  };
}

/** The count cell of a stored row's columns: the same cell core's `countCellOf` gives for its ticket. */
const rowCell = (columns: Columns): CountCell => [
  String(columns.department_id),
  String(columns.status),
  String(columns.sla_state),
  String(columns.assignee_id ?? ''),
  String(columns.team_id ?? ''),
];

/** The commit's writes and the ticket reads. */
export function tickets(context: SqliteContext) {
  const { db, sql } = context;

  // One UPDATE per set of changed columns, compiled once: a reply changes none of them.
  const updates = new Map<string, SqliteStatement>();
  function updateStatement(changed: readonly ColumnName[], by: 'id' | 'seq'): SqliteStatement {
    const key = `${by}:${changed.join(',')}`;
    let statement = updates.get(key);
    if (!statement) {
      const assignments = [...changed, 'version', 'data'].map((name) => `${name} = ?`).join(', ');
      statement = db.prepare(
        by === 'seq'
          ? `UPDATE tickets SET ${assignments} WHERE seq = ? AND version = ?`
          : `UPDATE tickets SET ${assignments} WHERE id = ? AND version = ? RETURNING seq`,
      );
      updates.set(key, statement);
    }
    return statement;
  }

  // Row ids of recently read tickets, so a command's UPDATE needs no index lookup (bounded: oldest out first).
  const rowIds = new Map<string, number>();
  const rememberRowId = (id: string, seq: number) => {
    rowIds.delete(id);
    rowIds.set(id, seq);
    if (rowIds.size > 10_000) rowIds.delete(rowIds.keys().next().value as string);
  };

  /** Writes a change set: call it inside a transaction (sqliteStorage's commit, or a group's). */
  function writeChanges(changes: ChangeSet): void {
    const { ticket } = changes.ticket;
    let seq: number;
    if (changes.ticket.kind === 'insert') {
      const values = ticketColumns(ticket);
      seq = Number(
        sql(INSERT_TICKET).run(ticket.id, ...COLUMN_NAMES.map((name) => values[name]), ticket.version, json(ticket))
          .lastInsertRowid,
      );
      countIn(context, countCellOf(ticket));
    } else {
      // Only the columns that changed: an unchanged column in SET would still rewrite every index that holds it.
      const values = ticketColumns(ticket);
      // The row as it stands: `previous` is the ticket at `expectedVersion`, which the UPDATE below checks;
      // without it, one read of the row (the count cell the ticket leaves depends on it).
      const previous = changes.ticket.previous;
      const before = previous ? ticketColumns(previous) : (sql(SELECT_COLUMNS).get(ticket.id) as Columns | undefined);
      const leaves = previous ? countCellOf(previous) : before && rowCell(before);
      const changed = COLUMN_NAMES.filter((name) => before === undefined || before[name] !== values[name]);
      const params = [...changed.map((name) => values[name]), ticket.version, json(ticket)];
      // The command read the ticket just before: its row id is known, and the UPDATE goes straight to the row.
      const known = rowIds.get(ticket.id);
      const updated =
        known === undefined
          ? (updateStatement(changed, 'id').get(...params, ticket.id, changes.ticket.expectedVersion) as
              | { seq: number }
              | undefined)
          : updateStatement(changed, 'seq').run(...params, known, changes.ticket.expectedVersion).changes === 1
            ? { seq: known }
            : undefined;
      if (!updated) {
        const stored = sql('SELECT version FROM tickets WHERE id = ?').pluck().get(ticket.id) as number | undefined;
        if (stored === undefined) throw new Error(`Cannot update ticket ${ticket.id}: it does not exist`);
        throw conflictError('version', `Ticket ${ticket.number} changed meanwhile`, {
          expectedVersion: changes.ticket.expectedVersion,
          actualVersion: stored,
        });
      }
      seq = updated.seq;
      const enters = countCellOf(ticket);
      if (leaves && !sameCountCell(leaves, enters)) {
        countOut(context, leaves);
        countIn(context, enters);
      }
    }
    appendLog(context, ticket, seq, changes);
    rememberIdempotencyKey(context, changes);
    for (const record of changes.accessTokens ?? []) storeAccessToken(context, record);
  }

  return {
    writeChanges,

    async getTicket(lookup: TicketLookup): Promise<Ticket | null> {
      const row = (
        'id' in lookup
          ? sql('SELECT seq, id, data FROM tickets WHERE id = ?').get(lookup.id)
          : sql('SELECT seq, id, data FROM tickets WHERE number = ?').get(lookup.number)
      ) as { seq: number; id: string; data: string } | undefined;
      if (!row) return null;
      rememberRowId(row.id, row.seq);
      return readTicket(row);
    },
  };
}
