import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmailIntake, createImapPoller, type EmailIntake, type IngestResult } from '@ticketkit/email';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { expect, onTestFinished, test, vi } from 'vitest';
import { deskWithTicket, threading } from './helpers/desk.js';
import { startDovecot } from './helpers/dovecot.js';

/** Builds a raw message with nodemailer's stream transport (real MIME, no network). */
async function mime(subject: string, id: string): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({
    from: `Customer ${id} <customer-${id}@example.com>`,
    to: 'support@example.com',
    subject,
    messageId: `<${id}@mail.example.net>`,
    text: `Message ${id}.`,
  });
  return info.message as Buffer;
}

async function imapClient(port: number, user: string, pass: string) {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass }, logger: false });
  await client.connect();
  onTestFinished(() => client.logout().catch(() => undefined));
  return client;
}

async function setup() {
  const dovecot = await startDovecot();
  const { desk } = await deskWithTicket();
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });
  const admin = await imapClient(dovecot.port, dovecot.user, dovecot.pass);
  const tickets = async () =>
    (await desk.queues.list('all', { actor: { type: 'agent', id: 'ana' }, limit: 100 })).items
      .map((t) => t.subject)
      .sort();
  return { dovecot, desk, intake, admin, tickets };
}

test('the poller takes what waits, then new mail through IDLE, and flags what it took', async () => {
  const { dovecot, intake, admin, tickets } = await setup();
  await admin.append('INBOX', await mime('Waiting one', 'w1'));
  await admin.append('INBOX', await mime('Waiting two', 'w2'));
  const results: IngestResult[] = [];
  const poller = createImapPoller(intake, {
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.pass },
    pollIntervalMs: 3_600_000, // only IDLE can bring the third message in time
    onResult: (result) => results.push(result),
  });
  onTestFinished(() => poller.stop());
  await poller.start();
  expect(results.map((result) => result.kind)).toEqual(['created', 'created']);

  await admin.append('INBOX', await mime('Arrives while idling', 'w3'));
  await vi.waitFor(() => expect(results).toHaveLength(3), { timeout: 10_000, interval: 50 });
  expect(await tickets()).toEqual(['Arrives while idling', 'Card blocked', 'Waiting one', 'Waiting two']);

  const lock = await admin.getMailboxLock('INBOX');
  try {
    expect(await admin.search({ seen: false }, { uid: true })).toEqual([]);
    expect(await admin.search({ seen: true }, { uid: true })).toHaveLength(3);
  } finally {
    lock.release();
  }
});

test('a connection dropped mid-poll, after the intake took a message and before it was flagged, never takes it twice', async () => {
  const { dovecot, intake, admin, tickets } = await setup();
  await admin.append('INBOX', await mime('Before the drop', 'd1'));
  await admin.append('INBOX', await mime('After the drop', 'd2'));
  let kicked = false;
  const results: IngestResult[] = [];
  // The connection dies right after the intake took the first message: it is not flagged yet.
  const dropping: EmailIntake = {
    maxBytes: intake.maxBytes,
    async ingest(raw) {
      const result = await intake.ingest(raw);
      if (!kicked) {
        kicked = true;
        dovecot.kick();
      }
      return result;
    },
  };
  const errors: unknown[] = [];
  const poller = createImapPoller(dropping, {
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.pass },
    reconnectDelayMs: 100,
    onResult: (result) => results.push(result),
    onError: (error) => errors.push(error),
  });
  onTestFinished(() => poller.stop());
  await poller.start().catch((error: unknown) => errors.push(error));
  // The kick dropped the test's own connection too: look with a new one.
  const viewer = await imapClient(dovecot.port, dovecot.user, dovecot.pass);
  await vi.waitFor(
    async () => expect(await viewer.status('INBOX', { unseen: true, messages: true })).toMatchObject({ unseen: 0 }),
    { timeout: 15_000, interval: 200 },
  );
  expect(kicked).toBe(true);
  expect(errors.length).toBeGreaterThan(0);
  // The first message came back after the reconnect and was recognised; each ticket exists once.
  expect(results.map((result) => (result.kind === 'ignored' ? result.reason : result.kind)).sort()).toEqual([
    'created',
    'created',
    'duplicate',
  ]);
  expect(await tickets()).toEqual(['After the drop', 'Before the drop', 'Card blocked']);
});

