import { readdirSync } from 'node:fs';
import { createHelpDesk, isTicketkitError, type Ticket } from '@ticketkit/core';
import { makeDelivery, makeOutboxMessage, makeTicket } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { MIGRATIONS, migrate, SCHEMA_VERSION, sqliteStorage } from '../src/index.js';
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
  expect(rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
  expect(rows.map((row) => (row as { version: number }).version)).toEqual([1, 2, 3, 4, 5, 6]);
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
  expect(db.prepare('SELECT count(*) FROM ticketkit_migrations').pluck().get()).toBe(SCHEMA_VERSION);
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

test('a file at schema version 1 with tickets migrates to the current schema, keeping every due time', async () => {
  const { file } = temp();
  // The file as version 1 of the adapter wrote it: the due time in next_sla_check_at and nextSlaCheckAt.
  const old = new Database(file());
  expect(migrate(old, 1)).toEqual({ from: 0, to: 1 });
  const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute)).toISOString();
  const tickets = [
    makeTicket({ nextCheckAt: at(30) }),
    makeTicket({ nextCheckAt: null, status: 'resolved' }),
    makeTicket({ nextCheckAt: at(10), fields: { nextSlaCheckAt: 'a field of that name stays', lone: 'x\ud800y' } }),
  ];
  const insert = old.prepare(`INSERT INTO tickets (id, number, status, department_id, team_id, assignee_id, sla_state,
    requester_email, subject, created_at, next_sla_check_at, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const ticket of tickets) {
    const { nextCheckAt, ...rest } = ticket;
    const seq = insert.run(
      ticket.id,
      ticket.number,
      ticket.status,
      ticket.departmentId,
      ticket.teamId,
      ticket.assigneeId,
      ticket.slaState,
      ticket.requester.email,
      ticket.subject,
      Date.parse(ticket.createdAt),
      nextCheckAt === null ? null : Date.parse(nextCheckAt),
      ticket.version,
      JSON.stringify({ ...rest, nextSlaCheckAt: nextCheckAt }),
    ).lastInsertRowid;
    // Version 1 wrote outbox messages and never dispatched them: they are still pending after the migration.
    const { ticketId, ...message } = makeOutboxMessage(ticket, { nextAttemptAt: ticket.createdAt });
    old
      .prepare("INSERT INTO ticket_log (id, ticket_seq, kind, status, due_at, data) VALUES (?, ?, 'change', ?, ?, ?)")
      .run(message.id, seq, message.status, Date.parse(message.nextAttemptAt), JSON.stringify({ outbox: message }));
  }
  expect(old.prepare('SELECT max(version) FROM ticketkit_migrations').pluck().get()).toBe(1);
  old.close();

  const storage = sqliteStorage({ filename: file() });
  await storage.init?.();
  expect(storage.schemaVersion()).toBe(SCHEMA_VERSION);
  const db = storage.database;
  for (const ticket of tickets) {
    const stored = (await storage.getTicket({ id: ticket.id })) as Ticket;
    expect(stored).toEqual(ticket);
    expect(stored).not.toHaveProperty('nextSlaCheckAt');
    expect(db.prepare('SELECT next_check_at FROM tickets WHERE id = ?').pluck().get(ticket.id)).toBe(
      ticket.nextCheckAt === null ? null : Date.parse(ticket.nextCheckAt),
    );
  }
  const columns = db.prepare("SELECT name FROM pragma_table_info('tickets')").pluck().all();
  expect(columns).toContain('next_check_at');
  expect(columns).not.toContain('next_sla_check_at');
  const indexes = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'tickets'")
    .pluck()
    .all();
  expect(indexes).toContain('tickets_due');
  expect(indexes).not.toContain('tickets_sla_due');
  expect((await storage.listDueTickets({ dueBefore: at(59), limit: 10 })).map((ticket) => ticket.id)).toEqual([
    tickets[2]?.id,
    tickets[0]?.id,
  ]);
  expect(await storage.listPendingOutbox({ dueBefore: at(59), limit: 10 })).toHaveLength(3);
  // The adapter writes the renamed column.
  const first = tickets[0] as Ticket;
  const moved = { ...first, version: 2, nextCheckAt: at(45) };
  await storage.commit({
    ticket: { kind: 'update', ticket: moved, expectedVersion: 1, previous: first },
    thread: [],
    audit: [],
  });
  expect((await storage.listDueTickets({ dueBefore: at(59), limit: 10 })).map((ticket) => ticket.id)).toEqual([
    tickets[2]?.id,
    first.id,
  ]);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  await storage.close?.();
});

test('migrate refuses a target version it does not know', () => {
  const db = new Database(':memory:');
  for (const target of [-1, 1.5, SCHEMA_VERSION + 1]) {
    expect(() => migrate(db, target)).toThrow(/targetVersion must be a whole number/);
  }
  db.close();
});

test('a file at schema version 4 migrates its deliveries to ticket summaries, without custom fields', async () => {
  const { file } = temp();
  // The file as version 4 of the adapter wrote it: every delivery row copied the whole ticket.
  const old = new Database(file());
  expect(migrate(old, 4)).toEqual({ from: 0, to: 4 });
  const ticket = makeTicket({ fields: { notes: 'n'.repeat(50_000), lone: 'é\u00a0✓' } });
  old
    .prepare(`INSERT INTO tickets (id, number, status, department_id, team_id, assignee_id, sla_state,
    requester_email, subject, created_at, next_check_at, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(
      ticket.id,
      ticket.number,
      ticket.status,
      ticket.departmentId,
      null,
      null,
      ticket.slaState,
      ticket.requester.email,
      ticket.subject,
      Date.parse(ticket.createdAt),
      null,
      ticket.version,
      JSON.stringify(ticket),
    );
  const message = makeOutboxMessage(ticket);
  const deliveries = ['ann@bank.test', 'bob@bank.test', 'ken@example.com'].map((email) => {
    const delivery = makeDelivery(message, ticket, { status: 'delivered' });
    return { ...delivery, notification: { ...delivery.notification, recipient: { email, name: null }, ticket } };
  });
  const insert = old.prepare(`INSERT INTO deliveries
    (id, ticket_id, status, next_attempt_at, claimed_by, claimed_until, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const delivery of deliveries) {
    insert.run(
      delivery.id,
      ticket.id,
      delivery.status,
      0,
      null,
      null,
      Date.parse(delivery.createdAt),
      JSON.stringify(delivery),
    );
  }
  const bytes = () => old.prepare('SELECT sum(length(data)) FROM deliveries').pluck().get() as number;
  expect(bytes()).toBeGreaterThan(150_000);
  old.close();

  const storage = sqliteStorage({ filename: file() });
  await storage.init?.();
  expect(storage.schemaVersion()).toBe(SCHEMA_VERSION);
  for (const delivery of deliveries) {
    const { fields: _fields, ...summary } = delivery.notification.ticket;
    expect(await storage.getDelivery(delivery.id)).toEqual({
      ...delivery,
      notification: { ...delivery.notification, ticket: summary },
    });
  }
  expect(await storage.getTicket({ id: ticket.id })).toEqual(ticket);
  const after = storage.database.prepare('SELECT sum(length(data)) FROM deliveries').pluck().get() as number;
  expect(after).toBeLessThan(6_000);
  expect(storage.database.pragma('integrity_check', { simple: true })).toBe('ok');
  await storage.close?.();
});
