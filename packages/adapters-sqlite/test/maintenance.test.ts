import { createHelpDesk } from '@ticketkit/core';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { sqliteStorage } from '../src/index.js';
import { tempDirectory } from './support/temp-database.js';

const temp = tempDirectory();
afterAll(() => temp.cleanup());

test('an online backup taken while the desk writes is a complete, consistent database', async () => {
  const storage = sqliteStorage({ filename: temp.file() });
  const desk = await createHelpDesk({ storage });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  const customer = { type: 'customer', email: 'ken@example.com' } as const;
  for (let index = 0; index < 50; index++) {
    await desk.tickets.open({ subject: `Before ${index}`, body: 'Hello', departmentId: 'help' }, { actor: customer });
  }
  // Keep writing while the backup runs.
  let writing = true;
  const writer = (async () => {
    let index = 0;
    while (writing) {
      await desk.tickets.open(
        { subject: `During ${index++}`, body: 'Hello', departmentId: 'help' },
        { actor: customer },
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    return index;
  })();
  await storage.backup(temp.file('backup.db'));
  writing = false;
  const during = await writer;
  await desk.close();

  const copy = new Database(temp.file('backup.db'), { readonly: true });
  expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
  const tickets = Number(copy.prepare('SELECT count(*) FROM tickets').pluck().get());
  expect(tickets).toBeGreaterThanOrEqual(50);
  expect(tickets).toBeLessThanOrEqual(50 + during);
  // Every ticket in the copy has its first message: no commit is in it by half.
  expect(
    copy
      .prepare(
        "SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_log l WHERE l.ticket_seq = t.seq AND l.kind = 'entry')",
      )
      .pluck()
      .get(),
  ).toBe(0);
  copy.close();

  // The backup is a desk of its own.
  const restored = await createHelpDesk({ storage: sqliteStorage({ filename: temp.file('backup.db') }) });
  expect((await restored.queues.counts({ actor: { type: 'system' } })).all).toBe(tickets);
  await restored.close();
});

test('optimize refreshes the planner statistics', async () => {
  const storage = sqliteStorage({ filename: temp.file('optimize.db') });
  const desk = await createHelpDesk({ storage });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  for (let index = 0; index < 20; index++) {
    await desk.tickets.open(
      { subject: `T ${index}`, body: 'Hi', departmentId: 'help' },
      { actor: { type: 'customer', email: 'a@b.co' } },
    );
  }
  const stats = () =>
    Number(storage.database.prepare("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'tickets'").pluck().get());
  // A new file has no statistics (taking them of an empty file misleads the planner later).
  expect(storage.database.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'").pluck().get()).toBe(
    0,
  );
  storage.optimize();
  expect(stats()).toBeGreaterThan(5);
  await desk.close();
});
