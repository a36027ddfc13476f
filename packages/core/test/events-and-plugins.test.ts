import { expect, test } from 'vitest';
import * as z from 'zod';
import { createHelpDesk, isTicketkitError, memoryStorage, type TicketkitPlugin } from '../src/index.js';
import { actors, createTestDesk, storageSnapshot } from './support/test-desk.js';

test('events are emitted after the change is committed', async () => {
  const { desk, open } = await createTestDesk();
  const seen: { version: number; storedVersion: number }[] = [];
  desk.on('ticket.noted', async (event) => {
    const stored = await desk.tickets.get(event.ticket.id, { actor: actors.root });
    seen.push({ version: event.ticket.version, storedVersion: stored.version });
  });
  const ticket = await open();
  await desk.tickets.note(ticket.id, { body: 'first' }, { actor: actors.ann });
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(seen).toEqual([{ version: 2, storedVersion: 2 }]);
});

test('a throwing or rejecting listener never breaks a command; the logger hears about it', async () => {
  const { desk, logger, open } = await createTestDesk();
  desk.on('ticket.created', () => {
    throw new Error('listener exploded');
  });
  desk.on('ticket.created', async () => {
    throw new Error('async listener exploded');
  });
  const received: string[] = [];
  desk.on('ticket.created', (event) => {
    received.push(event.ticket.number);
  });
  const ticket = await open();
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(ticket.status).toBe('open');
  expect(received).toEqual([ticket.number]);
  expect(logger.errors.map(([message]) => message)).toEqual([
    'listener of ticket.created failed',
    'listener of ticket.created failed',
  ]);
});

test('refused and invalid commands emit nothing; unsubscribing stops delivery', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  const names: string[] = [];
  const off = desk.on('ticket.status_changed', (event) => {
    names.push(`${event.from}->${event.to}`);
  });
  desk.once('ticket.replied', (event) => {
    names.push(`replied:${event.entry.kind}`);
  });
  await expect(desk.tickets.confirmResolution(ticket.id, {}, { actor: actors.ken })).rejects.toMatchObject({
    code: 'INVALID_TRANSITION',
  });
  await expect(desk.tickets.note(ticket.id, { body: '' }, { actor: actors.ann })).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
  });
  expect(names).toEqual([]);
  await desk.tickets.reply(ticket.id, { body: 'hi' }, { actor: actors.ann });
  await desk.tickets.reply(ticket.id, { body: 'hi again' }, { actor: actors.ann });
  await desk.tickets.resolve(ticket.id, { resolutionNote: 'done' }, { actor: actors.ann });
  off();
  await desk.tickets.reopen(ticket.id, {}, { actor: actors.ken });
  expect(names).toEqual(['replied:reply', 'open->resolved']);
});

test('event payloads carry the committed ticket, the actor and what changed', async () => {
  const { desk, open } = await createTestDesk();
  const payloads: unknown[] = [];
  desk.on('ticket.assigned', (event) => {
    payloads.push(event);
  });
  desk.on('ticket.transferred', (event) => {
    payloads.push(event);
  });
  desk.on('ticket.closed', (event) => {
    payloads.push(event);
  });
  const ticket = await open();
  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.bob });
  await desk.tickets.transfer(
    ticket.id,
    { departmentId: 'l2', agentId: 'winston', note: 'Thanks!' },
    { actor: actors.ann },
  );
  await desk.tickets.resolve(ticket.id, { resolutionNote: 'x' }, { actor: actors.winston });
  await desk.tickets.close(ticket.id, { force: true }, { actor: actors.root });
  expect(payloads).toMatchObject([
    {
      ticket: { assigneeId: 'ann', version: 2 },
      actor: { type: 'agent', id: 'bob', name: 'Bob' },
      previous: { assigneeId: null, teamId: null },
    },
    {
      ticket: { departmentId: 'l2' },
      from: { departmentId: 'help', assigneeId: 'ann', teamId: null },
      to: { departmentId: 'l2', assigneeId: 'winston', teamId: null },
      note: 'Thanks!',
    },
    { ticket: { status: 'closed' }, actor: { id: 'root' }, reason: 'forced' },
  ]);
});

