import {
  DUE_CLAIM_PREFIX,
  type DueTicketClaim,
  type DueTicketQuery,
  type LeaseRequest,
  type Ticket,
} from '@ticketkit/core';
import type { PostgresContext } from './connection/postgres-context.js';
import { batchSize } from './connection/sql-params.js';

/**
 * What the scheduler sweeps and who sweeps: the due tickets (one range of
 * the `tickets_due` partial index, the SLA candidates), per-ticket claims on
 * them and named leases. N servers share a sweep's tickets by claims taken
 * with `FOR UPDATE SKIP LOCKED`, kept as lease rows named
 * `ticketkit:due:<ticket id>`; a server that dies holding claims loses them
 * when `until` passes. The tickets' versions still keep every SLA event to
 * one (a second check of one version gets `CONFLICT`).
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

    async claimDueTickets({ dueBefore, limit, owner, now, until }: DueTicketClaim): Promise<Ticket[]> {
      // SKIP LOCKED: concurrent claims pass over each other's rows instead of waiting or taking the same ones.
      // OFFSET 0 keeps NOT EXISTS a per-row check: as an anti-join the planner reads every due ticket and sorts
      // them, a cost that grows with the backlog; this way it walks the due index in order and stops at LIMIT.
      // The upsert is the arbiter: a claim another server committed after this statement's snapshot makes
      // ON CONFLICT's WHERE false, so that ticket is not returned here.
      const claim = () =>
        context.query<{ data: Ticket | null }>(
          'claimDueTickets',
          `WITH due AS (
             SELECT t.id, t.next_check_at FROM ${context.table('tickets')} t
              WHERE t.next_check_at IS NOT NULL AND t.next_check_at <= $1::timestamptz
                AND NOT EXISTS (SELECT 1 FROM ${leases} l WHERE l.name = $3 || t.id AND l.until > $5::timestamptz OFFSET 0)
              ORDER BY t.next_check_at, t.id
              LIMIT $2
              FOR UPDATE OF t SKIP LOCKED
           ), claimed AS (
             INSERT INTO ${leases} AS l (name, owner, until)
             SELECT $3 || id, $4, $6::timestamptz FROM due
             ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
               WHERE l.until <= $5::timestamptz
             RETURNING substr(name, length($3) + 1) AS id
           )
           SELECT CASE WHEN c.id IS NOT NULL THEN t.data END AS data
             FROM due d JOIN ${context.table('tickets')} t ON t.id = d.id LEFT JOIN claimed c ON c.id = d.id
            ORDER BY d.next_check_at, d.id`,
          [dueBefore, batchSize(limit), DUE_CLAIM_PREFIX, owner, now, until],
        );
      // Every ticket it picked lost to a claim committed after its snapshot: another server took that batch
      // just now. The next statement's snapshot sees those claims and passes over them, so ask again rather
      // than answer "nothing due" while the rest of the backlog waits (a scheduler stops at an empty batch).
      for (let attempt = 0; ; attempt++) {
        const rows = await claim();
        const won = rows.flatMap((row) => (row.data ? [row.data] : []));
        if (won.length > 0 || rows.length === 0 || attempt === 4) return won;
      }
    },

    async releaseDueTickets(ticketIds: readonly string[], owner: string): Promise<void> {
      if (ticketIds.length === 0) return;
      await context.execute('releaseDueTickets', `DELETE FROM ${leases} WHERE name = ANY($1::text[]) AND owner = $2`, [
        ticketIds.map((id) => DUE_CLAIM_PREFIX + id),
        owner,
      ]);
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
