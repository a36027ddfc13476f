import type { SqliteDatabase } from './sqlite-database.js';

/** Options of {@link sqliteStorage}. Pass `filename` or `database`. */
export interface SqliteStorageOptions {
  /** Path of the database file, created (with its folder) when missing; `':memory:'` for a throwaway database. */
  filename?: string;
  /**
   * Your own better-sqlite3 `Database`. The adapter sets its pragmas and
   * migrates its schema, and never closes it: it is yours.
   */
  database?: SqliteDatabase;
  /**
   * `'NORMAL'`: in WAL mode a commit survives a process crash, and a power
   * loss can lose the last commits (never corrupt the file). `'FULL'`: every
   * commit is on disk before it is acknowledged, at the cost of an fsync each.
   * @default 'NORMAL'
   */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * How long a write waits for another connection's write lock, in milliseconds.
   * @default 5000
   */
  busyTimeout?: number;
  /**
   * SQLite's page cache for this connection, in KiB. Large desks write
   * faster with a cache that holds their hot indexes.
   * @default 65536 (64 MiB)
   */
  cacheSize?: number;
  /**
   * How much of the file to read through memory-mapped I/O, in bytes (`0`
   * turns it off). Reads of a large file skip a system call each.
   * @default 268435456 (256 MiB)
   */
  mmapSize?: number;
  /**
   * Search ranks the most recent this many matching thread entries (subject
   * and number words count three times), which keeps a search for a common
   * word as fast as one for a rare word at any size.
   * @default 500
   */
  searchWindow?: number;
  /**
   * Writes the change sets that arrive in one turn of the event loop in one
   * transaction (each acknowledged only once the transaction is committed;
   * one that fails fails alone): under concurrent load most of a write's
   * cost, the commit, is shared. `false` commits every change set on its own.
   * @default true
   */
  groupCommit?: boolean;
  /**
   * Runs a worker thread with a connection of its own that copies the
   * write-ahead log into the database file (SQLite's checkpoint, with its
   * fsync) every 100 ms, so that no request waits for it. `false`: the
   * commit that crosses 1,000 WAL pages checkpoints, as SQLite does.
   * @default true for a file the adapter opens; false for your own `database`
   */
  background?: boolean;
  /**
   * Runs the adapter's writes (commits, outbox dispatch, leases, directory
   * records) in a worker thread with a connection of its own; reads stay on
   * this thread's connection. A commit then costs the event loop one message
   * instead of its statements and its write to the WAL, and a busy desk uses a
   * second core. Inside a transaction of yours on `database`, writes still run
   * here, as part of it. Only for a file the adapter opens.
   * @default false
   */
  writeThread?: boolean;
}
