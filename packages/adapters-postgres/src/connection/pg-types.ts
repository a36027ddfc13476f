/**
 * The few shapes of `pg` the adapter uses, written out here so that its
 * types need neither `pg` nor `@types/pg` installed: any `pg.Pool` fits.
 */

/** The result of one query: its rows and how many rows it touched. */
export interface PgQueryResult<Row = Record<string, unknown>> {
  /** The rows, one object per row. */
  rows: Row[];
  /** Rows inserted, updated, deleted or returned. */
  rowCount: number | null;
}

/** A notification a `LISTEN`ing connection received. */
export interface PgNotification {
  /** The channel it was sent on. */
  channel: string;
  /** Its payload. */
  payload?: string;
}

/** Something that runs a parameterized query: a pool or one of its clients. */
export interface PgQueryable {
  /** Runs `text` with `$1`… bound to `values`. */
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<PgQueryResult<Row>>;
}

/** One connection checked out of a pool. */
export interface PgPoolClient extends PgQueryable {
  /** Gives it back; with an error, the pool closes it instead of reusing it. */
  release(error?: Error | boolean): void;
  /** Listens for `notification` (after `LISTEN`) and `error` (the connection broke). */
  on(event: 'notification', listener: (message: PgNotification) => void): unknown;
  /** Listens for `error`: the connection broke while idle. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops listening for notifications. */
  removeListener(event: 'notification', listener: (message: PgNotification) => void): unknown;
  /** Stops listening for errors. */
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/** A `pg.Pool`, or anything that behaves like one. */
export interface PgPool extends PgQueryable {
  /** Checks a connection out; give it back with `release()`. */
  connect(): Promise<PgPoolClient>;
  /** Closes every connection. */
  end(): Promise<void>;
  /** Listens for `error`: an idle connection broke. */
  on(event: 'error', listener: (error: Error) => void): unknown;
}
