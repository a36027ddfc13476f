import assert from 'node:assert/strict';
import type { Ticket } from '../schemas/ticket.js';
import type { Delivery } from '../storage/delivery-records.js';
import {
  DELIVERY_STORAGE_METHODS,
  type OutboxMessage,
  type Page,
  type StorageAdapter,
} from '../storage/storage-adapter.js';
import type { Case, StorageBackdoor } from './conformance-support.js';
import { makeDelivery, makeOutboxMessage, makeTicket } from './fixtures.js';

/**
 * The outbox, delivery-log and lease tests: what a desk with notifiers needs
 * from storage. An adapter meant only for desks without notifiers may skip
 * them by name.
 */

const minute = (n: number) => new Date(Date.UTC(2026, 2, 2, 9, n)).toISOString();

type DeliveryStorage = Required<Pick<StorageAdapter, (typeof DELIVERY_STORAGE_METHODS)[number]>>;

function deliveryMethods(adapter: StorageAdapter): DeliveryStorage {
  const missing = DELIVERY_STORAGE_METHODS.filter((name) => typeof adapter[name] !== 'function');
  assert.deepEqual(
    missing,
    [],
    `the adapter lacks outbox and delivery methods a desk with notifiers needs: ${missing.join(', ')}`,
  );
  return adapter as StorageAdapter & DeliveryStorage;
}

/** The backdoor's deliveries of a ticket; the delivery tests need the backdoor to have them. */
function storedDeliveries(backdoor: StorageBackdoor, ticketId: string): Promise<Delivery[]> {
  assert.ok(backdoor.deliveries, 'the backdoor needs deliveries(ticketId) for the outbox and delivery tests');
  return backdoor.deliveries(ticketId);
}

/** A ticket with `count` outbox messages, one change each, committed in order. */
async function ticketWithMessages(
  adapter: StorageAdapter,
  count: number,
  at = minute(0),
): Promise<{
  ticket: Ticket;
  messages: OutboxMessage[];
}> {
  const ticket = makeTicket({ createdAt: at });
  const messages = Array.from({ length: count }, (_, index) =>
    makeOutboxMessage(ticket, { nextAttemptAt: minute(index), createdAt: minute(index), updatedAt: minute(index) }),
  );
  await adapter.commit({ ticket: { kind: 'insert', ticket }, thread: [], audit: [], outbox: messages.slice(0, 1) });
  for (const [index, message] of messages.slice(1).entries()) {
    await adapter.commit({
      ticket: { kind: 'update', ticket: { ...ticket, version: index + 2 }, expectedVersion: index + 1 },
      thread: [],
      audit: [],
      outbox: [message],
    });
  }
  return { ticket, messages };
}

/** A dispatched message with `count` deliveries, due one minute apart. */
async function deliveriesOf(adapter: StorageAdapter, count: number) {
  const storage = deliveryMethods(adapter);
  const { ticket, messages } = await ticketWithMessages(adapter, 1);
  const message = messages[0] as OutboxMessage;
  const deliveries = Array.from({ length: count }, (_, index) =>
    makeDelivery(message, ticket, { nextAttemptAt: minute(count - index), createdAt: minute(index) }),
  );
  assert.equal(
    await storage.dispatchOutbox({ messageId: message.id, ticketId: ticket.id, deliveries, at: minute(0) }),
    true,
  );
  return { storage, ticket, message, deliveries };
}

async function listEvery(storage: DeliveryStorage, query: { ticketId?: string; status?: Delivery['status'] }) {
  const all: Delivery[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page: Page<Delivery> = await storage.listDeliveries({ ...query, limit: 2, cursor });
    assert.ok(page.items.length <= 2, 'a page must not exceed its limit');
    all.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return all;
  }
  throw new Error('delivery pagination did not end after 100 pages');
}

