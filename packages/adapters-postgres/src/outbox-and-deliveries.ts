import {
  type Delivery,
  type DeliveryClaim,
  type DeliveryListQuery,
  encodeCursor,
  type OutboxDeferral,
  type OutboxDispatch,
  type OutboxMessage,
  type OutboxQuery,
  type Page,
  type Ticket,
} from '@ticketkit/core';
import type { PgQueryable } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';
import { batchSize, SqlParams, whereClause } from './connection/sql-params.js';
import { runBuilt } from './connection/statement-batch.js';
import { decodeTimeCursor } from './queues-and-counts.js';

/**
 * The transactional outbox and the delivery log. Several servers share the
 * work: a dispatch marks its message with a conditional UPDATE (of two
 * concurrent dispatches the second finds it no longer pending), and claims
 * take due deliveries with `FOR UPDATE SKIP LOCKED`, each claim a lease
 * (`claimedUntil`) that another server takes over when it runs out.
 */

/** The INSERT of a change set's outbox messages, or `null` for none. */
export function outboxInsert(
  params: SqlParams,
  context: PostgresContext,
  ticket: Ticket,
  messages: readonly OutboxMessage[],
): string | null {
  if (messages.length === 0) return null;
  const rows = messages.map((message) => {
    if (message.ticketId !== ticket.id) throw new Error(`Outbox message ${message.id} belongs to another ticket`);
    return `(${params.add(message.id)}, ${params.add(message.ticketId)}, ${params.add(message.status)},
      ${params.add(message.nextAttemptAt)}::timestamptz, ${params.add(message)}::jsonb)`;
  });
  return `INSERT INTO ${context.table('outbox')} (id, ticket_id, status, next_attempt_at, data) VALUES ${rows.join(', ')}`;
}

/** Writes outbox messages in one statement of their own (a copied desk's). */
export const appendOutbox = (
  client: PgQueryable,
  context: PostgresContext,
  ticket: Ticket,
  messages: readonly OutboxMessage[],
) => runBuilt(client, (params) => outboxInsert(params, context, ticket, messages));

const DELIVERY_COLUMNS =
  'id, message_id, ticket_id, status, next_attempt_at, claimed_by, claimed_until, created_at, data';

// The columns beside the JSON, in the order of DELIVERY_COLUMNS, as placeholders. Every one is cast: in
// a VALUES list read by INSERT … SELECT (a dispatch's) PostgreSQL takes the types from the casts.
function deliveryValues(params: SqlParams, delivery: Delivery): string {
  return [
    `${params.add(delivery.id)}::text`,
    `${params.add(delivery.messageId)}::text`,
    `${params.add(delivery.ticketId)}::text`,
    `${params.add(delivery.status)}::text`,
    `${params.add(delivery.nextAttemptAt)}::timestamptz`,
    `${params.add(delivery.claimedBy)}::text`,
    `${params.add(delivery.claimedUntil)}::timestamptz`,
    `${params.add(delivery.createdAt)}::timestamptz`,
    `${params.add(delivery)}::jsonb`,
  ].join(', ');
}

/** Writes deliveries in one INSERT (a dispatch's, or a copied desk's). */
export async function insertDeliveries(
  client: PgQueryable,
  context: PostgresContext,
  deliveries: readonly Delivery[],
): Promise<void> {
  if (deliveries.length === 0) return;
  const params = new SqlParams();
  const rows = deliveries.map((delivery) => `(${deliveryValues(params, delivery)})`);
  await client.query(
    `INSERT INTO ${context.table('deliveries')} (${DELIVERY_COLUMNS}) VALUES ${rows.join(', ')}`,
    params.values,
  );
}

