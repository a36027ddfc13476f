import { createHelpDesk, type HelpDesk } from '@ticketkit/core';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SqliteStorage, sqliteStorage } from '../src/index.js';
import { tempDirectory } from './support/temp-database.js';

const temp = tempDirectory();
let storage: SqliteStorage;
let desk: HelpDesk;
const agent = { type: 'agent', id: 'ann' } as const;
const subjects = (page: { items: { subject: string }[] }) => page.items.map((ticket) => ticket.subject);

beforeAll(async () => {
  storage = sqliteStorage({ filename: temp.file() });
  desk = await createHelpDesk({ storage });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const open = (subject: string, body: string) =>
    desk.tickets.open(
      { subject, body, departmentId: 'help' },
      { actor: { type: 'customer', email: 'ken@example.com' } },
    );
  await open('Password reset', 'I forgot it.');
  await open('Card blocked', 'My password for the card portal is fine, the card is blocked.');
  await open('Résumé upload fails', 'The naïve uploader rejects my CV.');
  const renamed = await open('Old subject', 'Statement missing for March.');
  await desk.tickets.update(renamed.id, { subject: 'Quarterly statement' }, { actor: agent });
});
afterAll(async () => {
  await storage.close?.();
  temp.cleanup();
});

test('subject matches rank above matches in a message', async () => {
  expect(subjects(await desk.tickets.search('password', { actor: agent }))).toEqual(['Password reset', 'Card blocked']);
});

test('accents and case do not matter; words match whole', async () => {
  expect(subjects(await desk.tickets.search('resume NAIVE', { actor: agent }))).toEqual(['Résumé upload fails']);
  expect(subjects(await desk.tickets.search('upload', { actor: agent }))).toEqual(['Résumé upload fails']);
  expect(subjects(await desk.tickets.search('uploa', { actor: agent }))).toEqual([]);
});

test('a changed subject is searchable at once, the old one no more', async () => {
  expect(subjects(await desk.tickets.search('quarterly march', { actor: agent }))).toEqual(['Quarterly statement']);
  // The old subject is gone from the index (the thread's "Updated subject" event still mentions it, by design).
  const inSubjects = (word: string) =>
    storage.database
      .prepare('SELECT count(*) FROM thread_search WHERE thread_search MATCH ?')
      .pluck()
      .get(`subject : ${word}`);
  expect(inSubjects('old')).toBe(0);
  expect(inSubjects('quarterly')).toBe(2);
});

test('no user text ever becomes FTS5 syntax', async () => {
  const syntax = fc.constantFrom(
    '"',
    "'",
    '*',
    '(',
    ')',
    ':',
    '^',
    '-',
    '+',
    'NEAR',
    'AND',
    'OR',
    'NOT',
    '{',
    '}',
    ' ',
    'password',
  );
  await fc.assert(
    fc.asyncProperty(fc.array(syntax, { minLength: 1, maxLength: 12 }), async (parts) => {
      const text = parts.join('');
      const result = await desk.tickets.search(text, { actor: agent }).then(
        (page) => page,
        (error: { code?: string }) => error,
      );
      // Either it names a word to look for, or it is refused as input; it never reaches SQLite as syntax.
      if ('items' in result) expect(Array.isArray(result.items)).toBe(true);
      else expect(result.code).toBe('VALIDATION_FAILED');
    }),
    { numRuns: 300 },
  );
});
