import type { AuditEvent, ThreadEntry, Ticket } from '@ticketkit/core';
import type { PgQueryable } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';
import { checkText } from './connection/postgres-errors.js';
import type { SqlParams } from './connection/sql-params.js';
import { runBuilt } from './connection/statement-batch.js';
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

/** The INSERT of a change set's thread entries with their search vectors, or `null` for none. */
export function threadInsert(
  params: SqlParams,
  context: PostgresContext,
  language: SearchLanguage,
  ticket: Ticket,
  entries: readonly ThreadEntry[],
): string | null {
  if (entries.length === 0) return null;
  const rows = entries.map((entry, index) => {
    belongs(entry, ticket, 'Thread entry');
    const { id, ticketId, body, ...data } = entry;
    const stored: StoredEntry = data;
    return `(${params.add(id)}, ${params.add(ticketId)}, ${params.add(checkText(body, `thread.${index}.body`))},
      ${searchVector(params, language, ticket, body)}, ${params.add(stored)}::jsonb)`;
  });
  return `INSERT INTO ${context.table('thread_entries')} (id, ticket_id, body, search, data) VALUES ${rows.join(', ')}`;
}

/** The INSERT of a change set's audit events, or `null` for none. */
export function auditInsert(
  params: SqlParams,
  context: PostgresContext,
  ticket: Ticket,
  events: readonly AuditEvent[],
): string | null {
  if (events.length === 0) return null;
  const rows = events.map((event) => {
    belongs(event, ticket, 'Audit event');
    return `(${params.add(event.id)}, ${params.add(event.ticketId)}, ${params.add(event)}::jsonb)`;
  });
  return `INSERT INTO ${context.table('audit_events')} (id, ticket_id, data) VALUES ${rows.join(', ')}`;
}

/** Appends thread entries in one statement of their own (a copied desk's). */
export const appendThread = (
  client: PgQueryable,
  context: PostgresContext,
  language: SearchLanguage,
  ticket: Ticket,
  entries: readonly ThreadEntry[],
) => runBuilt(client, (params) => threadInsert(params, context, language, ticket, entries));

/** Appends audit events in one statement of their own (a copied desk's). */
export const appendAudit = (
  client: PgQueryable,
  context: PostgresContext,
  ticket: Ticket,
  events: readonly AuditEvent[],
) => runBuilt(client, (params) => auditInsert(params, context, ticket, events));

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
