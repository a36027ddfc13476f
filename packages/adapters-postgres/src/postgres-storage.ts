import {
  type DirectoryKind,
  type DirectoryRecords,
  type StorageAdapter,
  type StorageChangeListener,
  TicketkitError,
  type Unsubscribe,
} from '@ticketkit/core';
import { accessTokens } from './access-tokens.js';
import { changeNoticeSender } from './change-notice-sender.js';
import { changeFeed } from './change-notifications.js';
import { openPool } from './connection/load-pg.js';
import type { PgPool } from './connection/pg-types.js';
import { checkSchemaName, createPostgresContext } from './connection/postgres-context.js';
import { directory } from './directory.js';
import { idempotency } from './idempotency.js';
import { type MigrationResult, type MigrationState, migrate, migrationStatus } from './migrations/migrate.js';
import { outboxAndDeliveries } from './outbox-and-deliveries.js';
import { queuesAndCounts } from './queues-and-counts.js';
import { schedulerClaims } from './scheduler-claims.js';
import { search } from './search.js';
import { threadAndAudit } from './thread-and-audit.js';
import { tickets } from './tickets.js';

/** Options of {@link postgresStorage}. Pass `pool` or `connectionString`. */
export interface PostgresStorageOptions {
  /** Your own `pg` Pool. The adapter never closes it: it is yours. */
  pool?: PgPool;
  /** `postgres://…`: the adapter opens (and on `close()` ends) a pool of its own. Needs `pg` installed. */
  connectionString?: string;
  /**
   * Connections of the adapter's own pool (with `connectionString`). Each
   * server needs its own; leave room under PostgreSQL's `max_connections`.
   * @default 10
   */
  max?: number;
  /**
   * The PostgreSQL schema of the desk's tables, created when missing. Two
   * desks in one database use two schemas.
   * @default 'ticketkit'
   */
  schema?: string;
  /**
   * Runs the migrations in `init()`. `false`: the schema must already be up
   * to date (`ticketkit migrate up` in your deploy step), and `init()` only
   * checks that it is.
   * @default true
   */
  migrate?: boolean;
  /**
   * Full-text search configuration. `null` matches whole words exactly (case
   * and accents aside, every script), as the conformance kit checks; a
   * PostgreSQL text search configuration such as `'english'` stems words, so
   * "crash" finds "crashes". Set it before the first ticket: entries keep the
   * vector they were written with.
   * @default null
   */
  searchLanguage?: string | null;
  /**
   * Search ranks the most recent this many matching thread entries.
   * @default 500
   */
  searchWindow?: number;
  /**
   * How many of the newest thread entries (by commit order) a search reads
   * first; when they hold fewer than `searchWindow` matches it reads an
   * older, longer stretch, sized from the matches found, until the window is
   * full. Larger reads more at once (fewer round trips on a small desk),
   * smaller less (a common word needs only the newest few hundred entries).
   * @default 65536
   */
  searchFirstSpan?: number;
  /**
   * Called with errors the adapter cannot throw to anyone: the LISTEN
   * connection broke (it reconnects), a change listener threw.
   * @default process.emitWarning
   */
  onError?: (error: unknown) => void;
}

/** The PostgreSQL adapter: a `StorageAdapter` with every optional method, plus migrations and a change feed. */
export interface PostgresStorage
  extends Required<Omit<StorageAdapter, 'init' | 'close' | 'putRecord' | 'getRecord' | 'listRecords' | 'subscribe'>> {
  /** Runs the migrations under the advisory lock (or, with `migrate: false`, checks they ran). */
  init(): Promise<void>;
  /** Stops the change feed and ends the pool if the adapter opened it. */
  close(): Promise<void>;
  /** The schema the adapter works in. */
  readonly schema: string;
  /** The pool (opened on first use with `connectionString`). */
  pool(): Promise<PgPool>;
  /** Applies the migrations that are missing: what `init` and `ticketkit migrate up` do. */
  migrate(): Promise<MigrationResult>;
  /** Every migration, applied or pending: what `ticketkit migrate status` prints. */
  migrationStatus(): Promise<MigrationState[]>;
  /**
   * Calls `listener` for every ticket change committed on this schema by any
   * server (LISTEN/NOTIFY), and with `{ type: 'resync' }` after the listening
   * connection was lost and came back. Resolves once listening; the returned
   * function stops it. Holds one pool connection while anyone listens.
   */
  subscribe(listener: StorageChangeListener): Promise<Unsubscribe>;
  /** `true`: the change feed carries every server's commits. */
  readonly sharedChanges: true;
  /** Inserts or replaces a directory record by kind and id. */
  putRecord<K extends DirectoryKind>(kind: K, record: DirectoryRecords[K]): Promise<void>;
  /** One directory record, or `null`. */
  getRecord<K extends DirectoryKind>(kind: K, id: string): Promise<DirectoryRecords[K] | null>;
  /** Every record of a kind, ordered by id. */
  listRecords<K extends DirectoryKind>(kind: K): Promise<DirectoryRecords[K][]>;
}

