import type { Page, Ticket, TicketFilter } from '@ticketkit/core';
import { listedIds, makeTicket } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { migrate, SCHEMA_VERSION, type SqliteStorage, sqliteStorage } from '../src/index.js';
import { queueOrderColumns } from '../src/queries/queue-order-columns.js';
import { legacyTicketInserter } from './support/legacy-rows.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * A file written at schema version 5 (before the `priority` order) with
 * tickets in it: migration 6 gives every ticket its priority rank and next
 * due time from its JSON, and the work queues page in the new order.
 */

const temp = tempDirectory();
afterEach(() => temp.cleanup());

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const STATUSES = ['open', 'in_progress', 'awaiting_customer', 'resolved', 'closed'] as const;
const at = (minutes: number, ms = 0) => new Date(Date.UTC(2026, 2, 2, 9, minutes, 0, ms)).toISOString();

/** Tickets of every priority and status, with due times that tie, fall before or after one another, or are absent. */
function oldTickets(): Ticket[] {
  return Array.from({ length: 60 }, (_, index) =>
    makeTicket({
      priority: PRIORITIES[index % 4],
      status: STATUSES[index % 5],
      departmentId: index % 3 === 0 ? 'l2' : 'help',
      assigneeId: index % 4 === 1 ? 'ann' : null,
      firstResponseDueAt: index % 7 === 6 ? null : at(index % 5, (index * 37) % 1000),
      firstRespondedAt: index % 3 === 1 ? at(0) : null,
      resolutionDueAt: index % 5 === 4 ? null : at(2 + (index % 4)),
      createdAt: at(-60 + Math.floor(index / 2)),
    }),
  );
}

/** Writes tickets as version 5 of the adapter did: its columns, no priority rank or due time. */
function writeAsVersion5(file: string, tickets: readonly Ticket[]) {
  const old = new Database(file);
  expect(migrate(old, 5)).toEqual({ from: 0, to: 5 });
  const insert = legacyTicketInserter(old);
  for (const ticket of tickets) insert(ticket);
  old.close();
}

async function pageAll(storage: SqliteStorage, filter: TicketFilter, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page: Page<Ticket> = await storage.listTickets({ filter, order: 'priority', limit, cursor });
    ids.push(...page.items.map((ticket) => ticket.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('paging did not end');
}

const reference = (tickets: readonly Ticket[], filter: TicketFilter) => listedIds(tickets, filter, 'priority');

test('a file at schema version 5 with tickets migrates, and its work queues page in priority order', async () => {
  const file = temp.file();
  let tickets = oldTickets();
  writeAsVersion5(file, tickets);

  const storage = sqliteStorage({ filename: file });
  await storage.init?.();
  expect(storage.schemaVersion()).toBe(SCHEMA_VERSION);
  // The migration's SQL works out what the commit would have written, to the millisecond.
  const stored = storage.database.prepare('SELECT id, priority_rank, due_at FROM tickets').all() as {
    id: string;
    priority_rank: number;
    due_at: number;
  }[];
  const byId = new Map(tickets.map((ticket) => [ticket.id, ticket]));
  for (const row of stored) {
    expect({ priority_rank: row.priority_rank, due_at: row.due_at }, row.id).toEqual(
      queueOrderColumns(byId.get(row.id) as Ticket),
    );
  }

  const filters: Record<string, TicketFilter> = {
    open: { statuses: ['open', 'in_progress'] },
    twoDepartments: { statuses: ['open', 'in_progress'], departmentIds: ['help', 'l2'] },
    mine: { statuses: ['open', 'in_progress', 'awaiting_customer'], assigneeId: 'ann' },
    awaiting: { statuses: ['awaiting_customer'], departmentIds: ['l2'] },
  };
  for (const [name, filter] of Object.entries(filters)) {
    expect(reference(tickets, filter).length, name).toBeGreaterThan(3);
    for (const limit of [1, 4, 50]) {
      expect(await pageAll(storage, filter, limit), `${name}, limit ${limit}`).toEqual(reference(tickets, filter));
    }
  }

  // A migrated ticket changed by a commit takes its new place.
  const moved = reference(tickets, filters.open as TicketFilter).at(-1) as string;
  const before = byId.get(moved) as Ticket;
  const after: Ticket = {
    ...before,
    priority: 'urgent',
    firstResponseDueAt: at(-90),
    firstRespondedAt: null,
    version: before.version + 1,
  };
  await storage.commit({
    ticket: { kind: 'update', ticket: after, expectedVersion: before.version },
    thread: [],
    audit: [],
  });
  tickets = tickets.map((ticket) => (ticket.id === moved ? after : ticket));
  expect((await pageAll(storage, filters.open as TicketFilter, 5))[0]).toBe(moved);
  expect(await pageAll(storage, filters.open as TicketFilter, 5)).toEqual(
    reference(tickets, filters.open as TicketFilter),
  );
  expect(storage.database.pragma('integrity_check', { simple: true })).toBe('ok');
  await storage.close?.();
});
