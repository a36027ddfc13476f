/**
 * Latencies of the PostgreSQL adapter through the public API, on a schema
 * of its own: `node --import tsx bench/postgres-latency.ts --size 20000`
 * (`--url`, default $DATABASE_URL or the local test server). Loads `--size`
 * tickets the way the SQLite benchmark does (mostly closed, some open), then
 * measures commands and reads, prints a table, and drops the schema.
 * Run by `npm run bench -- --adapter postgres` (bench/postgres/run.ts), or on its own. Each read and command
 * is also measured as raw `pg` statements doing the same work in the same run, and given as a ratio of medians.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { postgresStorage } from '@ticketkit/adapter-postgres';
import {
  createHelpDesk,
  defaultSlaPolicy,
  encodeQueueCursor,
  manualClock,
  queuePosition,
  type Ticket,
} from '@ticketkit/core';
import pg from 'pg';
import { AGENTS_PER_DEPARTMENT, admin, agentOf, DEPARTMENTS, random, VOCABULARY } from './lib/dataset.js';
import { progressBar } from './lib/progress.js';
import { percentile, sampleMs } from './lib/stats.js';
import { bulkLoad, verifyBulkLoad } from './postgres/bulk-load.js';
import type { Metric } from './suites/metric.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '20000' },
    samples: { type: 'string', default: '300' },
    url: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    concurrency: { type: 'string', default: '8' },
    // Tickets created through the API; the rest of --size is copied from them in SQL (bench/postgres/bulk-load.ts).
    'api-tickets': { type: 'string', default: '20000' },
    // Where the figures go as JSON (Metric[]), for bench/postgres/run.ts.
    json: { type: 'string' },
    // --schema NAME --keep: leave the loaded desk in NAME; a later run with the same flags measures it again
    // instead of loading it anew (a million tickets take a while).
    schema: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const size = Number(values.size);
const samples = Number(values.samples);
const concurrency = Number(values.concurrency);
const apiTickets = Math.min(size, Number(values['api-tickets']));
const schema = values.schema ?? `tk_bench_${randomBytes(4).toString('hex')}`;
const pool = new pg.Pool({ connectionString: values.url, max: concurrency + 2 });
const clock = manualClock('2025-01-01T00:00:00Z');
const storage = postgresStorage({ pool, schema });
const desk = await createHelpDesk({
  storage,
  clock,
  notifiers: [{ id: 'email', send: async () => {} }],
  delivery: { sendAfterCommit: false },
  ticketNumber: { format: '##########' },
  sla: defaultSlaPolicy({
    plans: [{ id: 'sev-c', name: 'SEV C', firstResponseWithin: '8h', resolveWithin: '3d' }],
    defaultPlan: { fallback: 'sev-c' },
  }),
});
const rows: [string, string, string][] = [];
// The same figures for the JSON: goals where the issue sets one (queue page p99 ≤ 5 ms, search p95 ≤ 50 ms at a
// million tickets; counts as SQLite's ≤ 10 ms); the commands and the ratios against raw `pg` are reported, not judged.
const GOALS: Record<string, number> = {
  'open queue, first page (admin)': 5,
  'open queue, first page (agent)': 5,
  'open queue, deep page': 5,
  'counts of all queues (admin)': 10,
  'full-text search': 50,
};
const figures: (Omit<Metric, 'goal'> & { goal?: number })[] = [];
try {
  await desk.agents.upsert({ id: 'admin', name: 'Admin', email: 'admin@bank.test', role: 'admin' });
  for (const [index, id] of DEPARTMENTS.entries()) {
    await desk.departments.upsert({ id, name: `Department ${index}` });
    for (let agent = 0; agent < AGENTS_PER_DEPARTMENT; agent++) {
      await desk.agents.upsert({
        id: agentOf(index, agent).id,
        name: `Agent ${index}.${agent}`,
        email: `agent-${index}-${agent}@bank.test`,
        departmentIds: [id],
      });
    }
  }
  const reused = await pool
    .query(`SELECT count(*) AS n, max(created_at) AS latest FROM "${schema}".tickets`)
    .then(({ rows: [found] }) => (Number(found.n) >= size ? (found.latest as Date) : null));
  if (reused) {
    console.error(`reusing the ${size.toLocaleString('en-US')}+ tickets of schema ${schema}`);
    clock.set(new Date(reused.getTime() + 30_000));
  }
  const bar = progressBar(`creating ${apiTickets} tickets through the API in schema ${schema}`, apiTickets);
  let created = 0;
  const rng = random();
  const load = async (worker: number) => {
    for (let index = worker; index < apiTickets; index += concurrency) {
      clock.advance(30_000 / concurrency);
      const department = index % DEPARTMENTS.length;
      const agent = agentOf(department, index % AGENTS_PER_DEPARTMENT);
      const customer = { type: 'customer', email: `customer${index % 50_000}@example.com` } as const;
      const ticket = await desk.tickets.open(
        {
          subject: `${rng.words(2)} ${rng.words(1)}`,
          body: rng.words(12 + rng.int(30)),
          departmentId: DEPARTMENTS[department],
        },
        { actor: customer },
      );
      const roll = rng.next();
      if (roll < 0.85) {
        await desk.tickets.resolve(ticket.id, { resolutionNote: rng.words(6), body: rng.words(10) }, { actor: agent });
        if (roll < 0.8) await desk.tickets.confirmResolution(ticket.id, { rating: 5 }, { actor: customer });
      } else if (roll < 0.95) {
        await desk.tickets.assign(ticket.id, { agentId: agent.id }, { actor: agent });
      }
      created += 1;
      if (created % 200 === 0) bar.tick(created);
    }
  };
  const loadStarted = Date.now();
  if (!reused) {
    await Promise.all(Array.from({ length: concurrency }, (_, worker) => load(worker)));
    bar.done();
  }
  const loadSeconds = (Date.now() - loadStarted) / 1000;
  let bulkSeconds = 0;
  let verified = '';
  if (!reused && size > apiTickets) {
    const bulkStarted = Date.now();
    const bulkBar = progressBar(`copying ${size - apiTickets} more tickets in SQL`, size - apiTickets);
    // The copies come after the API's tickets, 30 s apart as the API's are; the clock moves past them.
    const from = new Date(clock.now().getTime() + 30_000);
    await bulkLoad(pool, schema, {
      count: size - apiTickets,
      from,
      stepMs: 30_000,
      vocabulary: VOCABULARY,
      progress: (added) => bulkBar.tick(added),
    });
    bulkBar.done();
    clock.set(new Date(from.getTime() + (size - apiTickets) * 30_000));
    bulkSeconds = (Date.now() - bulkStarted) / 1000;
    verified = await verifyBulkLoad(pool, schema, storage);
    console.error(`verified: ${verified}`);
  }
  await pool.query(`VACUUM ANALYZE "${schema}".tickets, "${schema}".thread_entries, "${schema}".ticket_counts`);

  const at = `at ${size.toLocaleString('en-US')} tickets`;
  const row = (name: string, values: number[], p: number) => {
    const detail = `median ${percentile(values, 50).toFixed(2)} ms, ${values.length} calls`;
    rows.push([name, `${percentile(values, p).toFixed(2)} ms p${p}`, detail]);
    figures.push({
      name,
      value: percentile(values, p),
      unit: `ms p${p}`,
      goal: GOALS[name],
      detail: `${at}; ${detail}`,
    });
  };
  // Raw `pg` doing the same work on the same tables in the same run: the adapter's cost is the ratio of medians.
  const t = (name: string) => `"${schema}"."${name}"`;
  const baseline = (name: string, api: number[], raw: number[]) => {
    const ratio = percentile(api, 50) / percentile(raw, 50);
    const detail = `median ${percentile(api, 50).toFixed(2)} ms vs ${percentile(raw, 50).toFixed(2)} ms raw, ${raw.length} raw calls`;
    rows.push([`${name}: × raw pg`, `${ratio.toFixed(2)} ×`, detail]);
    figures.push({ name: `${name}: × raw pg`, value: ratio, unit: '× raw pg (medians)', detail: `${at}; ${detail}` });
  };
  const agent = agentOf(3);
  // A position halfway through the open queue (in its `priority` order): a deep page, reached with a keyset cursor.
  const { rows: middle } = await pool.query<{ data: Ticket }>(
    `SELECT data FROM "${schema}".tickets WHERE status IN ('open', 'in_progress')
      ORDER BY priority_rank, due_at, created_at, id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM "${schema}".tickets WHERE status IN ('open', 'in_progress'))`,
  );
  const deep = middle[0] ? encodeQueueCursor(queuePosition(middle[0].data)) : null;
  const queueApi = await sampleMs(samples, () => desk.queues.list('open', { actor: admin, limit: 25 }));
  row('open queue, first page (admin)', queueApi, 99);
  const queueRaw = await sampleMs(samples, () =>
    pool.query(
      `SELECT data FROM ${t('tickets')} WHERE status IN ('open', 'in_progress') ORDER BY priority_rank, due_at, created_at, id LIMIT 26`,
    ),
  );
  baseline('open queue, first page (admin)', queueApi, queueRaw);
  row(
    'open queue, first page (agent)',
    await sampleMs(samples, () => desk.queues.list('open', { actor: agent, limit: 25 })),
    99,
  );
  row(
    'open queue, deep page',
    await sampleMs(samples, () => desk.queues.list('open', { actor: admin, limit: 25, cursor: deep })),
    99,
  );
  const countsApi = await sampleMs(samples / 3, () => desk.queues.counts({ actor: admin }));
  row('counts of all queues (admin)', countsApi, 99);
  const countsRaw = await sampleMs(samples / 3, () =>
    pool.query(
      `SELECT status, sla_state, assignee_id = '' AS unassigned, sum(n) FROM ${t('ticket_counts')} GROUP BY 1, 2, 3`,
    ),
  );
  baseline('counts of all queues (admin)', countsApi, countsRaw);
  const due = new Date(Date.parse('2025-01-01T00:00:00Z') + size * 15_000).toISOString();
  row(
    'SLA candidate batch (100)',
    await sampleMs(samples, () => storage.listDueTickets({ dueBefore: due, limit: 100 })),
    99,
  );
  const words = random(99);
  const searchApi = await sampleMs(samples / 2, () =>
    desk.tickets.search(words.next() < 0.5 ? words.word() : `${words.word()} ${words.word()}`, {
      actor: admin,
      limit: 25,
    }),
  );
  row('full-text search', searchApi, 95);
  const rawWords = random(99);
  const searchRaw = await sampleMs(samples / 2, () =>
    pool.query(
      `SELECT DISTINCT ON (e.ticket_id) tk.data FROM ${t('thread_entries')} e JOIN ${t('tickets')} tk ON tk.id = e.ticket_id
        WHERE e.search @@ $1::tsquery ORDER BY e.ticket_id LIMIT 25`,
      [rawWords.next() < 0.5 ? rawWords.word() : `${rawWords.word()} & ${rawWords.word()}`],
    ),
  );
  baseline('full-text search', searchApi, searchRaw);
  const customer = { type: 'customer', email: 'bench@example.com' } as const;
  // Messages like the desk's own: a later run on a kept desk (--keep) then searches a desk whose newest
  // entries still look like a desk's, not thousands of "Help me"s that no searched word is in.
  const text = random(7);
  const message = () => text.words(12 + text.int(30));
  const opened: string[] = [];
  const commandSamples: Record<'open' | 'reply' | 'assign', number[]> = { open: [], reply: [], assign: [] };
  commandSamples.open = await sampleMs(samples, async () => {
    clock.advance(1_000);
    const ticket = await desk.tickets.open(
      { subject: text.words(3), body: message(), departmentId: DEPARTMENTS[3] },
      { actor: customer },
    );
    opened.push(ticket.id);
  });
  row('open a ticket', commandSamples.open, 95);
  commandSamples.reply = await sampleMs(samples, (index) =>
    desk.tickets.reply(opened[index] as string, { body: message() }, { actor: agent }),
  );
  row('agent reply', commandSamples.reply, 95);
  commandSamples.assign = await sampleMs(samples, (index) =>
    desk.tickets.assign(opened[index] as string, { agentId: agent.id }, { actor: agent }),
  );
  row('assign', commandSamples.assign, 95);
  // Commands by hand: one transaction with the ticket row and one log row, as the SQLite baselines do.
  const inTransaction = async (work: (client: pg.PoolClient) => Promise<unknown>) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  const template = (await pool.query(`SELECT data FROM ${t('tickets')} LIMIT 1`)).rows[0]?.data as Record<
    string,
    unknown
  >;
  const rawIds: string[] = [];
  const openRaw = await sampleMs(samples, (index) =>
    inTransaction(async (client) => {
      const id = `raw-${index}-${Date.now().toString(36)}`;
      rawIds.push(id);
      const data = { ...template, id, number: id, version: 1 };
      await client.query(
        `INSERT INTO ${t('tickets')} (id, number, status, department_id, sla_state, requester_email, subject, created_at, version, data)
          VALUES ($1, $1, 'open', $2, 'on_track', 'bench@example.com', 'Card blocked', now(), 1, $3::jsonb)`,
        [id, DEPARTMENTS[3], data],
      );
      await client.query(
        `INSERT INTO ${t('thread_entries')} (id, ticket_id, body, search, data) VALUES ($1, $2, $3, to_tsvector('simple', $3), '{}'::jsonb)`,
        [`${id}-e`, id, message()],
      );
    }),
  );
  const replyRaw = await sampleMs(samples, (index) =>
    inTransaction(async (client) => {
      const id = rawIds[index] as string;
      await client.query(
        `UPDATE ${t('tickets')} SET version = version + 1, data = jsonb_set(data, '{version}', to_jsonb(version + 1)) WHERE id = $1 AND version = $2`,
        [id, 1],
      );
      await client.query(
        `INSERT INTO ${t('thread_entries')} (id, ticket_id, body, search, data) VALUES ($1, $2, $3, to_tsvector('simple', $3), '{}'::jsonb)`,
        [`${id}-r`, id, message()],
      );
    }),
  );
  const assignRaw = await sampleMs(samples, (index) =>
    inTransaction(async (client) => {
      const id = rawIds[index] as string;
      await client.query(
        `UPDATE ${t('tickets')} SET assignee_id = $3, version = version + 1, data = jsonb_set(data, '{assigneeId}', to_jsonb($3::text)) WHERE id = $1 AND version = $2`,
        [id, 2, agent.id],
      );
      await client.query(`INSERT INTO ${t('audit_events')} (id, ticket_id, data) VALUES ($1, $2, '{}'::jsonb)`, [
        `${id}-a`,
        id,
      ]);
    }),
  );
  baseline('open a ticket', commandSamples.open, openRaw);
  baseline('agent reply', commandSamples.reply, replyRaw);
  baseline('assign', commandSamples.assign, assignRaw);
  console.log(
    `\nPostgreSQL adapter, ${size.toLocaleString('en-US')} tickets (${apiTickets.toLocaleString('en-US')} through the API in ${loadSeconds.toFixed(0)} s, ${concurrency} at a time${size > apiTickets ? `; ${(size - apiTickets).toLocaleString('en-US')} copied in SQL in ${bulkSeconds.toFixed(0)} s` : ''})`,
  );
  for (const [name, value, detail] of rows) console.log(`${name.padEnd(44)} ${value.padStart(14)}   ${detail}`);
  if (values.json) {
    const load = { apiTickets, loadSeconds, bulkTickets: size - apiTickets, bulkSeconds, verified };
    writeFileSync(values.json, `${JSON.stringify({ size, load, figures }, null, 2)}\n`);
  }
} finally {
  await desk.close();
  if (!values.keep) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
