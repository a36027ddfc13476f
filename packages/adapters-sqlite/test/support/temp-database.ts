import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent, IdempotencyRecord, OutboxMessage, ThreadEntry, Ticket } from '@ticketkit/core';
import type { StorageBackdoor } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';

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
  return {
    raw,
    close: () => raw.close(),
    async ticket(id) {
      const row = raw.prepare('SELECT data FROM tickets WHERE id = ?').pluck().get(id) as string | undefined;
      return row ? parse<Ticket>(row) : null;
    },
    async thread(ticketId) {
      const rows = raw
        .prepare(
          'SELECT th.body, th.data FROM thread th WHERE th.ticket_seq = (SELECT seq FROM tickets WHERE id = ?) ORDER BY th.seq',
        )
        .all(ticketId) as { body: string; data: string }[];
      return rows.map((row) => ({ ...parse<Omit<ThreadEntry, 'body'>>(row.data), body: row.body }) as ThreadEntry);
    },
    async audit(ticketId) {
      const rows = raw
        .prepare('SELECT data FROM audit WHERE ticket_seq = (SELECT seq FROM tickets WHERE id = ?) ORDER BY seq')
        .pluck()
        .all(ticketId) as string[];
      return rows.map((row) => parse<AuditEvent>(row));
    },
    async outbox(ticketId) {
      const rows = raw
        .prepare('SELECT data FROM outbox WHERE ticket_seq = (SELECT seq FROM tickets WHERE id = ?) ORDER BY seq')
        .pluck()
        .all(ticketId) as string[];
      return rows.map((row) => parse<OutboxMessage>(row));
    },
    async idempotency(scope, key) {
      const row = raw
        .prepare('SELECT data FROM idempotency_keys WHERE scope = ? AND key = ?')
        .pluck()
        .get(scope, key) as string | undefined;
      return row ? parse<IdempotencyRecord>(row) : null;
    },
    async counts() {
      const count = (table: string) => Number(raw.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
      return {
        tickets: count('tickets'),
        thread: count('thread'),
        audit: count('audit'),
        outbox: count('outbox'),
        idempotency: count('idempotency_keys'),
      };
    },
  };
}
