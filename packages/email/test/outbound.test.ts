import { createHelpDesk, type HelpDesk, manualClock, memoryStorage, NOTIFICATION_TYPES } from '@ticketkit/core';
import { emailNotifier, notificationMessageId, parseReplyAddress, threadRootId } from '@ticketkit/email';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { expect, onTestFinished, test } from 'vitest';
import { smtpSink } from './helpers/smtp-sink.js';

const SECRET = 'a-test-secret-that-is-long-enough-1234';
const threading = { domain: 'help.example.com', secret: SECRET };

async function deskWith(port: number, extra: { maxAttempts?: number } = {}) {
  const clock = manualClock('2026-03-02T09:00:00Z');
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  const desk: HelpDesk = await createHelpDesk({
    storage: memoryStorage(),
    clock,
    notifiers: [
      emailNotifier({
        transport,
        from: { name: 'Example Support', address: 'support@example.com' },
        replyTo: 'support@example.com',
        threading,
      }),
    ],
    links: { customer: (ticket) => `https://example.com/help/requests/${ticket.id}` },
    delivery: { retryAfter: '30s', maxRetryDelay: '1m', maxAttempts: extra.maxAttempts ?? 5 },
  });
  onTestFinished(() => desk.close());
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({
    id: 'ana',
    name: 'Ana',
    email: 'ana@example.com',
    departmentIds: ['help'],
    role: 'agent',
  });
  return { desk, clock };
}

const customer = { type: 'customer', email: 'ken@example.com' } as const;

test('every message carries the tag, a stable Message-ID, thread headers, both parts, and escaped values', async () => {
  const sink = await smtpSink();
  const { desk } = await deskWith(sink.port);
  const ticket = await desk.tickets.open(
    {
      requester: { email: 'ken@example.com', name: 'Ken <script>alert(1)</script>' },
      subject: 'Card <b>blocked</b>',
      body: 'My card does not work.',
      departmentId: 'help',
    },
    { actor: customer },
  );
  await desk.deliveries.idle();
  await desk.tickets.reply(
    ticket.id,
    { body: 'We unblocked it & checked <it>.' },
    { actor: { type: 'agent', id: 'ana' } },
  );
  await desk.deliveries.idle();

  const mails = await Promise.all(sink.received.map((message) => simpleParser(message.raw)));
  const byType = (type: string) => mails.find((mail) => mail.headers.get('x-ticketkit-notification') === type);
  const auto = byType('ticket.auto_response');
  const alert = byType('ticket.new_alert');
  const reply = byType('ticket.reply_notice');
  if (!auto || !alert || !reply) throw new Error(`missing mail: ${mails.map((mail) => mail.subject).join(', ')}`);

  expect(auto.subject).toBe(`[#${ticket.number}] Card <b>blocked</b>`);
  expect(alert.subject).toBe(`[#${ticket.number}] New ticket: Card <b>blocked</b>`);
  expect(auto.from?.value).toEqual([{ name: 'Example Support', address: 'support@example.com' }]);
  expect(auto.to && !Array.isArray(auto.to) ? auto.to.value[0]?.address : null).toBe('ken@example.com');
  expect(alert.to && !Array.isArray(alert.to) ? alert.to.value[0]?.address : null).toBe('ana@example.com');

  // Threading: one root per ticket, every message refers to it; each message has its own stable id.
  const root = threadRootId(threading, ticket.id);
  const deliveries = (await desk.deliveries.list({ ticketId: ticket.id })).items;
  for (const mail of [auto, alert, reply]) {
    expect(mail.inReplyTo).toBe(root);
    expect(mail.references).toBe(root);
    const delivery = deliveries.find((item) => item.notification.type === mail.headers.get('x-ticketkit-notification'));
    expect(mail.messageId).toBe(notificationMessageId(threading, ticket.id, delivery?.id ?? ''));
  }
  expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(mails.length);

  // Automatic mail says so (RFC 3834); the agent's reply does not.
  expect(auto.headers.get('auto-submitted')).toBe('auto-generated');
  expect(alert.headers.get('auto-submitted')).toBe('auto-generated');
  expect(reply.headers.get('auto-submitted')).toBeUndefined();

  // A per-ticket signed reply address.
  const replyTo = auto.replyTo?.value[0]?.address ?? '';
  expect(replyTo).toMatch(/^support\+t[a-z2-7]+\.[a-z2-7]{20}@example\.com$/);
  expect(parseReplyAddress(SECRET, replyTo)).toBe(ticket.number);
  // One signature character changed (to another one: replacing an 'a' with 'a' would forge nothing).
  const forged = replyTo.replace(/\.([a-z2-7])/, (_, first: string) => `.${first === 'a' ? 'b' : 'a'}`);
  expect(forged).not.toBe(replyTo);
  expect(parseReplyAddress(SECRET, forged)).toBeNull();

  // The follow link in the auto-response, in text and as a link in the HTML; values escaped in the HTML.
  const link = `https://example.com/help/requests/${ticket.id}`;
  expect(auto.text).toContain(link);
  expect(auto.html).toContain(`<a href="${link}">`);
  expect(auto.html).toContain('Ken &lt;script&gt;alert(1)&lt;/script&gt;');
  expect(auto.html).not.toContain('<script>');
  expect(reply.html).toContain('We unblocked it &amp; checked &lt;it&gt;.');
  expect(reply.text).toContain('We unblocked it & checked <it>.');
});

