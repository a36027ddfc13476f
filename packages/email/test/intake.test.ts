import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { memoryStorage } from '@ticketkit/core';
import { createEmailIntake, fileOriginals, type IngestResult, stripQuotedReply } from '@ticketkit/email';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { expect, onTestFinished, test } from 'vitest';
import { deskWithTicket, threading } from './helpers/desk.js';

async function mime(from: string, subject: string, id: string, text = 'Hello.'): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return (
    await transport.sendMail({ from, to: 'support@example.com', subject, messageId: `<${id}@example.net>`, text })
  ).message as Buffer;
}

test('a sender past the rate limit is ignored; other senders are not', async () => {
  const { desk } = await deskWithTicket();
  const intake = createEmailIntake(desk, {
    threading,
    ownAddresses: ['support@example.com'],
    departmentId: 'help',
    rateLimit: 3,
  });
  const results: IngestResult[] = [];
  for (let index = 0; index < 5; index++) {
    results.push(await intake.ingest(await mime('flood@example.org', `Flood ${index}`, `flood-${index}`)));
  }
  expect(results.map((result) => (result.kind === 'ignored' ? result.reason : result.kind))).toEqual([
    'created',
    'created',
    'created',
    'rate-limited',
    'rate-limited',
  ]);
  expect(await intake.ingest(await mime('calm@example.org', 'Calm', 'calm-1'))).toMatchObject({ kind: 'created' });
});

test('the original message is kept per ticket, byte for byte, and can be read back as a message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-originals-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const originals = fileOriginals(dir);
  const { desk } = await deskWithTicket();
  const intake = createEmailIntake(desk, {
    threading,
    ownAddresses: ['support@example.com'],
    departmentId: 'help',
    originals,
  });
  const raw = await mime(
    'Ken <ken@example.com>',
    'Keep me',
    'keep-1',
    'Body\n\n> quoted part the thread does not show',
  );
  const result = await intake.ingest(raw);
  if (result.kind !== 'created') throw new Error(`not created: ${result.kind}`);
  const [key] = await originals.list(result.ticket.id);
  expect(key).toMatch(/^[0-9a-f]{32}\.eml$/);
  const kept = await originals.get(result.ticket.id, key ?? '');
  expect(Buffer.compare(Buffer.from(kept ?? []), raw)).toBe(0);
  expect((await simpleParser(Buffer.from(kept ?? []))).text).toContain('quoted part the thread does not show');
  expect(await originals.get(result.ticket.id, '../../etc/passwd')).toBeNull();
  await expect(originals.list('../escape')).rejects.toThrow(/not a ticket id/);
});

test.each(['memory', 'sqlite'])(
  'a bounce of our mail is matched to its delivery and shown to agents in the thread (%s)',
  async (kind) => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-bounce-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const { desk, ticket } = await deskWithTicket(
      kind === 'sqlite' ? sqliteStorage({ filename: join(dir, 'desk.db') }) : memoryStorage(),
    );
    const bounces: unknown[] = [];
    const intake = createEmailIntake(desk, {
      threading,
      ownAddresses: ['support@example.com'],
      departmentId: 'help',
      onBounce: (bounce) => void bounces.push(bounce),
    });
    const { readFile } = await import('node:fs/promises');
    const { notificationMessageId, threadRootId } = await import('@ticketkit/email');
    const [auto] = (await desk.deliveries.list({ ticketId: ticket.id })).items.filter(
      (delivery) => delivery.notification.type === 'ticket.auto_response',
    );
    const template = await readFile(new URL('./fixtures/dsn-failed.eml', import.meta.url), 'utf8');
    const raw = template
      .replaceAll('{{MSG_ID}}', notificationMessageId(threading, ticket.id, auto?.id ?? ''))
      .replaceAll('{{ROOT_ID}}', threadRootId(threading, ticket.id))
      .replaceAll('{{NUMBER}}', ticket.number);
    const result = await intake.ingest(raw);
    expect(result).toMatchObject({
      kind: 'bounced',
      deliveryId: auto?.id,
      ticketId: ticket.id,
      recipient: 'ken@example.com',
    });
    expect(bounces).toEqual([result]);
    // In the delivery log: the delivered auto-response is now dead, with the remote server's answer.
    const logged = await desk.deliveries.get(auto?.id ?? '');
    expect(logged?.status).toBe('dead');
    expect(logged?.attempts.map((attempt) => attempt.error)).toEqual([
      null,
      'bounced: 5.1.1 smtp; 550 5.1.1 <ken@example.com>: Recipient address rejected: User unknown',
    ]);
    const notes = (await desk.tickets.thread(ticket.id, { actor: { type: 'agent', id: 'ana' } })).filter(
      (entry) => entry.kind === 'note',
    );
    expect(notes.at(-1)?.body).toMatch(
      /^Email bounced: the auto response to ken@example\.com was not delivered \(status 5\.1\.1\)/,
    );
    expect(notes.at(-1)?.body).toContain('User unknown');
    // Customers never see it.
    const customerView = await desk.tickets.thread(ticket.id, {
      actor: { type: 'customer', email: 'ken@example.com' },
    });
    expect(customerView.some((entry) => entry.body.includes('bounced'))).toBe(false);
  },
);

