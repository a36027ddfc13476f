import type { Delivery, OutboxMessage, Ticket } from '@ticketkit/core';
import { makeAuditEvent, makeDelivery, makeOutboxMessage, makeTicket } from '@ticketkit/core/testing';
import { afterAll, expect, test } from 'vitest';
import { type SqliteStorage, sqliteStorage } from '../src/index.js';
import { runTogether } from './support/child-process.js';
import { sqliteBackdoor, tempDirectory } from './support/temp-database.js';

/**
 * Four processes on one file work the same outbox and the same delivery log
 * at once. Every due message is dispatched exactly once, with its deliveries
 * written once and the losers' never; every due delivery is claimed by
 * exactly one process, and nothing else is touched.
 */

const temp = tempDirectory();
afterAll(() => temp.cleanup());
const PROCESSES = ['p1', 'p2', 'p3', 'p4'];
const NOW = '2026-03-02T12:00:00.000Z';
const LATER = '2026-03-03T12:00:00.000Z';
const minute = (n: number) => new Date(Date.UTC(2026, 2, 2, 9, 0) + n * 60_000).toISOString();

const duplicatesOf = (ids: readonly string[]) => ids.filter((id, index) => ids.indexOf(id) !== index);
const sorted = (ids: Iterable<string>) => [...ids].sort();

function parseRuns<T>(runs: { code: number | null; stdout: string; stderr: string }[]): T[] {
  return runs.map((run, index) => {
    expect(run.stderr, `${PROCESSES[index]} stderr`).toBe('');
    expect(run.code, `${PROCESSES[index]} exit code`).toBe(0);
    return JSON.parse(run.stdout) as T;
  });
}

