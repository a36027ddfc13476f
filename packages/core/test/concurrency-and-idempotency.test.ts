import { expect, test } from 'vitest';
import { isTicketkitError } from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

test('twenty-five concurrent notes on one ticket are all kept', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  const bodies = Array.from({ length: 25 }, (_, index) => `note ${index}`);
  await Promise.all(
    bodies.map((body, index) => desk.tickets.note(ticket.id, { body }, { actor: index % 2 ? actors.ann : actors.bob })),
  );
  const notes = (await desk.tickets.thread(ticket.id, { actor: actors.ann })).filter((entry) => entry.kind === 'note');
  expect(notes.map((entry) => entry.body).sort()).toEqual([...bodies].sort());
  const stored = await desk.tickets.get(ticket.id, { actor: actors.ann });
  expect(stored.version).toBe(26);
  const history = await desk.tickets.history(ticket.id, { actor: actors.ann });
  expect(history.map((entry) => entry.version)).toEqual(Array.from({ length: 26 }, (_, index) => index + 1));
});

test('concurrent replies from both sides are all kept, in one consistent order', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  await Promise.all([
    ...Array.from({ length: 10 }, (_, index) =>
      desk.tickets.reply(ticket.id, { body: `agent ${index}` }, { actor: actors.ann }),
    ),
    ...Array.from({ length: 10 }, (_, index) =>
      desk.tickets.reply(ticket.id, { body: `customer ${index}` }, { actor: actors.ken }),
    ),
  ]);
  const thread = await desk.tickets.thread(ticket.id, { actor: actors.ken });
  expect(thread).toHaveLength(21);
  expect(thread.filter((entry) => entry.kind === 'reply')).toHaveLength(10);
});

test('commands that are not safe to retry surface CONFLICT; the loser changes nothing', async () => {
  const { desk, storage, open } = await createTestDesk();
  const ticket = await open();
  // Slow reads: all three commands load version 1 before any of them commits.
  const getTicket = storage.getTicket;
  storage.getTicket = async (lookup) => {
    const found = await getTicket(lookup);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return found;
  };
  const results = await Promise.allSettled([
    desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.ann }),
    desk.tickets.assign(ticket.id, { agentId: 'bob' }, { actor: actors.bob }),
    desk.tickets.update(ticket.id, { priority: 'urgent' }, { actor: actors.bob }),
  ]);
  const won = results.filter((result) => result.status === 'fulfilled');
  const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  storage.getTicket = getTicket;
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(2);
  for (const { reason } of lost) {
    expect(isTicketkitError(reason, 'CONFLICT')).toBe(true);
    expect(reason.details.target).toBe('version');
  }
  expect((await desk.tickets.get(ticket.id, { actor: actors.ann })).version).toBe(2);
});

test('expectedVersion refuses a command based on a stale view', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  await desk.tickets.note(ticket.id, { body: 'someone else was quicker' }, { actor: actors.bob });
  const error = await desk.tickets
    .note(ticket.id, { body: 'based on version 1' }, { actor: actors.ann, expectedVersion: 1 })
    .catch((caught: unknown) => caught);
  expect(error).toMatchObject({
    code: 'CONFLICT',
    details: { target: 'version', expectedVersion: 1, actualVersion: 2 },
  });
  const fresh = await desk.tickets.note(
    ticket.id,
    { body: 'based on version 2' },
    { actor: actors.ann, expectedVersion: 2 },
  );
  expect(fresh.version).toBe(3);
});

test('an idempotency key returns the first ticket to every retry, even in parallel', async () => {
  const { desk, storage, open } = await createTestDesk();
  const request = { subject: 'Card blocked', body: 'My card was blocked abroad.', idempotencyKey: 'req-7f3a' };
  const created = await Promise.all(Array.from({ length: 20 }, () => open(request)));
  expect(new Set(created.map((ticket) => ticket.id)).size).toBe(1);
  expect(storage.state.tickets.size).toBe(1);
  const retried = await open(request);
  expect(retried.id).toBe(created[0]?.id);

  const different = await open({ ...request, body: 'Something else entirely' }).catch((caught: unknown) => caught);
  expect(isTicketkitError(different, 'IDEMPOTENCY_MISMATCH')).toBe(true);
  // Keys belong to whoever sent them: another customer's identical key is a different request.
  const karens = await open({ ...request }, actors.karen);
  expect(karens.id).not.toBe(created[0]?.id);
  expect(storage.state.tickets.size).toBe(2);
  expect(desk).toBeDefined();
});

test('a storage failure surfaces as STORAGE_FAILED with the cause, and nothing is half written', async () => {
  const { desk, storage, open } = await createTestDesk();
  const ticket = await open();
  const commit = storage.commit;
  storage.commit = async () => {
    throw new Error('disk full');
  };
  const error = await desk.tickets
    .note(ticket.id, { body: 'x' }, { actor: actors.ann })
    .catch((caught: unknown) => caught);
  storage.commit = commit;
  expect(isTicketkitError(error, 'STORAGE_FAILED')).toBe(true);
  expect((error as Error).message).toContain('disk full');
  expect(((error as Error).cause as Error).message).toBe('disk full');
  expect((await desk.tickets.get(ticket.id, { actor: actors.ann })).version).toBe(1);
});
