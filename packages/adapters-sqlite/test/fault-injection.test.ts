import { createHelpDesk, type HelpDesk, isTicketkitError, type Notifier, type OutboxMessage } from '@ticketkit/core';
import { makeAuditEvent, makeDelivery, makeOutboxMessage, makeTicket } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SqliteStorage, sqliteStorage } from '../src/index.js';
import { recordingDatabase } from './support/recording-database.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * For every k, the k-th statement of a full command throws: the command fails
 * with STORAGE_FAILED carrying the cause, and no half-written ticket, thread
 * entry, audit event or outbox row remains. The same for the outbox and the
 * delivery log: a dispatch, a deferral or a claim that fails at any statement
 * leaves every table as it was.
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
  // Notifications are written in each command's transaction and sent by the scheduler: sent in the background
  // right after a commit, their statements would interleave with the next command's (its commit waits for the
  // next turn of the event loop) and take the injected failure in its place.
  desk = await createHelpDesk({ storage, notifiers: [email], delivery: { sendAfterCommit: false } });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
});
afterAll(async () => {
  // Closing the desk waits for the notifications it is still sending in the background.
  await desk.close();
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

describe('the outbox and the delivery log', () => {
  // A file and a connection of their own: the desk above sends its notifications in the background,
  // and their statements must not count here.
  const outboxRaw = new Database(temp.file('outbox.db'));
  const outboxRecording = recordingDatabase(outboxRaw);
  const outbox = sqliteStorage({ database: outboxRecording.database });
  const minute = (n: number) => new Date(Date.UTC(2026, 2, 2, 9, n)).toISOString();
  beforeAll(() => outbox.init());
  afterAll(async () => {
    await outbox.close();
    outboxRaw.close();
  });

  /** Every row of every table a dispatch, deferral or claim may write, read past the adapter. */
  const snapshot = () =>
    Object.fromEntries(
      ['tickets', 'ticket_log', 'deliveries', 'outbox_cursor', 'outbox_deferred'].map((table) => [
        table,
        outboxRaw.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all(),
      ]),
    );

  /** Like injectEveryStatement, for one adapter call: each failure leaves every table as it was. */
  async function injectEveryAdapterStatement<T>(label: string, call: () => Promise<T>): Promise<T> {
    for (let k = 1; k < 200; k++) {
      const before = snapshot();
      outboxRecording.failAt(k);
      const outcome = await call().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      outboxRecording.failAt(undefined);
      if ('value' in outcome) {
        // The call ran its statements 1..k-1, each of which was made to fail once.
        expect(k - 1, `${label} should take several statements`).toBeGreaterThan(3);
        return outcome.value;
      }
      expect((outcome.error as Error).message, `${label}, statement ${k}`).toBe(`injected failure at statement ${k}`);
      expect(outboxRaw.inTransaction, `${label}: rolled back after a failure at statement ${k}`).toBe(false);
      expect(snapshot(), `${label}: nothing half written after a failure at statement ${k}`).toEqual(before);
    }
    throw new Error(`${label} still failing after 200 statements`);
  }

  /** A ticket with one change per message, committed in order. */
  async function ticketWithMessages(dueTimes: string[]) {
    const ticket = makeTicket({ createdAt: minute(0) });
    const messages = dueTimes.map((dueAt) => makeOutboxMessage(ticket, { nextAttemptAt: dueAt }));
    for (const [index, message] of messages.entries()) {
      const version = index + 1;
      await outbox.commit({
        ticket:
          index === 0
            ? { kind: 'insert', ticket }
            : { kind: 'update', ticket: { ...ticket, version }, expectedVersion: version - 1 },
        thread: [],
        audit: [makeAuditEvent(ticket, { version })],
        outbox: [message],
      });
    }
    return {
      ticket: { ...ticket, version: messages.length },
      messages: messages as [OutboxMessage, ...OutboxMessage[]],
    };
  }

  const statusOf = (id: string) =>
    outboxRaw.prepare("SELECT status FROM ticket_log WHERE json_extract(data, '$.outbox.id') = ?").pluck().get(id);
  const deliveriesOf = (messageId: string) =>
    outboxRaw
      .prepare("SELECT id FROM deliveries WHERE json_extract(data, '$.messageId') = ? ORDER BY seq")
      .pluck()
      .all(messageId);
  const cursor = () => outboxRaw.prepare('SELECT log_seq FROM outbox_cursor').pluck().get();
  const deferred = () => outboxRaw.prepare('SELECT log_seq FROM outbox_deferred ORDER BY log_seq').pluck().all();

  test('a dispatch fails cleanly at every statement: still pending without deliveries, or fully dispatched', async () => {
    // The first message is due; two not due yet follow, then a due one. The dispatch writes three
    // deliveries, and moves the cursor past the first three messages, deferring the two on the way.
    const { ticket, messages } = await ticketWithMessages([minute(0), minute(90), minute(90), minute(1)]);
    const [first, ...rest] = messages;
    const deliveries = [1, 2, 3].map(() => makeDelivery(first, ticket, { createdAt: minute(5) }));
    const cursorBefore = cursor();
    const won = await injectEveryAdapterStatement('dispatch', () =>
      outbox.dispatchOutbox({ messageId: first.id, ticketId: ticket.id, deliveries, at: minute(5) }),
    );
    expect(won).toBe(true);
    expect(statusOf(first.id)).toBe('dispatched');
    expect(deliveriesOf(first.id)).toEqual(deliveries.map((delivery) => delivery.id));
    for (const message of rest) expect(statusOf(message.id)).toBe('pending');
    const seqs = outboxRaw
      .prepare("SELECT seq FROM ticket_log WHERE json_extract(data, '$.outbox.id') IN (?, ?, ?) ORDER BY seq")
      .pluck()
      .all(...rest.map((message) => message.id)) as number[];
    expect(deferred()).toEqual(seqs.slice(0, 2));
    expect(cursor()).toBe((seqs[2] as number) - 1);
    expect(cursor()).toBeGreaterThan(cursorBefore as number);

    // A second dispatch of the same message, failing or not, writes nothing.
    const again = [makeDelivery(first, ticket)];
    expect(
      await outbox.dispatchOutbox({ messageId: first.id, ticketId: ticket.id, deliveries: again, at: minute(6) }),
    ).toBe(false);
    expect(deliveriesOf(first.id)).toHaveLength(3);
  });

  test('a deferral, and the dispatch of a deferred message, fail cleanly at every statement', async () => {
    const { ticket, messages } = await ticketWithMessages([minute(0), minute(90)]);
    const [first] = messages;
    await injectEveryAdapterStatement('defer', () =>
      outbox.deferOutbox({
        messageId: first.id,
        ticketId: ticket.id,
        status: 'pending',
        attempts: 1,
        nextAttemptAt: minute(30),
        lastError: 'unavailable',
        at: minute(5),
      }),
    );
    const seq = outboxRaw
      .prepare("SELECT seq FROM ticket_log WHERE json_extract(data, '$.outbox.id') = ?")
      .pluck()
      .get(first.id);
    expect(statusOf(first.id)).toBe('pending');
    expect(deferred()).toContain(seq);

    const deliveries = [makeDelivery(first, ticket, { createdAt: minute(31) })];
    expect(
      await injectEveryAdapterStatement('dispatch of a deferred message', () =>
        outbox.dispatchOutbox({ messageId: first.id, ticketId: ticket.id, deliveries, at: minute(31) }),
      ),
    ).toBe(true);
    expect(statusOf(first.id)).toBe('dispatched');
    expect(deferred()).not.toContain(seq);
    expect(deliveriesOf(first.id)).toEqual([deliveries[0]?.id]);
  });

  test('a claim fails cleanly at every statement: the whole batch claimed, or none of it', async () => {
    const { ticket, messages } = await ticketWithMessages([minute(0)]);
    const [message] = messages;
    // Due before anything the tests above wrote, so the claim's batch is the first three of these.
    const deliveries = [0, 1, 2, 3, 4].map((n) => makeDelivery(message, ticket, { nextAttemptAt: minute(n - 10) }));
    expect(await outbox.dispatchOutbox({ messageId: message.id, ticketId: ticket.id, deliveries, at: minute(0) })).toBe(
      true,
    );
    const claimed = await injectEveryAdapterStatement('claim', () =>
      outbox.claimDeliveries({ owner: 'sweeper', now: minute(-3), until: minute(20), limit: 3 }),
    );
    expect(claimed.map((delivery) => delivery.id)).toEqual(deliveries.slice(0, 3).map((delivery) => delivery.id));
    const owners = outboxRaw
      .prepare('SELECT claimed_by FROM deliveries WHERE ticket_id = ? ORDER BY next_attempt_at')
      .pluck()
      .all(ticket.id);
    expect(owners).toEqual(['sweeper', 'sweeper', 'sweeper', null, null]);
  });
});
