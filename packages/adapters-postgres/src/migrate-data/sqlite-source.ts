import { existsSync } from 'node:fs';
import {
  type AccessTokenRecord,
  type AuditEvent,
  type Delivery,
  type OutboxMessage,
  type ThreadEntry,
  type Ticket,
  TicketkitError,
} from '@ticketkit/core';

/** The part of a better-sqlite3 connection the copy reads through. */
interface SourceDatabase {
  prepare(source: string): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
}

/** What `@ticketkit/adapter-sqlite` offers the copy: its storage, with the connection. */
interface SqliteAdapterModule {
  sqliteStorage(options: { filename: string }): {
    readonly database: SourceDatabase;
    init(): Promise<void>;
    close(): Promise<void>;
  };
}

/** Tickets in commit order with everything that belongs to them: what one copy transaction writes. */
export interface TicketBatch {
  /** The tickets, in the source's order. */
  tickets: Ticket[];
  /** Their thread entries, in commit order. */
  entries: ThreadEntry[];
  /** Their audit events, in commit order. */
  audit: AuditEvent[];
  /** Their outbox messages (any status), in commit order. */
  outbox: OutboxMessage[];
  /** Their deliveries, oldest first. */
  deliveries: Delivery[];
  /** Their customer access tokens. */
  accessTokens: AccessTokenRecord[];
  /** Where the next batch starts (the last ticket's row number). */
  last: number;
}

/** An idempotency key as both adapters hold it. */
export interface IdempotencyRow {
  /** The key's scope. */
  scope: string;
  /** The key. */
  key: string;
  /** When it was stored, in milliseconds. */
  createdAt: number;
  /** The stored result. */
  data: unknown;
}

/** A directory record (department, agent, team, …). */
export interface DirectoryRow {
  /** What kind of record. */
  kind: string;
  /** Its id. */
  id: string;
  /** The record. */
  data: unknown;
}

