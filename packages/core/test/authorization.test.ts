import { expect, test } from 'vitest';
import { type Actor, isTicketkitError } from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

/**
 * Authorization lives in the core: customers see and act on their own
 * tickets only and never see internal entries; agents act within their
 * departments (or on tickets they or their team hold); admins everywhere.
 */

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  return run().then(
    () => 'OK',
    (error: unknown) => (isTicketkitError(error) ? error.code : `UNEXPECTED ${String(error)}`),
  );
}

test('who may read a ticket, its thread and its history', async () => {
  const { desk, open } = await createTestDesk();
  await desk.agents.upsert({
    id: 'gone',
    name: 'Gone',
    email: 'gone@bank.test',
    departmentIds: ['help'],
    active: false,
  });
  const ticket = await open();
  await desk.tickets.note(ticket.id, { body: 'internal only' }, { actor: actors.ann });

  const matrix: [string, Actor, { get: string; thread: string; history: string }][] = [
    ['the requester', actors.ken, { get: 'OK', thread: 'OK', history: 'FORBIDDEN' }],
    [
      'the requester, by email in another case',
      { type: 'customer', email: 'KEN@Example.com' },
      { get: 'OK', thread: 'OK', history: 'FORBIDDEN' },
    ],
    ['another customer', actors.karen, { get: 'NOT_FOUND', thread: 'NOT_FOUND', history: 'NOT_FOUND' }],
    ['an agent of the department', actors.ann, { get: 'OK', thread: 'OK', history: 'OK' }],
    ['an agent of another department', actors.winston, { get: 'FORBIDDEN', thread: 'FORBIDDEN', history: 'FORBIDDEN' }],
    ['an admin', actors.root, { get: 'OK', thread: 'OK', history: 'OK' }],
    ['the system', actors.system, { get: 'OK', thread: 'OK', history: 'OK' }],
    [
      'an unknown agent',
      { type: 'agent', id: 'mallory' },
      { get: 'FORBIDDEN', thread: 'FORBIDDEN', history: 'FORBIDDEN' },
    ],
    [
      'an inactive agent',
      { type: 'agent', id: 'gone' },
      { get: 'FORBIDDEN', thread: 'FORBIDDEN', history: 'FORBIDDEN' },
    ],
  ];
  for (const [who, actor, expected] of matrix) {
    const actual = {
      get: await codeOf(() => desk.tickets.get(ticket.number, { actor })),
      thread: await codeOf(() => desk.tickets.thread(ticket.id, { actor })),
      history: await codeOf(() => desk.tickets.history(ticket.id, { actor })),
    };
    expect(actual, who).toEqual(expected);
  }
  const customerView = await desk.tickets.thread(ticket.id, { actor: actors.ken });
  expect(customerView.map((entry) => entry.kind)).toEqual(['message']);
});

test('another customer learns nothing: not even that the number exists', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  const missing = await desk.tickets.get('999999', { actor: actors.karen }).catch((error: Error) => error);
  const hidden = await desk.tickets.get(ticket.number, { actor: actors.karen }).catch((error: Error) => error);
  expect(hidden).toMatchObject({ code: 'NOT_FOUND' });
  expect((hidden as Error).message).toBe((missing as Error).message.replace('999999', ticket.number));
  for (const run of [
    () => desk.tickets.reply(ticket.number, { body: 'let me in' }, { actor: actors.karen }),
    () => desk.tickets.reopen(ticket.number, {}, { actor: actors.karen }),
    () => desk.tickets.confirmResolution(ticket.number, {}, { actor: actors.karen }),
  ]) {
    expect(await codeOf(run)).toBe('NOT_FOUND');
  }
});

