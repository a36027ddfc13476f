import { TicketkitError } from '@ticketkit/core';
import type { PgPool, PgPoolClient, PgQueryable } from './pg-types.js';
import { isConnectionError, isRetryable, toTicketkitError } from './postgres-errors.js';

/**
 * What every concern module of the adapter works with: the pool, the
 * schema's qualified table names, and transactions on one client.
 */
export interface PostgresContext {
  /** The schema name, as given. */
  readonly schema: string;
  /** The schema name quoted for SQL. */
  readonly quotedSchema: string;
  /** A table of the schema, quoted and qualified: `"ticketkit"."tickets"`. */
  table(name: string): string;
  /** The NOTIFY channel of the schema (one per desk). */
  readonly channel: string;
  /** The pool (opened on first use when the adapter was given a connection string). */
  pool(): Promise<PgPool>;
  /** Runs one statement on any free connection; errors come back mapped to `TicketkitError` codes. */
  query<Row = Record<string, unknown>>(action: string, text: string, values?: readonly unknown[]): Promise<Row[]>;
  /** Like `query`, returning how many rows the statement touched. */
  execute(action: string, text: string, values?: readonly unknown[]): Promise<number>;
  /**
   * Runs `work`, which sends one statement, on any free connection, without
   * BEGIN and COMMIT (one statement is a transaction of its own). A deadlock
   * is retried as `transaction` retries it. Errors come back mapped.
   */
  statement<T>(action: string, work: (queryable: PgQueryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work` inside `BEGIN … COMMIT` on one client. A serialization
   * failure or deadlock rolls back and runs `work` again (up to 3 times), so
   * `work` must only write through its client. Errors come back mapped.
   */
  transaction<T>(action: string, work: (client: PgQueryable) => Promise<T>): Promise<T>;
}

/** Quotes an SQL identifier. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const RETRIES = 3;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the context of one adapter over a pool (or a promise of one). */
export function createPostgresContext(schema: string, getPool: () => Promise<PgPool>): PostgresContext {
  const prefix = `${quoteIdent(schema)}.`;
  async function checkout(action: string): Promise<PgPoolClient> {
    const pool = await getPool();
    try {
      return await pool.connect();
    } catch (error) {
      throw toTicketkitError(error, action);
    }
  }
  return {
    schema,
    quotedSchema: quoteIdent(schema),
    table: (name) => `${prefix}${quoteIdent(name)}`,
    channel: `ticketkit:${schema}`,
    pool: getPool,

    async query<Row>(action: string, text: string, values: readonly unknown[] = []) {
      const pool = await getPool();
      try {
        return (await pool.query<Row>(text, values)).rows;
      } catch (error) {
        throw toTicketkitError(error, action);
      }
    },

    async execute(action, text, values = []) {
      const pool = await getPool();
      try {
        return (await pool.query(text, values)).rowCount ?? 0;
      } catch (error) {
        throw toTicketkitError(error, action);
      }
    },

    async statement(action, work) {
      const pool = await getPool();
      for (let attempt = 1; ; attempt++) {
        try {
          return await work(pool);
        } catch (error) {
          if (isRetryable(error) && attempt < RETRIES) {
            await pause(attempt * (5 + Math.random() * 10));
            continue;
          }
          throw toTicketkitError(error, action);
        }
      }
    },

    async transaction(action, work) {
      for (let attempt = 1; ; attempt++) {
        const client = await checkout(action);
        let broken: Error | undefined;
        // A checked-out connection that breaks between two statements (a server restart) emits 'error':
        // unheard, that crashes the process. The next statement then fails and is reported as usual.
        const heard = (error: Error) => {
          broken = error;
        };
        client.on('error', heard);
        try {
          await client.query('BEGIN');
          const result = await work(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          if (isConnectionError(error)) {
            // The connection is gone (or its state unknown): the pool must close it, not hand it out again.
            broken = error instanceof Error ? error : new Error(String(error));
          } else {
            try {
              await client.query('ROLLBACK');
            } catch (rollbackError) {
              broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
            }
          }
          if (isRetryable(error) && attempt < RETRIES) {
            await pause(attempt * (5 + Math.random() * 10));
            continue;
          }
          throw toTicketkitError(error, action);
        } finally {
          client.removeListener('error', heard);
          client.release(broken ?? false);
        }
      }
    },
  };
}

/** Refuses a schema name that is not a plain identifier, naming the option. */
export function checkSchemaName(schema: unknown): string {
  if (typeof schema !== 'string' || !/^[a-z_][a-z0-9_]{0,47}$/.test(schema)) {
    throw new TicketkitError(
      'VALIDATION_FAILED',
      'postgresStorage: schema must be a lower-case SQL identifier (letters, digits, _; at most 48 characters)',
      { issues: [{ path: ['schema'], message: 'must match /^[a-z_][a-z0-9_]{0,47}$/' }] },
    );
  }
  return schema;
}
