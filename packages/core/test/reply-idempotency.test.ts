import { expect, test } from 'vitest';
import { isTicketkitError, type TicketkitPlugin } from '../src/index.js';
import { actors, createTestDesk, storageSnapshot } from './support/test-desk.js';

test('a repeated reply emits no event, runs no plugin hook and queues no notification', async () => {
  const seen: string[] = [];
  const stamp: TicketkitPlugin = {
    id: 'stamp',
    setup({ before, after }) {
      // Amends the body: the key still recognises the request as sent.
      before('reply', (input) => ({ ...input, body: `${input.body ?? ''} [stamped]` }));
      after('reply', () => void seen.push('after'));
    },
  };
  const { desk, storage, open } = await createTestDesk({ plugins: [stamp] });
  const ticket = await open();
  desk.on('ticket.replied', () => void seen.push('event'));
  const input = { body: 'Any news?', idempotencyKey: 'retry-me' };
  const first = await desk.tickets.reply(ticket.id, input, { actor: actors.ken });
  expect(seen).toEqual(['event', 'after']);
  const before = storageSnapshot(storage);
  const outbox = storage.state.outbox.size;
  const again = await desk.tickets.reply(ticket.number, input, { actor: actors.ken });
  expect(again).toEqual(first);
  expect(seen).toEqual(['event', 'after']);
  expect(storageSnapshot(storage)).toBe(before);
  expect(storage.state.outbox.size).toBe(outbox);
  const thread = await desk.tickets.thread(ticket.id, { actor: actors.ken });
  expect(thread.map((entry) => entry.body)).toEqual(['I cannot log in.', 'Any news? [stamped]']);
});

test('a repeat with the version the first request expected is answered, not refused as stale', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  const input = { body: 'We are on it', idempotencyKey: 'agent-retry-1' };
  const first = await desk.tickets.note(ticket.id, input, { actor: actors.ann, expectedVersion: 1 });
  expect(first.version).toBe(2);
  // The answer was lost; the client sends the same request with the same If-Match.
  const again = await desk.tickets.note(ticket.id, input, { actor: actors.ann, expectedVersion: 1 });
  expect(again.version).toBe(2);
  // Without a key the stale version is refused, as before.
  await expect(
    desk.tickets.note(ticket.id, { body: 'We are on it' }, { actor: actors.ann, expectedVersion: 1 }),
  ).rejects.toMatchObject({ code: 'CONFLICT' });
});

test('keys belong to their actor and command, and a key on another ticket is a different request', async () => {
  const { desk, storage, open } = await createTestDesk();
  const one = await open();
  const two = await open({ subject: 'Second' });
  const key = { idempotencyKey: 'shared-key' };
  await desk.tickets.reply(one.id, { body: 'Hello', ...key }, { actor: actors.ann });
  // Another agent, and another command, with the same key: their own requests.
  await desk.tickets.reply(one.id, { body: 'Hello', ...key }, { actor: actors.bob });
  await desk.tickets.note(one.id, { body: 'Hello', ...key }, { actor: actors.ann });
  expect((await desk.tickets.thread(one.id, { actor: actors.ann })).map((entry) => entry.kind)).toEqual([
    'message',
    'reply',
    'reply',
    'note',
  ]);
  const before = storageSnapshot(storage);
  const error = await desk.tickets
    .reply(two.id, { body: 'Hello', ...key }, { actor: actors.ann })
    .catch((caught: unknown) => caught);
  expect(isTicketkitError(error, 'IDEMPOTENCY_MISMATCH')).toBe(true);
  expect(storageSnapshot(storage)).toBe(before);
});

test('a bad idempotency key is refused naming the field, with nothing written', async () => {
  const { desk, storage, open } = await createTestDesk();
  const ticket = await open();
  const before = storageSnapshot(storage);
  const refusal = (caught: unknown) => {
    expect(isTicketkitError(caught, 'VALIDATION_FAILED')).toBe(true);
    const paths = (caught as { issues: { path: unknown[] }[] }).issues.map((issue) => issue.path.join('.'));
    expect(new Set(paths)).toEqual(new Set(['idempotencyKey']));
  };
  for (const idempotencyKey of ['', 'has space', 'x'.repeat(256), 'ключ']) {
    refusal(await desk.tickets.reply(ticket.id, { body: 'Hi', idempotencyKey }, { actor: actors.ken }).catch((e) => e));
    refusal(await desk.tickets.note(ticket.id, { body: 'Hi', idempotencyKey }, { actor: actors.ann }).catch((e) => e));
  }
  // requestInfo takes no key: an unknown field, as before.
  await expect(
    desk.tickets.requestInfo(ticket.id, { body: 'Which card?', idempotencyKey: 'k-1' } as never, {
      actor: actors.ann,
    }),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  expect(storageSnapshot(storage)).toBe(before);
});
