import {
  type AccessTokenRecord,
  type Delivery,
  type DeliveryClaim,
  type DeliveryListQuery,
  type DueTicketClaim,
  type DueTicketQuery,
  type LeaseRequest,
  localChangeListeners,
  type OutboxDeferral,
  type OutboxDispatch,
  type OutboxMessage,
  type OutboxQuery,
  type Page,
  type StorageAdapter,
  type StorageChangeListener,
  type Ticket,
  type TicketFilter,
  TicketkitError,
  type TicketSearchQuery,
  type Unsubscribe,
} from '@ticketkit/core';
import { accessTokens } from './access-tokens.js';
import { type BackgroundWorker, startBackgroundWorker } from './background-worker.js';
import { createSqliteContext } from './connection/sqlite-context.js';
import { toConflict } from './connection/sqlite-errors.js';
import { directory } from './directory.js';
import { groupCommit } from './group-commit.js';
import { idempotency } from './idempotency.js';
import { migrate } from './migrations/migrate.js';
import { ensureFolderOf, openDatabase } from './open-database.js';
import { outboxAndDeliveries } from './outbox-and-deliveries.js';
import { queuesAndCounts } from './queues-and-counts.js';
import { schedulerClaims } from './scheduler-claims.js';
import { search } from './search.js';
import type { SqliteDatabase } from './sqlite-database.js';
import type { SqliteStorageOptions } from './sqlite-storage-options.js';
import { threadAndAudit } from './thread-and-audit.js';
import { tickets } from './tickets.js';
import { startWriteThread, WRITE_METHODS, type WriteThread } from './write-thread.js';

export type { SqliteStorageOptions } from './sqlite-storage-options.js';

/** The SQLite adapter: a `StorageAdapter`, plus maintenance for the host. */
export interface SqliteStorage extends StorageAdapter {
  /** The connection, for backups, inspection and your own tables. */
  readonly database: SqliteDatabase;
  /** Runs the migrations (always present here; `createHelpDesk` calls it). */
  init(): Promise<void>;
  /** Closes the connection if the adapter opened it (always present here). */
  close(): Promise<void>;
  /** Counts from the per-cell count table (always present here). */
  countTickets(filters: Readonly<Record<string, TicketFilter>>): Promise<Record<string, number>>;
  /** Ranked FTS5 search (always present here). */
  searchTickets(query: TicketSearchQuery): Promise<Page<Ticket>>;
  /**
   * The scheduler's batch of due tickets (SLA checks, auto-close, reminders),
   * one range of the due-time index (always present here).
   */
  listDueTickets(query: DueTicketQuery): Promise<Ticket[]>;
  /**
   * Pending outbox messages due by `dueBefore`, in commit order: the deferred
   * messages the dispatch cursor has passed, then the log read forward from
   * the cursor (always present here). The outbox has no index: when the
   * cursor lags far behind the first due message (a long run of changes
   * without notifications), the read moves it up in a short write transaction.
   */
  listPendingOutbox(query: OutboxQuery): Promise<OutboxMessage[]>;
  /**
   * Marks a pending message `dispatched` and writes its deliveries in one
   * `BEGIN IMMEDIATE` transaction, so of concurrent dispatches in any number
   * of processes exactly one wins; `false`, writing nothing, when the message
   * is no longer pending. Throws when the ticket has no such message.
   */
  dispatchOutbox(dispatch: OutboxDispatch): Promise<boolean>;
  /**
   * Records a failed dispatch of a pending message in its log row (a message
   * that is no longer pending is left alone); a message to retry moves to the
   * deferred messages, out of the cursor's way.
   */
  deferOutbox(deferral: OutboxDeferral): Promise<void>;
  /**
   * Claims due, unclaimed (or lapsed) deliveries, earliest first, in one
   * `BEGIN IMMEDIATE` transaction: claims in other connections and processes
   * never overlap (always present here).
   */
  claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]>;
  /** Replaces a delivery if its stored `claimedBy` is `claimedBy`: one conditional UPDATE (always present here). */
  updateDelivery(delivery: Delivery, claimedBy: string | null): Promise<boolean>;
  /** One delivery, or `null` (always present here). */
  getDelivery(id: string): Promise<Delivery | null>;
  /**
   * Deliveries newest first, keyset-paginated; overall, by ticket and by
   * status each read one index range (always present here).
   */
  listDeliveries(query: DeliveryListQuery): Promise<Page<Delivery>>;
  /** Grants a lease with one conditional upsert (always present here). */
  acquireLease(lease: LeaseRequest): Promise<boolean>;
  /** Gives a lease back if `owner` holds it (always present here). */
  releaseLease(name: string, owner: string): Promise<void>;
  /** Claims due tickets for one scheduler in one `BEGIN IMMEDIATE` transaction (always present here). */
  claimDueTickets(claim: DueTicketClaim): Promise<Ticket[]>;
  /** Gives back a scheduler's claims on due tickets (always present here). */
  releaseDueTickets(ticketIds: readonly string[], owner: string): Promise<void>;
  /**
   * Hears every commit of this adapter, after it committed, in commit order
   * (always present here). Other processes on the same file are not heard.
   */
  subscribe(listener: StorageChangeListener): Promise<Unsubscribe>;
  /** Stores an access token's hash (always present here). */
  putAccessToken(record: AccessTokenRecord): Promise<void>;
  /** An access token's record by hash, one primary-key lookup (always present here). */
  getAccessToken(hash: string): Promise<AccessTokenRecord | null>;
  /** Revokes a ticket's tokens through a partial index of the unrevoked ones (always present here). */
  revokeAccessTokens(ticketId: string, at: string): Promise<number>;
  /** The schema version of the file (after `init`). */
  schemaVersion(): number;
  /** Refreshes the query planner's statistics (`ANALYZE`); run it after a bulk load. */
  optimize(): void;
  /** Copies the live database to `destination` with SQLite's online backup API, while the desk keeps working. */
  backup(destination: string): Promise<void>;
}

