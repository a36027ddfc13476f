import { isTicketkitError, type Ticket, TicketkitError } from '@ticketkit/core';
import { makeThreadEntry, makeTicket } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { type SqliteStorage, sqliteStorage } from '../src/index.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * `writeThread: true` moves the adapter's writes to a worker thread with a
 * connection of its own (the full conformance kit runs against it in
 * write-thread-conformance.test.ts). These check what is particular to it:
 * where a write runs, what crosses back, and what close() and bad options do.
 */

let temp: ReturnType<typeof tempDirectory>;
let storage: SqliteStorage | undefined;
beforeEach(() => {
  temp = tempDirectory();
});
afterEach(async () => {
  await storage?.close();
  storage = undefined;
  temp.cleanup();
});

const insert = (ticket: Ticket) => ({
  ticket: { kind: 'insert' as const, ticket },
  thread: [makeThreadEntry(ticket)],
  audit: [],
});

// SQLite's data_version changes for a connection when another connection has committed since it last asked.
const dataVersion = (storage: SqliteStorage) => Number(storage.database.pragma('data_version', { simple: true }));

test('commits run on the thread’s connection and are read back on the host’s', async () => {
  storage = sqliteStorage({ filename: temp.file(), writeThread: true });
  await storage.init();
  const before = dataVersion(storage);
  const ticket = makeTicket();
  await storage.commit(insert(ticket));
  expect(dataVersion(storage)).not.toBe(before);
  expect(await storage.getTicket({ id: ticket.id })).toEqual(ticket);

  // Without the thread the same commit is this connection's own, and data_version stays.
  const local = sqliteStorage({ filename: temp.file('local.db') });
  await local.init();
  const unchanged = dataVersion(local);
  await local.commit(insert(makeTicket()));
  expect(dataVersion(local)).toBe(unchanged);
  await local.close();
});

test('a conflict crosses back as the TicketkitError it is, with its details', async () => {
  storage = sqliteStorage({ filename: temp.file(), writeThread: true });
  await storage.init();
  const ticket = makeTicket();
  await storage.commit(insert(ticket));
  const stale = {
    ticket: {
      kind: 'update' as const,
      ticket: { ...ticket, subject: 'Changed', version: ticket.version + 1 },
      expectedVersion: ticket.version + 5,
    },
    thread: [],
    audit: [],
  };
  const error = await storage.commit(stale).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TicketkitError);
  expect(isTicketkitError(error, 'CONFLICT')).toBe(true);
  expect((error as TicketkitError).details).toMatchObject({
    target: 'version',
    expectedVersion: ticket.version + 5,
    actualVersion: ticket.version,
  });
  // A taken number, in the same group as one that succeeds: only the taken one fails.
  const taken = makeTicket({ number: ticket.number });
  const other = makeTicket();
  const [refused, accepted] = await Promise.allSettled([storage.commit(insert(taken)), storage.commit(insert(other))]);
  expect(refused.status === 'rejected' && isTicketkitError(refused.reason, 'CONFLICT')).toBe(true);
  expect(refused.status === 'rejected' && (refused.reason as TicketkitError).details.target).toBe('number');
  expect(accepted.status).toBe('fulfilled');
  expect(await storage.getTicket({ id: taken.id })).toBeNull();
});

test('inside a transaction of the host’s, a commit runs on the host’s connection and rolls back with it', async () => {
  storage = sqliteStorage({ filename: temp.file(), writeThread: true });
  await storage.init();
  const before = dataVersion(storage);
  const ticket = makeTicket();
  storage.database.exec('BEGIN');
  await storage.commit(insert(ticket));
  expect(await storage.getTicket({ id: ticket.id })).toEqual(ticket);
  storage.database.exec('ROLLBACK');
  expect(await storage.getTicket({ id: ticket.id })).toBeNull();
  expect(dataVersion(storage)).toBe(before);
});

test('close() writes what is waiting; a write after it fails as without the thread', async () => {
  const file = temp.file();
  const closing = sqliteStorage({ filename: file, writeThread: true });
  await closing.init();
  const tickets = Array.from({ length: 20 }, () => makeTicket());
  // Not awaited: the commits are still in this thread's batch, or in the write thread's group, when close() starts.
  const commits = tickets.map((ticket) => closing.commit(insert(ticket)));
  await closing.close();
  await expect(Promise.all(commits)).resolves.toHaveLength(20);
  await expect(closing.commit(insert(makeTicket()))).rejects.toThrow(/not open/); // as without the thread

  const reader = new Database(file, { readonly: true });
  expect(reader.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(20);
  reader.close();
});

test('bad writeThread options are refused naming the field, and nothing is opened', () => {
  const refused = (options: Parameters<typeof sqliteStorage>[0]) => {
    try {
      sqliteStorage(options);
    } catch (error) {
      return isTicketkitError(error, 'VALIDATION_FAILED') ? error.issues.map((issue) => issue.path.join('.')) : error;
    }
    return 'accepted';
  };
  expect(refused({ filename: ':memory:', writeThread: true })).toEqual(['writeThread']);
  expect(refused({ filename: temp.file('yes.db'), writeThread: 'yes' as never })).toEqual(['writeThread']);
  const own = new Database(temp.file('own.db'));
  expect(refused({ database: own as never, writeThread: true })).toEqual(['writeThread']);
  own.close();
  // The refused file was never created.
  expect(() => new Database(temp.file('yes.db'), { fileMustExist: true })).toThrow();
});
