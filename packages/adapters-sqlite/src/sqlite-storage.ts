import {
  type AccessTokenRecord,
  type AuditEvent,
  type ChangeSet,
  conflictError,
  type Delivery,
  type DeliveryClaim,
  type DeliveryListQuery,
  type DirectoryKind,
  type DirectoryRecords,
  type DueTicketQuery,
  decodeCursor,
  encodeCursor,
  type IdempotencyRecord,
  isWellFormed,
  type LeaseRequest,
  type OutboxDeferral,
  type OutboxDispatch,
  type OutboxMessage,
  type OutboxQuery,
  type Page,
  type StorageAdapter,
  searchScore,
  type ThreadEntry,
  type Ticket,
  type TicketFilter,
  TicketkitError,
  type TicketListQuery,
  type TicketLookup,
  type TicketSearchQuery,
} from '@ticketkit/core';
import { type BackgroundWorker, startBackgroundWorker } from './background-worker.js';
import { groupCommit } from './group-commit.js';
import { DELIVERY_DUE } from './migrations/002-outbox-deliveries.js';
import { migrate } from './migrations/migrate.js';
import { ensureFolderOf, openDatabase } from './open-database.js';
import { countSql, pageSql, scanFor } from './queries/ticket-queries.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import { startWriteThread, WRITE_METHODS, type WriteThread } from './write-thread.js';

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

const json = (value: unknown) => JSON.stringify(value);
// When commits run `PRAGMA optimize`: first after this many, then ten times as many, at most this far apart.
const OPTIMIZE_FIRST = 100;
const OPTIMIZE_EVERY = 10_000;

/**
 * What a row of the ticket log holds: a thread entry, a change's audit event
 * and its outbox message, each when there is one — without what the row's
 * columns and ticket already say (the entry's id and body, the ticket id).
 */
export interface LogData {
  /** The thread entry (`entry` rows). */
  entry?: Omit<ThreadEntry, 'id' | 'ticketId' | 'body'>;
  /** The audit event of the change the row records. */
  audit?: Omit<AuditEvent, 'ticketId'>;
  /** The outbox message of the change the row records. */
  outbox?: Omit<OutboxMessage, 'ticketId'>;
}

const withoutTicketId = <T extends { ticketId: string }>({ ticketId, ...rest }: T): Omit<T, 'ticketId'> => rest;
const ms = (iso: string) => Date.parse(iso);
// A batch size as SQLite's LIMIT should see it: a negative LIMIT would mean no limit at all.
const batch = (limit: number) => Math.max(0, Math.trunc(limit) || 0);
// listPendingOutbox moves the dispatch cursor up itself when it finds more settled log rows than this
// between the cursor and the first due message (changes without notifications leave no message to
// dispatch, so nothing else would move it).
const OUTBOX_LAG = 1_000;

/** A pending outbox message as its log row holds it. */
type StoredMessage = Omit<OutboxMessage, 'ticketId'>;