// When commits run `PRAGMA optimize`: first after this many, then ten times as many, at most this far apart.
const OPTIMIZE_FIRST = 100;
const OPTIMIZE_EVERY = 10_000;

/** Refuses an option of `sqliteStorage`, naming it. */
function refuse(field: keyof SqliteStorageOptions, message: string): never {
  throw new TicketkitError('VALIDATION_FAILED', `sqliteStorage: ${field} ${message}`, {
    issues: [{ path: [field], message }],
  });
}

/**
 * The embedded default storage: SQLite through better-sqlite3, in WAL mode
 * with foreign keys on. Pass a `filename` (or your own `database`);
 * `createHelpDesk` runs the migrations.
 *
 * @example
 * ```ts
 * import { createHelpDesk } from '@ticketkit/core';
 * import { sqliteStorage } from '@ticketkit/adapter-sqlite';
 *
 * const desk = await createHelpDesk({ storage: sqliteStorage({ filename: 'helpdesk.db' }) });
 * ```
 */
export function sqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  if (!options || (options.filename === undefined) === (options.database === undefined)) {
    throw new TicketkitError('VALIDATION_FAILED', 'sqliteStorage needs exactly one of filename or database', {
      issues: [{ path: ['filename'], message: 'give a filename or a database, not both or neither' }],
    });
  }
  const synchronous = options.synchronous ?? 'NORMAL';
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') refuse('synchronous', "must be 'NORMAL' or 'FULL'");
  for (const flag of ['groupCommit', 'background', 'writeThread'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') refuse(flag, 'must be true or false');
  }
  const wantsWriteThread = options.writeThread === true;
  if (wantsWriteThread && (!options.filename || options.filename === ':memory:')) {
    refuse('writeThread', 'needs a database file the adapter opens (a filename, not :memory: or your own database)');
  }
  // With a write thread, the thread's connection checkpoints: this one never writes the WAL.
  const wantsBackground = !wantsWriteThread && (options.background ?? options.filename !== undefined);
  const searchWindow = Math.max(1, Math.trunc(options.searchWindow ?? 500));
  const owned = options.database === undefined;
  const db: SqliteDatabase = options.database ?? openDatabase(options.filename as string);
  // The busy timeout first: switching a new file to WAL needs a lock another process may hold.
  const busyTimeout = Math.max(0, Math.trunc(options.busyTimeout ?? 5_000));
  db.pragma(`busy_timeout = ${busyTimeout}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  // Statement journals and sorts in memory rather than in temp files.
  db.pragma('temp_store = MEMORY');
  // Bounded, approximate statistics: ANALYZE and PRAGMA optimize stay fast on a file of any size.
  db.pragma('analysis_limit = 1000');
  db.pragma(`cache_size = ${-Math.max(1024, Math.trunc(options.cacheSize ?? 65_536))}`);
  db.pragma(`mmap_size = ${Math.max(0, Math.trunc(options.mmapSize ?? 268_435_456))}`);

  const context = createSqliteContext(db);
  // Only this adapter's commits are heard: SQLite cannot tell one process of another's (live events across
  // processes need PostgreSQL).
  const changeListeners = localChangeListeners((error) =>
    process.emitWarning(
      `ticketkit sqlite: a change listener threw: ${error instanceof Error ? error.message : String(error)}`,
    ),
  );
  let migrated = false;
  let commits = 0;
  let nextOptimize = OPTIMIZE_FIRST;

  const ticketParts = tickets(context);
  const { writeChanges } = ticketParts;
  // In a transaction already (a group, or the host's), better-sqlite3 runs it in a savepoint.
  const writeChangeSet = db.transaction(writeChanges);

  // Keep the planner's statistics current as the desk grows — after 100, 1,000 and 10,000 commits,
  // then every 10,000: a plan chosen on stale statistics can be many times slower. PRAGMA optimize
  // only re-analyzes tables that changed a lot, within the analysis limit.
  function committed(count: number) {
    commits += count;
    if (commits >= nextOptimize && !db.inTransaction) {
      nextOptimize = Math.min(commits * 10, commits + OPTIMIZE_EVERY);
      db.pragma('optimize');
    }
  }
  const groupCommits = options.groupCommit ?? true;
  const group = groupCommit(db, writeChangeSet, writeChanges, toConflict, committed, busyTimeout);
  let worker: BackgroundWorker | undefined;
  let writer: WriteThread | undefined;
  let closing: Promise<void> | undefined;

  const adapter: SqliteStorage = {
    id: 'sqlite',
    database: db,

    async init() {
      if (!migrated) {
        migrate(db);
        migrated = true;
      }
      // No ANALYZE here: statistics taken of a new, empty file mislead the planner later (measured:
      // inserts four times slower at 60,000 tickets). Commits refresh them as the desk grows.
      if (wantsBackground && !worker && db.name !== ':memory:' && db.name !== '') {
        worker = startBackgroundWorker(
          db,
          { synchronous, busyTimeout, intervalMs: 100, inlineAbovePages: 8_192 },
          (message) =>
            process.emitWarning(
              `ticketkit sqlite: the background checkpoint stopped (${message}); commits checkpoint again`,
            ),
        );
      }
      if (wantsWriteThread && !writer) {
        writer = await startWriteThread({
          filename: db.name,
          synchronous,
          busyTimeout,
          cacheSize: options.cacheSize,
          mmapSize: options.mmapSize,
          searchWindow: options.searchWindow,
          groupCommit: options.groupCommit,
          background: options.background,
        });
      }
    },

    close() {
      // Once: a second call while the threads wind down would close the connection under the first.
      closing ??= (async () => {
        if (!db.open) return;
        group.flush();
        await writer?.close();
        writer = undefined;
        await worker?.close();
        worker = undefined;
        if (commits >= OPTIMIZE_FIRST) db.pragma('optimize');
        if (owned) db.close();
      })();
      return closing;
    },

    schemaVersion() {
      return Number(db.prepare('SELECT coalesce(max(version), 0) FROM ticketkit_migrations').pluck().get());
    },

    optimize() {
      db.exec('ANALYZE');
    },

    async backup(destination) {
      ensureFolderOf(destination, 'destination');
      await db.backup(destination);
    },

    async commit(changes) {
      // Inside a transaction of the host's (a bulk import), the change set is a savepoint of it, written now.
      if (groupCommits && !db.inTransaction) return group.commit(changes);
      try {
        writeChangeSet.immediate(changes);
      } catch (error) {
        throw toConflict(error);
      }
      committed(1);
    },
    getTicket: ticketParts.getTicket,
    subscribe: changeListeners.subscribe,
    ...threadAndAudit(context),
    ...queuesAndCounts(context),
    ...search(context, searchWindow),
    ...outboxAndDeliveries(context),
    ...schedulerClaims(context),
    ...directory(context),
    ...idempotency(context),
    ...accessTokens(context),
  };
  if (wantsWriteThread) {
    for (const method of WRITE_METHODS) {
      const here = adapter[method] as (...args: unknown[]) => Promise<unknown>;
      // Before init and inside a transaction of the host's, the write runs here (in the host's case, as part of it).
      Object.assign(adapter, {
        [method]: (...args: unknown[]) =>
          writer && !db.inTransaction ? writer.call(method, args) : here.apply(adapter, args),
      });
    }
  }
  // Outermost, so every commit path (a group, the write thread, the host's transaction) is heard after it succeeds.
  const commit = adapter.commit;
  // Nobody listening (no server streaming from storage): the commit's own promise, not one more on the hot path.
  adapter.commit = (changes) =>
    changeListeners.listening ? commit(changes).then(() => changeListeners.announce(changes)) : commit(changes);
  return adapter;
}
