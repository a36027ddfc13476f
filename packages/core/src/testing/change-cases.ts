import assert from 'node:assert/strict';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { StorageChange, TicketChange } from '../storage/storage-changes.js';
import type { Case } from './conformance-support.js';
import { expectConflict, insert } from './conformance-support.js';
import { makeAuditEvent, makeTicket } from './fixtures.js';

/**
 * The change-feed tests: what `subscribe` promises (the server's live event
 * stream relies on it). An adapter without `subscribe` skips them by name.
 */

type Subscribe = NonNullable<StorageAdapter['subscribe']>;

function subscribeOf(adapter: StorageAdapter): Subscribe {
  assert.equal(typeof adapter.subscribe, 'function', 'the adapter has no subscribe(listener)');
  return (adapter.subscribe as Subscribe).bind(adapter);
}

/** Collects what a subscription hears, and waits (bounded) for it to hear more. */
async function listen(subscribe: Subscribe) {
  const heard: StorageChange[] = [];
  const stop = await subscribe((change) => heard.push(change));
  const changes = () => heard.filter((change): change is TicketChange => change.type === 'ticket.changed');
  return {
    stop,
    changes,
    async waitFor(count: number) {
      // Notifications may arrive over another connection (PostgreSQL): allow them a few seconds.
      for (let waited = 0; changes().length < count && waited < 10_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(changes().length >= count, `expected ${count} changes, heard ${changes().length}`);
      return changes();
    },
  };
}

export const changeCases: Record<string, Case> = {
  async 'changes: a subscriber hears each commit once, in commit order, with what changed'({ adapter }) {
    const feed = await listen(subscribeOf(adapter));
    try {
      const ticket = makeTicket({ departmentId: 'help' });
      const agent = { type: 'agent', id: 'isabella', name: 'Isabella' } as const;
      const customer = { type: 'customer', email: 'ken@example.com', name: 'Ken' } as const;
      await insert(adapter, ticket, [], [makeAuditEvent(ticket, { command: 'open', event: null, actor: customer })]);
      const moved = { ...ticket, departmentId: 'l2', version: 2, updatedAt: '2026-03-02T09:05:00.000Z' };
      await adapter.commit({
        ticket: { kind: 'update', ticket: moved, expectedVersion: 1 },
        thread: [],
        audit: [
          makeAuditEvent(moved, { command: 'transfer', event: { type: 'TRANSFER', principal: 'agent' }, actor: agent }),
        ],
      });
      const [created, transferred, ...more] = await feed.waitFor(2);
      assert.deepEqual(created, {
        type: 'ticket.changed',
        kind: 'created',
        ticketId: ticket.id,
        number: ticket.number,
        version: 1,
        departmentId: 'help',
        commands: [{ command: 'open', event: null }],
        actor: customer,
        at: ticket.updatedAt,
      });
      assert.deepEqual(transferred, {
        type: 'ticket.changed',
        kind: 'updated',
        ticketId: ticket.id,
        number: ticket.number,
        version: 2,
        departmentId: 'l2',
        commands: [{ command: 'transfer', event: 'TRANSFER' }],
        actor: agent,
        at: moved.updatedAt,
      });
      assert.deepEqual(more, [], 'each commit is heard once');
    } finally {
      await feed.stop();
    }
  },

  async 'changes: a failed change set is never announced; an unsubscribed listener hears nothing'({ adapter }) {
    const subscribe = subscribeOf(adapter);
    const first = await listen(subscribe);
    const second = await listen(subscribe);
    try {
      const ticket = makeTicket();
      await insert(adapter, ticket);
      await first.waitFor(1);
      await first.stop();
      await assert.rejects(
        adapter.commit({
          ticket: { kind: 'update', ticket: { ...ticket, version: 3 }, expectedVersion: 2 },
          thread: [],
          audit: [],
        }),
        (error) => expectConflict(error, 'version'),
      );
      await adapter.commit({
        ticket: { kind: 'update', ticket: { ...ticket, subject: 'after', version: 2 }, expectedVersion: 1 },
        thread: [],
        audit: [],
      });
      // The second listener hearing the later commit proves the failed one would have been heard first.
      const heard = await second.waitFor(2);
      assert.deepEqual(
        heard.map((change) => [change.version, change.kind]),
        [
          [1, 'created'],
          [2, 'updated'],
        ],
      );
      assert.equal(first.changes().length, 1, 'nothing after unsubscribe');
    } finally {
      await first.stop();
      await second.stop();
    }
  },
};
