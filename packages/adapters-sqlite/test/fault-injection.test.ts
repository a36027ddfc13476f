import { createHelpDesk, type HelpDesk, isTicketkitError, type Notifier } from '@ticketkit/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SqliteStorage, sqliteStorage } from '../src/index.js';
import { recordingDatabase } from './support/recording-database.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * For every k, the k-th statement of a full command throws: the command fails
 * with STORAGE_FAILED carrying the cause, and no half-written ticket, thread
 * entry, audit event or outbox row remains.
 */

const temp = tempDirectory();
const raw = new Database(temp.file());
const recording = recordingDatabase(raw);
let storage: SqliteStorage;
let desk: HelpDesk;
const email: Notifier = { id: 'email', send: async () => {} };
const ann = { type: 'agent', id: 'ann' } as const;
const ken = { type: 'customer', email: 'ken@example.com' } as const;

beforeAll(async () => {
  storage = sqliteStorage({ database: recording.database });
  desk = await createHelpDesk({ storage, notifiers: [email] });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
});
afterAll(async () => {
  await storage.close?.();
  raw.close();
  temp.cleanup();
});

const counts = () =>
  Object.fromEntries(
    ['tickets', 'ticket_log', 'idempotency_keys', 'ticket_counts', 'thread_search'].map((table) => [
      table,
      table === 'ticket_counts'
        ? raw.prepare('SELECT coalesce(sum(n), 0) FROM ticket_counts').pluck().get()
        : raw.prepare(`SELECT count(*) FROM ${table}`).pluck().get(),
    ]),
  );

async function injectEveryStatement(label: string, command: () => Promise<unknown>, check: () => unknown) {
  let k = 1;
  for (; k < 200; k++) {
    const before = { counts: counts(), state: check() };
    recording.failAt(k);
    const error = await command().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    recording.failAt(undefined);
    if (error === undefined) break;
    expect(isTicketkitError(error, 'STORAGE_FAILED'), `${label}, statement ${k}: ${String(error)}`).toBe(true);
    expect(((error as Error).cause as Error).message, `${label}, statement ${k}`).toBe(
      `injected failure at statement ${k}`,
    );
    expect(counts(), `${label}: nothing half written after a failure at statement ${k}`).toEqual(before.counts);
    expect(check(), `${label}: state unchanged after a failure at statement ${k}`).toEqual(before.state);
  }
  // The command ran its statements 1..k-1, each of which was made to fail once.
  expect(k, `${label} should take several statements`).toBeGreaterThan(3);
  return k - 1;
}

test('opening a ticket fails cleanly at every statement', async () => {
  const statements = await injectEveryStatement(
    'open',
    () =>
      desk.tickets.open(
        { subject: 'Fault injection', body: 'Hello', departmentId: 'help', idempotencyKey: 'k-1' },
        { actor: ken },
      ),
    () => raw.prepare('SELECT count(*) FROM tickets').pluck().get(),
  );
  expect(statements).toBeGreaterThanOrEqual(4);
  expect(counts()).toMatchObject({ tickets: 1, ticket_log: 1, idempotency_keys: 1 });
});

test('a reply (thread, audit, outbox, search index) fails cleanly at every statement', async () => {
  const ticket = await desk.tickets.open({ subject: 'Replies', body: 'Hello', departmentId: 'help' }, { actor: ken });
  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: ann });
  const version = () => raw.prepare('SELECT version FROM tickets WHERE id = ?').pluck().get(ticket.id);
  await injectEveryStatement(
    'customer reply',
    () => desk.tickets.reply(ticket.id, { body: 'More details' }, { actor: ken }),
    version,
  );
  await injectEveryStatement(
    'resolve',
    () => desk.tickets.resolve(ticket.id, { resolutionNote: 'Fixed', body: 'Done!' }, { actor: ann }),
    version,
  );
  expect(version()).toBe(4);
});