// The delivery columns beside the JSON, in the order of the INSERT below.
const deliveryColumns = (delivery: Delivery) => [
  delivery.id,
  delivery.ticketId,
  delivery.status,
  ms(delivery.nextAttemptAt),
  delivery.claimedBy,
  delivery.claimedUntil === null ? null : ms(delivery.claimedUntil),
  ms(delivery.createdAt),
];
const INSERT_DELIVERY = `INSERT INTO deliveries
  (id, ticket_id, status, next_attempt_at, claimed_by, claimed_until, created_at, data)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

const isBusy = (error: unknown) =>
  error instanceof Error && /^SQLITE_(BUSY|LOCKED)/.test((error as Error & { code?: string }).code ?? '');

/** SQLite text is UTF-8: a lone surrogate would come back as U+FFFD, so it is refused instead. */
function checkText(value: string, field: string): string {
  if (!isWellFormed(value)) {
    throw new TicketkitError(
      'VALIDATION_FAILED',
      `Cannot store ${field}: it is not well-formed Unicode (a lone surrogate)`,
      {
        issues: [{ path: field.split('.'), message: 'must be well-formed Unicode' }],
      },
    );
  }
  return value;
}

// The ticket columns queries filter and sort on; the ticket itself is the JSON in `data`.
const COLUMN_NAMES = [
  'number',
  'status',
  'department_id',
  'team_id',
  'assignee_id',
  'sla_state',
  'requester_email',
  'subject',
  'created_at',
  'next_check_at',
] as const;
type ColumnName = (typeof COLUMN_NAMES)[number];

const INSERT_TICKET = `INSERT INTO tickets (id, ${COLUMN_NAMES.join(', ')}, version, data)
  VALUES (?, ${COLUMN_NAMES.map(() => '?').join(', ')}, ?, ?)`;

function ticketColumns(ticket: Ticket): Record<ColumnName, string | number | null> {
  return {
    number: ticket.number,
    status: ticket.status,
    department_id: ticket.departmentId,
    team_id: ticket.teamId,
    assignee_id: ticket.assigneeId,
    sla_state: ticket.slaState,
    requester_email: ticket.requester.email,
    subject: checkText(ticket.subject, 'ticket.subject'),
    created_at: ms(ticket.createdAt),
    next_check_at: ticket.nextCheckAt === null ? null : ms(ticket.nextCheckAt),
  };
}

/** The `ticket_counts` cell a ticket's columns fall in: department, status, SLA state, agent, team. */
type CountCell = [string, string, string, string, string];
const countCell = (columns: Record<ColumnName, string | number | null>): CountCell => [
  String(columns.department_id),
  String(columns.status),
  String(columns.sla_state),
  String(columns.assignee_id ?? ''),
  String(columns.team_id ?? ''),
];
const sameCell = (a: CountCell, b: CountCell) => a.every((value, index) => value === b[index]);
const CELL = 'department_id = ? AND status = ? AND sla_state = ? AND assignee_id = ? AND team_id = ?';

/** Refuses an option of `sqliteStorage`, naming it. */
function refuse(field: keyof SqliteStorageOptions, message: string): never {
  throw new TicketkitError('VALIDATION_FAILED', `sqliteStorage: ${field} ${message}`, {
    issues: [{ path: [field], message }],
  });
}

function toConflict(error: unknown): unknown {
  const message = error instanceof Error ? error.message : '';
  if (!message.startsWith('UNIQUE constraint failed')) return error;
  if (message.includes('tickets.number')) return conflictError('number', 'That ticket number is taken');
  if (message.includes('tickets.id')) return conflictError('record', 'That ticket already exists');
  if (message.includes('idempotency_keys.'))
    return conflictError('idempotency', 'That idempotency key was used already');
  return error;
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

  const statements = new Map<string, SqliteStatement>();
  const sql = (source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = db.prepare(source);
      statements.set(source, statement);
    }
    return statement;
  };
  let migrated = false;
  let commits = 0;
  let nextOptimize = OPTIMIZE_FIRST;

  function insertAccessToken(record: AccessTokenRecord) {
    // The same hash again is the same token issued twice: nothing to change.
    sql(`INSERT INTO access_tokens (hash, ticket_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (hash) DO NOTHING`).run(
      record.hash,
      record.ticketId,
      ms(record.createdAt),
      record.expiresAt === null ? null : ms(record.expiresAt),
      record.revokedAt === null ? null : ms(record.revokedAt),
    );
  }

  // The counts and the search index are written here, statement by statement, not by triggers: a statement
  // that fires a trigger runs in a statement journal of its own (SQLite copies every page it first touches),
  // and opening one makes FTS5 write out the words it holds in memory as a new segment. With triggers, a
  // group of twenty intakes wrote twenty small segments (and merged them); now it writes one (migration 4).
  function countIn(cell: CountCell) {
    if (sql(`UPDATE ticket_counts SET n = n + 1 WHERE ${CELL}`).run(...cell).changes === 0) {
      sql('INSERT INTO ticket_counts VALUES (?, ?, ?, ?, ?, 1)').run(...cell);
    }
  }
  function countOut(cell: CountCell) {
    sql(`UPDATE ticket_counts SET n = n - 1 WHERE ${CELL}`).run(...cell);
  }

  function writeChanges(changes: ChangeSet) {
    const { ticket } = changes.ticket;
    let seq: number;
    if (changes.ticket.kind === 'insert') {
      const values = ticketColumns(ticket);
      seq = Number(
        sql(INSERT_TICKET).run(ticket.id, ...COLUMN_NAMES.map((name) => values[name]), ticket.version, json(ticket))
          .lastInsertRowid,
      );
      countIn(countCell(values));
    } else {
      // Only the columns that changed: an unchanged column in SET would still rewrite every index that holds it.
      const values = ticketColumns(ticket);
      // The row as it stands: `previous` is the ticket at `expectedVersion`, which the UPDATE below checks;
      // without it, one read of the row (the count cell the ticket leaves depends on it).
      const before = changes.ticket.previous
        ? ticketColumns(changes.ticket.previous)
        : (sql(`SELECT ${COLUMN_NAMES.join(', ')} FROM tickets WHERE id = ?`).get(ticket.id) as
            | Record<ColumnName, string | number | null>
            | undefined);
      const leaves = before && countCell(before);
      const changed = COLUMN_NAMES.filter((name) => before === undefined || before[name] !== values[name]);
      const params = [...changed.map((name) => values[name]), ticket.version, json(ticket)];
      // The command read the ticket just before: its row id is known, and the UPDATE goes straight to the row.
      const known = rowIds.get(ticket.id);
      const updated =
        known === undefined
          ? (updateStatement(changed, 'id').get(...params, ticket.id, changes.ticket.expectedVersion) as
              | { seq: number }
              | undefined)
          : updateStatement(changed, 'seq').run(...params, known, changes.ticket.expectedVersion).changes === 1
            ? { seq: known }
            : undefined;
      if (!updated) {
        const stored = sql('SELECT version FROM tickets WHERE id = ?').pluck().get(ticket.id) as number | undefined;
        if (stored === undefined) throw new Error(`Cannot update ticket ${ticket.id}: it does not exist`);
        throw conflictError('version', `Ticket ${ticket.number} changed meanwhile`, {
          expectedVersion: changes.ticket.expectedVersion,
          actualVersion: stored,
        });
      }
      seq = updated.seq;
      const enters = countCell(values);
      if (leaves && !sameCell(leaves, enters)) {
        countOut(leaves);
        countIn(enters);
      }
    }
    // One log row per thread entry; the change's audit event and outbox message ride in the last one
    // (or in a row of their own when the change writes no entry). See the ticket_log schema.
    const insertLog = sql(
      'INSERT INTO ticket_log (id, ticket_seq, kind, body, status, due_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const record of [...changes.thread, ...changes.audit, ...(changes.outbox ?? [])]) {
      if (record.ticketId !== ticket.id) throw new Error(`${record.id} belongs to another ticket than ${ticket.id}`);
    }
    // The row's JSON leaves out what its columns and its ticket already say (ids, the ticket id, the body):
    // every byte a command writes goes through the WAL.
    const audit = [...changes.audit];
    const outbox = [...(changes.outbox ?? [])];
    const change = (): LogData => {
      const event = audit.shift();
      const message = outbox.shift();
      return {
        ...(event && { audit: withoutTicketId(event) }),
        ...(message && { outbox: withoutTicketId(message) }),
      };
    };
    changes.thread.forEach((entry, index) => {
      const { id, ticketId, body, ...rest } = entry;
      const rides = index === changes.thread.length - 1 ? change() : {};
      const logSeq = insertLog.run(
        id,
        seq,
        'entry',
        checkText(body, `thread.${index}.body`),
        rides.outbox?.status ?? null,
        rides.outbox ? ms(rides.outbox.nextAttemptAt) : null,
        json({ entry: rest, ...rides }),
      ).lastInsertRowid;
      sql('INSERT INTO thread_search (rowid, subject, number, body) VALUES (?, ?, ?, ?)').run(
        logSeq,
        ticket.subject,
        ticket.number,
        body,
      );
    });
    while (audit.length > 0 || outbox.length > 0) {
      const rides = change();
      insertLog.run(
        rides.audit?.id ?? rides.outbox?.id,
        seq,
        'change',
        null,
        rides.outbox?.status ?? null,
        rides.outbox ? ms(rides.outbox.nextAttemptAt) : null,
        json(rides),
      );
    }
    if (changes.idempotency) {
      const record = changes.idempotency;
      if (changes.replaceIdempotencyBefore === undefined) {
        sql('INSERT INTO idempotency_keys (scope, key, created_at, data) VALUES (?, ?, ?, ?)').run(
          record.scope,
          record.key,
          ms(record.createdAt),
          json(record),
        );
      } else {
        // An expired key is replaced; a live one is a conflict (the upsert's WHERE leaves it, changing nothing).
        const written = sql(`INSERT INTO idempotency_keys (scope, key, created_at, data) VALUES (?, ?, ?, ?)
          ON CONFLICT (scope, key) DO UPDATE SET created_at = excluded.created_at, data = excluded.data
          WHERE idempotency_keys.created_at < ?`).run(
          record.scope,
          record.key,
          ms(record.createdAt),
          json(record),
          ms(changes.replaceIdempotencyBefore),
        );
        if (written.changes !== 1) throw conflictError('idempotency', 'That idempotency key was used already');
      }
    }
    for (const record of changes.accessTokens ?? []) insertAccessToken(record);
  }
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

  // One UPDATE per set of changed columns, compiled once: a reply changes none of them.
  const updates = new Map<string, SqliteStatement>();
  function updateStatement(changed: readonly ColumnName[], by: 'id' | 'seq'): SqliteStatement {
    const key = `${by}:${changed.join(',')}`;
    let statement = updates.get(key);
    if (!statement) {
      const assignments = [...changed, 'version', 'data'].map((name) => `${name} = ?`).join(', ');
      statement = db.prepare(
        by === 'seq'
          ? `UPDATE tickets SET ${assignments} WHERE seq = ? AND version = ?`
          : `UPDATE tickets SET ${assignments} WHERE id = ? AND version = ? RETURNING seq`,
      );
      updates.set(key, statement);
    }
    return statement;
  }

  // Row ids of recently read tickets, so a command's UPDATE needs no index lookup (bounded: oldest out first).
  const rowIds = new Map<string, number>();
  const rememberRowId = (id: string, seq: number) => {
    rowIds.delete(id);
    rowIds.set(id, seq);
    if (rowIds.size > 10_000) rowIds.delete(rowIds.keys().next().value as string);
  };

  const readTicket = (row: unknown) => JSON.parse((row as { data: string }).data) as Ticket;

  function scanPage(filter: TicketFilter, departmentId: string | undefined, query: TicketListQuery, limit: number) {
    const scan = scanFor(filter, departmentId);
    const params = [...scan.params];
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(query.cursor, ['number', 'string']);
      params.push(createdAt, id);
    }
    return sql(pageSql(scan, query.order, Boolean(query.cursor))).all(...params, limit) as {
      created_at: number;
      id: string;
      data: string;
    }[];
  }

  // ---- The outbox. Messages ride in ticket_log rows (LogData.outbox, with the row's status and
  // due_at columns set from the message) and have no index: a command pays for none. The dispatch
  // cursor (outbox_cursor) is the log seq up to which every message is settled — dispatched, dead,
  // or waiting in outbox_deferred — so new messages are read forward from it, in commit order.

  const readCursor = () => Number(sql('SELECT log_seq FROM outbox_cursor WHERE id = 1').pluck().get() ?? 0);

  /** The log row of a ticket's message: found through the ticket's log (the ticket_log_ticket index). */
  function findMessage(ticketId: string, messageId: string) {
    const row = sql(`SELECT log.seq, log.data FROM ticket_log log
      WHERE log.ticket_seq = (SELECT seq FROM tickets WHERE id = ?) AND log.status IS NOT NULL
        AND json_extract(log.data, '$.outbox.id') = ?`).get(ticketId, messageId) as
      | { seq: number; data: string }
      | undefined;
    const data = row && (JSON.parse(row.data) as LogData);
    if (!row || !data?.outbox) throw new Error(`No outbox message ${messageId} of ticket ${ticketId}`);
    return { seq: row.seq, data, message: data.outbox };
  }

  /** Rewrites a message in its log row: the JSON, and the status and due_at columns with it. */
  function writeMessage(seq: number, data: LogData, message: StoredMessage) {
    sql('UPDATE ticket_log SET status = ?, due_at = ?, data = ? WHERE seq = ?').run(
      message.status,
      ms(message.nextAttemptAt),
      json({ ...data, outbox: message }),
      seq,
    );
  }

  /**
   * Moves the cursor past every settled log row, inside a write transaction. A pending message that
   * is not due by `at` moves into outbox_deferred on the way (it is listed from there when due), so
   * only a due, undispatched message stops the cursor. Every row is passed once.
   */
  function advanceCursor(at: number) {
    const cursor = readCursor();
    let next = cursor;
    for (;;) {
      const row = sql(`SELECT seq, due_at FROM ticket_log NOT INDEXED
        WHERE seq > ? AND status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM outbox_deferred WHERE log_seq = ticket_log.seq)
        ORDER BY seq LIMIT 1`).get(next) as { seq: number; due_at: number } | undefined;
      if (!row) {
        // Everything written so far is settled (the log is append-only: its seqs only grow).
        next = Math.max(next, Number(sql('SELECT coalesce(max(seq), 0) FROM ticket_log').pluck().get()));
        break;
      }
      if (row.due_at <= at) {
        next = row.seq - 1;
        break;
      }
      sql('INSERT INTO outbox_deferred (log_seq, due_at) VALUES (?, ?)').run(row.seq, row.due_at);
      next = row.seq;
    }
    if (next > cursor) {
      sql(`INSERT INTO outbox_cursor (id, log_seq) VALUES (1, ?)
        ON CONFLICT (id) DO UPDATE SET log_seq = excluded.log_seq`).run(next);
    }
  }
  const advance = db.transaction(advanceCursor);

  // One read transaction, so the cursor, the deferred messages and the log are one snapshot.
  const readPending = db.transaction((dueBefore: number, limit: number) => {
    const cursor = readCursor();
    type Row = { seq: number; ticket_id: string; data: string };
    // Deferred messages the cursor has passed: all before the log the cursor has not (seq order).
    const rows = sql(`SELECT log.seq, t.id AS ticket_id, log.data
      FROM outbox_deferred deferred
      CROSS JOIN ticket_log log ON log.seq = deferred.log_seq
      CROSS JOIN tickets t ON t.seq = log.ticket_seq
      WHERE deferred.log_seq <= ? AND deferred.due_at <= ?
      ORDER BY deferred.log_seq LIMIT ?`).all(cursor, dueBefore, limit) as Row[];
    if (rows.length === limit) return { rows, lag: 0 };
    // Then the log forward from the cursor: one range of its rowid, no index.
    const forward = sql(`SELECT log.seq, t.id AS ticket_id, log.data
      FROM ticket_log AS log NOT INDEXED
      CROSS JOIN tickets t ON t.seq = log.ticket_seq
      WHERE log.seq > ? AND log.status = 'pending' AND log.due_at <= ?
      ORDER BY log.seq LIMIT ?`).all(cursor, dueBefore, limit - rows.length) as Row[];
    // How many settled rows the read stepped over before its first due message.
    const first = forward[0];
    const lag = first
      ? first.seq - cursor - 1
      : Number(sql('SELECT coalesce(max(seq), 0) FROM ticket_log').pluck().get()) - cursor;
    return { rows: [...rows, ...forward], lag };
  });

  const dispatch = db.transaction((request: OutboxDispatch): boolean => {
    const found = findMessage(request.ticketId, request.messageId);
    if (found.message.status !== 'pending') return false;
    const insert = sql(INSERT_DELIVERY);
    for (const delivery of request.deliveries) insert.run(...deliveryColumns(delivery), json(delivery));
    writeMessage(found.seq, found.data, { ...found.message, status: 'dispatched', updatedAt: request.at });
    sql('DELETE FROM outbox_deferred WHERE log_seq = ?').run(found.seq);
    advanceCursor(ms(request.at));
    return true;
  });

  const defer = db.transaction((deferral: OutboxDeferral) => {
    const found = findMessage(deferral.ticketId, deferral.messageId);
    if (found.message.status !== 'pending') return;
    const { status, attempts, nextAttemptAt, lastError, at } = deferral;
    writeMessage(found.seq, found.data, {
      ...found.message,
      status,
      attempts,
      nextAttemptAt,
      lastError,
      updatedAt: at,
    });
    if (status === 'pending') {
      sql(`INSERT INTO outbox_deferred (log_seq, due_at) VALUES (?, ?)
        ON CONFLICT (log_seq) DO UPDATE SET due_at = excluded.due_at`).run(found.seq, ms(nextAttemptAt));
    } else {
      sql('DELETE FROM outbox_deferred WHERE log_seq = ?').run(found.seq);
    }
    advanceCursor(ms(at));
  });

  // ---- Deliveries.

  const claim = db.transaction(({ owner, now, until, limit }: DeliveryClaim): Delivery[] => {
    const at = ms(now);
    // The WHERE repeats deliveries_due's condition verbatim, so the partial index applies.
    const rows = sql(`SELECT seq, data FROM deliveries INDEXED BY deliveries_due
      WHERE ${DELIVERY_DUE} AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
      ORDER BY next_attempt_at, seq LIMIT ?`).all(at, at, batch(limit)) as { seq: number; data: string }[];
    const update = sql('UPDATE deliveries SET claimed_by = ?, claimed_until = ?, data = ? WHERE seq = ?');
    return rows.map((row) => {
      const claimed: Delivery = { ...(JSON.parse(row.data) as Delivery), claimedBy: owner, claimedUntil: until };
      update.run(owner, ms(until), json(claimed), row.seq);
      return claimed;
    });
  });

  const readDelivery = (data: string) => JSON.parse(data) as Delivery;

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

    async getTicket(lookup: TicketLookup) {
      const row = (
        'id' in lookup
          ? sql('SELECT seq, id, data FROM tickets WHERE id = ?').get(lookup.id)
          : sql('SELECT seq, id, data FROM tickets WHERE number = ?').get(lookup.number)
      ) as { seq: number; id: string; data: string } | undefined;
      if (!row) return null;
      rememberRowId(row.id, row.seq);
      return readTicket(row);
    },

    async listTickets(query) {
      const { filter, order, limit } = query;
      const departments = filter.departmentIds;
      if (departments?.length === 0) return { items: [], nextCursor: null };
      // One index range per department, merged: a few short range reads instead of a sort.
      const rows = (departments ?? [undefined]).flatMap((department) => scanPage(filter, department, query, limit + 1));
      if (departments && departments.length > 1) {
        const sign = order === 'oldest' ? 1 : -1;
        rows.sort((a, b) => sign * (a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
      }
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(readTicket),
        nextCursor: rows.length > limit && last ? encodeCursor([last.created_at, last.id]) : null,
      };
    },

    async countTickets(filters) {
      const counts: Record<string, number> = {};
      for (const [name, filter] of Object.entries(filters)) {
        const summed = countSql(filter);
        if (summed) {
          counts[name] = Number(
            sql(summed.sql)
              .pluck()
              .get(...summed.params),
          );
        } else {
          const scan = scanFor(filter);
          counts[name] = Number(
            sql(`SELECT count(*) FROM tickets INDEXED BY ${scan.index} WHERE ${scan.where.join(' AND ')}`)
              .pluck()
              .get(...scan.params),
          );
        }
      }
      return counts;
    },

    async searchTickets(query: TicketSearchQuery) {
      // Terms are letters and digits only; quoting each one keeps user text from ever being FTS5 syntax.
      const match = query.terms.map((term) => `"${term.replace(/"/g, '""')}"`).join(' ');
      const scan = scanFor(query.filter);
      const departments = query.filter.departmentIds;
      // The scan's conditions name ticket columns, none of which the log has: they need no table prefix.
      const where = [...scan.where];
      const params = [...scan.params];
      if (departments) {
        where.push(departments.length ? `department_id IN (${departments.map(() => '?').join(', ')})` : '0');
        params.push(...departments);
      }
      // The most recent matching entries, newest first: FTS5 walks its doclists backwards and stops at
      // the window, so a word in half the tickets costs what a rare one does. (bm25() would read the
      // whole doclist of a common word first: measured, 50 ms at a million tickets.)
      const rows = sql(`SELECT t.seq, t.id, t.created_at, t.subject, t.number, t.data, log.body
        FROM thread_search
        JOIN ticket_log log ON log.seq = thread_search.rowid
        JOIN tickets t ON t.seq = log.ticket_seq
        WHERE thread_search MATCH ? ${where.length ? `AND ${where.join(' AND ')}` : ''}
        ORDER BY thread_search.rowid DESC
        LIMIT ${searchWindow}`).all(match, ...params) as {
        seq: number;
        id: string;
        created_at: number;
        subject: string;
        number: string;
        data: string;
        body: string;
      }[];
      // Ranked here with the reference score: subject and number words count three times.
      const ranked = new Map<number, { score: number; row: (typeof rows)[number] }>();
      for (const row of rows) {
        const score = searchScore(row, [row.body], query.terms);
        const best = ranked.get(row.seq);
        if (!best || score > best.score) ranked.set(row.seq, { score, row });
      }
      const ordered = [...ranked.values()].sort(
        (a, b) =>
          b.score - a.score ||
          b.row.created_at - a.row.created_at ||
          (a.row.id < b.row.id ? 1 : a.row.id > b.row.id ? -1 : 0),
      );
      const offset = query.cursor ? (decodeCursor(query.cursor, ['number'])[0] as number) : 0;
      return {
        items: ordered.slice(offset, offset + query.limit).map(({ row }) => readTicket(row)),
        nextCursor: offset + query.limit < ordered.length ? encodeCursor([offset + query.limit]) : null,
      };
    },

    async listDueTickets(query: DueTicketQuery) {
      const rows = sql(`SELECT data FROM tickets INDEXED BY tickets_due
        WHERE next_check_at <= ? ORDER BY next_check_at, id LIMIT ?`).all(ms(query.dueBefore), batch(query.limit));
      return rows.map(readTicket);
    },

    async listPendingOutbox(query: OutboxQuery) {
      const dueBefore = ms(query.dueBefore);
      const { rows, lag } = readPending(dueBefore, batch(query.limit)) as {
        rows: { ticket_id: string; data: string }[];
        lag: number;
      };
      if (lag > OUTBOX_LAG && !db.inTransaction) {
        try {
          advance.immediate(dueBefore);
        } catch (error) {
          // Only an optimization: a busy file moves it another time.
          if (!isBusy(error)) throw error;
        }
      }
      return rows.map(
        (row) => ({ ...(JSON.parse(row.data) as LogData).outbox, ticketId: row.ticket_id }) as OutboxMessage,
      );
    },

    async dispatchOutbox(request: OutboxDispatch) {
      return dispatch.immediate(request) as boolean;
    },

    async deferOutbox(deferral: OutboxDeferral) {
      defer.immediate(deferral);
    },

    async claimDeliveries(request: DeliveryClaim) {
      return claim.immediate(request) as Delivery[];
    },

    async updateDelivery(delivery: Delivery, claimedBy: string | null) {
      // One statement: the claim check and the write are one atomic step.
      return (
        sql(`UPDATE deliveries SET ticket_id = ?, status = ?, next_attempt_at = ?, claimed_by = ?,
            claimed_until = ?, created_at = ?, data = ?
          WHERE id = ? AND claimed_by IS ?`).run(
          ...deliveryColumns(delivery).slice(1),
          json(delivery),
          delivery.id,
          claimedBy,
        ).changes === 1
      );
    },

    async getDelivery(id: string) {
      const row = sql('SELECT data FROM deliveries WHERE id = ?').pluck().get(id) as string | undefined;
      return row === undefined ? null : readDelivery(row);
    },

    async listDeliveries(query: DeliveryListQuery) {
      // Newest first, in (created_at, id) order of one index: by ticket (a ticket's few deliveries,
      // with the status checked row by row when given), by status, or all of them.
      const where: string[] = [];
      const params: unknown[] = [];
      let index = 'deliveries_created';
      if (query.ticketId !== undefined) {
        index = 'deliveries_ticket';
        where.push('ticket_id = ?');
        params.push(query.ticketId);
      }
      if (query.status !== undefined) {
        if (query.ticketId === undefined) index = 'deliveries_status';
        where.push('status = ?');
        params.push(query.status);
      }
      if (query.cursor) {
        const [createdAt, id] = decodeCursor(query.cursor, ['number', 'string']);
        where.push('(created_at, id) < (?, ?)');
        params.push(createdAt, id);
      }
      const limit = batch(query.limit);
      const rows = sql(`SELECT created_at, id, data FROM deliveries INDEXED BY ${index}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT ?`).all(...params, limit + 1) as {
        created_at: number;
        id: string;
        data: string;
      }[];
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => readDelivery(row.data)),
        nextCursor: rows.length > limit && last ? encodeCursor([last.created_at, last.id]) : null,
      };
    },

    async acquireLease({ name, owner, now, until }: LeaseRequest) {
      // One statement: free, lapsed or already the owner's, checked and granted atomically.
      return (
        sql(`INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
          ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
          WHERE leases.owner = excluded.owner OR leases.until <= ?`).run(name, owner, ms(until), ms(now)).changes === 1
      );
    },

    async releaseLease(name: string, owner: string) {
      sql('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner);
    },

    async listThread(ticketId) {
      const rows = sql(`SELECT log.id, log.body, log.data FROM ticket_log log JOIN tickets t ON t.seq = log.ticket_seq
        WHERE t.id = ? AND log.kind = 'entry' ORDER BY log.seq`).all(ticketId) as {
        id: string;
        body: string;
        data: string;
      }[];
      return rows.map(
        (row) => ({ id: row.id, ticketId, ...(JSON.parse(row.data) as LogData).entry, body: row.body }) as ThreadEntry,
      );
    },

    async listAudit(ticketId) {
      const rows = sql(`SELECT log.data FROM ticket_log log JOIN tickets t ON t.seq = log.ticket_seq
        WHERE t.id = ? ORDER BY log.seq`)
        .pluck()
        .all(ticketId) as string[];
      return rows.flatMap((row) => {
        const { audit } = JSON.parse(row) as LogData;
        return audit ? [{ ...audit, ticketId } as AuditEvent] : [];
      });
    },

    async putAccessToken(record: AccessTokenRecord) {
      insertAccessToken(record);
    },

    async getAccessToken(hash: string) {
      const row = sql(
        'SELECT hash, ticket_id, created_at, expires_at, revoked_at FROM access_tokens WHERE hash = ?',
      ).get(hash) as
        | { hash: string; ticket_id: string; created_at: number; expires_at: number | null; revoked_at: number | null }
        | undefined;
      if (!row) return null;
      const iso = (value: number | null) => (value === null ? null : new Date(value).toISOString());
      return {
        hash: row.hash,
        ticketId: row.ticket_id,
        createdAt: new Date(row.created_at).toISOString(),
        expiresAt: iso(row.expires_at),
        revokedAt: iso(row.revoked_at),
      };
    },

    async revokeAccessTokens(ticketId: string, at: string) {
      return sql('UPDATE access_tokens SET revoked_at = ? WHERE ticket_id = ? AND revoked_at IS NULL').run(
        ms(at),
        ticketId,
      ).changes;
    },

    async getIdempotencyRecord(scope, key) {
      const row = sql('SELECT data FROM idempotency_keys WHERE scope = ? AND key = ?').pluck().get(scope, key) as
        | string
        | undefined;
      return row ? (JSON.parse(row) as IdempotencyRecord) : null;
    },

    async nextSequence(name) {
      return Number(
        sql(`INSERT INTO sequences (name, value) VALUES (?, 1)
          ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`)
          .pluck()
          .get(name),
      );
    },

    async putRecord<K extends DirectoryKind>(kind: K, record: DirectoryRecords[K]) {
      sql(`INSERT INTO directory (kind, id, data) VALUES (?, ?, ?)
        ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data`).run(kind, record.id, json(record));
    },

    async getRecord<K extends DirectoryKind>(kind: K, id: string) {
      const row = sql('SELECT data FROM directory WHERE kind = ? AND id = ?').pluck().get(kind, id) as
        | string
        | undefined;
      return row ? (JSON.parse(row) as DirectoryRecords[K]) : null;
    },

    async listRecords<K extends DirectoryKind>(kind: K) {
      const rows = sql('SELECT data FROM directory WHERE kind = ? ORDER BY id').pluck().all(kind) as string[];
      return rows.map((row) => JSON.parse(row) as DirectoryRecords[K]);
    },
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
  return adapter;
}
