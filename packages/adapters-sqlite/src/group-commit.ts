import type { SqliteDatabase } from './sqlite-database.js';

/** How many change sets one transaction holds at most: bounds how long a batch keeps the write lock. */
export const MAX_GROUP = 256;

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the change sets that reach `commit` in one turn of the event
 * loop are written in one transaction.
 *
 * Most of a small write's cost in WAL mode is the commit itself — every page
 * it touched is appended to the WAL (a new ticket touches some thirty: the
 * row, each queue index, the log, the full-text index), and consecutive
 * tickets touch mostly the same pages. Under concurrent load, one commit for
 * many change sets writes those shared pages once.
 *
 * Every promise settles only after the transaction is committed, so an
 * acknowledged change is as durable as before. A change set that fails
 * (a taken number, a version conflict) rejects alone: the transaction is
 * rolled back and the group written again, each change set in a savepoint of
 * its own. One that follows it in the batch sees the state without it,
 * exactly as if they had been committed one after the other. If the
 * transaction itself fails (disk full, I/O error), every change set in it
 * rejects with that error and none is written.
 *
 * @param write writes one change set; run inside a transaction it must use a
 *   savepoint (better-sqlite3's `db.transaction()` functions do).
 * @param writeAlone writes one change set without a savepoint: a group of one
 *   (every command of a quiet desk) needs none, its transaction is its own.
 * @param mapError turns a driver error into the one the caller sees.
 * @param onCommitted is told how many change sets each transaction wrote.
 * @param busyTimeoutMs how long a batch waits for the write lock before it fails.
 */
export function groupCommit<T>(
  db: SqliteDatabase,
  write: (item: T) => void,
  writeAlone: (item: T) => void,
  mapError: (error: unknown) => unknown,
  onCommitted: (count: number) => void,
  busyTimeoutMs: number,
): { commit(item: T): Promise<void>; flush(): void } {
  const queue: Waiting<T>[] = [];
  let scheduled = false;

  // When the write lock is taken (another process, a connection of the host's), the batch waits on a timer
  // rather than in SQLite's busy handler, which would sleep on the event loop: requests keep being read meanwhile.
  let waitingSince: number | undefined;

  // Prepared once: exec() and pragma() would parse the statement anew on every batch.
  const statement = (source: string) => {
    let prepared: ReturnType<SqliteDatabase['prepare']> | undefined;
    return () => {
      prepared ??= db.prepare(source);
      prepared.run();
    };
  };
  const beginImmediate = statement('BEGIN IMMEDIATE');
  const commitTransaction = statement('COMMIT');
  const rollbackTransaction = statement('ROLLBACK');
  const noBusyWait = statement('PRAGMA busy_timeout = 0');
  const busyWait = statement(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);

  function begin(): 'begun' | 'busy' {
    noBusyWait();
    try {
      beginImmediate();
      return 'begun';
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return 'busy';
      throw error;
    } finally {
      busyWait();
    }
  }

  function flush() {
    scheduled = false;
    if (queue.length === 0) return;
    // Inside a transaction of the host's, each change set becomes a savepoint of it, committed with it.
    const own = !db.inTransaction;
    if (own) {
      let state: 'begun' | 'busy';
      try {
        state = begin();
      } catch (error) {
        failAll(queue.splice(0, MAX_GROUP), error);
        if (queue.length > 0) schedule();
        return;
      }
      if (state === 'busy') {
        const now = Date.now();
        waitingSince ??= now;
        if (now - waitingSince < busyTimeoutMs) {
          scheduled = true;
          setTimeout(flush, 1);
          return;
        }
        waitingSince = undefined;
        failAll(queue.splice(0, MAX_GROUP), new Error(`database is locked: no write lock within ${busyTimeoutMs} ms`));
        if (queue.length > 0) schedule();
        return;
      }
      waitingSince = undefined;
    }
    if (queue.length > MAX_GROUP) schedule();
    writeBatch(queue.splice(0, MAX_GROUP), own);
  }

  /** Writes a batch in the transaction just begun (`own`), or in the host's; settles every promise. */
  function writeBatch(batch: Waiting<T>[], own: boolean) {
    const [only] = batch;
    if (own && batch.length === 1 && only) {
      try {
        writeAlone(only.item);
        commitTransaction();
      } catch (error) {
        if (db.inTransaction) rollbackTransaction();
        return failAll(batch, error);
      }
      onCommitted(1);
      return only.resolve();
    }
    let outcomes: unknown[] | undefined;
    if (own) {
      // Optimistically, the group with no savepoint at all: they almost always all succeed. A savepoint is not
      // free: while one is open, SQLite copies every page a write first touches into a journal, so that it can
      // roll back to it (measured: a sixth of an intake's cost at 20 at a time). When one change set fails, the
      // transaction is rolled back and the group written again, each in a savepoint of its own, so that the
      // failure is its own alone.
      try {
        for (const waiting of batch) writeAlone(waiting.item);
        outcomes = batch.map(() => undefined);
      } catch {
        if (db.inTransaction) rollbackTransaction();
        try {
          // Rare (a taken number, a version conflict), so the lock is waited for in SQLite's busy handler.
          beginImmediate();
        } catch (error) {
          return failAll(batch, error);
        }
      }
    }
    if (!outcomes) {
      outcomes = [];
      for (const waiting of batch) {
        try {
          write(waiting.item);
          outcomes.push(undefined);
        } catch (error) {
          outcomes.push(mapError(error));
          // SQLite rolls the whole transaction back on some errors (disk full, I/O): what was written is gone.
          if (own && !db.inTransaction) return failAll(batch, error);
        }
      }
    }
    if (own) {
      try {
        commitTransaction();
      } catch (error) {
        if (db.inTransaction) rollbackTransaction();
        return failAll(batch, error);
      }
    }
    const settled = outcomes;
    onCommitted(settled.filter((outcome) => outcome === undefined).length);
    for (const [index, waiting] of batch.entries()) {
      const outcome = settled[index];
      if (outcome === undefined) waiting.resolve();
      else waiting.reject(outcome);
    }
  }

  /** The transaction is lost: every change set in it fails, those written before the failure too. */
  function failAll(batch: Waiting<T>[], error: unknown) {
    const mapped = mapError(error);
    for (const waiting of batch) waiting.reject(mapped);
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    // setImmediate runs after the poll phase: every request whose I/O arrived in this turn has had its chance
    // to reach commit, however many awaits it took to get there.
    setImmediate(flush);
  }

  return {
    commit: (item) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      }),
    /** Writes everything waiting now (before the connection closes), waiting for the lock in SQLite's busy handler. */
    flush() {
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_GROUP);
        const own = !db.inTransaction;
        try {
          if (own) beginImmediate();
        } catch (error) {
          failAll(batch, error);
          continue;
        }
        writeBatch(batch, own);
      }
    },
  };
}
