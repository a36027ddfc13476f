import { createHash } from 'node:crypto';
import { TicketkitError } from '@ticketkit/core';
import type { PgQueryable } from '../connection/pg-types.js';
import type { PostgresContext } from '../connection/postgres-context.js';
import { toTicketkitError } from '../connection/postgres-errors.js';
import { initialSchema } from './001-initial.js';
import { queueOrder } from './002-queue-order.js';
import type { Migration } from './migration.js';

/** Every migration this version of the adapter knows, in order. */
export const MIGRATIONS: readonly Migration[] = [initialSchema, queueOrder];

/** The schema version this version of the adapter writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** The SHA-256 of a migration's text, lower-case hex: what the migration table records. */
export const migrationChecksum = (migration: Migration) => createHash('sha256').update(migration.sql).digest('hex');

/** One migration as `ticketkit migrate status` shows it. */
export interface MigrationState {
  /** Its version. */
  version: number;
  /** What it does. */
  name: string;
  /** `applied`; `pending` (not yet); `changed` (applied with another checksum: refused); `unknown` (applied by a newer adapter). */
  state: 'applied' | 'pending' | 'changed' | 'unknown';
  /** When it was applied (ISO 8601), or `null`. */
  appliedAt: string | null;
}

/** What a migration run did (`storage.migrate()`, `ticketkit migrate up`). */
export interface MigrationResult {
  /** The schema version before. */
  from: number;
  /** The schema version after. */
  to: number;
  /** The versions it applied now (empty when another server had, or nothing was left). */
  applied: number[];
}

const lockKey = (schema: string) => `ticketkit migrate ${schema}`;

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

async function appliedMigrations(client: PgQueryable, context: PostgresContext): Promise<AppliedRow[] | null> {
  const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
    context.table('ticketkit_migrations'),
  ]);
  if (!exists.rows[0]?.found) return null;
  const result = await client.query<AppliedRow>(
    `SELECT version, name, checksum, applied_at FROM ${context.table('ticketkit_migrations')} ORDER BY version`,
  );
  return result.rows;
}

/** Compares what the database recorded with what this adapter knows, one row per version. */
function compare(applied: readonly AppliedRow[]): MigrationState[] {
  const known = new Map(MIGRATIONS.map((migration) => [migration.version, migration]));
  const states: MigrationState[] = applied.map((row) => {
    const migration = known.get(row.version);
    return {
      version: row.version,
      name: row.name,
      state: !migration ? 'unknown' : migrationChecksum(migration) === row.checksum ? 'applied' : 'changed',
      appliedAt: row.applied_at.toISOString(),
    };
  });
  const done = new Set(applied.map((row) => row.version));
  for (const migration of MIGRATIONS) {
    if (!done.has(migration.version)) {
      states.push({ version: migration.version, name: migration.name, state: 'pending', appliedAt: null });
    }
  }
  return states.sort((a, b) => a.version - b.version);
}

/** Throws the clear error for a schema this adapter must not touch: a changed or a newer migration. */
function refuseForeign(states: readonly MigrationState[], schema: string): void {
  const changed = states.find((state) => state.state === 'changed');
  if (changed) {
    throw new TicketkitError(
      'STORAGE_FAILED',
      `Migration ${changed.version} (${changed.name}) in PostgreSQL schema "${schema}" was applied with another checksum than ` +
        'this version of @ticketkit/adapter-postgres has: an applied migration was changed. Put the change back, and write it as a new migration instead.',
    );
  }
  const unknown = states.find((state) => state.state === 'unknown');
  if (unknown) {
    throw new TicketkitError(
      'STORAGE_FAILED',
      `PostgreSQL schema "${schema}" has migration ${unknown.version} (${unknown.name}), written by a newer @ticketkit/adapter-postgres; ` +
        `this version knows up to ${SCHEMA_VERSION}. Upgrade @ticketkit/adapter-postgres (migrations only go forward).`,
    );
  }
}

/** The state of every migration in the context's schema, without changing anything. */
export async function migrationStatus(context: PostgresContext): Promise<MigrationState[]> {
  const pool = await context.pool();
  try {
    return compare((await appliedMigrations(pool, context)) ?? []);
  } catch (error) {
    throw toTicketkitError(error, 'migration status');
  }
}

/**
 * Brings the schema up to {@link SCHEMA_VERSION}, forward only, in one
 * transaction under a transaction-scoped advisory lock: of N servers starting
 * at once one migrates, the others wait for it and find nothing left to do.
 * A schema with a changed or a newer migration is refused, untouched.
 *
 * @param targetVersion Stop at this version instead (tests that build an old schema).
 */
export async function migrate(
  context: PostgresContext,
  targetVersion: number = SCHEMA_VERSION,
): Promise<MigrationResult> {
  if (!Number.isInteger(targetVersion) || targetVersion < 0 || targetVersion > SCHEMA_VERSION) {
    throw new TicketkitError(
      'VALIDATION_FAILED',
      `migrate: targetVersion must be a whole number from 0 to ${SCHEMA_VERSION}`,
      { issues: [{ path: ['targetVersion'], message: `must be a whole number from 0 to ${SCHEMA_VERSION}` }] },
    );
  }
  return context.transaction('migrate', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey(context.schema)]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${context.quotedSchema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${context.table('ticketkit_migrations')} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const states = compare((await appliedMigrations(client, context)) ?? []);
    refuseForeign(states, context.schema);
    const from = Math.max(0, ...states.filter((state) => state.state === 'applied').map((state) => state.version));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= from || migration.version > targetVersion) continue;
      await client.query(migration.sql.replaceAll('{{schema}}', context.quotedSchema));
      await client.query(
        `INSERT INTO ${context.table('ticketkit_migrations')} (version, name, checksum) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, migrationChecksum(migration)],
      );
      applied.push(migration.version);
    }
    return { from, to: Math.max(from, ...applied), applied };
  });
}