/** A spam filter, written as a plugin author would. */
function spamFilter(options: { words: string[] }): TicketkitPlugin {
  return {
    id: 'spam-filter',
    setup({ before }) {
      before('open', (input, { reject }) => {
        const text = `${input.subject} ${input.body}`.toLowerCase();
        if (options.words.some((word) => text.includes(word))) reject('looks like spam', 'body');
      });
    },
  };
}

/** Routes outage reports: raises their priority at intake and assigns them afterwards. */
function outageRouter(): TicketkitPlugin {
  return {
    id: 'outage-router',
    setup({ before, after, desk }) {
      before('open', (input) => (input.topic === 'outage' ? { ...input, priority: 'urgent' } : undefined));
      after('open', async ({ ticket }) => {
        if (ticket.topic === 'outage')
          await desk.tickets.assign(ticket.id, { teamId: 'help-team' }, { actor: { type: 'system' } });
      });
    },
  };
}

test('a plugin can reject an intake; nothing is stored', async () => {
  const { desk, storage, open } = await createTestDesk({ plugins: [spamFilter({ words: ['casino'] })] });
  const before = storageSnapshot(storage);
  const error = await open({ body: 'Best CASINO bonus here' }).catch((caught: unknown) => caught);
  expect(isTicketkitError(error, 'VALIDATION_FAILED')).toBe(true);
  expect(error).toMatchObject({ issues: [{ path: ['body'], message: 'looks like spam' }] });
  expect(storageSnapshot(storage)).toBe(before);
  expect((await open()).status).toBe('open');
  expect(desk).toBeDefined();
});

test('a plugin can amend an intake and act after it; amendments are validated again', async () => {
  const { desk, open } = await createTestDesk({ plugins: [outageRouter()] });
  const ticket = await open({ topic: 'outage', priority: 'low' });
  expect(ticket.priority).toBe('urgent');
  const stored = await desk.tickets.get(ticket.id, { actor: actors.ann });
  expect(stored).toMatchObject({ teamId: 'help-team', priority: 'urgent' });
  expect((await desk.tickets.history(ticket.id, { actor: actors.ann })).map((entry) => entry.actor.type)).toEqual([
    'customer',
    'system',
  ]);

  const sloppy: TicketkitPlugin = {
    id: 'sloppy',
    setup: ({ before }) => before('note', (input) => ({ ...input, body: '' })),
  };
  const broken = await createTestDesk({ plugins: [sloppy] });
  const other = await broken.open();
  await expect(broken.desk.tickets.note(other.id, { body: 'fine' }, { actor: actors.ann })).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    issues: [{ path: ['body'] }],
  });
});

test('a failing after-hook is logged and the command still succeeds', async () => {
  const faulty: TicketkitPlugin = {
    id: 'faulty',
    setup: ({ after }) =>
      after('reply', () => {
        throw new Error('after-hook exploded');
      }),
  };
  const { desk, logger, open } = await createTestDesk({ plugins: [faulty] });
  const ticket = await open();
  const replied = await desk.tickets.reply(ticket.id, { body: 'hello' }, { actor: actors.ann });
  expect(replied.version).toBe(2);
  expect(logger.errors[0]?.[0]).toBe('after-hook of reply failed');
});

