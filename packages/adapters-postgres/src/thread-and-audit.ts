import type { AuditEvent, ThreadEntry, Ticket } from '@ticketkit/core';
import type { PgQueryable } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';
import { checkText } from './connection/postgres-errors.js';
import { SqlParams } from './connection/sql-params.js';
import { type SearchLanguage, searchVector } from './search.js';

/**
 * The thread and the audit trail: append-only, in commit order (`seq`).
 * A ticket's commits are serialized by its row lock, so `seq` order is
 * commit order within a ticket.
 */

/** What the `data` column of a thread entry holds: the entry without what its columns say. */
type StoredEntry = Omit<ThreadEntry, 'id' | 'ticketId' | 'body'>;

function belongs(record: { id: string; ticketId: string }, ticket: Ticket, what: string) {
  if (record.ticketId !== ticket.id) throw new Error(`${what} ${record.id} belongs to another ticket`);
}

/** Appends thread entries of a change set in one INSERT, with their search vectors. */
export async function appendThread(
  client: PgQueryable,
  context: PostgresContext,
  language: SearchLanguage,
  ticket: Ticket,
  entries: readonly ThreadEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const params = new SqlParams();
  const rows = entries.map((entry, index) => {
    belongs(entry, ticket, 'Thread entry');
    const { id, ticketId, body, ...data } = entry;
    const stored: StoredEntry = data;
    return `(${params.add(id)}, ${params.add(ticketId)}, ${params.add(checkText(body, `thread.${index}.body`))},
      ${searchVector(params, language, ticket, body)}, ${params.add(stored)}::jsonb)`;
  });
  await client.query(
    `INSERT INTO ${context.table('thread_entries')} (id, ticket_id, body, search, data) VALUES ${rows.join(', ')}`,
    params.values,
  );
}

/** Appends the audit events of a change set in one INSERT. */
export async function appendAudit(
  client: PgQueryable,
  context: PostgresContext,
  ticket: Ticket,
  events: readonly AuditEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const params = new SqlParams();
  const rows = events.map((event) => {
    belongs(event, ticket, 'Audit event');
    return `(${params.add(event.id)}, ${params.add(event.ticketId)}, ${params.add(event)}::jsonb)`;
  });
  await client.query(
    `INSERT INTO ${context.table('audit_events')} (id, ticket_id, data) VALUES ${rows.join(', ')}`,
    params.values,
  );
}

/** The thread and audit read methods of the adapter. */
export function threadAndAudit(context: PostgresContext) {
  return {
    async listThread(ticketId: string): Promise<ThreadEntry[]> {
      const rows = await context.query<{ id: string; body: string; data: StoredEntry }>(
        'listThread',
        `SELECT id, body, data FROM ${context.table('thread_entries')} WHERE ticket_id = $1 ORDER BY seq`,
        [ticketId],
      );
      return rows.map((row) => ({ ...row.data, id: row.id, ticketId, body: row.body }) as ThreadEntry);
    },

    async listAudit(ticketId: string): Promise<AuditEvent[]> {
      const rows = await context.query<{ data: AuditEvent }>(
        'listAudit',
        `SELECT data FROM ${context.table('audit_events')} WHERE ticket_id = $1 ORDER BY seq`,
        [ticketId],
      );
      return rows.map((row) => row.data);
    },
  };
}
