import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditEvent,
  type Delivery,
  type IdempotencyRecord,
  type OutboxMessage,
  queuePosition,
  type ThreadEntry,
  type Ticket,
} from '@ticketkit/core';
import type { StorageBackdoor } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';
import { type SqliteStorageOptions, sqliteStorage } from '../../src/index.js';

/** A fresh directory for database files, removed by `cleanup`. */
export function tempDirectory(prefix = 'ticketkit-sqlite-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name = 'desk.db') => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Reads a ticketkit SQLite file through a second, read-only connection with
 * hand-written SQL — never through the adapter — for the conformance kit.
 */
export function sqliteBackdoor(filename: string): StorageBackdoor & { close(): void; raw: Database.Database } {
  const raw = new Database(filename, { readonly: true, fileMustExist: true });
  const parse = <T>(text: string) => JSON.parse(text) as T;
  const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
  // The columns beside the JSON must say what the JSON says: a write that updates one but not the
  // other fails the suite here.
  const inStep = (what: string, columns: Record<string, unknown>, expected: Record<string, unknown>) => {
    for (const [name, value] of Object.entries(columns)) {
      if (value !== expected[name]) {
        throw new Error(`${what}: column ${name} is ${String(value)}, its JSON says ${String(expected[name])}`);
      }
    }
  };
  // A log row holds an entry, an audit event and an outbox message, each when there is one.
  // It leaves out what the row's columns and ticket say: ids, the ticket id, the body.
  type LogRow = { entry?: object; audit?: object; outbox?: Omit<OutboxMessage, 'ticketId'> };
  const logRows = async (ticketId: string) =>
    (
      raw
        .prepare(
          'SELECT seq, status, due_at, data FROM ticket_log WHERE ticket_seq = (SELECT seq FROM tickets WHERE id = ?) ORDER BY seq',
        )
        .all(ticketId) as { seq: number; status: string | null; due_at: number | null; data: string }[]
    ).map((row) => {
      const data = parse<LogRow>(row.data);
      inStep(
        `ticket_log row ${row.seq}`,
        { status: row.status, due_at: row.due_at },
        {
          status: data.outbox?.status ?? null,
          due_at: data.outbox ? ms(data.outbox.nextAttemptAt) : null,
        },
      );
      return data;
    });
  return {
    raw,
    close: () => raw.close(),
    async ticket(id) {
      const row = raw.prepare('SELECT priority_rank, due_at, data FROM tickets WHERE id = ?').get(id) as
        | { priority_rank: number; due_at: number; data: string }
        | undefined;
      if (!row) return null;
      const ticket = parse<Ticket>(row.data);
      // The `priority` order's columns: core's queue position, no due time stored as the largest Date.
      const position = queuePosition(ticket);
      inStep(
        `ticket ${id}`,
        { priority_rank: row.priority_rank, due_at: row.due_at },
        { priority_rank: position.rank, due_at: position.dueAt === null ? 8_640_000_000_000_000 : ms(position.dueAt) },
      );
      return ticket;
    },
    async thread(ticketId) {
      const rows = raw
        .prepare(
          "SELECT id, body, data FROM ticket_log WHERE kind = 'entry' AND ticket_seq = (SELECT seq FROM tickets WHERE id = ?) ORDER BY seq",
        )
        .all(ticketId) as { id: string; body: string; data: string }[];
      return rows.map(
        (row) => ({ id: row.id, ticketId, ...parse<{ entry: object }>(row.data).entry, body: row.body }) as ThreadEntry,
      );
    },
    async audit(ticketId) {
      return (await logRows(ticketId)).flatMap((row) => (row.audit ? [{ ...row.audit, ticketId } as AuditEvent] : []));
    },
    async outbox(ticketId) {
      return (await logRows(ticketId)).flatMap((row) =>
        row.outbox ? [{ ...row.outbox, ticketId } as OutboxMessage] : [],
      );
    },
    async deliveries(ticketId) {
      const rows = raw
        .prepare(
          `SELECT ticket_id, status, next_attempt_at, claimed_by, claimed_until, created_at, data
          FROM deliveries WHERE ticket_id = ? ORDER BY seq`,
        )
        .all(ticketId) as {
        ticket_id: string;
        status: string;
        next_attempt_at: number;
        claimed_by: string | null;
        claimed_until: number | null;
        created_at: number;
        data: string;
      }[];
      return rows.map(({ data, ...columns }) => {
        const delivery = parse<Delivery>(data);
        inStep(`delivery ${delivery.id}`, columns, {
          ticket_id: delivery.ticketId,
          status: delivery.status,
          next_attempt_at: ms(delivery.nextAttemptAt),
          claimed_by: delivery.claimedBy,
          claimed_until: ms(delivery.claimedUntil),
          created_at: ms(delivery.createdAt),
        });
        return delivery;
      });
    },
    async accessToken(hash) {
      const row = raw
        .prepare('SELECT hash, ticket_id, created_at, expires_at, revoked_at FROM access_tokens WHERE hash = ?')
        .get(hash) as
        | { hash: string; ticket_id: string; created_at: number; expires_at: number | null; revoked_at: number | null }
        | undefined;
      const iso = (value: number | null) => (value === null ? null : new Date(value).toISOString());
      return row
        ? {
            hash: row.hash,
            ticketId: row.ticket_id,
            createdAt: new Date(row.created_at).toISOString(),
            expiresAt: iso(row.expires_at),
            revokedAt: iso(row.revoked_at),
          }
        : null;
    },
    async idempotency(scope, key) {
      const row = raw
        .prepare('SELECT data FROM idempotency_keys WHERE scope = ? AND key = ?')
        .pluck()
        .get(scope, key) as string | undefined;
      return row ? parse<IdempotencyRecord>(row) : null;
    },
    async counts() {
      const count = (sql: string) => Number(raw.prepare(sql).pluck().get());
      const log = (json: string) =>
        count(`SELECT count(*) FROM ticket_log WHERE json_extract(data, '$.${json}') IS NOT NULL`);
      return {
        tickets: count('SELECT count(*) FROM tickets'),
        thread: log('entry'),
        audit: log('audit'),
        outbox: log('outbox'),
        idempotency: count('SELECT count(*) FROM idempotency_keys'),
      };
    },
  };
}

/**
 * What `runStorageConformance` runs each test against: a new file with an
 * adapter of these options and a backdoor beside it.
 */
export function conformanceTarget(options: Omit<SqliteStorageOptions, 'filename' | 'database'> = {}) {
  return async () => {
    const temp = tempDirectory();
    const adapter = sqliteStorage({ filename: temp.file(), ...options });
    // The file must have its schema before the read-only backdoor connection opens it.
    await adapter.init();
    const backdoor = sqliteBackdoor(temp.file());
    return {
      adapter,
      backdoor,
      cleanup: async () => {
        backdoor.close();
        await adapter.close();
        temp.cleanup();
      },
    };
  };
}
