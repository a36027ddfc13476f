import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeThreadEntry, makeTicket } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { startBackgroundWorker } from '../src/background-worker.js';
import { type SqliteDatabase, sqliteStorage } from '../src/index.js';
import { runFixture } from './support/child-process.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * The background worker: a thread with its own connection copies the WAL
 * into the database file and keeps the full-text index up to date, so that
 * no commit on the connection does either.
 */

let temp: ReturnType<typeof tempDirectory>;
beforeEach(() => {
  temp = tempDirectory();
});
afterEach(() => temp.cleanup());

/** Tickets in the database file alone, read from a copy without its WAL: what checkpoints have copied. */
function ticketsInFileAlone(file: string): number {
  const copy = join(temp.dir, `without-wal-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(file, copy);
  const raw = new Database(copy, { readonly: true });
  try {
    return Number(raw.prepare('SELECT count(*) FROM tickets').pluck().get());
  } finally {
    raw.close();
  }
}

async function commitTen(storage: ReturnType<typeof sqliteStorage>) {
  // The schema into the file first, so that the file alone can be read.
  storage.database.pragma('wal_checkpoint(TRUNCATE)');
  expect(ticketsInFileAlone(storage.database.name)).toBe(0);
  for (let index = 0; index < 10; index++) {
    const ticket = makeTicket();
    await storage.commit({ ticket: { kind: 'insert', ticket }, thread: [makeThreadEntry(ticket)], audit: [] });
  }
}

/** Polls (at most 100 times, 50 ms apart) until `done` holds; returns whether it did. */
async function eventually(done: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return done();
}

test('on a file the adapter opens, a worker copies the WAL into the file while the connection only commits', async () => {
  const file = temp.file();
  const storage = sqliteStorage({ filename: file });
  await storage.init();
  expect(storage.database.pragma('wal_autocheckpoint', { simple: true })).toBe(8_192);
  await commitTen(storage);
  // Ten tickets are a few hundred WAL pages: the connection never checkpoints them; the worker does.
  expect(await eventually(() => ticketsInFileAlone(file) === 10)).toBe(true);
  await storage.close();
});

test("background: false leaves it to the connection, at SQLite's 1,000 pages", async () => {
  const file = temp.file();
  const storage = sqliteStorage({ filename: file, background: false });
  await storage.init();
  expect(storage.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
  await commitTen(storage);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(ticketsInFileAlone(file), 'nothing copied the WAL yet').toBe(0);
  await storage.close();
  expect(ticketsInFileAlone(file), 'closing checkpoints').toBe(10);
});

test('a process that never closes its desk still exits', async () => {
  const file = temp.file();
  const { code, stdout, stderr } = await runFixture('never-closes.ts', [file]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout.trim()).toMatch(/\S/);
  const raw = new Database(file, { readonly: true });
  expect(Number(raw.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(1);
  raw.close();
}, 60_000);

test('when the worker fails, the connection checkpoints itself again and the failure is reported', async () => {
  const pragmas: string[] = [];
  const database = {
    name: join(temp.dir, 'missing', 'gone.db'),
    open: true,
    pragma: (source: string) => pragmas.push(source),
  } as unknown as SqliteDatabase;
  const reported = await new Promise<string>((resolve) => {
    startBackgroundWorker(
      database,
      { synchronous: 'NORMAL', busyTimeout: 0, intervalMs: 10, inlineAbovePages: 8_192 },
      resolve,
    );
  });
  expect(reported).toMatch(/directory does not exist|unable to open/i);
  expect(pragmas).toEqual(['wal_autocheckpoint = 8192', 'wal_autocheckpoint = 1000']);
});

test('the worker indexes new entries behind the log, and a search before it gets there indexes them itself', async () => {
  const file = temp.file();
  const storage = sqliteStorage({ filename: file });
  await storage.init();
  const db = storage.database;
  const behind = () =>
    Number(db.prepare('SELECT max(seq) FROM ticket_log').pluck().get()) -
    Number(db.prepare('SELECT log_seq FROM search_cursor').pluck().get());
  const search = (word: string) =>
    storage.searchTickets({ text: word, terms: [word], filter: {}, limit: 10, cursor: null });
  const ticket = makeTicket();
  await storage.commit({
    ticket: { kind: 'insert', ticket },
    thread: [makeThreadEntry(ticket, { body: 'The Zurich branch kept my card' })],
    audit: [],
  });
  // Committed, not indexed by the commit: the search catches up first, and finds it.
  expect(behind()).toBe(1);
  expect((await search('zurich')).items.map((found) => found.id)).toEqual([ticket.id]);
  expect(behind()).toBe(0);
  // Without a search, the worker gets there by itself.
  const later = makeTicket();
  await storage.commit({
    ticket: { kind: 'insert', ticket: later },
    thread: [makeThreadEntry(later, { body: 'Geneva too' })],
    audit: [],
  });
  expect(await eventually(() => behind() === 0)).toBe(true);
  expect(
    db.prepare("SELECT count(*) FROM thread_search WHERE thread_search MATCH 'geneva'").pluck().get(),
    'indexed once',
  ).toBe(1);
  await storage.close();
});
