import { expect, test } from 'vitest';
import type { Notifier, OutboxMessage, PlannedNotification } from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

const email: Notifier = { id: 'email', send: async () => {} };
// A chat notifier that only takes staff alerts.
const chat: Notifier = { id: 'chat', types: ['ticket.new_alert', 'ticket.message_alert'], send: async () => {} };

const audience = ({ audience: to }: PlannedNotification, excludeAgentId: string | null) => {
  const who =
    to.kind === 'requester'
      ? 'requester'
      : to.kind === 'department'
        ? `department ${to.departmentId}`
        : `holders ${[to.assigneeId && `agent ${to.assigneeId}`, to.teamId && `team ${to.teamId}`, `department ${to.departmentId}`].filter(Boolean).join(' / ')}`;
  return excludeAgentId ? `${who} but ${excludeAgentId}` : who;
};
const summary = (messages: Iterable<OutboxMessage>) =>
  [...messages].flatMap((message) =>
    message.notifications.map(
      (notification) => `${notification.type} → ${audience(notification, message.excludeAgentId)}`,
    ),
  );

test('every change writes its notifications to the outbox, in the same change set', async () => {
  const { desk, storage, open } = await createTestDesk({ notifiers: [email, chat] });
  const outbox = () => summary(storage.state.outbox.values());
  const ticket = await open();
  expect(outbox()).toEqual(['ticket.auto_response → requester', 'ticket.new_alert → department help']);
  storage.state.outbox.clear();

  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.bob });
  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.bob }); // no change, no alert
  await desk.tickets.reply(ticket.id, { body: 'On it' }, { actor: actors.ann });
  await desk.tickets.note(ticket.id, { body: 'internal' }, { actor: actors.ann });
  await desk.tickets.reply(ticket.id, { body: 'Thanks' }, { actor: actors.ken });
  await desk.tickets.resolve(ticket.id, { resolutionNote: 'done', body: 'Fixed!' }, { actor: actors.ann });
  await desk.tickets.confirmResolution(ticket.id, { rating: 5 }, { actor: actors.ken });
  expect(outbox()).toEqual([
    'ticket.assigned_alert → holders agent ann / department help but bob',
    'ticket.reply_notice → requester but ann',
    'ticket.message_alert → holders agent ann / department help',
    'ticket.resolved_notice → requester but ann',
  ]);
  const resolved = [...storage.state.outbox.values()].find((message) =>
    message.notifications.some((notification) => notification.type === 'ticket.resolved_notice'),
  );
  expect(resolved).toMatchObject({
    status: 'pending',
    attempts: 0,
    lastError: null,
    ticketId: ticket.id,
    excludeAgentId: 'ann',
    notifications: [{ type: 'ticket.resolved_notice', data: { entryId: expect.any(String), actor: 'Ann' } }],
  });
  // One outbox message per change, however many notifications it carries.
  expect(storage.state.outbox.size).toBe(4);
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
    'ticket.transfer_alert → holders agent winston / department l2 but root',
    'ticket.resolved_notice → requester but winston',
    'ticket.closed_notice → requester but root',
  ]);
});

test('notification types can be switched off, and nothing is written without notifiers', async () => {
  const quiet = await createTestDesk({ notifiers: [email], notifications: { 'ticket.new_alert': false } });
  await quiet.open();
  expect(summary(quiet.storage.state.outbox.values())).toEqual(['ticket.auto_response → requester']);
  // A type no notifier takes is not written either.
  const chatOnly = await createTestDesk({ notifiers: [chat] });
  await chatOnly.open();
  expect(summary(chatOnly.storage.state.outbox.values())).toEqual(['ticket.new_alert → department help']);
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
