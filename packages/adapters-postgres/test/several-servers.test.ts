import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHelpDesk, manualClock } from '@ticketkit/core';
import { afterAll, expect, test } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { startedTogether } from './support/processes.js';
import { DATABASE_URL, dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * Three app servers (Node processes) on one PostgreSQL schema write to the
 * same tickets at the same moment and run their schedulers: no update is
 * lost, every SLA breach fires exactly once, and every notification reaches
 * the receiving end exactly once.
 */

const raw = testPool(3);
const schema = schemaName('tk_servers');
const dir = mkdtempSync(join(tmpdir(), 'ticketkit-pg-'));
afterAll(async () => {
  await dropSchema(raw, schema);
  await raw.end();
  rmSync(dir, { recursive: true, force: true });
});

const TICKETS = 24;
const SERVERS = ['s1', 's2', 's3'];
const OPENED = '2026-03-02T09:00:00.000Z';
// 70 minutes in: every first response (due after 1 hour) is overdue.
const LATER = '2026-03-02T10:10:00.000Z';

test('three servers on one schema: 0 lost updates, each breach once, each notification once', {
  timeout: 120_000,
}, async () => {
  const setup = await createHelpDesk({ storage: postgresStorage({ pool: raw, schema }), clock: manualClock(OPENED) });
  await setup.departments.upsert({ id: 'help', name: 'Help Desk' });
  await setup.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await setup.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
  await setup.slaPlans.upsert({ id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h' });
  const ids: string[] = [];
  for (let index = 0; index < TICKETS; index++) {
    const ticket = await setup.tickets.open(
      { subject: `Card blocked ${index}`, body: 'Help', departmentId: 'help' },
      { actor: { type: 'customer', email: `c${index}@example.com` } },
    );
    await setup.tickets.update(ticket.id, { slaPlanId: 'sev-a' }, { actor: { type: 'agent', id: 'ann' } });
    ids.push(ticket.id);
  }
  await setup.close();

  const received = join(dir, 'received.jsonl');
  const runs = await startedTogether(
    'desk-server.ts',
    SERVERS.map((name) => [DATABASE_URL, schema, name, LATER, received, ids.join(',')]),
  );
  const results = runs.map((run) => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as { fired: { ticketId: string; target: string }[]; failed: number };
  });
  expect(results.every((result) => result.failed === 0)).toBe(true);

  // A fourth server delivers whatever the three left due (their last sweeps may have overlapped others' writes).
  const drain = await createHelpDesk({
    storage: postgresStorage({ pool: raw, schema }),
    clock: manualClock(LATER),
    notifiers: [
      {
        id: 'webhook',
        async send(notification) {
          appendFileSync(
            received,
            `${JSON.stringify({ id: notification.id, type: notification.type, by: 'drain' })}\n`,
          );
        },
      },
    ],
  });
  await drain.scheduler.runOnce();
  await drain.close();

  // Every write of every server is in every ticket's thread, and each commit's audit event is there.
  const t = (name: string) => `"${schema}"."${name}"`;
  for (const id of ids) {
    const bodies = (
      await raw.query(`SELECT body FROM ${t('thread_entries')} WHERE ticket_id = $1 ORDER BY seq`, [id])
    ).rows.map((row: { body: string }) => row.body);
    for (const name of SERVERS) {
      expect(
        bodies.filter((body) => body.startsWith(`${name}: `)),
        `${name}'s writes on ${id}`,
      ).toHaveLength(3);
    }
    const { rows } = await raw.query(
      `SELECT t.version, (SELECT count(*) FROM ${t('audit_events')} a WHERE a.ticket_id = t.id)::int AS audits
        FROM ${t('tickets')} t WHERE t.id = $1`,
      [id],
    );
    expect(rows[0].version, 'one version per committed change').toBe(rows[0].audits);
  }

  const fired = results.flatMap((result) => result.fired);
  expect(fired.every((event) => event.target === 'first_response')).toBe(true);
  expect(fired.map((event) => event.ticketId).sort(), 'every ticket breached exactly once').toEqual([...ids].sort());

  const lines = existsSync(received) ? readFileSync(received, 'utf8').trim().split('\n') : [];
  const notifications = lines.map((line) => JSON.parse(line) as { id: string; type: string; by: string });
  expect(notifications.length).toBeGreaterThan(TICKETS);
  expect(new Set(notifications.map((notification) => notification.id)).size, 'no notification twice').toBe(
    notifications.length,
  );
  const { rows: left } = await raw.query(
    `SELECT (SELECT count(*) FROM ${t('deliveries')} WHERE status = 'delivered')::int AS delivered,
      (SELECT count(*) FROM ${t('deliveries')} WHERE status <> 'delivered')::int AS undelivered,
      (SELECT count(*) FROM ${t('outbox')} WHERE status = 'pending')::int AS pending`,
  );
  expect(left[0]).toEqual({ delivered: notifications.length, undelivered: 0, pending: 0 });
  const overdueAlerts = notifications.filter((notification) => notification.type === 'ticket.overdue_alert');
  expect(overdueAlerts, 'each breach alerts the two agents once').toHaveLength(2 * TICKETS);
  console.log(
    `three servers: ${notifications.length} notifications, by ${SERVERS.map((name) => `${name} ${notifications.filter((n) => n.by === name).length}`).join(', ')}, drain ${notifications.filter((n) => n.by === 'drain').length}`,
  );
});