test('with moveTo, what was taken is moved out of the inbox', async () => {
  const { dovecot, intake, admin } = await setup();
  await admin.append('INBOX', await mime('To be moved', 'm1'));
  const poller = createImapPoller(intake, {
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.pass },
    moveTo: 'Processed',
  });
  onTestFinished(() => poller.stop());
  await poller.start();
  expect(await admin.status('INBOX', { messages: true })).toMatchObject({ messages: 0 });
  expect(await admin.status('Processed', { messages: true })).toMatchObject({ messages: 1 });
});

test('a server without IDLE: the poller finds new mail by polling', async () => {
  const dovecot = await startDovecot({ idle: false });
  const { desk } = await deskWithTicket();
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });
  const admin = await imapClient(dovecot.port, dovecot.user, dovecot.pass);
  // The server really has no IDLE (Dovecot's imap_capability without it).
  expect(admin.capabilities.has('IDLE')).toBe(false);
  expect(admin.capabilities.has('MOVE')).toBe(true);
  await admin.append('INBOX', await mime('Waiting before the start', 'p1'));
  const results: IngestResult[] = [];
  const errors: unknown[] = [];
  const poller = createImapPoller(intake, {
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.pass },
    pollIntervalMs: 300,
    onResult: (result) => results.push(result),
    onError: (error) => errors.push(error),
  });
  onTestFinished(() => poller.stop());
  await poller.start();
  expect(results.map((result) => result.kind)).toEqual(['created']);
  await admin.append('INBOX', await mime('Arrives while polling', 'p2'));
  await admin.append('INBOX', await mime('Arrives while polling too', 'p3'));
  await vi.waitFor(() => expect(results).toHaveLength(3), { timeout: 10_000, interval: 50 });
  expect(results.map((result) => result.kind)).toEqual(['created', 'created', 'created']);
  expect(await admin.status('INBOX', { unseen: true })).toMatchObject({ unseen: 0 });
  expect(errors).toEqual([]);
});

/** A throw-away self-signed certificate for 127.0.0.1, made with openssl. */
function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tk-cert-'));
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
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'pipe' },
  );
  return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
}

test('IMAPS: the poller reads over TLS, trusting the server’s certificate through the CA it is given', async () => {
  const certificate = selfSignedCertificate();
  const dovecot = await startDovecot({ tls: certificate });
  const { desk } = await deskWithTicket();
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });
  const admin = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.imapsPort,
    secure: true,
    tls: { ca: certificate.cert },
    auth: { user: dovecot.user, pass: dovecot.pass },
    logger: false,
  });
  await admin.connect();
  onTestFinished(() => admin.logout().catch(() => undefined));
  await admin.append('INBOX', await mime('Over TLS', 't1'));
  const auth = { user: dovecot.user, pass: dovecot.pass };

  // Without the CA the self-signed certificate is refused: the poller does not start, and takes nothing.
  const untrusting = createImapPoller(intake, { host: '127.0.0.1', port: dovecot.imapsPort, auth });
  onTestFinished(() => untrusting.stop());
  await expect(untrusting.start()).rejects.toThrow(/self[- ]signed/i);

  const results: IngestResult[] = [];
  const poller = createImapPoller(intake, {
    host: '127.0.0.1',
    port: dovecot.imapsPort,
    secure: true,
    tls: { ca: certificate.cert },
    auth,
    onResult: (result) => results.push(result),
  });
  onTestFinished(() => poller.stop());
  await poller.start();
  expect(results).toMatchObject([{ kind: 'created', ticket: { subject: 'Over TLS' } }]);
  expect(await admin.status('INBOX', { unseen: true })).toMatchObject({ unseen: 0 });
});
