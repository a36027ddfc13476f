import {
  createHelpDesk,
  type Delivery,
  type HelpDesk,
  manualClock,
  QUEUE_NAMES,
  type QueueName,
  type Ticket,
} from '@ticketkit/core';
import { makeDelivery, makeOutboxMessage } from '@ticketkit/core/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SqliteStorage, sqliteStorage } from '../src/index.js';
import { type Execution, recordingDatabase } from './support/recording-database.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * Every queue page (first and deep), every count, the due-ticket batch, the
 * outbox reads, delivery claims and every delivery list read an index (or a
 * rowid range) and never sort, and one delivery or lease is read and written
 * by its key: asserted on EXPLAIN QUERY PLAN of the exact statements the
 * adapter runs, after ANALYZE on a populated file.
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
  // An SLA plan on half the tickets: due times to order by, and breaches for the overdue queue.
  await desk.slaPlans.upsert({ id: 'fast', name: 'Fast', firstResponseWithin: '30m', resolveWithin: '4h' });
  for (let index = 0; index < 300; index++) {
    clock.advance('1m');
    const ticket = await desk.tickets.open(
      {
        requester: { email: `customer${index % 10}@example.com` },
        subject: `Ticket ${index}`,
        body: 'Hello',
        departmentId: ['help', 'l2', 'billing'][index % 3],
        priority: (['low', 'normal', 'high', 'urgent'] as const)[index % 4],
      },
      { actor: actors.admin },
    );
    if (index % 2 === 0) await desk.tickets.update(ticket.id, { slaPlanId: 'fast' }, { actor: actors.admin });
    if (index % 4 === 1) await desk.tickets.assign(ticket.id, { agentId: 'admin' }, { actor: actors.admin });
    if (index % 5 === 2) await desk.tickets.requestInfo(ticket.id, { body: '?' }, { actor: actors.admin });
    if (index % 7 === 3) await desk.tickets.resolve(ticket.id, { resolutionNote: 'x' }, { actor: actors.admin });
  }
  for (let sweep = 0; sweep < 5; sweep++) await desk.scheduler.runOnce();
  await writeOutboxAndDeliveries();
  storage.optimize();
});

afterAll(async () => {
  await storage.close?.();
  raw.close();
  temp.cleanup();
});

const minute = (n: number) => new Date(Date.UTC(2026, 2, 2, 9, 0) + n * 60_000).toISOString();

/** An outbox message on each of 150 tickets: most dispatched to five deliveries, some deferred, some pending. */
async function writeOutboxAndDeliveries() {
  const tickets = (await storage.listTickets({ filter: {}, order: 'oldest', limit: 100 })).items;
  tickets.push(...(await storage.listTickets({ filter: {}, order: 'newest', limit: 50 })).items);
  const statuses: Delivery['status'][] = ['pending', 'retrying', 'delivered', 'dead'];
  for (const [index, ticket] of tickets.entries()) {
    const message = makeOutboxMessage(ticket, { nextAttemptAt: minute(index), createdAt: minute(index) });
    await storage.commit({
      ticket: { kind: 'update', ticket: { ...ticket, version: ticket.version + 1 }, expectedVersion: ticket.version },
      thread: [],
      audit: [],
      outbox: [message],
    });
    if (index % 5 === 1) {
      await storage.deferOutbox({
        messageId: message.id,
        ticketId: ticket.id,
        status: 'pending',
        attempts: 1,
        nextAttemptAt: minute(index + 600),
        lastError: 'unavailable',
        at: minute(index),
      });
    } else if (index % 5 !== 4) {
      const deliveries = [0, 1, 2, 3, 4].map((n) =>
        makeDelivery(message, ticket, {
          status: statuses[(index + n) % 4],
          nextAttemptAt: minute(index + n),
          createdAt: minute(index),
        }),
      );
      await storage.dispatchOutbox({ messageId: message.id, ticketId: ticket.id, deliveries, at: minute(index) });
    }
  }
  await storage.claimDeliveries({ owner: 'setup', now: minute(60), until: minute(9999), limit: 40 });
}

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

  test('the counts per department are summed from the count table too', async () => {
    const departments = (await desk.queues.countsByDepartment({ actor })).departments.length;
    expect(departments).toBeGreaterThan(0);
    const executions = await statementsOf(() => desk.queues.countsByDepartment({ actor }));
    expect(executions).toHaveLength(QUEUE_NAMES.length * (1 + departments));
    for (const execution of executions) {
      const text = plan(execution).join(' | ');
      expect(text, execution.sql).not.toMatch(/tickets|TEMP B-TREE/);
      expect(text, execution.sql).toMatch(/ticket_counts/);
    }
  });

  test.each([...QUEUE_NAMES])(
    '%s in one department: first and deep page read an index without sorting',
    async (name) => {
      const departmentId = kind === 'single' ? 'help' : 'l2';
      const first = await statementsOf(() => desk.queues.list(name, { actor, departmentId, limit: 5 }));
      expectIndexedWithoutSort(first, `${kind} ${name} in ${departmentId}, first page`);
      const page = await desk.queues.list(name, { actor, departmentId, limit: 5 });
      if (page.nextCursor) {
        const deep = await statementsOf(() =>
          desk.queues.list(name, { actor, departmentId, limit: 5, cursor: page.nextCursor }),
        );
        expectIndexedWithoutSort(deep, `${kind} ${name} in ${departmentId}, deep page`);
      }
    },
  );
});

