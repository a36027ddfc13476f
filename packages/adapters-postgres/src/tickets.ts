import { type ChangeSet, conflictError, queuePosition, type Ticket, type TicketLookup } from '@ticketkit/core';
import { storeAccessTokens } from './access-tokens.js';
import { announceChange } from './change-notifications.js';
import type { PgQueryable } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';
import { checkText } from './connection/postgres-errors.js';
import { SqlParams } from './connection/sql-params.js';
import { rememberIdempotencyKey } from './idempotency.js';
import { appendOutbox } from './outbox-and-deliveries.js';
import { type CountCell, countCell, moveCount, rankAndDueValues } from './queues-and-counts.js';
import { reindexTicket, type SearchLanguage } from './search.js';
import { appendAudit, appendThread } from './thread-and-audit.js';

/**
 * Tickets and the commit: one transaction writes the ticket row (the version
 * check is its row lock), its count cell, thread, audit, outbox,
 * idempotency key and access tokens, and the change notice.
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

interface StoredRow {
  version: number;
  subject: string;
  number: string;
  status: string;
  department_id: string;
  sla_state: string;
  assignee_id: string | null;
  team_id: string | null;
}

/** Writes the ticket row; returns the count cell it was in before (`null` for a new ticket) and whether its search words changed. */
async function writeTicket(
  client: PgQueryable,
  context: PostgresContext,
  write: ChangeSet['ticket'],
): Promise<{ before: CountCell | null; reindex: boolean }> {
  const tickets = context.table('tickets');
  const { ticket } = write;
  const params = new SqlParams();
  if (write.kind === 'insert') {
    const values = ticketColumnValues(params, ticket);
    await client.query(
      `INSERT INTO ${tickets} (id, ${TICKET_COLUMNS.join(', ')}) VALUES (${params.add(ticket.id)}, ${values.join(', ')})`,
      params.values,
    );
    return { before: null, reindex: false };
  }
  // The row lock orders concurrent commits on one ticket: the second reads the first's version.
  const { rows } = await client.query<StoredRow>(
    `SELECT version, subject, number, status, department_id, sla_state, assignee_id, team_id
      FROM ${tickets} WHERE id = $1 FOR UPDATE`,
    [ticket.id],
  );
  const stored = rows[0];
  if (!stored) throw new Error(`Cannot update ticket ${ticket.id}: it does not exist`);
  if (stored.version !== write.expectedVersion) {
    throw conflictError('version', `Ticket ${ticket.id} changed meanwhile`, {
      expectedVersion: write.expectedVersion,
      actualVersion: stored.version,
    });
  }
  const values = ticketColumnValues(params, ticket);
  await client.query(
    `UPDATE ${tickets} SET (${TICKET_COLUMNS.join(', ')}) = (${values.join(', ')}) WHERE id = ${params.add(ticket.id)}`,
    params.values,
  );
  return {
    before: [stored.department_id, stored.status, stored.sla_state, stored.assignee_id ?? '', stored.team_id ?? ''],
    reindex: stored.subject !== ticket.subject || stored.number !== ticket.number,
  };
}

/** The ticket methods of the adapter: the commit and the ticket read. */
export function tickets(context: PostgresContext, language: SearchLanguage) {
  return {
    async commit(changes: ChangeSet): Promise<void> {
      const { ticket } = changes.ticket;
      await context.transaction('commit', async (client) => {
        const { before, reindex } = await writeTicket(client, context, changes.ticket);
        await moveCount(client, context, before, countCell(ticket));
        if (reindex) await reindexTicket(client, context, language, ticket);
        await appendThread(client, context, language, ticket, changes.thread);
        await appendAudit(client, context, ticket, changes.audit);
        await appendOutbox(client, context, ticket, changes.outbox ?? []);
        if (changes.idempotency) {
          await rememberIdempotencyKey(client, context, changes.idempotency, changes.replaceIdempotencyBefore);
        }
        await storeAccessTokens(client, context, changes.accessTokens ?? []);
        await announceChange(client, context, changes);
      });
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
