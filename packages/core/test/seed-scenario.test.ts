import { expect, test } from 'vitest';
import { createHelpDesk, isTicketkitError, manualClock, memoryStorage, type TicketkitEventName } from '../src/index.js';

/**
 * The seed scenario, end to end through the public API: two customers, two
 * departments, an assignment, a transfer, a request for information, a
 * resolution the customer confirms, and two ways of reopening.
 */
test('the seed scenario runs through the public API', async () => {
  const clock = manualClock('2026-03-02T09:00:00Z');
  const desk = await createHelpDesk({ storage: memoryStorage(), clock });
  const events: string[] = [];
  for (const name of [
    'ticket.created',
    'ticket.assigned',
    'ticket.transferred',
    'ticket.replied',
    'ticket.noted',
    'ticket.status_changed',
    'ticket.resolved',
    'ticket.closed',
    'ticket.reopened',
    'ticket.updated',
  ] as const satisfies readonly TicketkitEventName[]) {
    desk.on(name, (event) => {
      events.push(`${name} ${event.ticket.number}`);
    });
  }

  await desk.departments.upsert({ id: 'help-desk', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'level-2', name: 'Level 2 Support' });
  await desk.agents.upsert({
    id: 'isabella',
    name: 'Isabella',
    email: 'isabella@bank.test',
    departmentIds: ['help-desk'],
  });
  await desk.agents.upsert({ id: 'winston', name: 'Winston', email: 'winston@bank.test', departmentIds: ['level-2'] });
  await desk.slaPlans.upsert({ id: 'sev-c', name: 'SEV C', firstResponseWithin: '8h', resolveWithin: '3d' });
  const ken = { type: 'customer', email: 'ken@example.com', name: 'Ken' } as const;
  const karen = { type: 'customer', email: 'karen@example.com', name: 'Karen' } as const;
  const isabella = { type: 'agent', id: 'isabella' } as const;
  const winston = { type: 'agent', id: 'winston' } as const;

  // Intake: each request gets a unique number and lands in the Open queue.
  const reset = await desk.tickets.open(
    {
      subject: 'Password reset',
      body: 'I forgot my password and cannot log in.',
      departmentId: 'help-desk',
      source: 'web',
    },
    { actor: ken },
  );
  clock.advance('5m');
  const crash = await desk.tickets.open(
    {
      subject: 'Mobile banking app crashes',
      body: 'The app closes as soon as I open Transfers.',
      departmentId: 'help-desk',
      priority: 'high',
      source: 'web',
    },
    { actor: karen },
  );
  expect(reset.number).toMatch(/^\d{6}$/);
  expect(crash.number).not.toBe(reset.number);
  expect(reset).toMatchObject({ status: 'open', requester: { email: 'ken@example.com', name: 'Ken' }, version: 1 });
  // Most urgent first: Karen's high-priority crash before Ken's earlier, normal request.
  expect((await desk.queues.list('open', { actor: isabella })).items.map((t) => t.number)).toEqual([
    crash.number,
    reset.number,
  ]);
  expect((await desk.queues.counts({ actor: isabella })).unassigned).toBe(2);

  // Assignment and communication.
  clock.advance('10m');
  await desk.tickets.assign(reset.number, { agentId: 'isabella' }, { actor: isabella });
  await desk.tickets.update(reset.number, { slaPlanId: 'sev-c' }, { actor: isabella });
  await desk.tickets.reply(
    reset.number,
    { body: 'Hi Ken, thanks for reaching out! I have sent you a reset link.' },
    { actor: isabella },
  );
  await desk.tickets.note(reset.number, { body: 'Verified identity via security questions.' }, { actor: isabella });
  const working = await desk.tickets.startWork(reset.number, {}, { actor: isabella });
  expect(working).toMatchObject({
    status: 'in_progress',
    assigneeId: 'isabella',
    slaPlanId: 'sev-c',
    firstRespondedAt: '2026-03-02T09:15:00.000Z',
  });
  expect((await desk.queues.list('mine', { actor: isabella })).items.map((t) => t.id)).toEqual([reset.id]);

  const kenSees = await desk.tickets.thread(reset.number, { actor: ken });
  expect(kenSees.map((entry) => entry.kind)).toEqual(['message', 'reply']);
  expect(kenSees.some((entry) => entry.body.includes('security questions'))).toBe(false);
  const isabellaSees = await desk.tickets.thread(reset.number, { actor: isabella });
  expect(isabellaSees.map((entry) => entry.kind)).toEqual(['message', 'event', 'event', 'reply', 'note']);

  // The transfer to Level 2, with a courteous note for Winston.
  const transferred = await desk.tickets.transfer(
    crash.number,
    {
      departmentId: 'level-2',
      agentId: 'winston',
      note: 'Hi Winston, could you take this one? The app crashes on Transfers. Thank you!',
    },
    { actor: isabella },
  );
  expect(transferred).toMatchObject({ departmentId: 'level-2', assigneeId: 'winston', status: 'open' });
  const transferEntry = (await desk.tickets.thread(crash.number, { actor: winston })).at(-1);
  expect(transferEntry).toMatchObject({ kind: 'event', internal: true, author: { type: 'agent', id: 'isabella' } });
  expect(transferEntry?.body).toContain('Transferred from Help Desk to Level 2 Support (Winston)');
  expect(transferEntry?.body).toContain('could you take this one?');
  expect((await desk.tickets.thread(crash.number, { actor: karen })).map((entry) => entry.kind)).toEqual(['message']);
  // Isabella works in the Help Desk only: the ticket has left her reach.
  await expect(desk.tickets.get(crash.number, { actor: isabella })).rejects.toMatchObject({ code: 'FORBIDDEN' });

  // Working the issue: Winston needs information.
  await desk.tickets.requestInfo(crash.number, { body: 'Which phone and app version do you use?' }, { actor: winston });
  // Karen's ticket has no SLA plan, so there is no clock to pause.
  expect(await desk.tickets.get(crash.number, { actor: karen })).toMatchObject({
    status: 'awaiting_customer',
    slaState: 'on_track',
  });
  expect((await desk.queues.list('awaiting_customer', { actor: winston })).items.map((t) => t.id)).toEqual([crash.id]);
  clock.advance('2h');
  const answered = await desk.tickets.reply(crash.number, { body: 'A Pixel 8, app version 4.2.1.' }, { actor: karen });
  expect(answered).toMatchObject({ status: 'in_progress', slaState: 'on_track' });

  // Resolution: a note for colleagues, a final reply; closing waits for Karen.
  clock.advance('1h');
  const resolved = await desk.tickets.resolve(
    crash.number,
    { resolutionNote: 'Known crash in 4.2.1 on Android 15; hotfix 4.2.2 released.', body: 'Please update to 4.2.2.' },
    { actor: winston },
  );
  expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: '2026-03-02T12:15:00.000Z' });
  await expect(desk.tickets.close(crash.number, {}, { actor: winston })).rejects.toSatisfy((error) =>
    isTicketkitError(error, 'CONFIRMATION_REQUIRED'),
  );
  expect((await desk.tickets.get(crash.number, { actor: winston })).status).toBe('resolved');
  const confirmed = await desk.tickets.confirmResolution(
    crash.number,
    { rating: 5, comment: 'Works again, thanks!' },
    { actor: karen },
  );
  expect(confirmed).toMatchObject({
    status: 'closed',
    closedAt: '2026-03-02T12:15:00.000Z',
    feedback: { rating: 5, comment: 'Works again, thanks!' },
  });
  expect((await desk.queues.list('closed', { actor: winston })).items.map((t) => t.id)).toEqual([crash.id]);

  // Later, Karen reopens it.
  clock.advance('3d');
  const reopened = await desk.tickets.reopen(
    crash.number,
    { reason: 'It crashes again after the update.' },
    { actor: karen },
  );
  expect(reopened).toMatchObject({ status: 'in_progress', assigneeId: 'winston', closedAt: null, resolvedAt: null });
  expect((await desk.tickets.thread(crash.number, { actor: karen })).at(-1)?.body).toBe(
    'Reopened: It crashes again after the update.',
  );

  // A customer's reply on a resolved ticket reopens it.
  await desk.tickets.resolve(reset.number, { resolutionNote: 'Reset link used.' }, { actor: isabella });
  const replied = await desk.tickets.reply(
    reset.number,
    { body: 'The link expired before I could use it.' },
    { actor: ken },
  );
  expect(replied.status).toBe('in_progress');

  // The audit history has every transition with its actor, from, to and time.
  const history = await desk.tickets.history(crash.number, { actor: winston });
  expect(history.map((entry) => [entry.command, entry.from?.status ?? null, entry.to.status])).toEqual([
    ['open', null, 'open'],
    ['transfer', 'open', 'open'],
    ['requestInfo', 'open', 'awaiting_customer'],
    ['reply', 'awaiting_customer', 'in_progress'],
    ['resolve', 'in_progress', 'resolved'],
    ['confirmResolution', 'resolved', 'closed'],
    ['reopen', 'closed', 'in_progress'],
  ]);
  expect(history[1]).toMatchObject({
    actor: { type: 'agent', id: 'isabella', name: 'Isabella' },
    changes: { departmentId: { from: 'help-desk', to: 'level-2' }, assigneeId: { from: null, to: 'winston' } },
  });
  expect(history.every((entry) => !Number.isNaN(Date.parse(entry.at)))).toBe(true);

  expect(events).toEqual([
    `ticket.created ${reset.number}`,
    `ticket.created ${crash.number}`,
    `ticket.assigned ${reset.number}`,
    `ticket.updated ${reset.number}`,
    `ticket.replied ${reset.number}`,
    `ticket.noted ${reset.number}`,
    `ticket.status_changed ${reset.number}`,
    `ticket.transferred ${crash.number}`,
    `ticket.replied ${crash.number}`,
    `ticket.status_changed ${crash.number}`,
    `ticket.replied ${crash.number}`,
    `ticket.status_changed ${crash.number}`,
    `ticket.replied ${crash.number}`,
    `ticket.resolved ${crash.number}`,
    `ticket.status_changed ${crash.number}`,
    `ticket.closed ${crash.number}`,
    `ticket.status_changed ${crash.number}`,
    `ticket.status_changed ${crash.number}`,
    `ticket.reopened ${crash.number}`,
    `ticket.resolved ${reset.number}`,
    `ticket.status_changed ${reset.number}`,
    `ticket.replied ${reset.number}`,
    `ticket.status_changed ${reset.number}`,
    `ticket.reopened ${reset.number}`,
  ]);
  await desk.close();
});
