import { isTicketkitError } from '@ticketkit/core';
import { makeThreadEntry, makeTicket } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { type SqliteDatabase, sqliteStorage } from '../src/index.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * Group commit: change sets that reach `commit` in one turn of the event loop
 * share one transaction (no savepoints unless one fails); each is acknowledged only
 * once that transaction is committed, and one that fails fails alone.
 */

let temp: ReturnType<typeof tempDirectory>;
beforeEach(() => {
  temp = tempDirectory();
});
afterEach(() => temp.cleanup());

/** A connection whose BEGINs, COMMITs and ROLLBACKs are counted, and whose COMMIT can be made to fail. */
function countingDatabase(file: string) {
  const raw = new Database(file);
  const seen = { begin: 0, commit: 0, rollback: 0, failCommit: false };
  const see = (source: string) => {
    if (/^BEGIN/i.test(source)) seen.begin += 1;
    if (/^COMMIT/i.test(source)) {
      seen.commit += 1;
      if (seen.failCommit) throw new Error('injected: disk I/O error at COMMIT');
    }
    if (/^ROLLBACK/i.test(source)) seen.rollback += 1;
  };
  const database = new Proxy(raw, {
    get(target, property) {
      if (property === 'exec') {
        return (source: string) => {
          see(source);
          return target.exec(source);
        };
      }
      if (property === 'prepare') {
        return (source: string) => {
          const statement = target.prepare(source);
          if (!/^(BEGIN|COMMIT|ROLLBACK)/i.test(source)) return statement;
          return new Proxy(statement, {
            get(inner, name) {
              const value = Reflect.get(inner, name, inner);
              if (name !== 'run') return typeof value === 'function' ? value.bind(inner) : value;
              return (...params: unknown[]) => {
                see(source);
                return inner.run(...params);
              };
            },
          });
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as SqliteDatabase;
  return { raw, database, seen };
}

const insertOf = (ticket = makeTicket()) => ({
  ticket: { kind: 'insert' as const, ticket },
  thread: [makeThreadEntry(ticket, { body: `Message of ${ticket.number}` })],
  audit: [],
});

test('fifty concurrent commits share one transaction, and each is visible to another connection once acknowledged', async () => {
  const { raw, database, seen } = countingDatabase(temp.file());
  const storage = sqliteStorage({ database });
  await storage.init();
  const reader = new Database(temp.file(), { readonly: true });
  const count = reader.prepare('SELECT count(*) FROM tickets').pluck();
  const changes = Array.from({ length: 50 }, () => insertOf());
  const before = seen.begin;
  const acknowledged = await Promise.all(
    changes.map((change) => storage.commit(change).then(() => Number(count.get()))),
  );
  expect(seen.begin - before, 'one transaction for all fifty').toBe(1);
  // Every acknowledgement comes after the commit: another connection already sees all fifty.
  expect(acknowledged).toEqual(Array(50).fill(50));
  expect(Number(reader.prepare("SELECT count(*) FROM ticket_log WHERE kind = 'entry'").pluck().get())).toBe(50);
  reader.close();
  await storage.close();
  raw.close();
});

test('a change set that fails in a group fails alone, writing nothing; the others are committed', async () => {
  const { raw, database } = countingDatabase(temp.file());
  const storage = sqliteStorage({ database });
  await storage.init();
  const first = makeTicket();
  const taken = makeTicket({ number: first.number });
  const others = Array.from({ length: 5 }, () => makeTicket());
  const outcomes = await Promise.allSettled(
    [first, taken, ...others].map((ticket) => storage.commit(insertOf(ticket))),
  );
  expect(outcomes.map((outcome) => outcome.status)).toEqual([
    'fulfilled',
    'rejected',
    ...others.map(() => 'fulfilled'),
  ]);
  const refused = (outcomes[1] as PromiseRejectedResult).reason;
  expect(isTicketkitError(refused, 'CONFLICT') && refused.details.target).toBe('number');
  expect(Number(raw.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(6);
  expect(raw.prepare('SELECT count(*) FROM tickets WHERE id = ?').pluck().get(taken.id)).toBe(0);
  expect(raw.prepare("SELECT count(*) FROM thread_search WHERE thread_search MATCH 'message'").pluck().get()).toBe(6);
  await storage.close();
  raw.close();
});

test('when the transaction itself fails, every change set in it fails and none is written', async () => {
  const { raw, database, seen } = countingDatabase(temp.file());
  const storage = sqliteStorage({ database });
  await storage.init();
  seen.failCommit = true;
  const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => storage.commit(insertOf())));
  seen.failCommit = false;
  expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
  expect(String((outcomes[0] as PromiseRejectedResult).reason)).toContain('injected: disk I/O error at COMMIT');
  expect(raw.inTransaction, 'rolled back, not left open').toBe(false);
  expect(Number(raw.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(0);
  // The connection works on: the next commit is written.
  await storage.commit(insertOf());
  expect(Number(raw.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(1);
  await storage.close();
  raw.close();
});

test('groupCommit: false gives every change set its own transaction; a host transaction takes them as savepoints', async () => {
  const { raw, database, seen } = countingDatabase(temp.file());
  const storage = sqliteStorage({ database, groupCommit: false });
  await storage.init();
  const before = seen.begin;
  await Promise.all(Array.from({ length: 5 }, () => storage.commit(insertOf())));
  // better-sqlite3's own transactions do not go through exec: count the rows' transactions by their effect.
  expect(seen.begin - before, 'no group transaction').toBe(0);
  expect(Number(raw.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(5);
  await storage.close();

  const grouped = sqliteStorage({ database });
  raw.exec('BEGIN IMMEDIATE');
  await Promise.all(Array.from({ length: 3 }, () => grouped.commit(insertOf())));
  raw.exec('ROLLBACK');
  expect(Number(raw.prepare('SELECT count(*) FROM tickets').pluck().get()), "the host's rollback takes them").toBe(5);
  await grouped.close();
  raw.close();
});

test('closing the storage writes the change sets still waiting for their turn', async () => {
  const storage = sqliteStorage({ filename: temp.file() });
  await storage.init();
  const pending = Array.from({ length: 3 }, () => storage.commit(insertOf()));
  await storage.close();
  await Promise.all(pending);
  const raw = new Database(temp.file(), { readonly: true });
  expect(Number(raw.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(3);
  raw.close();
});

test('bad options name their field', () => {
  for (const [options, path] of [
    [{ groupCommit: 'yes' }, 'groupCommit'],
    [{ background: 'sometimes' }, 'background'],
  ] as const) {
    let caught: unknown;
    try {
      sqliteStorage({ filename: ':memory:', ...(options as object) });
    } catch (error) {
      caught = error;
    }
    expect(isTicketkitError(caught, 'VALIDATION_FAILED'), JSON.stringify(options)).toBe(true);
    expect((caught as { issues: { path: string[] }[] }).issues[0]?.path).toEqual([path]);
  }
});

test('while another connection holds the write lock, a group waits on a timer: the event loop keeps running', async () => {
  const storage = sqliteStorage({ filename: temp.file(), busyTimeout: 2_000, background: false });
  await storage.init();
  const other = new Database(temp.file());
  other.exec('BEGIN IMMEDIATE');
  let ticks = 0;
  const ticker = setInterval(() => {
    ticks += 1;
  }, 5);
  const committed = storage.commit(insertOf());
  await new Promise((resolve) => setTimeout(resolve, 200));
  // 200 ms with the lock taken: the commit waits, and timers still fire (a busy handler would have slept).
  expect(ticks).toBeGreaterThan(5);
  other.exec('COMMIT');
  await committed;
  clearInterval(ticker);
  expect(Number(other.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(1);
  other.close();
  await storage.close();
});

test('a group that gets no write lock within busyTimeout fails, writing nothing', async () => {
  const storage = sqliteStorage({ filename: temp.file(), busyTimeout: 100, background: false });
  await storage.init();
  const other = new Database(temp.file());
  other.exec('BEGIN IMMEDIATE');
  const outcome = await storage.commit(insertOf()).then(
    () => 'committed',
    (error: unknown) => String(error),
  );
  other.exec('ROLLBACK');
  expect(outcome).toMatch(/database is locked/);
  expect(Number(other.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(0);
  // The next one gets the lock.
  await storage.commit(insertOf());
  other.close();
  await storage.close();
});
