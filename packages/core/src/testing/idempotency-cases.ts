import assert from 'node:assert/strict';
import { isTicketkitError } from '../errors/ticketkit-error.js';
import type { IdempotencyRecord } from '../storage/storage-adapter.js';
import { manualClock } from '../time/clock.js';
import { type Case, deskOn, expectConflict, insert } from './conformance-support.js';
import { makeAuditEvent, makeThreadEntry, makeTicket } from './fixtures.js';

/**
 * The idempotency tests of commands on an existing ticket: a reply or a note
 * sent again with its `idempotencyKey` (a client's retry, the same email
 * taken twice) is stored once, whichever desk on the same storage takes it.
 */

const customer = { type: 'customer', email: 'ken@example.com' } as const;
const agent = { type: 'agent', id: 'isabella' } as const;

const isMismatch = (error: unknown) => {
  assert.ok(isTicketkitError(error, 'IDEMPOTENCY_MISMATCH'), `expected IDEMPOTENCY_MISMATCH, got ${String(error)}`);
  return true;
};

export const idempotencyCases: Record<string, Case> = {
  async 'idempotency: an update change set stores its key; the key again is a CONFLICT and writes nothing'({
    adapter,
    backdoor,
  }) {
    const ticket = makeTicket();
    await insert(adapter, ticket);
    const v2 = { ...ticket, version: 2 };
    const record: IdempotencyRecord = {
      scope: 'reply:customer:ken@example.com',
      key: 'email:reply-1',
      fingerprint: 'f1',
      ticketId: ticket.id,
      createdAt: '2026-03-02T09:05:00.000Z',
    };
    await adapter.commit({
      ticket: { kind: 'update', ticket: v2, expectedVersion: 1, previous: ticket },
      thread: [makeThreadEntry(ticket)],
      audit: [makeAuditEvent(ticket, { version: 2 })],
      idempotency: record,
      replaceIdempotencyBefore: '2026-03-01T09:05:00.000Z',
    });
    assert.deepEqual(await backdoor.idempotency(record.scope, record.key), record);
    assert.deepEqual(await adapter.getIdempotencyRecord(record.scope, record.key), record);
    // The same key again, on a ticket update that would otherwise commit: all of it is refused.
    await assert.rejects(
      adapter.commit({
        ticket: { kind: 'update', ticket: { ...ticket, version: 3 }, expectedVersion: 2, previous: v2 },
        thread: [makeThreadEntry(ticket)],
        audit: [makeAuditEvent(ticket, { version: 3 })],
        idempotency: { ...record, fingerprint: 'f2', createdAt: '2026-03-02T09:06:00.000Z' },
        replaceIdempotencyBefore: '2026-03-01T09:06:00.000Z',
      }),
      (error) => expectConflict(error, 'idempotency'),
    );
    assert.equal((await backdoor.ticket(ticket.id))?.version, 2);
    assert.deepEqual(await backdoor.counts(), { tickets: 1, thread: 1, audit: 1, outbox: 0, idempotency: 1 });
    assert.deepEqual(await backdoor.idempotency(record.scope, record.key), record);
  },

  async 'desk: a reply and a note repeated with their idempotency key are written once'({ adapter, backdoor }) {
    const clock = manualClock('2026-03-02T09:00:00Z');
    const desk = await deskOn(adapter, clock);
    const opened = await desk.tickets.open(
      { subject: 'Card blocked', body: 'My card is blocked', departmentId: 'help' },
      { actor: customer },
    );
    const first = await desk.tickets.reply(
      opened.id,
      { body: 'Any news?', idempotencyKey: 'r-1' },
      { actor: customer },
    );
    clock.advance('1m');
    // By number this time: the same ticket, the same request.
    const again = await desk.tickets.reply(
      opened.number,
      { body: 'Any news?', idempotencyKey: 'r-1' },
      { actor: customer },
    );
    assert.equal(again.id, first.id);
    assert.equal(again.version, first.version, 'the repeat wrote nothing');
    await assert.rejects(
      desk.tickets.reply(opened.id, { body: 'Something else', idempotencyKey: 'r-1' }, { actor: customer }),
      isMismatch,
    );
    const note = { body: 'Checked the card system', idempotencyKey: 'r-1' };
    const noted = await desk.tickets.note(opened.id, note, { actor: agent });
    assert.equal((await desk.tickets.note(opened.id, note, { actor: agent })).version, noted.version);
    const bodies = (await backdoor.thread(opened.id)).map((entry) => [entry.kind, entry.body]);
    assert.deepEqual(bodies, [
      ['message', 'My card is blocked'],
      ['message', 'Any news?'],
      ['note', 'Checked the card system'],
    ]);
    assert.deepEqual(
      (await backdoor.audit(opened.id)).map((event) => event.command),
      ['open', 'reply', 'note'],
    );
    assert.equal((await backdoor.idempotency('reply:customer:ken@example.com', 'r-1'))?.ticketId, opened.id);
    assert.equal((await backdoor.idempotency('note:agent:isabella', 'r-1'))?.ticketId, opened.id);
    // Past the key's lifetime (intake.idempotencyKeyTtl, 24 hours by default) the same key is a new reply.
    clock.advance('25h');
    await desk.tickets.reply(opened.id, { body: 'Any news?', idempotencyKey: 'r-1' }, { actor: customer });
    assert.equal((await backdoor.thread(opened.id)).length, 4);
    assert.equal((await backdoor.counts()).idempotency, 2);
  },

  async 'desk: the same reply sent at once through two desks with one key is written once'({ adapter, backdoor }) {
    const desk = await deskOn(adapter);
    // A second desk on the same storage: another process of the same host, or the host after a restart.
    const other = await deskOn(adapter);
    const opened = await desk.tickets.open(
      { subject: 'Card blocked', body: 'My card is blocked', departmentId: 'help' },
      { actor: customer },
    );
    const input = { body: 'It is still blocked', idempotencyKey: 'email:same-message' };
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        (index % 2 ? other : desk).tickets.reply(opened.id, input, { actor: customer }),
      ),
    );
    assert.deepEqual(new Set(results.map((ticket) => ticket.id)), new Set([opened.id]));
    const replies = (await backdoor.thread(opened.id)).filter((entry) => entry.body === 'It is still blocked');
    assert.equal(replies.length, 1);
    assert.equal((await backdoor.ticket(opened.id))?.version, 2);
  },

  async 'desk: a reply that opens a follow-up ticket, repeated with its key, opens one'({ adapter, backdoor }) {
    const clock = manualClock('2026-03-02T09:00:00Z');
    const desk = await deskOn(adapter, clock);
    const opened = await desk.tickets.open(
      { subject: 'Card blocked', body: 'My card is blocked', departmentId: 'help' },
      { actor: customer },
    );
    await desk.tickets.resolve(opened.id, { resolutionNote: 'Unblocked' }, { actor: agent });
    await desk.tickets.confirmResolution(opened.id, {}, { actor: customer });
    // Past the reopen window (30 days by default): the customer's reply starts a new ticket.
    clock.advance('40d');
    const input = { body: 'Blocked again', idempotencyKey: 'email:follow-up' };
    const followUp = await desk.tickets.reply(opened.id, input, { actor: customer });
    assert.notEqual(followUp.id, opened.id);
    assert.equal(followUp.followUpOf, opened.id);
    clock.advance('1h');
    assert.equal((await desk.tickets.reply(opened.id, input, { actor: customer })).id, followUp.id);
    assert.equal((await backdoor.counts()).tickets, 2);
    assert.equal(
      (await backdoor.idempotency('reply:customer:ken@example.com', input.idempotencyKey))?.ticketId,
      followUp.id,
    );
    assert.deepEqual(
      (await backdoor.thread(followUp.id)).map((entry) => entry.body),
      ['Blocked again'],
    );
  },
};