test('CR and LF in a subject or a name never make a header', async () => {
  const sink = await smtpSink();
  const { desk } = await deskWith(sink.port);
  await desk.tickets.open(
    {
      requester: { email: 'ken@example.com', name: 'Ken' },
      subject: 'Hello',
      body: 'x',
      departmentId: 'help',
    },
    { actor: customer },
  );
  await desk.deliveries.idle();
  // Core refuses control characters in subjects; the notifier must hold even for a template that adds them.
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
  const notifier = emailNotifier({
    transport,
    from: 'support@example.com',
    templates: { '*': () => ({ subject: 'Hi\r\nBcc: victim@example.org\r\nX-Injected: yes' }) },
  });
  const [first] = (await desk.deliveries.list()).items;
  if (!first) throw new Error('no delivery');
  const notification = {
    ...first.notification,
    recipient: { email: 'ken@example.com', name: 'Ken\r\nX-Injected: name' },
  };
  sink.received.length = 0;
  await notifier.send(notification, { signal: new AbortController().signal, attempt: 1, messageId: 'm' });
  const mail = await simpleParser(sink.received[0]?.raw ?? Buffer.alloc(0));
  expect(mail.headers.has('x-injected')).toBe(false);
  expect(mail.headers.has('bcc')).toBe(false);
  expect(sink.received[0]?.to).toEqual(['ken@example.com']);
  expect(mail.subject).toContain('Bcc: victim@example.org');
  await expect(
    notifier.send(
      { ...notification, recipient: { email: 'ken@example.com\r\nBcc: x@example.org', name: null } },
      { signal: new AbortController().signal, attempt: 1, messageId: 'm' },
    ),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
});

test('a 451 answer is retried and a 550 answer dead-lettered at once, each with the answer in the delivery log', async () => {
  let answer: { code: number; message: string } | null = { code: 451, message: '4.3.0 Mailbox busy, try later' };
  const sink = await smtpSink({ answer: () => answer });
  const { desk, clock } = await deskWith(sink.port);
  const ticket = await desk.tickets.open(
    { requester: { email: 'ken@example.com' }, subject: 'Busy', body: 'x', departmentId: 'help' },
    { actor: customer },
  );
  await desk.deliveries.idle();
  const auto = async () =>
    (await desk.deliveries.list({ ticketId: ticket.id })).items.find(
      (delivery) => delivery.notification.type === 'ticket.auto_response',
    );
  expect((await auto())?.status).toBe('retrying');
  expect((await auto())?.attempts[0]?.error).toMatch(/^SMTP 451 temporary failure.*4\.3\.0 Mailbox busy, try later/);

  answer = { code: 550, message: '5.1.1 No such user here' };
  clock.advance('2m');
  await desk.scheduler.runOnce();
  const dead = await auto();
  expect(dead?.status).toBe('dead');
  expect(dead?.attempts).toHaveLength(2);
  expect(dead?.attempts[1]?.error).toMatch(/^SMTP 550 permanent failure.*5\.1\.1 No such user here/);
});

test('a server that never answers is a timeout, retried', async () => {
  const net = await import('node:net');
  const silent = net.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => silent.close(() => resolve())));
  const port = (silent.address() as import('node:net').AddressInfo).port;
  const notifier = emailNotifier({
    smtp: { host: '127.0.0.1', port, secure: false, ignoreTLS: true, greetingTimeout: 200, connectionTimeout: 200 },
    from: 'support@example.com',
  });
  const sink = await smtpSink();
  const { desk } = await deskWith(sink.port);
  await desk.tickets.open(
    { requester: { email: 'ken@example.com' }, subject: 'Hi', body: 'x', departmentId: 'help' },
    { actor: customer },
  );
  await desk.deliveries.idle();
  const [delivery] = (await desk.deliveries.list()).items;
  if (!delivery) throw new Error('no delivery');
  const failure = await notifier
    .send(delivery.notification, { signal: new AbortController().signal, attempt: 1, messageId: 'm' })
    .catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(Error);
  expect((failure as { permanent?: boolean }).permanent).toBeUndefined();
  expect((failure as Error).message).toMatch(/^SMTP ETIMEDOUT, will retry/);
});