/** The outbox and delivery cases of the conformance suite. */
export const deliveryCases: Record<string, Case> = {
  async 'outbox: pending messages are listed in commit order, only when due, up to the limit'({ adapter }) {
    const storage = deliveryMethods(adapter);
    const first = await ticketWithMessages(adapter, 3);
    const second = await ticketWithMessages(adapter, 1);
    const ids = async (dueBefore: string, limit: number) =>
      (await storage.listPendingOutbox({ dueBefore, limit })).map((message) => message.id);
    const [a, b, c] = first.messages.map((message) => message.id);
    const d = second.messages[0]?.id;
    assert.deepEqual(await ids(minute(59), 10), [a, b, c, d], 'commit order across tickets');
    assert.deepEqual(await ids(minute(59), 2), [a, b]);
    assert.deepEqual(await ids(minute(1), 10), [a, b, d], 'only messages due by then');
    assert.deepEqual(await storage.listPendingOutbox({ dueBefore: minute(59), limit: 10 }).then((found) => found[0]), {
      ...first.messages[0],
    });
  },

  async 'outbox: dispatching writes the deliveries and marks the message, exactly once'({ adapter, backdoor }) {
    const storage = deliveryMethods(adapter);
    const { ticket, messages } = await ticketWithMessages(adapter, 2);
    const [message, other] = messages as [OutboxMessage, OutboxMessage];
    const deliveries = [
      makeDelivery(message, ticket),
      makeDelivery(message, ticket, { notifierId: 'slack', status: 'delivered' }),
    ];
    assert.equal(
      await storage.dispatchOutbox({ messageId: message.id, ticketId: ticket.id, deliveries, at: minute(5) }),
      true,
    );
    assert.deepEqual(
      await storedDeliveries(backdoor, ticket.id),
      deliveries,
      'the backdoor sees the deliveries as written',
    );
    const stored = (await backdoor.outbox(ticket.id)).find((found) => found.id === message.id);
    assert.equal(stored?.status, 'dispatched');
    assert.equal(stored?.updatedAt, minute(5));
    assert.equal(
      await storage.dispatchOutbox({
        messageId: message.id,
        ticketId: ticket.id,
        deliveries: [makeDelivery(message, ticket)],
        at: minute(6),
      }),
      false,
      'a message is dispatched once',
    );
    assert.equal((await storedDeliveries(backdoor, ticket.id)).length, 2, 'a refused dispatch writes nothing');
    assert.deepEqual(
      (await storage.listPendingOutbox({ dueBefore: minute(59), limit: 10 })).map((found) => found.id),
      [other.id],
    );
    assert.equal(
      await storage.dispatchOutbox({ messageId: other.id, ticketId: ticket.id, deliveries: [], at: minute(7) }),
      true,
      'a message may have nobody to notify',
    );
    assert.deepEqual(await storage.listPendingOutbox({ dueBefore: minute(59), limit: 10 }), []);
  },

  async 'outbox: of concurrent dispatches of one message, exactly one wins'({ adapter, backdoor }) {
    const storage = deliveryMethods(adapter);
    const { ticket, messages } = await ticketWithMessages(adapter, 1);
    const message = messages[0] as OutboxMessage;
    const attempts = Array.from({ length: 8 }, () => [makeDelivery(message, ticket), makeDelivery(message, ticket)]);
    const results = await Promise.all(
      attempts.map((deliveries) =>
        storage.dispatchOutbox({ messageId: message.id, ticketId: ticket.id, deliveries, at: minute(1) }),
      ),
    );
    assert.equal(results.filter(Boolean).length, 1, 'one dispatch wins');
    const winner = attempts[results.indexOf(true)] ?? [];
    assert.deepEqual(
      (await storedDeliveries(backdoor, ticket.id)).map((delivery) => delivery.id),
      winner.map((delivery) => delivery.id),
    );
  },

  async 'outbox: a deferral records the failure; a dead message is no longer pending'({ adapter, backdoor }) {
    const storage = deliveryMethods(adapter);
    const { ticket, messages } = await ticketWithMessages(adapter, 1);
    const message = messages[0] as OutboxMessage;
    await storage.deferOutbox({
      messageId: message.id,
      ticketId: ticket.id,
      status: 'pending',
      attempts: 1,
      nextAttemptAt: minute(30),
      lastError: 'directory unavailable',
      at: minute(1),
    });
    assert.deepEqual(await storage.listPendingOutbox({ dueBefore: minute(29), limit: 10 }), []);
    const [retried] = await storage.listPendingOutbox({ dueBefore: minute(30), limit: 10 });
    assert.deepEqual(retried, {
      ...message,
      attempts: 1,
      nextAttemptAt: minute(30),
      lastError: 'directory unavailable',
      updatedAt: minute(1),
    });
    await storage.deferOutbox({
      messageId: message.id,
      ticketId: ticket.id,
      status: 'dead',
      attempts: 2,
      nextAttemptAt: minute(30),
      lastError: 'still unavailable',
      at: minute(31),
    });
    assert.deepEqual(await storage.listPendingOutbox({ dueBefore: minute(59), limit: 10 }), []);
    const [stored] = await backdoor.outbox(ticket.id);
    assert.equal(stored?.status, 'dead');
    assert.equal(stored?.lastError, 'still unavailable');
    assert.equal(
      await storage.dispatchOutbox({ messageId: message.id, ticketId: ticket.id, deliveries: [], at: minute(32) }),
      false,
      'a dead message is not dispatched',
    );
  },

  async 'deliveries: claims take due, unclaimed deliveries, earliest first, up to the limit'({ adapter, backdoor }) {
    const { storage, ticket, deliveries } = await deliveriesOf(adapter, 5);
    const claim = (owner: string, now: string, limit = 10) =>
      storage.claimDeliveries({ owner, now, until: minute(90), limit });
    assert.deepEqual(await claim('a', minute(0)), [], 'nothing is due yet');
    const firstTwo = await claim('a', minute(3), 2);
    const byDue = [...deliveries].sort((x, y) => (x.nextAttemptAt < y.nextAttemptAt ? -1 : 1));
    assert.deepEqual(
      firstTwo.map((delivery) => delivery.id),
      byDue.slice(0, 2).map((delivery) => delivery.id),
    );
    assert.deepEqual(
      firstTwo.map((delivery) => [delivery.claimedBy, delivery.claimedUntil]),
      [
        ['a', minute(90)],
        ['a', minute(90)],
      ],
    );
    const rest = await claim('b', minute(59));
    assert.deepEqual(
      rest.map((delivery) => delivery.id),
      byDue.slice(2).map((delivery) => delivery.id),
      'claimed deliveries are not claimed again while the claim holds',
    );
    const stored = await storedDeliveries(backdoor, ticket.id);
    assert.equal(stored.filter((delivery) => delivery.claimedBy === 'a').length, 2);
    assert.equal(stored.filter((delivery) => delivery.claimedBy === 'b').length, 3);
  },

  async 'deliveries: concurrent claims never hand out one delivery twice'({ adapter }) {
    const { storage, deliveries } = await deliveriesOf(adapter, 12);
    const batches = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        storage.claimDeliveries({ owner: `owner-${index}`, now: minute(59), until: minute(90), limit: 3 }),
      ),
    );
    const ids = batches.flat().map((delivery) => delivery.id);
    assert.equal(new Set(ids).size, ids.length, 'no delivery is in two batches');
    assert.equal(ids.length, deliveries.length, 'every due delivery is claimed by someone');
  },

  async 'deliveries: an update needs the claim; a lapsed claim can be taken over'({ adapter, backdoor }) {
    const { storage, ticket } = await deliveriesOf(adapter, 1);
    const [claimed] = await storage.claimDeliveries({ owner: 'a', now: minute(5), until: minute(10), limit: 1 });
    assert.ok(claimed);
    assert.deepEqual(
      await storage.claimDeliveries({ owner: 'b', now: minute(9), until: minute(20), limit: 1 }),
      [],
      'a claim holds until it runs out',
    );
    const [takenOver] = await storage.claimDeliveries({ owner: 'b', now: minute(10), until: minute(20), limit: 1 });
    assert.equal(takenOver?.claimedBy, 'b', 'a lapsed claim is taken over');
    const delivered: Delivery = {
      ...claimed,
      status: 'delivered',
      attempts: [{ at: minute(5), durationMs: 12, error: null }],
      claimedBy: null,
      claimedUntil: null,
      updatedAt: minute(6),
    };
    assert.equal(await storage.updateDelivery(delivered, 'a'), false, 'the old owner lost the claim');
    assert.equal((await storedDeliveries(backdoor, ticket.id))[0]?.claimedBy, 'b');
    assert.equal(await storage.updateDelivery(delivered, 'b'), true);
    assert.deepEqual(await storedDeliveries(backdoor, ticket.id), [delivered]);
    assert.deepEqual(await storage.getDelivery(delivered.id), delivered);
    assert.equal(await storage.getDelivery('00000000-0000-4000-8000-000000000000'), null);
  },

  async 'deliveries: retries and the dead letter round-trip exactly'({ adapter, backdoor }) {
    const { storage, ticket, deliveries } = await deliveriesOf(adapter, 1);
    const [claimed] = await storage.claimDeliveries({ owner: 'a', now: minute(5), until: minute(10), limit: 1 });
    assert.ok(claimed);
    const retrying: Delivery = {
      ...claimed,
      status: 'retrying',
      attempts: [{ at: minute(5), durationMs: 30_000, error: 'timed out after 30s — "smtp" said: 421 ✗' }],
      nextAttemptAt: minute(7),
      claimedBy: null,
      claimedUntil: null,
      updatedAt: minute(5),
    };
    assert.equal(await storage.updateDelivery(retrying, 'a'), true);
    assert.deepEqual(await storedDeliveries(backdoor, ticket.id), [retrying]);
    assert.deepEqual(await storage.claimDeliveries({ owner: 'a', now: minute(6), until: minute(9), limit: 1 }), []);
    const [again] = await storage.claimDeliveries({ owner: 'a', now: minute(7), until: minute(9), limit: 1 });
    assert.equal(again?.id, deliveries[0]?.id, 'a retrying delivery is claimed again when due');
    const dead: Delivery = { ...retrying, status: 'dead', updatedAt: minute(8) };
    assert.equal(await storage.updateDelivery(dead, 'a'), true);
    assert.deepEqual(await storage.claimDeliveries({ owner: 'a', now: minute(59), until: minute(59), limit: 9 }), []);
    const requeued: Delivery = { ...dead, status: 'pending', nextAttemptAt: minute(9), updatedAt: minute(9) };
    assert.equal(await storage.updateDelivery(requeued, null), true, 'an unclaimed delivery updates with null');
    assert.equal(
      (await storage.claimDeliveries({ owner: 'a', now: minute(9), until: minute(12), limit: 9 })).length,
      1,
    );
  },

  async 'deliveries: listed newest first, by ticket and status, in keyset pages'({ adapter }) {
    const storage = deliveryMethods(adapter);
    const one = await deliveriesOf(adapter, 3);
    const two = await deliveriesOf(adapter, 2);
    const newestFirst = (list: Delivery[]) =>
      [...list]
        .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
        .map((delivery) => delivery.id);
    assert.deepEqual(
      (await listEvery(storage, {})).map((delivery) => delivery.id),
      newestFirst([...one.deliveries, ...two.deliveries]),
    );
    assert.deepEqual(
      (await listEvery(storage, { ticketId: one.ticket.id })).map((delivery) => delivery.id),
      newestFirst(one.deliveries),
    );
    const [claimed] = await storage.claimDeliveries({ owner: 'a', now: minute(59), until: minute(59), limit: 1 });
    assert.ok(claimed);
    await storage.updateDelivery({ ...claimed, status: 'dead', claimedBy: null, claimedUntil: null }, 'a');
    assert.deepEqual(
      (await listEvery(storage, { status: 'dead' })).map((delivery) => delivery.id),
      [claimed.id],
    );
    assert.equal((await listEvery(storage, { status: 'pending' })).length, 4);
    assert.deepEqual(await listEvery(storage, { ticketId: two.ticket.id, status: 'delivered' }), []);
  },

  async 'leases: one owner at a time; a lapsed lease passes on; release frees it'({ adapter }) {
    const acquire = adapter.acquireLease?.bind(adapter);
    const release = adapter.releaseLease?.bind(adapter);
    assert.ok(acquire && release, 'the adapter lacks acquireLease/releaseLease');
    const lease = (owner: string, now: number, until: number) =>
      acquire({ name: 'sweep:tickets', owner, now: minute(now), until: minute(until) });
    assert.equal(await lease('a', 0, 5), true);
    assert.equal(await lease('b', 1, 6), false, 'held by a');
    assert.equal(await lease('a', 2, 7), true, 'the holder renews');
    assert.equal(await acquire({ name: 'other', owner: 'b', now: minute(2), until: minute(3) }), true);
    assert.equal(await lease('b', 7, 9), true, 'a lapsed lease passes on');
    await release('sweep:tickets', 'a');
    assert.equal(await lease('a', 8, 9), false, 'only the holder releases');
    await release('sweep:tickets', 'b');
    assert.equal(await lease('a', 8, 9), true);
    const contenders = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        acquire({ name: 'race', owner: `owner-${index}`, now: minute(10), until: minute(20) }),
      ),
    );
    assert.equal(contenders.filter(Boolean).length, 1, 'concurrent requests: one lease');
  },
};