test('the intake refuses options it cannot work with, naming the field', async () => {
  const { desk } = await deskWithTicket();
  expect(() => createEmailIntake(desk, { threading: { domain: '' }, ownAddresses: ['a@example.com'] })).toThrow(
    /threading\.domain|domain/,
  );
  expect(() => createEmailIntake(desk, { threading, ownAddresses: [] })).toThrow(/ownAddresses/);
});

test.each([
  ['Gmail', 'Thanks!\n\nOn Tue, 3 Mar 2026 at 09:12, Support <s@example.com> wrote:\n> old', 'Thanks!'],
  ['Outlook', 'Ok.\n\n-----Original Message-----\nFrom: S\nSent: today\n\nold', 'Ok.'],
  ['signature', 'Fine.\n-- \nKen', 'Fine.'],
  ['phone', 'Yes\n\nSent from my iPhone', 'Yes'],
  ['German phone', 'Ja\n\nVon meinem iPhone gesendet', 'Ja'],
  ['inline answer kept', '> question one?\nanswer one\n> question two?\nanswer two', 'answer one\nanswer two'],
  ['nothing to strip', 'Just text.\nTwo lines.', 'Just text.\nTwo lines.'],
  ['only a quote falls back to all of it', '> only quoted', '> only quoted'],
])('stripQuotedReply: %s', (_, text, expected) => {
  expect(stripQuotedReply(text).text).toBe(expected);
});

test('a reply the ticket cannot take (an agent writing to a closed ticket) is refused, not retried forever', async () => {
  const { desk, ticket } = await deskWithTicket();
  await desk.agents.upsert({ id: 'bo', name: 'Bo', email: 'bo@example.com', departmentIds: ['help'], role: 'agent' });
  await desk.tickets.resolve(ticket.id, { resolutionNote: 'done' }, { actor: { type: 'agent', id: 'ana' } });
  await desk.tickets.close(ticket.id, {}, { actor: { type: 'agent', id: 'ana' } });
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });
  const { replyAddressFor } = await import('@ticketkit/email');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const raw = (
    await transport.sendMail({
      from: 'Bo <bo@example.com>',
      to: replyAddressFor(threading.secret, 'support@example.com', ticket.number),
      subject: 'Re: closed',
      messageId: '<late-agent@example.com>',
      text: 'One more thing.',
    })
  ).message as Buffer;
  const result = await intake.ingest(raw);
  expect(result).toMatchObject({ kind: 'ignored', reason: 'refused' });
  expect(result.kind === 'ignored' ? result.detail : '').toMatch(/the desk refused it/);
});

test('the same reply ingested three times at once is added once', async () => {
  const { desk, ticket } = await deskWithTicket();
  // A log in a database: each lookup waits until a second lookup comes (or 300 ms), so copies that are not held
  // back before asking it would all find nothing and all be added.
  const seen = new Map<string, string>();
  let waiting: (() => void) | null = null;
  const messageLog = {
    async get(id: string) {
      if (waiting) {
        waiting();
        waiting = null;
      } else {
        await new Promise<void>((resolve) => {
          waiting = resolve;
          setTimeout(resolve, 300);
        });
      }
      return seen.get(id) ?? null;
    },
    set: (id: string, outcome: string) => void seen.set(id, outcome),
  };
  const intake = createEmailIntake(desk, {
    threading,
    ownAddresses: ['support@example.com'],
    departmentId: 'help',
    messageLog,
  });
  const raw = await mime(
    'Ken <ken@example.com>',
    `Re: [#${ticket.number}] Card blocked`,
    'thrice-at-once',
    'Any news?',
  );
  const results = await Promise.all([intake.ingest(raw), intake.ingest(raw), intake.ingest(raw)]);
  expect(results.map((result) => (result.kind === 'ignored' ? result.reason : result.kind)).sort()).toEqual([
    'duplicate',
    'duplicate',
    'replied',
  ]);
  const messages = (await desk.tickets.thread(ticket.id, { actor: { type: 'system' } })).filter(
    (entry) => entry.kind === 'message',
  );
  expect(messages.map((entry) => entry.body)).toEqual(['My card is blocked.', 'Any news?']);
});
