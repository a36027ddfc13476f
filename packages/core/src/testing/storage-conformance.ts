import assert from 'node:assert/strict';
import { isTicketkitError } from '../errors/ticketkit-error.js';
import type { DirectoryKind } from '../schemas/directory.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Ticket } from '../schemas/ticket.js';
import type { Page, StorageAdapter, TicketFilter, TicketOrder } from '../storage/storage-adapter.js';
import { createStorageGateway } from '../storage/storage-gateway.js';
import { compareTickets, matchesFilter, searchTerms } from '../storage/ticket-filter.js';
import { accessTokenCases } from './access-token-cases.js';
import { changeCases } from './change-cases.js';
import { concurrencyCases, raceFromOneVersion } from './concurrency-cases.js';
import { type Case, type ConformanceSubject, deskOn, expectConflict, insert } from './conformance-support.js';
import { deliveryCases } from './delivery-cases.js';
import { dueClaimCases } from './due-claim-cases.js';
import { makeAuditEvent, makeOutboxMessage, makeThreadEntry, makeTicket } from './fixtures.js';
import { idempotencyCases } from './idempotency-cases.js';
import { queueCountCases } from './queue-count-cases.js';
import { queueOrderCases } from './queue-order-cases.js';

export type { ConformanceSubject, StorageBackdoor } from './conformance-support.js';

/** The test function of your runner (vitest's or node:test's `test`). */
export interface ConformanceTestFunction {
  /** Registers a test. */
  (name: string, fn: () => Promise<void>, timeout?: number): void;
  /** Registers a skipped test. */
  skip: (name: string, fn: () => Promise<void>) => void;
}

/** Options of {@link runStorageConformance}. */
export interface StorageConformanceOptions {
  /**
   * Tests to switch off, by their full name (e.g. `'search: hostile text is matched literally'`).
   * Unknown names are an error, so a renamed test cannot silently stay off.
   * @default []
   */
  skip?: readonly string[];
  /**
   * Per-test timeout in milliseconds.
   * @default 30000
   */
  timeout?: number;
  /**
   * How many commits the concurrent-commit tests run at once on one ticket
   * (`concurrency: …`). Give it for an adapter that takes concurrent writers
   * (several connections, processes or queued commits); left out, those
   * tests are not registered.
   */
  concurrency?: number;
}

async function listAll(
  adapter: StorageAdapter,
  filter: TicketFilter,
  order: TicketOrder,
  limit: number,
): Promise<Ticket[]> {
  const all: Ticket[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1_000; pages++) {
    const page: Page<Ticket> = await adapter.listTickets({ filter, order, limit, cursor });
    assert.ok(page.items.length <= limit, 'a page must not exceed its limit');
    all.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return all;
    assert.ok(page.items.length > 0, 'a page with a nextCursor must not be empty');
  }
  throw new Error('pagination did not end after 1000 pages');
}

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const hour = (n: number) => new Date(Date.UTC(2026, 1, 2, n)).toISOString();

// A varied population for the queue and count tests. Priorities, due times and creation times repeat, so
// every tie-break of the `priority` order is exercised: due times shared within a priority, pending first
// responses earlier or later than the resolution target, answered ones, none at all.
function population(): Ticket[] {
  const statuses = ['open', 'in_progress', 'awaiting_customer', 'resolved', 'closed'] as const;
  const slaStates = ['on_track', 'at_risk', 'breached', 'paused'] as const;
  const tickets: Ticket[] = [];
  for (let index = 0; index < 60; index++) {
    const status = statuses[index % statuses.length] ?? 'open';
    const assigned = status === 'in_progress' || index % 3 === 0;
    tickets.push(
      makeTicket({
        status,
        departmentId: index % 4 === 0 ? 'l2' : 'help',
        assigneeId: assigned && index % 2 === 0 ? `agent-${index % 3}` : null,
        teamId: assigned && index % 2 === 1 ? 'team-a' : null,
        slaState: status === 'awaiting_customer' && index % 2 ? 'paused' : (slaStates[index % 3] ?? 'on_track'),
        requester: { email: `customer${index % 7}@example.com`, name: null },
        // Pairs of tickets share a creation time, so the id tie-break is exercised.
        createdAt: new Date(Date.UTC(2026, 1, 1, 8, 0, Math.floor(index / 2))).toISOString(),
        priority: PRIORITIES[Math.floor(index / 3) % 4] ?? 'normal',
        firstResponseDueAt: index % 5 === 4 ? null : hour(index % 3),
        firstRespondedAt: index % 4 === 1 ? hour(0) : null,
        resolutionDueAt: index % 6 === 5 ? null : hour(1 + (index % 4)),
      }),
    );
  }
  return tickets;
}

