import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresStorage } from '@ticketkit/adapter-postgres';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import type { HelpDesk, StorageAdapter, Ticket } from '@ticketkit/core';
import {
  createEmailIntake,
  createImapPoller,
  type IngestResult,
  notificationMessageId,
  threadRootId,
} from '@ticketkit/email';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { expect, onTestFinished, test } from 'vitest';
import { deskWithTicket, emailDesk, threading } from './helpers/desk.js';
import { startDovecot } from './helpers/dovecot.js';

/**
 * The same message taken twice never adds it twice — also when the second
 * time is another process, or the same host after a restart, with a fresh
 * intake (its in-memory message log knows nothing): the Message-ID is the
 * desk's idempotency key, stored with what the message wrote.
 */

const DATABASE_URL = process.env.TICKETKIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const agent = { actor: { type: 'agent', id: 'ana' } } as const;

const intakeFor = (desk: HelpDesk) =>
  createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });

/** Real MIME from nodemailer's stream transport; `messageId: null` takes the Message-ID header out. */
async function mime(options: {
  from: string;
  subject: string;
  text: string;
  messageId: string | null;
  inReplyTo?: string;
}): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const { messageId, ...rest } = options;
  const built = (await transport.sendMail({ to: 'support@example.com', ...rest, ...(messageId ? { messageId } : {}) }))
    .message as Buffer;
  return messageId ? built : Buffer.from(built.toString('utf8').replace(/^Message-ID: .*\r\n/im, ''));
}

const customerReply = (ticket: Ticket, id: string | null, text = 'It is still blocked.') =>
  mime({ from: 'Ken <ken@example.com>', subject: `Re: Card blocked [#${ticket.number}]`, text, messageId: id });

const entries = async (desk: HelpDesk, ticket: Ticket) =>
  (await desk.tickets.thread(ticket.id, agent)).map((entry) => `${entry.kind}: ${entry.body.split('\n')[0]}`);

const outcome = (result: IngestResult) =>
  result.kind === 'ignored'
    ? `ignored ${result.reason}`
    : `${result.kind} ${'ticket' in result ? result.ticket.number : result.deliveryId}`;

test('after a restart, a fresh desk and intake on the same SQLite file take no message twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-dedup-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const filename = join(dir, 'desk.db');
  const { desk, ticket } = await deskWithTicket(sqliteStorage({ filename }));
  const auto = (await desk.deliveries.list({ ticketId: ticket.id })).items.find(
    (delivery) => delivery.notification.type === 'ticket.auto_response',
  );
  const messages = [
    await customerReply(ticket, '<reply-1@mail.example.net>'),
    // No Message-ID: a hash of the message stands in for it.
    await customerReply(ticket, null, 'Sent from a client that sets no Message-ID.'),
    // A colleague on the thread: an internal note.
    await mime({
      from: 'Bob <bob@partner.example.org>',
      subject: 'Re: Card blocked',
      text: 'We see the block on our side too.',
      messageId: '<note-1@partner.example.org>',
      inReplyTo: threadRootId(threading, ticket.id),
    }),
    // A bounce of the auto-response: the delivery is dead-lettered and a note says so.
    readFileSync(new URL('./fixtures/dsn-failed.eml', import.meta.url), 'utf8')
      .replaceAll('{{MSG_ID}}', notificationMessageId(threading, ticket.id, auto?.id ?? ''))
      .replaceAll('{{ROOT_ID}}', threadRootId(threading, ticket.id))
      .replaceAll('{{NUMBER}}', ticket.number),
  ];
  const before = [];
  for (const raw of messages) before.push(outcome(await intakeFor(desk).ingest(raw)));
  expect(before).toEqual([
    `replied ${ticket.number}`,
    `replied ${ticket.number}`,
    `replied ${ticket.number}`,
    `bounced ${auto?.id}`,
  ]);
  const written = await entries(desk, ticket);
  expect(written.slice(1)).toEqual([
    'message: It is still blocked.',
    'message: Sent from a client that sets no Message-ID.',
    'note: From bob@partner.example.org:',
    'note: Email bounced: the auto response to ken@example.com was not delivered (status 5.1.1).',
  ]);
  const attempts = (await desk.deliveries.get(auto?.id ?? ''))?.attempts;
  await desk.close();

  // The host restarts: a new desk on the same file, a new intake whose message log is empty.
  const restarted = await emailDesk(sqliteStorage({ filename }));
  const intake = intakeFor(restarted);
  const after = [];
  for (const raw of messages) after.push(outcome(await intake.ingest(raw)));
  // The desk answers each with what the first time did, and writes nothing.
  expect(after).toEqual(before);
  expect(await entries(restarted, ticket)).toEqual(written);
  expect((await restarted.deliveries.get(auto?.id ?? ''))?.attempts).toEqual(attempts);
  expect((await restarted.tickets.get(ticket.id, agent)).version).toBe(5);
  // Within one process the intake's own log answers first.
  expect(outcome(await intake.ingest(messages[0] ?? ''))).toBe('ignored duplicate');
});

/**
 * Makes the first `parties` idempotency lookups (across all the storages
 * given) wait for one another: every desk finds the key unused, and all of
 * them race to commit — the case scheduling alone reaches only now and then.
 */