const WORK_QUEUES: [QueueName, RegExp][] = [
  ['open', /tickets_work_priority/],
  ['unassigned', /tickets_unassigned_priority/],
  ['overdue', /tickets_overdue_priority/],
  ['awaiting_customer', /tickets_awaiting_priority/],
];
test.each(WORK_QUEUES)(
  '%s in priority order: its partial index, a deep page seeks past the cursor',
  async (name, index) => {
    const first = await statementsOf(() => desk.queues.list(name, { actor: actors.admin, limit: 2 }));
    expect(plan(first[0] as Execution).join(' | ')).toMatch(index);
    expect((first[0] as Execution).sql).toMatch(/ORDER BY priority_rank ASC, due_at ASC, created_at ASC, id ASC/);
    const page = await desk.queues.list(name, { actor: actors.admin, limit: 2 });
    expect(page.nextCursor, `${name} has a second page`).not.toBeNull();
    const deep = await statementsOf(() =>
      desk.queues.list(name, { actor: actors.admin, limit: 2, cursor: page.nextCursor }),
    );
    const text = plan(deep[0] as Execution).join(' | ');
    expect(text).toMatch(index);
    expect(text).toMatch(/\(priority_rank,due_at,created_at,id\)>\(\?,\?,\?,\?\)/);
  },
);

test("a customer's own tickets read the requester index", async () => {
  const executions = await statementsOf(() => desk.queues.list('mine', { actor: actors.customer, limit: 5 }));
  expectIndexedWithoutSort(executions, 'customer mine');
  expect(plan(executions[0] as Execution).join(' ')).toMatch(/tickets_requester/);
});

test('the due-ticket batch reads the due-time index', async () => {
  const executions = await statementsOf(() =>
    storage.listDueTickets({ dueBefore: '2026-03-03T00:00:00.000Z', limit: 100 }),
  );
  expectIndexedWithoutSort(executions, 'due tickets');
  expect(plan(executions[0] as Execution).join(' ')).toMatch(/tickets_due/);
});

/** Every statement: no sort, no full scan of a table (a SCAN of an index is in order, and bounded by LIMIT). */
function expectNoScanOrSort(executions: Execution[], label: string) {
  expect(executions.length, label).toBeGreaterThan(0);
  for (const execution of executions) {
    const text = plan(execution).join(' | ');
    if (process.env.SHOW_PLANS) console.log(label, execution.sql.replace(/\s+/g, ' '), '=>', text);
    expect(text, `${label}: ${execution.sql}`).not.toMatch(/TEMP B-TREE/);
    expect(text, `${label}: ${execution.sql}`).not.toMatch(/SCAN \w+(?!\w| USING (COVERING )?INDEX)/);
  }
}

const planOf = (executions: Execution[], pattern: RegExp) => {
  const execution = executions.find((candidate) => pattern.test(candidate.sql));
  expect(execution, String(pattern)).toBeDefined();
  return plan(execution as Execution).join(' | ');
};