const FILTERS: Record<string, TicketFilter> = {
  everything: {},
  open: { statuses: ['open', 'in_progress'] },
  mine: { statuses: ['open', 'in_progress', 'awaiting_customer'], assigneeId: 'agent-0' },
  unassigned: { statuses: ['open', 'in_progress', 'awaiting_customer'], unassigned: true },
  assigned: { unassigned: false },
  overdue: { statuses: ['open', 'in_progress', 'awaiting_customer'], slaStates: ['breached'] },
  department: { departmentIds: ['l2'] },
  noDepartments: { departmentIds: [] },
  scopedOpen: { statuses: ['open'], departmentIds: ['help', 'l2'] },
  requester: { requesterEmail: 'customer3@example.com' },
  requesterAnyCase: { requesterEmail: 'Customer3@Example.com' },
  closedInL2: { statuses: ['closed'], departmentIds: ['l2'] },
};

const cases: Record<string, Case> = {
  async 'tickets: insert, then read back by id and by number'({ adapter, backdoor }) {
    const ticket = makeTicket({ fields: { orderId: 'A-1', nested: { tags: ['x', 'y'], n: 3, ok: true, none: null } } });
    await insert(adapter, ticket);
    assert.deepEqual(await adapter.getTicket({ id: ticket.id }), ticket);
    assert.deepEqual(await adapter.getTicket({ number: ticket.number }), ticket);
    assert.deepEqual(await backdoor.ticket(ticket.id), ticket, 'the backdoor must see the ticket as written');
  },

  async 'tickets: unknown ids and numbers read as null'({ adapter }) {
    await insert(adapter, makeTicket());
    assert.equal(await adapter.getTicket({ id: '00000000-0000-4000-8000-000000000000' }), null);
    assert.equal(await adapter.getTicket({ number: 'no-such-number' }), null);
  },

  async 'tickets: reads are copies'({ adapter }) {
    const ticket = makeTicket();
    await insert(adapter, ticket);
    const read = await adapter.getTicket({ id: ticket.id });
    assert.ok(read);
    read.subject = 'mutated';
    read.requester.email = 'mutated@example.com';
    assert.deepEqual(await adapter.getTicket({ id: ticket.id }), ticket);
  },

  async 'tickets: strings come back exactly'({ adapter, backdoor }) {
    const subject = 'Überweisung fehlgeschlagen — 送金 💸 مرحبا "quoted" \'single\' %_\\';
    const body = `${'Line one\r\nLine two\ttabbed\n'.repeat(2_000)}end 👋🏽`;
    const ticket = makeTicket({ subject, requester: { email: 'o.brien@example.com', name: "Seán O'Brien" } });
    const entry = makeThreadEntry(ticket, { body });
    await insert(adapter, ticket, [entry]);
    assert.equal((await adapter.getTicket({ id: ticket.id }))?.subject, subject);
    assert.equal((await adapter.listThread(ticket.id))[0]?.body, body);
    assert.equal((await backdoor.thread(ticket.id))[0]?.body, body);
  },

  async 'tickets: a taken number is a CONFLICT on number and writes nothing'({ adapter, backdoor }) {
    const first = makeTicket();
    await insert(adapter, first);
    const second = makeTicket({ number: first.number });
    await assert.rejects(insert(adapter, second, [makeThreadEntry(second)], [makeAuditEvent(second)]), (error) =>
      expectConflict(error, 'number'),
    );
    assert.equal(await backdoor.ticket(second.id), null);
    assert.deepEqual(await backdoor.counts(), { tickets: 1, thread: 0, audit: 0, outbox: 0, idempotency: 0 });
  },

  async 'versions: an update at the expected version is written'({ adapter, backdoor }) {
    const ticket = makeTicket();
    await insert(adapter, ticket);
    const next = { ...ticket, status: 'in_progress' as const, assigneeId: 'agent-1', version: 2 };
    const entry = makeThreadEntry(ticket, { kind: 'note', internal: true, body: 'working on it' });
    await adapter.commit({ ticket: { kind: 'update', ticket: next, expectedVersion: 1 }, thread: [entry], audit: [] });
    assert.deepEqual(await backdoor.ticket(ticket.id), next);
    assert.deepEqual(await backdoor.thread(ticket.id), [entry]);
  },

  async 'versions: a stale update is a CONFLICT on version and writes nothing'({ adapter, backdoor }) {
    const ticket = makeTicket();
    await insert(adapter, ticket);
    await adapter.commit({
      ticket: { kind: 'update', ticket: { ...ticket, version: 2 }, expectedVersion: 1 },
      thread: [],
      audit: [],
    });
    const stale = { ...ticket, subject: 'stale', version: 2 };
    await assert.rejects(
      adapter.commit({
        ticket: { kind: 'update', ticket: stale, expectedVersion: 1 },
        thread: [makeThreadEntry(ticket)],
        audit: [makeAuditEvent(stale)],
      }),
      (error) => expectConflict(error, 'version'),
    );
    assert.equal((await backdoor.ticket(ticket.id))?.subject, ticket.subject);
    assert.deepEqual(await backdoor.counts(), { tickets: 1, thread: 0, audit: 0, outbox: 0, idempotency: 0 });
  },

  async 'versions: of two concurrent updates from one version, exactly one wins'(subject) {
    await raceFromOneVersion(subject, 4);
  },

  async 'versions: an update moves the ticket between queues and counts'({ adapter }) {
    const gateway = createStorageGateway(adapter);
    const ticket = makeTicket({ status: 'open', departmentId: 'help', subject: 'Before' });
    await insert(adapter, ticket, [makeThreadEntry(ticket, { body: 'searchable' })]);
    const moved = {
      ...ticket,
      status: 'in_progress' as const,
      departmentId: 'l2',
      assigneeId: 'agent-9',
      slaState: 'breached' as const,
      subject: 'After',
      nextCheckAt: '2026-03-02T10:00:00.000Z',
      version: 2,
    };
    await adapter.commit({
      ticket: { kind: 'update', ticket: moved, expectedVersion: 1, previous: ticket },
      thread: [],
      audit: [],
    });
    const ids = async (filter: TicketFilter) => (await listAll(adapter, filter, 'oldest', 10)).map((found) => found.id);
    assert.deepEqual(await ids({ statuses: ['open'] }), []);
    assert.deepEqual(await ids({ statuses: ['open', 'in_progress'], departmentIds: ['l2'] }), [ticket.id]);
    assert.deepEqual(await ids({ statuses: ['open', 'in_progress', 'awaiting_customer'], assigneeId: 'agent-9' }), [
      ticket.id,
    ]);
    assert.deepEqual(await ids({ statuses: ['open', 'in_progress', 'awaiting_customer'], slaStates: ['breached'] }), [
      ticket.id,
    ]);
    assert.deepEqual(await ids({ departmentIds: ['help'] }), []);
    const counts = await gateway.countTickets({
      help: { departmentIds: ['help'] },
      l2: { departmentIds: ['l2'], statuses: ['in_progress'] },
    });
    assert.deepEqual(counts, { help: 0, l2: 1 });
    const due = await gateway.listDueTickets({ dueBefore: '2026-03-02T11:00:00.000Z', limit: 10 });
    assert.deepEqual(
      due.map((found) => found.id),
      [ticket.id],
    );
    const search = async (text: string) =>
      (await gateway.searchTickets({ text, terms: searchTerms(text), filter: {}, limit: 10 })).items.map(
        (found) => found.id,
      );
    assert.deepEqual(await search('after searchable'), [ticket.id], 'the new subject is searchable');
    assert.deepEqual(await search('before searchable'), [], 'the old subject is not');
  },

  async 'transactions: a failure in the middle of a change set leaves nothing'({ adapter, backdoor }) {
    const ticket = makeTicket();
    const first = makeThreadEntry(ticket, { body: 'first' });
    await insert(adapter, ticket, [first]);
    const before = await backdoor.counts();
    const next = { ...ticket, subject: 'half written?', version: 2 };
    const fresh = makeThreadEntry(ticket, { body: 'fresh' });
    // The second entry reuses an id: the write fails after the ticket and one entry were written.
    await assert.rejects(
      adapter.commit({
        ticket: { kind: 'update', ticket: next, expectedVersion: 1 },
        thread: [fresh, { ...first, body: 'duplicate id' }],
        audit: [makeAuditEvent(next)],
        outbox: [makeOutboxMessage(ticket)],
      }),
    );
    assert.deepEqual(await backdoor.ticket(ticket.id), ticket);
    assert.deepEqual(await backdoor.thread(ticket.id), [first]);
    assert.deepEqual(await backdoor.counts(), before);
  },

  async 'transactions: a failing insert leaves no ticket behind'({ adapter, backdoor }) {
    const ticket = makeTicket();
    const entry = makeThreadEntry(ticket);
    await assert.rejects(
      adapter.commit({
        ticket: { kind: 'insert', ticket },
        thread: [entry, { ...entry }],
        audit: [makeAuditEvent(ticket)],
        outbox: [makeOutboxMessage(ticket)],
      }),
    );
    assert.equal(await backdoor.ticket(ticket.id), null);
    assert.equal(await adapter.getTicket({ number: ticket.number }), null);
    assert.deepEqual(await backdoor.counts(), { tickets: 0, thread: 0, audit: 0, outbox: 0, idempotency: 0 });
  },

  async 'thread: entries come back in commit order, even with equal timestamps'({ adapter, backdoor }) {
    const ticket = makeTicket();
    const other = makeTicket();
    const written: ThreadEntry[] = [];
    await insert(adapter, ticket, [makeThreadEntry(ticket, { body: 'm0' })]);
    await insert(adapter, other, [makeThreadEntry(other, { body: 'other' })]);
    written.push(...(await adapter.listThread(ticket.id)));
    let current = ticket;
    for (let round = 1; round <= 12; round++) {
      const next = { ...current, version: current.version + 1 };
      // Ids are random, so id order is not commit order; all timestamps are equal.
      const entries = [0, 1, 2].map((index) =>
        makeThreadEntry(ticket, { body: `m${round}.${index}`, kind: index ? 'note' : 'reply' }),
      );
      await adapter.commit({
        ticket: { kind: 'update', ticket: next, expectedVersion: current.version },
        thread: entries,
        audit: [],
      });
      written.push(...entries);
      current = next;
    }
    assert.deepEqual(await adapter.listThread(ticket.id), written);
    assert.deepEqual(await backdoor.thread(ticket.id), written);
    assert.deepEqual(
      (await adapter.listThread(other.id)).map((entry) => entry.body),
      ['other'],
    );
    assert.deepEqual(await adapter.listThread('00000000-0000-4000-8000-000000000000'), []);
  },

  async 'audit: events come back in commit order with every field'({ adapter, backdoor }) {
    const ticket = makeTicket();
    const opened = makeAuditEvent(ticket);
    await insert(adapter, ticket, [], [opened]);
    const next = { ...ticket, assigneeId: 'agent-1', version: 2 };
    const assigned = makeAuditEvent(next, {
      command: 'assign',
      event: { type: 'ASSIGN', principal: 'agent' },
      actor: { type: 'agent', id: 'agent-1', name: 'Agent One' },
      from: { status: 'open', assignment: 'unassigned', sla: 'on_track' },
      to: { status: 'open', assignment: 'assigned', sla: 'on_track' },
      changes: { assigneeId: { from: null, to: 'agent-1' } },
    });
    await adapter.commit({
      ticket: { kind: 'update', ticket: next, expectedVersion: 1 },
      thread: [],
      audit: [assigned],
    });
    assert.deepEqual(await adapter.listAudit(ticket.id), [opened, assigned]);
    assert.deepEqual(await backdoor.audit(ticket.id), [opened, assigned]);
  },

  async 'idempotency: a key is stored with its change set'({ adapter, backdoor }) {
    const ticket = makeTicket();
    const record = {
      scope: 'open:customer:ken@example.com',
      key: 'key-1',
      fingerprint: 'f1',
      ticketId: ticket.id,
      createdAt: ticket.createdAt,
    };
    await adapter.commit({ ticket: { kind: 'insert', ticket }, thread: [], audit: [], idempotency: record });
    assert.deepEqual(await adapter.getIdempotencyRecord(record.scope, record.key), record);
    assert.deepEqual(await backdoor.idempotency(record.scope, record.key), record);
    assert.equal(await adapter.getIdempotencyRecord('open:other', record.key), null);
  },

  async 'idempotency: an expired key is replaced; a live one is still a CONFLICT'({ adapter, backdoor }) {
    const first = makeTicket();
    const record = {
      scope: 'open:customer:ken@example.com',
      key: 'retry-1',
      fingerprint: 'f1',
      ticketId: first.id,
      createdAt: '2026-03-01T09:00:00.000Z',
    };
    await adapter.commit({ ticket: { kind: 'insert', ticket: first }, thread: [], audit: [], idempotency: record });
    const second = makeTicket();
    const again = { ...record, ticketId: second.id, fingerprint: 'f2', createdAt: '2026-03-02T10:00:00.000Z' };
    // Still live: created after the cut-off.
    await assert.rejects(
      adapter.commit({
        ticket: { kind: 'insert', ticket: second },
        thread: [],
        audit: [],
        idempotency: again,
        replaceIdempotencyBefore: '2026-03-01T08:00:00.000Z',
      }),
      (error) => expectConflict(error, 'idempotency'),
    );
    assert.equal(await backdoor.ticket(second.id), null);
    assert.deepEqual(await backdoor.idempotency(record.scope, record.key), record);
    // Expired: the new change set takes the key over.
    await adapter.commit({
      ticket: { kind: 'insert', ticket: second },
      thread: [],
      audit: [],
      idempotency: again,
      replaceIdempotencyBefore: '2026-03-01T10:00:00.000Z',
    });
    assert.deepEqual(await backdoor.idempotency(record.scope, record.key), again);
    assert.deepEqual(await adapter.getIdempotencyRecord(record.scope, record.key), again);
    assert.equal((await backdoor.counts()).idempotency, 1);
  },

  async 'idempotency: a taken scope and key is a CONFLICT on idempotency and writes nothing'({ adapter, backdoor }) {
    const first = makeTicket();
    const record = {
      scope: 'open:system',
      key: 'same',
      fingerprint: 'f1',
      ticketId: first.id,
      createdAt: first.createdAt,
    };
    await adapter.commit({ ticket: { kind: 'insert', ticket: first }, thread: [], audit: [], idempotency: record });
    const second = makeTicket();
    await assert.rejects(
      adapter.commit({
        ticket: { kind: 'insert', ticket: second },
        thread: [makeThreadEntry(second)],
        audit: [makeAuditEvent(second)],
        idempotency: { ...record, ticketId: second.id, fingerprint: 'f2' },
      }),
      (error) => expectConflict(error, 'idempotency'),
    );
    assert.equal(await backdoor.ticket(second.id), null);
    assert.deepEqual(await backdoor.counts(), { tickets: 1, thread: 0, audit: 0, outbox: 0, idempotency: 1 });
    const third = makeTicket();
    await adapter.commit({
      ticket: { kind: 'insert', ticket: third },
      thread: [],
      audit: [],
      idempotency: { ...record, scope: 'open:agent:isabella', ticketId: third.id },
    });
    assert.equal((await backdoor.idempotency('open:agent:isabella', 'same'))?.ticketId, third.id);
  },

  async 'outbox: messages are written with their change set, in order'({ adapter, backdoor }) {
    const ticket = makeTicket();
    const messages = [
      makeOutboxMessage(ticket),
      makeOutboxMessage(ticket, {
        notifications: [
          {
            type: 'ticket.new_alert',
            audience: { kind: 'holders', departmentId: 'help', teamId: null, assigneeId: 'agent-1' },
            data: { body: 'Line one\nLine two — ✓', entryId: 'e-1', nested: { list: [1, 'two', null, true] } },
          },
          { type: 'ticket.auto_response', audience: { kind: 'requester' }, data: {} },
        ],
        excludeAgentId: 'agent-2',
      }),
    ];
    await adapter.commit({ ticket: { kind: 'insert', ticket }, thread: [], audit: [], outbox: messages });
    assert.deepEqual(await backdoor.outbox(ticket.id), messages);
    const next = { ...ticket, version: 2 };
    const later = makeOutboxMessage(ticket, { status: 'dead', attempts: 5, lastError: 'mailbox full' });
    await adapter.commit({
      ticket: { kind: 'update', ticket: next, expectedVersion: 1 },
      thread: [],
      audit: [],
      outbox: [later],
    });
    assert.deepEqual(await backdoor.outbox(ticket.id), [...messages, later]);
    assert.equal((await backdoor.counts()).outbox, 3);
  },

  async 'outbox: a stale or failing change set writes no message'({ adapter, backdoor }) {
    const ticket = makeTicket();
    const message = makeOutboxMessage(ticket);
    await adapter.commit({ ticket: { kind: 'insert', ticket }, thread: [], audit: [], outbox: [message] });
    await assert.rejects(
      adapter.commit({
        ticket: { kind: 'update', ticket: { ...ticket, version: 2 }, expectedVersion: 7 },
        thread: [],
        audit: [],
        outbox: [makeOutboxMessage(ticket)],
      }),
      (error) => expectConflict(error, 'version'),
    );
    await assert.rejects(
      adapter.commit({
        ticket: { kind: 'update', ticket: { ...ticket, version: 2 }, expectedVersion: 1 },
        audit: [],
        thread: [makeThreadEntry(ticket, { id: 'same-id' }), makeThreadEntry(ticket, { id: 'same-id' })],
        outbox: [makeOutboxMessage(ticket)],
      }),
    );
    assert.deepEqual(await backdoor.outbox(ticket.id), [message]);
    assert.equal((await backdoor.ticket(ticket.id))?.version, 1);
  },

  async 'due: the tickets due for a check come earliest first, up to the limit'({ adapter }) {
    const gateway = createStorageGateway(adapter);
    const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute)).toISOString();
    const tickets = [
      makeTicket({ nextCheckAt: at(30) }),
      makeTicket({ nextCheckAt: at(10) }),
      makeTicket({ nextCheckAt: null }),
      makeTicket({ nextCheckAt: at(50), status: 'awaiting_customer' }),
      makeTicket({ nextCheckAt: at(10) }),
      makeTicket({ nextCheckAt: at(20) }),
    ];
    for (const ticket of tickets) await insert(adapter, ticket);
    const due = (dueBefore: string, limit: number) =>
      gateway.listDueTickets({ dueBefore, limit }).then((found) => found.map((ticket) => ticket.id));
    const tenOClock = [tickets[1], tickets[4]].map((ticket) => ticket?.id).sort();
    assert.deepEqual(await due(at(30), 10), [...tenOClock, tickets[5]?.id, tickets[0]?.id]);
    assert.deepEqual(await due(at(30), 2), tenOClock);
    assert.deepEqual(await due(at(9), 10), []);
    assert.equal((await due(at(59), 10)).length, 5);
  },

  async 'counters: concurrent calls give distinct, increasing values per name'({ adapter }) {
    const values = await Promise.all(Array.from({ length: 200 }, () => adapter.nextSequence('ticket_number')));
    assert.equal(new Set(values).size, 200, 'every value must be distinct');
    assert.ok(values.every((value) => Number.isInteger(value) && value >= 1));
    const other = await adapter.nextSequence('another');
    assert.equal(other, 1, 'counters are independent and start at 1');
    const next = await adapter.nextSequence('ticket_number');
    assert.ok(next > Math.max(...values), 'a later value is greater than every earlier one');
  },

  async 'queues: every filter and order pages to exactly what matchesFilter selects'({ adapter }) {
    const tickets = population();
    for (const ticket of tickets) await insert(adapter, ticket);
    for (const [name, filter] of Object.entries(FILTERS)) {
      for (const order of ['priority', 'oldest', 'newest'] as const) {
        const expected = tickets
          .filter((ticket) => matchesFilter(ticket, filter))
          .sort((a, b) => compareTickets(a, b, order))
          .map((ticket) => ticket.id);
        for (const limit of [1, 7, 100]) {
          const ids = (await listAll(adapter, filter, order, limit)).map((ticket) => ticket.id);
          assert.deepEqual(ids, expected, `filter ${name}, order ${order}, limit ${limit}`);
        }
      }
    }
  },

  async 'queues: keyset pages neither repeat nor skip when tickets arrive between pages'({ adapter }) {
    const tickets = population().filter((ticket) => ticket.status === 'open');
    for (const ticket of tickets) await insert(adapter, ticket);
    for (const order of ['priority', 'oldest', 'newest'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<Ticket> = await adapter.listTickets({
          filter: { statuses: ['open'] },
          order,
          limit: 3,
          cursor,
        });
        seen.push(...page.items.map((ticket) => ticket.id));
        cursor = page.nextCursor;
        // A newer ticket arrives between pages.
        await insert(
          adapter,
          makeTicket({ status: 'open', createdAt: new Date(Date.UTC(2026, 5, 1, 0, 0, seen.length)).toISOString() }),
        );
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length, `no ticket may appear twice (${order})`);
      for (const ticket of tickets)
        assert.ok(seen.includes(ticket.id), `every ticket present from the start is listed (${order})`);
    }
  },

  async 'queues: a cursor that was not issued is VALIDATION_FAILED'({ adapter }) {
    await insert(adapter, makeTicket());
    for (const cursor of ['not-a-cursor', 'eyJ4IjoxfQ', 'W10']) {
      await assert.rejects(adapter.listTickets({ filter: {}, order: 'oldest', limit: 10, cursor }), (error) => {
        assert.ok(
          isTicketkitError(error, 'VALIDATION_FAILED'),
          `expected VALIDATION_FAILED for cursor ${cursor}, got ${String(error)}`,
        );
        assert.deepEqual(error.issues[0]?.path, ['cursor']);
        return true;
      });
    }
  },

  async 'counts: every named filter is counted like matchesFilter'({ adapter }) {
    const tickets = population();
    for (const ticket of tickets) await insert(adapter, ticket);
    const counts = await createStorageGateway(adapter).countTickets(FILTERS);
    for (const [name, filter] of Object.entries(FILTERS)) {
      assert.equal(counts[name], tickets.filter((ticket) => matchesFilter(ticket, filter)).length, `count of ${name}`);
    }
  },

  async 'queues: a department listed twice neither double counts nor repeats rows'({ adapter }) {
    const gateway = createStorageGateway(adapter);
    const tickets = population();
    for (const ticket of tickets) await insert(adapter, ticket);
    const repeated: Record<string, TicketFilter> = {
      twice: { departmentIds: ['l2', 'l2'] },
      repeatedWithStatus: { statuses: ['open', 'open', 'in_progress'], departmentIds: ['help', 'l2', 'help'] },
    };
    const counts = await gateway.countTickets(repeated);
    for (const [name, filter] of Object.entries(repeated)) {
      const expected = tickets.filter((ticket) => matchesFilter(ticket, filter));
      assert.ok(expected.length > 0, `the population has tickets for ${name}`);
      assert.equal(counts[name], expected.length, `count of ${name}`);
      const ids = (await listAll(adapter, filter, 'oldest', 7)).map((ticket) => ticket.id);
      assert.equal(new Set(ids).size, ids.length, `${name}: no ticket listed twice`);
      assert.deepEqual(
        ids,
        expected.sort((a, b) => compareTickets(a, b, 'oldest')).map((ticket) => ticket.id),
        name,
      );
    }
    const searched = makeTicket({ subject: 'Quokka sighting', departmentId: 'l2' });
    await insert(adapter, searched, [makeThreadEntry(searched, { body: 'a quokka at the gate' })]);
    const found = await gateway.searchTickets({
      text: 'quokka',
      terms: searchTerms('quokka'),
      filter: { departmentIds: ['l2', 'l2'] },
      limit: 100,
    });
    const foundIds = found.items.map((ticket) => ticket.id);
    assert.deepEqual(foundIds, [searched.id], 'search lists the ticket once');
  },

  async 'search: matches subject words, thread words and numbers; every term must match'({ adapter }) {
    const gateway = createStorageGateway(adapter);
    const reset = makeTicket({ subject: 'Password reset needed', departmentId: 'help' });
    const crash = makeTicket({ subject: 'App crashes', departmentId: 'l2' });
    const plain = makeTicket({ subject: 'Statement question' });
    await insert(adapter, reset, [makeThreadEntry(reset, { body: 'I forgot my password after the holidays' })]);
    await insert(adapter, crash, [makeThreadEntry(crash, { body: 'The mobile banking app crashes on login' })]);
    await insert(adapter, plain, [makeThreadEntry(plain, { body: 'Where is my statement?' })]);
    const search = async (text: string, filter: TicketFilter = {}) =>
      (await gateway.searchTickets({ text, terms: searchTerms(text), filter, limit: 50 })).items
        .map((ticket) => ticket.id)
        .sort();
    assert.deepEqual(await search('password'), [reset.id]);
    assert.deepEqual(await search('MOBILE banking'), [crash.id], 'terms are case-insensitive and all must match');
    assert.deepEqual(await search('mobile password'), []);
    assert.deepEqual(await search('reset holidays'), [reset.id], 'subject words combine with a message');
    const spread = makeTicket({ subject: 'Card question' });
    await insert(adapter, spread, [
      makeThreadEntry(spread, { body: 'alpha' }),
      makeThreadEntry(spread, { body: 'omega' }),
    ]);
    assert.deepEqual(await search('alpha omega'), [], 'words of two different messages do not combine');
    assert.deepEqual(await search('card omega'), [spread.id]);
    assert.deepEqual(await search('crashes'), [crash.id]);
    assert.deepEqual(await search('crash'), [], 'terms match whole words');
    assert.deepEqual(await search(crash.number), [crash.id], 'numbers are searchable');
    assert.deepEqual(await search('login', { departmentIds: ['help'] }), [], 'the filter applies');
    assert.deepEqual(await search('statement'), [plain.id]);
  },

  async 'search: hostile text is matched literally and never throws'({ adapter }) {
    const gateway = createStorageGateway(adapter);
    const ticket = makeTicket({ subject: 'NEAR the OR gate AND column: subject' });
    await insert(adapter, ticket, [
      makeThreadEntry(ticket, { body: 'unterminated quote here; please drop table tickets' }),
    ]);
    for (const text of [
      '"unterminated',
      'NEAR(the gate)',
      'OR AND',
      'subject:near',
      '*gate*',
      "'; DROP TABLE tickets; --",
      '^the -gate +or',
      '(((gate',
      'column: subject',
    ]) {
      const page = await gateway.searchTickets({ text, terms: searchTerms(text), filter: {}, limit: 10 });
      assert.deepEqual(
        page.items.map((item) => item.id),
        [ticket.id],
        `searching ${JSON.stringify(text)} must find the ticket by its words`,
      );
    }
  },

  async 'search: pages cover every match once'({ adapter }) {
    const gateway = createStorageGateway(adapter);
    const matching: string[] = [];
    for (let index = 0; index < 23; index++) {
      const ticket = makeTicket({ subject: index % 2 ? `refund request ${index}` : `other ${index}` });
      await insert(adapter, ticket, [makeThreadEntry(ticket, { body: index % 3 ? 'refund please' : 'hello' })]);
      if (index % 2 || index % 3) matching.push(ticket.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Ticket> = await gateway.searchTickets({
        text: 'refund',
        terms: ['refund'],
        filter: {},
        limit: 4,
        cursor,
      });
      seen.push(...page.items.map((ticket) => ticket.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual([...seen].sort(), [...matching].sort());
  },

  async 'directory: records are stored by kind and id, replaced by id, listed by id'({ adapter }) {
    const kinds: DirectoryKind[] = ['departments', 'teams', 'agents', 'calendars', 'slaPlans', 'cannedResponses'];
    await adapter.putRecord('departments', { id: 'l2', name: 'Level 2 Support', description: null });
    await adapter.putRecord('departments', { id: 'help', name: 'Help Desk', description: 'Front line' });
    await adapter.putRecord('agents', {
      id: 'help',
      name: 'An agent whose id equals a department id',
      email: 'a@example.com',
      departmentIds: ['help'],
      role: 'agent',
      active: true,
    });
    await adapter.putRecord('departments', { id: 'help', name: 'Help Desk (renamed)', description: null });
    assert.deepEqual(
      (await adapter.listRecords('departments')).map((record) => [record.id, record.name]),
      [
        ['help', 'Help Desk (renamed)'],
        ['l2', 'Level 2 Support'],
      ],
    );
    assert.equal((await adapter.getRecord('agents', 'help'))?.email, 'a@example.com');
    assert.equal(await adapter.getRecord('teams', 'help'), null);
    for (const kind of kinds.filter((kind) => kind !== 'departments' && kind !== 'agents')) {
      assert.deepEqual(await adapter.listRecords(kind), []);
    }
    const read = await adapter.getRecord('departments', 'l2');
    assert.ok(read);
    read.name = 'mutated';
    assert.equal((await adapter.getRecord('departments', 'l2'))?.name, 'Level 2 Support', 'reads are copies');
  },

  async 'desk: a ticket opened and answered through createHelpDesk is in storage'({ adapter, backdoor }) {
    const desk = await deskOn(adapter);
    const customer = { type: 'customer', email: 'ken@example.com' } as const;
    const opened = await desk.tickets.open(
      { subject: 'Password reset', body: 'I cannot log in', departmentId: 'help', idempotencyKey: 'k-1' },
      { actor: customer },
    );
    const again = await desk.tickets.open(
      { subject: 'Password reset', body: 'I cannot log in', departmentId: 'help', idempotencyKey: 'k-1' },
      { actor: customer },
    );
    assert.equal(again.id, opened.id, 'an idempotent retry returns the same ticket');
    await desk.tickets.assign(opened.number, { agentId: 'isabella' }, { actor: { type: 'agent', id: 'isabella' } });
    const replied = await desk.tickets.reply(
      opened.number,
      { body: 'Happy to help!' },
      { actor: { type: 'agent', id: 'isabella' } },
    );
    assert.deepEqual(await backdoor.ticket(opened.id), replied);
    assert.deepEqual(
      (await backdoor.thread(opened.id)).map((entry) => [entry.kind, entry.body]),
      [
        ['message', 'I cannot log in'],
        ['event', 'Assigned to Isabella'],
        ['reply', 'Happy to help!'],
      ],
    );
    assert.deepEqual(
      (await backdoor.audit(opened.id)).map((event) => event.command),
      ['open', 'assign', 'reply'],
    );
    assert.equal((await backdoor.counts()).tickets, 1);
  },

  async 'desk: 25 concurrent notes on one ticket are all kept'({ adapter, backdoor }) {
    const desk = await deskOn(adapter);
    const actor = { type: 'agent', id: 'isabella' } as const;
    const ticket = await desk.tickets.open(
      { requester: { email: 'ken@example.com' }, subject: 'Busy ticket', body: 'Hello', departmentId: 'help' },
      { actor },
    );
    await Promise.all(
      Array.from({ length: 25 }, (_, index) => desk.tickets.note(ticket.id, { body: `note ${index}` }, { actor })),
    );
    const notes = (await backdoor.thread(ticket.id))
      .filter((entry) => entry.kind === 'note')
      .map((entry) => entry.body);
    assert.deepEqual([...notes].sort(), Array.from({ length: 25 }, (_, index) => `note ${index}`).sort());
    assert.equal((await backdoor.ticket(ticket.id))?.version, 26);
  },
};

Object.assign(
  cases,
  queueOrderCases,
  deliveryCases,
  accessTokenCases,
  queueCountCases,
  dueClaimCases,
  changeCases,
  idempotencyCases,
);

/** The names of every conformance test, for `skip` (the `concurrency: …` tests are named after the option's value). */
export const STORAGE_CONFORMANCE_TESTS: readonly string[] = Object.keys(cases);

/**
 * Registers the storage conformance suite with your test runner: every test
 * gets a fresh adapter from `makeSubject` and checks its writes through the
 * subject's backdoor.
 *
 * @example
 * ```ts
 * import { test } from 'vitest';
 * import { runStorageConformance } from '@ticketkit/core/testing';
 *
 * runStorageConformance(test, async () => {
 *   const adapter = myStorage({ url: process.env.DATABASE_URL });
 *   await adapter.init?.();
 *   return { adapter, backdoor: myRawQueries(), cleanup: () => adapter.close?.() };
 * });
 * ```
 */
export function runStorageConformance(
  test: ConformanceTestFunction,
  makeSubject: () => Promise<ConformanceSubject>,
  options: StorageConformanceOptions = {},
): void {
  const concurrency = options.concurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 2 || concurrency > 100)) {
    throw new Error('runStorageConformance: concurrency must be a whole number from 2 to 100');
  }
  const registered: Record<string, Case> = { ...cases, ...(concurrency ? concurrencyCases(concurrency) : {}) };
  const skip = new Set(options.skip ?? []);
  const unknown = [...skip].filter((name) => !(name in registered));
  if (unknown.length) {
    throw new Error(
      `runStorageConformance: no such test to skip: ${unknown.join(', ')}. Known tests: ${Object.keys(registered).join(' | ')}`,
    );
  }
  for (const [name, run] of Object.entries(registered)) {
    const body = async () => {
      const subject = await makeSubject();
      try {
        await subject.adapter.init?.();
        await run(subject);
      } finally {
        await subject.cleanup?.();
      }
    };
    if (skip.has(name)) test.skip(name, body);
    else test(name, body, options.timeout ?? 30_000);
  }
}
