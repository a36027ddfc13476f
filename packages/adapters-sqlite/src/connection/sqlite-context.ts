import type { Ticket } from '@ticketkit/core';
import type { SqliteDatabase, SqliteStatement } from '../sqlite-database.js';

/**
 * What every concern module of the adapter works with: the connection and
 * its statements, each prepared once (the first time its text is used) and
 * reused by every call after.
 */
export interface SqliteContext {
  /** The connection: reads run on it, and writes unless a write thread takes them. */
  readonly db: SqliteDatabase;
  /** The statement of `source`, prepared on first use and cached for the connection's life. */
  sql(source: string): SqliteStatement;
}

/** The context of a connection (one statement cache per adapter). */
export function createSqliteContext(db: SqliteDatabase): SqliteContext {
  const statements = new Map<string, SqliteStatement>();
  return {
    db,
    sql(source) {
      let statement = statements.get(source);
      if (!statement) {
        statement = db.prepare(source);
        statements.set(source, statement);
      }
      return statement;
    },
  };
}

/** A value as the `data` column stores it. */
export const json = (value: unknown): string => JSON.stringify(value);

/** An ISO 8601 time as the adapter's time columns store it: milliseconds since the epoch. */
export const ms = (iso: string): number => Date.parse(iso);

/** The ticket in a row's `data` column. */
export const readTicket = (row: unknown): Ticket => JSON.parse((row as { data: string }).data) as Ticket;
