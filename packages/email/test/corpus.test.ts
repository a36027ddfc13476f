import { readFile } from 'node:fs/promises';
import { createEmailIntake, notificationMessageId, replyAddressFor, threadRootId } from '@ticketkit/email';
import { expect, test } from 'vitest';
import { deskWithTicket, threading } from './helpers/desk.js';

/** One row of fixtures/outcomes.json: a fixture and what ingesting it must do. */
interface Row {
  file: string;
  setup?: 'closed-long-ago' | 'closed-recently' | 'max-bytes-4096';
  kind: 'created' | 'replied' | 'ignored' | 'bounced';
  reason?: string;
  matchedBy?: string;
  as?: string;
  subject?: string;
  subjectIncludes?: string;
  subjectExcludes?: string[];
  bodyIncludes?: string[];
  bodyExcludes?: string[];
  autoResponse?: boolean;
  requester?: string;
  requesterName?: string;
  followUp?: boolean;
  status?: string;
  matchedDelivery?: boolean;
  diagnosticIncludes?: string;
}

const fixtures = new URL('./fixtures/', import.meta.url);
const rows: Row[] = JSON.parse(await readFile(new URL('outcomes.json', fixtures), 'utf8'));

test('the corpus has at least 40 fixtures, each in the table once', async () => {
  const { readdir } = await import('node:fs/promises');
  const files = (await readdir(fixtures)).filter((name) => name.endsWith('.eml')).sort();
  expect(files.length).toBeGreaterThanOrEqual(40);
  expect(rows.map((row) => row.file).sort()).toEqual(files);
});

test.each(rows)('$file → $kind $reason', async (row) => {
  const { desk, clock, ticket } = await deskWithTicket();
  const system = { actor: { type: 'system' } } as const;
  const [auto] = (await desk.deliveries.list({ ticketId: ticket.id })).items.filter(
    (delivery) => delivery.notification.type === 'ticket.auto_response',
  );
  if (!auto) throw new Error('no auto-response delivery');
  if (row.setup === 'closed-long-ago' || row.setup === 'closed-recently') {
    await desk.tickets.resolve(ticket.id, { resolutionNote: 'unblocked' }, { actor: { type: 'agent', id: 'ana' } });
    await desk.tickets.close(ticket.id, {}, { actor: { type: 'agent', id: 'ana' } });
    clock.advance(row.setup === 'closed-long-ago' ? '40d' : '1d');
  }
  const replyTo = replyAddressFor(threading.secret, 'support@example.com', ticket.number);
  const values: Record<string, string> = {
    NUMBER: ticket.number,
    MSG_ID: notificationMessageId(threading, ticket.id, auto.id),
    ROOT_ID: threadRootId(threading, ticket.id),
    REPLY_TO: replyTo,
    NUMBER32: replyTo.slice(replyTo.indexOf('+t') + 2, replyTo.indexOf('.')),
    FORGED_ID: threadRootId({ ...threading, secret: 'another-secret-of-enough-length-000000' }, ticket.id),
  };
  const template = await readFile(new URL(row.file, fixtures));
  const raw = Buffer.from(
    template.toString('latin1').replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, name) => values[name] ?? ''),
    'latin1',
  );
  const intake = createEmailIntake(desk, {
    threading,
    ownAddresses: ['support@example.com'],
    departmentId: 'help',
    ...(row.setup === 'max-bytes-4096' ? { maxBytes: 4096 } : {}),
  });
  const threadLength = async (id: string) => (await desk.tickets.thread(id, system)).length;
  const before = await threadLength(ticket.id);

  const result = await intake.ingest(raw);
  expect(result.kind).toBe(row.kind);
  if (result.kind === 'ignored') {
    expect(result.reason).toBe(row.reason);
    expect(await threadLength(ticket.id)).toBe(before);
    expect((await desk.queues.list('all', { actor: { type: 'agent', id: 'ana' } })).items).toHaveLength(1);
    return;
  }
  if (result.kind === 'bounced') {
    expect(result.deliveryId).toBe(row.matchedDelivery ? auto.id : null);
    if (row.matchedDelivery) expect(result.ticketId).toBe(ticket.id);
    if (row.status) expect(result.status).toBe(row.status);
    if (row.diagnosticIncludes) expect(result.diagnostic).toContain(row.diagnosticIncludes);
    expect((await desk.queues.list('all', { actor: { type: 'agent', id: 'ana' } })).items).toHaveLength(1);
    return;
  }
  const thread = await desk.tickets.thread(result.ticket.id, system);
  const entry = thread.filter((item) => item.kind !== 'event').at(-1);
  if (result.kind === 'replied') {
    expect(result.ticket.id).toBe(ticket.id);
    if (row.matchedBy) expect(result.matchedBy).toBe(row.matchedBy);
    if (row.as) expect(result.as).toBe(row.as);
    if (row.status) expect(result.ticket.status).toBe(row.status);
  } else {
    expect(result.ticket.id).not.toBe(ticket.id);
    expect(result.ticket.source).toBe(row.reason === 'follow-up' ? result.ticket.source : 'email');
    if (row.reason) expect(result.reason).toBe(row.reason);
    if (row.followUp) expect(result.followUpOf).toBe(ticket.number);
    if (row.subject) expect(result.ticket.subject).toBe(row.subject);
    if (row.subjectIncludes) expect(result.ticket.subject).toContain(row.subjectIncludes);
    for (const text of row.subjectExcludes ?? []) expect(result.ticket.subject).not.toContain(text);
    if (row.requester) expect(result.ticket.requester.email).toBe(row.requester);
    if (row.requesterName) expect(result.ticket.requester.name).toBe(row.requesterName);
    if (row.autoResponse !== undefined) {
      expect(result.autoResponse).toBe(row.autoResponse);
      await desk.deliveries.idle();
      const types = (await desk.deliveries.list({ ticketId: result.ticket.id })).items.map(
        (delivery) => delivery.notification.type,
      );
      expect(types.includes('ticket.auto_response')).toBe(row.autoResponse);
    }
  }
  for (const text of row.bodyIncludes ?? []) expect(entry?.body).toContain(text);
  for (const text of row.bodyExcludes ?? []) expect(entry?.body).not.toContain(text);

  // The same message again (a redelivery, a second poll) is never added twice.
  const length = await threadLength(result.ticket.id);
  const again = await intake.ingest(raw);
  expect(again).toMatchObject({ kind: 'ignored', reason: 'duplicate' });
  expect(await threadLength(result.ticket.id)).toBe(length);
});
