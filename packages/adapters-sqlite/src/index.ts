/**
 * The embedded default storage for ticketkit: SQLite through better-sqlite3.
 *
 * @module @ticketkit/adapter-sqlite
 */
export { MIGRATIONS, type MigrationResult, migrate, SCHEMA_VERSION } from './migrations/migrate.js';
export type { Migration } from './migrations/migration.js';
export type { SqliteDatabase, SqliteStatement, SqliteTransaction } from './sqlite-database.js';
export { type SqliteStorage, type SqliteStorageOptions, sqliteStorage } from './sqlite-storage.js';
