import { expect, test } from 'vitest';
import { isTicketkitError, type TicketkitError } from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

async function closedTicket(context: Awaited<ReturnType<typeof createTestDesk>>) {
  const { desk, open } = context;
  const ticket = await open();
  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.ann });
  await desk.tickets.resolve(ticket.id, { resolutionNote: 'Reset done', body: 'All set!' }, { actor: actors.ann });
  return desk.tickets.confirmResolution(ticket.id, { rating: 4 }, { actor: actors.ken });
}

test('a customer reply within the reopen window reopens a closed ticket', async () => {
  const context = await createTestDesk();
  const closed = await closedTicket(context);
  context.clock.advance('29d');
  const reopened = await context.desk.tickets.reply(closed.id, { body: 'It broke again' }, { actor: actors.ken });
  expect(reopened).toMatchObject({ id: closed.id, status: 'in_progress', closedAt: null, followUpOf: null });
});

test('after the reopen window a customer reply opens a follow-up ticket linked to the closed one', async () => {
  const context = await createTestDesk();
  const { desk, clock } = context;
  const closed = await closedTicket(context);
  clock.advance('31d');
  const followUp = await desk.tickets.reply(closed.id, { body: 'Same problem, new month' }, { actor: actors.ken });
  expect(followUp).toMatchObject({
    followUpOf: closed.id,
    status: 'open',
    subject: closed.subject,
    departmentId: closed.departmentId,
    requester: closed.requester,
  });
  expect(followUp.id).not.toBe(closed.id);
  expect((await desk.tickets.thread(followUp.id, { actor: actors.ken }))[0]?.body).toBe('Same problem, new month');
  expect(await desk.tickets.get(closed.id, { actor: actors.ken })).toEqual(closed);
  // The customer may no longer reopen it either; an agent still can.
  await expect(desk.tickets.reopen(closed.id, {}, { actor: actors.ken })).rejects.toMatchObject({
    code: 'INVALID_TRANSITION',
  });
  expect((await desk.tickets.reopen(closed.id, { reason: 'Linked issue' }, { actor: actors.ann })).status).toBe(
    'in_progress',
  );
});

test('closing needs the customer unless an admin forces it or the desk does not require confirmation', async () => {
  const strict = await createTestDesk();
  const ticket = await strict.open();
  await strict.desk.tickets.resolve(ticket.id, { resolutionNote: 'done' }, { actor: actors.ann });
  const agentTry = (await strict.desk.tickets
    .close(ticket.id, {}, { actor: actors.ann })
    .catch((e: unknown) => e)) as TicketkitError;
  expect(agentTry.code).toBe('CONFIRMATION_REQUIRED');
  expect(agentTry.message).toMatch(/closes when the customer confirms/);
  const adminTry = (await strict.desk.tickets
    .close(ticket.id, {}, { actor: actors.root })
    .catch((e: unknown) => e)) as TicketkitError;
  expect(adminTry.code).toBe('CONFIRMATION_REQUIRED');
  expect(adminTry.message).toMatch(/pass \{ force: true \}/);
  await expect(strict.desk.tickets.close(ticket.id, { force: true }, { actor: actors.ann })).rejects.toMatchObject({
    code: 'CONFIRMATION_REQUIRED',
  });
  const forced = await strict.desk.tickets.close(ticket.id, { force: true }, { actor: actors.root });
  expect(forced.status).toBe('closed');
  expect((await strict.desk.tickets.thread(ticket.id, { actor: actors.ken })).at(-1)?.body).toBe(
    'Closed without confirmation',
  );

  const relaxed = await createTestDesk({ lifecycle: { requireConfirmation: false } });
  const other = await relaxed.open();
  await relaxed.desk.tickets.resolve(other.id, { resolutionNote: 'done' }, { actor: actors.ann });
  expect((await relaxed.desk.tickets.close(other.id, {}, { actor: actors.ann })).status).toBe('closed');
});

