import {
  type ChangeSet,
  conflictError,
  queuePosition,
  type Ticket,
  type TicketChange,
  type TicketLookup,
  ticketChangeOf,
} from '@ticketkit/core';
import { accessTokensInsert } from './access-tokens.js';
import type { PgQueryable } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';
import { checkText } from './connection/postgres-errors.js';
import type { SqlParams } from './connection/sql-params.js';
import { StatementBatch } from './connection/statement-batch.js';
import { idempotencyInsert } from './idempotency.js';
import { outboxInsert } from './outbox-and-deliveries.js';
import { countCell, countInsert, countMove, rankAndDueValues } from './queues-and-counts.js';
import { reindexTicket, type SearchLanguage } from './search.js';
import { auditInsert, threadInsert } from './thread-and-audit.js';

/**
 * Tickets and the commit: one transaction writes the ticket row (the version
 * check is its row lock), its count cell, thread, audit, outbox,
 * idempotency key and access tokens, and the change notice, all in one
 * statement (see StatementBatch).
 */

/** The ticket columns beside the JSON, in this order in INSERT and UPDATE. */
export const TICKET_COLUMNS = [
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
  'version',
  'data',
] as const;

/** The placeholders of a ticket's columns, in `TICKET_COLUMNS` order. */
export function ticketColumnValues(params: SqlParams, ticket: Ticket): string[] {
  return [
    params.add(ticket.number),
    params.add(ticket.status),
    params.add(ticket.departmentId),
    params.add(ticket.teamId),
    params.add(ticket.assigneeId),
    params.add(ticket.slaState),
    params.add(ticket.requester.email),
    params.add(checkText(ticket.subject, 'ticket.subject')),
    `${params.add(ticket.createdAt)}::timestamptz`,
    `${params.add(ticket.nextCheckAt)}::timestamptz`,
    ...rankAndDueValues(params, queuePosition(ticket)),
    params.add(ticket.version),
    `${params.add(ticket)}::jsonb`,
  ];
}

/** What the commit's statement returns. */
interface CommitRow {
  /** Whether the ticket row was written (an update whose version matched, or the insert). */
  written: boolean;
  /** Whether the update changed the words the thread's search vectors hold (subject or number). */
  reindex: boolean;
}

/**
 * The ticket row's write: an INSERT, or an UPDATE that takes the row lock
 * (which orders concurrent commits on one ticket: the second reads the
 * first's version), checks the version, and returns the row as it was.
 */
function ticketWrite(batch: StatementBatch, context: PostgresContext, write: ChangeSet['ticket']): string {
  const tickets = context.table('tickets');
  const { params } = batch;
  const { ticket } = write;
  if (write.kind === 'insert') {
    const values = ticketColumnValues(params, ticket);
    return batch.write(
      `INSERT INTO ${tickets} (id, ${TICKET_COLUMNS.join(', ')}) VALUES (${params.add(ticket.id)}, ${values.join(', ')})
        RETURNING false AS reindex`,
    );
  }
  const values = ticketColumnValues(params, ticket);
  // The subquery locks the row and reads it as it was: UPDATE … RETURNING alone gives only the new row.
  return batch.write(
    `UPDATE ${tickets} t SET (${TICKET_COLUMNS.join(', ')}) = (${values.join(', ')})
      FROM (SELECT id, version, subject, number, status, department_id, sla_state, assignee_id, team_id
        FROM ${tickets} WHERE id = ${params.add(ticket.id)} FOR UPDATE) old
      WHERE t.id = old.id AND old.version = ${params.add(write.expectedVersion)}
      RETURNING old.department_id AS old_department_id, old.status AS old_status, old.sla_state AS old_sla_state,
        coalesce(old.assignee_id, '') AS old_assignee_id, coalesce(old.team_id, '') AS old_team_id,
        old.subject <> t.subject OR old.number <> t.number AS reindex`,
  );
}

/** Why an update wrote nothing: the ticket is missing, or its version moved on. */
async function refuseUpdate(client: PgQueryable, context: PostgresContext, write: ChangeSet['ticket']) {
  const { ticket } = write;
  const { rows } = await client.query<{ version: number }>(
    `SELECT version FROM ${context.table('tickets')} WHERE id = $1`,
    [ticket.id],
  );
  const stored = rows[0];
  if (!stored) return new Error(`Cannot update ticket ${ticket.id}: it does not exist`);
  return conflictError('version', `Ticket ${ticket.id} changed meanwhile`, {
    expectedVersion: write.kind === 'update' ? write.expectedVersion : undefined,
    actualVersion: stored.version,
  });
}

/** The ticket methods of the adapter: the commit and the ticket read. */
export function tickets(
  context: PostgresContext,
  language: SearchLanguage,
  notices: { send(change: TicketChange): void },
) {
  return {
    async commit(changes: ChangeSet): Promise<void> {
      const { ticket } = changes.ticket;
      // Every write of the change set in one statement (one round trip); the change notice follows the commit.
      const batch = new StatementBatch();
      const { params } = batch;
      const written = ticketWrite(batch, context, changes.ticket);
      const cell = countCell(ticket);
      batch.write(
        changes.ticket.kind === 'insert'
          ? countInsert(params, context, cell)
          : countMove(params, context, written, cell),
      );
      batch.write(threadInsert(params, context, language, ticket, changes.thread));
      batch.write(auditInsert(params, context, ticket, changes.audit));
      batch.write(outboxInsert(params, context, ticket, changes.outbox ?? []));
      if (changes.idempotency) {
        batch.write(idempotencyInsert(params, context, changes.idempotency, changes.replaceIdempotencyBefore));
      }
      batch.write(accessTokensInsert(params, context, changes.accessTokens ?? []));
      const select = `EXISTS (SELECT FROM ${written}) AS written,
        coalesce((SELECT reindex FROM ${written}), false) AS reindex`;
      if (changes.ticket.kind === 'insert') {
        // One statement is atomic on its own: every way it can be refused (a taken number or id, a live
        // idempotency key) is an error that undoes all of it, so a new ticket needs no BEGIN and COMMIT.
        await context.statement('commit', (client) => batch.run(client, select));
      } else {
        await context.transaction('commit', async (client) => {
          const row = await batch.run<CommitRow>(client, select);
          // A version that moved on writes no ticket row, but the statement's other writes: throwing
          // rolls the whole transaction back.
          if (!row.written) throw await refuseUpdate(client, context, changes.ticket);
          // Rare (a new subject): the entries' vectors hold the subject and number.
          if (row.reindex) await reindexTicket(client, context, language, ticket);
        });
      }
      // Only once committed (change-notice-sender.ts says why not inside the transaction).
      notices.send(ticketChangeOf(changes));
    },

    async getTicket(lookup: TicketLookup): Promise<Ticket | null> {
      const [row] =
        'id' in lookup
          ? await context.query<{ data: Ticket }>(
              'getTicket',
              `SELECT data FROM ${context.table('tickets')} WHERE id = $1`,
              [lookup.id],
            )
          : await context.query<{ data: Ticket }>(
              'getTicket',
              `SELECT data FROM ${context.table('tickets')} WHERE number = $1`,
              [lookup.number],
            );
      return row?.data ?? null;
    },
  };
}
