import type { DueTicketQuery, LeaseRequest, Ticket } from '@ticketkit/core';
import type { PostgresContext } from './connection/postgres-context.js';
import { batchSize } from './connection/sql-params.js';

/**
 * What the scheduler sweeps and who sweeps: the due tickets (one range of
 * the `tickets_due` partial index, the SLA candidates) and named leases. Of
 * N servers one holds the sweep lease at a time; a server that dies holding
 * it loses it when `until` passes. Without the lease the tickets' versions
 * still keep every SLA event to one (a second sweep gets `CONFLICT`).
 */
export function schedulerClaims(context: PostgresContext) {
  const leases = context.table('leases');
  return {
    async listDueTickets(query: DueTicketQuery): Promise<Ticket[]> {
      const rows = await context.query<{ data: Ticket }>(
        'listDueTickets',
        `SELECT data FROM ${context.table('tickets')}
          WHERE next_check_at IS NOT NULL AND next_check_at <= $1::timestamptz
          ORDER BY next_check_at, id LIMIT $2`,
        [query.dueBefore, batchSize(query.limit)],
      );
      return rows.map((row) => row.data);
    },

    async acquireLease({ name, owner, now, until }: LeaseRequest): Promise<boolean> {
      // One statement: free, lapsed or already the owner's, checked and granted atomically (a concurrent
      // request waits on the row and then sees the new owner).
      const granted = await context.execute(
        'acquireLease',
        `INSERT INTO ${leases} AS l (name, owner, until) VALUES ($1, $2, $3::timestamptz)
          ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
          WHERE l.owner = excluded.owner OR l.until <= $4::timestamptz`,
        [name, owner, until, now],
      );
      return granted === 1;
    },

    async releaseLease(name: string, owner: string): Promise<void> {
      await context.execute('releaseLease', `DELETE FROM ${leases} WHERE name = $1 AND owner = $2`, [name, owner]);
    },
  };
}
