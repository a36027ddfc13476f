import assert from 'node:assert/strict';
import { isTicketkitError } from '../errors/ticketkit-error.js';
import type { Ticket } from '../schemas/ticket.js';
import { compareQueuePositions, encodeQueueCursor, queuePosition } from '../storage/queue-order.js';
import type { Page, StorageAdapter, TicketFilter, TicketOrder } from '../storage/storage-adapter.js';
import { compareTickets } from '../storage/ticket-filter.js';
import { type Case, insert } from './conformance-support.js';
import { makeTicket } from './fixtures.js';

/**
 * The `priority` order of work queues: pages in (priority, next due time,
 * creation, id) order, kept current by the commit when a ticket's priority
 * or SLA changes, and cursors that belong to their order.
 */

const at = (hours: number, minutes = 0) => new Date(Date.UTC(2026, 2, 2, hours, minutes)).toISOString();
const WORK: TicketFilter = { statuses: ['open', 'in_progress'] };

/** Commits a new version of a stored ticket, as a command would; `withPrevious` names the version it read. */
async function update(adapter: StorageAdapter, ticket: Ticket, changes: Partial<Ticket>, withPrevious = true) {
  const next: Ticket = { ...ticket, ...changes, version: ticket.version + 1 };
  await adapter.commit({
    ticket: {
      kind: 'update',
      ticket: next,
      expectedVersion: ticket.version,
      ...(withPrevious ? { previous: ticket } : {}),
    },
    thread: [],
    audit: [],
  });
  return next;
}

const ids = (tickets: readonly Ticket[]) => tickets.map((ticket) => ticket.id);
const inOrder = (tickets: readonly Ticket[], order: TicketOrder = 'priority') =>
  ids([...tickets].sort((a, b) => compareTickets(a, b, order)));
const page = (adapter: StorageAdapter, limit: number, cursor: string | null, filter = WORK) =>
  adapter.listTickets({ filter, order: 'priority', limit, cursor }) as Promise<Page<Ticket>>;

