import { isTicketkitError, type Ticket } from '@ticketkit/core';
import { makeThreadEntry, makeTicket } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { migrate, SCHEMA_VERSION, type SqliteDatabase, type SqliteStorage, sqliteStorage } from '../src/index.js';
import { legacyTicketInserter } from './support/legacy-rows.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * Since schema 4 the commit itself keeps `ticket_counts` and the search
 * index (no triggers on the hot path). Whatever the mix of commands in a
 * group, the counts must equal a count over the tickets, and every thread
 * entry must be found by its words, its ticket's subject and number.
 */

let temp: ReturnType<typeof tempDirectory>;
beforeEach(() => {
  temp = tempDirectory();
});
afterEach(() => temp.cleanup());

/** The cells as the commits kept them, and as a count over the tickets says they are. */
function cells(db: SqliteDatabase) {
  const kept = db
    .prepare(`SELECT department_id, status, sla_state, assignee_id, team_id, n FROM ticket_counts WHERE n <> 0
      ORDER BY department_id, status, sla_state, assignee_id, team_id`)
    .all();
  const counted = db
    .prepare(`SELECT department_id, status, sla_state, coalesce(assignee_id, '') AS assignee_id,
      coalesce(team_id, '') AS team_id, count(*) AS n FROM tickets
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`)
    .all();
  return { kept, counted };
}

const search = async (storage: SqliteStorage, text: string) =>
  (await storage.searchTickets({ text, terms: text.toLowerCase().split(/\s+/), filter: {}, limit: 100 })).items
    .map((ticket) => ticket.id)
    .sort();

const update = (ticket: Ticket, changes: Partial<Ticket>, withPrevious = true) => ({
  ticket: {
    kind: 'update' as const,
    ticket: { ...ticket, ...changes, version: ticket.version + 1 },
    expectedVersion: ticket.version,
    ...(withPrevious ? { previous: ticket } : {}),
  },
  thread: [],
  audit: [],
});

test('a group of inserts, moves between cells, replies and failures keeps the counts and the index exact', async () => {
  const storage = sqliteStorage({ filename: temp.file() });
  await storage.init();
  const tickets = Array.from({ length: 12 }, (_, index) =>
    makeTicket({ departmentId: index % 2 ? 'billing' : 'help', subject: `Printer ${index} jammed` }),
  );
  await Promise.all(
    tickets.map((ticket, index) =>
      storage.commit({
        ticket: { kind: 'insert', ticket },
        thread: [makeThreadEntry(ticket, { body: index % 3 ? 'paper everywhere' : 'toner smudge' })],
        audit: [],
      }),
    ),
  );
  expect(cells(storage.database).kept).toEqual(cells(storage.database).counted);

  const [a, b, c, d, e] = tickets as [Ticket, Ticket, Ticket, Ticket, Ticket];
  // One group: an assignment, a move to another department without `previous` (the adapter reads the row),
  // a status change with a reply, a reply that changes no cell, a stale version and a taken number.
  const results = await Promise.allSettled([
    storage.commit(update(a, { assigneeId: 'agent-1' })),
    storage.commit(update(b, { departmentId: 'help', teamId: 'level-2' }, false)),
    storage.commit({
      ...update(c, { status: 'resolved', slaState: 'paused' }),
      thread: [makeThreadEntry(c, { body: 'replaced the drum' })],
    }),
    storage.commit({ ...update(d, {}), thread: [makeThreadEntry(d, { body: 'drum ordered' })] }),
    storage.commit({ ...update(e, { status: 'closed' }), ticket: { ...update(e, {}).ticket, expectedVersion: 7 } }),
    storage.commit({
      ticket: { kind: 'insert', ticket: makeTicket({ number: a.number, subject: 'Duplicate drum' }) },
      thread: [makeThreadEntry(a, { body: 'drum' })],
      audit: [],
    }),
  ]);
  expect(results.map((result) => result.status)).toEqual([
    'fulfilled',
    'fulfilled',
    'fulfilled',
    'fulfilled',
    'rejected',
    'rejected',
  ]);
  for (const [index, target] of [
    [4, 'version'],
    [5, 'number'],
  ] as const) {
    const failure = results[index] as PromiseRejectedResult;
    expect(isTicketkitError(failure.reason, 'CONFLICT') && failure.reason.details.target).toBe(target);
  }
  const db = storage.database;
  expect(cells(db).kept).toEqual(cells(db).counted);
  expect(cells(db).counted).toContainEqual({
    department_id: 'help',
    status: 'open',
    sla_state: 'on_track',
    assignee_id: '',
    team_id: 'level-2',
    n: 1,
  });
  // Every entry is indexed once: the failed insert left no row in the index.
  expect(db.prepare("SELECT count(*) FROM thread_search WHERE thread_search MATCH 'drum'").pluck().get()).toBe(2);
  expect(await search(storage, 'drum')).toEqual([c.id, d.id].sort());
  expect(await search(storage, 'printer toner')).toEqual(
    tickets
      .filter((_, index) => index % 3 === 0)
      .map((ticket) => ticket.id)
      .sort(),
  );
  expect(await search(storage, a.number)).toEqual([a.id]);
  // A subject change still re-indexes the ticket's entries (by the one trigger left).
  await storage.commit(update({ ...d, version: 2 }, { subject: 'Scanner offline' }));
  expect(await search(storage, 'scanner drum')).toEqual([d.id]);
  expect(await search(storage, 'printer drum')).toEqual([c.id]);
  expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").pluck().all()).toEqual([
    'tickets_search_subject',
  ]);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  await storage.close();
});

test('a file written by schema 3 (counts and index kept by triggers) goes on exactly under schema 4', async () => {
  const file = temp.file();
  const old = new Database(file);
  migrate(old, 3);
  const before = Array.from({ length: 4 }, (_, index) => makeTicket({ subject: `Old ${index} modem` }));
  const insert = legacyTicketInserter(old);
  for (const ticket of before) {
    const seq = insert(ticket);
    const { id, body, ...entry } = makeThreadEntry(ticket, { body: 'router blinking' });
    old
      .prepare("INSERT INTO ticket_log (id, ticket_seq, kind, body, data) VALUES (?, ?, 'entry', ?, ?)")
      .run(id, seq, body, JSON.stringify({ entry }));
  }
  old.close();

  const storage = sqliteStorage({ filename: file });
  await storage.init();
  expect(storage.schemaVersion()).toBe(SCHEMA_VERSION);
  const [first] = before as [Ticket];
  const fresh = makeTicket({ subject: 'New modem' });
  await Promise.all([
    storage.commit({
      ...update(first, { assigneeId: 'agent-2' }),
      thread: [makeThreadEntry(first, { body: 'reset' })],
    }),
    storage.commit({
      ticket: { kind: 'insert', ticket: fresh },
      thread: [makeThreadEntry(fresh, { body: 'router blinking' })],
      audit: [],
    }),
  ]);
  const db = storage.database;
  expect(cells(db).kept).toEqual(cells(db).counted);
  expect(await search(storage, 'modem router')).toEqual([...before, fresh].map((ticket) => ticket.id).sort());
  expect(await search(storage, 'modem reset')).toEqual([first.id]);
  await storage.close();
});