test('refusals say which events are allowed now', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  const error = await desk.tickets.startWork(ticket.id, {}, { actor: actors.ann }).catch((caught: unknown) => caught);
  expect(isTicketkitError(error, 'INVALID_TRANSITION')).toBe(true);
  const refused = error as TicketkitError;
  expect(refused.message).toMatch(/unassigned \(assign it first\)/);
  expect([...(refused.allowedEvents ?? [])].sort()).toEqual([
    'AGENT_REPLY',
    'ASSIGN',
    'NOTE',
    'REQUEST_INFO',
    'RESOLVE',
    'TRANSFER',
    'UPDATE',
  ]);
  expect(refused.details).toMatchObject({ event: 'START_WORK', status: 'open' });
  const customer = await desk.tickets.reopen(ticket.id, {}, { actor: actors.ken }).catch((caught: unknown) => caught);
  expect(customer).toMatchObject({ code: 'INVALID_TRANSITION', allowedEvents: ['CUSTOMER_REPLY'] });
});

test('work goes back to open when nobody holds the ticket any more', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.ann });
  await desk.tickets.startWork(ticket.id, {}, { actor: actors.ann });
  const unassigned = await desk.tickets.unassign(ticket.id, {}, { actor: actors.ann });
  expect(unassigned).toMatchObject({ status: 'open', assigneeId: null, teamId: null });
  await desk.tickets.assign(ticket.id, { teamId: 'help-team' }, { actor: actors.ann });
  await desk.tickets.startWork(ticket.id, {}, { actor: actors.bob });
  const cleared = await desk.tickets.transfer(
    ticket.id,
    { departmentId: 'l2', note: 'For L2 triage' },
    { actor: actors.bob },
  );
  expect(cleared).toMatchObject({ status: 'open', departmentId: 'l2', teamId: null, assigneeId: null });
});

test('the SLA clock pauses while awaiting the customer when the plan says so', async () => {
  const { desk, open } = await createTestDesk();
  const pausing = await open();
  await desk.tickets.update(pausing.id, { slaPlanId: 'pausing' }, { actor: actors.ann });
  expect((await desk.tickets.requestInfo(pausing.id, { body: '?' }, { actor: actors.ann })).slaState).toBe('paused');
  expect((await desk.tickets.reply(pausing.id, { body: '!' }, { actor: actors.ken })).slaState).toBe('on_track');
  const running = await open();
  await desk.tickets.update(running.id, { slaPlanId: 'running' }, { actor: actors.ann });
  expect((await desk.tickets.requestInfo(running.id, { body: '?' }, { actor: actors.ann })).slaState).toBe('on_track');
});

test('replies with a canned response use its text, and an edited body wins', async () => {
  const { desk, open } = await createTestDesk();
  await desk.cannedResponses.upsert({
    id: 'reset',
    title: 'Password reset',
    body: 'Use the reset link we sent.',
    departmentId: 'help',
  });
  await desk.cannedResponses.upsert({ id: 'l2-only', title: 'L2', body: 'L2 text', departmentId: 'l2' });
  const ticket = await open();
  await desk.tickets.reply(ticket.id, { cannedResponseId: 'reset' }, { actor: actors.ann });
  await desk.tickets.reply(
    ticket.id,
    { cannedResponseId: 'reset', body: 'Use the link — it is valid for 1 hour.' },
    { actor: actors.ann },
  );
  const replies = (await desk.tickets.thread(ticket.id, { actor: actors.ann })).filter(
    (entry) => entry.kind === 'reply',
  );
  expect(replies.map((entry) => [entry.body, entry.data])).toEqual([
    ['Use the reset link we sent.', { cannedResponseId: 'reset' }],
    ['Use the link — it is valid for 1 hour.', { cannedResponseId: 'reset' }],
  ]);
  await expect(
    desk.tickets.reply(ticket.id, { cannedResponseId: 'l2-only' }, { actor: actors.ann }),
  ).rejects.toMatchObject({
    issues: [{ path: ['cannedResponseId'] }],
  });
});
