// The change feed's types are core's (every adapter announces the same changes); named here as before.
export type { StorageChange, StorageChangeListener, TicketChange } from '@ticketkit/core';
export type { PgNotification, PgPool, PgPoolClient, PgQueryable, PgQueryResult } from './connection/pg-types.js';
export type { TableSum } from './migrate-data/checksums.js';
export {
  type MigrateDataOptions,
  type MigrateDataResult,
  migrateData,
  type ProgressStream,
  type TableCheck,
} from './migrate-data/index.js';
export type { MigrationResult, MigrationState } from './migrations/migrate.js';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations/migrate.js';
export type { Migration } from './migrations/migration.js';
export { type PostgresStorage, type PostgresStorageOptions, postgresStorage } from './postgres-storage.js';
