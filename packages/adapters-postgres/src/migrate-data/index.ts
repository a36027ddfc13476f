import { TicketkitError } from '@ticketkit/core';
import { openPool } from '../connection/load-pg.js';
import type { PgPool } from '../connection/pg-types.js';
import { createPostgresContext, type PostgresContext } from '../connection/postgres-context.js';
import { postgresStorage } from '../postgres-storage.js';
import { canonicalJson, type TableSum, Tally } from './checksums.js';
import {
  DESK_TABLES,
  existingTickets,
  rebuildCounts,
  tallyTarget,
  writeDirectory,
  writeIdempotencyKeys,
  writeSequences,
  writeTicketBatch,
} from './postgres-target.js';
import { type Progress, type ProgressStream, progressReporter } from './progress.js';
import { openSqliteSource, type SqliteSource } from './sqlite-source.js';

export type { ProgressStream } from './progress.js';

/** What `migrateData` copies, where to, and how. */
export interface MigrateDataOptions {
  /** Path of the SQLite desk file (`sqlite:` prefix allowed). */
  from: string;
  /** `postgres://…` of the target database. */
  to: string;
  /** The target schema (default `ticketkit`), created and migrated when missing. */
  schema?: string;
  /** Empty the target schema's desk tables first, whatever they hold (default `false`: a target with other data is refused). */
  force?: boolean;
  /** Tickets per copy transaction (default 200). */
  batchSize?: number;
  /** The search language the PostgreSQL desk will be opened with (`postgresStorage`'s `searchLanguage`; default exact words). */
  searchLanguage?: string | null;
  /** Where the progress bar goes (standard error in the CLI); none without it. */
  progress?: ProgressStream;
}

/** One table's figures after the copy: the source's and the target's count and checksum. */
export interface TableCheck {
  /** The table (PostgreSQL's name). */
  table: string;
  /** The source's records. */
  source: TableSum;
  /** The target's records. */
  target: TableSum;
  /** Whether the counts and checksums agree. */
  matches: boolean;
}

/** What `migrateData` did. */
export interface MigrateDataResult {
  /** Tickets written by this run (those already copied by an earlier run are skipped). */
  copiedTickets: number;
  /** Tickets the target already held, identical. */
  skippedTickets: number;
  /** Per-table verification. */
  tables: TableCheck[];
  /** Whether every table matches. */
  verified: boolean;
}

const TABLES = [
  'tickets',
  'thread_entries',
  'audit_events',
  'outbox',
  'deliveries',
  'access_tokens',
  'idempotency_keys',
  'directory',
  'sequences',
  'ticket_counts',
] as const;

const refused = (message: string) =>
  new TicketkitError(
    'CONFLICT',
    `${message}: ticketkit migrate-data copies into an empty schema or completes its own earlier copy; --force empties the target schema first`,
  );

/**
 * Refuses a target that holds data the source does not: a ticket or
 * directory record missing from the source, or different there. A target
 * that holds part or all of this very copy passes (a re-run completes it).
 */
async function checkTargetIsOurs(pool: PgPool, context: PostgresContext, source: SqliteSource) {
  let after = '';
  for (;;) {
    const { rows } = await pool.query<{ id: string; data: unknown }>(
      `SELECT id, data FROM ${context.table('tickets')} WHERE id > $1 ORDER BY id LIMIT 500`,
      [after],
    );
    const known = source.ticketsById(rows.map((row) => row.id));
    for (const row of rows) {
      const theirs = known.get(row.id);
      if (!theirs)
        throw refused(`The target schema "${context.schema}" holds ticket ${row.id}, which the source does not`);
      if (canonicalJson(theirs) !== canonicalJson(row.data)) {
        throw refused(`Ticket ${row.id} differs between the source and the target schema "${context.schema}"`);
      }
    }
    const last = rows.at(-1);
    if (!last) break;
    after = last.id;
  }
  const directory = new Map(source.directory().map((row) => [`${row.kind}/${row.id}`, row.data]));
  const { rows } = await pool.query<{ kind: string; id: string; data: unknown }>(
    `SELECT kind, id, data FROM ${context.table('directory')}`,
  );
  for (const row of rows) {
    const theirs = directory.get(`${row.kind}/${row.id}`);
    if (theirs === undefined || canonicalJson(theirs) !== canonicalJson(row.data)) {
      throw refused(`The ${row.kind} ${row.id} of the target schema "${context.schema}" is not the source's`);
    }
  }
}

