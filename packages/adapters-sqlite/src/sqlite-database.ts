/**
 * The part of a better-sqlite3 `Database` the adapter uses. Declared here so
 * that hosts passing their own connection need no extra type packages; any
 * better-sqlite3 12 `Database` fits.
 */
export interface SqliteDatabase {
  /** The file the connection opened (`:memory:` for an in-memory database). */
  readonly name: string;
  /** Whether the connection is open. */
  readonly open: boolean;
  /** Whether the connection is in the middle of a transaction. */
  readonly inTransaction: boolean;
  /** Compiles a statement. */
  prepare(source: string): SqliteStatement;
  /** Runs one or more statements without results. */
  exec(source: string): unknown;
  /** Runs a PRAGMA. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Wraps a function in BEGIN/COMMIT, rolling back when it throws. */
  // biome-ignore lint/suspicious/noExplicitAny: loose enough that better-sqlite3's own Database fits
  transaction(fn: (...args: any[]) => any): SqliteTransaction;
  /** Copies the database to a file with SQLite's online backup API. */
  backup(
    destination: string,
    options?: { progress?: (info: { totalPages: number; remainingPages: number }) => number },
  ): Promise<unknown>;
  /** Closes the connection. */
  close(): unknown;
}

/** A compiled statement. */
export interface SqliteStatement {
  /** Runs it, returning the change count and last row id. */
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  /** The first row, or `undefined`. */
  get(...params: unknown[]): unknown;
  /** Every row. */
  all(...params: unknown[]): unknown[];
  /** Return only the first column of each row. */
  pluck(toggle?: boolean): SqliteStatement;
}

/** A function wrapped by `Database.transaction()`. */
export interface SqliteTransaction {
  /** Runs it in `BEGIN`. */
  // biome-ignore lint/suspicious/noExplicitAny: the wrapped function's own parameters
  (...args: any[]): unknown;
  /** Runs it in `BEGIN IMMEDIATE`: takes the write lock first, so two writers never deadlock on an upgrade. */
  // biome-ignore lint/suspicious/noExplicitAny: the wrapped function's own parameters
  immediate(...args: any[]): unknown;
}
