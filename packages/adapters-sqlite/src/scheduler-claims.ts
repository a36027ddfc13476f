import {
  DUE_CLAIM_PREFIX,
  type DueTicketClaim,
  type DueTicketQuery,
  type LeaseRequest,
  storageBatchSize,
  type Ticket,
} from '@ticketkit/core';
import { ms, readTicket, type SqliteContext } from './connection/sqlite-context.js';

/**
 * What the scheduler sweeps and who sweeps: the due tickets (one range of
 * the `tickets_due` index), per-ticket claims on them (lease rows named
 * `ticketkit:due:<ticket id>`) and named leases, each granted or given back
 * by one statement, so processes on one file never both hold one.
 */
export function schedulerClaims(context: SqliteContext) {
  const { sql, db } = context;
  // One write transaction: the claim and the read of what it claimed see the same tickets.
  const claim = db.transaction(({ dueBefore, limit, owner, now, until }: DueTicketClaim): Ticket[] => {
    const claimed = sql(`INSERT INTO leases (name, owner, until)
        SELECT ? || id, ?, ? FROM tickets INDEXED BY tickets_due
         WHERE next_check_at <= ?
           AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.name = ? || tickets.id AND l.until > ?)
         ORDER BY next_check_at, id LIMIT ?
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE leases.until <= ?
        RETURNING substr(name, ?) AS id`)
      .pluck()
      .all(
        DUE_CLAIM_PREFIX,
        owner,
        ms(until),
        ms(dueBefore),
        DUE_CLAIM_PREFIX,
        ms(now),
        storageBatchSize(limit),
        ms(now),
        DUE_CLAIM_PREFIX.length + 1,
      );
    if (claimed.length === 0) return [];
    return sql(`SELECT data FROM tickets WHERE id IN (SELECT value FROM json_each(?)) ORDER BY next_check_at, id`)
      .all(JSON.stringify(claimed))
      .map(readTicket);
  });
  return {
    async listDueTickets(query: DueTicketQuery): Promise<Ticket[]> {
      const rows = sql(`SELECT data FROM tickets INDEXED BY tickets_due
        WHERE next_check_at <= ? ORDER BY next_check_at, id LIMIT ?`).all(
        ms(query.dueBefore),
        storageBatchSize(query.limit),
      );
      return rows.map(readTicket);
    },

    async claimDueTickets(request: DueTicketClaim): Promise<Ticket[]> {
      return claim.immediate(request) as Ticket[];
    },

    async releaseDueTickets(ticketIds: readonly string[], owner: string) {
      sql('DELETE FROM leases WHERE name IN (SELECT ? || value FROM json_each(?)) AND owner = ?').run(
        DUE_CLAIM_PREFIX,
        JSON.stringify(ticketIds),
        owner,
      );
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
