import type { SqliteStorage } from '@ticketkit/adapter-sqlite';
import { encodeQueueCursor, type HelpDesk, queuePosition, type Ticket } from '@ticketkit/core';
import { admin, agentOf, random } from '../lib/dataset.js';
import { percentile, sampleMs } from '../lib/stats.js';
import type { Metric } from './metric.js';

/** Read latencies at the dataset's size, through the public API (actor checks included). */
export async function readLatency(
  desk: HelpDesk,
  storage: SqliteStorage,
  size: number,
  samples: number,
): Promise<Metric[]> {
  const db = storage.database;
  const agent = agentOf(3);
  const at = `at ${size.toLocaleString('en-US')} tickets`;
  // A position halfway through the open queue (in its `priority` order): a deep page, reached with a keyset cursor.
  const openCount = Number(
    db.prepare("SELECT count(*) FROM tickets WHERE status IN ('open', 'in_progress')").pluck().get(),
  );
  const middle = db
    .prepare(`SELECT data FROM tickets INDEXED BY tickets_work_priority WHERE status IN ('open', 'in_progress')
      ORDER BY priority_rank, due_at, created_at, id LIMIT 1 OFFSET ?`)
    .pluck()
    .get(Math.floor(openCount / 2)) as string | undefined;
  const deepCursor = middle ? encodeQueueCursor(queuePosition(JSON.parse(middle) as Ticket)) : null;

  const firstPage = await sampleMs(samples, () => desk.queues.list('open', { actor: admin, limit: 25 }));
  const firstPageAgent = await sampleMs(samples, () => desk.queues.list('open', { actor: agent, limit: 25 }));
  const deepPage = await sampleMs(samples, () =>
    desk.queues.list('open', { actor: admin, limit: 25, cursor: deepCursor }),
  );
  const counts = await sampleMs(Math.max(20, samples / 5), () => desk.queues.counts({ actor: admin }));
  const countsAgent = await sampleMs(Math.max(20, samples / 5), () => desk.queues.counts({ actor: agent }));
  const byDepartment = await sampleMs(Math.max(20, samples / 5), () =>
    desk.queues.countsByDepartment({ actor: admin }),
  );
  const departments = (await desk.queues.countsByDepartment({ actor: admin })).departments.length;
  const dueBefore = new Date(Date.parse('2025-01-01T00:00:00Z') + size * 15_000).toISOString();
  const sla = await sampleMs(samples, () => storage.listDueTickets({ dueBefore, limit: 100 }));
  const rng = random(99);
  const search = await sampleMs(Math.max(50, samples / 2), () =>
    desk.tickets.search(rng.next() < 0.5 ? rng.word() : `${rng.word()} ${rng.word()}`, { actor: admin, limit: 25 }),
  );

  const latency = (name: string, values: number[], p: number, goal: number, detail: string): Metric => ({
    name,
    value: percentile(values, p),
    unit: `ms p${p}`,
    goal,
    detail: `${detail}, ${at}; median ${percentile(values, 50).toFixed(3)} ms over ${values.length} calls`,
  });
  return [
    latency('open queue, first page', firstPage, 99, 2, 'admin, 25 tickets'),
    latency('open queue, first page (agent)', firstPageAgent, 99, 2, 'one department, 25 tickets'),
    latency(
      'open queue, deep page',
      deepPage,
      99,
      2,
      `keyset cursor halfway through ${openCount.toLocaleString('en-US')} open tickets`,
    ),
    latency('counts of all queues', counts, 99, 10, 'admin, 8 queues'),
    latency('counts of all queues (agent)', countsAgent, 99, 10, 'one department, 8 queues'),
    latency(
      'counts per department',
      byDepartment,
      99,
      10,
      `admin, 8 queues in total and in each of ${departments} departments (${8 * (departments + 1)} cells)`,
    ),
    latency('SLA candidate batch', sla, 99, 2, '100 tickets due'),
    latency('full-text search', search, 95, 20, 'one or two words, ranked, 25 results'),
  ];
}
