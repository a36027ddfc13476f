import { isTicketkitError } from '@ticketkit/core';
import { makeAuditEvent, makeThreadEntry, makeTicket } from '@ticketkit/core/testing';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { type SqliteStorage, sqliteStorage } from '../src/index.js';
import { sqliteBackdoor, tempDirectory } from './support/temp-database.js';

/**
 * What the storage boundary does with text core would never send: it is
 * stored and read back exactly, or refused with a clear error and nothing
 * written.
 */

let temp: ReturnType<typeof tempDirectory>;
let storage: SqliteStorage;
beforeEach(async () => {
  temp = tempDirectory();
  storage = sqliteStorage({ filename: temp.file() });
  await storage.init?.();
});
afterEach(async () => {
  await storage.close?.();
  temp.cleanup();
});

test('a 10 MB body, NUL bytes and every plane of Unicode come back exactly', async () => {
  const huge = `${'A line of a very long email thread. '.repeat(290_000)}end`;
  const strange = 'nul\u0000byte, bell\u0007, bidi \u202eevil\u202c, emoji 👩🏽‍💻, astral 𝄞, BOM \ufeff, 中文, עברית';
  const ticket = makeTicket({
    subject: strange,
    requester: { email: 'o.brien@example.com', name: strange },
    fields: { note: strange, lone: 'json keeps \ud800 exactly', list: [strange] },
  });
  const entries = [makeThreadEntry(ticket, { body: huge }), makeThreadEntry(ticket, { body: strange })];
  await storage.commit({ ticket: { kind: 'insert', ticket }, thread: entries, audit: [makeAuditEvent(ticket)] });
  expect(huge.length).toBeGreaterThan(10_000_000);
  const backdoor = sqliteBackdoor(temp.file());
  try {
    expect(await storage.getTicket({ id: ticket.id })).toEqual(ticket);
    expect(await backdoor.ticket(ticket.id)).toEqual(ticket);
    const thread = await storage.listThread(ticket.id);
    expect(thread[0]?.body === huge).toBe(true);
    expect(thread[1]?.body).toBe(strange);
    expect((await backdoor.thread(ticket.id))[1]?.body).toBe(strange);
  } finally {
    backdoor.close();
  }
});

test('text SQLite cannot store exactly (lone surrogates) is refused by name, and nothing is written', async () => {
  const ticket = makeTicket();
  const lone = makeThreadEntry(ticket, { body: 'broken \ud800 surrogate' });
  const error = await storage
    .commit({ ticket: { kind: 'insert', ticket }, thread: [makeThreadEntry(ticket), lone], audit: [] })
    .catch((caught: unknown) => caught);
  expect(isTicketkitError(error, 'VALIDATION_FAILED')).toBe(true);
  expect(error).toMatchObject({ issues: [{ path: ['thread', '1', 'body'] }] });
  expect(await storage.getTicket({ id: ticket.id })).toBeNull();

  const subject = makeTicket({ subject: 'half an emoji \udc00' });
  await expect(
    storage.commit({ ticket: { kind: 'insert', ticket: subject }, thread: [], audit: [] }),
  ).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    issues: [{ path: ['ticket', 'subject'] }],
  });
  expect(Number(storage.database.prepare('SELECT count(*) FROM tickets').pluck().get())).toBe(0);
});