describe('the outbox and the delivery log', () => {
  test('pending messages: the deferred ones by key, then the log as a rowid range from the cursor', async () => {
    const executions = await statementsOf(() => storage.listPendingOutbox({ dueBefore: minute(9999), limit: 100 }));
    expectNoScanOrSort(executions, 'pending outbox');
    expect(planOf(executions, /FROM outbox_deferred/)).toMatch(
      /SEARCH deferred USING INTEGER PRIMARY KEY \(rowid<\?\).*SEARCH log USING INTEGER PRIMARY KEY \(rowid=\?\)/,
    );
    expect(planOf(executions, /FROM ticket_log AS log NOT INDEXED/)).toMatch(
      /^SEARCH log USING INTEGER PRIMARY KEY \(rowid>\?\)/,
    );
  });

  test('dispatch and deferral find the message through its ticket, and move the cursor by rowid', async () => {
    const [ticket] = (await storage.listTickets({ filter: {}, order: 'newest', limit: 1 })).items as [Ticket];
    const messages = [makeOutboxMessage(ticket), makeOutboxMessage(ticket)];
    await storage.commit({
      ticket: { kind: 'update', ticket: { ...ticket, version: ticket.version + 1 }, expectedVersion: ticket.version },
      thread: [],
      audit: [],
      outbox: messages,
    });
    const [first, second] = messages as [(typeof messages)[0], (typeof messages)[0]];
    const executions = [
      ...(await statementsOf(() =>
        storage.dispatchOutbox({ messageId: first.id, ticketId: ticket.id, deliveries: [], at: minute(1) }),
      )),
      ...(await statementsOf(() =>
        storage.deferOutbox({
          messageId: second.id,
          ticketId: ticket.id,
          status: 'pending',
          attempts: 1,
          nextAttemptAt: minute(9),
          lastError: 'unavailable',
          at: minute(1),
        }),
      )),
    ];
    expectNoScanOrSort(executions, 'dispatch and deferral');
    expect(planOf(executions, /json_extract\(log\.data, '\$\.outbox\.id'\)/)).toMatch(
      /SEARCH log USING INDEX ticket_log_ticket \(ticket_seq=\?\)/,
    );
    expect(planOf(executions, /FROM ticket_log NOT INDEXED/)).toMatch(
      /^SEARCH ticket_log USING INTEGER PRIMARY KEY \(rowid>\?\)/,
    );
  });

  test('a claim reads the due index in order', async () => {
    const executions = await statementsOf(() =>
      storage.claimDeliveries({ owner: 'plans', now: minute(9999), until: minute(99999), limit: 5 }),
    );
    expectNoScanOrSort(executions, 'claim');
    expect(planOf(executions, /FROM deliveries/)).toMatch(
      /SEARCH deliveries USING INDEX deliveries_due \(next_attempt_at<\?\)/,
    );
  });

  const shapes: [string, () => { ticketId?: string; status?: Delivery['status'] }, RegExp][] = [
    ['all', () => ({}), /(SCAN|SEARCH) deliveries USING INDEX deliveries_created/],
    ['by ticket', () => ({ ticketId: someTicketId }), /SEARCH deliveries USING INDEX deliveries_ticket \(ticket_id=\?/],
    ['by status', () => ({ status: 'delivered' }), /SEARCH deliveries USING INDEX deliveries_status \(status=\?/],
    [
      'by ticket and status',
      () => ({ ticketId: someTicketId, status: twiceStatus }),
      /SEARCH deliveries USING INDEX deliveries_ticket \(ticket_id=\?/,
    ],
  ];
  // A ticket with two deliveries in one status, so that status has a second page.
  let someTicketId = '';
  let twiceStatus: Delivery['status'] = 'pending';
  beforeAll(async () => {
    const { items } = await storage.listDeliveries({ limit: 1 });
    someTicketId = (items[0] as Delivery).ticketId;
    const statuses = (await storage.listDeliveries({ ticketId: someTicketId, limit: 100 })).items.map(
      (delivery) => delivery.status,
    );
    twiceStatus = statuses.find((status, index) => statuses.indexOf(status) !== index) ?? 'pending';
  });
  test.each(shapes)(
    'deliveries %s: first and deep page read one index range without sorting',
    async (label, query, index) => {
      const first = await statementsOf(() => storage.listDeliveries({ ...query(), limit: 1 }));
      expectNoScanOrSort(first, `deliveries ${label}, first page`);
      expect(planOf(first, /FROM deliveries/)).toMatch(index);
      const page = await storage.listDeliveries({ ...query(), limit: 1 });
      expect(page.nextCursor, label).not.toBeNull();
      const deep = await statementsOf(() => storage.listDeliveries({ ...query(), limit: 1, cursor: page.nextCursor }));
      expectNoScanOrSort(deep, `deliveries ${label}, deep page`);
      expect(planOf(deep, /FROM deliveries/)).toMatch(index);
    },
  );

  test("one delivery and one lease are read and written by key: the claim's update, get, update, release", async () => {
    const start = recording.executions.length;
    const [claimed] = await storage.claimDeliveries({
      owner: 'keys',
      now: minute(9999),
      until: minute(99999),
      limit: 1,
    });
    expect(claimed).toBeDefined();
    const delivery = claimed as Delivery;
    expect(await storage.getDelivery(delivery.id)).toEqual(delivery);
    expect(await storage.updateDelivery({ ...delivery, claimedBy: null, claimedUntil: null }, 'keys')).toBe(true);
    expect(await storage.acquireLease({ name: 'plans', owner: 'keys', now: minute(0), until: minute(5) })).toBe(true);
    await storage.releaseLease('plans', 'keys');
    const executions = recording.executions.slice(start);
    const expected: [RegExp, RegExp][] = [
      [/^UPDATE deliveries SET claimed_by/, /^SEARCH deliveries USING INTEGER PRIMARY KEY \(rowid=\?\)$/],
      [
        /^SELECT data FROM deliveries WHERE id = \?/,
        /^SEARCH deliveries USING INDEX sqlite_autoindex_deliveries_1 \(id=\?\)$/,
      ],
      [/^UPDATE deliveries SET ticket_id/, /^SEARCH deliveries USING INDEX sqlite_autoindex_deliveries_1 \(id=\?\)$/],
      [/^DELETE FROM leases/, /^SEARCH leases USING PRIMARY KEY \(name=\?\)$/],
    ];
    for (const [statement, index] of expected) {
      const text = planOf(executions, statement);
      if (process.env.SHOW_PLANS) console.log(String(statement), '=>', text);
      expect(text, String(statement)).toMatch(index);
    }
  });
});