test('createHelpDesk checks its options and lists every problem at once', async () => {
  await expect(createHelpDesk({} as never)).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    issues: [{ path: ['storage'] }],
  });
  const error = await createHelpDesk({ storage: { id: 'half', commit: async () => {} } as never }).catch(
    (caught: unknown) => caught,
  );
  expect(isTicketkitError(error, 'VALIDATION_FAILED')).toBe(true);
  expect((error as { issues: { path: string[] }[] }).issues.map((issue) => issue.path.join('.'))).toEqual([
    'storage.getTicket',
    'storage.listTickets',
    'storage.listThread',
    'storage.listAudit',
    'storage.getIdempotencyRecord',
    'storage.nextSequence',
    'storage.putRecord',
    'storage.getRecord',
    'storage.listRecords',
  ]);
  await expect(
    createHelpDesk({
      storage: memoryStorage(),
      plugins: [
        { id: 'a', setup() {} },
        { id: 'a', setup() {} },
      ],
    }),
  ).rejects.toMatchObject({ issues: [{ path: ['plugins', 1, 'id'] }] });
  await expect(
    createHelpDesk({ storage: memoryStorage(), lifecycle: { reopenWindow: 'forever', autoCloseAfter: '7d' } }),
  ).rejects.toMatchObject({ issues: [{ path: ['lifecycle', 'reopenWindow'] }] });
  await expect(createHelpDesk({ storage: memoryStorage(), ticketNumber: { format: 'TK-' } })).rejects.toMatchObject({
    issues: [{ path: ['ticketNumber', 'format'] }],
  });
});

test('custom fields are checked with the host schema (any Standard Schema) and typed by it', async () => {
  const fields = z.object({ accountId: z.string().regex(/^ACC-\d+$/), device: z.enum(['ios', 'android']).optional() });
  const { desk, storage, open } = await createTestDesk({ fields });
  const ticket = await open({ fields: { accountId: 'ACC-42', device: 'ios' } });
  expect(ticket.fields).toEqual({ accountId: 'ACC-42', device: 'ios' });
  const before = storageSnapshot(storage);
  await expect(open({ fields: { accountId: 'nope' } })).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    issues: [{ path: ['fields', 'accountId'] }],
  });
  await expect(
    desk.tickets.update(ticket.id, { fields: { device: 'nokia' } }, { actor: actors.ann }),
  ).rejects.toMatchObject({
    issues: [{ path: ['fields', 'device'] }],
  });
  expect(storageSnapshot(storage)).toBe(before);
  const updated = await desk.tickets.update(ticket.id, { fields: { device: 'android' } }, { actor: actors.ann });
  expect(updated.fields).toEqual({ accountId: 'ACC-42', device: 'android' });

  // A hand-written Standard Schema, no library at all.
  const upperCaseCodes = {
    '~standard': {
      version: 1 as const,
      vendor: 'hand-written',
      validate: (value: unknown) => {
        const code = (value as { code?: unknown }).code;
        return typeof code === 'string' && code === code.toUpperCase()
          ? { value: { code } }
          : { issues: [{ message: 'must be upper case', path: [{ key: 'code' }] }] };
      },
    },
  };
  const custom = await createTestDesk({ fields: upperCaseCodes });
  expect((await custom.open({ fields: { code: 'ABC' } })).fields).toEqual({ code: 'ABC' });
  await expect(custom.open({ fields: { code: 'abc' } })).rejects.toMatchObject({
    issues: [{ path: ['fields', 'code'], message: 'must be upper case' }],
  });
});

test('custom statuses label a base status and clear when it changes', async () => {
  const { desk, open } = await createTestDesk({
    lifecycle: { customStatuses: [{ id: 'escalated-l2', name: 'Escalated to L2', status: 'in_progress' }] },
  });
  const ticket = await open();
  await expect(
    desk.tickets.update(ticket.id, { customStatus: 'escalated-l2' }, { actor: actors.ann }),
  ).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    issues: [{ path: ['customStatus'], message: 'escalated-l2 is a custom in_progress status; the ticket is open' }],
  });
  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.ann });
  await desk.tickets.startWork(ticket.id, {}, { actor: actors.ann });
  const escalated = await desk.tickets.update(ticket.id, { customStatus: 'escalated-l2' }, { actor: actors.ann });
  expect(escalated).toMatchObject({ status: 'in_progress', customStatus: 'escalated-l2' });
  const waiting = await desk.tickets.requestInfo(ticket.id, { body: 'Which device?' }, { actor: actors.ann });
  expect(waiting).toMatchObject({ status: 'awaiting_customer', customStatus: null });
});
