import { createHelpDesk, type HelpDesk, manualClock, QUEUE_NAMES } from '@ticketkit/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SqliteStorage, sqliteStorage } from '../src/index.js';
import { type Execution, recordingDatabase } from './support/recording-database.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * Every queue page (first and deep), every count and the SLA candidate batch
 * read an index and never sort: asserted on EXPLAIN QUERY PLAN of the exact
 * statements the adapter runs, after ANALYZE on a populated file.
 */

const temp = tempDirectory();
const raw = new Database(temp.file());
const recording = recordingDatabase(raw);
let storage: SqliteStorage;
let desk: HelpDesk;
const actors = {
  admin: { type: 'agent', id: 'admin' },
  single: { type: 'agent', id: 'ann' },
  multi: { type: 'agent', id: 'multi' },
  customer: { type: 'customer', email: 'customer3@example.com' },
} as const;

beforeAll(async () => {
  storage = sqliteStorage({ database: recording.database });
  const clock = manualClock('2026-03-02T09:00:00Z');
  desk = await createHelpDesk({ storage, clock });
  for (const id of ['help', 'l2', 'billing']) await desk.departments.upsert({ id, name: id });
  await desk.agents.upsert({ id: 'admin', name: 'Admin', email: 'admin@bank.test', role: 'admin' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({
    id: 'multi',
    name: 'Multi',
    email: 'multi@bank.test',
    departmentIds: ['help', 'l2', 'billing'],
  });
  for (let index = 0; index < 300; index++) {
    clock.advance('1m');
    const ticket = await desk.tickets.open(
      {
        requester: { email: `customer${index % 10}@example.com` },
        subject: `Ticket ${index}`,
        body: 'Hello',
        departmentId: ['help', 'l2', 'billing'][index % 3],
      },
      { actor: actors.admin },
    );
    if (index % 4 === 1) await desk.tickets.assign(ticket.id, { agentId: 'admin' }, { actor: actors.admin });
    if (index % 5 === 2) await desk.tickets.requestInfo(ticket.id, { body: '?' }, { actor: actors.admin });
    if (index % 7 === 3) await desk.tickets.resolve(ticket.id, { resolutionNote: 'x' }, { actor: actors.admin });
  }
  storage.optimize();
});

afterAll(async () => {
  await storage.close?.();
  raw.close();
  temp.cleanup();
});

function plan(execution: Execution): string[] {
  const rows = raw.prepare(`EXPLAIN QUERY PLAN ${execution.sql}`).all(...execution.params) as { detail: string }[];
  return rows.map((row) => row.detail);
}

async function statementsOf(run: () => Promise<unknown>): Promise<Execution[]> {
  const start = recording.executions.length;
  await run();
  // Queries of tickets and their counts; the directory look-up of the actor is not under test here.
  return recording.executions
    .slice(start)
    .filter((execution) => /^\s*(SELECT|WITH)/i.test(execution.sql) && !/FROM directory/.test(execution.sql));
}

function expectIndexedWithoutSort(executions: Execution[], label: string) {
  expect(executions.length, label).toBeGreaterThan(0);
  for (const execution of executions) {
    const details = plan(execution);
    const text = details.join(' | ');
    if (process.env.SHOW_PLANS) console.log(label, '=>', text);
    expect(text, `${label}: ${execution.sql}`).not.toMatch(/TEMP B-TREE/);
    expect(text, `${label}: ${execution.sql}`).not.toMatch(/SCAN tickets(?! USING)/);
    if (/FROM tickets/.test(execution.sql))
      expect(text, label).toMatch(/(SEARCH|SCAN) tickets USING (COVERING )?INDEX/);
  }
}

describe.each(Object.entries(actors).filter(([kind]) => kind !== 'customer'))('queues for %s', (kind, actor) => {
  test.each([...QUEUE_NAMES])('%s: first and deep page read an index without sorting', async (name) => {
    const first = await statementsOf(() => desk.queues.list(name, { actor, limit: 5 }));
    expectIndexedWithoutSort(first, `${kind} ${name} first page`);
    const page = await desk.queues.list(name, { actor, limit: 5 });
    if (page.nextCursor) {
      const deep = await statementsOf(() => desk.queues.list(name, { actor, limit: 5, cursor: page.nextCursor }));
      expectIndexedWithoutSort(deep, `${kind} ${name} deep page`);
    }
  });

  test('the counts of all queues never scan tickets or sort', async () => {
    const executions = await statementsOf(() => desk.queues.counts({ actor }));
    expect(executions).toHaveLength(QUEUE_NAMES.length);
    for (const execution of executions) {
      const text = plan(execution).join(' | ');
      expect(text, execution.sql).not.toMatch(/tickets|TEMP B-TREE/);
      expect(text, execution.sql).toMatch(/ticket_counts/);
      if (process.env.SHOW_PLANS) console.log(kind, execution.sql.replace(/\s+/g, ' '), '=>', text);
    }
  });
});

test("a customer's own tickets read the requester index", async () => {
  const executions = await statementsOf(() => desk.queues.list('mine', { actor: actors.customer, limit: 5 }));
  expectIndexedWithoutSort(executions, 'customer mine');
  expect(plan(executions[0] as Execution).join(' ')).toMatch(/tickets_requester/);
});

test('the SLA candidate batch reads the due-time index', async () => {
  const executions = await statementsOf(
    () => storage.listSlaCandidates?.({ dueBefore: '2026-03-03T00:00:00.000Z', limit: 100 }) ?? Promise.resolve([]),
  );
  expectIndexedWithoutSort(executions, 'SLA candidates');
  expect(plan(executions[0] as Execution).join(' ')).toMatch(/tickets_sla_due/);
});
