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
 * into the database file, so that no commit on the connection does it (and
 * its fsync).
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

test.each([
  ['as it comes', []],
  ['with its write thread', ['write-thread']],
])(
  'a process that never closes its desk (%s) still exits, once its last write is done',
  async (_, mode) => {
    const file = temp.file();
    const { code, stdout, stderr } = await runFixture('never-closes.ts', [file, ...mode]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/\S/);
    const raw = new Database(file, { readonly: true });
    expect(Number(raw.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(2);
    raw.close();
  },
  60_000,
);

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

test.each([false, true])(
  'close() twice at once (writeThread: %s): both wait for the one close, and neither throws',
  async (writeThread) => {
    const file = temp.file();
    const storage = sqliteStorage({ filename: file, writeThread });
    await storage.init();
    // Past the first PRAGMA optimize (at 100 commits), which close() runs on the connection before closing it.
    for (let index = 0; index < 120; index++) {
      const ticket = makeTicket();
      await storage.commit({ ticket: { kind: 'insert', ticket }, thread: [makeThreadEntry(ticket)], audit: [] });
    }
    const closed: string[] = [];
    await Promise.all([
      storage.close().then(() => closed.push(storage.database.open ? 'first, still open' : 'first')),
      storage.close().then(() => closed.push(storage.database.open ? 'second, still open' : 'second')),
    ]);
    expect(closed).toEqual(['first', 'second']);
    await expect(storage.close()).resolves.toBeUndefined();
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(120);
    reader.close();
  },
);