test('smtp options or a transport, not both, not neither', () => {
  expect(() => emailNotifier({ from: 'support@example.com' })).toThrow(/either a nodemailer transport or smtp/);
  expect(() => emailNotifier({ from: 'not an address', smtp: {} })).toThrow(/from/);
  expect(() => emailNotifier({ from: 'a@example.com', smtp: {}, threading: { secret: 'short' } })).toThrow(/secret/);
});

test('every notification type becomes a text + HTML email with the tag; only the agent reply is not marked automatic', async () => {
  const sink = await smtpSink();
  const { desk } = await deskWith(sink.port);
  const ticket = await desk.tickets.open(
    { requester: { email: 'ken@example.com' }, subject: 'All types', body: 'x', departmentId: 'help' },
    { actor: customer },
  );
  await desk.deliveries.idle();
  const [delivery] = (await desk.deliveries.list({ ticketId: ticket.id })).items;
  if (!delivery) throw new Error('no delivery');
  const notifier = emailNotifier({
    transport: nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true }),
    from: 'support@example.com',
    threading,
  });
  sink.received.length = 0;
  for (const [index, type] of NOTIFICATION_TYPES.entries()) {
    const notification = {
      ...delivery.notification,
      id: `n-${index}`,
      type,
      subject: `About ${type}`,
      text: `Text of ${type}`,
    };
    await notifier.send(notification, { signal: new AbortController().signal, attempt: 1, messageId: 'm' });
  }
  const mails = await Promise.all(sink.received.map((message) => simpleParser(message.raw)));
  expect(mails.map((mail) => mail.headers.get('x-ticketkit-notification'))).toEqual([...NOTIFICATION_TYPES]);
  for (const mail of mails) {
    const type = String(mail.headers.get('x-ticketkit-notification'));
    expect(mail.subject).toBe(`[#${ticket.number}] About ${type}`);
    expect(mail.text?.trim()).toBe(`Text of ${type}`);
    expect(mail.html).toContain(`<p>Text of ${type}</p>`);
    expect(mail.headers.get('auto-submitted')).toBe(type === 'ticket.reply_notice' ? undefined : 'auto-generated');
    expect(mail.messageId).toBe(
      notificationMessageId(threading, ticket.id, `n-${NOTIFICATION_TYPES.indexOf(type as never)}`),
    );
  }
});