function refuse(field: keyof PostgresStorageOptions, message: string): never {
  throw new TicketkitError('VALIDATION_FAILED', `postgresStorage: ${field} ${message}`, {
    issues: [{ path: [field], message }],
  });
}

/**
 * Storage for hosts that run several app servers on one PostgreSQL: the
 * same contract as the SQLite adapter, with claims taken by
 * `FOR UPDATE SKIP LOCKED`, migrations under an advisory lock and a change
 * feed over LISTEN/NOTIFY. Pass your `pg` Pool, or a connection string.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createHelpDesk } from '@ticketkit/core';
 * import { postgresStorage } from '@ticketkit/adapter-postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const desk = await createHelpDesk({ storage: postgresStorage({ pool }) });
 * ```
 */
export function postgresStorage(options: PostgresStorageOptions): PostgresStorage {
  if (!options || (options.pool === undefined) === (options.connectionString === undefined)) {
    refuse('pool', 'or connectionString: give exactly one of them');
  }
  if (options.pool !== undefined && typeof options.pool?.connect !== 'function') {
    refuse('pool', 'must be a pg Pool (an object with connect() and query())');
  }
  if (options.connectionString !== undefined && typeof options.connectionString !== 'string') {
    refuse('connectionString', 'must be a postgres:// URL');
  }
  const schema = checkSchemaName(options.schema ?? 'ticketkit');
  const language = options.searchLanguage ?? null;
  if (language !== null && (typeof language !== 'string' || !/^[a-z_][a-z0-9_.]*$/.test(language))) {
    refuse('searchLanguage', "must be null or a text search configuration name such as 'english'");
  }
  const wholeNumber = (field: 'searchWindow' | 'searchFirstSpan', fallback: number) => {
    const value = options[field] ?? fallback;
    if (!Number.isSafeInteger(value) || value < 1) refuse(field, 'must be a whole number of at least 1');
    return value;
  };
  const searchReading = { window: wholeNumber('searchWindow', 500), firstSpan: wholeNumber('searchFirstSpan', 65_536) };
  const onError =
    options.onError ??
    ((error: unknown) =>
      process.emitWarning(`ticketkit postgres: ${error instanceof Error ? error.message : String(error)}`));

  const owned = options.pool === undefined;
  let opening: Promise<PgPool> | null = options.pool ? Promise.resolve(options.pool) : null;
  const getPool = () => {
    opening ??= openPool({ connectionString: options.connectionString as string, max: options.max }).then((pool) => {
      // An idle connection of our own pool that breaks is replaced; without a listener it would crash the process.
      pool.on('error', onError);
      return pool;
    });
    return opening;
  };
  const context = createPostgresContext(schema, getPool);
  const feed = changeFeed(context, onError);
  const notices = changeNoticeSender(context, onError);
  let closing: Promise<void> | null = null;
  const wantsMigrate = options.migrate ?? true;

  const parts = {
    ...tickets(context, language, notices),
    ...threadAndAudit(context),
    ...queuesAndCounts(context),
    ...search(context, language, searchReading),
    ...outboxAndDeliveries(context),
    ...schedulerClaims(context),
    ...directory(context),
    ...idempotency(context),
    ...accessTokens(context),
  };

  return {
    id: 'postgres',
    schema,
    pool: getPool,
    ...parts,

    async init() {
      if (wantsMigrate) {
        await migrate(context);
        return;
      }
      const pending = (await migrationStatus(context)).filter((state) => state.state !== 'applied');
      if (pending.length) {
        throw new TicketkitError(
          'STORAGE_FAILED',
          `PostgreSQL schema "${schema}" is not up to date (${pending
            .map((state) => `${state.version} ${state.state}`)
            .join(', ')}): run \`ticketkit migrate up\`, or leave the migrate option on`,
        );
      }
    },

    close() {
      closing ??= (async () => {
        await notices.flush();
        await feed.close();
        if (owned && opening) await (await opening).end();
      })();
      return closing;
    },

    migrate: () => migrate(context),
    migrationStatus: () => migrationStatus(context),
    subscribe: (listener) => feed.subscribe(listener),
    sharedChanges: true,
  } satisfies PostgresStorage;
}
