import { createHelpDesk } from '@ticketkit/core';
import { afterAll, expect, test } from 'vitest';
import { sqliteStorage } from '../src/index.js';
import { runFixture } from './support/child-process.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * Four processes, one database file, one ticket: thousands of read-modify-write
 * commands. Not one update is lost: every note is there, and the ticket's
 * version counts every committed write. Conflicts surface as CONFLICT.
 */

const temp = tempDirectory();
afterAll(() => temp.cleanup());

test('four processes writing one ticket lose nothing', { timeout: 240_000 }, async () => {
  const storage = sqliteStorage({ filename: temp.file() });
  const desk = await createHelpDesk({ storage });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const ticket = await desk.tickets.open(
    { subject: 'Contended', body: 'Everyone writes here', departmentId: 'help' },
    { actor: { type: 'customer', email: 'ken@example.com' } },
  );
  const NOTES = 500;
  const UPDATES = 100;
  const runs = await Promise.all(
    ['w1', 'w2', 'w3', 'w4'].map((name) =>
      runFixture('note-writer.ts', [temp.file(), ticket.id, String(NOTES), String(UPDATES), name]),
    ),
  );
  const results = runs.map((run) => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as { notes: number; updates: number; conflicts: number; otherErrors: string[] };
  });
  for (const result of results) {
    expect(result.otherErrors).toEqual([]);
    expect(result.notes).toBe(NOTES);
    expect(result.updates + result.conflicts).toBe(UPDATES);
  }
  const updates = results.reduce((total, result) => total + result.updates, 0);
  const conflicts = results.reduce((total, result) => total + result.conflicts, 0);
  const stored = await desk.tickets.get(ticket.id, { actor: { type: 'agent', id: 'ann' } });
  const thread = await desk.tickets.thread(ticket.id, { actor: { type: 'agent', id: 'ann' } });
  const notes = thread.filter((entry) => entry.kind === 'note').map((entry) => entry.body);
  expect(new Set(notes).size).toBe(4 * NOTES);
  for (const name of ['w1', 'w2', 'w3', 'w4']) {
    for (let index = 0; index < NOTES; index++) expect(notes).toContain(`${name} note ${index}`);
  }
  // Version 1 at open, plus one per committed note and update.
  expect(stored.version).toBe(1 + 4 * NOTES + updates);
  expect((await desk.tickets.history(ticket.id, { actor: { type: 'agent', id: 'ann' } })).length).toBe(stored.version);
  console.log(
    `lost updates: ${4 * NOTES} notes and ${updates} updates committed, ${conflicts} updates refused with CONFLICT`,
  );
  await desk.close();
});
