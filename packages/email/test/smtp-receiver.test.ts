import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHelpDesk, memoryStorage } from '@ticketkit/core';
import { createEmailIntake, createSmtpReceiver, emailNotifier, type IngestResult } from '@ticketkit/email';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { expect, onTestFinished, test } from 'vitest';
import { deskWithTicket, threading } from './helpers/desk.js';
import { smtpSink } from './helpers/smtp-sink.js';

async function receiverFor(
  intake: ReturnType<typeof createEmailIntake>,
  extra: Parameters<typeof createSmtpReceiver>[1] = {},
) {
  const results: IngestResult[] = [];
  const receiver = createSmtpReceiver(intake, { port: 0, onResult: (result) => results.push(result), ...extra });
  const { port } = await receiver.listen();
  onTestFinished(() => receiver.close());
  return { port, results };
}

const sender = (port: number, extra: object = {}) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...extra });

test('mail sent over SMTP opens a ticket, and a reply built from the mail the desk sent threads onto it', async () => {
  // Outbound goes to a sink (the customer's mail server); inbound comes back through the receiver.
  const sink = await smtpSink();
  const desk = await createHelpDesk({
    storage: memoryStorage(),
    notifiers: [
      emailNotifier({
        transport: nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true }),
        from: 'support@example.com',
        replyTo: 'support@example.com',
        threading,
        types: ['ticket.auto_response'],
      }),
    ],
  });
  onTestFinished(() => desk.close());
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });
  const { port, results } = await receiverFor(intake);

  await sender(port).sendMail({
    from: 'Ken Adams <ken@example.com>',
    to: 'support@example.com',
    subject: 'Printer on fire',
    text: 'The printer on floor 2 is on fire.',
  });
  expect(results[0]).toMatchObject({ kind: 'created', autoResponse: true });
  const ticket = results[0]?.kind === 'created' ? results[0].ticket : null;
  if (!ticket) throw new Error('no ticket');
  await desk.deliveries.idle();

  const autoResponse = await simpleParser(sink.received[0]?.raw ?? Buffer.alloc(0));
  const replyTo = autoResponse.replyTo?.value[0]?.address ?? '';
  await sender(port).sendMail({
    from: 'Ken Adams <ken@example.com>',
    to: replyTo,
    subject: `Re: ${autoResponse.subject}`,
    inReplyTo: autoResponse.messageId,
    references: [autoResponse.references as string, autoResponse.messageId as string],
    text: `It is out now.\n\nOn Mon, 2 Mar 2026 at 10:00, Support <support@example.com> wrote:\n> ${autoResponse.text?.split('\n')[0]}`,
  });
  expect(results[1]).toMatchObject({ kind: 'replied', matchedBy: 'message-id', as: 'customer' });
  const thread = await desk.tickets.thread(ticket.id, { actor: { type: 'system' } });
  expect(thread.filter((entry) => entry.kind === 'message').map((entry) => entry.body)).toEqual([
    'The printer on floor 2 is on fire.',
    'It is out now.',
  ]);
});

test('a message over the size limit is refused with 552 and the limit, and nothing is written', async () => {
  const { desk, ticket } = await deskWithTicket();
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });
  const { port, results } = await receiverFor(intake, { maxBytes: 2_000 });
  const failure = await sender(port)
    .sendMail({ from: 'ken@example.com', to: 'support@example.com', subject: 'Big', text: 'x'.repeat(5_000) })
    .catch((error: unknown) => error as { responseCode?: number; response?: string });
  expect(failure).toMatchObject({ responseCode: 552 });
  expect((failure as { response: string }).response).toContain('2000 bytes');
  expect(results).toEqual([]);
  expect((await desk.tickets.thread(ticket.id, { actor: { type: 'system' } })).length).toBe(1);
});

test('recipients outside the list are refused with 550', async () => {
  const { desk } = await deskWithTicket();
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });
  const { port } = await receiverFor(intake, { recipients: ['support@example.com'] });
  await expect(
    sender(port).sendMail({ from: 'ken@example.com', to: 'ceo@example.com', subject: 'x', text: 'x' }),
  ).rejects.toMatchObject({ responseCode: 550 });
  await expect(
    sender(port).sendMail({ from: 'ken@example.com', to: 'support+anything@example.com', subject: 'x', text: 'x' }),
  ).resolves.toBeTruthy();
});

test('a desk failure answers 451 so the sending server keeps the message and retries', async () => {
  const { desk } = await deskWithTicket();
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'nowhere' });
  const errors: unknown[] = [];
  const { port } = await receiverFor(intake, { onError: (error) => errors.push(error) });
  await expect(
    sender(port).sendMail({ from: 'ken@example.com', to: 'support@example.com', subject: 'x', text: 'x' }),
  ).rejects.toMatchObject({ responseCode: 451 });
  expect(errors).toHaveLength(1);
});

test('with authenticate and tls: STARTTLS is offered and AUTH is required', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-smtp-tls-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const { desk } = await deskWithTicket();
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });
  const { port, results } = await receiverFor(intake, {
    tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    authenticate: (user, pass) => user === 'relay' && pass === 'correct horse',
  });
  const secure = { ignoreTLS: false, requireTLS: true, tls: { rejectUnauthorized: false } };
  const mail = { from: 'ken@example.com', to: 'support@example.com', subject: 'Over TLS', text: 'Encrypted.' };
  await expect(sender(port, secure).sendMail(mail)).rejects.toMatchObject({ responseCode: 530 });
  await expect(
    sender(port, { ...secure, auth: { user: 'relay', pass: 'wrong' } }).sendMail(mail),
  ).rejects.toMatchObject({ responseCode: 535 });
  await sender(port, { ...secure, auth: { user: 'relay', pass: 'correct horse' } }).sendMail(mail);
  expect(results).toMatchObject([{ kind: 'created' }]);
});
