import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createHelpDesk, manualClock } from '@ticketkit/core';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { sqliteStorage } from '../src/index.js';
import { runTogether } from './support/child-process.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * Four processes run the scheduler on one SQLite file at the same moment —
 * with the storage's lease, and without it (where only each ticket's version
 * stands between them). Every SLA crossing fires exactly once, and every
 * notification it causes is sent exactly once.
 */

const temp = tempDirectory();
afterAll(() => temp.cleanup());

const TICKETS = 120;
const OPENED = '2026-03-02T09:00:00.000Z';

async function fileWithDueTickets(file: string) {
  const clock = manualClock(OPENED);
  const desk = await createHelpDesk({ storage: sqliteStorage({ filename: file }), clock });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
  await desk.slaPlans.upsert({ id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h' });
  const ids: string[] = [];
  for (let index = 0; index < TICKETS; index++) {
    const ticket = await desk.tickets.open(
      { subject: `Ticket ${index}`, body: 'Help', departmentId: 'help' },
      { actor: { type: 'customer', email: `c${index}@example.com` } },
    );
    await desk.tickets.update(ticket.id, { slaPlanId: 'sev-a' }, { actor: { type: 'agent', id: 'ann' } });
    ids.push(ticket.id);
  }
  await desk.close();
  return ids;
}

test.each(['lease', 'nolease'])(
  'four schedulers at once (%s): each breach fires once, each alert is sent once',
  { timeout: 180_000 },
  async (mode) => {
    const file = temp.file(`${mode}.db`);
    const ids = await fileWithDueTickets(file);
    const received = `${file}.received`;
    const goFile = `${file}.go`;
    rmSync(goFile, { force: true });
    // 70 minutes in: every first response is overdue (the sweep skips the warning it came too late for).
    const now = '2026-03-02T10:10:00.000Z';
    const runs = await runTogether(
      'sweeper.ts',
      ['s1', 's2', 's3', 's4'].map((name) => [file, name, now, mode, received]),
      goFile,
    );
    const results = runs.map((run) => {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as {
        fired: { event: string; ticketId: string; target: string }[];
        sweptTickets: boolean[];
        skipped: number;
        failed: number;
      };
    });
    const fired = results.flatMap((result) => result.fired);
    expect(fired.every((event) => event.event === 'breached' && event.target === 'first_response')).toBe(true);
    expect(fired.map((event) => event.ticketId).sort(), 'every ticket breached exactly once').toEqual([...ids].sort());
    expect(results.every((result) => result.failed === 0)).toBe(true);
    const skipped = results.reduce((sum, result) => sum + result.skipped, 0);
    const sweeping = results.filter((result) => result.sweptTickets.some(Boolean)).length;
    console.log(
      `schedulers (${mode}): ${sweeping} of 4 swept tickets; ${skipped} tickets skipped as changed meanwhile`,
    );
    if (mode === 'lease') {
      // However the sweeps interleaved, no two processes swept tickets at once: nothing was skipped.
      expect(results.reduce((sum, result) => sum + result.skipped, 0)).toBe(0);
    }

    // Each breach alerts the department's two agents: 240 notifications, each received once.
    const lines = existsSync(received) ? readFileSync(received, 'utf8').trim().split('\n') : [];
    const notifications = lines.map((line) => JSON.parse(line) as { id: string; type: string });
    expect(notifications.every((notification) => notification.type === 'ticket.overdue_alert')).toBe(true);
    expect(new Set(notifications.map((notification) => notification.id)).size).toBe(notifications.length);
    expect(notifications).toHaveLength(2 * TICKETS);

    const db = new Database(file, { readonly: true });
    try {
      const checks = db
        .prepare("SELECT count(*) FROM ticket_log WHERE json_extract(data, '$.audit.command') = 'slaCheck'")
        .pluck()
        .get();
      expect(checks, 'one SLA check per ticket in the history').toBe(TICKETS);
      expect(db.prepare("SELECT count(*) FROM deliveries WHERE status = 'delivered'").pluck().get()).toBe(2 * TICKETS);
      expect(db.prepare("SELECT count(*) FROM deliveries WHERE status <> 'delivered'").pluck().get()).toBe(0);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  },
);
