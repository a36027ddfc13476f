import { TicketkitError } from '@ticketkit/core';
import type { SqliteDatabase } from '../sqlite-database.js';
import { initialSchema } from './001-initial.js';
import { outboxDeliveries } from './002-outbox-deliveries.js';
import { accessTokens } from './003-access-tokens.js';
import { countsAndSearchInCommit } from './004-counts-and-search-in-commit.js';
import { deliveryTicketSummaries } from './005-delivery-ticket-summaries.js';
import { queueOrder } from './006-queue-order.js';
import type { Migration } from './migration.js';

/** Every migration this version of the adapter knows, in order. */
export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  outboxDeliveries,
  accessTokens,
  countsAndSearchInCommit,
  deliveryTicketSummaries,
  queueOrder,
];

/** The schema version this version of the adapter writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** What {@link migrate} did. */
export interface MigrationResult {
  /** The schema version before. */
  from: number;
  /** The schema version after. */
  to: number;
}

/**
 * Brings the schema up to {@link SCHEMA_VERSION}, forward only, inside one
 * `BEGIN IMMEDIATE` transaction: two processes starting on one new file
 * serialize on the write lock, and the second finds nothing left to do. A
 * file written by a newer adapter is refused, untouched.
 *
 * @param targetVersion Stop at this version instead. For tests that build a
 *   file as an older adapter wrote it; the adapter itself cannot work on
 *   anything but {@link SCHEMA_VERSION}.
 */
export function migrate(db: SqliteDatabase, targetVersion: number = SCHEMA_VERSION): MigrationResult {
  if (!Number.isInteger(targetVersion) || targetVersion < 0 || targetVersion > SCHEMA_VERSION) {
    throw new TicketkitError(
      'VALIDATION_FAILED',
      `migrate: targetVersion must be a whole number from 0 to ${SCHEMA_VERSION}`,
      { issues: [{ path: ['targetVersion'], message: `must be a whole number from 0 to ${SCHEMA_VERSION}` }] },
    );
  }
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ticketkit_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const from = Number(db.prepare('SELECT coalesce(max(version), 0) FROM ticketkit_migrations').pluck().get());
    if (from > SCHEMA_VERSION) {
      throw new TicketkitError(
        'STORAGE_FAILED',
        `The SQLite database ${db.name} has schema version ${from}, written by a newer @ticketkit/adapter-sqlite; ` +
          `this version knows up to ${SCHEMA_VERSION}. Upgrade @ticketkit/adapter-sqlite (migrations only go forward).`,
      );
    }
    const record = db.prepare('INSERT INTO ticketkit_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of MIGRATIONS) {
      if (migration.version <= from || migration.version > targetVersion) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
    return { from, to: Math.max(from, targetVersion) };
  });
  return run.immediate() as MigrationResult;
}