function expectIntact(filename: string) {
  const backdoor = sqliteBackdoor(filename);
  try {
    expect(backdoor.raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(backdoor.raw.pragma('foreign_key_check')).toEqual([]);
  } finally {
    backdoor.close();
  }
}

/** Commits a new ticket with `outbox`, or a change of `ticket` with an audit event and `outbox`. */
async function commit(storage: SqliteStorage, ticket: Ticket, outbox: OutboxMessage[], insert: boolean) {
  const next = insert ? ticket : { ...ticket, version: ticket.version + 1 };
  await storage.commit({
    ticket: insert ? { kind: 'insert', ticket } : { kind: 'update', ticket: next, expectedVersion: ticket.version },
    thread: [],
    audit: [makeAuditEvent(next, { command: insert ? 'open' : 'note', version: next.version })],
    outbox,
  });
  return next;
}

test('four processes dispatch the same outbox: each due message exactly once, none lost', async () => {
  const filename = temp.file('dispatch.db');
  const storage = sqliteStorage({ filename });
  await storage.init();
  // A long run of changes without notifications first: the first list finds the cursor lagging and
  // moves it up itself, while the other processes list and dispatch.
  let quiet = await commit(storage, makeTicket({ createdAt: minute(0) }), [], true);
  for (let index = 0; index < 1_100; index++) quiet = await commit(storage, quiet, [], false);
  // Then 300 tickets: a due message each; every fifth also one that is not due yet (in the same
  // commit), every third a second due message in a later change.
  const due: string[] = [];
  const notDue: string[] = [];
  for (let index = 0; index < 300; index++) {
    const ticket = makeTicket({ createdAt: minute(index % 120) });
    const first = makeOutboxMessage(ticket, { nextAttemptAt: minute(index % 120) });
    const waiting = makeOutboxMessage(ticket, { nextAttemptAt: LATER });
    const inserted = await commit(storage, ticket, index % 5 === 0 ? [first, waiting] : [first], true);
    due.push(first.id);
    if (index % 5 === 0) notDue.push(waiting.id);
    if (index % 3 === 0) {
      const second = makeOutboxMessage(ticket, { nextAttemptAt: NOW });
      await commit(storage, inserted, [second], false);
      due.push(second.id);
    }
  }
  await storage.close();

  const started = performance.now();
  const runs = await runTogether(
    'outbox-dispatcher.ts',
    PROCESSES.map((name) => [filename, name, NOW]),
    temp.file('dispatch.go'),
  );
  const results = parseRuns<{
    won: { messageId: string; deliveryIds: string[] }[];
    lost: number;
    deferred: number;
    lists: number;
  }>(runs);

  // Exactly once: every due message won by exactly one process, and nothing else.
  const won = results.flatMap((result) => result.won);
  expect(duplicatesOf(won.map((dispatch) => dispatch.messageId)), 'dispatched twice').toEqual([]);
  expect(sorted(won.map((dispatch) => dispatch.messageId))).toEqual(sorted(due));
  // The processes really raced: several won, and dispatches lost to another process.
  expect(results.filter((result) => result.won.length > 0).length).toBeGreaterThanOrEqual(2);
  expect(results.reduce((sum, result) => sum + result.lost, 0)).toBeGreaterThan(0);
  expect(results.reduce((sum, result) => sum + result.deferred, 0)).toBeGreaterThan(0);

  const backdoor = sqliteBackdoor(filename);
  try {
    const messages = backdoor.raw
      .prepare(`SELECT json_extract(data, '$.outbox.id') AS id, status, json_extract(data, '$.outbox.attempts') AS attempts,
          json_extract(data, '$.outbox.lastError') AS lastError
        FROM ticket_log WHERE status IS NOT NULL`)
      .all() as { id: string; status: string; attempts: number; lastError: string | null }[];
    expect(messages).toHaveLength(due.length + notDue.length);
    const byId = new Map(messages.map((message) => [message.id, message]));
    for (const id of due) {
      const message = byId.get(id);
      expect(message?.status, id).toBe('dispatched');
      // Deferred once by some process before another dispatched it, or never.
      if (message?.attempts !== 0) expect(message?.lastError, id).toMatch(/^p\d failed once$/);
      expect(message?.attempts, id).toBeLessThanOrEqual(1);
    }
    for (const id of notDue) expect(byId.get(id), id).toMatchObject({ status: 'pending', attempts: 0 });

    // The winners' deliveries are written, each once and for its own message; the losers' never.
    const stored = backdoor.raw
      .prepare("SELECT id, json_extract(data, '$.messageId') AS messageId FROM deliveries")
      .all() as { id: string; messageId: string }[];
    const expected = won.flatMap((dispatch) =>
      dispatch.deliveryIds.map((id) => ({ id, messageId: dispatch.messageId })),
    );
    expect(stored).toHaveLength(2 * due.length);
    expect(stored.sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
  } finally {
    backdoor.close();
  }

  // Nothing due is left; the messages not due yet are still there, once each.
  const after = sqliteStorage({ filename });
  await after.init();
  expect(await after.listPendingOutbox({ dueBefore: NOW, limit: 1_000 })).toEqual([]);
  const waiting = await after.listPendingOutbox({ dueBefore: LATER, limit: 1_000 });
  expect(sorted(waiting.map((message) => message.id))).toEqual(sorted(notDue));
  await after.close();
  expectIntact(filename);
  console.log(
    `outbox processes: ${PROCESSES.length} processes dispatched ${due.length} messages exactly once ` +
      `(${results.reduce((sum, result) => sum + result.lost, 0)} lost races, ` +
      `${results.reduce((sum, result) => sum + result.deferred, 0)} deferrals) in ${Math.round(performance.now() - started)} ms`,
  );
});

/** What a delivery is before the claimers start, and whether they may claim it. */
const KINDS = {
  due: { claimable: true },
  retrying: { claimable: true },
  lapsed: { claimable: true },
  held: { claimable: false },
  later: { claimable: false },
  delivered: { claimable: false },
  dead: { claimable: false },
} as const;
type Kind = keyof typeof KINDS;
const KIND_NAMES = Object.keys(KINDS) as Kind[];

function deliveryOf(kind: Kind, message: OutboxMessage, ticket: Ticket, n: number): Delivery {
  // Due times spread over the three hours before NOW; every tenth exactly at NOW (due, inclusive).
  const dueAt = n % 10 === 0 ? NOW : minute(n % 180);
  const failed = { at: minute(0), durationMs: 5, error: 'unavailable' };
  const overrides: Record<Kind, Partial<Delivery>> = {
    due: { nextAttemptAt: dueAt },
    retrying: { status: 'retrying', nextAttemptAt: dueAt, attempts: [failed] },
    // A claim that ran out (every tenth exactly at NOW: a claim holds until, not including, its end).
    lapsed: { nextAttemptAt: dueAt, claimedBy: 'crashed', claimedUntil: n % 10 === 2 ? NOW : minute(170) },
    held: { nextAttemptAt: dueAt, claimedBy: 'busy', claimedUntil: minute(181) },
    later: { nextAttemptAt: minute(181 + (n % 60)) },
    delivered: { status: 'delivered', nextAttemptAt: dueAt, attempts: [{ ...failed, error: null }] },
    dead: { status: 'dead', nextAttemptAt: dueAt, attempts: [failed] },
  };
  return makeDelivery(message, ticket, { createdAt: minute(0), updatedAt: minute(0), ...overrides[kind] });
}

test('four processes claim due deliveries: none claimed twice, every due one claimed', async () => {
  const filename = temp.file('claims.db');
  const storage = sqliteStorage({ filename });
  await storage.init();
  const kindOf = new Map<string, Kind>();
  const before = new Map<string, Delivery>();
  const tickets: string[] = [];
  for (let index = 0; index < 100; index++) {
    const ticket = makeTicket({ createdAt: minute(0) });
    const message = makeOutboxMessage(ticket, { nextAttemptAt: minute(0) });
    await commit(storage, ticket, [message], true);
    const deliveries = Array.from({ length: 7 }, (_, n) => {
      const kind = KIND_NAMES[(index + n) % KIND_NAMES.length] as Kind;
      const delivery = deliveryOf(kind, message, ticket, index * 7 + n);
      kindOf.set(delivery.id, kind);
      before.set(delivery.id, delivery);
      return delivery;
    });
    expect(
      await storage.dispatchOutbox({ messageId: message.id, ticketId: ticket.id, deliveries, at: minute(0) }),
    ).toBe(true);
    tickets.push(ticket.id);
  }
  await storage.close();
  const claimable = [...kindOf].filter(([, kind]) => KINDS[kind].claimable).map(([id]) => id);
  expect(claimable).toHaveLength(300);

  const started = performance.now();
  const runs = await runTogether(
    'delivery-claimer.ts',
    PROCESSES.map((name) => [filename, name, NOW, '7']),
    temp.file('claims.go'),
  );
  const results = parseRuns<{ claimed: string[]; delivered: string[]; batches: number; errors: string[] }>(runs);
  for (const result of results) expect(result.errors).toEqual([]);

  const claimed = results.flatMap((result) => result.claimed);
  expect(duplicatesOf(claimed), 'claimed twice').toEqual([]);
  expect(sorted(claimed)).toEqual(sorted(claimable));
  expect(results.filter((result) => result.claimed.length > 0).length, 'claims overlapped in time').toBeGreaterThan(1);

  // The file says the same: each claimed delivery held by its claimer (or delivered by it under its
  // claim), with the columns in step with the JSON; every other delivery exactly as it was.
  const until = new Date(Date.parse(NOW) + 3_600_000).toISOString();
  const ownerOf = new Map(results.flatMap((result, index) => result.claimed.map((id) => [id, PROCESSES[index]])));
  const delivered = new Set(results.flatMap((result) => result.delivered));
  // Each claimer marks every other delivery it claimed delivered.
  expect(delivered.size).toBe(results.reduce((sum, result) => sum + Math.floor(result.claimed.length / 2), 0));
  const backdoor = sqliteBackdoor(filename);
  try {
    const stored = (await Promise.all(tickets.map((id) => backdoor.deliveries?.(id) ?? []))).flat();
    expect(stored).toHaveLength(before.size);
    for (const delivery of stored) {
      const original = before.get(delivery.id) as Delivery;
      const owner = ownerOf.get(delivery.id);
      if (owner === undefined) {
        expect(delivery, `${kindOf.get(delivery.id)} delivery`).toEqual(original);
      } else if (delivered.has(delivery.id)) {
        expect(delivery).toMatchObject({ status: 'delivered', claimedBy: null, claimedUntil: null });
      } else {
        expect(delivery).toEqual({ ...original, claimedBy: owner, claimedUntil: until });
      }
    }
  } finally {
    backdoor.close();
  }
  expectIntact(filename);
  console.log(
    `delivery claims: ${PROCESSES.length} processes claimed ${claimable.length} of ${before.size} deliveries in ` +
      `${results.reduce((sum, result) => sum + result.batches, 0)} batches, none twice, in ` +
      `${Math.round(performance.now() - started)} ms`,
  );
});
