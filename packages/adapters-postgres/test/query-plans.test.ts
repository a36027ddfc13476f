import { QUEUE_NAMES, queueDefinition, searchTerms, type TicketFilter } from '@ticketkit/core';
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type PgPool, type PostgresStorage, postgresStorage } from '../src/index.js';
import { dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * Every queue page (first and deep, across all departments, one, and
 * several), the due-ticket batch and claim, delivery claims and a search read an
 * index and never sort or scan the table: asserted on EXPLAIN of the exact
 * statements the adapter runs, after ANALYZE on 20,000 tickets.
 */

const TICKETS = 20_000;
const raw = testPool(3);
const schema = schemaName('tk_plans');
const recorded: { text: string; values: readonly unknown[] }[] = [];
let storage: PostgresStorage;

// A pool that remembers every statement the adapter sends.
function recordingPool(pool: pg.Pool): PgPool {
  return {
    query: ((text: string, values?: readonly unknown[]) => {
      recorded.push({ text, values: values ?? [] });
      return pool.query(text, values as unknown[]);
    }) as PgPool['query'],
    connect: () => pool.connect() as never,
    end: () => pool.end(),
    on: (event, listener) => pool.on(event, listener),
  };
}

beforeAll(async () => {
  storage = postgresStorage({ pool: recordingPool(raw), schema });
  await storage.init();
  const t = (name: string) => `"${schema}"."${name}"`;
  // Written in SQL: twenty thousand commits through the adapter would take the test's whole budget.
  await raw.query(`INSERT INTO ${t('tickets')}
    (id, number, status, department_id, team_id, assignee_id, sla_state, requester_email, subject, created_at,
     next_check_at, version, data)
    SELECT 'ticket-' || lpad(i::text, 6, '0'), lpad(i::text, 6, '0'),
      (ARRAY['open', 'in_progress', 'awaiting_customer', 'resolved', 'closed'])[1 + i % 5],
      (ARRAY['help', 'l2', 'billing', 'sales', 'fraud'])[1 + (i / 7) % 5],
      NULL, CASE i % 4 WHEN 1 THEN 'ann' WHEN 2 THEN 'bob' END,
      CASE WHEN i % 11 = 0 THEN 'breached' ELSE 'on_track' END,
      'customer' || (i % 900) || '@example.com', 'Ticket ' || i,
      timestamptz '2026-01-01' + i * interval '1 minute',
      CASE WHEN i % 5 < 3 THEN timestamptz '2026-03-01' + i * interval '1 minute' END,
      1, jsonb_build_object('id', 'ticket-' || lpad(i::text, 6, '0'), 'createdAt',
        to_char((timestamptz '2026-01-01' + i * interval '1 minute') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    FROM generate_series(1, ${TICKETS}) i`);
  await raw.query(`INSERT INTO ${t('thread_entries')} (id, ticket_id, body, search, data)
    SELECT 'entry-' || i, 'ticket-' || lpad(i::text, 6, '0'), 'body ' || i,
      array_to_tsvector(ARRAY['ticket', i::text, 'word' || (i % 1000), 'common']), '{}'
    FROM generate_series(1, ${TICKETS}) i`);
  await raw.query(`INSERT INTO ${t('deliveries')}
    (id, message_id, ticket_id, status, next_attempt_at, claimed_by, claimed_until, created_at, data)
    SELECT 'delivery-' || i, 'message-' || i, 'ticket-' || lpad(i::text, 6, '0'),
      CASE WHEN i % 50 = 0 THEN 'pending' ELSE 'delivered' END,
      timestamptz '2026-01-01' + i * interval '1 minute', NULL, NULL,
      timestamptz '2026-01-01' + i * interval '1 minute', '{}'
    FROM generate_series(1, ${TICKETS}) i`);
  // Priorities and first-response due times, in the JSON and in the columns the commit keeps from it.
  await raw.query(`UPDATE ${t('tickets')} SET
      data = data || jsonb_build_object(
        'priority', (ARRAY['urgent', 'high', 'normal', 'low'])[1 + n % 4],
        'status', status,
        'firstResponseDueAt', CASE WHEN n % 3 > 0
          THEN to_char((timestamptz '2026-03-01' + (n % 97) * interval '1 minute') AT TIME ZONE 'UTC',
            'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
        'firstRespondedAt', NULL, 'resolutionDueAt', NULL),
      priority_rank = n % 4,
      due_at = CASE WHEN n % 3 > 0 AND status NOT IN ('resolved', 'closed')
        THEN timestamptz '2026-03-01' + (n % 97) * interval '1 minute' ELSE 'infinity' END
    FROM (SELECT id AS ticket_id, number::int AS n FROM ${t('tickets')}) numbered
    WHERE id = numbered.ticket_id`);
  // As autovacuum would: statistics, and the GIN index's pending list merged into the index.
  await raw.query(`VACUUM ANALYZE ${t('tickets')}, ${t('thread_entries')}, ${t('deliveries')}`);
  // Twenty thousand rows written, updated and analyzed: more than the default ten seconds on a loaded machine.
}, 60_000);

afterAll(async () => {
  await dropSchema(raw, schema);
  await raw.end();
});

/** EXPLAIN of the last statement the adapter ran (after `run`; the last that `pick` accepts), as text. */
async function planOf(run: () => Promise<unknown>, pick: (text: string) => boolean = () => true): Promise<string> {
  recorded.length = 0;
  await run();
  const statement = recorded.findLast((each) => pick(each.text));
  if (!statement) throw new Error('the adapter ran no statement');
  const result = await raw.query(`EXPLAIN ${statement.text}`, statement.values as unknown[]);
  return result.rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
}

const expectIndexedWithoutSort = (plan: string, index: RegExp, what: string) => {
  expect(plan, `${what}\n${plan}`).toMatch(index);
  expect(plan, `${what} scans a table\n${plan}`).not.toMatch(/Seq Scan/);
  expect(plan, `${what} sorts\n${plan}`).not.toMatch(/(^|->\s+)(Incremental )?Sort\s/m);
};

const SCOPES: [string, string[] | undefined][] = [
  ['every department', undefined],
  ['one department', ['l2']],
  ['three departments', ['help', 'l2', 'billing']],
];

test('every queue page, first and deep, reads an index range without sorting', async () => {
  for (const name of QUEUE_NAMES) {
    for (const [scope, departmentIds] of SCOPES) {
      const { filter, order, departmentScoped } = queueDefinition(name, 'ann');
      const scoped: TicketFilter = departmentScoped && departmentIds ? { ...filter, departmentIds } : filter;
      const first = await storage.listTickets({ filter: scoped, order, limit: 25 });
      expect(first.nextCursor, `${name} (${scope}) has a second page`).not.toBeNull();
      for (const cursor of [null, first.nextCursor]) {
        const plan = await planOf(() => storage.listTickets({ filter: scoped, order, limit: 25, cursor }));
        // Work queues read the partial indexes in `priority` order (002-queue-order.ts).
        const index =
          order === 'priority'
            ? /Index Scan using tickets_\w*priority/
            : /Index (Only )?Scan( Backward)? using tickets_/;
        expectIndexedWithoutSort(plan, index, `queue ${name} (${scope})`);
        if (process.env.SHOW_PLANS) console.log(name, scope, cursor ? 'deep' : 'first', '\n', plan);
      }
    }
  }
});

test('a customer’s tickets, the due batch and delivery claims read their indexes', async () => {
  // One customer's few tickets: the planner may sort the couple of dozen rows it reads from the index.
  const requester = await planOf(() =>
    storage.listTickets({ filter: { requesterEmail: 'customer7@example.com' }, order: 'newest', limit: 25 }),
  );
  expect(requester).toMatch(/tickets_requester/);
  expect(requester).not.toMatch(/Seq Scan/);
  expectIndexedWithoutSort(
    await planOf(() => storage.listDueTickets({ dueBefore: '2026-03-02T00:00:00.000Z', limit: 100 })),
    /tickets_due/,
    'due tickets',
  );
  const claim = await planOf(() =>
    storage.claimDeliveries({
      owner: 'a',
      now: '2026-01-05T00:00:00.000Z',
      until: '2026-01-05T00:01:00.000Z',
      limit: 20,
    }),
  );
  expect(claim).toMatch(/deliveries_due/);
  expect(claim).toMatch(/LockRows/);
  expect(claim).not.toMatch(/Seq Scan/);
  // The due claim walks the due index in order, locks and stops at the limit (no sort of the whole backlog);
  // the tickets it returns come by primary key, sorted as at most 100 rows. The leases table, small here,
  // may be read whole.
  const dueClaim = await planOf(() =>
    storage.claimDueTickets({
      dueBefore: '2026-03-02T00:00:00.000Z',
      limit: 100,
      owner: 'a',
      now: '2026-03-02T00:00:00.000Z',
      until: '2026-03-02T00:05:00.000Z',
    }),
  );
  const picking = dueClaim.slice(dueClaim.indexOf('CTE due'), dueClaim.indexOf('CTE claimed'));
  expect(picking, dueClaim).toMatch(/Limit[\s\S]*LockRows[\s\S]*Index Scan using tickets_due/);
  expect(picking, dueClaim).not.toMatch(/Sort/);
  expect(dueClaim).not.toMatch(/Seq Scan on tickets/);
});

test('search reads the GIN index of the search vectors', async () => {
  const text = 'word417 ticket';
  const plan = await planOf(
    () => storage.searchTickets({ text, terms: searchTerms(text), filter: {}, limit: 10 }),
    (statement) => statement.includes('@@'),
  );
  expect(plan).toMatch(/Bitmap Index Scan on thread_entries_search/);
  expect(plan).not.toMatch(/Seq Scan/);
  const page = await storage.searchTickets({ text, terms: searchTerms(text), filter: {}, limit: 50 });
  expect(page.items.length).toBe(20);
});

test('counts read the count table, never the tickets', async () => {
  await storage.countTickets({ open: { statuses: ['open', 'in_progress'], departmentIds: ['help'] } });
  const plan = await planOf(() =>
    storage.countTickets({ open: { statuses: ['open', 'in_progress'], departmentIds: ['help'] } }),
  );
  expect(plan).not.toMatch(/on tickets/);
  expect(plan).toMatch(/ticket_counts/);
});

test('the counts of every queue in every department are one statement on the count table', async () => {
  // The filters `desk.queues.countsByDepartment` asks for: each queue, in total and per department.
  const filters: Record<string, TicketFilter> = {};
  for (const name of QUEUE_NAMES) {
    const { filter } = queueDefinition(name, 'ann');
    filters[`total:${name}`] = filter;
    for (const departmentId of ['help', 'l2', 'billing'])
      filters[`${departmentId}:${name}`] = { ...filter, departmentIds: [departmentId] };
  }
  recorded.length = 0;
  const counts = await storage.countTickets(filters);
  // (The tickets here are written in SQL, past the count table: what is under test is the plan.)
  expect(Object.keys(counts).sort()).toEqual(Object.keys(filters).sort());
  expect(recorded.filter((statement) => /ticket_counts/.test(statement.text))).toHaveLength(1);
  const plan = await planOf(() => storage.countTickets(filters));
  expect(plan).not.toMatch(/on tickets/);
  expect(plan).toMatch(/ticket_counts/);
});

test('mine in one department reads an index range without sorting', async () => {
  const { filter, order } = queueDefinition('mine', 'ann');
  const scoped = { ...filter, departmentIds: ['l2'] };
  const first = await storage.listTickets({ filter: scoped, order, limit: 25 });
  expect(first.items.length).toBe(25);
  for (const cursor of [null, first.nextCursor]) {
    const plan = await planOf(() => storage.listTickets({ filter: scoped, order, limit: 25, cursor }));
    expectIndexedWithoutSort(plan, /Index (Only )?Scan( Backward)? using tickets_/, 'mine in l2');
  }
});

test('a department named twice lists its tickets once', async () => {
  const once = await storage.listTickets({ filter: { departmentIds: ['l2'] }, order: 'oldest', limit: 50 });
  const twice = await storage.listTickets({ filter: { departmentIds: ['l2', 'l2'] }, order: 'oldest', limit: 50 });
  expect(twice.items.map((ticket) => ticket.id)).toEqual(once.items.map((ticket) => ticket.id));
});