test('agents act within their departments, on what they hold, and on what their team holds', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  expect(await codeOf(() => desk.tickets.note(ticket.id, { body: 'x' }, { actor: actors.winston }))).toBe('FORBIDDEN');
  await desk.tickets.transfer(ticket.id, { departmentId: 'l2', agentId: 'winston' }, { actor: actors.ann });
  // Ann transferred it out of her department: it is no longer hers to touch.
  expect(await codeOf(() => desk.tickets.note(ticket.id, { body: 'x' }, { actor: actors.ann }))).toBe('FORBIDDEN');
  expect(await codeOf(() => desk.tickets.note(ticket.id, { body: 'x' }, { actor: actors.winston }))).toBe('OK');
  // An admin can hand it to someone outside the department; holding it lets them act.
  await desk.tickets.assign(ticket.id, { agentId: 'root' }, { actor: actors.root });
  expect(await codeOf(() => desk.tickets.note(ticket.id, { body: 'x' }, { actor: actors.root }))).toBe('OK');

  await desk.departments.upsert({ id: 'billing', name: 'Billing' });
  await desk.agents.upsert({ id: 'bea', name: 'Bea', email: 'bea@bank.test', departmentIds: ['billing'] });
  await desk.teams.upsert({ id: 'l2-team', name: 'L2 on call', departmentId: 'l2', memberIds: ['winston', 'bea'] });
  await desk.tickets.assign(ticket.id, { agentId: null, teamId: 'l2-team' }, { actor: actors.winston });
  expect(
    await codeOf(() => desk.tickets.note(ticket.id, { body: 'on call' }, { actor: { type: 'agent', id: 'bea' } })),
  ).toBe('OK');
});

test('customers may not use staff commands on their own tickets', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  const staffOnly = [
    () => desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.ken }),
    () => desk.tickets.unassign(ticket.id, {}, { actor: actors.ken }),
    () => desk.tickets.transfer(ticket.id, { departmentId: 'l2' }, { actor: actors.ken }),
    () => desk.tickets.note(ticket.id, { body: 'sneaky' }, { actor: actors.ken }),
    () => desk.tickets.startWork(ticket.id, {}, { actor: actors.ken }),
    () => desk.tickets.requestInfo(ticket.id, { body: 'x' }, { actor: actors.ken }),
    () => desk.tickets.resolve(ticket.id, { resolutionNote: 'x' }, { actor: actors.ken }),
    () => desk.tickets.close(ticket.id, { force: true }, { actor: actors.ken }),
    () => desk.tickets.update(ticket.id, { priority: 'urgent' }, { actor: actors.ken }),
  ];
  for (const run of staffOnly) expect(await codeOf(run)).toBe('FORBIDDEN');
  expect(await codeOf(() => desk.tickets.reply(ticket.id, { cannedResponseId: 'x' }, { actor: actors.ken }))).toBe(
    'VALIDATION_FAILED',
  );
  expect(await codeOf(() => desk.queues.list('open', { actor: actors.ken }))).toBe('FORBIDDEN');
  expect(await codeOf(() => desk.queues.counts({ actor: actors.ken }))).toBe('FORBIDDEN');
  expect(await codeOf(() => desk.tickets.search('password', { actor: actors.ken }))).toBe('FORBIDDEN');
  expect((await desk.queues.list('mine', { actor: actors.ken })).items.map((t) => t.id)).toEqual([ticket.id]);
  expect((await desk.queues.list('mine', { actor: actors.karen })).items).toEqual([]);
});

test('agents open tickets in their departments only; customers only for themselves', async () => {
  const { desk, open } = await createTestDesk();
  const forKen = {
    requester: { email: 'ken@example.com' },
    subject: 'Call',
    body: 'Phoned in',
    source: 'phone',
  } as const;
  expect(await codeOf(() => desk.tickets.open({ ...forKen, departmentId: 'help' }, { actor: actors.ann }))).toBe('OK');
  expect(await codeOf(() => desk.tickets.open({ ...forKen, departmentId: 'l2' }, { actor: actors.ann }))).toBe(
    'FORBIDDEN',
  );
  expect(await codeOf(() => desk.tickets.open({ ...forKen, departmentId: 'l2' }, { actor: actors.root }))).toBe('OK');
  expect(await codeOf(() => desk.tickets.open({ ...forKen, departmentId: 'l2' }, { actor: actors.system }))).toBe('OK');
  expect(await codeOf(() => open({ requester: { email: 'karen@example.com' } }))).toBe('VALIDATION_FAILED');
  const own = await open({ requester: { email: 'ken@example.com', name: 'Kenneth' } });
  expect(own.requester).toEqual({ email: 'ken@example.com', name: 'Kenneth' });
});