/** The outbox and delivery methods of the adapter. */
export function outboxAndDeliveries(context: PostgresContext) {
  const outbox = context.table('outbox');
  const deliveries = context.table('deliveries');
  return {
    async listPendingOutbox(query: OutboxQuery): Promise<OutboxMessage[]> {
      const rows = await context.query<{ data: OutboxMessage }>(
        'listPendingOutbox',
        `SELECT data FROM ${outbox} WHERE status = 'pending' AND next_attempt_at <= $1::timestamptz
          ORDER BY seq LIMIT $2`,
        [query.dueBefore, batchSize(query.limit)],
      );
      return rows.map((row) => row.data);
    },

    async dispatchOutbox(dispatch: OutboxDispatch): Promise<boolean> {
      // One statement, so one round trip and atomic without BEGIN/COMMIT: the deliveries are inserted
      // only if the mark took. The row lock makes a concurrent dispatch wait, then find the message
      // dispatched: exactly one wins.
      const params = new SqlParams();
      const id = params.add(dispatch.messageId);
      const marked = `UPDATE ${outbox} SET status = 'dispatched',
          data = data || jsonb_build_object('status', 'dispatched', 'updatedAt', ${params.add(dispatch.at)}::text)
        WHERE id = ${id} AND status = 'pending' RETURNING 1`;
      const rows = dispatch.deliveries.map((delivery) => `(${deliveryValues(params, delivery)})`);
      const inserted = rows.length
        ? `, inserted AS (INSERT INTO ${deliveries} (${DELIVERY_COLUMNS})
            SELECT v.* FROM (VALUES ${rows.join(', ')}) v WHERE EXISTS (SELECT FROM marked))`
        : '';
      const [row] = await context.query<{ marked: boolean; present: boolean }>(
        'dispatchOutbox',
        `WITH marked AS (${marked})${inserted}
        SELECT EXISTS (SELECT FROM marked) AS marked, EXISTS (SELECT FROM ${outbox} WHERE id = ${id}) AS present`,
        params.values,
      );
      if (row?.marked) return true;
      if (!row?.present) throw new Error(`No outbox message ${dispatch.messageId}`);
      return false;
    },

    async deferOutbox(deferral: OutboxDeferral): Promise<void> {
      const { messageId, status, attempts, nextAttemptAt, lastError, at } = deferral;
      // A parameter has one type per statement: the time goes in twice, as a timestamp and as the JSON's text.
      const changed = await context.execute(
        'deferOutbox',
        `UPDATE ${outbox} SET status = $2, next_attempt_at = $7::timestamptz,
          data = data || jsonb_build_object('status', $2::text, 'attempts', $3::int, 'nextAttemptAt', $4::text,
            'lastError', $5::text, 'updatedAt', $6::text)
        WHERE id = $1 AND status = 'pending'`,
        [messageId, status, attempts, nextAttemptAt, lastError, at, nextAttemptAt],
      );
      if (changed === 0) {
        const exists = await context.query('deferOutbox', `SELECT 1 FROM ${outbox} WHERE id = $1`, [messageId]);
        if (exists.length === 0) throw new Error(`No outbox message ${messageId}`);
      }
    },

    async claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]> {
      // SKIP LOCKED: a concurrent claim passes over the rows this one is taking instead of waiting
      // for them, and the recheck after the lock keeps a row another claim just took out.
      const rows = await context.query<{ data: Delivery; seq: string }>(
        'claimDeliveries',
        `WITH due AS (
          SELECT seq FROM ${deliveries}
          WHERE status IN ('pending', 'retrying') AND next_attempt_at <= $2::timestamptz
            AND (claimed_until IS NULL OR claimed_until <= $2::timestamptz)
          ORDER BY next_attempt_at, seq LIMIT $4
          FOR UPDATE SKIP LOCKED
        )
        UPDATE ${deliveries} d SET claimed_by = $1, claimed_until = $3::timestamptz,
          data = d.data || jsonb_build_object('claimedBy', $1::text, 'claimedUntil', $5::text)
        FROM due WHERE d.seq = due.seq
        RETURNING d.data, d.seq`,
        [claim.owner, claim.now, claim.until, batchSize(claim.limit), claim.until],
      );
      return rows
        .sort(
          (a, b) =>
            (a.data.nextAttemptAt < b.data.nextAttemptAt ? -1 : a.data.nextAttemptAt > b.data.nextAttemptAt ? 1 : 0) ||
            Number(a.seq) - Number(b.seq),
        )
        .map((row) => row.data);
    },

    async updateDelivery(delivery: Delivery, claimedBy: string | null): Promise<boolean> {
      // One statement: the claim check and the write are one atomic step.
      const params = new SqlParams();
      const values = deliveryValues(params, delivery);
      const changed = await context.execute(
        'updateDelivery',
        `UPDATE ${deliveries} SET (${DELIVERY_COLUMNS}) = (${values})
          WHERE id = ${params.add(delivery.id)} AND claimed_by IS NOT DISTINCT FROM ${params.add(claimedBy)}::text`,
        params.values,
      );
      return changed === 1;
    },

    async getDelivery(id: string): Promise<Delivery | null> {
      const [row] = await context.query<{ data: Delivery }>(
        'getDelivery',
        `SELECT data FROM ${deliveries} WHERE id = $1`,
        [id],
      );
      return row?.data ?? null;
    },

    async listDeliveries(query: DeliveryListQuery): Promise<Page<Delivery>> {
      const params = new SqlParams();
      const where: string[] = [];
      if (query.ticketId !== undefined) where.push(`ticket_id = ${params.add(query.ticketId)}`);
      if (query.status !== undefined) where.push(`status = ${params.add(query.status)}`);
      if (query.cursor) {
        const [at, id] = decodeTimeCursor(query.cursor);
        where.push(`(created_at, id) < (${params.add(at)}::timestamptz, ${params.add(id)})`);
      }
      const limit = batchSize(query.limit);
      const rows = await context.query<{ data: Delivery }>(
        'listDeliveries',
        `SELECT data FROM ${deliveries} ${whereClause(where)}
          ORDER BY created_at DESC, id DESC LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      const items = rows.slice(0, limit).map((row) => row.data);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last.id]) : null };
    },
  };
}
