import assert from 'node:assert/strict';
import type { AccessTokenRecord, StorageAdapter } from '../storage/storage-adapter.js';
import { ACCESS_TOKEN_STORAGE_METHODS } from '../storage/storage-adapter.js';
import type { Case, StorageBackdoor } from './conformance-support.js';
import { expectConflict, insert } from './conformance-support.js';
import { makeTicket } from './fixtures.js';

/**
 * The access-token tests: what `desk.accessTokens` (customer links without a
 * session) needs from storage. An adapter for hosts that never give customers
 * tokens may skip them by name.
 */

type TokenStorage = Required<Pick<StorageAdapter, (typeof ACCESS_TOKEN_STORAGE_METHODS)[number]>>;

function tokenMethods(adapter: StorageAdapter): TokenStorage {
  const missing = ACCESS_TOKEN_STORAGE_METHODS.filter((name) => typeof adapter[name] !== 'function');
  assert.deepEqual(missing, [], `the adapter lacks the access-token methods: ${missing.join(', ')}`);
  return adapter as StorageAdapter & TokenStorage;
}

function stored(backdoor: StorageBackdoor, hash: string): Promise<AccessTokenRecord | null> {
  assert.ok(backdoor.accessToken, 'the backdoor needs accessToken(hash) for the access-token tests');
  return backdoor.accessToken(hash);
}

const hash = (n: number) => n.toString(16).padStart(64, '0');
const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute)).toISOString();

export const accessTokenCases: Record<string, Case> = {
  async 'access tokens: stored by hash, read back exactly; the same hash again changes nothing'({ adapter, backdoor }) {
    const storage = tokenMethods(adapter);
    const ticket = makeTicket();
    await insert(adapter, ticket);
    const record: AccessTokenRecord = {
      hash: hash(1),
      ticketId: ticket.id,
      createdAt: at(0),
      expiresAt: at(30),
      revokedAt: null,
    };
    await storage.putAccessToken(record);
    assert.deepEqual(await storage.getAccessToken(record.hash), record);
    assert.deepEqual(await stored(backdoor, record.hash), record);
    // Issued again later (a retried request): the first record stands.
    await storage.putAccessToken({ ...record, createdAt: at(5), expiresAt: at(35) });
    assert.deepEqual(await stored(backdoor, record.hash), record);
    const forever = { ...record, hash: hash(2), expiresAt: null };
    await storage.putAccessToken(forever);
    assert.deepEqual(await storage.getAccessToken(forever.hash), forever);
    assert.equal(await storage.getAccessToken(hash(3)), null);
  },

  async 'access tokens: a change set stores its tokens with the ticket, and a refused one stores none'({
    adapter,
    backdoor,
  }) {
    tokenMethods(adapter);
    const ticket = makeTicket();
    const token = (n: number, ticketId: string): AccessTokenRecord => ({
      hash: hash(n),
      ticketId,
      createdAt: at(0),
      expiresAt: at(30),
      revokedAt: null,
    });
    await adapter.commit({
      ticket: { kind: 'insert', ticket },
      thread: [],
      audit: [],
      accessTokens: [token(30, ticket.id)],
    });
    assert.deepEqual(await stored(backdoor, hash(30)), token(30, ticket.id));
    // The same number again: the whole change set is refused, its token with it.
    const taken = makeTicket({ number: ticket.number });
    await assert.rejects(
      adapter.commit({
        ticket: { kind: 'insert', ticket: taken },
        thread: [],
        audit: [],
        accessTokens: [token(31, taken.id)],
      }),
      (error) => expectConflict(error, 'number'),
    );
    assert.equal(await stored(backdoor, hash(31)), null);
    assert.equal(await backdoor.ticket(taken.id), null);
  },

  async 'access tokens: revoking marks every unrevoked token of the ticket, and only those'({ adapter, backdoor }) {
    const storage = tokenMethods(adapter);
    const [mine, other] = [makeTicket(), makeTicket()];
    await insert(adapter, mine);
    await insert(adapter, other);
    const token = (n: number, ticketId: string, revokedAt: string | null = null): AccessTokenRecord => ({
      hash: hash(n),
      ticketId,
      createdAt: at(0),
      expiresAt: null,
      revokedAt,
    });
    await storage.putAccessToken(token(10, mine.id));
    await storage.putAccessToken(token(11, mine.id));
    await storage.putAccessToken(token(12, mine.id, at(1)));
    await storage.putAccessToken(token(20, other.id));
    assert.equal(await storage.revokeAccessTokens(mine.id, at(9)), 2);
    assert.equal((await stored(backdoor, hash(10)))?.revokedAt, at(9));
    assert.equal((await stored(backdoor, hash(11)))?.revokedAt, at(9));
    assert.equal((await stored(backdoor, hash(12)))?.revokedAt, at(1), 'an earlier revocation stands');
    assert.equal((await stored(backdoor, hash(20)))?.revokedAt, null, "another ticket's token is untouched");
    assert.equal(await storage.revokeAccessTokens(mine.id, at(10)), 0);
  },
};
