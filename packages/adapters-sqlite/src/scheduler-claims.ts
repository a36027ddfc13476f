import { type DueTicketQuery, type LeaseRequest, storageBatchSize, type Ticket } from '@ticketkit/core';
import { ms, readTicket, type SqliteContext } from './connection/sqlite-context.js';

/**
 * What the scheduler sweeps and who sweeps: the due tickets (one range of
 * the `tickets_due` index) and named leases, each granted or given back by
 * one statement, so processes on one file never both hold one.
 */
export function schedulerClaims(context: SqliteContext) {
  const { sql } = context;
  return {
    async listDueTickets(query: DueTicketQuery): Promise<Ticket[]> {
      const rows = sql(`SELECT data FROM tickets INDEXED BY tickets_due
        WHERE next_check_at <= ? ORDER BY next_check_at, id LIMIT ?`).all(
        ms(query.dueBefore),
        storageBatchSize(query.limit),
      );
      return rows.map(readTicket);
    },

    async acquireLease({ name, owner, now, until }: LeaseRequest) {
      // One statement: free, lapsed or already the owner's, checked and granted atomically.
      return (
        sql(`INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
          ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
          WHERE leases.owner = excluded.owner OR leases.until <= ?`).run(name, owner, ms(until), ms(now)).changes === 1
      );
    },

    async releaseLease(name: string, owner: string) {
      sql('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner);
    },
  };
}
