import assert from 'node:assert/strict';
import type { DueTicketClaim, StorageAdapter } from '../storage/storage-adapter.js';
import { DUE_CLAIM_STORAGE_METHODS } from '../storage/storage-adapter.js';
import type { Case } from './conformance-support.js';
import { insert } from './conformance-support.js';
import { makeTicket } from './fixtures.js';

/**
 * The due-claim tests: what several schedulers sharing one sweep need from
 * `claimDueTickets`. An adapter without it skips them by name (its
 * schedulers then sweep one at a time under a lease).
 */

type ClaimStorage = Required<Pick<StorageAdapter, (typeof DUE_CLAIM_STORAGE_METHODS)[number]>>;

function claimMethods(adapter: StorageAdapter): ClaimStorage {
  const missing = DUE_CLAIM_STORAGE_METHODS.filter((name) => typeof adapter[name] !== 'function');
  assert.deepEqual(missing, [], `the adapter lacks the due-claim methods: ${missing.join(', ')}`);
  return adapter as StorageAdapter & ClaimStorage;
}

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute)).toISOString();

/** A claim by `owner` at minute `now`, holding for five minutes. */
const claimAt = (owner: string, now: number, limit = 100): DueTicketClaim => ({
  dueBefore: at(now),
  limit,
  owner,
  now: at(now),
  until: at(now + 5),
});

/** `count` tickets due at minutes 1, 2, 3 …, and one not due. */
async function dueTickets(adapter: StorageAdapter, count: number) {
  const tickets = Array.from({ length: count }, (_, index) => makeTicket({ nextCheckAt: at(index + 1) }));
  for (const ticket of tickets) await insert(adapter, ticket);
  await insert(adapter, makeTicket({ nextCheckAt: null }));
  return tickets.map((ticket) => ticket.id);
}

export const dueClaimCases: Record<string, Case> = {
  async 'due claims: due tickets are claimed earliest first, up to the limit, not claimed twice'({ adapter }) {
    const storage = claimMethods(adapter);
    const ids = await dueTickets(adapter, 5);
    const first = await storage.claimDueTickets(claimAt('a', 10, 3));
    assert.deepEqual(
      first.map((ticket) => ticket.id),
      ids.slice(0, 3),
    );
    const rest = await storage.claimDueTickets(claimAt('a', 10));
    assert.deepEqual(
      rest.map((ticket) => ticket.id),
      ids.slice(3),
      'the owner is not given its own live claims again',
    );
    assert.deepEqual(await storage.claimDueTickets(claimAt('b', 11)), [], 'every due ticket is held');
    await storage.releaseDueTickets(ids.slice(0, 2), 'b');
    assert.deepEqual(
      await storage.claimDueTickets(claimAt('b', 11)),
      [],
      "releasing someone else's claims does nothing",
    );
    await storage.releaseDueTickets(ids.slice(0, 2), 'a');
    assert.deepEqual(
      (await storage.claimDueTickets(claimAt('b', 11))).map((ticket) => ticket.id),
      ids.slice(0, 2),
      'released claims are free at once',
    );
  },

  async 'due claims: two concurrent claims never return the same ticket'({ adapter }) {
    const storage = claimMethods(adapter);
    const ids = await dueTickets(adapter, 30);
    const [a, b] = await Promise.all([
      storage.claimDueTickets(claimAt('a', 40, 20)),
      storage.claimDueTickets(claimAt('b', 40, 20)),
    ]);
    const aIds = (a ?? []).map((ticket) => ticket.id);
    const bIds = (b ?? []).map((ticket) => ticket.id);
    assert.deepEqual(
      aIds.filter((id) => bIds.includes(id)),
      [],
      'no ticket in both claims',
    );
    assert.ok(aIds.length <= 20 && bIds.length <= 20, 'each claim keeps to its limit');
    const c = await storage.claimDueTickets(claimAt('c', 40));
    const all = [...aIds, ...bIds, ...c.map((ticket) => ticket.id)];
    assert.deepEqual([...all].sort(), [...ids].sort(), 'together the claims hold every due ticket exactly once');
  },

  async 'due claims: a claim that ran out is taken over'({ adapter }) {
    const storage = claimMethods(adapter);
    const ids = await dueTickets(adapter, 3);
    assert.equal((await storage.claimDueTickets(claimAt('dead', 10))).length, 3);
    assert.deepEqual(await storage.claimDueTickets(claimAt('alive', 14)), [], 'a live claim holds');
    const taken = await storage.claimDueTickets(claimAt('alive', 15));
    assert.deepEqual(
      taken.map((ticket) => ticket.id),
      ids,
      'at its until, the claim is free',
    );
    await storage.releaseDueTickets(ids, 'dead');
    assert.deepEqual(
      await storage.claimDueTickets(claimAt('other', 16)),
      [],
      'the dead owner cannot release the new claims',
    );
  },
};