export const queueOrderCases: Record<string, Case> = {
  async 'queue order: priority first, then the next due time, then creation, then id'({ adapter }) {
    const created = at(8);
    const tickets = [
      makeTicket({ priority: 'low', firstResponseDueAt: at(9), createdAt: at(7) }),
      makeTicket({ priority: 'urgent', createdAt: at(6) }),
      makeTicket({ priority: 'urgent', resolutionDueAt: at(12), createdAt: at(7) }),
      // The first response is due first; once answered, the resolution target is what is due.
      makeTicket({ priority: 'high', firstResponseDueAt: at(10), resolutionDueAt: at(11), createdAt: created }),
      makeTicket({
        priority: 'high',
        firstResponseDueAt: at(9),
        firstRespondedAt: at(8, 30),
        resolutionDueAt: at(10, 30),
        createdAt: created,
      }),
      // A resolution target earlier than the first response one (a plan may set them so).
      makeTicket({ priority: 'high', firstResponseDueAt: at(13), resolutionDueAt: at(10, 15), createdAt: created }),
      // Same priority, due time and creation: the id decides.
      makeTicket({ priority: 'normal', resolutionDueAt: at(10), createdAt: created }),
      makeTicket({ priority: 'normal', resolutionDueAt: at(10), createdAt: created }),
      makeTicket({ priority: 'normal', createdAt: at(5) }),
      makeTicket({ priority: 'normal', status: 'in_progress', firstResponseDueAt: at(20), createdAt: at(9) }),
    ];
    for (const ticket of tickets) await insert(adapter, ticket);
    const expected = inOrder(tickets);
    // The order spelled out, so the reference itself is checked too.
    const [
      low,
      urgentNoDue,
      urgentDue,
      highFirst,
      highAnswered,
      highResolution,
      normalA,
      normalB,
      normalNone,
      normalLate,
    ] = tickets.map((ticket) => ticket.id);
    const tied = [normalA, normalB].sort();
    assert.deepEqual(expected, [
      urgentDue,
      urgentNoDue,
      highFirst,
      highResolution,
      highAnswered,
      ...tied,
      normalLate,
      normalNone,
      low,
    ]);
    for (const limit of [1, 2, 3, 100]) {
      const seen: Ticket[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 20; pages++) {
        const next: Page<Ticket> = await page(adapter, limit, cursor);
        seen.push(...next.items);
        cursor = next.nextCursor;
        if (!cursor) break;
      }
      assert.deepEqual(ids(seen), expected, `limit ${limit}`);
    }
  },

  async 'queue order: a change of priority or SLA between pages moves the ticket, and no other ticket is repeated or skipped'({
    adapter,
  }) {
    let tickets = Array.from({ length: 12 }, (_, index) =>
      makeTicket({
        priority: (['urgent', 'high', 'normal', 'low'] as const)[index % 4],
        firstResponseDueAt: index % 3 === 0 ? null : at(9 + (index % 5)),
        resolutionDueAt: at(12 + (index % 2)),
        createdAt: at(7, index),
      }),
    );
    for (const ticket of tickets) await insert(adapter, ticket);
    const first = await page(adapter, 4, null);
    assert.deepEqual(ids(first.items), inOrder(tickets).slice(0, 4));
    const after = queuePosition(first.items.at(-1) as Ticket);
    const replace = (changed: Ticket) => {
      tickets = tickets.map((ticket) => (ticket.id === changed.id ? changed : ticket));
    };
    const byId = (id: string) => tickets.find((ticket) => ticket.id === id) as Ticket;
    const unseen = inOrder(tickets).slice(4);
    // A ticket already listed drops to low: it comes again, in its new place.
    replace(await update(adapter, byId(ids(first.items)[0] as string), { priority: 'low' }));
    // A ticket not yet listed jumps to urgent with the earliest due time: it is now behind the cursor.
    replace(
      await update(adapter, byId(unseen.at(-1) as string), { priority: 'urgent', firstResponseDueAt: at(0) }, false),
    );
    // Another gets its first response: its resolution target is what is due now.
    replace(await update(adapter, byId(unseen[0] as string), { firstRespondedAt: at(8) }));
    const rest: Ticket[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const next: Page<Ticket> = await page(adapter, 4, cursor);
      rest.push(...next.items);
      cursor = next.nextCursor;
    }
    // Keyset semantics over the tickets as they are now: exactly those after the last position listed.
    const expected = inOrder(tickets).filter((id) => compareQueuePositions(queuePosition(byId(id)), after) > 0);
    assert.deepEqual(ids(rest), expected);
    assert.ok(ids(rest).includes(ids(first.items)[0] as string), 'the ticket that dropped to low is listed again');
    assert.ok(!ids(rest).includes(unseen.at(-1) as string), 'the ticket that jumped ahead of the cursor is not');
    // A fresh first page shows the new order.
    assert.deepEqual(ids((await page(adapter, 100, null)).items), inOrder(tickets));
  },

  async 'queue order: a ticket whose due time passes keeps its place, ahead of its priority'({ adapter }) {
    const soon = makeTicket({ priority: 'high', firstResponseDueAt: at(9), createdAt: at(8, 30) });
    const later = makeTicket({ priority: 'high', firstResponseDueAt: at(11), createdAt: at(8) });
    const none = makeTicket({ priority: 'high', createdAt: at(7) });
    const urgent = makeTicket({ priority: 'urgent', firstResponseDueAt: at(15), createdAt: at(8, 45) });
    const tickets = [soon, later, none, urgent];
    for (const ticket of tickets) await insert(adapter, ticket);
    const before = ids((await page(adapter, 10, null)).items);
    assert.deepEqual(before, [urgent.id, soon.id, later.id, none.id]);
    // The scheduler's sweep after 9:00: the first response target is breached; its due time stays.
    const breached = await update(adapter, soon, { slaState: 'breached', nextCheckAt: at(11) });
    assert.deepEqual(ids((await page(adapter, 10, null)).items), before);
    const overdue = await page(adapter, 10, null, {
      statuses: ['open', 'in_progress', 'awaiting_customer'],
      slaStates: ['breached'],
    });
    assert.deepEqual(ids(overdue.items), [breached.id]);
    // Paged one at a time across the breached ticket.
    const one = await page(adapter, 1, null);
    const two = await page(adapter, 1, one.nextCursor);
    const three = await page(adapter, 1, two.nextCursor);
    assert.deepEqual([...ids(one.items), ...ids(two.items), ...ids(three.items)], before.slice(0, 3));
    // Resolved: nothing is due any more, and it leaves the work queue.
    await update(adapter, breached, { status: 'resolved', resolvedAt: at(12) });
    assert.deepEqual(ids((await page(adapter, 10, null)).items), [urgent.id, later.id, none.id]);
  },

  async 'queue order: a cursor from another order or list is VALIDATION_FAILED on cursor'({ adapter }) {
    for (let index = 0; index < 3; index++) await insert(adapter, makeTicket({ createdAt: at(8, index) }));
    const oldest = (await adapter.listTickets({ filter: {}, order: 'oldest', limit: 1 })).nextCursor;
    const priority = (await adapter.listTickets({ filter: {}, order: 'priority', limit: 1 })).nextCursor;
    assert.ok(oldest && priority, 'both lists have a second page');
    const madeUp = encodeQueueCursor({ rank: 9, dueAt: null, createdAt: at(8), id: 'x' });
    const badTime = encodeQueueCursor({ rank: 1, dueAt: 'soon', createdAt: at(8), id: 'x' });
    const attempts: [TicketOrder, string][] = [
      ['priority', oldest],
      ['oldest', priority],
      ['newest', priority],
      ['priority', madeUp],
      ['priority', badTime],
    ];
    for (const [order, cursor] of attempts) {
      await assert.rejects(adapter.listTickets({ filter: {}, order, limit: 1, cursor }), (error) => {
        assert.ok(
          isTicketkitError(error, 'VALIDATION_FAILED'),
          `order ${order}: expected VALIDATION_FAILED, got ${error}`,
        );
        assert.deepEqual(error.issues[0]?.path, ['cursor']);
        return true;
      });
    }
  },
};
