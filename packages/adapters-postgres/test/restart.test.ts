import { createHelpDesk, isTicketkitError, manualClock, type Notification } from '@ticketkit/core';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { startThrowawayCluster, type ThrowawayCluster } from './support/throwaway-cluster.js';
import { until } from './support/until.js';

/**
 * PostgreSQL restarted under a running desk (a cluster of the test's own,
 * never the shared server): a command caught mid-transaction fails with a
 * clear error and leaves nothing written; commands during the outage fail
 * the same way; once the server is back the same desk — same pool, no
 * restart of the app — works again, and its notifications go out once.
 */

let cluster: ThrowawayCluster;
beforeAll(async () => {
  cluster = await startThrowawayCluster();
}, 60_000);
afterAll(() => cluster?.destroy());

test('PostgreSQL restarted under a running desk: clear errors, nothing half written, recovery without a restart', {
  timeout: 60_000,
}, async () => {
  const schema = 'desk';
  const sent: Notification[] = [];
  const desk = await createHelpDesk({
    storage: postgresStorage({ connectionString: cluster.url, schema, max: 4 }),
    clock: manualClock('2026-03-02T09:00:00.000Z'),
    logger: { warn: () => {}, error: () => {} },
    notifiers: [
      {
        id: 'webhook',
        async send(notification) {
          sent.push(notification);
        },
      },
    ],
  });
  const ann = { actor: { type: 'agent', id: 'ann' } } as const;
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const ticket = await desk.tickets.open(
    { subject: 'Card blocked', body: 'Help', departmentId: 'help' },
    { actor: { type: 'customer', email: 'c@example.com' } },
  );
  await desk.scheduler.runOnce();
  const threadBefore = await desk.tickets.thread(ticket.id, ann);
  const historyBefore = await desk.tickets.history(ticket.id, ann);
  const sentBefore = sent.length;

  // A session of its own holds the count cells the assignment moves the ticket into, so the assignment
  // has written its ticket row and waits inside its transaction when the server goes down.
  const raw = new pg.Client({ connectionString: cluster.url });
  raw.on('error', () => {});
  await raw.connect();
  await raw.query('BEGIN');
  for (const status of ['open', 'in_progress']) {
    await raw.query(`INSERT INTO "${schema}".ticket_counts VALUES ('help', $1, 'on_track', 'ann', '', 0)`, [status]);
  }
  const assigning = desk.tickets.assign(ticket.id, { agentId: 'ann' }, ann);
  const watcher = new pg.Client({ connectionString: cluster.url });
  await watcher.connect();
  await until(
    'the assignment to wait inside its transaction',
    async () => {
      const { rows } = await watcher.query(
        `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%ticket_counts%'`,
      );
      return rows.length ? true : undefined;
    },
    10_000,
  );
  await watcher.end();

  const started = Date.now();
  cluster.stop();
  const caught = await assigning.catch((error: unknown) => error);
  expect(isTicketkitError(caught, 'STORAGE_FAILED'), String(caught)).toBe(true);
  expect((caught as Error).message).toMatch(/the connection to PostgreSQL failed .*not committed/);

  // During the outage: every command and query fails fast with an error that says what happened.
  for (const attempt of [
    () => desk.tickets.get(ticket.id, ann),
    () => desk.tickets.reply(ticket.id, { body: 'Looking' }, ann),
  ]) {
    const error = await attempt().catch((failure: unknown) => failure);
    expect(isTicketkitError(error, 'STORAGE_FAILED'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/PostgreSQL|ECONNREFUSED|connect/);
  }
  const report = await desk.scheduler.runOnce().catch((error: unknown) => error);
  expect(report instanceof Error ? isTicketkitError(report, 'STORAGE_FAILED') : true).toBe(true);

  cluster.start();
  // Back: the same desk, same pool. Nothing of the interrupted assignment was written.
  expect(await desk.tickets.get(ticket.id, ann)).toEqual(ticket);
  expect(await desk.tickets.thread(ticket.id, ann)).toEqual(threadBefore);
  expect(await desk.tickets.history(ticket.id, ann)).toEqual(historyBefore);
  const assigned = await desk.tickets.assign(ticket.id, { agentId: 'ann' }, ann);
  expect(assigned.assigneeId).toBe('ann');
  expect(assigned.version).toBe(ticket.version + 1);
  // The count cells hold the ticket once: the interrupted transaction's cell writes rolled back with it.
  const check = new pg.Client({ connectionString: cluster.url });
  await check.connect();
  const { rows: cells } = await check.query(
    `SELECT status, assignee_id, n::int FROM "${schema}".ticket_counts WHERE n <> 0 ORDER BY status`,
  );
  await check.end();
  expect(cells).toEqual([{ status: assigned.status, assignee_id: 'ann', n: 1 }]);
  // The reply refused during the outage was not written; sent now, its notification goes out once.
  await desk.tickets.reply(ticket.id, { body: 'Unblocked now' }, ann);
  await until(
    'the reply notice',
    async () => {
      await desk.scheduler.runOnce();
      return sent.length > sentBefore ? true : undefined;
    },
    10_000,
  );
  await desk.scheduler.runOnce();
  const after = sent.slice(sentBefore);
  expect(after.map((notification) => notification.type)).toEqual(['ticket.reply_notice']);
  expect((await desk.tickets.thread(ticket.id, ann)).filter((entry) => entry.body === 'Looking')).toEqual([]);
  await desk.close();
  expect(Date.now() - started).toBeLessThan(30_000);
});
