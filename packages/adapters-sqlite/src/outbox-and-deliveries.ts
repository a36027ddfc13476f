import {
  type Delivery,
  type DeliveryClaim,
  type DeliveryListQuery,
  decodeCursor,
  encodeCursor,
  type OutboxDeferral,
  type OutboxDispatch,
  type OutboxMessage,
  type OutboxQuery,
  type Page,
  storageBatchSize,
} from '@ticketkit/core';
import { json, ms, type SqliteContext } from './connection/sqlite-context.js';
import { isBusy } from './connection/sqlite-errors.js';
import { DELIVERY_DUE } from './migrations/002-outbox-deliveries.js';
import type { LogData } from './thread-and-audit.js';

/**
 * The outbox and the deliveries. Messages ride in ticket_log rows
 * (LogData.outbox, with the row's status and due_at columns set from the
 * message) and have no index: a command pays for none. The dispatch cursor
 * (outbox_cursor) is the log seq up to which every message is settled —
 * dispatched, dead, or waiting in outbox_deferred — so new messages are read
 * forward from it, in commit order. Deliveries are rows of their own, claimed
 * in `BEGIN IMMEDIATE` transactions.
 */

// listPendingOutbox moves the dispatch cursor up itself when it finds more settled log rows than this
// between the cursor and the first due message (changes without notifications leave no message to
// dispatch, so nothing else would move it).
const OUTBOX_LAG = 1_000;

/** A pending outbox message as its log row holds it. */
type StoredMessage = Omit<OutboxMessage, 'ticketId'>;

