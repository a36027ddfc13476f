/**
 * Latencies of the PostgreSQL adapter through the public API, on a schema
 * of its own: `node --import tsx bench/postgres-latency.ts --size 20000`
 * (`--url`, default $DATABASE_URL or the local test server). Loads `--size`
 * tickets the way the SQLite benchmark does (mostly closed, some open), then
 * measures commands and reads, prints a table, and drops the schema.
 * Not yet part of `npm run bench`: a first measurement of the adapter.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { postgresStorage } from '@ticketkit/adapter-postgres';
import { createHelpDesk, defaultSlaPolicy, encodeCursor, manualClock } from '@ticketkit/core';
import pg from 'pg';
import { AGENTS_PER_DEPARTMENT, admin, agentOf, DEPARTMENTS, random } from './lib/dataset.js';
import { progressBar } from './lib/progress.js';
import { percentile, sampleMs } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '20000' },
    samples: { type: 'string', default: '300' },
    url: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    concurrency: { type: 'string', default: '8' },
  },
});
const size = Number(values.size);
const samples = Number(values.samples);
const concurrency = Number(values.concurrency);
const schema = `tk_bench_${randomBytes(4).toString('hex')}`;
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
  const bar = progressBar(`creating ${size} tickets in schema ${schema}`, size);
  let created = 0;
  const rng = random();
  const load = async (worker: number) => {
    for (let index = worker; index < size; index += concurrency) {
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
  await Promise.all(Array.from({ length: concurrency }, (_, worker) => load(worker)));
  bar.done();
  const loadSeconds = (Date.now() - loadStarted) / 1000;
  await pool.query(`VACUUM ANALYZE "${schema}".tickets, "${schema}".thread_entries, "${schema}".ticket_counts`);

  const row = (name: string, values: number[], p: number) =>
    rows.push([
      name,
      `${percentile(values, p).toFixed(2)} ms p${p}`,
      `median ${percentile(values, 50).toFixed(2)} ms, ${values.length} calls`,
    ]);
  const agent = agentOf(3);
  const { rows: middle } = await pool.query(
    `SELECT data->>'createdAt' AS at, id FROM "${schema}".tickets WHERE status IN ('open', 'in_progress')
      ORDER BY created_at, id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM "${schema}".tickets WHERE status IN ('open', 'in_progress'))`,
  );
  const deep = middle[0] ? encodeCursor([middle[0].at, middle[0].id]) : null;
  row(
    'open queue, first page (admin)',
    await sampleMs(samples, () => desk.queues.list('open', { actor: admin, limit: 25 })),
    99,
  );
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
  row('counts of all queues (admin)', await sampleMs(samples / 3, () => desk.queues.counts({ actor: admin })), 99);
  const due = new Date(Date.parse('2025-01-01T00:00:00Z') + size * 15_000).toISOString();
  row(
    'SLA candidate batch (100)',
    await sampleMs(samples, () => storage.listDueTickets({ dueBefore: due, limit: 100 })),
    99,
  );
  const words = random(99);
  row(
    'full-text search',
    await sampleMs(samples / 2, () =>
      desk.tickets.search(words.next() < 0.5 ? words.word() : `${words.word()} ${words.word()}`, {
        actor: admin,
        limit: 25,
      }),
    ),
    95,
  );
  const customer = { type: 'customer', email: 'bench@example.com' } as const;
  const opened: string[] = [];
  row(
    'open a ticket',
    await sampleMs(samples, async () => {
      clock.advance(1_000);
      const ticket = await desk.tickets.open(
        { subject: 'Card blocked', body: 'Help me', departmentId: DEPARTMENTS[3] },
        { actor: customer },
      );
      opened.push(ticket.id);
    }),
    95,
  );
  row(
    'agent reply',
    await sampleMs(samples, (index) =>
      desk.tickets.reply(opened[index] as string, { body: 'On it' }, { actor: agent }),
    ),
    95,
  );
  row(
    'assign',
    await sampleMs(samples, (index) =>
      desk.tickets.assign(opened[index] as string, { agentId: agent.id }, { actor: agent }),
    ),
    95,
  );
  console.log(
    `\nPostgreSQL adapter, ${size.toLocaleString('en-US')} tickets (loaded in ${loadSeconds.toFixed(0)} s, ${concurrency} at a time)`,
  );
  for (const [name, value, detail] of rows) console.log(`${name.padEnd(34)} ${value.padStart(14)}   ${detail}`);
} finally {
  await desk.close();
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
