import { expect, test } from 'vitest';
import {
  createHelpDesk,
  type Delivery,
  type HelpDesk,
  isTicketkitError,
  memoryStorage,
  type Notification,
  type Notifier,
  type NotifierSendContext,
  type TicketkitEvents,
} from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

/**
 * Delivery through the outbox: rendered notifications reach notifiers after
 * the command returns, every attempt lands in the delivery log, failures back
 * off and end in the dead letter, and a notifier that throws or hangs never
 * breaks or slows a command.
 */

/** Waits (bounded) until `check` passes; notifications are sent in the background. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  for (let round = 0; round < 200; round++) {
    const value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const allDeliveries = async (desk: HelpDesk, ticketId?: string) =>
  (await desk.deliveries.list({ ...(ticketId ? { ticketId } : {}), limit: 100 })).items;
const settled = (deliveries: Delivery[]) =>
  deliveries.length > 0 && deliveries.every((delivery) => delivery.status !== 'pending' && delivery.claimedBy === null);

function inbox(id = 'email'): Notifier & { sent: Notification[] } {
  const sent: Notification[] = [];
  return {
    id,
    sent,
    async send(notification) {
      sent.push(notification);
    },
  };
}

test('a new ticket sends a rendered auto-response and alerts the department, logged per recipient', async () => {
  const email = inbox();
  const { desk, open } = await createTestDesk({
    notifiers: [email],
    links: {
      customer: (ticket) => `https://help.example.com/requests/${ticket.number}?token=t0k3n`,
      agent: (ticket) => `https://console.example.com/tickets/${ticket.id}`,
    },
  });
  const ticket = await open();
  const deliveries = await until(() => allDeliveries(desk, ticket.id), settled, 'the first deliveries');
  expect(deliveries.map((d) => `${d.notification.type} ${d.notification.recipient?.email} ${d.status}`).sort()).toEqual(
    [
      'ticket.auto_response ken@example.com delivered',
      'ticket.new_alert ann@bank.test delivered',
      'ticket.new_alert bob@bank.test delivered',
    ],
  );
  for (const delivery of deliveries) {
    expect(delivery.attempts).toEqual([
      { at: '2026-03-02T09:00:00.000Z', durationMs: expect.any(Number), error: null },
    ]);
    expect(delivery.notification.id, 'the notification id is the delivery id').toBe(delivery.id);
  }
  const auto = email.sent.find((n) => n.type === 'ticket.auto_response') as Notification;
  expect(auto.subject).toBe(`[#${ticket.number}] Password reset`);
  expect(auto.text).toContain('Dear Ken,');
  expect(auto.text).toContain(`opened ticket #${ticket.number}: Password reset`);
  expect(auto.text).toContain(`https://help.example.com/requests/${ticket.number}?token=t0k3n`);
  expect(auto.ticket.id).toBe(ticket.id);
  const alert = email.sent.find((n) => n.type === 'ticket.new_alert') as Notification;
  expect(alert.text).toContain('I cannot log in.');
  expect(alert.text).toContain(`https://console.example.com/tickets/${ticket.id}`);
  expect(alert.text, 'staff never get the customer link').not.toContain('t0k3n');

  const byStatus = await desk.deliveries.list({ status: 'delivered', limit: 2 });
  expect(byStatus.items).toHaveLength(2);
  const rest = await desk.deliveries.list({ status: 'delivered', limit: 2, cursor: byStatus.nextCursor });
  expect(rest).toMatchObject({ nextCursor: null });
  expect(rest.items).toHaveLength(1);
  expect(await desk.deliveries.list({ status: 'dead' })).toEqual({ items: [], nextCursor: null });
  expect(await desk.deliveries.list({ ticketId: ticket.number })).toMatchObject({ items: expect.any(Array) });
  expect((await desk.deliveries.get(auto.id))?.status).toBe('delivered');
});

test('the agent who acted is not alerted, and a reply notice quotes the reply', async () => {
  const email = inbox();
  const { desk, open } = await createTestDesk({ notifiers: [email] });
  const ticket = await open();
  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.bob });
  await desk.tickets.reply(ticket.id, { body: 'I have sent you a reset link.' }, { actor: actors.ann });
  await until(
    () => allDeliveries(desk, ticket.id),
    (items) => settled(items) && items.length === 5,
    'five deliveries',
  );
  const types = email.sent.map((n) => `${n.type} → ${n.recipient?.email}`);
  expect(types).toContain('ticket.assigned_alert → ann@bank.test');
  expect(types).not.toContain('ticket.assigned_alert → bob@bank.test');
  const notice = email.sent.find((n) => n.type === 'ticket.reply_notice') as Notification;
  expect(notice.recipient).toEqual({ email: 'ken@example.com', name: 'Ken' });
  expect(notice.text).toContain('Ann replied to your request');
  expect(notice.text).toContain('I have sent you a reset link.');
});

test('a resolved notice without a final reply leaves no gap where the reply would be', async () => {
  const email = inbox();
  const { desk, open } = await createTestDesk({ notifiers: [email] });
  const ticket = await open();
  await desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.ann });
  await desk.tickets.resolve(ticket.id, { resolutionNote: 'Reset done' }, { actor: actors.ann });
  await until(
    async () => email.sent.filter((n) => n.type === 'ticket.resolved_notice'),
    (items) => items.length === 1,
    'the resolved notice',
  );
  const notice = email.sent.find((n) => n.type === 'ticket.resolved_notice') as Notification;
  expect(notice.text).toContain(
    `We have resolved your request #${ticket.number}: Password reset.\n\nIf this solves it`,
  );
  expect(notice.text).not.toMatch(/\n\n\n/);
  expect(notice.text, 'the resolution note is internal').not.toContain('Reset done');
});

test('a failing notifier backs off, records every attempt, dead-letters, and can be retried', async () => {
  let failing = true;
  const attempts: number[] = [];
  const flaky: Notifier = {
    id: 'flaky',
    types: ['ticket.auto_response'],
    async send(_notification, context) {
      attempts.push(context.attempt);
      if (failing) throw new Error('SMTP 451 try again later');
    },
  };
  const { desk, clock, open } = await createTestDesk({
    notifiers: [flaky],
    delivery: { maxAttempts: 3, retryAfter: '1m', maxRetryDelay: '10m' },
  });
  const failures: TicketkitEvents['notification.failed'][] = [];
  desk.on('notification.failed', (event) => {
    failures.push(event);
  });
  const ticket = await open();
  const [first] = await until(
    () => allDeliveries(desk, ticket.id),
    (items) => items[0]?.status === 'retrying' && items[0].claimedBy === null,
    'the first failure',
  );
  // The first retry waits retryAfter, with jitter: between half of it and all of it.
  const wait = Date.parse(first?.nextAttemptAt ?? '') - Date.parse('2026-03-02T09:00:00Z');
  expect(wait).toBeGreaterThanOrEqual(30_000);
  expect(wait).toBeLessThanOrEqual(60_000);
  expect((await desk.scheduler.runOnce()).outbox.retrying, 'not due yet').toBe(0);

  clock.advance('1m');
  expect((await desk.scheduler.runOnce()).outbox).toMatchObject({ retrying: 1 });
  const second = (await allDeliveries(desk, ticket.id))[0] as Delivery;
  // The second retry waits twice as long.
  const secondWait = Date.parse(second.nextAttemptAt) - Date.parse('2026-03-02T09:01:00Z');
  expect(secondWait).toBeGreaterThanOrEqual(60_000);
  expect(secondWait).toBeLessThanOrEqual(120_000);
  clock.advance('2m');
  expect((await desk.scheduler.runOnce()).outbox).toMatchObject({ dead: 1 });

  const [dead] = (await desk.deliveries.list({ status: 'dead' })).items;
  expect(dead?.attempts.map((attempt) => attempt.error)).toEqual([
    'SMTP 451 try again later',
    'SMTP 451 try again later',
    'SMTP 451 try again later',
  ]);
  expect(attempts).toEqual([1, 2, 3]);
  expect(failures.map((failure) => [failure.attempts, failure.deadLettered])).toEqual([
    [1, false],
    [2, false],
    [3, true],
  ]);
  expect(failures[0]).toMatchObject({
    ticketId: ticket.id,
    type: 'ticket.auto_response',
    notificationId: dead?.id,
    messageId: dead?.messageId,
  });
  clock.advance('1d');
  expect((await desk.scheduler.runOnce()).outbox.dead, 'the dead letter waits for a person').toBe(0);

  failing = false;
  const requeued = await desk.deliveries.retry(dead?.id ?? '');
  expect(requeued.status).toBe('pending');
  const delivered = await until(
    () => desk.deliveries.get(dead?.id ?? ''),
    (delivery) => delivery?.status === 'delivered',
    'the retried delivery',
  );
  expect(delivered?.attempts).toHaveLength(4);
  expect(attempts).toEqual([1, 2, 3, 4]);

  const refused = await desk.deliveries.retry(dead?.id ?? '').catch((error: unknown) => error);
  expect(isTicketkitError(refused, 'INVALID_TRANSITION')).toBe(true);
  const unknown = await desk.deliveries.retry('01890000-0000-7000-8000-000000000000').catch((error: unknown) => error);
  expect(isTicketkitError(unknown, 'NOT_FOUND')).toBe(true);
});

test('a notifier that hangs times out, is aborted, and never slows the command', async () => {
  let aborted: unknown = null;
  const started: string[] = [];
  const hanging: Notifier = {
    id: 'hanging',
    types: ['ticket.auto_response'],
    send(notification: Notification, { signal }: NotifierSendContext) {
      started.push(notification.id);
      return new Promise<void>((_, reject) => {
        signal.addEventListener('abort', () => {
          aborted = signal.reason;
          reject(signal.reason);
        });
      });
    },
  };
  const { desk, open } = await createTestDesk({ notifiers: [hanging], delivery: { timeout: '100ms' } });
  const ticket = await open();
  expect(started, 'the notifier has not even started when the command returns').toEqual([]);
  const [delivery] = await until(
    () => allDeliveries(desk, ticket.id),
    (items) => items[0]?.status === 'retrying' && items[0].claimedBy === null,
    'the timed-out attempt',
  );
  expect(delivery?.attempts[0]?.error).toBe('timed out after 100 ms');
  expect(String(aborted)).toContain('timed out after 100 ms');
  expect(started).toHaveLength(1);
});

test('a notifier that throws synchronously is a failed attempt, not a crash', async () => {
  const broken: Notifier = {
    id: 'broken',
    types: ['ticket.new_alert'],
    send() {
      throw new TypeError('cannot read properties of undefined');
    },
  };
  const { desk, open } = await createTestDesk({ notifiers: [broken] });
  const ticket = await open();
  const deliveries = await until(
    () => allDeliveries(desk, ticket.id),
    (items) => items.length === 2 && items.every((item) => item.status === 'retrying' && item.claimedBy === null),
    'two failed alerts',
  );
  expect(deliveries.map((delivery) => delivery.attempts[0]?.error)).toEqual([
    'cannot read properties of undefined',
    'cannot read properties of undefined',
  ]);
});

test('notification types can be switched off and reworded; bad templates are refused at startup', async () => {
  const email = inbox();
  const { desk, open } = await createTestDesk({
    notifiers: [email],
    notifications: {
      'ticket.new_alert': false,
      'ticket.auto_response': { subject: 'We got it: {{ticket.subject}} (#{{ticket.number}})' },
    },
  });
  const ticket = await open();
  await until(() => allDeliveries(desk, ticket.id), settled, 'the auto-response');
  expect(email.sent.map((n) => [n.type, n.subject])).toEqual([
    ['ticket.auto_response', `We got it: Password reset (#${ticket.number})`],
  ]);

  const storage = memoryStorage();
  const failure = await createHelpDesk({
    storage,
    notifications: { 'ticket.reply_notice': { text: 'Hi {{requester.nmae}}' } },
  }).catch((error: unknown) => error);
  expect(isTicketkitError(failure, 'VALIDATION_FAILED')).toBe(true);
  expect((failure as { issues: { path: unknown[]; message: string }[] }).issues[0]).toMatchObject({
    path: ['notifications', 'ticket.reply_notice', 'text'],
    message: expect.stringContaining('requester.name'),
  });
  expect(storage.state.records.size, 'nothing was written').toBe(0);
});

test('the subject line never carries a line break, whatever a template puts in it', async () => {
  const email = inbox();
  // A host rewording the subject with the customer's message, which has line breaks.
  const { desk, open } = await createTestDesk({
    notifiers: [email],
    notifications: { 'ticket.auto_response': { subject: 'Re: {{message}}' } },
  });
  const ticket = await open({ body: 'Line one\r\nBcc: all@example.com\n\u2028line three' });
  await until(() => allDeliveries(desk, ticket.id), settled, 'the deliveries');
  const auto = email.sent.find((n) => n.type === 'ticket.auto_response');
  expect(auto?.subject).toBe('Re: Line one Bcc: all@example.com line three');
});

test('options and queries are checked, naming the field', async () => {
  for (const [delivery, path] of [
    [{ maxAttempts: 0 }, ['delivery', 'maxAttempts']],
    [{ timeout: 'forever' }, ['delivery', 'timeout']],
    [{ concurrency: 1000 }, ['delivery', 'concurrency']],
    [{ retries: 3 }, ['delivery', 'retries']],
  ] as const) {
    const error = await createHelpDesk({ storage: memoryStorage(), delivery: delivery as never }).catch((e) => e);
    expect(isTicketkitError(error, 'VALIDATION_FAILED'), JSON.stringify(delivery)).toBe(true);
    expect(error.issues[0].path).toEqual(path);
  }
  const { desk } = await createTestDesk();
  for (const [options, path] of [
    [{ status: 'lost' }, ['status']],
    [{ limit: 0 }, ['limit']],
    [{ cursor: '../../etc' }, ['cursor']],
    [{ ticketId: 'x'.repeat(500) }, ['ticketId']],
    [{ __proto__: { admin: true }, limit: 5 }, []],
  ] as const) {
    const error = await desk.deliveries.list(options as never).catch((e: unknown) => e);
    expect(isTicketkitError(error, 'VALIDATION_FAILED'), JSON.stringify(options)).toBe(true);
    if (path.length) expect((error as { issues: { path: unknown[] }[] }).issues[0]?.path).toEqual(path);
  }
  const missing = await desk.deliveries.list({ ticketId: '999999' }).catch((e: unknown) => e);
  expect(isTicketkitError(missing, 'NOT_FOUND')).toBe(true);
});

test('a desk with notifiers refuses storage without the outbox and delivery methods, naming each', async () => {
  const { listPendingOutbox: _a, claimDeliveries: _b, ...partial } = memoryStorage();
  const error = await createHelpDesk({ storage: partial, notifiers: [inbox()] }).catch((e: unknown) => e);
  expect(isTicketkitError(error, 'VALIDATION_FAILED')).toBe(true);
  expect((error as { issues: { path: unknown[] }[] }).issues.map((issue) => issue.path)).toEqual([
    ['storage', 'listPendingOutbox'],
    ['storage', 'claimDeliveries'],
  ]);
  // Without notifiers the same storage is fine, and the delivery log is simply empty.
  const desk = await createHelpDesk({ storage: partial });
  expect(await desk.deliveries.list()).toEqual({ items: [], nextCursor: null });
});

test('a burst of commands keeps a bounded queue in memory; the rest waits in storage for the sweep', async () => {
  const email: Notifier = { id: 'email', types: ['ticket.auto_response'], send: async () => {} };
  const { desk, storage, open } = await createTestDesk({ notifiers: [email] });
  // No turn of the event loop between these commands: the after-commit sends cannot start until the loop ends.
  for (let index = 0; index < 1_200; index++) await open({ subject: `Burst ${index}` });
  const pending = () => [...storage.state.outbox.values()].filter((message) => message.status === 'pending').length;
  expect(pending()).toBe(1_200);
  // The in-memory queue took the first 1,000; they go out right after.
  await until(
    async () => storage.state.deliveries.size,
    (size) => size === 1_000,
    'the queued thousand',
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(storage.state.deliveries.size).toBe(1_000);
  expect(pending()).toBe(200);
  const sweep = await desk.scheduler.runOnce();
  expect(sweep.outbox).toMatchObject({ dispatched: 200, delivered: 200 });
  expect(pending()).toBe(0);
  expect([...storage.state.deliveries.values()].every((delivery) => delivery.status === 'delivered')).toBe(true);
});

test('every copy of one change shares its messageId; deliveries.idle() waits for the background sends', async () => {
  const contexts: { type: string; email: string; messageId: string }[] = [];
  const channel: Notifier = {
    id: 'channel',
    async send(notification, context) {
      contexts.push({
        type: notification.type,
        email: notification.recipient?.email ?? '',
        messageId: context.messageId,
      });
    },
  };
  const { desk, open } = await createTestDesk({ notifiers: [channel] });
  const ticket = await open();
  await desk.deliveries.idle();
  expect(contexts).toHaveLength(3);
  const alerts = contexts.filter((context) => context.type === 'ticket.new_alert');
  expect(alerts.map((alert) => alert.email).sort()).toEqual(['ann@bank.test', 'bob@bank.test']);
  // One change (the opening), one message id, whatever the number of recipients.
  expect(new Set(contexts.map((context) => context.messageId)).size).toBe(1);
  const [delivery] = await allDeliveries(desk, ticket.id);
  expect(contexts[0]?.messageId).toBe(delivery?.messageId);
});

test('a notifier with a misspelt or empty list of types is refused at startup', async () => {
  for (const [types, path] of [
    [['ticket.reply_notic'], ['notifiers', 1, 'types', 0]],
    [[], ['notifiers', 1, 'types']],
    ['ticket.reply_notice', ['notifiers', 1, 'types']],
  ] as const) {
    const error = await createHelpDesk({
      storage: memoryStorage(),
      notifiers: [inbox('email'), { id: 'chat', types: types as never, send: async () => {} }],
    }).catch((caught: unknown) => caught);
    expect(isTicketkitError(error, 'VALIDATION_FAILED'), JSON.stringify(types)).toBe(true);
    expect((error as { issues: { path: unknown[] }[] }).issues.map((issue) => issue.path)).toEqual([path]);
  }
});

test('a notifier that hangs holds one lane, not the notifications committed after it', async () => {
  const hung: string[] = [];
  const chat: Notifier = {
    id: 'chat',
    types: ['ticket.auto_response'],
    send: (notification) => {
      hung.push(notification.ticket.subject);
      // Only the first ticket's chat message hangs (until the attempt times out).
      return notification.ticket.subject === 'First' ? new Promise<void>(() => {}) : Promise.resolve();
    },
  };
  const email = inbox();
  const { desk, open } = await createTestDesk({
    notifiers: [chat, email],
    delivery: { timeout: '30s', concurrency: 2 },
  });
  const first = await open({ subject: 'First' });
  await until(
    async () => hung,
    (calls) => calls.includes('First'),
    'the hanging send',
  );
  const second = await open({ subject: 'Second' });
  const delivered = await until(
    () => allDeliveries(desk, second.id),
    (items) => items.length === 4 && items.every((item) => item.status === 'delivered'),
    "the second ticket's notifications",
  );
  expect(delivered).toHaveLength(4);
  const stuck = (await allDeliveries(desk, first.id)).filter((item) => item.status === 'pending');
  expect(
    stuck.map((item) => item.notifierId),
    'still hanging in its lane',
  ).toEqual(['chat']);
});

test('sendAfterCommit: false leaves sending to the scheduler (web processes commit, one worker sends)', async () => {
  const email = inbox();
  const { desk, storage, open } = await createTestDesk({ notifiers: [email], delivery: { sendAfterCommit: false } });
  const ticket = await open();
  await desk.deliveries.idle();
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(email.sent).toEqual([]);
  expect([...storage.state.outbox.values()].map((message) => message.status)).toEqual(['pending']);
  const sweep = await desk.scheduler.runOnce();
  expect(sweep.outbox).toMatchObject({ dispatched: 1, delivered: 3 });
  expect(email.sent.map((n) => n.ticket.id)).toEqual([ticket.id, ticket.id, ticket.id]);
});

test('a PermanentDeliveryError dead-letters at once, with its message in the log; other errors are retried', async () => {
  const { PermanentDeliveryError } = await import('../src/index.js');
  let permanent = true;
  const failing: Notifier = {
    id: 'email',
    types: ['ticket.auto_response'],
    async send() {
      throw permanent
        ? new PermanentDeliveryError('SMTP 550 permanent failure: 5.1.1 no such user')
        : new Error('SMTP 451 busy');
    },
  };
  const { desk, open } = await createTestDesk({ notifiers: [failing], delivery: { maxAttempts: 5 } });
  const first = await open();
  const [dead] = await until(() => allDeliveries(desk, first.id), settled, 'the dead letter');
  expect(dead).toMatchObject({
    status: 'dead',
    attempts: [{ error: 'SMTP 550 permanent failure: 5.1.1 no such user' }],
  });
  expect(Object.keys(dead?.attempts[0] ?? {}).sort()).toEqual(['at', 'durationMs', 'error']);

  permanent = false;
  const second = await open();
  const [retrying] = await until(() => allDeliveries(desk, second.id), settled, 'the retry');
  expect(retrying).toMatchObject({ status: 'retrying', attempts: [{ error: 'SMTP 451 busy' }] });
});

test('open({ autoResponse: false }) sends no auto-response and still alerts the department', async () => {
  const email = inbox();
  const { desk, open } = await createTestDesk({ notifiers: [email] });
  const quiet = await desk.tickets.open(
    {
      requester: { email: 'robot@example.com' },
      subject: 'DOWN: api',
      body: 'Alert.',
      departmentId: 'help',
      source: 'email',
    },
    { actor: { type: 'system' }, autoResponse: false },
  );
  const deliveries = await until(() => allDeliveries(desk, quiet.id), settled, 'the alerts');
  expect(deliveries.map((delivery) => delivery.notification.type)).not.toContain('ticket.auto_response');
  expect(deliveries.map((delivery) => delivery.notification.type)).toContain('ticket.new_alert');
  const usual = await open();
  const usualTypes = (await until(() => allDeliveries(desk, usual.id), settled, 'the usual')).map(
    (delivery) => delivery.notification.type,
  );
  expect(usualTypes).toContain('ticket.auto_response');
  await expect(
    desk.tickets.open(
      { subject: 'x', body: 'x', departmentId: 'help' },
      {
        actor: { type: 'system' },
        autoResponse: 'no' as unknown as boolean,
      },
    ),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
});
