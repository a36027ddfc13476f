import { readdirSync } from 'node:fs';
import { createHelpDesk, isTicketkitError } from '@ticketkit/core';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { SCHEMA_VERSION, sqliteStorage } from '../src/index.js';
import { runFixture } from './support/child-process.js';
import { tempDirectory } from './support/temp-database.js';

const temps: { cleanup(): void }[] = [];
const temp = () => {
  const made = tempDirectory();
  temps.push(made);
  return made;
};
afterEach(() => {
  for (const made of temps.splice(0)) made.cleanup();
});

test('a new file is migrated to the current schema, and migrating again changes nothing', async () => {
  const { file } = temp();
  const storage = sqliteStorage({ filename: file() });
  await createHelpDesk({ storage });
  expect(storage.schemaVersion()).toBe(SCHEMA_VERSION);
  await storage.close?.();
  const again = sqliteStorage({ filename: file() });
  await again.init?.();
  expect(again.schemaVersion()).toBe(SCHEMA_VERSION);
  const rows = again.database.prepare('SELECT version, name FROM ticketkit_migrations').all();
  expect(rows).toEqual([{ version: 1, name: 'initial schema' }]);
  expect(again.database.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(again.database.pragma('foreign_keys', { simple: true })).toBe(1);
  expect(again.database.pragma('synchronous', { simple: true })).toBe(1);
  await again.close?.();
  const full = sqliteStorage({ filename: file(), synchronous: 'FULL' });
  expect(full.database.pragma('synchronous', { simple: true })).toBe(2);
  await full.close?.();
});

test('a file from a newer version of the adapter is refused, untouched', async () => {
  const { file } = temp();
  const storage = sqliteStorage({ filename: file() });
  await storage.init?.();
  storage.database.prepare("INSERT INTO ticketkit_migrations VALUES (99, 'from the future', '2030-01-01')").run();
  await storage.close?.();
  const before = new Database(file(), { readonly: true });
  const tables = before.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
  before.close();

  const error = await createHelpDesk({ storage: sqliteStorage({ filename: file() }) }).catch(
    (caught: unknown) => caught,
  );
  expect(isTicketkitError(error, 'STORAGE_FAILED')).toBe(true);
  expect((error as Error).message).toMatch(/schema version 99, written by a newer @ticketkit\/adapter-sqlite/);
  expect((error as Error).message).toMatch(/Upgrade @ticketkit\/adapter-sqlite/);
  const after = new Database(file(), { readonly: true });
  expect(after.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(
    tables,
  );
  expect(after.prepare('SELECT max(version) FROM ticketkit_migrations').pluck().get()).toBe(99);
  after.close();
});

test('four processes starting on one new file at once all come up', { timeout: 60_000 }, async () => {
  const { file } = temp();
  const runs = await Promise.all(['a', 'b', 'c', 'd'].map((name) => runFixture('open-one-ticket.ts', [file(), name])));
  for (const run of runs) {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d{6}$/);
  }
  const db = new Database(file(), { readonly: true });
  expect(db.prepare('SELECT count(*) FROM ticketkit_migrations').pluck().get()).toBe(1);
  expect(db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(4);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
});

test('options are checked before any file is created', () => {
  const { dir, file } = temp();
  for (const options of [
    {},
    { filename: file('a.db'), database: {} },
    { filename: file('x.db'), synchronous: 'OFF' },
  ]) {
    expect(() => sqliteStorage(options as never)).toThrow(/exactly one of filename or database|synchronous must be/);
  }
  expect(readdirSync(dir)).toEqual([]);
});
