import { expect, test } from 'vitest';
import type { Notifier, OutboxMessage } from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

const email: Notifier = { id: 'email', send: async () => {} };
const chat: Notifier = { id: 'chat', types: ['ticket.new_alert', 'ticket.message_alert'], send: async () => {} };

const summary = (messages: Iterable<OutboxMessage>) =>
  [...messages].map((message) => `${message.notifierId} ${message.type} → ${message.recipient.email}`);

test('every change writes its notifications to the outbox, in the same change set', async () => {
  const { desk, storage, open } = await createTestDesk({ notifiers: [email, chat] });
  const outbox = () => summary(storage.state.outbox.values());
  const ticket = await open();
  expect(outbox()).toEqual([
    'email ticket.auto_response → ken@example.com',
    'email ticket.new_alert → ann@bank.test',
    'email ticket.new_alert → bob@bank.test',
    'chat ticket.new_alert → ann@bank.test',
    'chat ticket.new_alert → bob@bank.test',
  ]);
  storage.state.outbox.clear();

  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.bob });
  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.bob }); // no change, no alert
  await desk.tickets.reply(ticket.id, { body: 'On it' }, { actor: actors.ann });
  await desk.tickets.note(ticket.id, { body: 'internal' }, { actor: actors.ann });
  await desk.tickets.reply(ticket.id, { body: 'Thanks' }, { actor: actors.ken });
  await desk.tickets.resolve(ticket.id, { resolutionNote: 'done', body: 'Fixed!' }, { actor: actors.ann });
  await desk.tickets.confirmResolution(ticket.id, { rating: 5 }, { actor: actors.ken });
  expect(outbox()).toEqual([
    'email ticket.assigned_alert → ann@bank.test',
    'email ticket.reply_notice → ken@example.com',
    'email ticket.message_alert → ann@bank.test',
    'chat ticket.message_alert → ann@bank.test',
    'email ticket.resolved_notice → ken@example.com',
  ]);
  const resolved = [...storage.state.outbox.values()].find((message) => message.type === 'ticket.resolved_notice');
  expect(resolved).toMatchObject({
    status: 'pending',
    attempts: 0,
    lastError: null,
    data: { body: 'Fixed!', actor: 'Ann' },
  });
  storage.state.outbox.clear();

  const other = await open();
  storage.state.outbox.clear();
  await desk.tickets.transfer(
    other.id,
    { departmentId: 'l2', agentId: 'winston', note: 'Yours' },
    { actor: actors.root },
  );
  await desk.tickets.resolve(other.id, { resolutionNote: 'done' }, { actor: actors.winston });
  await desk.tickets.close(other.id, { force: true }, { actor: actors.root });
  expect(outbox()).toEqual([
    'email ticket.transfer_alert → winston@bank.test',
    'email ticket.resolved_notice → ken@example.com',
    'email ticket.closed_notice → ken@example.com',
  ]);
});

test('notification types can be switched off, and nothing is written without notifiers', async () => {
  const quiet = await createTestDesk({ notifiers: [email], notifications: { 'ticket.new_alert': false } });
  await quiet.open();
  expect(summary(quiet.storage.state.outbox.values())).toEqual(['email ticket.auto_response → ken@example.com']);
  const none = await createTestDesk();
  await none.open();
  expect(none.storage.state.outbox.size).toBe(0);
});

test('a refused command writes no notification', async () => {
  const { desk, storage, open } = await createTestDesk({ notifiers: [email] });
  const ticket = await open();
  const before = storage.state.outbox.size;
  await expect(desk.tickets.close(ticket.id, {}, { actor: actors.ann })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  expect(storage.state.outbox.size).toBe(before);
});

test('notifiers are checked at startup, with every problem listed', async () => {
  const { createHelpDesk, memoryStorage } = await import('../src/index.js');
  await expect(
    createHelpDesk({
      storage: memoryStorage(),
      notifiers: [{ id: 'email', send: async () => {} }, { id: 'email', send: async () => {} }, { id: '' } as never],
      notifications: { 'ticket.nonsense': true } as never,
    }),
  ).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    issues: [{ path: ['notifiers', 2, 'id'] }, { path: ['notifiers', 2, 'send'] }, { path: ['notifiers', 1, 'id'] }],
  });
});