// The delivery columns beside the JSON, in the order of the INSERT below.
const deliveryColumns = (delivery: Delivery) => [
  delivery.id,
  delivery.ticketId,
  delivery.status,
  ms(delivery.nextAttemptAt),
  delivery.claimedBy,
  delivery.claimedUntil === null ? null : ms(delivery.claimedUntil),
  ms(delivery.createdAt),
];
const INSERT_DELIVERY = `INSERT INTO deliveries
  (id, ticket_id, status, next_attempt_at, claimed_by, claimed_until, created_at, data)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

const readDelivery = (data: string) => JSON.parse(data) as Delivery;

/** The adapter's outbox and delivery methods. */
export function outboxAndDeliveries(context: SqliteContext) {
  const { db, sql } = context;

  const readCursor = () => Number(sql('SELECT log_seq FROM outbox_cursor WHERE id = 1').pluck().get() ?? 0);

  /** The log row of a ticket's message: found through the ticket's log (the ticket_log_ticket index). */
  function findMessage(ticketId: string, messageId: string) {
    const row = sql(`SELECT log.seq, log.data FROM ticket_log log
      WHERE log.ticket_seq = (SELECT seq FROM tickets WHERE id = ?) AND log.status IS NOT NULL
        AND json_extract(log.data, '$.outbox.id') = ?`).get(ticketId, messageId) as
      | { seq: number; data: string }
      | undefined;
    const data = row && (JSON.parse(row.data) as LogData);
    if (!row || !data?.outbox) throw new Error(`No outbox message ${messageId} of ticket ${ticketId}`);
    return { seq: row.seq, data, message: data.outbox };
  }

  /** Rewrites a message in its log row: the JSON, and the status and due_at columns with it. */
  function writeMessage(seq: number, data: LogData, message: StoredMessage) {
    sql('UPDATE ticket_log SET status = ?, due_at = ?, data = ? WHERE seq = ?').run(
      message.status,
      ms(message.nextAttemptAt),
      json({ ...data, outbox: message }),
      seq,
    );
  }

  /**
   * Moves the cursor past every settled log row, inside a write transaction. A pending message that
   * is not due by `at` moves into outbox_deferred on the way (it is listed from there when due), so
   * only a due, undispatched message stops the cursor. Every row is passed once.
   */
  function advanceCursor(at: number) {
    const cursor = readCursor();
    let next = cursor;
    for (;;) {
      const row = sql(`SELECT seq, due_at FROM ticket_log NOT INDEXED
        WHERE seq > ? AND status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM outbox_deferred WHERE log_seq = ticket_log.seq)
        ORDER BY seq LIMIT 1`).get(next) as { seq: number; due_at: number } | undefined;
      if (!row) {
        // Everything written so far is settled (the log is append-only: its seqs only grow).
        next = Math.max(next, Number(sql('SELECT coalesce(max(seq), 0) FROM ticket_log').pluck().get()));
        break;
      }
      if (row.due_at <= at) {
        next = row.seq - 1;
        break;
      }
      sql('INSERT INTO outbox_deferred (log_seq, due_at) VALUES (?, ?)').run(row.seq, row.due_at);
      next = row.seq;
    }
    if (next > cursor) {
      sql(`INSERT INTO outbox_cursor (id, log_seq) VALUES (1, ?)
        ON CONFLICT (id) DO UPDATE SET log_seq = excluded.log_seq`).run(next);
    }
  }
  const advance = db.transaction(advanceCursor);

  // One read transaction, so the cursor, the deferred messages and the log are one snapshot.
  const readPending = db.transaction((dueBefore: number, limit: number) => {
    const cursor = readCursor();
    type Row = { seq: number; ticket_id: string; data: string };
    // Deferred messages the cursor has passed: all before the log the cursor has not (seq order).
    const rows = sql(`SELECT log.seq, t.id AS ticket_id, log.data
      FROM outbox_deferred deferred
      CROSS JOIN ticket_log log ON log.seq = deferred.log_seq
      CROSS JOIN tickets t ON t.seq = log.ticket_seq
      WHERE deferred.log_seq <= ? AND deferred.due_at <= ?
      ORDER BY deferred.log_seq LIMIT ?`).all(cursor, dueBefore, limit) as Row[];
    if (rows.length === limit) return { rows, lag: 0 };
    // Then the log forward from the cursor: one range of its rowid, no index.
    const forward = sql(`SELECT log.seq, t.id AS ticket_id, log.data
      FROM ticket_log AS log NOT INDEXED
      CROSS JOIN tickets t ON t.seq = log.ticket_seq
      WHERE log.seq > ? AND log.status = 'pending' AND log.due_at <= ?
      ORDER BY log.seq LIMIT ?`).all(cursor, dueBefore, limit - rows.length) as Row[];
    // How many settled rows the read stepped over before its first due message.
    const first = forward[0];
    const lag = first
      ? first.seq - cursor - 1
      : Number(sql('SELECT coalesce(max(seq), 0) FROM ticket_log').pluck().get()) - cursor;
    return { rows: [...rows, ...forward], lag };
  });

  const dispatch = db.transaction((request: OutboxDispatch): boolean => {
    const found = findMessage(request.ticketId, request.messageId);
    if (found.message.status !== 'pending') return false;
    const insert = sql(INSERT_DELIVERY);
    for (const delivery of request.deliveries) insert.run(...deliveryColumns(delivery), json(delivery));
    writeMessage(found.seq, found.data, { ...found.message, status: 'dispatched', updatedAt: request.at });
    sql('DELETE FROM outbox_deferred WHERE log_seq = ?').run(found.seq);
    advanceCursor(ms(request.at));
    return true;
  });

  const defer = db.transaction((deferral: OutboxDeferral) => {
    const found = findMessage(deferral.ticketId, deferral.messageId);
    if (found.message.status !== 'pending') return;
    const { status, attempts, nextAttemptAt, lastError, at } = deferral;
    writeMessage(found.seq, found.data, {
      ...found.message,
      status,
      attempts,
      nextAttemptAt,
      lastError,
      updatedAt: at,
    });
    if (status === 'pending') {
      sql(`INSERT INTO outbox_deferred (log_seq, due_at) VALUES (?, ?)
        ON CONFLICT (log_seq) DO UPDATE SET due_at = excluded.due_at`).run(found.seq, ms(nextAttemptAt));
    } else {
      sql('DELETE FROM outbox_deferred WHERE log_seq = ?').run(found.seq);
    }
    advanceCursor(ms(at));
  });

  const claim = db.transaction(({ owner, now, until, limit }: DeliveryClaim): Delivery[] => {
    const at = ms(now);
    // The WHERE repeats deliveries_due's condition verbatim, so the partial index applies.
    const rows = sql(`SELECT seq, data FROM deliveries INDEXED BY deliveries_due
      WHERE ${DELIVERY_DUE} AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
      ORDER BY next_attempt_at, seq LIMIT ?`).all(at, at, storageBatchSize(limit)) as { seq: number; data: string }[];
    const update = sql('UPDATE deliveries SET claimed_by = ?, claimed_until = ?, data = ? WHERE seq = ?');
    return rows.map((row) => {
      const claimed: Delivery = { ...(JSON.parse(row.data) as Delivery), claimedBy: owner, claimedUntil: until };
      update.run(owner, ms(until), json(claimed), row.seq);
      return claimed;
    });
  });

  return {
    async listPendingOutbox(query: OutboxQuery): Promise<OutboxMessage[]> {
      const dueBefore = ms(query.dueBefore);
      const { rows, lag } = readPending(dueBefore, storageBatchSize(query.limit)) as {
        rows: { ticket_id: string; data: string }[];
        lag: number;
      };
      if (lag > OUTBOX_LAG && !db.inTransaction) {
        try {
          advance.immediate(dueBefore);
        } catch (error) {
          // Only an optimization: a busy file moves it another time.
          if (!isBusy(error)) throw error;
        }
      }
      return rows.map(
        (row) => ({ ...(JSON.parse(row.data) as LogData).outbox, ticketId: row.ticket_id }) as OutboxMessage,
      );
    },

    async dispatchOutbox(request: OutboxDispatch): Promise<boolean> {
      return dispatch.immediate(request) as boolean;
    },

    async deferOutbox(deferral: OutboxDeferral): Promise<void> {
      defer.immediate(deferral);
    },

    async claimDeliveries(request: DeliveryClaim): Promise<Delivery[]> {
      return claim.immediate(request) as Delivery[];
    },

    async updateDelivery(delivery: Delivery, claimedBy: string | null): Promise<boolean> {
      // One statement: the claim check and the write are one atomic step.
      return (
        sql(`UPDATE deliveries SET ticket_id = ?, status = ?, next_attempt_at = ?, claimed_by = ?,
            claimed_until = ?, created_at = ?, data = ?
          WHERE id = ? AND claimed_by IS ?`).run(
          ...deliveryColumns(delivery).slice(1),
          json(delivery),
          delivery.id,
          claimedBy,
        ).changes === 1
      );
    },

    async getDelivery(id: string): Promise<Delivery | null> {
      const row = sql('SELECT data FROM deliveries WHERE id = ?').pluck().get(id) as string | undefined;
      return row === undefined ? null : readDelivery(row);
    },

    async listDeliveries(query: DeliveryListQuery): Promise<Page<Delivery>> {
      // Newest first, in (created_at, id) order of one index: by ticket (a ticket's few deliveries,
      // with the status checked row by row when given), by status, or all of them.
      const where: string[] = [];
      const params: unknown[] = [];
      let index = 'deliveries_created';
      if (query.ticketId !== undefined) {
        index = 'deliveries_ticket';
        where.push('ticket_id = ?');
        params.push(query.ticketId);
      }
      if (query.status !== undefined) {
        if (query.ticketId === undefined) index = 'deliveries_status';
        where.push('status = ?');
        params.push(query.status);
      }
      if (query.cursor) {
        const [createdAt, id] = decodeCursor(query.cursor, ['number', 'string']);
        where.push('(created_at, id) < (?, ?)');
        params.push(createdAt, id);
      }
      const limit = storageBatchSize(query.limit);
      const rows = sql(`SELECT created_at, id, data FROM deliveries INDEXED BY ${index}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT ?`).all(...params, limit + 1) as {
        created_at: number;
        id: string;
        data: string;
      }[];
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => readDelivery(row.data)),
        nextCursor: rows.length > limit && last ? encodeCursor([last.created_at, last.id]) : null,
      };
    },
  };
}
