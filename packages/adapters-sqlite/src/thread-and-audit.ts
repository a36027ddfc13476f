import type { AuditEvent, ChangeSet, OutboxMessage, ThreadEntry, Ticket } from '@ticketkit/core';
import { json, ms, type SqliteContext } from './connection/sqlite-context.js';
import { checkText } from './connection/sqlite-errors.js';
import { indexEntry } from './search.js';

/**
 * The thread and the audit trail, in one append-only table, `ticket_log`:
 * one row per thread entry; a change's audit event and outbox message ride
 * in its last entry's row, or in a row of their own when the change writes
 * no entry. Log order (`seq`) is commit order.
 */

/**
 * What a row of the ticket log holds: a thread entry, a change's audit event
 * and its outbox message, each when there is one — without what the row's
 * columns and ticket already say (the entry's id and body, the ticket id).
 */
export interface LogData {
  /** The thread entry (`entry` rows). */
  entry?: Omit<ThreadEntry, 'id' | 'ticketId' | 'body'>;
  /** The audit event of the change the row records. */
  audit?: Omit<AuditEvent, 'ticketId'>;
  /** The outbox message of the change the row records. */
  outbox?: Omit<OutboxMessage, 'ticketId'>;
}

const withoutTicketId = <T extends { ticketId: string }>({ ticketId, ...rest }: T): Omit<T, 'ticketId'> => rest;

const INSERT_LOG =
  'INSERT INTO ticket_log (id, ticket_seq, kind, body, status, due_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)';

/** Appends a change set's thread entries, audit events and outbox messages to the ticket's log, in the commit. */
export function appendLog(context: SqliteContext, ticket: Ticket, seq: number, changes: ChangeSet): void {
  const insertLog = context.sql(INSERT_LOG);
  for (const record of [...changes.thread, ...changes.audit, ...(changes.outbox ?? [])]) {
    if (record.ticketId !== ticket.id) throw new Error(`${record.id} belongs to another ticket than ${ticket.id}`);
  }
  // The row's JSON leaves out what its columns and its ticket already say (ids, the ticket id, the body):
  // every byte a command writes goes through the WAL.
  const audit = [...changes.audit];
  const outbox = [...(changes.outbox ?? [])];
  const change = (): LogData => {
    const event = audit.shift();
    const message = outbox.shift();
    return {
      ...(event && { audit: withoutTicketId(event) }),
      ...(message && { outbox: withoutTicketId(message) }),
    };
  };
  changes.thread.forEach((entry, index) => {
    const { id, ticketId, body, ...rest } = entry;
    const rides = index === changes.thread.length - 1 ? change() : {};
    const logSeq = insertLog.run(
      id,
      seq,
      'entry',
      checkText(body, `thread.${index}.body`),
      rides.outbox?.status ?? null,
      rides.outbox ? ms(rides.outbox.nextAttemptAt) : null,
      json({ entry: rest, ...rides }),
    ).lastInsertRowid;
    indexEntry(context, logSeq, ticket, body);
  });
  while (audit.length > 0 || outbox.length > 0) {
    const rides = change();
    insertLog.run(
      rides.audit?.id ?? rides.outbox?.id,
      seq,
      'change',
      null,
      rides.outbox?.status ?? null,
      rides.outbox ? ms(rides.outbox.nextAttemptAt) : null,
      json(rides),
    );
  }
}

/** The adapter's thread and audit reads. */
export function threadAndAudit(context: SqliteContext) {
  const { sql } = context;
  return {
    async listThread(ticketId: string): Promise<ThreadEntry[]> {
      const rows = sql(`SELECT log.id, log.body, log.data FROM ticket_log log JOIN tickets t ON t.seq = log.ticket_seq
        WHERE t.id = ? AND log.kind = 'entry' ORDER BY log.seq`).all(ticketId) as {
        id: string;
        body: string;
        data: string;
      }[];
      return rows.map(
        (row) => ({ id: row.id, ticketId, ...(JSON.parse(row.data) as LogData).entry, body: row.body }) as ThreadEntry,
      );
    },

    async listAudit(ticketId: string): Promise<AuditEvent[]> {
      const rows = sql(`SELECT log.data FROM ticket_log log JOIN tickets t ON t.seq = log.ticket_seq
        WHERE t.id = ? ORDER BY log.seq`)
        .pluck()
        .all(ticketId) as string[];
      return rows.flatMap((row) => {
        const { audit } = JSON.parse(row) as LogData;
        return audit ? [{ ...audit, ticketId } as AuditEvent] : [];
      });
    },
  };
}