function tallySource(source: SqliteSource, batchSize: number, progress: Progress): Tally {
  const tally = new Tally();
  progress.stage('verify source', source.ticketCount());
  let after = 0;
  for (;;) {
    const batch = source.ticketBatch(after, batchSize);
    if (!batch) break;
    for (const ticket of batch.tickets) tally.add('tickets', ticket);
    for (const entry of batch.entries) tally.add('thread_entries', entry);
    for (const event of batch.audit) tally.add('audit_events', event);
    for (const message of batch.outbox) tally.add('outbox', message);
    for (const delivery of batch.deliveries) tally.add('deliveries', delivery);
    for (const token of batch.accessTokens) tally.add('access_tokens', token);
    progress.advance(batch.tickets.length);
    after = batch.last;
  }
  for (const row of source.idempotencyKeys()) tally.add('idempotency_keys', row);
  for (const row of source.directory()) tally.add('directory', row);
  for (const row of source.sequences()) tally.add('sequences', row);
  for (const cell of source.countCells()) tally.add('ticket_counts', cell);
  progress.end();
  return tally;
}

/**
 * Copies a SQLite desk into a PostgreSQL schema: tickets with their threads,
 * audit trails, outbox messages, deliveries and access tokens (a batch of
 * tickets per transaction), then idempotency keys, the directory, counters
 * and count cells; then verifies every table's count and checksum.
 *
 * Re-running is safe: a ticket the target already holds is skipped (a batch
 * is written whole or not at all, so a held ticket is held with everything
 * that belongs to it), and the other tables are written "if absent". A
 * target holding anything else is refused (`CONFLICT`) unless `force`.
 * Stop the app (or keep it from writing) while the copy runs.
 */
export async function migrateData(options: MigrateDataOptions): Promise<MigrateDataResult> {
  const batchSize = Math.max(1, Math.trunc(options.batchSize ?? 200));
  const schema = options.schema ?? 'ticketkit';
  const language = options.searchLanguage ?? null;
  const progress = progressReporter(options.progress);
  const source = await openSqliteSource(options.from.replace(/^sqlite:/, ''));
  let pool: PgPool | undefined;
  try {
    pool = await openPool({ connectionString: options.to, max: 2 });
    const storage = postgresStorage({ pool, schema, migrate: false });
    await storage.migrate();
    const context = createPostgresContext(schema, async () => pool as PgPool);
    // One copy at a time per schema: a second one would interleave its batches with ours.
    const lock = await pool.connect();
    try {
      const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        `ticketkit migrate-data ${schema}`,
      ]);
      if (!rows[0]?.locked)
        throw new TicketkitError('CONFLICT', `Another ticketkit migrate-data is copying into schema "${schema}"`);
      return await copyAndVerify(pool, context);
    } finally {
      await lock.query('SELECT pg_advisory_unlock_all()').catch(() => {});
      lock.release();
    }
  } finally {
    await source.close();
    await pool?.end();
  }

  async function copyAndVerify(pool: PgPool, context: PostgresContext): Promise<MigrateDataResult> {
    if (options.force) {
      await pool.query(`TRUNCATE ${DESK_TABLES.map((table) => context.table(table)).join(', ')}`);
    } else {
      await checkTargetIsOurs(pool, context, source);
    }
    await context.transaction('migrateData', (client) => writeDirectory(client, context, source.directory()));
    let copiedTickets = 0;
    let skippedTickets = 0;
    progress.stage('tickets', source.ticketCount());
    let after = 0;
    for (;;) {
      const batch = source.ticketBatch(after, batchSize);
      if (!batch) break;
      const written = await context.transaction('migrateData', async (client) => {
        const present = await existingTickets(
          client,
          context,
          batch.tickets.map((ticket) => ticket.id),
        );
        return writeTicketBatch(client, context, language, batch, new Set(present.keys()));
      });
      copiedTickets += written;
      skippedTickets += batch.tickets.length - written;
      progress.advance(batch.tickets.length);
      after = batch.last;
    }
    progress.end();
    const keys = source.idempotencyKeys();
    progress.stage('idempotency keys', keys.length);
    await context.transaction('migrateData', (client) => writeIdempotencyKeys(client, context, keys));
    progress.advance(keys.length);
    progress.end();
    await context.transaction('migrateData', async (client) => {
      await writeSequences(client, context, source.sequences());
      await rebuildCounts(client, context);
    });

    const expected = tallySource(source, batchSize, progress);
    const actual = new Tally();
    const client = await pool.connect();
    try {
      // One snapshot for every table: the figures belong together.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await tallyTarget(client, context, actual);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const tables = TABLES.map((table) => {
      const check = { table, source: expected.get(table), target: actual.get(table) };
      return {
        ...check,
        matches: check.source.count === check.target.count && check.source.checksum === check.target.checksum,
      };
    });
    return { copiedTickets, skippedTickets, tables, verified: tables.every((table) => table.matches) };
  }
}