/** A SQLite desk read for the copy, table by table, in pages. */
export interface SqliteSource {
  /** How many tickets the desk holds. */
  ticketCount(): number;
  /** The tickets after row `after` (0 first), at most `limit`, with what belongs to them; `null` at the end. */
  ticketBatch(after: number, limit: number): TicketBatch | null;
  /** The tickets with these ids (those that exist). */
  ticketsById(ids: readonly string[]): Map<string, Ticket>;
  /** Every idempotency key. */
  idempotencyKeys(): IdempotencyRow[];
  /** Every directory record. */
  directory(): DirectoryRow[];
  /** Every named counter (ticket numbers and the like). */
  sequences(): { name: string; value: number }[];
  /** The non-empty cells of the ticket count table. */
  countCells(): Record<string, string | number>[];
  /** Closes the file. */
  close(): Promise<void>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

interface LogRow {
  id: string;
  kind: 'entry' | 'change';
  body: string | null;
  data: string;
  ticket_id: string;
}

/**
 * Opens a SQLite desk through `@ticketkit/adapter-sqlite` (an optional peer
 * of this package, loaded only here). Opening brings the file to the SQLite
 * adapter's current schema, as opening a desk on it would.
 */
export async function openSqliteSource(
  filename: string,
  // How the SQLite adapter is loaded: a test passes one that fails, as a missing package does.
  load: () => Promise<unknown> = () => import('@ticketkit/adapter-sqlite'),
): Promise<SqliteSource> {
  if (!existsSync(filename)) {
    throw new TicketkitError('VALIDATION_FAILED', `from: no SQLite desk at ${filename}`, {
      issues: [{ path: ['from'], message: `no file at ${filename}` }],
    });
  }
  let adapter: SqliteAdapterModule;
  try {
    adapter = (await load()) as SqliteAdapterModule;
  } catch (error) {
    throw new TicketkitError(
      'STORAGE_FAILED',
      'ticketkit migrate-data reads the SQLite desk through @ticketkit/adapter-sqlite: install it with `npm install @ticketkit/adapter-sqlite better-sqlite3`',
      { cause: error },
    );
  }
  const storage = adapter.sqliteStorage({ filename });
  await storage.init();
  const db = storage.database;
  const all = <T>(text: string, ...params: unknown[]) => db.prepare(text).all(...params) as T[];
  const parse = <T>(text: string) => JSON.parse(text) as T;

  return {
    ticketCount: () => Number((db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n),

    ticketBatch(after, limit) {
      const rows = all<{ seq: number; data: string }>(
        'SELECT seq, data FROM tickets WHERE seq > ? ORDER BY seq LIMIT ?',
        after,
        limit,
      );
      const lastRow = rows.at(-1);
      if (!lastRow) return null;
      const batch: TicketBatch = {
        tickets: rows.map((row) => parse<Ticket>(row.data)),
        entries: [],
        audit: [],
        outbox: [],
        deliveries: [],
        accessTokens: [],
        last: lastRow.seq,
      };
      const log = all<LogRow>(
        `SELECT log.id, log.kind, log.body, log.data, t.id AS ticket_id
          FROM ticket_log log JOIN tickets t ON t.seq = log.ticket_seq
          WHERE log.ticket_seq > ? AND log.ticket_seq <= ? ORDER BY log.seq`,
        after,
        lastRow.seq,
      );
      for (const row of log) {
        const data = parse<{ entry?: object; audit?: object; outbox?: object }>(row.data);
        const ticketId = row.ticket_id;
        if (row.kind === 'entry')
          batch.entries.push({ id: row.id, ticketId, ...data.entry, body: row.body } as ThreadEntry);
        if (data.audit) batch.audit.push({ ...data.audit, ticketId } as AuditEvent);
        if (data.outbox) batch.outbox.push({ ...data.outbox, ticketId } as OutboxMessage);
      }
      const ofBatch = 'ticket_id IN (SELECT id FROM tickets WHERE seq > ? AND seq <= ?)';
      batch.deliveries = all<{ data: string }>(
        `SELECT data FROM deliveries WHERE ${ofBatch} ORDER BY seq`,
        after,
        lastRow.seq,
      ).map((row) => parse<Delivery>(row.data));
      batch.accessTokens = all<{
        hash: string;
        ticket_id: string;
        created_at: number;
        expires_at: number | null;
        revoked_at: number | null;
      }>(
        `SELECT hash, ticket_id, created_at, expires_at, revoked_at FROM access_tokens WHERE ${ofBatch} ORDER BY hash`,
        after,
        lastRow.seq,
      ).map((row) => ({
        hash: row.hash,
        ticketId: row.ticket_id,
        createdAt: iso(row.created_at) as string,
        expiresAt: iso(row.expires_at),
        revokedAt: iso(row.revoked_at),
      }));
      return batch;
    },

    ticketsById(ids) {
      const found = new Map<string, Ticket>();
      if (ids.length === 0) return found;
      const rows = all<{ id: string; data: string }>(
        `SELECT id, data FROM tickets WHERE id IN (${ids.map(() => '?').join(', ')})`,
        ...ids,
      );
      for (const row of rows) found.set(row.id, parse<Ticket>(row.data));
      return found;
    },

    idempotencyKeys: () =>
      all<{ scope: string; key: string; created_at: number; data: string }>(
        'SELECT scope, key, created_at, data FROM idempotency_keys ORDER BY scope, key',
      ).map((row) => ({ scope: row.scope, key: row.key, createdAt: row.created_at, data: parse(row.data) })),

    directory: () =>
      all<{ kind: string; id: string; data: string }>('SELECT kind, id, data FROM directory ORDER BY kind, id').map(
        (row) => ({ kind: row.kind, id: row.id, data: parse(row.data) }),
      ),

    sequences: () =>
      all<{ name: string; value: number }>('SELECT name, value FROM sequences ORDER BY name').map((row) => ({
        name: row.name,
        value: Number(row.value),
      })),

    countCells: () =>
      all<Record<string, string | number>>(
        'SELECT department_id, status, sla_state, assignee_id, team_id, n FROM ticket_counts WHERE n > 0',
      ).map((cell) => ({ ...cell, n: Number(cell.n) })),

    close: () => storage.close(),
  };
}
