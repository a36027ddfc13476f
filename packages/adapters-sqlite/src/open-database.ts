import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { TicketkitError } from '@ticketkit/core';
import type { SqliteDatabase } from './sqlite-database.js';

/** better-sqlite3's `Database` constructor, as far as the adapter calls it. */
export type SqliteDriver = new (filename: string) => SqliteDatabase;

/** Where `better-sqlite3` is looked up: beside this package, as a peer dependency installed by the host. */
const requireHere = createRequire(import.meta.url);

/**
 * Loads better-sqlite3 when a database file is first opened, not when the adapter is imported: a host that
 * passes its own `database`, or only imports the types, does not need it resolvable at load time, and a
 * host that forgot it is told which package to install instead of seeing Node's module-not-found error.
 */
export function loadDriver(require: (id: string) => unknown = requireHere): SqliteDriver {
  try {
    return require('better-sqlite3') as SqliteDriver;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new TicketkitError(
      'STORAGE_FAILED',
      'sqliteStorage({ filename }) needs the better-sqlite3 package, a peer dependency of @ticketkit/adapter-sqlite: run `npm install better-sqlite3`',
      { cause: error },
    );
  }
}

/** Creates the folder a database file or a backup goes into (better-sqlite3 refuses a missing folder). */
export function ensureFolderOf(filename: string, field: 'filename' | 'destination'): void {
  if (filename === ':memory:' || filename === '') return;
  const folder = dirname(filename);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new TicketkitError(
      'STORAGE_FAILED',
      `sqliteStorage: cannot create the folder ${folder} for ${field} ${filename}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Opens (creating when missing, with its folder) the database file `filename` with better-sqlite3. */
export function openDatabase(filename: string, driver: SqliteDriver = loadDriver()): SqliteDatabase {
  ensureFolderOf(filename, 'filename');
  return new driver(filename);
}