function raceAtTheKey(storages: StorageAdapter[], parties: number) {
  let waiting = 0;
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  for (const storage of storages) {
    const lookup = storage.getIdempotencyRecord.bind(storage);
    storage.getIdempotencyRecord = async (scope, key) => {
      const found = await lookup(scope, key);
      if (waiting < parties) {
        waiting += 1;
        if (waiting === parties) open();
        await opened;
      }
      return found;
    };
  }
}

test('two desks on one PostgreSQL schema take the same reply at the same moment: one thread entry', async () => {
  const schema = `tk_email_${Math.random().toString(16).slice(2, 10)}`;
  const pools = [
    new pg.Pool({ connectionString: DATABASE_URL, max: 4 }),
    new pg.Pool({ connectionString: DATABASE_URL, max: 4 }),
  ];
  onTestFinished(async () => {
    await pools[0]?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await Promise.all(pools.map((pool) => pool.end()));
  });
  const storages = pools.map((pool) => postgresStorage({ pool, schema }));
  const { desk, ticket } = await deskWithTicket(storages[0]);
  const other = await emailDesk(storages[1] as StorageAdapter);
  const intakes = [intakeFor(desk), intakeFor(other)];
  const raw = await customerReply(ticket, '<same-moment@mail.example.net>');

  raceAtTheKey(storages, 2);
  const results = await Promise.all(intakes.map((intake) => intake.ingest(raw)));
  expect(results.map(outcome)).toEqual([`replied ${ticket.number}`, `replied ${ticket.number}`]);
  expect((await entries(desk, ticket)).filter((entry) => entry === 'message: It is still blocked.')).toHaveLength(1);

  // And a burst: each desk takes another message three times at once (a webhook retried, two pollers).
  const burst = await customerReply(ticket, '<burst@mail.example.net>', 'Any news?');
  await Promise.all([...intakes, ...intakes, ...intakes].map((intake) => intake.ingest(burst)));
  expect((await entries(other, ticket)).filter((entry) => entry === 'message: Any news?')).toHaveLength(1);
  expect((await other.tickets.get(ticket.id, agent)).version).toBe(3);
});

test('a poller that died after the desk took a message, before flagging it: the restarted host does not add it again', async () => {
  const dovecot = await startDovecot();
  const dir = mkdtempSync(join(tmpdir(), 'tk-dedup-imap-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const filename = join(dir, 'desk.db');
  const { desk, ticket } = await deskWithTicket(sqliteStorage({ filename }));
  const connection = {
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.pass },
  };
  const { ImapFlow } = await import('imapflow');
  const admin = new ImapFlow({ ...connection, logger: false });
  await admin.connect();
  onTestFinished(() => admin.logout().catch(() => undefined));
  await admin.append('INBOX', await customerReply(ticket, '<via-imap@mail.example.net>'));

  // The process dies right after the desk committed: the message is never flagged.
  const intake = intakeFor(desk);
  const errors: unknown[] = [];
  const dying = createImapPoller(
    {
      maxBytes: intake.maxBytes,
      async ingest(raw) {
        await intake.ingest(raw);
        throw new Error('the process died here');
      },
    },
    { ...connection, onError: (error) => errors.push(error) },
  );
  await dying.start();
  await dying.stop();
  expect(errors.map(String)).toEqual(['Error: the process died here']);
  expect(await admin.status('INBOX', { unseen: true })).toMatchObject({ unseen: 1 });
  await desk.close();

  const restarted = await emailDesk(sqliteStorage({ filename }));
  const results: IngestResult[] = [];
  const poller = createImapPoller(intakeFor(restarted), { ...connection, onResult: (result) => results.push(result) });
  onTestFinished(() => poller.stop());
  await poller.start();
  expect(results.map(outcome)).toEqual([`replied ${ticket.number}`]);
  expect(await admin.status('INBOX', { unseen: true })).toMatchObject({ unseen: 0 });
  expect(await entries(restarted, ticket)).toEqual(['message: My card is blocked.', 'message: It is still blocked.']);
});

test('another message under a Message-ID taken before is a duplicate, never a desk failure the sender retries', async () => {
  const { desk, ticket } = await deskWithTicket();
  const first = intakeFor(desk);
  const fresh = intakeFor(desk); // another process: its message log has not seen the first copy
  const id = '<reused@mail.example.net>';
  expect(outcome(await first.ingest(await customerReply(ticket, id)))).toBe(`replied ${ticket.number}`);
  const altered = await fresh.ingest(await customerReply(ticket, id, 'A list footer changed this copy.'));
  expect(altered).toMatchObject({ kind: 'ignored', reason: 'duplicate', messageId: id });
  // The same for a message that opened a ticket.
  const opening = { from: 'Zoe <zoe@example.org>', subject: 'New card', messageId: '<opening@example.org>' };
  expect((await first.ingest(await mime({ ...opening, text: 'Please send one.' }))).kind).toBe('created');
  expect(await fresh.ingest(await mime({ ...opening, text: 'Changed on the way.' }))).toMatchObject({
    kind: 'ignored',
    reason: 'duplicate',
  });
  expect(await entries(desk, ticket)).toEqual(['message: My card is blocked.', 'message: It is still blocked.']);
  expect((await desk.queues.list('all', { ...agent, limit: 10 })).items.map((item) => item.subject).sort()).toEqual([
    'Card blocked',
    'New card',
  ]);
});
